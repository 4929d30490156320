package store

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

// TestSnapshotFollowsTheData checks that a snapshot is current until the
// next write, that one derived before a write is not stored, and that
// storing a snapshot does not make others stale.
func TestSnapshotFollowsTheData(t *testing.T) {
	s := openTemp(t)
	read := func(name string) (uint64, string, bool) {
		t.Helper()
		var got string
		gen, ok, err := s.Snapshot(name, func(b []byte) error { got = string(b); return nil })
		if err != nil {
			t.Fatal(err)
		}
		return gen, got, ok
	}
	gen, _, ok := read("a")
	if ok {
		t.Fatal("a snapshot in a new cache")
	}
	if stored, err := s.PutSnapshot("a", gen, []byte("one")); err != nil || !stored {
		t.Fatalf("put a: %v %v", stored, err)
	}
	if stored, err := s.PutSnapshot("b", gen, []byte("two")); err != nil || !stored {
		t.Fatalf("put b: %v %v", stored, err)
	}
	if _, got, ok := read("a"); !ok || got != "one" {
		t.Fatalf("a = %q, %v after storing b", got, ok)
	}
	if err := s.Update(func(w *Writer) error {
		_, err := w.PutRecord("Account", rec("Account", string(sfdc.NewID("001", "4S", 1)), `,"Name":"A"`))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := read("a"); ok {
		t.Fatal("a still current after a write")
	}
	if stored, err := s.PutSnapshot("a", gen, []byte("stale")); err != nil || stored {
		t.Fatalf("a snapshot of older data was stored: %v %v", stored, err)
	}
	if err := s.Verify(); err != nil {
		t.Fatalf("verify with snapshots: %v", err)
	}
}

// TestSnapshotDoesNotWaitForAWriter checks that storing a snapshot gives
// up at once while another writer (here: one holding the gate, as a sync
// of another process does) has the file.
func TestSnapshotDoesNotWaitForAWriter(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no gate on Windows")
	}
	s := openTemp(t)
	gen, _, err := s.Snapshot("a", func([]byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	release, err := lockGate(s.Path(), true, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	stored, err := s.PutSnapshot("a", gen, []byte("x"))
	waited := time.Since(start)
	release()
	if stored || !errors.Is(err, ErrLocked) || waited > 5*time.Second {
		t.Fatalf("PutSnapshot under another writer: stored %v, %v after %v", stored, err, waited)
	}
	if stored, err := s.PutSnapshot("a", gen, []byte("x")); err != nil || !stored {
		t.Fatalf("PutSnapshot after the writer: %v %v", stored, err)
	}
}
