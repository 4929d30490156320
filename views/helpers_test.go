package views

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/ui/theme"
	"github.com/lazyforce/lazyforce/views/keytest"
)

var testNow = time.Date(2026, time.May, 14, 10, 30, 0, 0, time.UTC)

const me = "005000000000001AAA"

func testContext(dark bool) *Context {
	return &Context{Styles: theme.New(dark), Keys: keymap.Default(), Now: func() time.Time { return testNow }, Me: me}
}

func day(offset int) time.Time { return testNow.AddDate(0, 0, offset).Truncate(24 * time.Hour) }

// evilName carries every kind of terminal control a record could smuggle.
const evilName = "Evil\x1b[31m Red\x1b]0;pwned\x07 Title\x1b]8;;http://x\x1b\\Link\r Over\bB \u009b2J C1 \u009d52;c;aGk=\u009c end\x7f"

func testAccounts() []book.Account {
	return []book.Account{
		{ID: "001000000000001AAA", Name: "Acme Logistics", Type: "Customer - Direct", BillingCity: "Berlin", OwnerID: me, OwnerName: "Ada Okafor", LastActivity: day(-3)},
		{ID: "001000000000002AAA", Name: "Blue Harbor Foods", Type: "Prospect", BillingCity: "Lyon", OwnerID: "005000000000002AAA", OwnerName: "Ben Weber", LastActivity: day(-40)},
		{ID: "001000000000003AAA", Name: "Cedar Robotics", Type: "Partner", BillingCity: "Austin", OwnerID: me, OwnerName: "Ada Okafor"},
		{ID: "001000000000004AAA", Name: "Atlas Motors", Type: "Customer - Channel", BillingCity: "Osaka", OwnerID: "005000000000002AAA", OwnerName: "Ben Weber", LastActivity: day(-1)},
		{ID: "001000000000005AAA", Name: evilName, Type: "Other", BillingCity: "Nowhere\x1b[2J", OwnerID: me, OwnerName: "Ada Okafor"},
	}
}

// newTestAccounts is an accounts pane over testAccounts, sized 100×20.
func newTestAccounts(t *testing.T) *Accounts {
	return openTestPane(NewAccounts(testContext(true)), 100, 20, func(p *Accounts) { p.SetData(NewAccountIndex(testAccounts())) })
}

var testStagesNB = []book.Stage{
	{Label: "Prospecting", SortOrder: 1, Probability: 10},
	{Label: "Proposal", SortOrder: 2, Probability: 60},
	{Label: "Closed Won", SortOrder: 3, IsClosed: true, IsWon: true, Probability: 100},
	{Label: "Closed Lost", SortOrder: 4, IsClosed: true},
}

var testStagesRenewal = []book.Stage{
	{Label: "Quote Sent", SortOrder: 1, Probability: 60},
	{Label: "Closed Won", SortOrder: 2, IsClosed: true, IsWon: true, Probability: 100},
}

func testRecordTypes() []book.RecordType {
	return []book.RecordType{{ID: "rtNB", Name: "New Business", Stages: testStagesNB}, {ID: "rtRen", Name: "Renewal", Stages: testStagesRenewal}}
}

func testOpps() []book.Opportunity {
	o := func(n int, name, acct, stage string, amount float64, close time.Time, owner string, prob float64, closed, won bool, rt string, act time.Time) book.Opportunity {
		ownerName := "Ben Weber"
		if owner == me {
			ownerName = "Ada Okafor"
		}
		return book.Opportunity{ID: fmt.Sprintf("006%012dAAA", n), Name: name, AccountID: "001", AccountName: acct, StageName: stage,
			Amount: amount, CloseDate: close, OwnerID: owner, OwnerName: ownerName, Probability: prob,
			IsClosed: closed, IsWon: won, RecordTypeID: rt, LastActivityDate: act}
	}
	ben := "005000000000002AAA"
	return []book.Opportunity{
		o(1, "Acme — Platform", "Acme Logistics", "Prospecting", 120000, day(5), me, 10, false, false, "rtNB", day(-2)),
		o(2, "Acme — Expansion", "Acme Logistics", "Proposal", 80000, day(40), ben, 60, false, false, "rtNB", day(-45)),
		o(3, "Blue Harbor — Pilot", "Blue Harbor Foods", "Proposal", 15000, day(100), me, 60, false, false, "rtNB", time.Time{}),
		o(4, "Cedar — Renewal 2026", "Cedar Robotics", "Quote Sent", 50000, day(10), me, 60, false, false, "rtRen", day(-31)),
		o(5, "Atlas — Won deal", "Atlas Motors", "Closed Won", 200000, day(-20), ben, 100, true, true, "rtNB", day(-20)),
		o(6, "Atlas — Lost deal", "Atlas Motors", "Closed Lost", 30000, day(-60), me, 0, true, false, "rtNB", day(-70)),
		o(7, evilName, "Acme Logistics", "Prospecting", 9000, day(12), me, 10, false, false, "rtNB", day(-1)),
		o(8, "Cedar — Upsell", "Cedar Robotics", "Closed Won", 70000, day(-2), me, 100, true, true, "rtRen", day(-3)),
	}
}

// newTestOpps is an opportunities pane over testOpps, sized 120×20.
func newTestOpps(t *testing.T) *Opportunities {
	return openTestPane(NewOpportunities(testContext(true)), 120, 20, func(p *Opportunities) { p.SetData(NewOpportunityIndex(testOpps())) })
}

// keyPress is the press of key k (keytest.Press).
func keyPress(k string) tea.KeyPressMsg { return keytest.Press(k) }

// send sends the keys to p and then runs the resulting commands (debounce
// ticks, searches) to completion, feeding their messages back. It returns
// the messages meant for the root.
func send(t *testing.T, p Pane, keys ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		_, cmd := p.Update(keyPress(k))
		out = append(out, drain(p, cmd)...)
	}
	return out
}

func drain(p Pane, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	keytest.Run(cmd, func(msg tea.Msg) tea.Cmd {
		switch msg.(type) {
		case filterTickMsg, filterDoneMsg:
			_, next := p.Update(msg)
			return next
		}
		out = append(out, msg)
		return nil
	})
	return out
}

// assertSafe fails when rendered text contains anything from evilName's
// control sequences.
func assertSafe(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b[31m", "\x1b]", "\x1b[2J", "\r", "\b", "\x07", "\x7f", "\u009b", "\u009d", "\u009c"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered output contains %q:\n%q", bad, out)
		}
	}
}

// openTestPane readies p as the root does for a test: sized w×h, given
// its data (load), focused.
func openTestPane[P Pane](p P, w, h int, load func(P)) P {
	p.SetSize(w, h)
	load(p)
	p.Focus()
	return p
}

// listColumn returns what of says of each displayed record of list l
// (items are the records its rows index), in display order.
func listColumn[I listIndex[S], S sortColumnID, T any](l *sortedList[I, S], items []T, of func(*T) string) []string {
	var out []string
	for _, r := range l.rows {
		out = append(out, of(&items[r]))
	}
	return out
}

// viewLines returns the lines p shows, without styling.
func viewLines(p Pane) []string { return strings.Split(ansi.Strip(p.View()), "\n") }

// assertShows checks that out shows each of wants; what names out in the
// error ("missing", "detail lacks").
func assertShows(t *testing.T, out, what string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s %q:\n%s", what, want, out)
		}
	}
}

// ofType returns the messages of type T in msgs, in order.
func ofType[T any](msgs []tea.Msg) []T {
	var found []T
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			found = append(found, v)
		}
	}
	return found
}
