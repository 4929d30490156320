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
// figures are medians). It logs the census of pointer-holding values.
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
	runtime.GC()
	runtime.GC()
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/scan/heap:bytes"},
		{Name: "/gc/heap/objects:objects"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
	}
	metrics.Read(samples)
	live, scan, objects := samples[0].Value.Uint64(), samples[1].Value.Uint64(), samples[2].Value.Uint64()
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
		metrics.Read(samples[3:])
		cpu0 := samples[3].Value.Float64()
		t0 := time.Now()
		runtime.GC()
		walls = append(walls, float64(time.Since(t0))/float64(time.Millisecond))
		metrics.Read(samples[3:])
		cpus = append(cpus, (samples[3].Value.Float64()-cpu0)*1000)
	}
	b.StopTimer()
	slices.Sort(walls)
	slices.Sort(cpus)
	b.ReportMetric(float64(live)/(1<<20), "live-MiB")
	b.ReportMetric(float64(scan)/(1<<20), "scan-MiB")
	b.ReportMetric(float64(objects), "objects")
	b.ReportMetric(walls[len(walls)/2], "gc-wall-ms")
	b.ReportMetric(cpus[len(cpus)/2], "gc-cpu-ms")
	runtime.KeepAlive(e)
	runtime.KeepAlive(res)
}
