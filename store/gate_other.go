//go:build !unix

package store

import (
	"os"
	"time"
)

// writeMapSize is 0 without flock (see writeMap): on Windows bbolt grows
// the file to the size it maps, and every write transaction opens the
// file afresh anyway.
const writeMapSize = 0

// lockForWrite leaves locking to bbolt without flock: its open locks the
// file exclusively for the whole transaction, so readers wait for it, as
// they always did here (no gate, no drain).
func lockForWrite(path string, timeout time.Duration) (*writeLock, error) {
	return &writeLock{admit: func() {}, done: func() {}}, nil
}

// relockForWrite is never called without flock: unlockWrite refuses to
// keep a bbolt open between write transactions, so each opens the file.
func relockForWrite(path string, f *os.File, timeout time.Duration) (*writeLock, error) {
	return lockForWrite(path, timeout)
}

// unlockWrite cannot release bbolt's lock without closing the file: a
// write transaction's open is not kept.
func unlockWrite(f *os.File) bool { return false }

// lockForRead leaves locking to bbolt's read-only open (a shared lock,
// refused while a write transaction runs).
func lockForRead(path string, timeout time.Duration) (*os.File, error) {
	return nil, nil
}

// lockGate is a no-op without flock (tests use it).
func lockGate(path string, deadline time.Time) (release func(), gated bool) {
	return func() {}, false
}
