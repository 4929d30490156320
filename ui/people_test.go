package ui

import (
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/views"
)

// contactsPane returns the registered contacts pane.
func contactsPane(t *testing.T, m *Model) *views.Contacts {
	t.Helper()
	p, ok := m.tab(views.ContactsPane).pane.(*views.Contacts)
	if !ok {
		t.Fatal("no contacts pane")
	}
	return p
}

// TestPeoplePanes: 6 and 7 and their ':' commands focus the lists, loaded
// with the cache; enter opens a contact or a lead with its activity.
func TestPeoplePanes(t *testing.T) {
	m, fake := newLoaded(t, 200, 120, 30, true)
	contacts, _ := fake.AllContacts(t.Context())
	press(m, "6")
	if m.Focus() != views.ContactsPane || contactsPane(t, m).Rows() != len(contacts) {
		t.Fatalf("6: focus %v, %d rows, want %d", m.Focus(), contactsPane(t, m).Rows(), len(contacts))
	}
	run(m, press(m, "enter"))
	d := m.Detail(views.ContactsPane)
	if d == nil || d.Kind() != views.ContactRecord || d.Loading() || !strings.Contains(screen(m), "Contact · ") {
		t.Fatalf("enter on a contact:\n%s", screen(m))
	}
	press(m, "esc")
	press(m, "1")
	for _, k := range ":leads" {
		press(m, string(k))
	}
	press(m, "enter")
	if m.Focus() != views.LeadsPane || !strings.Contains(screen(m), "open · sorted by Name") {
		t.Fatalf(":leads → %v\n%s", m.Focus(), screen(m))
	}
	run(m, press(m, "enter"))
	if d := m.Detail(views.LeadsPane); d == nil || d.Kind() != views.LeadRecord || !strings.Contains(screen(m), "Lead source") {
		t.Fatalf("enter on a lead:\n%s", screen(m))
	}
}

// TestAccountDetailOpensItsContacts: C on an account's page shows its
// contacts in the contacts pane, the same ones the page lists; the
// account's page stays open on the accounts pane.
func TestAccountDetailOpensItsContacts(t *testing.T) {
	m, fake := newLoaded(t, 200, 120, 30, true)
	// A contact left open on the contacts pane is closed.
	press(m, "6")
	run(m, press(m, "enter"))
	press(m, "1")
	run(m, press(m, "enter"))
	acct := m.Detail(views.AccountsPane)
	if acct == nil || acct.Loading() {
		t.Fatal("no account page")
	}
	det, err := fake.AccountDetail(t.Context(), acct.ID())
	if err != nil {
		t.Fatal(err)
	}
	run(m, press(m, "C"))
	p := contactsPane(t, m)
	if m.Focus() != views.ContactsPane || m.Detail(views.ContactsPane) != nil || p.Account() != acct.ID() {
		t.Fatalf("C: focus %v, account %q", m.Focus(), p.Account())
	}
	if p.Rows() != len(det.Contacts) {
		t.Fatalf("C shows %d contacts, the account's page lists %d", p.Rows(), len(det.Contacts))
	}
	out := screen(m)
	for _, c := range det.Contacts {
		if !strings.Contains(out, c.Name) {
			t.Errorf("the account's contact %s is not listed:\n%s", c.Name, out)
		}
	}
	if !strings.Contains(out, "Contacts of "+det.Account.Name) {
		t.Errorf("the title does not name the account:\n%s", out)
	}
	press(m, "1")
	if m.Detail(views.AccountsPane) == nil {
		t.Fatal("the account's page was closed")
	}
}
