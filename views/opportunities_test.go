package views

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
)

func TestOpportunitiesDefaultShowsOpenByCloseDate(t *testing.T) {
	p := newTestOpps(t)
	rows := p.Rows()
	if len(rows) != 5 {
		t.Fatalf("got %d open opportunities, want 5", len(rows))
	}
	for i, o := range rows {
		if o.IsClosed {
			t.Errorf("closed %q shown by default", o.Name)
		}
		if i > 0 && o.CloseDate.Before(rows[i-1].CloseDate) {
			t.Errorf("not by close date at %d", i)
		}
	}
}

func TestOpportunitiesQuickFilters(t *testing.T) {
	monthStart := time.Date(testNow.Year(), testNow.Month(), 1, 0, 0, 0, 0, time.UTC)
	qStart := time.Date(testNow.Year(), 4, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		keys []string
		want int
		ok   func(book.Opportunity) bool
	}{
		{"mine", []string{"m"}, 4, func(o book.Opportunity) bool { return o.OwnerID == me && !o.IsClosed }},
		{"closed", []string{"x"}, 3, func(o book.Opportunity) bool { return o.IsClosed }},
		{"open and closed", []string{"x", "x"}, 8, func(book.Opportunity) bool { return true }},
		{"closing this month", []string{"d"}, 3, func(o book.Opportunity) bool {
			return !o.IsClosed && !o.CloseDate.Before(monthStart) && o.CloseDate.Before(monthStart.AddDate(0, 1, 0))
		}},
		{"closing this quarter", []string{"d", "d"}, 4, func(o book.Opportunity) bool {
			return !o.IsClosed && !o.CloseDate.Before(qStart) && o.CloseDate.Before(qStart.AddDate(0, 3, 0))
		}},
		{"stale", []string{"z"}, 3, func(o book.Opportunity) bool {
			return !o.IsClosed && (o.LastActivityDate.IsZero() || o.LastActivityDate.Before(testNow.Add(-StaleAfter)))
		}},
		{"mine and stale", []string{"m", "z"}, 2, func(o book.Opportunity) bool {
			return o.OwnerID == me && !o.IsClosed && (o.LastActivityDate.IsZero() || o.LastActivityDate.Before(testNow.Add(-StaleAfter)))
		}},
		{"stale toggled off", []string{"z", "z"}, 5, func(o book.Opportunity) bool { return !o.IsClosed }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestOpps(t)
			send(t, p, tt.keys...)
			rows := p.Rows()
			if len(rows) != tt.want {
				t.Errorf("%d rows, want %d", len(rows), tt.want)
			}
			for _, o := range rows {
				if !tt.ok(o) {
					t.Errorf("%q should be filtered out", o.Name)
				}
			}
		})
	}
}

func TestOpportunitiesSortColumns(t *testing.T) {
	p := newTestOpps(t)
	send(t, p, "x", "x") // all 8
	send(t, p, "<", "<") // close date → stage → account
	if c, _ := p.SortColumn(); c != ColStage {
		// close(4) -1 = amount(3) -1 = stage(2)
		t.Fatalf("sort column %v, want Stage", c)
	}
	send(t, p, ">") // amount
	amounts := func() []float64 {
		var a []float64
		for _, o := range p.Rows() {
			a = append(a, o.Amount)
		}
		return a
	}
	if !slices.IsSorted(amounts()) {
		t.Fatalf("not sorted by amount: %v", amounts())
	}
	send(t, p, "-")
	got := amounts()
	if got[0] != 200000 || !slices.IsSortedFunc(got, func(a, b float64) int { return int(b - a) }) {
		t.Fatalf("not sorted by amount descending: %v", got)
	}
}

func TestOpportunitiesTextFilterCombinesWithQuickFilters(t *testing.T) {
	p := newTestOpps(t)
	send(t, p, "/", "a", "t", "l", "a", "s", "m", "o", "enter")
	if n := len(p.Rows()); n != 0 {
		t.Fatalf("open Atlas deals: %d, want 0 (both are closed)", n)
	}
	send(t, p, "x")
	rows := p.Rows()
	if len(rows) != 2 {
		t.Fatalf("closed Atlas deals: %d, want 2", len(rows))
	}
	send(t, p, "esc")
	if len(p.Rows()) != 3 {
		t.Fatalf("esc: %d closed deals, want 3", len(p.Rows()))
	}
}

func TestOpportunitiesOpen(t *testing.T) {
	p := newTestOpps(t)
	send(t, p, "j")
	want := p.SelectedID()
	msgs := send(t, p, "enter")
	if len(msgs) != 1 {
		t.Fatalf("enter: %d messages", len(msgs))
	}
	if m, ok := msgs[0].(OpenRecordMsg); !ok || m.ID != want || m.Kind != OpportunityRecord || m.From != OpportunitiesPane {
		t.Fatalf("enter sent %#v", msgs[0])
	}
}

