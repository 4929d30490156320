//go:build !windows

package cli

import (
	"os"
	"syscall"
)

// openNoFollow opens path for appending, creating it 0600, and fails when
// path is a symlink.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
}
