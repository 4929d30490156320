//go:build !linux

package store

// populateFlag is a no-op outside Linux.
const populateFlag = 0
