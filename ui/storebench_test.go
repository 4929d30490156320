package ui

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// benchScale is the demo org's scale for a benchmark: def, unless
// LAZYFORCE_BENCH_SCALE sets it. One unit of scale is about 1,500
// opportunities.
func benchScale(def int) int {
	if v, err := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_SCALE")); err == nil && v > 0 {
		return v
	}
	return def
}

// benchCache syncs the emulator's demo org at scale over HTTP into a
// fresh bbolt file holding the signed-in identity, through store/syncer as
// `lazyforce sync` does, with the objects the lists read. The benchmarks' data come this real way.
func benchCache(b *testing.B, scale int) *store.Store {
	b.Helper()
	ctx := context.Background()
	// The emulator holds the whole demo org (activities too) in memory:
	// it is shut down and collected before the benchmark runs, so its heap
	// does not weigh on what is measured.
	ts := emulator.Start(emulator.Options{Seed: 1, Scale: scale, Now: func() time.Time { return testNow }})
	defer runtime.GC()
	defer ts.Close()
	c, err := sfdc.NewClient(ctx, ts.URL, sfdc.StaticToken(ts.AccessToken), sfdc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(filepath.Join(b.TempDir(), "cache.db"), store.Options{Org: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ident, err := syncer.ReadIdentity(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.SetIdentity(ident); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	res, err := syncer.Run(ctx, c, st, syncer.Config{Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
	if err != nil {
		b.Fatal(err)
	}
	n, _ := st.Count("Opportunity")
	b.Logf("synced %d opportunities in %v (%d API calls)", n, time.Since(start).Round(time.Millisecond), res.APICalls)
	return st
}

// BenchmarkStoreStartup measures start-up to the first frame with data over
// a real cache: the demo org at scale 10 (≈16k opportunities) is synced
// once into a bbolt file, then each iteration reads it through store/book,
// indexes it and renders: the accounts first, then everything. Set
// LAZYFORCE_BENCH_SCALE to change the scale.
func BenchmarkStoreStartup(b *testing.B) {
	data := book.New(benchCache(b, benchScale(10)), book.Options{OrgName: "bench"})
	// Each iteration times the first frame with accounts (the pane shown
	// at start-up; the two halves of the cache are read by concurrent
	// commands, run here one after the other) and the frame with all data.
	var first, all []time.Duration
	for b.Loop() {
		t0 := time.Now()
		m, _ := New(Deps{Data: data, Now: func() time.Time { return testNow }})
		m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
		m.Update(m.loadStatus()())
		halves := m.loadData()().(tea.BatchMsg)
		run(m, halves[0])
		_ = m.View()
		first = append(first, time.Since(t0))
		run(m, halves[1])
		_ = m.View()
		all = append(all, time.Since(t0))
	}
	reportLatency(b, all)
	slices.Sort(first)
	b.ReportMetric(float64(first[len(first)/2])/float64(time.Millisecond), "accounts-median-ms")
}
