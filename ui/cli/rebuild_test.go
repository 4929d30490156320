package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// TestAppRebuildsADamagedCache: R in the app (rebuildCache) on a cache
// damaged while the app has it open moves the file aside and syncs afresh
// into the app's own Store, which then reads the new cache.
func TestAppRebuildsADamagedCache(t *testing.T) {
	home, _ := loggedIn(t, emulator.Options{Seed: 4, Empty: true}, "--alias", "acme")
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	var errb bytes.Buffer
	f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &errb}}
	t.Cleanup(func() { f.Close() })
	o, err := f.Org()
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Store(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The file is damaged (a new file in its place: the Store may still
	// have the old one open for a burst of reads).
	cache := filepath.Join(home, "cache", "acme.db")
	if err := os.WriteFile(cache+".tmp", bytes.Repeat([]byte("garbage!"), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(cache+".tmp", cache); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(cache, store.Options{Org: "acme"}); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("opening the damaged cache: %v, want ErrCorrupt", err)
	}

	var reports atomic.Int32
	note, err := rebuildCache(context.Background(), f, st, o, &apiUsage{}, func(syncer.Progress) { reports.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(cache + ".bad-*")
	if len(aside) != 1 || !strings.Contains(note, aside[0]) {
		t.Fatalf("damaged file kept as %v; the app says %q", aside, note)
	}
	if n, err := st.Count("User"); err != nil || n == 0 {
		t.Fatalf("the app's Store after the rebuild: %d users, %v", n, err)
	}
	if _, ok, err := st.Identity(); !ok || err != nil {
		t.Fatalf("no identity after the rebuild: %v", err)
	}
	if reports.Load() == 0 {
		t.Error("the rebuild reported no progress")
	}
}
