package views

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
)

// FindPane is the find view's title.
const FindPane PaneID = "Find"

// findPerKind is how many records of each object the find view lists.
const findPerKind = 20

// Find is the find view (ctrl+f, ':find'): one search over everything
// cached — accounts, contacts, leads and opportunities by name, company,
// e-mail and phone — ranked exact, prefix, fuzzy and grouped by object,
// updated on every key (a book.Finder searches in memory: within a frame
// over 100k records). ctrl+o adds what the org holds beyond the cache
// (live SOSL, marked not cached); enter opens the record.
type Find struct {
	ctx    *Context
	input  textinput.Model
	finder *book.Finder // nil until loaded
	err    error
	// mask masks personal data of results (redacted mode); nil: none.
	mask    func([]book.Found) []book.Found
	results []book.Found // of the cache, masked
	live    []book.Found // of the org, not cached, masked
	liveFor string       // the text live results are for
	asking  bool         // a live search is running
	cursor  int
	paneFocus
	width  int
	height int
}

var _ Pane = (*Find)(nil)

// FindLoadedMsg brings the find view its finder (built from the cache in
// a command).
type FindLoadedMsg struct {
	Finder *book.Finder
	Err    error
}

// FindLiveMsg asks the root to search the org for Text (SOSL).
type FindLiveMsg struct{ Text string }

// FindLiveResultsMsg brings the records the org holds for Text that the
// cache does not (NotCached), or the error of the search.
type FindLiveResultsMsg struct {
	Text  string
	Found []book.Found
	Err   error
}

// OpenFoundMsg asks the root to open a record found: a record not cached
// is fetched and added to the cache first.
type OpenFoundMsg struct{ Found book.Found }

// CloseFindMsg asks the root to close the find view.
type CloseFindMsg struct{}

// NewFind returns the find view, waiting for its finder.
func NewFind(ctx *Context) *Find {
	p := &Find{ctx: ctx, input: NewInput("find: ", "name, company, e-mail or phone", true)}
	p.input.Focus()
	return p
}

// SetFinder gives the view what it searches, and searches again.
func (p *Find) SetFinder(f *book.Finder, err error) {
	p.finder, p.err = f, err
	p.search()
}

// SetMask sets how results are masked (nil: not at all) and searches
// again, for redacted mode.
func (p *Find) SetMask(mask func([]book.Found) []book.Found) {
	p.mask = mask
	p.search()
}

// Reset clears the text typed and the live results (the view opens
// empty).
func (p *Find) Reset() {
	p.input.SetValue("")
	p.live, p.liveFor, p.asking, p.cursor = nil, "", false, 0
	p.search()
}

// Text returns the text typed.
func (p *Find) Text() string { return p.input.Value() }

// Results returns the records listed, cached first then live, in the
// order shown.
func (p *Find) Results() []book.Found {
	out := make([]book.Found, 0, len(p.results)+len(p.live))
	return append(append(out, p.results...), p.live...)
}

// Selected returns the record under the cursor (for logging a task or a
// call on it); ok is false when nothing is listed.
func (p *Find) Selected() (book.Found, bool) {
	all := p.Results()
	if len(all) == 0 {
		return book.Found{}, false
	}
	return all[clamp(p.cursor, len(all))], true
}

// search runs the text typed over the finder.
func (p *Find) search() {
	p.results = nil
	if p.finder != nil {
		p.results = p.masked(p.finder.Search(p.input.Value(), findPerKind))
	}
	if strings.TrimSpace(p.liveFor) != strings.TrimSpace(p.input.Value()) {
		p.live, p.liveFor = nil, ""
	}
	p.cursor = clamp(p.cursor, len(p.results)+len(p.live))
}

func (p *Find) masked(fs []book.Found) []book.Found {
	if p.mask == nil {
		return fs
	}
	return p.mask(fs)
}

// SetSize implements Pane.
func (p *Find) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.SetWidth(max(1, w-len(p.input.Prompt)-1))
}

// Capturing implements Pane: the view types every key it does not bind.
func (p *Find) Capturing() bool { return true }

