package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

const sharedEnv = "LAZYFORCE_TEST_SHARED"

// sharedChild is another lazyforce process on the cache: queries, and one
// write of its own.
func sharedChild(path, name string) error {
	s, err := Open(path, Options{Org: "acme"})
	if err != nil {
		return err
	}
	defer s.Close()
	for range 10 {
		if _, err := s.Query(context.Background(), "SELECT Id, Name FROM Account ORDER BY Name LIMIT 5", QueryOptions{}); err != nil {
			return err
		}
	}
	id := string(sfdc.NewID("001", name, 1))
	return s.Update(func(w *Writer) error {
		_, err := w.PutRecord("Account", rec("Account", id, `,"Name":"from `+name+`"`))
		return err
	})
}

// TestSharedCache runs, on one cache file and each through its own Store, a
// TUI-like reader, two sync-like writers, several queries and two other
// processes, all at once: nobody fails for the lock, the syncs take turns,
// and the reader sees what the others committed.
func TestSharedCache(t *testing.T) {
	if path := os.Getenv(sharedEnv); path != "" {
		if err := sharedChild(path, os.Getenv(sharedEnv+"_NAME")); err != nil {
			fmt.Println("child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "acme.db")
	open := func() *Store {
		s, err := Open(path, Options{Org: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	setup := open()
	noErr(t, setup.PutDescribe("Account", []byte(describeAccount), time.Now()))
	tui := open()
	gen, err := tui.Generation()
	noErr(t, err)

	var children []*exec.Cmd
	var outputs []*strings.Builder
	for _, name := range []string{"P1", "P2"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSharedCache$")
		cmd.Env = append(os.Environ(), sharedEnv+"="+path, sharedEnv+"_NAME="+name)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		noErr(t, cmd.Start())
		children, outputs = append(children, cmd), append(outputs, out)
	}

	const batches, perBatch = 10, 30
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	var syncing atomic.Int32
	for _, prefix := range []string{"S1", "S2"} {
		st := open()
		wg.Go(func() {
			unlock, err := st.LockSync(context.Background(), nil)
			if err != nil {
				errs <- err
				return
			}
			defer unlock()
			if syncing.Add(1) != 1 {
				errs <- errors.New("two syncs ran at once")
			}
			defer syncing.Add(-1)
			for b := range batches {
				err := st.Update(func(w *Writer) error {
					for i := range perBatch {
						id := string(sfdc.NewID("001", prefix, uint64(b*perBatch+i)))
						if _, err := w.PutRecord("Account", rec("Account", id, `,"Name":"`+prefix+` `+id+`"`)); err != nil {
							return err
						}
					}
					return w.SetWatermark("Account", Watermark{Cursor: prefix})
				})
				if err != nil {
					errs <- fmt.Errorf("sync %s: %w", prefix, err)
					return
				}
			}
		})
	}
	for range 2 {
		st := open()
		wg.Go(func() {
			for range 10 {
				if _, err := st.Query(context.Background(), "SELECT Name, COUNT(Id) FROM Account GROUP BY Name LIMIT 3", QueryOptions{}); err != nil {
					errs <- fmt.Errorf("query: %w", err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		last := 0
		for range 20 {
			n, err := tui.Count("Account")
			if err != nil {
				errs <- fmt.Errorf("tui count: %w", err)
				return
			}
			if n < last {
				errs <- fmt.Errorf("tui saw %d Accounts after %d", n, last)
			}
			last = n
			if err := tui.ForEach("Account", func(string, []byte) bool { return true }); err != nil {
				errs <- fmt.Errorf("tui list: %w", err)
				return
			}
		}
	})
	wg.Wait()
	for i, cmd := range children {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outputs[i])
		}
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if changed, err := tui.Changed(gen); err != nil || !changed {
		t.Errorf("Changed after the others wrote = %v %v", changed, err)
	}
	if n, err := tui.Count("Account"); err != nil || n != 2*batches*perBatch+2 {
		t.Errorf("the reader sees %d Accounts (%v), want %d", n, err, 2*batches*perBatch+2)
	}
}

// TestSecondSyncWaitsItsTurn: LockSync blocks a second sync until the first
// ends, says so once, and gives up when its context does.
func TestSecondSyncWaitsItsTurn(t *testing.T) {
	first := openTemp(t)
	second, err := Open(first.Path(), Options{})
	noErr(t, err)
	defer second.Close()
	unlock, err := first.LockSync(context.Background(), nil)
	noErr(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	waited := make(chan struct{})
	_, err = second.LockSync(ctx, func() { close(waited); cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("second LockSync during the first: %v, want it to wait until cancelled", err)
	}
	<-waited
	got := make(chan error)
	go func() {
		u, err := second.LockSync(context.Background(), nil)
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("second LockSync after the first: %v", err)
	}
}

// TestWriterIsNotKeptOutByReaders: readers that never pause (a busy TUI,
// queries in a loop) in other Stores do not keep a writer waiting until its
// timeout: flock does not queue, but readers hold back while a writer
// drains them (PATH.drain).
func TestWriterIsNotKeptOutByReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	filledCache(t, path)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		r, err := Open(path, Options{Org: "acme"})
		noErr(t, err)
		defer r.Close()
		wg.Go(func() {
			readUntil(t, stop, func() error {
				_, err := r.Count("Account")
				return err
			})
		})
	}
	w, err := Open(path, Options{Org: "acme", Timeout: 2 * time.Second})
	noErr(t, err)
	defer w.Close()
	for i := range 5 {
		err := w.Update(func(w *Writer) error { return w.SetWatermark("Account", Watermark{Cursor: fmt.Sprint(i)}) })
		if err != nil {
			t.Errorf("write %d among busy readers: %v", i, err)
			break
		}
	}
	close(stop)
	wg.Wait()
}

// TestReadersDuringWritesSeeWholeTransactions: readers in other Stores
// (other processes, as far as the file lock goes) read the whole time a
// writer commits transaction after transaction that rewrite, grow, shrink
// and delete values (so that pages are freed and reused, and the file
// grows), and every read sees one transaction whole: every value names the
// transaction that wrote it and carries its checksum, and the keys present
// are those that transaction kept.
func TestReadersDuringWritesSeeWholeTransactions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	w, err := Open(path, Options{Org: "acme"})
	noErr(t, err)
	defer w.Close()
	const txns = 60
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads, seen atomic.Int64
	for range 3 {
		r, err := Open(path, Options{Org: "acme", ReadOnly: true})
		noErr(t, err)
		defer r.Close()
		wg.Go(func() {
			readUntil(t, stop, func() error {
				var txn uint64
				if err := r.view(func(tx *bolt.Tx) (err error) { txn, err = checkStress(tx); return err }); err != nil {
					return err
				}
				reads.Add(1)
				if txn > 0 {
					seen.Add(1)
				}
				return nil
			})
		})
	}
	for i := range uint64(txns) {
		if err := w.update(func(tx *bolt.Tx) error { return writeStress(tx, i+1) }); err != nil {
			t.Error(err)
			break
		}
	}
	close(stop)
	wg.Wait()
	if seen.Load() == 0 {
		t.Errorf("no read saw a write (%d reads)", reads.Load())
	}
	t.Logf("%d reads during %d write transactions", reads.Load(), txns)
}

// readUntil runs read again and again until stop is closed or it fails.
func readUntil(t *testing.T, stop <-chan struct{}, read func() error) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		if err := read(); err != nil {
			t.Error(err)
			return
		}
	}
}

var bucketStress = []byte("stress")

// stressKeys is how many keys each stress transaction writes or deletes.
const stressKeys = 64

// stressValue is the value of key k in stress transaction txn, or nil
// when that transaction deletes it: the transaction and key, filler bytes
// of a size that varies from a few bytes to beyond a page, and a checksum.
func stressValue(txn uint64, k int) []byte {
	if (txn+uint64(k))%4 == 0 {
		return nil
	}
	size := 16 + int((txn*7919+uint64(k)*104729)%uint64(200+txn*40))
	v := make([]byte, 16+size+4)
	binary.BigEndian.PutUint64(v, txn)
	binary.BigEndian.PutUint64(v[8:], uint64(k))
	for j := range size {
		v[16+j] = byte(txn*31 + uint64(k)*17 + uint64(j))
	}
	binary.BigEndian.PutUint32(v[16+size:], crc32.ChecksumIEEE(v[:16+size]))
	return v
}

// writeStress writes stress transaction txn.
func writeStress(tx *bolt.Tx, txn uint64) error {
	b, err := tx.CreateBucketIfNotExists(bucketStress)
	if err != nil {
		return err
	}
	for k := range stressKeys {
		key := fmt.Appendf(nil, "k%03d", k)
		if v := stressValue(txn, k); v != nil {
			err = b.Put(key, v)
		} else {
			err = b.Delete(key)
		}
		if err != nil {
			return err
		}
	}
	return b.Put([]byte("txn"), binary.BigEndian.AppendUint64(nil, txn))
}

// checkStress checks that tx holds one stress transaction whole, and
// returns which (0: none yet).
func checkStress(tx *bolt.Tx) (uint64, error) {
	b := tx.Bucket(bucketStress)
	if b == nil {
		return 0, nil
	}
	raw := b.Get([]byte("txn"))
	if len(raw) != 8 {
		return 0, fmt.Errorf("stress transaction number %x", raw)
	}
	txn := binary.BigEndian.Uint64(raw)
	n := 0
	err := b.ForEach(func(key, v []byte) error {
		if string(key) == "txn" {
			return nil
		}
		n++
		var k int
		if _, err := fmt.Sscanf(string(key), "k%03d", &k); err != nil {
			return fmt.Errorf("transaction %d: stray key %q", txn, key)
		}
		if want := stressValue(txn, k); !bytes.Equal(v, want) {
			return fmt.Errorf("transaction %d: key %q holds %d bytes (written by %d), want %d bytes", txn, key, len(v), writtenBy(v), len(want))
		}
		return nil
	})
	if err != nil {
		return txn, err
	}
	want := 0
	for k := range stressKeys {
		if stressValue(txn, k) != nil {
			want++
		}
	}
	if n != want {
		return txn, fmt.Errorf("transaction %d: %d keys, want %d", txn, n, want)
	}
	return txn, nil
}

// writtenBy is the transaction a stress value names (0: too short).
func writtenBy(v []byte) uint64 {
	if len(v) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
