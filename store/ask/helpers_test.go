package ask

import (
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book/booktest"
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
	return booktest.Demo(t, booktest.Options{Seed: demoSeed, Now: func() time.Time { return benchNow }, Scope: syncer.DefaultScope()})
}

// demoEngine is an engine over syncedDemo's cache, with today benchNow.
func demoEngine(t testing.TB) *Engine {
	t.Helper()
	st, _ := syncedDemo(t)
	e, err := New(st, Options{Now: func() time.Time { return benchNow }})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
