package ui

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/booktest"
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
// fresh bbolt file, through store/syncer as `lazyforce sync` does, with
// the objects the lists read. The benchmarks' data come this real way.
func benchCache(b *testing.B, scale int) *store.Store {
	b.Helper()
	st, _ := booktest.Demo(b, booktest.Options{Scale: scale, Now: func() time.Time { return testNow },
		Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
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
	//
	// The first start-up reads the records and stores the lists'
	// snapshots (store/book); it is timed once, as cold-ms. Every
	// iteration then starts up as the app does over an unchanged cache.
	var first, all, usable []time.Duration
	t0 := time.Now()
	startup(b, data)
	cold := time.Since(t0)
	for b.Loop() {
		t0 := time.Now()
		m, _ := New(Deps{Data: data, Now: func() time.Time { return testNow }})
		m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
		m.Update(m.loadStatus()())
		halves := m.loadData()().(tea.BatchMsg)
		// A frame is painted when Update returns; the commands it
		// returns (the indexes' other sort orders, built off the event
		// loop) run after it: "usable" is when they are done too.
		_, warmAccts := m.Update(halves[0]())
		_ = m.View()
		first = append(first, time.Since(t0))
		_, warmOpps := m.Update(halves[1]())
		_ = m.View()
		all = append(all, time.Since(t0))
		run(m, tea.Batch(warmAccts, warmOpps))
		usable = append(usable, time.Since(t0))
	}
	reportLatency(b, all)
	slices.Sort(first)
	slices.Sort(usable)
	b.ReportMetric(float64(first[len(first)/2])/float64(time.Millisecond), "accounts-median-ms")
	b.ReportMetric(float64(usable[len(usable)/2])/float64(time.Millisecond), "usable-median-ms")
	b.ReportMetric(float64(cold)/float64(time.Millisecond), "cold-ms")
}

// startup runs the app's start-up over data to the frame with all data.
func startup(b *testing.B, data Data) {
	m, _ := New(Deps{Data: data, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	m.Update(m.loadStatus()())
	for _, half := range m.loadData()().(tea.BatchMsg) {
		run(m, half)
	}
	if m.View().Content == "" {
		b.Fatal("no frame")
	}
}
