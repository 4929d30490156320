package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
// timeout: flock does not queue, the gate does.
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
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := r.Count("Account"); err != nil {
					t.Error(err)
					return
				}
			}
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