// Update implements Pane.
func (p *Find) Update(msg tea.Msg) (Pane, tea.Cmd) {
	k := &p.ctx.Keys.Find
	switch msg := msg.(type) {
	case FindLoadedMsg:
		p.SetFinder(msg.Finder, msg.Err)
		return p, nil
	case FindLiveResultsMsg:
		if msg.Text != p.input.Value() {
			return p, nil // the user typed on
		}
		p.asking, p.err = false, msg.Err
		if msg.Err == nil {
			p.live, p.liveFor = p.masked(msg.Found), msg.Text
			p.cursor = clamp(p.cursor, len(p.results)+len(p.live))
		}
		return p, nil
	case tea.PasteMsg:
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		p.search()
		return p, cmd
	case tea.KeyPressMsg:
		n := len(p.results) + len(p.live)
		switch {
		case key.Matches(msg, k.Back):
			return p, func() tea.Msg { return CloseFindMsg{} }
		case key.Matches(msg, k.Up):
			p.cursor = clamp(p.cursor-1, n)
			return p, nil
		case key.Matches(msg, k.Down):
			p.cursor = clamp(p.cursor+1, n)
			return p, nil
		case key.Matches(msg, k.Open):
			if f, ok := p.Selected(); ok {
				return p, func() tea.Msg { return OpenFoundMsg{Found: f} }
			}
			return p, nil
		case key.Matches(msg, k.Live):
			text := p.input.Value()
			if strings.TrimSpace(text) == "" {
				return p, nil
			}
			p.asking, p.err = true, nil
			return p, func() tea.Msg { return FindLiveMsg{Text: text} }
		}
		before := p.input.Value()
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		if p.input.Value() != before {
			p.cursor = 0
			p.search()
		}
		return p, cmd
	}
	return p, nil
}

// kindTitles are the group headings.
var kindTitles = map[book.Kind]string{
	book.KindAccount: "Accounts", book.KindContact: "Contacts", book.KindLead: "Leads", book.KindOpportunity: "Opportunities",
}

// View implements Pane.
func (p *Find) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.ctx.Styles
	title := "Find"
	if p.finder != nil {
		title += fmt.Sprintf(" · %s records cached", formatInt(int64(p.finder.Len())))
	}
	lines := []string{st.Title.Render(fit(title, p.width)), p.input.View(), ""}
	switch {
	case p.err != nil:
		lines = append(lines, st.Error.Render(fit(Sanitize(p.err.Error()), p.width)))
	case p.finder == nil:
		lines = append(lines, st.Muted.Render(fit("reading the cache…", p.width)))
	case strings.TrimSpace(p.input.Value()) == "":
		lines = append(lines, st.Muted.Render(fit("Type a name, a company, an e-mail address or a phone number in any format.", p.width)))
	case len(p.results)+len(p.live) == 0 && !p.asking:
		lines = append(lines, st.Muted.Render(fit("Nothing cached matches. ctrl+o searches the org.", p.width)))
	}
	if p.asking {
		lines = append(lines, st.Muted.Render(fit("searching the org…", p.width)))
	}
	rows, at := p.rows()
	// Window the rows around the cursor.
	room := max(1, p.height-len(lines))
	start := 0
	if at >= room {
		start = at - room + 1
	}
	for i := start; i < len(rows) && i < start+room; i++ {
		lines = append(lines, rows[i])
	}
	return padLines(strings.Join(lines, "\n"), p.width, p.height)
}

// rows renders the group headings and results; at is the cursor's row.
func (p *Find) rows() (rows []string, at int) {
	st := p.ctx.Styles
	w := p.width
	// Phone numbers and match tags keep their room; names, companies and
	// addresses share the rest.
	phoneW, tagW := 16, 14
	rest := max(20, w-phoneW-tagW-6)
	nameW, companyW := rest*40/100, rest*28/100
	emailW := rest - nameW - companyW
	i := 0
	emit := func(heading string, fs []book.Found, grouped bool) {
		for j, f := range fs {
			if j == 0 || (grouped && f.Kind != fs[j-1].Kind) {
				h := heading
				if grouped {
					h = kindTitles[f.Kind]
				}
				rows = append(rows, st.Header.Render(fit(h, w)))
			}
			tag := f.Match.String() + " " + f.Field
			if f.NotCached {
				tag = "not cached"
			}
			line := "  " + fit(Sanitize(f.Name), nameW) + " " + fit(Sanitize(f.Company), companyW) + " " +
				fit(Sanitize(f.Email), emailW) + " " + fit(Sanitize(f.Phone), phoneW) + " " + fit(tag, tagW)
			if i == p.cursor {
				at = len(rows)
				line = st.Selected.Render(fit("▸ "+line[2:], w))
			} else {
				line = fit(line, w)
			}
			rows = append(rows, line)
			i++
		}
	}
	emit("", p.results, true)
	emit("In the org, not cached", p.live, false)
	return rows, at
}

// ShortHelp implements help.KeyMap.
func (p *Find) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Find
	return []key.Binding{k.Up, k.Down, k.Open, k.Live, k.Back}
}

// FullHelp implements help.KeyMap.
func (p *Find) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
