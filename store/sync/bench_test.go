package sync

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
)

// benchScale is the demo org's scale for the sync benchmarks
// (LAZYFORCE_BENCH_SCALE, default 10: about 128k synced records).
func benchScale(b *testing.B) int {
	if s := os.Getenv("LAZYFORCE_BENCH_SCALE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 10
}

// BenchmarkSync measures, against the emulator on loopback: an initial sync
// into an empty cache (records/s, API calls, cache size), an incremental
// sync with nothing changed (API calls, time), and offline SOQL over the
// resulting cache.
func BenchmarkSync(b *testing.B) {
	ctx := context.Background()
	org := newTestOrg(b, emulator.Options{Seed: 1, Scale: benchScale(b)})
	cfg := defaultConfig()
	var st *store.Store
	defer func() {
		if st != nil {
			st.Close()
		}
	}()

	b.Run("initial", func(b *testing.B) {
		var records int
		var elapsed time.Duration
		var calls int64
		var size int64
		for i := 0; b.Loop(); i++ {
			if st != nil {
				st.Close()
			}
			var err error
			st, err = store.Open(filepath.Join(b.TempDir(), "org.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			res, err := Run(ctx, org.c, st, cfg)
			if err != nil {
				b.Fatal(err)
			}
			records, elapsed, calls = 0, res.Duration, res.APICalls
			for _, o := range res.Objects {
				records += o.Fetched
			}
			size, _ = st.Size()
		}
		b.ReportMetric(float64(records), "records")
		b.ReportMetric(float64(records)/elapsed.Seconds(), "records/s")
		b.ReportMetric(float64(calls), "api-calls")
		b.ReportMetric(float64(size)/(1<<20), "cache-MiB")
	})

	b.Run("empty-incremental", func(b *testing.B) {
		var calls int64
		for b.Loop() {
			res, err := Run(ctx, org.c, st, cfg)
			if err != nil {
				b.Fatal(err)
			}
			calls = res.APICalls
		}
		b.ReportMetric(float64(calls), "api-calls")
	})

	for _, q := range []struct{ name, soql string }{
		{"offline-count", "SELECT COUNT() FROM Task"},
		{"offline-my-open-pipeline", "SELECT Id, Name, StageName, Amount, Account.Name FROM Opportunity WHERE IsClosed = false AND Amount > 10000 ORDER BY CloseDate LIMIT 50"},
		{"offline-group-by-stage", "SELECT StageName, COUNT(Id), SUM(Amount) FROM Opportunity GROUP BY StageName"},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.Query(ctx, q.soql, store.QueryOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
