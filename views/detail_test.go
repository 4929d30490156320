package views

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views/keytest"
)

// assertBlock checks that out is exactly h lines of exactly w cells.
func assertBlock(t *testing.T, out string, w, h int) {
	t.Helper()
	keytest.AssertBlock(t, out, w, h)
}

func containsPlain(out, s string) bool { return strings.Contains(ansi.Strip(out), s) }

func TestDetailOpportunityTimelineNewestFirst(t *testing.T) {
	d := NewDetail(testContext(true), AccountsPane, OpportunityRecord, testOpps()[0].ID)
	d.SetSize(100, 40)
	if !containsPlain(d.View(), "Loading") {
		t.Fatal("no loading state")
	}
	d.SetOpportunity(book.OpportunityDetail{
		Opportunity:  testOpps()[0],
		ContactRoles: []book.ContactRole{{ContactName: "Maya Chen", Role: "Decision Maker", IsPrimary: true}},
		Activities: []book.Activity{
			{Subject: "Old call", When: day(-30)},
			{Subject: "Next meeting", When: day(3), Kind: book.EventActivity},
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
	var acts []book.Activity
	for i := range 20 {
		acts = append(acts, book.Activity{Subject: "Call", When: day(-i)})
	}
	d.SetAccount(book.AccountDetail{Account: testAccounts()[0], Activities: acts})
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

func TestDetailAccountOpportunitiesLatestCloseFirst(t *testing.T) {
	d := NewDetail(testContext(true), AccountsPane, AccountRecord, "001000000000004AAA")
	d.SetSize(100, 30)
	opps := testOpps()
	d.SetAccount(book.AccountDetail{Account: testAccounts()[3], Opportunities: []book.Opportunity{opps[5], opps[4]}})
	out := ansi.Strip(d.View())
	won, lost := strings.Index(out, "Atlas — Won deal"), strings.Index(out, "Atlas — Lost deal")
	if won < 0 || lost < 0 || won > lost {
		t.Fatalf("the won deal (closing later) should come first:\n%s", out)
	}
}

func TestDetailOpportunityLeavesOutEmptyFields(t *testing.T) {
	o := testOpps()[2] // Blue Harbor — Pilot: no activity yet
	o.OwnerName = ""
	d := NewDetail(testContext(true), OpportunitiesPane, OpportunityRecord, o.ID)
	d.SetSize(100, 30)
	d.SetOpportunity(book.OpportunityDetail{Opportunity: o})
	out := ansi.Strip(d.View())
	for _, gone := range []string{"Last activity", "Owner"} {
		if strings.Contains(out, gone) {
			t.Errorf("empty field %q shown:\n%s", gone, out)
		}
	}
	assertShows(t, out, "detail lacks", "Account", "Blue Harbor Foods", "Stage", "Proposal", "Amount", "$15K", "Close date", date(o.CloseDate))
}

func TestDetailOpensAnActivity(t *testing.T) {
	d := NewDetail(testContext(true), OpportunitiesPane, OpportunityRecord, testOpps()[0].ID)
	d.SetSize(80, 12)
	d.Focus()
	var acts []book.Activity
	for i := range 10 {
		acts = append(acts, book.Activity{ID: fmt.Sprintf("00T%015d", i), Kind: book.TaskActivity, Subject: fmt.Sprintf("Call %d", i),
			When: day(-i), Status: "Completed", WhoName: "Maya Chen", OwnerName: "Ada Okafor"})
	}
	d.SetOpportunity(book.OpportunityDetail{Opportunity: testOpps()[0], Activities: acts})
	if msgs := send(t, d, "enter"); len(msgs) != 0 || d.opened {
		t.Fatalf("enter with no activity selected: %v, opened %v", msgs, d.opened)
	}
	send(t, d, "[")
	if a, _, ok := d.Activity(); !ok || a.Subject != "Call 0" {
		t.Fatalf("[ selected %q (%v), want the newest", a.Subject, ok)
	}
	send(t, d, "]", "]", "]", "]", "]", "]", "]")
	a, _, _ := d.Activity()
	if a.Subject != "Call 7" {
		t.Fatalf("] ×7 selected %q, want Call 7", a.Subject)
	}
	// The selection scrolled into view, marked without colour too.
	if line := lineWith(ansi.Strip(d.View()), "Call 7"); !strings.HasPrefix(line, "▌") {
		t.Fatalf("selected activity not shown marked: %q\n%s", line, ansi.Strip(d.View()))
	}
	before := d.offset
	send(t, d, "enter")
	out := ansi.Strip(d.View())
	assertShows(t, out, "activity page lacks", "Task · Call 7", "Completed", "Maya Chen", "Ada Okafor", acts[7].ID, "esc goes back")
	if msgs := send(t, d, "y"); len(msgs) != 1 || msgs[0] != (CopyMsg{ID: acts[7].ID}) {
		t.Errorf("y on the activity sent %v", msgs)
	}
	if msgs := send(t, d, "esc"); len(msgs) != 0 {
		t.Fatalf("esc on the activity sent %v, want back to the record", msgs)
	}
	if _, open, _ := d.Activity(); open || d.offset != before || !strings.HasPrefix(lineWith(ansi.Strip(d.View()), "Call 7"), "▌") {
		t.Fatalf("esc: open %v, offset %d (was %d)", open, d.offset, before)
	}
	if msgs := send(t, d, "esc"); len(msgs) != 1 || msgs[0] != (CloseDetailMsg{Pane: OpportunitiesPane}) {
		t.Fatalf("second esc sent %v", msgs)
	}
}

func TestDetailReloadKeepsTheOpenActivity(t *testing.T) {
	d := NewDetail(testContext(true), OpportunitiesPane, OpportunityRecord, testOpps()[0].ID)
	d.SetSize(80, 20)
	acts := []book.Activity{{ID: "00T1", Subject: "Call", When: day(-1)}, {ID: "00T2", Subject: "Email", When: day(-2)}}
	d.SetOpportunity(book.OpportunityDetail{Opportunity: testOpps()[0], Activities: acts})
	send(t, d, "]", "]", "enter")
	// A newer activity arrives: the open one stays open.
	d.SetOpportunity(book.OpportunityDetail{Opportunity: testOpps()[0], Activities: append([]book.Activity{{ID: "00T0", Subject: "Demo", When: day(0)}}, acts...)})
	if a, open, _ := d.Activity(); !open || a.ID != "00T2" {
		t.Fatalf("after a reload: %q open %v, want 00T2 open", a.ID, open)
	}
	// It was deleted: the record shows.
	d.SetOpportunity(book.OpportunityDetail{Opportunity: testOpps()[0], Activities: acts[:1]})
	if _, open, ok := d.Activity(); open || ok || !containsPlain(d.View(), "Opportunity ·") {
		t.Fatalf("after its deletion: open %v, selected %v", open, ok)
	}
}

func TestDetailOpportunityPageFields(t *testing.T) {
	o := testOpps()[0]
	d := NewDetail(testContext(true), OpportunitiesPane, OpportunityRecord, o.ID)
	d.SetSize(60, 60)
	d.SetOpportunity(book.OpportunityDetail{Opportunity: o, Page: book.OpportunityPage{
		NextStep: "Send the \x1b[31msigned\x1b[0m quote", Type: "New Customer", LeadSource: "Web",
		ForecastCategoryName: "Pipeline", RecordTypeName: "New Business",
		Description: "First line of a long description that must wrap at the width of the pane.\r\n\x1b[2JSecond\x07 line",
	}})
	view := d.View()
	assertBlock(t, view, 60, 60)
	if strings.ContainsAny(ansi.Strip(view), "\x1b\x07\r") {
		t.Fatalf("escape sequences or control characters reach the screen: %q", view)
	}
	out := ansi.Strip(view)
	for _, want := range []string{"Next step", "Send the signed quote", "Type", "New Customer", "Lead source", "Web",
		"Forecast", "Pipeline", "Record type", "New Business", "Description", "First line of a long", "Second line"} {
		if !strings.Contains(out, want) {
			t.Errorf("opportunity page lacks %q:\n%s", want, out)
		}
	}
	// The description keeps its own line break and wraps the rest.
	if line := lineWith(out, "Second line"); strings.TrimSpace(line) != "Second line" {
		t.Errorf("the description's second line is %q", line)
	}

	// Empty ones are left out.
	d.SetOpportunity(book.OpportunityDetail{Opportunity: o})
	out = ansi.Strip(d.View())
	for _, gone := range []string{"Next step", "Lead source", "Forecast", "Record type", "Description"} {
		if strings.Contains(out, gone) {
			t.Errorf("empty field %q shown:\n%s", gone, out)
		}
	}
}

func TestDetailActivityShowsItsComments(t *testing.T) {
	d := NewDetail(testContext(true), OpportunitiesPane, OpportunityRecord, testOpps()[0].ID)
	d.SetSize(50, 30)
	d.Focus()
	acts := []book.Activity{
		{ID: "00T000000000000001", Subject: "Call", When: day(0), Description: "Customer said: \x1b[2J\x1b[1;31mCALL BACK NOW\x1b[0m\x07 (pasted from a terminal)\nand a second line"},
		{ID: "00T000000000000002", Subject: "Quiet", When: day(-1)},
	}
	d.SetOpportunity(book.OpportunityDetail{Opportunity: testOpps()[0], Activities: acts})
	send(t, d, "[", "enter")
	view := d.View()
	assertBlock(t, view, 50, 30)
	out := ansi.Strip(view)
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("escape sequences reach the screen: %q", view)
	}
	assertShows(t, out, "activity page lacks", "Comments", "Customer said: CALL BACK NOW", "and a second line")
	send(t, d, "esc", "]", "enter")
	if a, _, _ := d.Activity(); a.Subject != "Quiet" || strings.Contains(ansi.Strip(d.View()), "Comments") {
		t.Errorf("an activity without comments shows a Comments section:\n%s", ansi.Strip(d.View()))
	}
}

func TestDetailSelectsRelatedRowsAndOpensThem(t *testing.T) {
	d := NewDetail(testContext(true), AccountsPane, AccountRecord, "001000000000001AAA")
	d.SetSize(100, 30)
	d.Focus()
	d.SetAccount(book.AccountDetail{Account: testAccounts()[0],
		Contacts:      []book.Contact{{ID: "003000000000001AAA", Name: "Maya Chen"}},
		Opportunities: []book.Opportunity{testOpps()[0]},
		Activities:    []book.Activity{{ID: "00T000000000001AAA", Subject: "Call", When: day(-1)}}})
	send(t, d, "]")
	if kind, id, ok := d.Selected(); !ok || kind != ContactRecord || id != "003000000000001AAA" {
		t.Fatalf("first ]: %v %q %v, want the contact", kind, id, ok)
	}
	if line := lineWith(ansi.Strip(d.View()), "Maya Chen"); !strings.HasPrefix(line, "▌") {
		t.Fatalf("the selected contact is not marked: %q", line)
	}
	send(t, d, "]")
	if kind, id, ok := d.Selected(); !ok || kind != OpportunityRecord || id != testOpps()[0].ID {
		t.Fatalf("second ]: %v %q %v, want the opportunity", kind, id, ok)
	}
	msgs := send(t, d, "enter")
	if len(msgs) != 1 || msgs[0] != (OpenRecordMsg{From: AccountsPane, Kind: OpportunityRecord, ID: testOpps()[0].ID}) {
		t.Fatalf("enter on the opportunity sent %v", msgs)
	}
	send(t, d, "]")
	if a, _, ok := d.Activity(); !ok || a.Subject != "Call" {
		t.Fatal("third ]: the activity is not selected")
	}
	if _, _, ok := d.Selected(); ok {
		t.Fatal("an activity counts as a related record")
	}
}
