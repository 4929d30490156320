//go:build unix

package store

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestWriterKeepsItsOpen: a Store's write transactions use one bbolt open
// while no one else commits, and a new one after another Store committed.
func TestWriterKeepsItsOpen(t *testing.T) {
	a, b, _ := twoStores(t)
	opened := func() *bolt.DB {
		t.Helper()
		if a.kept == nil {
			t.Fatal("no open kept after a write")
		}
		return a.kept.db
	}
	_, err := writeNext(a)
	noErr(t, err)
	first := opened()
	_, err = writeNext(a)
	noErr(t, err)
	if opened() != first {
		t.Error("a second write opened the file again")
	}
	_, err = writeNext(b)
	noErr(t, err)
	_, err = writeNext(a)
	noErr(t, err)
	if opened() == first {
		t.Error("a write after another Store's commit used the old open")
	}
}
