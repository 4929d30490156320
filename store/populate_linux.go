package store

import "syscall"

// populateFlag pre-faults the mmap'd file (see Options.Populate).
const populateFlag = syscall.MAP_POPULATE
