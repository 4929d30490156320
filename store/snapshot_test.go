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
	release, gated := lockGate(s.Path(), time.Now().Add(time.Second))
	if !gated {
		t.Fatal("could not take the gate")
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

// TestSnapshotSurvivesSyncBookkeeping: a transaction that only moves the
// sync's watermarks and last-sync time, or puts a record unchanged (an
// incremental sync that brings nothing new), leaves the snapshots
// current; a changed record, a deletion or an identity do not.
func TestSnapshotSurvivesSyncBookkeeping(t *testing.T) {
	s := openTemp(t)
	id := string(sfdc.NewID("001", "4S", 1))
	raw := rec("Account", id, `,"Name":"A"`)
	if err := s.Update(func(w *Writer) error { _, err := w.PutRecord("Account", raw); return err }); err != nil {
		t.Fatal(err)
	}
	current := func() bool {
		t.Helper()
		_, ok, err := s.Snapshot("a", func([]byte) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	put := func() {
		t.Helper()
		gen, _, err := s.Snapshot("a", func([]byte) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if stored, err := s.PutSnapshot("a", gen, []byte("x")); err != nil || !stored {
			t.Fatalf("put: %v %v", stored, err)
		}
	}
	put()
	if err := s.Update(func(w *Writer) error {
		if err := w.SetLastSync(time.Now()); err != nil {
			return err
		}
		if err := w.SetWatermark("Account", Watermark{Modstamp: "2026-01-01T00:00:00.000+0000"}); err != nil {
			return err
		}
		res, err := w.PutRecord("Account", raw)
		if err == nil && res != Unchanged {
			t.Errorf("the same record put again: %v", res)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !current() {
		t.Fatal("a snapshot went stale after the sync's bookkeeping only")
	}
	for _, write := range []struct {
		name string
		fn   func(w *Writer) error
	}{
		{"changed record", func(w *Writer) error { _, err := w.PutRecord("Account", rec("Account", id, `,"Name":"B"`)); return err }},
		{"deleted record", func(w *Writer) error { _, err := w.DeleteRecord("Account", id); return err }},
	} {
		put()
		if err := s.Update(write.fn); err != nil {
			t.Fatal(err)
		}
		if current() {
			t.Fatalf("a snapshot still current after a %s", write.name)
		}
	}
	put()
	if err := s.SetIdentity(Identity{UserID: "005000000000001AAA"}); err != nil {
		t.Fatal(err)
	}
	if current() {
		t.Fatal("a snapshot still current after a new identity")
	}
}

// TestSnapshotValuesInPlace: a value made by SnapshotValue in the room in
// front of its data (or, with too little room, a copy) is stored as
// PutSnapshots stores the data, and reads back as it.
func TestSnapshotValuesInPlace(t *testing.T) {
	s := openTemp(t)
	for i := range 12 { // a data generation of two digits
		if err := s.Update(func(w *Writer) error {
			_, err := w.PutRecord("Account", rec("Account", string(sfdc.NewID("001", "4S", uint64(i+1))), `,"Name":"A"`))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	gen, _, err := s.Snapshot("x", func([]byte) error { return nil })
	if err != nil || gen < 10 {
		t.Fatalf("data generation %d, %v", gen, err)
	}
	roomy := append(make([]byte, SnapshotRoom), "roomy"...)
	tight := append(make([]byte, 2), "tight"...)
	values := [][]byte{SnapshotValue(gen, roomy, SnapshotRoom), SnapshotValue(gen, tight, 2), SnapshotValue(gen, []byte("none"), 0)}
	if &values[0][len(values[0])-1] != &roomy[len(roomy)-1] {
		t.Fatal("a value with room for its head is a copy")
	}
	if stored, err := s.PutSnapshotValues(gen, []string{"roomy", "tight", "none"}, values); err != nil || !stored {
		t.Fatalf("put: %v %v", stored, err)
	}
	for name, want := range map[string]string{"roomy": "roomy", "tight": "tight", "none": "none"} {
		var got string
		if _, ok, err := s.Snapshot(name, func(b []byte) error { got = string(b); return nil }); err != nil || !ok || got != want {
			t.Fatalf("%s = %q, %v, %v", name, got, ok, err)
		}
	}
}
