package ui

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/lazyforce/lazyforce/views"
)

// maxPaletteHeight bounds the palette box: a long list is scrolled.
const maxPaletteHeight = 20

// paletteAction is one entry of the command palette and what it does.
type paletteAction struct {
	item views.PaletteItem
	run  func(m *Model) tea.Cmd
}

// paletteActions lists what the palette offers, all generated from the
// ':' commands, the registered panes and the key maps, so that it offers
// exactly what the keys and the prompt do: the ':' commands first, then
// each pane's actions (on the view it shows: a record page when one is
// open), then the global keys the commands do not cover.
func (m *Model) paletteActions() []paletteAction {
	var acts []paletteAction
	seen := map[string]bool{}
	add := func(a paletteAction) {
		if a.item.Title == "" || seen[a.item.Title] {
			return
		}
		seen[a.item.Title] = true
		acts = append(acts, a)
	}
	for _, it := range m.promptItems() {
		desc := it.desc
		if desc == "" {
			desc = it.text
		}
		add(paletteAction{
			item: views.PaletteItem{Title: upperFirst(desc), Key: it.key},
			run:  func(m *Model) tea.Cmd { return m.runCommand(it.text) },
		})
	}
	// The focused pane's actions first, then the others in tab order.
	for n := range m.tabs {
		i := (m.focus + n) % len(m.tabs)
		t := m.tabs[i]
		scope := t.id.String()
		if d := t.detail; d != nil {
			scope = upperFirst(recordPage(d))
		}
		for _, group := range t.shown().FullHelp() {
			for _, b := range group {
				msg, ok := keyPressFor(b)
				if !ok {
					continue
				}
				add(paletteAction{
					item: views.PaletteItem{Title: scope + ": " + b.Help().Desc, Key: b.Help().Key},
					run: func(m *Model) tea.Cmd {
						m.setFocus(i)
						return m.handleKey(msg)
					},
				})
			}
		}
	}
	g := &m.keys.Global
	for _, b := range []key.Binding{g.NextPane, g.PrevPane, g.Prompt} {
		if msg, ok := keyPressFor(b); ok {
			add(paletteAction{
				item: views.PaletteItem{Title: upperFirst(b.Help().Desc), Key: b.Help().Key},
				run:  func(m *Model) tea.Cmd { return m.handleKey(msg) },
			})
		}
	}
	return acts
}

// openPalette opens the command palette with every action.
func (m *Model) openPalette() tea.Cmd {
	acts := m.paletteActions()
	items := make([]views.PaletteItem, len(acts))
	for i, a := range acts {
		items[i] = a.item
	}
	m.paletteActs = acts
	m.palette = views.NewPalette(m.ctx, items)
	m.palette.SetSize(m.paletteSize())
	return nil
}

// paletteSize is the most the palette box may take.
func (m *Model) paletteSize() (int, int) {
	w, h := m.bodySize()
	return w, min(h, maxPaletteHeight)
}

// closePalette closes the palette.
func (m *Model) closePalette() {
	m.palette, m.paletteActs = nil, nil
}

// paletteRun closes the palette and runs its action i.
func (m *Model) paletteRun(i int) tea.Cmd {
	acts := m.paletteActs
	m.closePalette()
	if i < 0 || i >= len(acts) {
		return nil
	}
	return acts[i].run(m)
}

// paletteOverlay draws the palette near the top of the body.
func (m *Model) paletteOverlay(w, h int) string {
	placed := lipgloss.Place(w, h, lipgloss.Center, lipgloss.Top, "\n"+m.palette.View())
	if lines := strings.Split(placed, "\n"); len(lines) > h {
		placed = strings.Join(lines[:h], "\n")
	}
	return placed
}

// paletteHelp is the help line under the open palette.
func (m *Model) paletteHelp() []key.Binding {
	p := &m.keys.Prompt
	return []key.Binding{p.Next, p.Prev, p.Submit, p.Cancel}
}

// recordPage names the record page d shows: "opportunity page".
func recordPage(d *views.Detail) string {
	if d.Kind() == views.AccountRecord {
		return "account page"
	}
	return "opportunity page"
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

// namedKeys are the key names a binding may use that are not one rune.
var namedKeys = map[string]rune{
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
	"backspace": tea.KeyBackspace, "up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft,
	"right": tea.KeyRight, "home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
}

// keyPressFor builds the key press that triggers b (its first key that
// can be built), so that the palette runs an action exactly as its key
// does; ok is false for a disabled binding, one without help, or one no
// press can be built for.
func keyPressFor(b key.Binding) (tea.KeyPressMsg, bool) {
	if !b.Enabled() || b.Help().Desc == "" {
		return tea.KeyPressMsg{}, false
	}
	for _, k := range b.Keys() {
		var msg tea.KeyPressMsg
		name := k
		for {
			switch {
			case strings.HasPrefix(name, "ctrl+"):
				msg.Mod |= tea.ModCtrl
				name = name[len("ctrl+"):]
				continue
			case strings.HasPrefix(name, "alt+"):
				msg.Mod |= tea.ModAlt
				name = name[len("alt+"):]
				continue
			case strings.HasPrefix(name, "shift+"):
				msg.Mod |= tea.ModShift
				name = name[len("shift+"):]
				continue
			}
			break
		}
		if r, ok := namedKeys[name]; ok {
			msg.Code = r
		} else if r, n := utf8.DecodeRuneInString(name); n == len(name) && n > 0 {
			msg.Code = r
			if msg.Mod == 0 {
				msg.Text = name
			}
		} else {
			continue
		}
		if key.Matches(msg, b) {
			return msg, true
		}
	}
	return tea.KeyPressMsg{}, false
}
