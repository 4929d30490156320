package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
	"github.com/lazyforce/lazyforce/store/book/booktest"
)

type askOutput struct {
	Understood bool              `json:"understood"`
	Answer     string            `json:"answer"`
	Value      *float64          `json:"value"`
	Rows       []json.RawMessage `json:"rows"`
	SOQL       []string          `json:"soql"`
	Source     string            `json:"source"`
	AsOf       string            `json:"as_of"`
}

func askJSONOut(t *testing.T, args ...string) askOutput {
	t.Helper()
	var a askOutput
	out := runJSON(t, &a, append([]string{"ask", "--json"}, args...)...)
	for _, key := range []string{`"understood"`, `"answer"`, `"value"`, `"rows"`, `"soql"`, `"source"`, `"as_of"`} {
		if !strings.Contains(out, key) {
			t.Errorf("ask --json output lacks %s: %s", key, out)
		}
	}
	return a
}

func TestAsk(t *testing.T) {
	// One "today" for the org and the count below: the demo org's records
	// depend on the instant it is generated for.
	now := time.Now().UTC()
	loggedIn(t, emulator.Options{Seed: 5, Now: func() time.Time { return now }}, "--alias", "demo")
	// Before a sync there is nothing to answer from.
	if _, errs, code := runCLI(t, "ask", "how many accounts are there"); code != 1 || !strings.Contains(errs, "lazyforce sync") {
		t.Errorf("ask on an empty cache: exit %d %q", code, errs)
	}
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %q", errs)
	}

	// A count, from the cache, as JSON: the number of generated accounts.
	d := demo.Generate(demo.Config{Seed: 5, Now: now})
	accounts := 0
	for _, r := range d.Records {
		if r.Object == "Account" {
			accounts++
		}
	}
	a := askJSONOut(t, "how many accounts are there?")
	if !a.Understood || a.Value == nil || *a.Value != float64(accounts) || a.Source != "cache" || a.AsOf == "" || len(a.SOQL) == 0 || len(a.Rows) == 0 {
		t.Fatalf("ask --json: %+v, want %d accounts from the cache", a, accounts)
	}

	// The same plan run live gives the same number.
	live := askJSONOut(t, "--live", "how many accounts are there?")
	if live.Source != "live" || live.Value == nil || *live.Value != *a.Value || strings.Join(live.SOQL, "\n") != strings.Join(a.SOQL, "\n") {
		t.Errorf("ask --live: %+v, cache %+v", live, a)
	}
	for _, q := range []string{"pipeline by stage", "my win rate this year", "top 5 accounts by pipeline", "main contacts of every account", "my stale deals"} {
		c, l := askJSONOut(t, q), askJSONOut(t, "--live", q)
		if c.Answer == "" || !c.Understood || (c.Value == nil) != (l.Value == nil) || (c.Value != nil && *c.Value != *l.Value) || len(c.Rows) != len(l.Rows) {
			t.Errorf("%q: cache %+v, live %+v", q, c, l)
		}
	}

	// A question it cannot answer: honest, no number, still exit 0.
	u := askJSONOut(t, "what's the weather in Paris?")
	if u.Understood || u.Value != nil || !strings.Contains(u.Answer, "can't answer") {
		t.Errorf("unanswerable question: %+v", u)
	}

	// Piped: plain markdown with the SOQL and the source.
	out, errs, code := runCLI(t, "ask", "pipeline by stage")
	if code != 0 || !strings.Contains(out, "```sql") || !strings.Contains(out, "Source: local cache") || strings.Contains(out, "\x1b[") {
		t.Errorf("ask (piped): exit %d %q %q", code, out, errs)
	}

	// Usage errors exit 2.
	if _, _, code := runCLI(t, "ask"); code != 2 {
		t.Errorf("ask without a question: exit %d, want 2", code)
	}
}

// TestAskRedact asks questions that name people with --redact, from the
// cache and live, and scans the answers and their JSON rows for the
// org's people's names, e-mail addresses and phone numbers; without
// --redact the same answers show them.
func TestAskRedact(t *testing.T) {
	_, c := syncedOrg(t, "--alias", "demo")
	people := orgRecords(t, c, "SELECT Name, Email, Phone, MobilePhone, Account.Name FROM Contact")
	leads := orgRecords(t, c, "SELECT Name, Email, Phone FROM Lead")
	var secrets []string
	contacts := map[string]int{}
	account := ""
	for _, rec := range append(people, leads...) {
		for _, f := range []string{"Name", "Email", "Phone", "MobilePhone"} {
			if v := rec.String(f); strings.TrimSpace(v) != "" {
				secrets = append(secrets, v)
			}
		}
		if name := rec.String("Account.Name"); name != "" {
			contacts[name]++
			if account == "" || contacts[name] > contacts[account] {
				account = name
			}
		}
	}
	if account == "" {
		t.Fatal("no account with contacts")
	}
	questions := [][]string{
		{"main contacts of " + account},
		{"what do you know about " + account},
		{"latest activity on " + account},
		{"my overdue tasks"},
		{"--live", "main contacts of " + account},
	}
	output := func(redact bool) string {
		var b strings.Builder
		for _, q := range questions {
			args := q
			if redact {
				args = append([]string{"--redact"}, q...)
			}
			a := askJSONOut(t, args...)
			if !a.Understood {
				t.Fatalf("%v not understood: %s", q, a.Answer)
			}
			b.WriteString(a.Answer + "\n")
			for _, r := range a.Rows {
				b.Write(r)
				b.WriteString("\n")
			}
		}
		out, errs, code := runCLI(t, "ask", "--redact", "main contacts of "+account)
		if redact {
			if code != 0 {
				t.Fatalf("ask --redact: %d %s", code, errs)
			}
			b.WriteString(out)
		}
		return b.String()
	}
	redacted := output(true)
	if l := booktest.Shown(redacted, secrets); len(l) > 0 {
		t.Errorf("ask --redact shows %q:\n%s", l, redacted)
	}
	if !strings.Contains(redacted, "Person ") {
		t.Errorf("ask --redact names no one by alias:\n%s", redacted)
	}
	if plain := output(false); len(booktest.Shown(plain, secrets)) == 0 {
		t.Errorf("without --redact the answers show none of the org's people:\n%s", plain)
	}
}
