package views

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
)

func newTestPipeline(t *testing.T) *Pipeline {
	return openTestPane(NewPipeline(testContext(true)), 120, 30, func(p *Pipeline) { p.SetData(NewOpportunityIndex(testOpps()), testRecordTypes()) })
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
	all := append(append([]book.Stage(nil), testStagesNB...), testStagesRenewal[0])
	rts := []book.RecordType{
		{ID: "rtNB", Name: "New Business", Stages: all},
		{ID: "rtRen", Name: "Renewal", Stages: testStagesRenewal, StagesKnown: true},
	}
	got := book.NarrowStages(rts, testOpps())
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
	opps := append(testOpps(), book.Opportunity{ID: "006000000000099AAA", Name: "Huge old win", StageName: "Closed Won",
		Amount: 5_000_000, CloseDate: day(-400), IsClosed: true, IsWon: true, Probability: 100, RecordTypeID: "rtNB"},
		book.Opportunity{ID: "006000000000098AAA", Name: "Won this quarter", StageName: "Closed Won",
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

// manyStages is a sales process wider than the board: ten stages, of
// which five fit 120 cells.
func manyStages() ([]book.RecordType, []book.Opportunity) {
	var stages []book.Stage
	var opps []book.Opportunity
	for i := range 10 {
		label := "Stage " + string(rune('A'+i))
		stages = append(stages, book.Stage{Label: label, SortOrder: i, Probability: float64(i * 10)})
		opps = append(opps, book.Opportunity{ID: "006" + label, Name: "Deal " + label, StageName: label, Amount: 1000, CloseDate: day(i), RecordTypeID: "rtNB"})
	}
	short := stages[:6]
	for i, s := range short {
		opps = append(opps, book.Opportunity{ID: "006R" + s.Label, Name: "Renewal " + s.Label, StageName: s.Label, Amount: 1000, CloseDate: day(i), RecordTypeID: "rtRen"})
	}
	return []book.RecordType{{ID: "rtNB", Name: "New Business", Stages: stages}, {ID: "rtRen", Name: "Renewal", Stages: short}}, opps
}

// headerAndColumns returns the header's "stages a–b/n" (or "" when every
// column shows) and the labels of the columns shown, as the screen has them.
func headerAndColumns(t *testing.T, p *Pipeline) (string, []string) {
	t.Helper()
	lines := viewLines(p)
	header := ""
	if i := strings.Index(lines[0], "stages "); i >= 0 {
		header = strings.Fields(lines[0][i+len("stages "):])[0]
	}
	var labels []string
	for _, cell := range strings.Split(lines[2], "│") {
		if l := strings.TrimSpace(cell); l != "" {
			labels = append(labels, l)
		}
	}
	return header, labels
}

func TestPipelineHeaderNamesTheColumnsShown(t *testing.T) {
	rts, opps := manyStages()
	p := NewPipeline(testContext(true))
	p.SetSize(120, 30)
	p.SetData(NewOpportunityIndex(opps), rts)
	p.Focus()
	check := func(step, wantHeader, first, last string) {
		t.Helper()
		header, labels := headerAndColumns(t, p)
		if header != wantHeader || len(labels) == 0 || labels[0] != first || labels[len(labels)-1] != last {
			t.Fatalf("%s: header %q over columns %q, want %q over %s…%s", step, header, labels, wantHeader, first, last)
		}
	}
	// Each step sends its keys, then checks the header and the columns.
	l, h := []string{"l"}, []string{"h"}
	for _, s := range []struct {
		keys                      []string
		step, header, first, last string
	}{
		{nil, "start", "1–5/10", "Stage A", "Stage E"},
		{l, "l within the window", "1–5/10", "Stage A", "Stage E"},
		{l, "l within the window", "1–5/10", "Stage A", "Stage E"},
		{l, "l within the window", "1–5/10", "Stage A", "Stage E"},
		{l, "l within the window", "1–5/10", "Stage A", "Stage E"},
		{l, "l past the window", "2–6/10", "Stage B", "Stage F"},
		{h, "h within the window", "2–6/10", "Stage B", "Stage F"},
		{slices.Repeat(h, 4), "h to the first column", "1–5/10", "Stage A", "Stage E"},
		{slices.Repeat(l, 9), "l to the last column", "6–10/10", "Stage F", "Stage J"},
		{[]string{"T"}, "T: the renewal process", "1–5/6", "Stage A", "Stage E"},
	} {
		send(t, p, s.keys...)
		check(s.step, s.header, s.first, s.last)
	}
	send(t, p, "T")
	send(t, p, slices.Repeat(l, 9)...)
	p.SetSize(200, 30) // eight columns fit: the window ends at the last one
	check("wider", "3–10/10", "Stage C", "Stage J")
	p.SetData(NewOpportunityIndex(opps), []book.RecordType{rts[1], rts[0]})
	check("same record type, new data", "3–10/10", "Stage C", "Stage J")
}

func TestPipelineFitsByPriority(t *testing.T) {
	rts := []book.RecordType{{ID: "rtNB", Name: "New Business", Stages: testStagesNB}}
	var opps []book.Opportunity
	for i, product := range []string{"Expansion", "Onboarding", "Support renewal"} {
		opps = append(opps, book.Opportunity{ID: "006" + product, Name: "Riverside Hospitality Group - " + product,
			AccountName: "Riverside Hospitality Group", StageName: "Prospecting", Amount: 1234567 + float64(i)*1e6,
			Probability: 10, CloseDate: day(i + 1), RecordTypeID: "rtNB"})
	}
	p := NewPipeline(testContext(true))
	p.SetData(NewOpportunityIndex(opps), rts)
	p.Focus()
	money := p.ctx.Money
	for _, width := range []int{48, 72, 96, 120, 160} {
		p.SetSize(width, 30)
		lines := viewLines(p)
		cells := func(line string) []string {
			var out []string
			for _, c := range strings.Split(line, "│") {
				if c = strings.TrimSpace(c); c != "" {
					out = append(out, c)
				}
			}
			return out
		}
		figures := cells(lines[3])[0]
		if strings.Contains(figures, "…") || !strings.HasPrefix(figures, "3") {
			t.Errorf("width %d: figures %q are cut", width, figures)
		}
		// Whatever is shown is whole: the count, then the total, then the
		// weighted total, each only when the one before it is there.
		total, weighted := money(3*1234567+3e6), money((3*1234567+3e6)*0.1)
		if strings.Contains(figures, "w ") && !strings.HasSuffix(figures, "w "+weighted) ||
			strings.Contains(figures, "$") && !strings.Contains(figures, total) {
			t.Errorf("width %d: figures %q, want 3 · %s · w %s or a prefix of whole parts", width, figures, total, weighted)
		}
		if width >= 120 && figures != "3 · "+total+" · w "+weighted {
			t.Errorf("width %d: figures %q dropped a part that fits", width, figures)
		}
		// The cards: the product, which tells them apart, comes first.
		seen := map[string]bool{}
		for i := 4; i < 10; i += 2 {
			name := cells(lines[i])[0]
			if seen[name] {
				t.Errorf("width %d: two cards read %q", width, name)
			}
			seen[name] = true
		}
	}
	p.SetSize(120, 30)
	if name := viewLines(p)[4]; !strings.Contains(name, "Expansion · Riverside") {
		t.Errorf("card %q does not lead with the product", name)
	}
}

func TestAfterAccount(t *testing.T) {
	cases := []struct{ name, account, want string }{
		{"Riverside Hospitality - Expansion", "Riverside Hospitality", "Expansion"},
		{"riverside hospitality: Renewal 2026", "Riverside Hospitality", "Renewal 2026"},
		{"Acme — Platform", "Acme Logistics", "Platform"},
		{"Acmeology — Platform", "Acme Logistics", ""},
		{"Acmeology Platform deal", "Acme", ""},
		{"Big deal", "Acme", ""},
		{"Acme", "Acme", ""},
		{"Acme - ", "Acme", ""},
	}
	for _, c := range cases {
		got, ok := afterAccount(c.name, c.account)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("afterAccount(%q, %q) = %q, %v; want %q", c.name, c.account, got, ok, c.want)
		}
	}
}

func TestPipelineNeverCutsAnAmount(t *testing.T) {
	ctx := testContext(true)
	ctx.Currency = "CHF" // no symbol: "CHF 12.3M"
	rts := []book.RecordType{{ID: "rtNB", Name: "New Business", Stages: testStagesNB}}
	opps := []book.Opportunity{{ID: "006a", Name: "Big", StageName: "Prospecting", Amount: 12345678, Probability: 10, CloseDate: day(3), RecordTypeID: "rtNB"}}
	p := NewPipeline(ctx)
	p.SetData(NewOpportunityIndex(opps), rts)
	for _, width := range []int{40, 60, 96} {
		p.SetSize(width, 40)
		out := ansi.Strip(p.View())
		// Every amount on screen is whole.
		for _, part := range strings.Split(out, "CHF ")[1:] {
			if figure := strings.Fields(part)[0]; strings.Contains(figure, "…") {
				t.Errorf("width %d: a cut amount CHF %s:\n%s", width, figure, out)
			}
		}
		// The card: amount and close date when both fit (two columns of
		// 30 cells), else the amount alone (four of 24).
		card := map[int]string{60: "│ CHF 12.3M · 2026-05-17", 96: "│ CHF 12.3M   "}[width]
		for _, want := range []string{card, "█ CHF 12.3M"} {
			if width >= 60 && !strings.Contains(out, want) {
				t.Errorf("width %d: no %q:\n%s", width, want, out)
			}
		}
	}
}
