package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
)

func TestFiscalQuarter(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		first      time.Month
		now        time.Time
		start, end time.Time
		label      string
	}{
		{0, testNow, d(2026, 4, 1), d(2026, 7, 1), "this quarter (Apr–Jun)"},
		{time.January, d(2026, 12, 31), d(2026, 10, 1), d(2027, 1, 1), "this quarter (Oct–Dec)"},
		{time.February, testNow, d(2026, 5, 1), d(2026, 8, 1), "this fiscal quarter (May–Jul)"},
		{time.February, d(2026, 1, 10), d(2025, 11, 1), d(2026, 2, 1), "this fiscal quarter (Nov–Jan)"},
		{time.February, d(2026, 4, 30), d(2026, 2, 1), d(2026, 5, 1), "this fiscal quarter (Feb–Apr)"},
		{time.October, d(2026, 9, 15), d(2026, 7, 1), d(2026, 10, 1), "this fiscal quarter (Jul–Sep)"},
	} {
		ctx := &Context{FiscalYearStartMonth: c.first}
		start, end := ctx.FiscalQuarter(c.now)
		if !start.Equal(c.start) || !end.Equal(c.end) {
			t.Errorf("start month %v, %s: quarter %s–%s, want %s–%s", c.first, c.now.Format(time.DateOnly), start, end, c.start, c.end)
		}
		if got := ctx.QuarterLabel(c.now); got != c.label {
			t.Errorf("start month %v, %s: label %q, want %q", c.first, c.now.Format(time.DateOnly), got, c.label)
		}
	}
}

// TestClosingThisQuarterIsFiscal: with a fiscal year starting in February
// (the demo org's), May 14 is in the May–Jul quarter, so a deal closed on
// April 24 is not "closing this quarter", though it is in calendar Q2.
func TestClosingThisQuarterIsFiscal(t *testing.T) {
	ctx := testContext(true)
	ctx.FiscalYearStartMonth = time.February
	p := NewOpportunities(ctx)
	p.SetSize(140, 20)
	p.SetData(NewOpportunityIndex(testOpps()))
	p.SetQuickFilters(false, StatusAny, ClosingThisQuarter, false)
	var names []string
	for _, o := range p.Rows() {
		names = append(names, o.Name)
		if o.CloseDate.Before(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) || !o.CloseDate.Before(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%q closes %s, outside the fiscal quarter", o.Name, date(o.CloseDate))
		}
	}
	if len(names) != 5 {
		t.Errorf("closing this fiscal quarter: %q, want 5", names)
	}
	if out := ansi.Strip(p.View()); !strings.Contains(out, "closing this fiscal quarter (May–Jul)") {
		t.Errorf("chip does not name the fiscal quarter:\n%s", out)
	}
}

func TestMoneyUsesTheOrgCurrency(t *testing.T) {
	for _, c := range []struct {
		currency string
		v        float64
		want     string
	}{
		{"", 1_200_000, "$1.2M"},
		{"USD", 900, "$900"},
		{"EUR", 350_000, "€350K"},
		{"eur", 0, "€0"},
		{"GBP", 12_500, "£12.5K"},
		{"CHF", 1234, "CHF 1,234"},
		{"CAD", 2_000_000_000, "CAD 2B"},
		{"USD", -1_500_000, "-$1.5M"},
	} {
		ctx := &Context{Currency: c.currency}
		if got := ctx.Money(c.v); got != c.want {
			t.Errorf("Money(%v) in %q = %q, want %q", c.v, c.currency, got, c.want)
		}
	}
}

// TestNullAmountsShowADash: a null Amount or AnnualRevenue is "—", a zero
// one "$0", in the table, the board and the detail views; amounts are in
// the org's currency.
func TestNullAmountsShowADash(t *testing.T) {
	ctx := testContext(true)
	ctx.Currency = "EUR"
	opps := []book.Opportunity{
		{ID: "006000000000001AAA", Name: "Null deal", StageName: "Prospecting", AmountNull: true, CloseDate: day(3), RecordTypeID: "rtNB"},
		{ID: "006000000000002AAA", Name: "Zero deal", StageName: "Prospecting", CloseDate: day(4), RecordTypeID: "rtNB"},
	}
	table := NewOpportunities(ctx)
	table.SetSize(120, 10)
	table.SetData(NewOpportunityIndex(opps))
	out := ansi.Strip(table.View())
	for _, want := range []string{"Null deal", "Zero deal"} {
		line := lineWith(out, want)
		amount := "€0"
		if want == "Null deal" {
			amount = "—"
		}
		if !strings.Contains(line, " "+amount+" ") || strings.Contains(line, "$") {
			t.Errorf("table row of %s: %q, want amount %q", want, line, amount)
		}
	}
	board := NewPipeline(ctx)
	board.SetSize(120, 30)
	board.SetData(NewOpportunityIndex(opps), testRecordTypes())
	out = ansi.Strip(board.View())
	if !strings.Contains(out, "— · "+date(day(3))) || !strings.Contains(out, "€0 · "+date(day(4))) || strings.Contains(out, "$") {
		t.Errorf("board cards:\n%s", out)
	}
	det := NewDetail(ctx, AccountsPane, OpportunityRecord, opps[0].ID)
	det.SetSize(80, 20)
	det.SetOpportunity(book.OpportunityDetail{Opportunity: opps[0]})
	if line := lineWith(ansi.Strip(det.View()), "Amount"); !strings.Contains(line, "—") {
		t.Errorf("detail amount: %q", line)
	}
	acc := NewDetail(ctx, AccountsPane, AccountRecord, "001000000000001AAA")
	acc.SetSize(80, 20)
	acc.SetAccount(book.AccountDetail{Account: book.Account{ID: "001000000000001AAA", Name: "No revenue", AnnualRevenueNull: true}})
	if line := lineWith(ansi.Strip(acc.View()), "Annual revenue"); !strings.Contains(line, "—") {
		t.Errorf("detail annual revenue: %q", line)
	}
	acc.SetAccount(book.AccountDetail{Account: book.Account{ID: "001000000000001AAA", Name: "Zero revenue"}})
	if line := lineWith(ansi.Strip(acc.View()), "Annual revenue"); !strings.Contains(line, "€0") {
		t.Errorf("detail zero annual revenue: %q", line)
	}
}

func lineWith(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
