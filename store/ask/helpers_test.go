package ask

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// benchNow is "today" for the demo org of the tests: a Thursday in the
// second quarter of the demo org's fiscal year FY2027 (February start).
var benchNow = time.Date(2026, time.May, 14, 10, 30, 0, 0, time.UTC)

const demoSeed = 1

// syncedDemo syncs the emulator's demo org (seed demoSeed, today benchNow)
// into a fresh cache through the real sync path.
func syncedDemo(t testing.TB) (*store.Store, *sfdc.Client) {
	t.Helper()
	ctx := context.Background()
	ts := emulator.StartTest(t, emulator.Options{Seed: demoSeed, Now: func() time.Time { return benchNow }})
	c, err := sfdc.NewClient(ctx, ts.URL, sfdc.StaticToken(ts.AccessToken), sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ident, err := syncer.ReadIdentity(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetIdentity(ident); err != nil {
		t.Fatal(err)
	}
	if _, err := syncer.Run(ctx, c, st, syncer.Config{Scope: syncer.DefaultScope(), Now: func() time.Time { return benchNow }}); err != nil {
		t.Fatal(err)
	}
	return st, c
}
