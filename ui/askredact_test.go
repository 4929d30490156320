package ui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/store/ask"
)

// askLeaks returns the demo org's e-mail addresses, phone numbers and
// people's names that text contains.
func askLeaks(text string, secrets []string, names map[string]bool) []string {
	var out []string
	for _, s := range secrets {
		if strings.Contains(text, s) {
			out = append(out, s)
		}
	}
	for name := range names {
		if strings.TrimSpace(name) != "" && strings.Contains(text, name) {
			out = append(out, name)
		}
	}
	if p := aDemoPhone.FindString(text); p != "" {
		out = append(out, p)
	}
	return out
}

// busiestAccount is the demo account with the most contacts.
func busiestAccount(t *testing.T, data *StoreData) string {
	t.Helper()
	contacts, err := data.AllContacts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	best := ""
	for _, c := range contacts {
		if c.AccountName == "" {
			continue
		}
		count[c.AccountName]++
		if best == "" || count[c.AccountName] > count[best] {
			best = c.AccountName
		}
	}
	if best == "" {
		t.Fatal("no demo account has contacts")
	}
	return best
}

// askOutput is everything an answer shows: its markdown, its rows as
// --json prints them and the names of its links.
func askOutput(t *testing.T, a *ask.Answer) string {
	t.Helper()
	rows, err := json.Marshal(a.Rows)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(a.Markdown + "\n" + string(rows) + "\n")
	for _, l := range a.Links {
		b.WriteString(l.Name + "\n")
	}
	return b.String()
}

// TestStoreAskRedactsAnswers asks the demo org questions that name people
// and a SELECT of people's fields in redacted mode, and scans the answers
// (markdown, rows, links) for the org's people; switched off, the same
// questions show them.
func TestStoreAskRedactsAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the demo org")
	}
	data, secrets, names, masker, a := redactedDemo(t)
	account := busiestAccount(t, data)
	ctx := context.Background()
	questions := []string{
		"main contacts of " + account,
		"what do you know about " + account,
		"latest activity on " + account,
		"my overdue tasks",
	}
	selects := []string{
		"SELECT Name, Email, Phone, MobilePhone, MailingCity, Account.Name FROM Contact",
		"SELECT Name, Email, Phone, Company FROM Lead",
		"SELECT Subject, Who.Name FROM Task",
		"SELECT Name, (SELECT Name, Email FROM Contacts) FROM Account",
	}
	output := func() map[string]string {
		out := map[string]string{}
		for _, q := range questions {
			ans, err := a.Ask(ctx, q, false)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if !ans.Understood {
				t.Fatalf("%q not understood:\n%s", q, ans.Markdown)
			}
			out[q] = askOutput(t, ans)
		}
		for _, q := range selects {
			rows, _, err := a.Query(ctx, q, false)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			raw, _ := json.Marshal(rows)
			out[q] = string(raw)
		}
		return out
	}

	for q, text := range output() {
		if leaks := askLeaks(text, secrets, names); len(leaks) > 0 {
			t.Errorf("redacted, %q shows %q:\n%s", q, leaks, text)
		}
	}
	if !strings.Contains(output()[questions[0]], "Person ") {
		t.Errorf("redacted, the main contacts are not named by alias")
	}

	// ':redact' off: the next answers show the people again.
	masker.Set(false)
	shown := 0
	for q, text := range output() {
		if len(askLeaks(text, secrets, names)) > 0 {
			shown++
		} else if q == questions[0] || q == selects[0] {
			t.Errorf("not redacted, %q shows none of the org's people:\n%s", q, text)
		}
	}
	if shown < 3 {
		t.Errorf("not redacted, only %d outputs show people", shown)
	}
}
