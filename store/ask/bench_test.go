package ask

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// benchQuestions are one question of every family.
var benchQuestions = []struct{ family, q string }{
	{"total", "total opportunity size of O'Brien & Sons"},
	{"total-me", "how much pipeline do I have"},
	{"rate", "my win rate last quarter"},
	{"count", "how many deals did we win last quarter"},
	{"rank-deals", "largest open deals"},
	{"rank-groups", "top 5 accounts by pipeline"},
	{"overview", "what do you know about acme media"},
	{"activity", "latest activity on acme media"},
	{"contacts", "main contacts of acme media"},
	{"recent", "recently created accounts"},
	{"closing", "deals closing this month"},
	{"overdue", "my overdue tasks"},
	{"stale", "my stale deals"},
	{"organise", "collect my opportunities from last quarter and organise them by stage and key contacts"},
	{"breakdown", "pipeline by billing country"},
	{"unknown", "what's the weather in Paris"},
}

// BenchmarkAsk measures the latency of one answer (Glamour excluded) over a
// real cache: the demo org at scale 10 (15,500 opportunities, 55,000 tasks)
// synced through the real path; LAZYFORCE_BENCH_SCALE=65 makes it ≈100k
// opportunities (slow to build: run it rarely). The engine is made once
// and answers through a store.Resident, as the TUI's does. Each family
// reports:
//   - cold-ms: its question asked first of a fresh engine and Resident
//     (what the first question after start-up or a sync costs: the
//     records it needs are decoded and indexed);
//   - median-ms and p95-ms of its answers on the warm engine, after one
//     answer of the same question (the engine is warmed by every family's
//     question once before any is measured; with LAZYFORCE_BENCH_WARM=tui
//     also warmed as the TUI's Ask pane warms it, WarmParents included).
func BenchmarkAsk(b *testing.B) {
	ctx := context.Background()
	scale := 10
	if v, err := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_SCALE")); err == nil && v > 0 {
		scale = v
	}
	st, _ := booktest.Demo(b, booktest.Options{Seed: demoSeed, Scale: scale, Now: func() time.Time { return benchNow }, Scope: syncer.DefaultScope()})
	now := func() time.Time { return benchNow }
	cold := map[string]time.Duration{}
	first := map[string]time.Duration{}
	var warmups []time.Duration
	for _, bq := range benchQuestions {
		e, err := New(st, Options{Now: now, Resident: store.NewResident(st)})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		t0 := time.Now()
		if _, err := e.Ask(ctx, bq.q); err != nil {
			b.Fatal(err)
		}
		cold[bq.family] = time.Since(t0)
		// The same after the TUI's warm-up (engine and ResidentFields).
		res := store.NewResident(st)
		runtime.GC()
		t0 = time.Now()
		e, err = New(st, Options{Now: now, Resident: res})
		if err != nil {
			b.Fatal(err)
		}
		if err := res.Warm(ctx, ResidentFields()); err != nil {
			b.Fatal(err)
		}
		if err := res.WarmParents(ctx, ResidentParents()); err != nil {
			b.Fatal(err)
		}
		warmups = append(warmups, time.Since(t0))
		t0 = time.Now()
		if _, err := e.Ask(ctx, bq.q); err != nil {
			b.Fatal(err)
		}
		first[bq.family] = time.Since(t0)
	}
	slices.Sort(warmups)
	b.Logf("warm-up (engine, Resident.Warm with ResidentFields, WarmParents with ResidentParents): median %.0f ms of %d", float64(warmups[len(warmups)/2])/float64(time.Millisecond), len(warmups))
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	res := store.NewResident(st)
	e, err := New(st, Options{Now: now, Resident: res})
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("LAZYFORCE_BENCH_WARM") == "tui" {
		// Warmed as the TUI's Ask pane warms it: the parents it looks up
		// (every User and Account) are held too, and marked by every
		// collection.
		if err := res.Warm(ctx, ResidentFields()); err != nil {
			b.Fatal(err)
		}
		if err := res.WarmParents(ctx, ResidentParents()); err != nil {
			b.Fatal(err)
		}
	}
	for _, bq := range benchQuestions {
		if _, err := e.Ask(ctx, bq.q); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	recs, fields := res.Held()
	b.Logf("warm Resident: %d records, %d fields; heap in use %.0f MiB, %.0f MiB more than before warming",
		recs, fields, float64(ms.HeapInuse)/(1<<20), (float64(ms.HeapInuse)-float64(before.HeapInuse))/(1<<20))
	// A stage change on one opportunity (the rep's own, through the
	// outbox, writes the same way): only the opportunities are decoded
	// again, by the next warm-up.
	opp, err := st.Query(ctx, "SELECT Id FROM Opportunity WHERE IsClosed = false LIMIT 1", store.QueryOptions{})
	if err != nil || len(opp.Records) != 1 {
		b.Fatalf("an open opportunity: %v", err)
	}
	id, _ := opp.Records[0].Get("Id")
	raw, ok, err := st.Get("Opportunity", id.(string))
	if err != nil || !ok {
		b.Fatalf("opportunity %v: %v", id, err)
	}
	// A new SystemModstamp (which no answer reads) makes it a change.
	changed := strings.Replace(string(raw), `"SystemModstamp":"`, `"SystemModstamp":"9`, 1)
	if changed == string(raw) {
		b.Fatalf("opportunity %v has no SystemModstamp", id)
	}
	loads := res.Loads()
	if err := st.Update(func(w *store.Writer) error {
		_, err := w.PutRecord("Opportunity", []byte(changed))
		return err
	}); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	if err := res.Warm(ctx, ResidentFields()); err != nil {
		b.Fatal(err)
	}
	b.Logf("after one opportunity changed: warm-up %.0f ms, %d objects decoded again", float64(time.Since(t0))/float64(time.Millisecond), res.Loads()-loads)
	for _, bq := range benchQuestions {
		if _, err := e.Ask(ctx, bq.q); err != nil {
			b.Fatal(err)
		}
	}
	for _, bq := range benchQuestions {
		b.Run(bq.family, func(b *testing.B) {
			var durs []time.Duration
			for b.Loop() {
				t0 := time.Now()
				a, err := e.Ask(ctx, bq.q)
				if err != nil {
					b.Fatal(err)
				}
				durs = append(durs, time.Since(t0))
				if !a.Understood && bq.family != "unknown" {
					b.Fatalf("%q not understood", bq.q)
				}
			}
			slices.Sort(durs)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(cold[bq.family]), "cold-ms")
			b.ReportMetric(ms(first[bq.family]), "first-after-warmup-ms")
			b.ReportMetric(ms(durs[len(durs)/2]), "median-ms")
			b.ReportMetric(ms(durs[min(len(durs)-1, len(durs)*95/100)]), "p95-ms")
		})
	}
}

