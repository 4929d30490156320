package views

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func newTestPipeline(t *testing.T) *Pipeline {
	t.Helper()
	p := NewPipeline(testContext(true))
	p.SetSize(120, 30)
	p.SetData(NewOpportunityIndex(testOpps()), testRecordTypes())
	p.Focus()
	return p
}

func TestPipelineColumnsAndTotals(t *testing.T) {
	p := newTestPipeline(t)
	labels, totals, weighted := p.Totals()
	// New Business, worked out by hand from testOpps:
	//   Prospecting  120000 @10% + 9000 @10%   = 129000, weighted 12000 + 900
	//   Proposal      80000 @60% + 15000 @60%  =  95000, weighted 48000 + 9000
	//   Closed Won   200000 @100%                        weighted 200000
	//   Closed Lost   30000 @0%                          weighted 0
	// (the Renewal deals, Quote Sent and Cedar — Upsell, are not on this board).
	if want := []string{"Prospecting", "Proposal", "Closed Won", "Closed Lost"}; !slices.Equal(labels, want) {
		t.Fatalf("columns %q, want %q", labels, want)
	}
	if want := []float64{129000, 95000, 200000, 30000}; !slices.Equal(totals, want) {
		t.Errorf("totals %v, want %v", totals, want)
	}
	if want := []float64{12900, 57000, 200000, 0}; !slices.Equal(weighted, want) {
		t.Errorf("weighted totals %v, want %v", weighted, want)
	}
}

func TestPipelineSwitchRecordTypeAndOwner(t *testing.T) {
	p := newTestPipeline(t)
	send(t, p, "T")
	rt, _ := p.RecordType()
	if rt.Name != "Renewal" {
		t.Fatalf("T chose %q", rt.Name)
	}
	labels, totals, _ := p.Totals()
	if len(labels) != 2 || labels[0] != "Quote Sent" || totals[0] != 50000 || totals[1] != 70000 {
		t.Fatalf("renewal columns %q %v", labels, totals)
	}
	send(t, p, "T")
	if rt, _ := p.RecordType(); rt.Name != "New Business" {
		t.Fatalf("T did not wrap around: %q", rt.Name)
	}
	send(t, p, "m")
	if !p.Mine() {
		t.Fatal("m did not switch to mine")
	}
	_, totals, _ = p.Totals()
	// mine in New Business: Prospecting 120000+9000, Proposal 15000, Won 0, Lost 30000
	want := []float64{129000, 15000, 0, 30000}
	for i := range want {
		if totals[i] != want[i] {
			t.Fatalf("mine totals %v, want %v", totals, want)
		}
	}
}

func TestPipelineMoveAndOpen(t *testing.T) {
	p := newTestPipeline(t)
	send(t, p, "l")
	if label, n := p.Column(); label != "Proposal" || n != 2 {
		t.Fatalf("l: column %q with %d cards", label, n)
	}
	send(t, p, "j")
	msgs := send(t, p, "enter")
	// Proposal cards by close date: Acme — Expansion (day 40), Blue Harbor (day 100).
	if len(msgs) != 1 || msgs[0].(OpenRecordMsg).ID != testOpps()[2].ID {
		t.Fatalf("enter on the second Proposal card sent %#v", msgs)
	}
	send(t, p, "h", "h")
	if label, _ := p.Column(); label != "Prospecting" {
		t.Fatalf("h h: column %q", label)
	}
	send(t, p, "right", "right", "right", "right")
	if label, _ := p.Column(); label != "Closed Lost" {
		t.Fatalf("right ×4 stops at the last column, got %q", label)
	}
}

func TestPipelineViewFitsAndShowsChart(t *testing.T) {
	for _, w := range []int{60, 80, 140} {
		p := newTestPipeline(t)
		p.SetSize(w, 30)
		out := p.View()
		assertBlock(t, out, w, 30)
		if !containsPlain(out, "Open pipeline by stage") {
			t.Errorf("width %d: no bar chart", w)
		}
	}
	p := newTestPipeline(t)
	p.SetSize(80, 10)
	out := p.View()
	assertBlock(t, out, 80, 10)
	if containsPlain(out, "Open pipeline by stage") {
		t.Error("at height 10 the chart should give way to the board")
	}
}

