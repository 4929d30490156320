package ui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/views"
)

// tab is one registered pane: the tab bar, the number keys, the help and
// the ':' prompt all read it, and it holds the detail view opened on it.
type tab struct {
	id   views.PaneID
	pane views.Pane
	// jump focuses the pane (a number key); nil gets the key of its
	// position, "5" for the fifth tab.
	jump *key.Binding
	// commands are the ':' commands that focus the pane; the first is the
	// one listed and completed, the others are aliases.
	commands []string
	detail   *views.Detail // open on this pane, or nil
	// back are the detail views detail was opened from (a contact opened
	// from its account's detail), innermost last: esc goes back to them.
	back []*views.Detail
	// hidden views are not in the tab bar, the number keys or tab
	// cycling: their ':' command (and the palette) open them.
	hidden bool
	// open, when set, runs each time the ':' command opens the view.
	open func(m *Model) tea.Cmd
}

// registerPanes lists the panes, in tab order. Adding a pane is a file in
// views and one line here.
func (m *Model) registerPanes() {
	g := &m.keys.Global
	m.register(views.AccountsPane, m.accounts, &g.Accounts, "accounts", "account", "a")
	m.register(views.OpportunitiesPane, m.opps, &g.Opportunities, "opportunities", "opportunity", "opps", "o")
	m.register(views.PipelinePane, m.pipeline, &g.Pipeline, "pipeline", "p")
	m.register(views.AskPane, m.ask, &g.Ask, "ask")
	m.register(views.TasksPane, views.NewTasks(m.ctx), &g.Tasks, "tasks", "t")
	m.register(views.ContactsPane, views.NewContacts(m.ctx), &g.Contacts, "contacts", "contact")
	m.register(views.LeadsPane, views.NewLeads(m.ctx), &g.Leads, "leads", "lead")
	m.registerView(views.LimitsPane, m.limits, (*Model).openLimits, "limits")
}

// registerView adds a view that is not a tab: its ':' commands (the first
// listed and completed, the others aliases) focus it and run open.
func (m *Model) registerView(id views.PaneID, pane views.Pane, open func(m *Model) tea.Cmd, commands ...string) {
	none := key.NewBinding(key.WithDisabled())
	m.tabs = append(m.tabs, &tab{id: id, pane: pane, jump: &none, commands: commands, hidden: true, open: open})
}

// cycle moves the focus step tabs on (negative: back), skipping hidden
// views.
func (m *Model) cycle(step int) {
	n := len(m.tabs)
	i := m.focus
	for range n {
		i = ((i+step)%n + n) % n
		if !m.tabs[i].hidden {
			m.setFocus(i)
			return
		}
	}
}

// register adds pane as the next tab: jump focuses it (nil: the lowest
// digit no other tab uses, "5" for a fifth tab while "6" and "7" are
// taken) and so do the ':' commands, the first of which is listed and
// completed, the others aliases.
func (m *Model) register(id views.PaneID, pane views.Pane, jump *key.Binding, commands ...string) {
	if jump == nil {
		n := m.freeDigit()
		b := key.NewBinding(key.WithKeys(n), key.WithHelp(n, strings.ToLower(id.String())))
		jump = &b
	}
	m.tabs = append(m.tabs, &tab{id: id, pane: pane, jump: jump, commands: commands})
}

// freeDigit returns the lowest digit key from 1 that focuses no tab yet
// ("" once 1–9 are all taken: the pane is then reached by tab and ':').
func (m *Model) freeDigit() string {
	for d := 1; d <= 9; d++ {
		n := strconv.Itoa(d)
		taken := false
		for _, t := range m.tabs {
			taken = taken || slices.Contains(t.jump.Keys(), n)
		}
		if !taken {
			return n
		}
	}
	return ""
}

// tab returns the registered pane id, or nil.
func (m *Model) tab(id views.PaneID) *tab {
	for _, t := range m.tabs {
		if t.id == id {
			return t
		}
	}
	return nil
}

// shown returns what tab t shows: its detail view when one is open.
func (t *tab) shown() views.Pane {
	if t.detail != nil {
		return t.detail
	}
	return t.pane
}

// focused returns the focused tab.
func (m *Model) focused() *tab { return m.tabs[m.focus] }

// jumpKeys returns the keys that focus each pane, in tab order.
func (m *Model) jumpKeys() []key.Binding {
	var keys []key.Binding
	for _, t := range m.tabs {
		if !t.hidden {
			keys = append(keys, *t.jump)
		}
	}
	return keys
}

// stackDetail returns t's stack of detail views with the one open now on
// top: a record opened from a detail view comes back to it on esc. A
// record opened from the pane itself starts a new stack.
func (m *Model) stackDetail(t *tab) []*views.Detail {
	if t.detail == nil {
		return nil
	}
	return append(t.back, t.detail)
}

// popDetail closes t's detail view onto the one it was opened from, at
// the same place (scroll and selection), re-read from the cache; ok is
// false when there is none.
func (m *Model) popDetail(t *tab) (tea.Cmd, bool) {
	if len(t.back) == 0 {
		return nil, false
	}
	d := t.back[len(t.back)-1]
	t.back = t.back[:len(t.back)-1]
	t.detail.Blur()
	t.detail = d
	d.SetSize(m.bodySize())
	if t == m.focused() {
		d.Focus()
	}
	return m.loadDetail(t.id, d.Kind(), d.ID()), true
}