// BenchmarkAskFamilies answers the questions of the families named in
// LAZYFORCE_BENCH_FAMILIES (comma-separated; default the three slowest)
// on a warm engine, one after the other per iteration: for profiling them
// (-cpuprofile, -memprofile, -benchmem) without the cold runs of
// BenchmarkAsk. LAZYFORCE_BENCH_SCALE as for BenchmarkAsk.
func BenchmarkAskFamilies(b *testing.B) {
	ctx := context.Background()
	scale := 10
	if v, err := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_SCALE")); err == nil && v > 0 {
		scale = v
	}
	families := "rank-groups,organise,breakdown"
	if v := os.Getenv("LAZYFORCE_BENCH_FAMILIES"); v != "" {
		families = v
	}
	st, _ := booktest.Demo(b, booktest.Options{Seed: demoSeed, Scale: scale, Now: func() time.Time { return benchNow }, Scope: syncer.DefaultScope()})
	e, err := New(st, Options{Now: func() time.Time { return benchNow }, Resident: store.NewResident(st)})
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, bq := range benchQuestions {
		if _, err := e.Ask(ctx, bq.q); err != nil {
			b.Fatal(err)
		}
		if slices.Contains(strings.Split(families, ","), bq.family) {
			qs = append(qs, bq.q)
		}
	}
	if len(qs) == 0 {
		b.Fatalf("no family in %q", families)
	}
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		for _, q := range qs {
			if _, err := e.Ask(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	}
}
