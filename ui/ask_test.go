package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/views"
)

func ctrlKey(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

// askModel returns a model over fake data with fake as its Ask seam, on
// the Ask pane.
func askModel(t *testing.T, fake *fakeAsker) (*Model, *FakeData) {
	t.Helper()
	data := NewFakeData(7, 50, testNow)
	m := loaded(t, Deps{Data: data, Ask: fake, ExportDir: t.TempDir(), Now: func() time.Time { return testNow }, Dark: true}, 120, 40)
	run(m, press(m, "4"))
	if m.Focus() != views.AskPane {
		t.Fatalf("focus on %s", m.Focus())
	}
	return m, data
}

// askText types text into the Ask pane's input and submits it.
func askText(m *Model, text string) []tea.Msg {
	run(m, press(m, "/"))
	_, cmd := m.Update(tea.PasteMsg{Content: text})
	run(m, cmd)
	return run(m, press(m, "enter"))
}

func TestAskPaneAnswersAndOpensARecord(t *testing.T) {
	fake := &fakeAsker{}
	m, data := askModel(t, fake)
	accounts, _ := data.Accounts(context.Background())
	acct := accounts[3]
	fake.answer = &ask.Answer{Understood: true, Source: "cache",
		Markdown: "**" + acct.Name + "** has **3** open opportunities.",
		Links:    []ask.Link{{Object: "Task", ID: "00T000000000001AAA", Name: "Call"}, {Object: "Account", ID: acct.ID, Name: acct.Name}}}
	askText(m, "what do you know about "+acct.Name)
	if len(fake.asked) != 1 || fake.asked[0] != "what do you know about "+acct.Name || fake.live[0] {
		t.Fatalf("asked %q live %v", fake.asked, fake.live)
	}
	screen := ansi.Strip(m.render())
	if !strings.Contains(screen, "has 3 open opportunities") || !strings.Contains(screen, "→ Account · "+acct.Name+" (1/1)") {
		t.Fatalf("answer not on screen:\n%s", screen)
	}
	// The Task has no detail view: only the account is selectable.
	run(m, press(m, "enter"))
	d := m.Detail(views.AskPane)
	if d == nil || d.ID() != acct.ID || d.Kind() != views.AccountRecord {
		t.Fatalf("enter opened %+v", d)
	}
	if !strings.Contains(ansi.Strip(m.render()), "Account · "+acct.Name) {
		t.Fatalf("detail not shown:\n%s", ansi.Strip(m.render()))
	}
	run(m, press(m, "esc"))
	if m.Detail(views.AskPane) != nil || !strings.Contains(ansi.Strip(m.render()), "has 3 open opportunities") {
		t.Fatal("esc did not come back to the answer")
	}
	// y copies the answer's markdown.
	run(m, press(m, "y"))
	if !strings.Contains(m.flash.text, "copied the answer") {
		t.Fatalf("flash %q", m.flash.text)
	}
	// Global keys work again once the question is asked.
	run(m, press(m, "1"))
	if m.Focus() != views.AccountsPane {
		t.Fatal("1 did not leave the Ask pane")
	}
}

func TestAskPaneLiveToggle(t *testing.T) {
	fake := &fakeAsker{answer: &ask.Answer{Understood: true, Source: "live", Markdown: "ok"}}
	m, _ := askModel(t, fake)
	m.Update(ctrlKey('l'))
	askText(m, "my pipeline")
	if len(fake.live) != 1 || !fake.live[0] {
		t.Fatalf("live %v, want a live request", fake.live)
	}
}

func TestAskPaneSuggestions(t *testing.T) {
	fake := &fakeAsker{answer: &ask.Answer{Markdown: "ok"}}
	m, _ := askModel(t, fake)
	run(m, press(m, "/"))
	_, cmd := m.Update(tea.PasteMsg{Content: "win rate"})
	run(m, cmd) // the debounce tick runs at once here
	if !slices.Equal(fake.suggests, []string{"win rate"}) {
		t.Fatalf("suggest asked %q", fake.suggests)
	}
	if !strings.Contains(m.render(), "win rate this quarter") {
		t.Fatalf("suggestion not shown:\n%s", ansi.Strip(m.render()))
	}
	run(m, press(m, "tab"))
	if got := m.ask.Value(); got != "win rate this quarter" {
		t.Fatalf("tab took %q", got)
	}
	if m.Focus() != views.AskPane {
		t.Fatal("tab left the pane while typing")
	}
	// SOQL completes from the describe.
	run(m, press(m, "esc"))
	run(m, press(m, "/"))
	for range len(m.ask.Value()) {
		run(m, press(m, "backspace"))
	}
	_, cmd = m.Update(tea.PasteMsg{Content: "SELECT N"})
	run(m, cmd)
	if !slices.Equal(fake.complets, []string{"SELECT N"}) {
		t.Fatalf("complete asked %q", fake.complets)
	}
}

func TestAskPaneSOQLTableCopyAndExport(t *testing.T) {
	acct := &soql.Row{Keys: []string{"attributes", "Name"}, Values: []any{nil, "Acme, Inc."}}
	fake := &fakeAsker{rows: []*soql.Row{
		{Keys: []string{"attributes", "Name", "Amount", "Account"}, Values: []any{nil, "Big \"deal\"", 1200.5, acct}},
		{Keys: []string{"attributes", "Name", "Amount", "Account"}, Values: []any{nil, "Small", nil, nil}},
	}}
	m, _ := askModel(t, fake)
	_, cmd := m.Update(ctrlKey('e'))
	run(m, cmd)
	if !strings.Contains(m.flash.text, "no SOQL result") {
		t.Fatalf("flash %q before any result", m.flash.text)
	}
	askText(m, "SELECT Name, Amount, Account.Name FROM Opportunity")
	screen := ansi.Strip(m.render())
	for _, want := range []string{"Name", "Account.Name", "Big \"deal\"", "1200.5", "Acme, Inc.", "2 rows · from the cache"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("%q not on screen:\n%s", want, screen)
		}
	}
	run(m, press(m, "y"))
	if !strings.Contains(m.flash.text, "copied 2 rows as TSV") {
		t.Fatalf("flash %q", m.flash.text)
	}
	export := func() {
		_, cmd := m.Update(ctrlKey('e'))
		for _, msg := range run(m, cmd) {
			if e, ok := msg.(askExportedMsg); ok {
				m.Update(e) // run leaves the root's own results to the caller
			}
		}
	}
	export()
	path := strings.TrimPrefix(m.flash.text, "exported 2 rows to ")
	if path == m.flash.text || filepath.Dir(path) != m.deps.ExportDir {
		t.Fatalf("flash %q does not name a file in the export dir", m.flash.text)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Name", "Amount", "Account.Name"}, {"Big \"deal\"", "1200.5", "Acme, Inc."}, {"Small", "", ""}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Fatalf("CSV %q, want %q", recs, want)
	}
	// A second export never overwrites the first.
	export()
	if p2 := strings.TrimPrefix(m.flash.text, "exported 2 rows to "); p2 == path {
		t.Fatalf("second export reused %s", path)
	}
}

