package store_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// gcQuestions are one question of every family of store/ask's
// BenchmarkAsk: what a warm Resident holds after them is what its
// answers' collections mark.
var gcQuestions = []string{
	"total opportunity size of O'Brien & Sons",
	"how much pipeline do I have",
	"my win rate last quarter",
	"how many deals did we win last quarter",
	"largest open deals",
	"top 5 accounts by pipeline",
	"what do you know about acme media",
	"latest activity on acme media",
	"main contacts of acme media",
	"recently created accounts",
	"deals closing this month",
	"my overdue tasks",
	"my stale deals",
	"collect my opportunities from last quarter and organise them by stage and key contacts",
	"pipeline by billing country",
	"what's the weather in Paris",
}

// BenchmarkResidentGC measures what a warm Resident costs the garbage
// collector: the demo org (seed 1, LAZYFORCE_BENCH_SCALE, default 10;
// 65 is ≈100k opportunities) synced through the real path, one engine
// with a Resident that has answered every family's question once (as in
// store/ask's BenchmarkAsk), then, after two collections, the live heap,
// its scannable part (runtime/metrics /gc/scan/heap:bytes), its objects,
// and the wall time and CPU of each forced collection (b.N of them; the
// figures are medians). It logs the census of pointer-holding values, and
// the same figures once the Resident also holds every User and Account as
// the TUI's warm-up reads them (WarmParents).
func BenchmarkResidentGC(b *testing.B) {
	ctx := context.Background()
	scale := 10
	if v, err := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_SCALE")); err == nil && v > 0 {
		scale = v
	}
	now := func() time.Time { return time.Date(2026, time.May, 14, 10, 30, 0, 0, time.UTC) }
	st, _ := booktest.Demo(b, booktest.Options{Seed: 1, Scale: scale, Now: now, Scope: syncer.DefaultScope()})
	res := store.NewResident(st)
	e, err := ask.New(st, ask.Options{Now: now, Resident: res})
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range gcQuestions {
		if _, err := e.Ask(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	live, scan, objects := heapNow()
	recs, fields := res.Held()
	b.Logf("warm Resident: %d records, %d fields; live heap %.1f MiB, scannable %.1f MiB, %d objects",
		recs, fields, float64(live)/(1<<20), float64(scan)/(1<<20), objects)
	census := store.ResidentCensus(res)
	kinds := make([]string, 0, len(census))
	for k := range census {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	line := "pointer-holding values:"
	for _, k := range kinds {
		line += fmt.Sprintf(" %s %d;", k, census[k])
	}
	b.Log(line)
	var walls, cpus []float64
	b.ResetTimer()
	for b.Loop() {
		wall, cpu := collect()
		walls, cpus = append(walls, wall), append(cpus, cpu)
	}
	b.StopTimer()
	b.ReportMetric(float64(live)/(1<<20), "live-MiB")
	b.ReportMetric(float64(scan)/(1<<20), "scan-MiB")
	b.ReportMetric(float64(objects), "objects")
	b.ReportMetric(median(walls), "gc-wall-ms")
	b.ReportMetric(median(cpus), "gc-cpu-ms")
	// The TUI also holds every User and Account read as parent lookups
	// (Resident.WarmParents with ask.ResidentParents).
	if err := res.WarmParents(ctx, ask.ResidentParents()); err != nil {
		b.Fatal(err)
	}
	live, scan, objects = heapNow()
	walls, cpus = walls[:0], cpus[:0]
	for range 10 {
		wall, cpu := collect()
		walls, cpus = append(walls, wall), append(cpus, cpu)
	}
	recs, fields = res.Held()
	b.Logf("after WarmParents (as the TUI): %d records, %d fields; live heap %.1f MiB, scannable %.1f MiB, %d objects; a collection (median of 10) %.1f ms wall, %.1f ms CPU",
		recs, fields, float64(live)/(1<<20), float64(scan)/(1<<20), objects, median(walls), median(cpus))
	runtime.KeepAlive(e)
	runtime.KeepAlive(res)
}

// heapNow collects twice, then returns the live heap, its scannable part
// and its objects.
func heapNow() (live, scan, objects uint64) {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/heap:bytes"}, {Name: "/gc/heap/objects:objects"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
}

// collect runs a collection and returns its wall time and the CPU time
// of the collector, in ms.
func collect() (wall, cpu float64) {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	cpu0 := s[0].Value.Float64()
	t0 := time.Now()
	runtime.GC()
	wall = float64(time.Since(t0)) / float64(time.Millisecond)
	metrics.Read(s)
	return wall, (s[0].Value.Float64() - cpu0) * 1000
}

// median returns the median of xs (sorting xs).
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
