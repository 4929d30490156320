package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"

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
}

// registerPanes lists the panes, in tab order. Adding a pane is a file in
// views and one line here.
func (m *Model) registerPanes() {
	g := &m.keys.Global
	m.tabs = []*tab{
		{id: views.AccountsPane, pane: m.accounts, jump: &g.Accounts, commands: []string{"accounts", "account", "a"}},
		{id: views.OpportunitiesPane, pane: m.opps, jump: &g.Opportunities, commands: []string{"opportunities", "opportunity", "opps", "o"}},
		{id: views.PipelinePane, pane: m.pipeline, jump: &g.Pipeline, commands: []string{"pipeline", "p"}},
		{id: views.AskPane, pane: m.ask, jump: &g.Ask, commands: []string{"ask"}},
	}
	for i, t := range m.tabs {
		if t.jump == nil {
			n := strconv.Itoa(i + 1)
			b := key.NewBinding(key.WithKeys(n), key.WithHelp(n, t.id.String()))
			t.jump = &b
		}
	}
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
	keys := make([]key.Binding, len(m.tabs))
	for i, t := range m.tabs {
		keys[i] = *t.jump
	}
	return keys
}
