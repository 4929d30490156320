//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// writeMapSize is how much of a large cache file a read-write open maps
// from the start (see writeMap): address space only.
const writeMapSize = 1 << 30

// lockForWrite takes the cache file at path for one write transaction
// (see "Sharing the file" in the package documentation):
//
//  1. PATH.gate exclusively, for the whole transaction: writers take turns.
//  2. The cache file itself exclusively, polling until no reader holds it
//     (the drain): the writer waits for readers, not the other way round.
//  3. Only if readers have kept it out for drainPatience: PATH.drain
//     exclusively, until admit, so that readers about to open the file
//     hold back and a stream of overlapping readers cannot keep the writer
//     out for ever (flock does not queue). Readers wait only then, and for
//     the readers already in, never for a write transaction.
//
// The locked file is handed to bbolt (bolt.Options.OpenFile), whose own
// flock on it is then a no-op. admit, called once bbolt's open has
// returned, turns the file lock into a shared one and releases PATH.drain:
// readers come in again while the transaction runs. Without a gate (no
// writable directory) other writers are not kept out by it, so the file
// stays locked exclusively until the transaction ends, as bbolt alone
// would (readers wait for it).
func lockForWrite(path string, timeout time.Duration) (*writeLock, error) {
	return relockForWrite(path, nil, timeout)
}

// relockForWrite is lockForWrite on f, the cache file a Store's kept bbolt
// open holds (see Store.openWrite), instead of a new open of path: the
// gate and the drain are taken exactly as for a new open, and the lock
// taken on f is the one bbolt's open would have taken. On error f stays
// open (and unlocked). f nil: open path.
func relockForWrite(path string, f *os.File, timeout time.Duration) (*writeLock, error) {
	deadline := time.Now().Add(timeout)
	gate, gated := lockGate(path, deadline)
	if gate == nil {
		return nil, errGateTimeout
	}
	var drain *os.File
	release := func() {
		unlock(drain)
		gate()
	}
	own := f == nil
	if own {
		var err error
		if f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
			release()
			return nil, fmt.Errorf("open cache %s: %w", path, err)
		}
	}
	patience := time.Now().Add(drainPatience)
	if deadline.Before(patience) {
		patience = deadline
	}
	err := pollFlock(f, syscall.LOCK_EX, patience, gatePoll)
	if errors.Is(err, errGateTimeout) && time.Now().Before(deadline) {
		drain = holdDrain(path, deadline)
		err = pollFlock(f, syscall.LOCK_EX, deadline, gatePoll)
	}
	if err != nil {
		if own {
			f.Close()
		}
		release()
		return nil, err
	}
	w := &writeLock{file: f}
	w.admit = func() {
		if gated {
			// Not atomic (flock drops the old lock first), but only
			// another writer could take the file in between, and the gate
			// keeps writers out.
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_SH)
		}
		unlock(drain)
		drain = nil
	}
	w.done = release
	return w, nil
}

// unlockWrite releases the lock a write transaction held on f, the file
// of a bbolt open the Store keeps for its next write transaction (bbolt
// never checks its flock again after its open). False if it cannot: the
// open must then be closed.
func unlockWrite(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) == nil
}

// lockForRead opens the cache file at path read-only and locks it shared,
// for bbolt to map (bolt.Options.OpenFile). It holds back while a writer
// drains the readers (yieldToWriter), and the lock is refused only for the
// moment that writer opens the file (between its drain and admit); the
// reader polls every fraction of a millisecond at first, and gives up with
// errGateTimeout after timeout (a writer of an older lazyforce keeps the
// file exclusively for a whole transaction).
func lockForRead(path string, timeout time.Duration) (*os.File, error) {
	deadline := time.Now().Add(timeout)
	yieldToWriter(path, deadline)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := pollFlock(f, syscall.LOCK_SH, deadline, readPoll); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// pollFlock locks f (how: LOCK_SH or LOCK_EX) by polling, first every
// poll, then less often up to gatePoll, until deadline (errGateTimeout).
// flock has no timed wait.
func pollFlock(f *os.File, how int, deadline time.Time, poll time.Duration) error {
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		if time.Now().After(deadline) {
			return errGateTimeout
		}
		time.Sleep(poll)
		poll = min(2*poll, gatePoll)
	}
}

// lockGate locks PATH.gate exclusively, waiting until deadline; nil if it
// timed out. Without a writable directory there is no gate: release does
// nothing and gated is false.
func lockGate(path string, deadline time.Time) (release func(), gated bool) {
	f, err := os.OpenFile(path+".gate", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return func() {}, false
	}
	if err := pollFlock(f, syscall.LOCK_EX, deadline, gatePoll); err != nil {
		f.Close()
		if errors.Is(err, errGateTimeout) {
			return nil, false
		}
		return func() {}, false
	}
	return func() { unlock(f) }, true
}

// holdDrain locks PATH.drain exclusively, waiting until deadline for the
// readers that look at it (each for a moment); nil if it cannot (no
// writable directory).
func holdDrain(path string, deadline time.Time) *os.File {
	f, err := os.OpenFile(path+".drain", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil
	}
	if err := pollFlock(f, syscall.LOCK_EX, deadline, readPoll); err != nil {
		f.Close()
		return nil
	}
	return f
}

// yieldToWriter holds a reader back while a writer that readers have kept
// out for drainPatience drains them (it holds PATH.drain), until deadline.
// The drain lasts as long as the readers already in take to leave: a
// reader that went in regardless would keep the writer out for ever when
// reads overlap.
func yieldToWriter(path string, deadline time.Time) {
	f, err := os.Open(path + ".drain")
	if err != nil {
		return
	}
	defer f.Close()
	poll := readPoll
	for syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) != nil {
		if time.Now().After(deadline) {
			return
		}
		time.Sleep(poll)
		poll = min(2*poll, gatePoll)
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

// unlock releases and closes a lock file (nil: nothing).
func unlock(f *os.File) {
	if f != nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}

// drainPatience is how long a writer waits for the readers in the file
// before it holds new ones back (PATH.drain).
const drainPatience = 50 * time.Millisecond

// gatePoll is how often a writer tries a lock again (and the longest a
// reader's poll grows to).
const gatePoll = 2 * time.Millisecond

// readPoll is a reader's first poll: the moment a writer keeps the file
// exclusively is bbolt's open (a stat, two page reads, a map, reading the
// freelist), well under a millisecond.
const readPoll = 100 * time.Microsecond
