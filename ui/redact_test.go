package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/redact"
	"github.com/lazyforce/lazyforce/views"
)

var (
	// anEmail is an e-mail address as the screen shows it.
	anEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	// aDemoPhone is a phone number of the demo org: "(415) 555-0142".
	aDemoPhone = regexp.MustCompile(`555-0\d\d\d`)
)

// redactedDemo is the synced demo org read in redacted mode: its data,
// the personal data a screen must not show (demoSecrets), the masker
// (on) and an asker that masks with it.
func redactedDemo(t *testing.T) (*StoreData, []string, map[string]bool, *redact.Masker, *StoreAsk) {
	t.Helper()
	st, _ := syncedDemo(t)
	data := NewStoreData(st, StoreDataOptions{OrgName: "demo"})
	secrets, names := demoSecrets(t, data)
	masker := redact.New(true)
	asker := NewStoreAsk(st, StoreAskOptions{Now: func() time.Time { return testNow }, Redact: masker})
	return data, secrets, names, masker, asker
}

// demoSecrets returns the e-mail addresses, phone numbers and people's
// names of the demo org cached in data.
func demoSecrets(t *testing.T, data *StoreData) (secrets []string, names map[string]bool) {
	names = make(map[string]bool)
	t.Helper()
	ctx := context.Background()
	lists, err := book.ReadLists(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	users, err := data.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	add := func(vs ...string) {
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				secrets = append(secrets, v)
			}
		}
	}
	for _, c := range lists.Contacts {
		add(c.Email, c.Phone, c.MobilePhone)
		names[c.Name] = true
	}
	for _, l := range lists.Leads {
		add(l.Email, l.Phone)
		names[l.Name] = true
	}
	for _, a := range lists.Accounts {
		add(a.Phone)
	}
	for _, u := range users {
		add(u.Email, u.Username)
	}
	return secrets, names
}

// scanScreen fails when screen shows an e-mail address or phone number of
// the demo org, or a person's name (names: a set, looked up by the
// screen's runs of two and three words).
func scanScreen(t *testing.T, where, screen string, secrets []string, names map[string]bool) {
	t.Helper()
	for _, e := range anEmail.FindAllString(screen, -1) {
		if !regexp.MustCompile(`^email-[0-9a-f]{6}@redacted\.`).MatchString(e) {
			t.Errorf("%s shows the e-mail address %q", where, e)
		}
	}
	if p := aDemoPhone.FindString(screen); p != "" {
		t.Errorf("%s shows a phone number (%q)", where, p)
	}
	for _, s := range secrets {
		if strings.Contains(screen, s) {
			t.Errorf("%s shows %q", where, s)
		}
	}
	for _, line := range strings.Split(screen, "\n") {
		w := strings.Fields(line)
		for i := range w {
			for n := 2; n <= 3 && i+n <= len(w); n++ {
				if name := strings.Join(w[i:i+n], " "); names[name] {
					t.Errorf("%s shows the name %q", where, name)
				}
			}
		}
	}
}

