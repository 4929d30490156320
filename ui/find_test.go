package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views"
)

func TestFindOpensTheRecordOnItsPane(t *testing.T) {
	fake := NewFakeData(7, 40, testNow)
	var fetched []string
	deps := Deps{Data: fake, Now: func() time.Time { return testNow }, Dark: true,
		SearchOrg: func(_ context.Context, text string) ([]book.Found, error) {
			return []book.Found{{Kind: book.KindLead, ID: "00Q000000000099AAA", Name: "Zed " + text}}, nil
		},
		Fetch: func(_ context.Context, object, id string) error {
			fetched = append(fetched, object+" "+id)
			return nil
		},
	}
	m := loaded(t, deps, 120, 30)
	contacts, err := fake.AllContacts(context.Background())
	if err != nil || len(contacts) == 0 {
		t.Fatal(err)
	}
	c := contacts[0]
	run(m, press(m, "ctrl+f"))
	if !strings.Contains(m.render(), "Find ·") {
		t.Fatalf("ctrl+f did not open the find view:\n%s", m.render())
	}
	for _, k := range c.Name {
		run(m, press(m, string(k)))
	}
	found := m.find.view.Results()
	if len(found) == 0 || found[0].ID != c.ID {
		t.Fatalf("find %q = %+v", c.Name, found)
	}
	run(m, press(m, "enter"))
	if m.find.open || m.Focus() != views.ContactsPane || m.Detail(views.ContactsPane) == nil || m.Detail(views.ContactsPane).ID() != c.ID {
		t.Fatalf("enter did not open contact %s on the contacts pane (focus %v)", c.ID, m.Focus())
	}

	// ':find', then the org: a record the cache lacks is fetched, then opened.
	runPrompt(m, "find")
	if !m.find.open || m.find.view.Text() != "" {
		t.Fatal(":find did not open an empty find view")
	}
	for _, k := range "qqq" {
		run(m, press(m, string(k)))
	}
	run(m, func() tea.Msg { _, cmd := m.Update(tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}); return cmd() })
	if got := m.find.view.Results(); len(got) != 1 || !got[0].NotCached {
		t.Fatalf("live results %+v", got)
	}
	for _, msg := range run(m, press(m, "enter")) {
		_, cmd := m.Update(msg) // foundFetchedMsg
		run(m, cmd)
	}
	if len(fetched) != 1 || fetched[0] != "Lead 00Q000000000099AAA" {
		t.Fatalf("fetched %v", fetched)
	}
	if m.Focus() != views.LeadsPane || m.Detail(views.LeadsPane) == nil {
		t.Fatalf("the fetched lead did not open (focus %v)", m.Focus())
	}
}
