package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// BenchmarkStoreStartup measures start-up to the first frame with data over
// a real cache: the demo org at scale 10 (≈16k opportunities) is synced
// once into a bbolt file, then each iteration reads it through StoreData,
// indexes it and renders: the accounts first, then everything. Set LAZYFORCE_BENCH_SCALE to change the scale.
func BenchmarkStoreStartup(b *testing.B) {
	ctx := context.Background()
	scale := 10
	if v, err := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_SCALE")); err == nil && v > 0 {
		scale = v
	}
	ts := emulator.StartTest(b, emulator.Options{Seed: 1, Scale: scale, Now: func() time.Time { return testNow }})
	c, err := sfdc.NewClient(ctx, ts.URL, sfdc.StaticToken(ts.AccessToken), sfdc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(filepath.Join(b.TempDir(), "cache.db"), store.Options{Org: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	res, err := syncer.Run(ctx, c, st, syncer.Config{Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
	if err != nil {
		b.Fatal(err)
	}
	n, _ := st.Count("Opportunity")
	b.Logf("synced %d opportunities in %v (%d API calls)", n, time.Since(start).Round(time.Millisecond), res.APICalls)
	data := NewStoreData(st, StoreDataOptions{OrgName: "bench"})
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
