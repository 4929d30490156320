//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockGate passes the gate of the cache file at path: PATH.gate, locked
// exclusively by a writer for the whole of its write transaction (its wait
// for the file lock included), and shared for a moment by a reader before
// it locks the file. flock does not queue, so without the gate a steady
// stream of overlapping readers (a TUI, queries) would keep a writer of
// another process out for ever; with it, a waiting writer stops new readers
// and only waits for the running ones. Without a writable directory there
// is no gate.
func lockGate(path string, exclusive bool, timeout time.Duration) (release func(), err error) {
	f, err := os.OpenFile(path+".gate", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return func() {}, nil
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return func() {}, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, errGateTimeout
		}
		time.Sleep(2 * time.Millisecond) // flock has no timed wait: poll
	}
}
