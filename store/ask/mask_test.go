package ask

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/book/redact"
)

// TestMaskedAnswers answers questions that name people with a Mask that
// masks personal data: no contact's or lead's name, e-mail or phone of the
// demo org is in the markdown, the rows or the links; with the masker
// switched off, the same engine's next answers show them.
func TestMaskedAnswers(t *testing.T) {
	st, _ := syncedDemo(t)
	secrets := peopleData(t, st)
	ctx := context.Background()
	masker := redact.NewWithKey([]byte("test"), true)
	e, err := New(st, Options{Now: func() time.Time { return benchNow }, Mask: func(rows []*soql.Row) { masker.Rows("", rows) }})
	if err != nil {
		t.Fatal(err)
	}
	questions := []string{"main contacts of acme media", "what do you know about acme media", "latest activity on acme media", "my overdue tasks"}
	answers := func() string {
		var b strings.Builder
		for _, q := range questions {
			a, err := e.Ask(ctx, q)
			if err != nil || !a.Understood {
				t.Fatalf("%q: %v %+v", q, err, a)
			}
			rows, err := json.Marshal(a.Rows)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(a.Markdown + "\n" + string(rows) + "\n")
			for _, l := range a.Links {
				b.WriteString(l.Name + "\n")
			}
		}
		return b.String()
	}
	masked := answers()
	if l := booktest.Shown(masked, secrets); len(l) > 0 {
		t.Errorf("masked answers show %q:\n%s", l, masked)
	}
	if !strings.Contains(masked, "Person ") || !strings.Contains(masked, "Acme Media") {
		t.Errorf("masked answers lost the aliases or the account's name:\n%s", masked)
	}
	masker.Set(false)
	if plain := answers(); len(booktest.Shown(plain, secrets)) == 0 {
		t.Errorf("unmasked answers show none of the org's people:\n%s", plain)
	}
}

// peopleData returns the names, e-mail addresses and phone numbers of the
// contacts and leads cached in st; it fails the test when there are none.
func peopleData(t *testing.T, st *store.Store) []string {
	t.Helper()
	var secrets []string
	for _, q := range []string{"SELECT Name, Email, Phone, MobilePhone FROM Contact", "SELECT Name, Email, Phone FROM Lead"} {
		res, err := st.Query(context.Background(), q, store.QueryOptions{Now: func() time.Time { return benchNow }})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Records {
			for i, k := range r.Keys {
				if s, ok := r.Values[i].(string); ok && k != "attributes" && strings.TrimSpace(s) != "" {
					secrets = append(secrets, s)
				}
			}
		}
	}
	if len(secrets) == 0 {
		t.Fatal("the demo org has no people")
	}
	return secrets
}
