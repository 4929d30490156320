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
// for the file lock included), and shared by a reader while it opens the
// file. flock does not queue, so without the gate a steady stream of
// overlapping readers (a TUI, queries) would keep a writer of another
// process out for ever; with it, a waiting writer stops new readers and
// only waits for the running ones. The other way round, a writer with
// commits back to back (a sync) would take the gate again before a reader
// polling for it ever sees it free: a reader that has to wait holds
// PATH.wait shared, and a writer lets such readers through (up to
// readerYield) before it takes the gate. Without a writable directory
// there is no gate.
func lockGate(path string, exclusive bool, timeout time.Duration) (release func(), err error) {
	f, err := os.OpenFile(path+".gate", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return func() {}, nil
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
		yieldToReaders(path)
	}
	var waiting *os.File // PATH.wait, held shared by a reader while it waits
	defer func() {
		if waiting != nil {
			_ = syscall.Flock(int(waiting.Fd()), syscall.LOCK_UN)
			waiting.Close()
		}
	}()
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
		if !exclusive && waiting == nil {
			waiting = markWaiting(path)
		}
		time.Sleep(gatePoll) // flock has no timed wait: poll
	}
}

// gatePoll is how often a waiter tries the gate again.
const gatePoll = 2 * time.Millisecond

// readerYield bounds how long a writer lets waiting readers through
// before it takes the gate: a reader needs one poll to pass it.
const readerYield = 20 * time.Millisecond

// markWaiting takes PATH.wait shared, saying that a reader waits for the
// gate; nil if it cannot.
func markWaiting(path string) *os.File {
	f, err := os.OpenFile(path+".wait", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil
	}
	return f
}

// yieldToReaders waits, up to readerYield, until no reader waits for the
// gate (PATH.wait can be locked exclusively).
func yieldToReaders(path string) {
	f, err := os.OpenFile(path+".wait", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	deadline := time.Now().Add(readerYield)
	for {
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			return
		}
		if time.Now().After(deadline) {
			return
		}
		time.Sleep(gatePoll / 2)
	}
}
