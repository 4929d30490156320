package views

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// assertBlock checks that out is exactly h lines of exactly w cells.
func assertBlock(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

func containsPlain(out, s string) bool { return strings.Contains(ansi.Strip(out), s) }

func TestDetailOpportunityTimelineNewestFirst(t *testing.T) {
	d := NewDetail(testContext(true), AccountsPane, OpportunityRecord, testOpps()[0].ID)
	d.SetSize(100, 40)
	if !containsPlain(d.View(), "Loading") {
		t.Fatal("no loading state")
	}
	d.SetOpportunity(OpportunityDetail{
		Opportunity:  testOpps()[0],
		ContactRoles: []ContactRole{{ContactName: "Maya Chen", Role: "Decision Maker", IsPrimary: true}},
		Activities: []Activity{
			{Subject: "Old call", When: day(-30)},
			{Subject: "Next meeting", When: day(3), Kind: EventActivity},
			{Subject: "Recent email", When: day(-1)},
		},
	})
	out := ansi.Strip(d.View())
	iNext, iRecent, iOld := strings.Index(out, "Next meeting"), strings.Index(out, "Recent email"), strings.Index(out, "Old call")
	if iNext < 0 || iRecent < 0 || iOld < 0 || !(iNext < iRecent && iRecent < iOld) {
		t.Fatalf("timeline not newest first:\n%s", out)
	}
	for _, want := range []string{"Maya Chen", "Decision Maker", "primary", "Contact roles (1)", "Acme Logistics", "$120K"} {
		if !strings.Contains(out, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
}

func TestDetailKeys(t *testing.T) {
	d := NewDetail(testContext(true), AccountsPane, AccountRecord, "001000000000001AAA")
	d.SetSize(80, 5)
	var acts []Activity
	for i := range 20 {
		acts = append(acts, Activity{Subject: "Call", When: day(-i)})
	}
	d.SetAccount(AccountDetail{Account: testAccounts()[0], Activities: acts})
	send(t, d, "k")
	if d.offset != 0 {
		t.Fatal("k scrolled above the top")
	}
	send(t, d, "G")
	if d.offset != len(d.lines)-5 {
		t.Fatalf("G: offset %d, want %d", d.offset, len(d.lines)-5)
	}
	send(t, d, "j")
	if d.offset != len(d.lines)-5 {
		t.Fatal("j scrolled past the end")
	}
	msgs := send(t, d, "esc", "o", "y")
	if m, ok := msgs[0].(CloseDetailMsg); !ok || m.Pane != AccountsPane {
		t.Errorf("esc sent %#v, want the close of the detail view opened on %s", msgs[0], AccountsPane)
	}
	if m, ok := msgs[1].(BrowseMsg); !ok || m.ID != "001000000000001AAA" {
		t.Errorf("o sent %#v", msgs[1])
	}
	if m, ok := msgs[2].(CopyMsg); !ok || m.ID != "001000000000001AAA" {
		t.Errorf("y sent %#v", msgs[2])
	}
}

func TestDetailError(t *testing.T) {
	d := NewDetail(testContext(false), AccountsPane, AccountRecord, "x")
	d.SetSize(80, 5)
	d.SetError(errors.New("boom"))
	if !containsPlain(d.View(), "boom") {
		t.Fatal("error not shown")
	}
}

func TestAccountsViewFitsWidth(t *testing.T) {
	for _, w := range []int{30, 80, 140} {
		p := newTestAccounts(t)
		p.SetSize(w, 8)
		assertBlock(t, p.View(), w, 8)
	}
}

func TestDetailAccountOpportunitiesLatestCloseFirst(t *testing.T) {
	d := NewDetail(testContext(true), AccountsPane, AccountRecord, "001000000000004AAA")
	d.SetSize(100, 30)
	opps := testOpps()
	d.SetAccount(AccountDetail{Account: testAccounts()[3], Opportunities: []Opportunity{opps[5], opps[4]}})
	out := ansi.Strip(d.View())
	won, lost := strings.Index(out, "Atlas — Won deal"), strings.Index(out, "Atlas — Lost deal")
	if won < 0 || lost < 0 || won > lost {
		t.Fatalf("the won deal (closing later) should come first:\n%s", out)
	}
}
