package ui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/views"
)

// loadPeople reads and indexes the contacts and the leads, each in its own
// command, off the event loop, as the latest loadData's read (its seq).
// The results are addressed to the panes (views.ContactsLoadedMsg,
// views.LeadsLoadedMsg), which Update passes on as it does every message
// it does not handle itself; the panes drop a read older than the one
// they show, and show a failed read in place of their rows.
func (m *Model) loadPeople() tea.Cmd {
	seq, data, life := m.loadSeq, m.deps.Data, m.life
	contacts := loadCmd(life, func(ctx context.Context) tea.Msg {
		cs, err := data.AllContacts(ctx)
		if err != nil {
			return views.ContactsLoadedMsg{Seq: seq, Err: fmt.Errorf("read contacts: %w", err)}
		}
		return views.ContactsLoadedMsg{Seq: seq, Index: views.NewContactIndex(cs)}
	})
	leads := loadCmd(life, func(ctx context.Context) tea.Msg {
		ls, err := data.Leads(ctx)
		if err != nil {
			return views.LeadsLoadedMsg{Seq: seq, Err: fmt.Errorf("read leads: %w", err)}
		}
		return views.LeadsLoadedMsg{Seq: seq, Index: views.NewLeadIndex(ls)}
	})
	return tea.Batch(contacts, leads)
}

// showContacts focuses the contacts pane (closing a contact open on it)
// and shows the contacts of the account msg names.
func (m *Model) showContacts(msg views.ShowContactsMsg) tea.Cmd {
	for i, t := range m.tabs {
		if t.id != views.ContactsPane {
			continue
		}
		if t.detail != nil {
			t.detail.Blur()
			t.detail = nil
		}
		m.setFocus(i)
		_, cmd := t.pane.Update(msg)
		return cmd
	}
	return nil
}
