package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/lazyforce/lazyforce/store/orgconfig"
)

// debugLogName is the DEBUG=1 log's file name in the cache directory.
const debugLogName = "debug.log"

// openDebugLog opens dir/debug.log for appending (dir "" means lazyforce's
// cache directory, under LAZYFORCE_HOME when set). The directory is
// created 0700 and the file 0600, and a symlink in the file's place is
// refused rather than followed: a shared, predictable path in $TMPDIR let
// another user point the log at any file of ours.
func openDebugLog(dir string) (*os.File, error) {
	if dir == "" {
		dirs, err := orgconfig.DefaultDirs()
		if err != nil {
			return nil, err
		}
		dir = dirs.Cache
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, debugLogName)
	f, err := openNoFollow(path)
	if err != nil {
		return nil, fmt.Errorf("open %s (a symlink is not followed): %w", path, err)
	}
	return f, nil
}
