package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// checkBolt runs bbolt's consistency check (every page reachable once, no
// page both free and in use) and the stress check on the file at path,
// and returns the stress transaction it holds.
func checkBolt(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	noErr(t, err)
	defer db.Close()
	var txn uint64
	noErr(t, db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		var err error
		txn, err = checkStress(tx)
		return err
	}))
	return txn
}

// writeNext is one stress transaction through s that continues the one
// it finds: it checks that one whole first, and returns what it wrote.
func writeNext(s *Store) (uint64, error) {
	var next uint64
	err := s.update(func(tx *bolt.Tx) error {
		last, err := checkStress(tx)
		if err != nil {
			return err
		}
		next = last + 1
		return writeStress(tx, next)
	})
	return next, err
}

// TestWriterSeesAnotherWritersCommit: between two write transactions of a
// Store another Store on the file (as another process would) commits,
// with transactions that grow the file and ones that do not: the first
// Store's next transaction starts from what the other committed, and the
// file stays consistent.
func TestWriterSeesAnotherWritersCommit(t *testing.T) {
	a, b, path := twoStores(t)
	want := uint64(0)
	// Who writes each transaction: runs of one Store, and alternation.
	for i, s := range []*Store{a, a, b, a, b, b, a, b, a, a, a, b, a} {
		txn, err := writeNext(s)
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		want++
		if txn != want {
			t.Fatalf("write %d wrote stress transaction %d, want %d: it did not start from the last commit", i, txn, want)
		}
	}
	// A small write of b that leaves the file's size as it was.
	size, err := a.Size()
	noErr(t, err)
	noErr(t, b.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte("probe"), []byte("b")) }))
	if after, err := b.Size(); err != nil || after != size {
		t.Fatalf("the small write changed the file's size from %d to %d (%v)", size, after, err)
	}
	noErr(t, a.update(func(tx *bolt.Tx) error {
		if got := tx.Bucket(bucketMeta).Get([]byte("probe")); string(got) != "b" {
			return fmt.Errorf("a does not see b's last write: probe %q", got)
		}
		return nil
	}))
	if got := checkBolt(t, path); got != want {
		t.Fatalf("file holds stress transaction %d, want %d", got, want)
	}
}

// TestWriterFollowsAReplacedFile: the cache file is replaced by another
// one between two write transactions of a Store (a rebuild moves it aside
// and starts a new one), here by a copy with the very same meta pages and
// size: the next transaction writes to the file now at the path.
func TestWriterFollowsAReplacedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	a, err := Open(path, Options{Org: "acme"})
	noErr(t, err)
	defer a.Close()
	for range 3 {
		_, err := writeNext(a)
		noErr(t, err)
	}
	data, err := os.ReadFile(path)
	noErr(t, err)
	noErr(t, os.WriteFile(path+".new", data, 0o600))
	noErr(t, os.Rename(path+".new", path))
	txn, err := writeNext(a)
	noErr(t, err)
	if txn != 4 {
		t.Fatalf("wrote stress transaction %d, want 4", txn)
	}
	if got := checkBolt(t, path); got != 4 {
		t.Fatalf("the file at the path holds stress transaction %d, want 4: the write went elsewhere", got)
	}
}

// TestWritersAndReadersTakeTurns: several Stores write, each transaction
// continuing the last one committed by any of them, while others read:
// no transaction is lost or sees a partial one, and the file is consistent.
func TestWritersAndReadersTakeTurns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	const writers, writes, readers = 3, 15, 2
	stop := make(chan struct{})
	var rg, wg sync.WaitGroup
	for range readers {
		r, err := Open(path, Options{Org: "acme"})
		noErr(t, err)
		defer r.Close()
		rg.Go(func() {
			readUntil(t, stop, func() error {
				return r.view(func(tx *bolt.Tx) error { _, err := checkStress(tx); return err })
			})
		})
	}
	for range writers {
		w, err := Open(path, Options{Org: "acme"})
		noErr(t, err)
		defer w.Close()
		wg.Go(func() {
			for range writes {
				if _, err := writeNext(w); err != nil {
					t.Error(err)
					return
				}
				// And a read through the writing Store between writes.
				if err := w.view(func(tx *bolt.Tx) error { _, err := checkStress(tx); return err }); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	rg.Wait()
	if got := checkBolt(t, path); got != writers*writes {
		t.Fatalf("file holds stress transaction %d after %d writes: some were lost", got, writers*writes)
	}
}

// TestFailedWriteDropsTheKeptOpen: a write transaction that fails or
// panics, and Close, leave no read-write open behind; writes after a
// failed one work.
func TestFailedWriteDropsTheKeptOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	s, err := Open(path, Options{Org: "acme"})
	noErr(t, err)
	_, err = writeNext(s)
	noErr(t, err)
	refused := errors.New("refused")
	if err := s.update(func(tx *bolt.Tx) error {
		if err := writeStress(tx, 7); err != nil {
			return err
		}
		return refused
	}); !errors.Is(err, refused) {
		t.Fatalf("failed write: %v", err)
	}
	if s.kept != nil {
		t.Error("a failed write kept its open")
	}
	if txn, err := writeNext(s); err != nil || txn != 2 {
		t.Fatalf("write after a failed one: transaction %d, %v; want 2", txn, err)
	}
	if err := s.update(func(tx *bolt.Tx) error { panic("bad page") }); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("panicking write: %v, want ErrCorrupt", err)
	}
	if s.kept != nil {
		t.Error("a panicking write kept its open")
	}
	if txn, err := writeNext(s); err != nil || txn != 3 {
		t.Fatalf("write after a panicking one: transaction %d, %v; want 3", txn, err)
	}
	noErr(t, s.Close())
	if s.kept != nil {
		t.Error("Close kept the open")
	}
	if got := checkBolt(t, path); got != 3 {
		t.Fatalf("file holds stress transaction %d, want 3", got)
	}
}

// twoStores opens one new cache file (at path) twice, as two processes
// would; both are closed at the end of the test.
func twoStores(t *testing.T) (a, b *Store, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "acme.db")
	a, err := Open(path, Options{Org: "acme"})
	noErr(t, err)
	t.Cleanup(func() { a.Close() })
	b, err = Open(path, Options{Org: "acme"})
	noErr(t, err)
	t.Cleanup(func() { b.Close() })
	return a, b, path
}
