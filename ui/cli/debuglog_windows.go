//go:build windows

package cli

import (
	"fmt"
	"os"
)

// openNoFollow opens path for appending, creating it 0600, and fails when
// path is a symlink (Windows has no O_NOFOLLOW: check first; creating a
// symlink there needs privileges).
func openNoFollow(path string) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symlink", path)
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}
