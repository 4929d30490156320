package ui

import (
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/views"
)

// TestPrepareStartupKeepsTheIndexes: what PrepareStartup keeps with the
// accounts and opportunities is, byte for byte, what indexes built over
// those lists append; a second run over the unchanged cache leaves it.
func TestPrepareStartupKeepsTheIndexes(t *testing.T) {
	st, _ := booktest.Demo(t, booktest.Options{Now: func() time.Time { return testNow },
		Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
	b := book.New(st, book.Options{OrgName: "demo"})
	ctx := t.Context()
	for run := range 2 {
		if err := PrepareStartup(ctx, b); err != nil {
			t.Fatal(err)
		}
		accts, ka, err := b.AccountsKept(ctx, views.KeptName)
		if err != nil {
			t.Fatal(err)
		}
		if want := string(views.NewAccountIndex(accts).AppendKept(nil)); ka.Data != want || len(accts) == 0 {
			t.Fatalf("run %d: %d bytes kept with %d accounts, an index appends %d", run, len(ka.Data), len(accts), len(want))
		}
		opps, ko, err := b.OpportunitiesKept(ctx, views.KeptName)
		if err != nil {
			t.Fatal(err)
		}
		rts, err := b.RecordTypes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := string(views.NewOpportunityIndex(opps, rts...).AppendKept(nil)); ko.Data != want || len(opps) == 0 {
			t.Fatalf("run %d: %d bytes kept with %d opportunities, an index appends %d", run, len(ko.Data), len(opps), len(want))
		}
	}
}