func TestOpportunitiesNewDataWithoutFilterIsShownAtOnce(t *testing.T) {
	p := newTestOpps(t)
	opps := append(testOpps(), book.Opportunity{ID: "006000000000099AAA", Name: "New deal", StageName: "Prospecting", CloseDate: day(1)})
	if cmd := p.SetData(NewOpportunityIndex(opps)); cmd != nil {
		t.Fatal("SetData without a filter should not need a command")
	}
	if len(p.Rows()) != 6 {
		t.Fatalf("%d open rows, want 6", len(p.Rows()))
	}
}

func TestOpportunitiesStageSortFollowsTheSalesProcess(t *testing.T) {
	// One sales process per record type, numbered as OpportunityStage's
	// SortOrder numbers them (org-wide); names in another order.
	rts := []book.RecordType{
		{ID: "rtNB", Name: "New Business", Stages: []book.Stage{
			{Label: "Prospecting", SortOrder: 1}, {Label: "Proposal", SortOrder: 3},
			{Label: "Closed Won", SortOrder: 4, IsClosed: true, IsWon: true}, {Label: "Closed Lost", SortOrder: 5, IsClosed: true},
		}},
		{ID: "rtRen", Name: "Renewal", Stages: []book.Stage{
			{Label: "Quote Sent", SortOrder: 2}, {Label: "Closed Won", SortOrder: 4, IsClosed: true, IsWon: true},
		}},
	}
	opps := append(testOpps(), book.Opportunity{ID: "006-unknown-stage", Name: "Legacy", StageName: "Archived", CloseDate: day(1), RecordTypeID: "rtNB"})
	p := NewOpportunities(testContext(true))
	p.SetSize(120, 20)
	p.SetData(NewOpportunityIndex(opps, rts...))
	p.SetQuickFilters(false, StatusAny, ClosingAny, false)
	send(t, p, "<", "<")
	if c, _ := p.SortColumn(); c != ColStage {
		t.Fatalf("sort column %v, want Stage", c)
	}
	var got []string
	for _, o := range p.Rows() {
		got = append(got, o.StageName+" "+date(o.CloseDate))
	}
	// Stages in process order, close date first inside a stage, a stage
	// no process lists last.
	want := []string{
		"Prospecting 2026-05-19", "Prospecting 2026-05-26",
		"Quote Sent 2026-05-24",
		"Proposal 2026-06-23", "Proposal 2026-08-22",
		"Closed Won 2026-04-24", "Closed Won 2026-05-12",
		"Closed Lost 2026-03-15",
		"Archived 2026-05-15",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("by stage:\n got %q\nwant %q", got, want)
	}
	send(t, p, "-")
	got = got[:0]
	for _, o := range p.Rows() {
		got = append(got, o.StageName+" "+date(o.CloseDate))
	}
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Fatalf("by stage, descending:\n got %q\nwant %q", got, want)
	}
}

func TestOpportunitiesSortedHeaderKeepsItsArrow(t *testing.T) {
	for _, width := range []int{60, 80, 140} {
		p := newTestOpps(t)
		p.SetSize(width, 20)
		for range numOppColumns {
			for _, arrow := range []string{"▲", "▼"} {
				header := lineWith(p.View(), "Name")
				col, _ := p.SortColumn()
				if widths := oppWidths(width); widths[col] > 0 && !strings.Contains(header, arrow) {
					t.Errorf("width %d, sorted by %v: header %q has no %s", width, col, header, arrow)
				}
				if col == ColProbability && width >= 80 && !strings.Contains(header, "Prob"+arrow) {
					t.Errorf("width %d: header %q, want Prob%s", width, header, arrow)
				}
				send(t, p, "-")
			}
			send(t, p, ">")
		}
	}
}

func TestOpportunitiesChipsMarkTheirStateWithoutColour(t *testing.T) {
	p := newTestOpps(t)
	chips := func() string { return viewLines(p)[1] }
	// Default: open only, every owner, any close date, not only stale.
	if got := chips(); !strings.Contains(got, "✓ open") || strings.Contains(got, "✓ all owners") ||
		strings.Contains(got, "✓ any close date") || strings.Contains(got, "✓ stale") {
		t.Fatalf("default chips %q", got)
	}
	send(t, p, "m", "z")
	if got := chips(); !strings.Contains(got, "✓ mine") || !strings.Contains(got, "✓ stale 30d") {
		t.Fatalf("mine and stale on: chips %q", got)
	}
}
