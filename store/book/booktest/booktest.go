// Package booktest provides a real cache for tests and benchmarks of what
// reads it (store/book, ui): the emulator's deterministic demo org, synced
// over HTTP into a fresh bbolt file by store/syncer, as `lazyforce demo`
// does; and Shown, for tests that masked output shows none of its
// personal data. Like net/http/httptest, it is test support that lives
// outside the _test files so that other packages' tests can share it.
package booktest

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// Options say which demo org to build and what to sync of it.
type Options struct {
	// Seed (0 means 1) and Scale (0 means 1; one unit is about 1,500
	// opportunities) choose the demo org.
	Seed  int64
	Scale int
	// Now is the demo org's clock and the sync's; nil means time.Now.
	Now func() time.Time
	// Objects are synced in order (nil: syncer.DefaultObjects) within
	// Scope (the zero value: no bounds).
	Objects []string
	Scope   syncer.Scope
	// Unsynced leaves the cache holding only the signed-in identity, as
	// before a first sync; the emulator then runs until the test ends, for
	// the test's own syncs. Otherwise the emulator is shut down and its
	// memory released once the sync is done (the client's Limits still
	// tell the last API usage).
	Unsynced bool
}

// Open opens a fresh cache in tb.TempDir() for the org ts serves,
// holding its signed-in identity, and a client on the org. The cache is
// closed when the test ends.
func Open(tb testing.TB, ts *emulator.TestServer) (*store.Store, *sfdc.Client) {
	tb.Helper()
	ctx := context.Background()
	c, err := sfdc.NewClient(ctx, ts.URL, sfdc.StaticToken(ts.AccessToken), sfdc.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	st, err := store.Open(filepath.Join(tb.TempDir(), "cache.db"), store.Options{Org: "demo"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	ident, err := syncer.ReadIdentity(ctx, c)
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.SetIdentity(ident); err != nil {
		tb.Fatal(err)
	}
	return st, c
}

// Demo starts the emulator's demo org, opens a fresh cache for it in
// tb.TempDir() holding the signed-in identity and, unless opts.Unsynced,
// syncs it. It returns the cache (closed when the test ends) and the
// client.
func Demo(tb testing.TB, opts Options) (*store.Store, *sfdc.Client) {
	tb.Helper()
	ctx := context.Background()
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	ts := emulator.Start(emulator.Options{Seed: seed, Scale: opts.Scale, Now: opts.Now})
	if opts.Unsynced {
		tb.Cleanup(ts.Close)
	} else {
		// The emulator holds the whole demo org in memory; collecting it
		// keeps its heap from weighing on what a benchmark measures next.
		defer runtime.GC()
		defer ts.Close()
	}
	st, c := Open(tb, ts)
	if opts.Unsynced {
		return st, c
	}
	start := time.Now()
	res, err := syncer.Run(ctx, c, st, syncer.Config{Objects: opts.Objects, Scope: opts.Scope, Now: opts.Now})
	if err != nil {
		tb.Fatal(err)
	}
	n, err := st.Count("Opportunity")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("synced the demo org (%d opportunities) in %v with %d API calls", n, time.Since(start).Round(time.Millisecond), res.APICalls)
	return st, c
}