// TestRedactedDemoOrgShowsNoPersonalData renders every pane and the
// detail of every account, contact, lead and opportunity of the synced
// demo org in redacted mode, and the find view, and scans each screen for
// the org's e-mail addresses, phone numbers and people's names. ':redact'
// then shows them again (so the scan would have seen them).
func TestRedactedDemoOrgShowsNoPersonalData(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the demo org")
	}
	data, secrets, names, masker, asker := redactedDemo(t)
	m := loaded(t, Deps{Data: data, Ask: asker, Now: func() time.Time { return testNow }, Redact: masker}, 200, 60)
	if !strings.Contains(m.render(), "redacted") {
		t.Errorf("no redacted indicator in the status bar")
	}
	for i, tab := range m.tabs {
		m.setFocus(i)
		scanScreen(t, tab.id.String()+" pane", m.render(), secrets, names)
	}

	ctx := context.Background()
	lists, err := book.ReadLists(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	type record struct {
		pane views.PaneID
		kind views.RecordKind
		id   string
	}
	var records []record
	for _, a := range lists.Accounts {
		records = append(records, record{views.AccountsPane, views.AccountRecord, a.ID})
	}
	for _, c := range lists.Contacts {
		records = append(records, record{views.ContactsPane, views.ContactRecord, c.ID})
	}
	for _, l := range lists.Leads {
		records = append(records, record{views.LeadsPane, views.LeadRecord, l.ID})
	}
	for _, o := range lists.Opportunities {
		records = append(records, record{views.OpportunitiesPane, views.OpportunityRecord, o.ID})
	}
	for _, r := range records {
		for i, tab := range m.tabs {
			if tab.id == r.pane {
				m.setFocus(i)
			}
		}
		run(m, func() tea.Msg { return views.OpenRecordMsg{From: r.pane, Kind: r.kind, ID: r.id} })
		d := m.Detail(r.pane)
		if d == nil || d.Loading() {
			t.Fatalf("detail of %s did not open", r.id)
		}
		scanScreen(t, "detail of "+r.id, m.render(), nil, names)
		run(m, func() tea.Msg { return views.CloseDetailMsg{Pane: r.pane} })
	}

	// The find view finds people by their real e-mail, and masks them.
	c := lists.Contacts[0]
	run(m, press(m, "ctrl+f"))
	for _, k := range c.Email {
		run(m, press(m, string(k)))
	}
	found := m.find.view.Results()
	if len(found) == 0 || found[0].ID != c.ID || found[0].Match != book.MatchExact {
		t.Fatalf("find %q = %+v", c.Email, found)
	}
	screen := m.render()
	scanScreen(t, "find view", strings.ReplaceAll(screen, c.Email, ""), secrets, names) // the typed text is the user's own
	if strings.Count(screen, c.Email) > 1 {
		t.Errorf("the find view shows the address beyond the text typed:\n%s", screen)
	}
	run(m, press(m, "esc"))

	// An Ask answer about the account with the most people names them by
	// alias.
	question := "main contacts of " + busiestAccount(t, data)
	focusAsk := func() {
		for i, tab := range m.tabs {
			if tab.id == views.AskPane {
				m.setFocus(i)
			}
		}
	}
	focusAsk()
	askText(m, question)
	if res := m.ask.Result(); res == nil || res.Err != nil || !res.Understood {
		t.Fatalf("%q: %+v", question, res)
	}
	scanScreen(t, "ask answer", ansi.Strip(m.ask.Body()), secrets, names)
	scanScreen(t, "ask pane", m.render(), secrets, names)
	redactedAnswer := ansi.Strip(m.ask.Body())

	// Off again: the panes show what the scan looks for.
	m.setFocus(0)
	for _, tab := range m.tabs {
		if tab.id == views.ContactsPane {
			run(m, func() tea.Msg { return views.OpenRecordMsg{From: tab.id, Kind: views.ContactRecord, ID: c.ID} })
		}
	}
	runPrompt(m, "redact")
	for i, tab := range m.tabs {
		if tab.id == views.ContactsPane {
			m.setFocus(i)
		}
	}
	if screen := m.render(); !strings.Contains(screen, c.Name) || strings.Contains(screen, "redacted") {
		t.Errorf(":redact did not show personal data again:\n%s", screen)
	}
	// The answer shown was asked again: it shows the people now.
	if body := ansi.Strip(m.ask.Body()); len(askLeaks(body, secrets, names)) == 0 {
		t.Errorf(":redact off, the answer shown shows no people:\n%s\n(redacted it was:\n%s)", body, redactedAnswer)
	}
	// And ':redact' on again masks it again.
	focusAsk()
	runPrompt(m, "redact on")
	scanScreen(t, "ask answer after ':redact on'", ansi.Strip(m.ask.Body()), secrets, names)
	if !strings.Contains(ansi.Strip(m.ask.Body()), "Person ") {
		t.Errorf(":redact on, the answer shown is not masked:\n%s", ansi.Strip(m.ask.Body()))
	}
}

// runPrompt runs a ':' command.
func runPrompt(m *Model, command string) {
	run(m, press(m, ":"))
	for _, k := range command {
		run(m, press(m, string(k)))
	}
	run(m, press(m, "enter"))
}
