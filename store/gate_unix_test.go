//go:build unix

package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestWriterDrainsReaders: a writer's lock waits for the readers holding
// the file (and gives up after its timeout), keeps new readers out only
// until it admits them, and keeps other writers out for its whole
// transaction.
func TestWriterDrainsReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.db")
	filledCache(t, path)
	reader, err := lockForRead(path, time.Second)
	noErr(t, err)
	if _, err := lockForWrite(path, 20*time.Millisecond); !errors.Is(err, errGateTimeout) {
		t.Fatalf("write lock while a reader holds the file: %v, want errGateTimeout", err)
	}
	reader.Close()
	w, err := lockForWrite(path, time.Second)
	noErr(t, err)
	if _, err := lockForRead(path, 5*time.Millisecond); !errors.Is(err, errGateTimeout) {
		t.Fatalf("read lock while a writer opens the file: %v, want errGateTimeout", err)
	}
	w.admit()
	reader, err = lockForRead(path, time.Millisecond)
	if err != nil {
		t.Fatalf("read lock during a write transaction: %v", err)
	}
	reader.Close()
	if _, err := lockForWrite(path, 20*time.Millisecond); !errors.Is(err, errGateTimeout) {
		t.Fatalf("second writer during a write transaction: %v, want errGateTimeout", err)
	}
	w.file.Close()
	w.done()
	w, err = lockForWrite(path, time.Second)
	noErr(t, err)
	w.file.Close()
	w.done()
}
