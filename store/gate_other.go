//go:build !unix

package store

import "time"

// lockGate is a no-op without flock: writers rely on bbolt's lock alone.
func lockGate(path string, exclusive bool, timeout time.Duration) (release func(), err error) {
	return func() {}, nil
}
