package views

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views/keytest"
)

// fixedProfile downsamples rendered output to 256 colours, as a terminal
// with that profile would see it, so goldens do not depend on the machine.
func fixedProfile(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ANSI256}
	if _, err := w.WriteString(s); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestGoldenPanes renders every pane at two widths in both themes.
// Regenerate with: go test ./views/... -update
func TestGoldenPanes(t *testing.T) {
	const height = 24
	panes := map[string]func(ctx *Context) Pane{
		"accounts": func(ctx *Context) Pane {
			p := NewAccounts(ctx)
			p.SetData(NewAccountIndex(testAccounts()))
			return p
		},
		"opportunities": func(ctx *Context) Pane {
			p := NewOpportunities(ctx)
			p.SetData(NewOpportunityIndex(testOpps()))
			p.SetQuickFilters(false, StatusAny, ClosingAny, false)
			return p
		},
		"pipeline": func(ctx *Context) Pane {
			p := NewPipeline(ctx)
			p.SetData(NewOpportunityIndex(testOpps()), testRecordTypes())
			return p
		},
		"detail": func(ctx *Context) Pane {
			p := NewDetail(ctx, AccountsPane, OpportunityRecord, testOpps()[0].ID)
			p.SetOpportunity(book.OpportunityDetail{
				Opportunity: testOpps()[0],
				Page: book.OpportunityPage{NextStep: "Send the signed quote", Type: "New Customer", LeadSource: "Web",
					ForecastCategoryName: "Pipeline", RecordTypeName: "New Business",
					Description: "Two sites; the pilot starts in Berlin.\n\x1b[31mCall before noon\x1b[0m."},
				ContactRoles: []book.ContactRole{{ContactName: "Maya Chen", Role: "Decision Maker", IsPrimary: true}, {ContactName: "Lars Berg", Role: "Evaluator"}},
				Activities: []book.Activity{
					{Kind: book.TaskActivity, Subject: "Send quote", When: day(-2), Status: "Completed", WhoName: "Maya Chen"},
					{Kind: book.EventActivity, Subject: "Demo", When: day(4).Add(14 * 60 * 60 * 1e9), WhoName: "Lars Berg"},
				},
			})
			return p
		},
		"ask": func(ctx *Context) Pane { return NewAsk(ctx) },
	}
	for _, name := range []string{"accounts", "opportunities", "pipeline", "detail", "ask"} {
		for _, width := range []int{80, 140} {
			keytest.EachTheme(t, fmt.Sprintf("%s/%d", name, width), func(t *testing.T, dark bool) {
				p := panes[name](testContext(dark))
				p.SetSize(width, height)
				p.Focus()
				out := p.View()
				assertBlock(t, out, width, height)
				golden.RequireEqual(t, fixedProfile(t, out))
			})
		}
	}
}
