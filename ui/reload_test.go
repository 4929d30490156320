package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// watchedFake is FakeData over a cache another process can write: write
// bumps the generation and renames the first account.
type watchedFake struct {
	*FakeData
	mu      sync.Mutex
	gen     uint64
	renamed string
	reads   int // Accounts calls
}

func (w *watchedFake) Generation() (uint64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gen, nil
}

func (w *watchedFake) write(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gen++
	w.renamed = name
}

func (w *watchedFake) Accounts(ctx context.Context) ([]book.Account, error) {
	accts, err := w.FakeData.Accounts(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads++
	if w.renamed != "" {
		accts[0].Name = w.renamed
	}
	return accts, err
}

func (w *watchedFake) accountReads() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reads
}

func TestAnotherProcessesWriteIsReadWithoutARestart(t *testing.T) {
	wf := &watchedFake{FakeData: NewFakeData(7, 40, testNow)}
	m := loaded(t, Deps{Data: wf, Now: func() time.Time { return testNow }}, 100, 30)
	m.pollEvery = time.Millisecond
	press(m, "G")
	selected, _ := m.Accounts().Selected()
	reads := wf.accountReads()

	// Nothing written: nothing read, and the polls go on.
	left := poll(t, m)
	if wf.accountReads() != reads {
		t.Fatal("an unchanged cache was read again")
	}
	if len(left) != 1 || fmtType(left[0]) != "ui.cacheGenMsg" {
		t.Fatalf("the polls stopped: %v", left)
	}

	// Another process writes: the lists are read again, the selection kept.
	wf.write("Renamed Elsewhere Ltd")
	poll(t, m)
	if wf.accountReads() != reads+1 || !strings.Contains(screen(m), "Renamed Elsewhere Ltd") {
		t.Fatalf("the write is not shown (%d reads):\n%s", wf.accountReads()-reads, screen(m))
	}
	if now, _ := m.Accounts().Selected(); now.ID != selected.ID {
		t.Fatalf("the selection moved from %s to %s", selected.ID, now.ID)
	}
	// Read once: the next poll finds the generation it read.
	poll(t, m)
	if wf.accountReads() != reads+1 {
		t.Fatal("the cache was read again with nothing new")
	}

	// While this app's own sync runs, its end reads the cache: no reload.
	wf.write("Renamed Again Ltd")
	m.sync = syncRunning
	poll(t, m)
	if wf.accountReads() != reads+1 {
		t.Fatal("a poll read the cache during the app's own sync")
	}
	m.sync = syncOnline
	// A poll of another chain is dropped.
	if _, cmd := m.Update(cacheGenMsg{seq: m.pollSeq + 1, gen: 99}); cmd != nil {
		t.Fatal("a stale poll went on")
	}
	poll(t, m)
	if !strings.Contains(screen(m), "Renamed Again Ltd") {
		t.Fatalf("the second write is not shown:\n%s", screen(m))
	}
}

func TestDataWithoutGenerationIsNotPolled(t *testing.T) {
	m, _ := newLoaded(t, 10, 100, 30, true)
	if m.pollCache() != nil {
		t.Fatal("a Data that cannot tell its generation is polled")
	}
}

