package ui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	storesync "github.com/lazyforce/lazyforce/store/sync"
)

// BenchmarkStoreStartup measures start-up to the first frame with data over
// a real cache: the demo org at scale 10 (≈16k opportunities) is synced
// once into a bbolt file, then each iteration reads it through StoreData,
// indexes it and renders. Set LAZYFORCE_BENCH_SCALE to change the scale.
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
	res, err := storesync.Run(ctx, c, st, storesync.Config{Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
	if err != nil {
		b.Fatal(err)
	}
	n, _ := st.Count("Opportunity")
	b.Logf("synced %d opportunities in %v (%d API calls)", n, time.Since(start).Round(time.Millisecond), res.APICalls)
	data := NewStoreData(st, StoreDataOptions{OrgName: "bench"})
	var durs []time.Duration
	for b.Loop() {
		t0 := time.Now()
		m, _ := New(Deps{Data: data, Now: func() time.Time { return testNow }})
		m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
		m.Update(m.loadStatus()())
		run(m, m.loadData())
		_ = m.View()
		durs = append(durs, time.Since(t0))
	}
	reportLatency(b, durs)
}
