//go:build unix

package store

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestWaitingReaderPassesBeforeTheNextWrite: a reader that waits for the
// gate while a writer holds it gets through before that writer's next
// transaction, even when the writer commits back to back (a sync).
func TestWaitingReaderPassesBeforeTheNextWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.db")
	release, err := lockGate(path, true, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	passed := make(chan struct{})
	go func() {
		rel, err := lockGate(path, false, 10*time.Second)
		if err != nil {
			t.Error(err)
			return
		}
		close(passed)
		rel()
	}()
	// Wait until the reader says it waits (it holds PATH.wait shared).
	wait, err := os.OpenFile(path+".wait", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer wait.Close()
	for syscall.Flock(int(wait.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		_ = syscall.Flock(int(wait.Fd()), syscall.LOCK_UN)
		time.Sleep(time.Millisecond) // polls the reader's mark: flock has no notification
	}
	release()
	next, err := lockGate(path, true, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer next()
	select {
	case <-passed:
	default:
		t.Fatal("the writer's next transaction took the gate before the waiting reader")
	}
}
