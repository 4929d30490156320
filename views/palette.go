package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"
)

// PaletteItem is one action the command palette offers: what it does
// ("Pipeline: next record type") and the key that does it outside the
// palette ("" when none).
type PaletteItem struct {
	Title string
	Key   string
}

// PaletteRunMsg asks the root to run the palette's item Index (an index
// into the items it was given) and close the palette.
type PaletteRunMsg struct{ Index int }

// PaletteCloseMsg asks the root to close the palette without running
// anything.
type PaletteCloseMsg struct{}

// Palette is the command palette (ctrl+k): a fuzzy search over every
// action and pane, each shown with its key. It is an overlay drawn by the
// root, not a pane: the root builds the items and runs the chosen one.
type Palette struct {
	ctx     *Context
	input   textinput.Model
	items   []PaletteItem
	matches []fuzzy.Match // best first; every item, in order, while the query is empty
	cursor  int
	offset  int // first match shown
	width   int // the box's, frame included
	height  int
}

// NewPalette returns a palette over items, with an empty query and the
// input focused.
func NewPalette(ctx *Context, items []PaletteItem) *Palette {
	p := &Palette{ctx: ctx, items: items, input: NewInput("> ", "search actions and panes", ctx.Styles.IsDark)}
	p.input.Focus()
	p.search()
	return p
}

// SetSize gives the palette at most w×h cells.
func (p *Palette) SetSize(w, h int) {
	st := p.ctx.Styles
	p.width, p.height = min(w, 72), h
	innerW := max(1, p.width-st.Overlay.GetHorizontalFrameSize())
	p.input.SetWidth(max(1, innerW-2-lipgloss.Width(p.input.Prompt)))
	p.offset = scroll(p.cursor, p.offset, p.rows(), len(p.matches))
}

// rows is how many matches the box shows: the query and a blank line
// come first.
func (p *Palette) rows() int {
	return max(0, p.height-p.ctx.Styles.Overlay.GetVerticalFrameSize()-2)
}

// Query returns what is typed.
func (p *Palette) Query() string { return p.input.Value() }

// Matches returns the items that match the query, best first.
func (p *Palette) Matches() []PaletteItem {
	out := make([]PaletteItem, len(p.matches))
	for i, m := range p.matches {
		out[i] = p.items[m.Index]
	}
	return out
}

// Selected returns the index (into the items) of the selected match, or
// -1 when nothing matches.
func (p *Palette) Selected() int {
	if len(p.matches) == 0 {
		return -1
	}
	return p.matches[p.cursor].Index
}

// search matches the items against the query.
func (p *Palette) search() {
	q := strings.TrimSpace(p.input.Value())
	if q == "" {
		p.matches = make([]fuzzy.Match, len(p.items))
		for i, it := range p.items {
			p.matches[i] = fuzzy.Match{Str: it.Title, Index: i}
		}
	} else {
		p.matches = fuzzy.FindFrom(q, paletteSource(p.items))
	}
	p.cursor, p.offset = 0, 0
}

// paletteSource lets fuzzy search the items by title.
type paletteSource []PaletteItem

func (s paletteSource) String(i int) string { return s[i].Title }
func (s paletteSource) Len() int            { return len(s) }

// Update handles a key: the prompt keys move, run and close, anything else
// edits the query.
func (p *Palette) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := &p.ctx.Keys.Prompt
	switch {
	case key.Matches(kp, k.Cancel):
		return requestCmd(PaletteCloseMsg{})
	case key.Matches(kp, k.Submit):
		if i := p.Selected(); i >= 0 {
			return requestCmd(PaletteRunMsg{Index: i})
		}
		return nil
	case key.Matches(kp, k.Next):
		if n := len(p.matches); n > 0 {
			p.cursor = (p.cursor + 1) % n
		}
		p.offset = scroll(p.cursor, p.offset, p.rows(), len(p.matches))
		return nil
	case key.Matches(kp, k.Prev):
		if n := len(p.matches); n > 0 {
			p.cursor = (p.cursor + n - 1) % n
		}
		p.offset = scroll(p.cursor, p.offset, p.rows(), len(p.matches))
		return nil
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(kp)
	if p.input.Value() != before {
		p.search()
	}
	return cmd
}

// View draws the palette as a box of at most the size it was given: the
// query, then the matches with their keys, the selected one highlighted.
func (p *Palette) View() string {
	st := p.ctx.Styles
	innerW := max(1, p.width-st.Overlay.GetHorizontalFrameSize())
	lines := []string{fitStyled(ansi.Truncate(p.input.View(), innerW, ""), innerW), ""}
	if len(p.matches) == 0 {
		lines = append(lines, st.Muted.Render(fit("nothing matches", innerW)))
	}
	for i := p.offset; i < len(p.matches) && i < p.offset+p.rows(); i++ {
		it := p.items[p.matches[i].Index]
		keyW := ansi.StringWidth(Sanitize(it.Key))
		title, k := fit(it.Title, max(0, innerW-keyW-1))+" ", fitRight(it.Key, keyW)
		if i == p.cursor {
			lines = append(lines, st.Selected.Render(title+k))
		} else {
			lines = append(lines, st.Text.Render(title)+st.Muted.Render(k))
		}
	}
	return st.Overlay.Render(strings.Join(lines, "\n"))
}