func TestPipelineWithoutRecordTypes(t *testing.T) {
	p := NewPipeline(testContext(false))
	p.SetSize(80, 10)
	send(t, p, "j", "l", "enter", "T")
	if !containsPlain(p.View(), "No opportunity record types") {
		t.Fatal("empty pipeline does not say why")
	}
}

func TestNarrowStagesKeepsKnownProcesses(t *testing.T) {
	all := append(append([]Stage(nil), testStagesNB...), testStagesRenewal[0])
	rts := []RecordType{
		{ID: "rtNB", Name: "New Business", Stages: all},
		{ID: "rtRen", Name: "Renewal", Stages: testStagesRenewal, StagesKnown: true},
	}
	got := NarrowStages(rts, testOpps())
	var labels []string
	for _, s := range got[0].Stages {
		labels = append(labels, s.Label)
	}
	// New Business opportunities use all four of its stages, never Quote Sent.
	if len(labels) != 4 || labels[3] != "Closed Lost" {
		t.Fatalf("narrowed New Business stages %q", labels)
	}
	if len(got[1].Stages) != 2 {
		t.Fatalf("a known process was narrowed: %v", got[1].Stages)
	}
	if len(rts[0].Stages) != 5 {
		t.Fatal("NarrowStages changed its input")
	}
}

// TestPipelineChartIsAboutThePipeline: the chart's bars are the open
// stages and what closed in the current fiscal quarter, not all-time
// closed totals, on one scale; the board's column totals stay all-time and
// match their cards.
func TestPipelineChartIsAboutThePipeline(t *testing.T) {
	ctx := testContext(true)
	ctx.FiscalYearStartMonth = time.February // May–Jul on May 14
	p := NewPipeline(ctx)
	opps := append(testOpps(), Opportunity{ID: "006000000000099AAA", Name: "Huge old win", StageName: "Closed Won",
		Amount: 5_000_000, CloseDate: day(-400), IsClosed: true, IsWon: true, Probability: 100, RecordTypeID: "rtNB"},
		Opportunity{ID: "006000000000098AAA", Name: "Won this quarter", StageName: "Closed Won",
			Amount: 40_000, CloseDate: day(-5), IsClosed: true, IsWon: true, Probability: 100, RecordTypeID: "rtNB"})
	p.SetData(NewOpportunityIndex(opps), testRecordTypes())
	p.SetSize(100, 40)
	labels, totals, _ := p.Totals()
	// Board: all-time totals per column (Closed Won: 200000 + 5000000 + 40000).
	if want := []float64{129000, 95000, 5_240_000, 30000}; !slices.Equal(totals, want) {
		t.Fatalf("column totals %v %v, want %v", labels, totals, want)
	}
	closedLabels, closed := p.ClosedThisQuarter()
	// Only the win of May 9 closes in May–Jul; the loss of March 15 does not.
	if !slices.Equal(closedLabels, []string{"Closed Won", "Closed Lost"}) || !slices.Equal(closed, []float64{40000, 0}) {
		t.Fatalf("closed this quarter %v %v", closedLabels, closed)
	}
	out := ansi.Strip(p.View())
	chart := out[strings.Index(out, "Open pipeline by stage"):]
	bar := func(label string) int {
		t.Helper()
		line := lineWith(chart, label)
		if line == "" {
			t.Fatalf("chart has no %q row:\n%s", label, chart)
		}
		return strings.Count(line, "█")
	}
	if !strings.Contains(chart, "Closed this fiscal quarter (May–Jul)") {
		t.Errorf("closed bars are not labelled with the quarter:\n%s", chart)
	}
	prospecting, proposal, won, lost := bar("Prospecting"), bar("Proposal"), bar("Closed Won"), bar("Closed Lost")
	// Prospecting (129K) is the peak and fills the bar; the rest on its scale.
	if barW := 100 - len("Prospecting") - 8 - 3; prospecting != barW {
		t.Errorf("Prospecting bar %d, want the full %d", prospecting, barW)
	}
	if proposal >= prospecting || won >= proposal || won == 0 || lost != 0 {
		t.Errorf("bars: prospecting %d, proposal %d, won %d, lost %d", prospecting, proposal, won, lost)
	}
	if !strings.Contains(lineWith(chart, "Closed Won"), "$40K") {
		t.Errorf("Closed Won row: %q", lineWith(chart, "Closed Won"))
	}
}