// TestAskPaneOverTheRealEngine asks the real engine, over the demo org's
// cache, how many open opportunities the user has, and checks the
// rendered answer holds the number counted here from the raw records.
func TestAskPaneOverTheRealEngine(t *testing.T) {
	st, _ := syncedDemo(t)
	id, ok, err := st.Identity()
	if err != nil || !ok {
		t.Fatalf("identity: %v %v", ok, err)
	}
	want := 0
	err = st.ForEach("Opportunity", func(_ string, raw []byte) bool {
		var r struct {
			IsClosed bool
			OwnerID  string `json:"OwnerId"`
		}
		if json.Unmarshal(raw, &r) != nil {
			t.Errorf("decode %s", raw)
			return false
		}
		if !r.IsClosed && r.OwnerID == id.UserID {
			want++
		}
		return true
	})
	if err != nil || want == 0 {
		t.Fatalf("counted %d: %v", want, err)
	}
	now := func() time.Time { return testNow }
	m := loaded(t, Deps{Data: NewStoreData(st, StoreDataOptions{OrgName: "demo"}), Ask: NewStoreAsk(st, StoreAskOptions{Now: now}), Now: now}, 120, 40)
	run(m, press(m, "4"))
	askText(m, "how many open opportunities do I have")
	res := m.ask.Result()
	if res == nil || res.Err != nil || !res.Understood {
		t.Fatalf("result %+v", res)
	}
	n := strconv.Itoa(want)
	if want >= 1000 {
		n = n[:len(n)-3] + "," + n[len(n)-3:]
	}
	body := ansi.Strip(m.ask.Body())
	if !strings.Contains(body, n+" open opportunit") {
		t.Fatalf("the answer does not say %s open opportunities:\n%s", n, body)
	}
	if !strings.Contains(ansi.Strip(m.render()), n+" open opportunit") {
		t.Fatalf("the screen does not show it:\n%s", ansi.Strip(m.render()))
	}
}

func TestStoreAskCompletesFromTheDescribe(t *testing.T) {
	st, _ := syncedDemo(t)
	a := NewStoreAsk(st, StoreAskOptions{Now: func() time.Time { return testNow }})
	ctx := context.Background()
	for _, c := range []struct{ typed, want string }{
		{"SELECT Id FROM Opp", "SELECT Id FROM Opportunity"},
		{"SELECT Id FROM Opportunity WHERE Stage", "SELECT Id FROM Opportunity WHERE StageName"},
		{"SELECT Id, Account.Na", "SELECT Id, Account.Name"},
	} {
		got, err := a.Complete(ctx, c.typed, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got, c.want) {
			t.Errorf("Complete(%q) = %q, want %q among them", c.typed, got, c.want)
		}
	}
	rows, total, err := a.Query(ctx, "SELECT Name FROM Account LIMIT 3", false)
	if err != nil || len(rows) != 3 || total != 3 {
		t.Fatalf("Query: %d rows, total %d, %v", len(rows), total, err)
	}
	// An object the org has but the cache does not says how to get it.
	names, _, ok, err := st.OrgObjects()
	if err != nil || !ok {
		t.Fatalf("org objects: %v %v", ok, err)
	}
	cached, _ := st.Objects()
	unsynced := ""
	for _, n := range names {
		if !slices.Contains(cached, n) {
			unsynced = n
			break
		}
	}
	if unsynced == "" {
		t.Fatal("the demo org has no object the cache lacks")
	}
	if _, _, err := a.Query(ctx, "SELECT Id FROM "+unsynced, false); err == nil || !strings.Contains(err.Error(), "extra_objects") {
		t.Errorf("query of unsynced %s: %v", unsynced, err)
	}
	if _, _, err := a.Query(ctx, "SELECT Name FROM Account", true); err == nil {
		t.Fatal("a live query without a client did not fail")
	}
}