// putAccounts writes accounts into the cache through st, as a sync would.
func putAccounts(t *testing.T, st *store.Store, names ...string) {
	t.Helper()
	err := st.Update(func(w *store.Writer) error {
		for i, name := range names {
			id := sfdc.MustID(fmt.Sprintf("001%012d", 900+i)).String()
			raw, err := json.Marshal(map[string]any{"Id": id, "Name": name, "SystemModstamp": "2026-05-14T10:00:00.000+0000"})
			if err != nil {
				return err
			}
			if _, err := w.PutRecord("Account", raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwoStoresOnOneFile: a write through one Store (another process) is
// picked up by the app reading the same file through another.
func TestTwoStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.db")
	open := func() *store.Store {
		st, err := store.Open(path, store.Options{Org: "test"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	writer, reader := open(), open()
	putAccounts(t, writer, "Alder Farms")
	m := loaded(t, Deps{Data: book.New(reader, book.Options{OrgName: "test"}), Now: func() time.Time { return testNow }}, 100, 30)
	m.pollEvery = time.Millisecond
	if m.Accounts().Rows() != 1 || !m.genKnown {
		t.Fatalf("%d accounts, generation known %v", m.Accounts().Rows(), m.genKnown)
	}
	poll(t, m)
	if m.Accounts().Rows() != 1 {
		t.Fatal("an unchanged cache changed")
	}
	putAccounts(t, writer, "Alder Farms", "Birch Mills")
	poll(t, m)
	if m.Accounts().Rows() != 2 || !strings.Contains(screen(m), "Birch Mills") {
		t.Fatalf("the other Store's write is not shown:\n%s", screen(m))
	}
}

// repairableData fails its reads with a damaged cache until repaired.
type repairableData struct {
	*FakeData
	mu       sync.Mutex
	repaired bool
}

func (r *repairableData) Accounts(ctx context.Context) ([]book.Account, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.repaired {
		return nil, fmt.Errorf("read Account: %w", store.ErrCorrupt)
	}
	return r.FakeData.Accounts(ctx)
}

func (r *repairableData) repair() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.repaired = true
}

func TestDamagedCacheOffersTheRebuild(t *testing.T) {
	data := &repairableData{FakeData: NewFakeData(7, 40, testNow)}
	rebuilds := 0
	deps := Deps{Data: data, Now: func() time.Time { return testNow },
		Rebuild: func(ctx context.Context, progress func(syncer.Progress)) (string, error) {
			rebuilds++
			progress(syncer.Progress{Object: "Account", Phase: syncer.PhaseFetch, Records: 10, Total: 40})
			data.repair()
			return "cache rebuilt; the damaged file is org.db.bad-20260514T103000", nil
		}}
	m := loaded(t, deps, 120, 30)
	if !errors.Is(m.Blocked(), store.ErrCorrupt) {
		t.Fatalf("blocked by %v, want the damaged cache", m.Blocked())
	}
	if out := screen(m); !strings.Contains(out, "Press R to move the damaged file aside") {
		t.Fatalf("the error does not offer the rebuild:\n%s", out)
	}
	cmd := press(m, "R")
	if cmd == nil || m.Blocked() != nil || m.sync != syncRunning || rebuilds != 0 {
		t.Fatalf("R: blocked %v, sync %v, %d rebuilds run in Update", m.Blocked(), m.sync, rebuilds)
	}
	// Its progress shows in the status bar.
	m.Update(syncProgressMsg{ch: m.progressCh, p: syncer.Progress{Object: "Opportunity", Phase: syncer.PhaseFetch, Records: 4000, Total: 15531}, ok: true})
	if out := screen(m); !strings.Contains(out, "rebuilding the cache: Opportunity 4,000/15,531") {
		t.Fatalf("the status bar does not show the rebuild:\n%s", out)
	}
	run(m, cmd)
	if rebuilds != 1 || m.Blocked() != nil || m.sync != syncOnline || m.rebuilding {
		t.Fatalf("after the rebuild: %d rebuilds, blocked %v, sync %v", rebuilds, m.Blocked(), m.sync)
	}
	if m.Accounts().Rows() == 0 || !strings.Contains(screen(m), "org.db.bad-20260514T103000") {
		t.Fatalf("the rebuilt cache is not shown, or not where the damaged file went:\n%s", screen(m))
	}
	if strings.Contains(screen(m), "rebuilding") {
		t.Fatalf("the status bar still says rebuilding:\n%s", screen(m))
	}
}

func TestRebuildOnlyForADamagedCache(t *testing.T) {
	called := false
	rebuild := func(context.Context, func(syncer.Progress)) (string, error) { called = true; return "", nil }

	// Without a way to rebuild, the error says which command to run, and
	// R does nothing.
	m := loaded(t, Deps{Data: &repairableData{FakeData: NewFakeData(7, 10, testNow)}, Now: func() time.Time { return testNow }}, 120, 30)
	if out := screen(m); !strings.Contains(out, "lazyforce sync --full --rebuild") || strings.Contains(out, "Press R") {
		t.Fatalf("without Rebuild:\n%s", out)
	}
	if cmd := press(m, "R"); cmd != nil || m.Blocked() == nil {
		t.Fatal("R acted without a way to rebuild")
	}

	// An expired session is not repaired by a rebuild.
	fake := NewFakeData(7, 10, testNow)
	m = loaded(t, Deps{Data: fake, Rebuild: rebuild, Now: func() time.Time { return testNow }}, 120, 30)
	m.block(cacheError(fmt.Errorf("sync: %w", &sfdc.SessionExpiredError{Cause: errors.New("invalid_grant")})))
	if cmd := press(m, "R"); cmd != nil || m.Blocked() == nil || strings.Contains(screen(m), "Press R") {
		t.Fatal("R offered on an expired session")
	}
	if called {
		t.Fatal("rebuild ran")
	}
}

// watchedRepairable is a damaged cache that another process repairs
// ('lazyforce sync --full --rebuild' in another terminal).
type watchedRepairable struct {
	*repairableData
	gen atomic.Uint64
}

func (w *watchedRepairable) Generation() (uint64, error) { return w.gen.Load(), nil }

func TestARepairByAnotherProcessIsRead(t *testing.T) {
	data := &watchedRepairable{repairableData: &repairableData{FakeData: NewFakeData(7, 40, testNow)}}
	m := loaded(t, Deps{Data: data, Now: func() time.Time { return testNow }}, 120, 30)
	m.pollEvery = time.Millisecond
	if m.Blocked() == nil || m.Accounts().Rows() != 0 {
		t.Fatalf("a damaged cache: blocked %v, %d accounts", m.Blocked(), m.Accounts().Rows())
	}
	press(m, "esc")
	data.repair()
	data.gen.Add(1)
	poll(t, m)
	if m.Blocked() != nil || m.Accounts().Rows() == 0 {
		t.Fatalf("the repaired cache is not read: blocked %v, %d accounts", m.Blocked(), m.Accounts().Rows())
	}
}
