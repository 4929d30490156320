package views

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/booktest"
)

// BenchmarkKeptIndexes measures what a sync's PrepareStartup derives from
// the accounts and opportunities it lists: every sort order and the
// search keys of both indexes, encoded to be kept (AppendKept). The data
// are the demo org's at scale 12 (LAZYFORCE_BENCH_SCALE changes it),
// synced into a cache and read back as the app reads them.
func BenchmarkKeptIndexes(b *testing.B) {
	scale := 12
	if v, err := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_SCALE")); err == nil && v > 0 {
		scale = v
	}
	st, _ := booktest.Demo(b, booktest.Options{Scale: scale, Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
		Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
	bk := book.New(st, book.Options{OrgName: "bench"})
	accts, err := bk.Accounts(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	opps, err := bk.Opportunities(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	rts, err := bk.RecordTypes(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("accounts", func(b *testing.B) {
		for b.Loop() {
			NewAccountIndex(accts).AppendKept(nil)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(accts)), "ns/record")
	})
	b.Run("opportunities", func(b *testing.B) {
		for b.Loop() {
			NewOpportunityIndex(opps, rts...).AppendKept(nil)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(opps)), "ns/record")
	})
}
