package store

import (
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// filePageSize reads the page size of the cache file at path from its meta
// pages.
func filePageSize(t *testing.T, path string) uint64 {
	t.Helper()
	f, err := os.Open(path)
	noErr(t, err)
	defer f.Close()
	_, size, ok := newestMeta(f)
	if !ok {
		t.Fatalf("%s has no valid meta page", path)
	}
	return size
}

// TestNewCacheHas16KiBPages: a new cache file is made with 16 KiB pages.
func TestNewCacheHas16KiBPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	filledCache(t, path)
	if got := filePageSize(t, path); got != 16384 {
		t.Fatalf("new cache has %d-byte pages, want 16384", got)
	}
}

// TestOld4KiBCacheKeepsWorking: a cache made with 4 KiB pages (every cache
// before 16 KiB pages) is read and written as before, and keeps its pages.
func TestOld4KiBCacheKeepsWorking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 4096})
	noErr(t, err)
	noErr(t, db.Close())
	filledCache(t, path) // 3000 Accounts, through the Store
	if got := filePageSize(t, path); got != 4096 {
		t.Fatalf("old cache now has %d-byte pages, want 4096 kept", got)
	}

	s, err := Open(path, Options{Org: "acme"})
	noErr(t, err)
	more := string(sfdc.NewID("001", "4S", 5000))
	noErr(t, s.Update(func(w *Writer) error {
		_, err := w.PutRecordUnindexed("Account", rec("Account", more, `,"Name":"Written Later"`))
		return err
	}))
	noErr(t, s.Close())

	for _, opts := range []Options{{Org: "acme", ReadOnly: true}, {Org: "acme", ReadOnly: true, Populate: true}} {
		s, err := Open(path, opts)
		noErr(t, err)
		if n, err := s.Count("Account"); err != nil || n != 3001 {
			t.Errorf("Count = %d %v, want 3001", n, err)
		}
		for _, id := range []string{string(sfdc.NewID("001", "4S", 7)), more} {
			if _, ok, err := s.Get("Account", id); !ok || err != nil {
				t.Errorf("Get %s = %v %v", id, ok, err)
			}
		}
		noErr(t, s.Verify())
		noErr(t, s.Close())
	}
	if got := filePageSize(t, path); got != 4096 {
		t.Fatalf("old cache now has %d-byte pages, want 4096 kept", got)
	}
}
