package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFaultOnTheMapIsAnError: a file truncated under a live memory map (the
// SIGBUS that killed 'lazyforce query') becomes the damage error.
func TestFaultOnTheMapIsAnError(t *testing.T) {
	s := openTemp(t)
	path := filepath.Join(t.TempDir(), "mapped")
	noErr(t, os.WriteFile(path, make([]byte, 64*1024), 0o600))
	f, err := os.Open(path)
	noErr(t, err)
	defer f.Close()
	data, err := syscall.Mmap(int(f.Fd()), 0, 64*1024, syscall.PROT_READ, syscall.MAP_SHARED)
	noErr(t, err)
	defer syscall.Munmap(data)
	noErr(t, os.Truncate(path, 4096))
	var b byte
	err = s.guard(true, func() error {
		b = data[40000] // past the end of the file: SIGBUS
		return nil
	})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "sync --full --rebuild") {
		t.Fatalf("fault on the map: %v (read %d), want the damage error", err, b)
	}
}
