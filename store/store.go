// Package store is lazyforce's offline cache: one bbolt file per org holding
// the records Salesforce sent (raw JSON, keyed by 18-character Id), the
// indexes the screens need, cached describes and picklists, per-object sync
// watermarks, the org's identity, and the outbox of pending writes
// (outbox.go).
//
// Every screen and every answer reads this cache; only store/syncer and the
// outbox (a queued write's optimistic change) write records into it.
//
// # Sharing the file
//
// Every lazyforce process of the user (the TUI, query, sync, ...) may have
// the same cache open at once. bbolt's page reuse is only safe against
// readers of the same bolt.DB, so a Store holds no lock between
// transactions: each read transaction opens the file, locks it with flock,
// maps it, runs, and closes it again (a read-only open serves a burst of
// reads for up to 20 ms, see readHold); each write transaction locks the
// file for its length, in a read-write open that the Store keeps between
// its write transactions but uses again only if no one else has written
// the file since (see "The kept read-write open" below).
//
//   - A read transaction (View-like methods) opens read-only with a shared
//     lock, so any number of readers in any processes run together, and
//     alongside a running write transaction: a reader never waits for a
//     writer's transaction, only for the moment a writer opens the file
//     (well under a millisecond) and, when a writer has waited
//     drainPatience for the readers already in to leave, for them.
//   - A write transaction (Update and the Put methods) opens read-write.
//     Writers take turns on PATH.gate (locked exclusively for the whole
//     transaction). A writer then drains the readers: it locks the file
//     exclusively, waiting until no reader holds it, hands that locked file
//     to bbolt's open, and right after the open turns the lock into a
//     shared one, so readers come in while it writes. If readers keep it
//     out for drainPatience it holds PATH.drain until then, and readers
//     about to open hold back: flock does not queue, and overlapping
//     readers would otherwise keep a writer out for ever.
//   - Why readers may run alongside a writer: bbolt is copy-on-write. A
//     write transaction K in a fresh open (bbolt's open writes nothing
//     unless the file has no freelist, and then under the exclusive lock),
//     or in a kept open that K-1 left and no one wrote since (see below),
//     takes new pages only from the freelist of meta K-1, i.e. pages freed
//     by transactions up to K-1 and so not reachable from meta K-1, or from
//     growing the file; the pages it frees itself stay pending until the
//     next transaction. It
//     writes its pages, syncs them, and only then writes meta K into the
//     meta slot K%2, which held meta K-2. So while K runs, nothing
//     reachable from meta K-1 or from meta K changes. A reader that came in
//     before K took the exclusive lock was drained; one that came in after
//     sees meta K-1, or meta K once written (a meta page half written fails
//     its checksum and the other one is used, by bbolt and by checkFile
//     alike), and holds its lock until it closes, so transaction K+1,
//     which may reuse pages K freed, waits for it.
//   - A reader's map covers the file's size when bbolt opened it. A meta
//     page committed later may reach past that: each read transaction
//     checks its meta's high-water mark (tx.Size) against the size the
//     reader saw under its lock, and opens the file again if it does not
//     fit.
//   - Waiting for a lock is bounded by Options.Timeout (DefaultTimeout);
//     only then does it fail with ErrLocked. Within one Store a
//     sync.RWMutex orders transactions first, preferring a waiting writer.
//   - Without flock (Windows) there is no gate and no drain: bbolt's own
//     lock keeps the file exclusively for a whole write transaction, and
//     readers wait for it.
//   - A sync spans many write transactions; LockSync gives it a turn of its
//     own (a lock on PATH.sync) so that a second sync waits for the first.
//   - Each read transaction maps the file afresh, and a write transaction
//     either does or checks that nothing was committed since its kept open
//     last wrote, so each sees everything committed before it by any
//     process. Generation (the last committed transaction id, read from
//     the meta pages) and Changed tell a screen when to read again.
//
// Opening per read transaction costs a few system calls (open, flock,
// mmap) but no reading: bbolt maps the file and reads only its two meta
// pages.
//
// # The kept read-write open
//
// A write transaction in a fresh open pays for more than the open: bbolt
// rebuilds its freelist, the map is faulted in again, and every dirty page
// gets a new buffer (bbolt's page pool lives in the bolt.DB). A sync makes
// about a hundred write transactions, so a Store keeps its read-write open
// (unix; keptWrite) from one write transaction to the next, holding no
// lock in between: after the commit it unlocks the file (flock LOCK_UN on
// the descriptor bbolt uses; bbolt never checks its flock after its open)
// and releases the gate. Readers and writers of other Stores and processes
// then see the file exactly as if it had been closed.
//
// The next write transaction takes the gate and drains the readers exactly
// as a fresh open does, with the exclusive lock on the kept descriptor,
// and then, before bbolt reads anything, checks that the file is the one
// the last transaction K-1 left (writeMark.unchanged): still the file at
// the path (not moved aside and replaced: the path and the descriptor name
// the same inode), of the same size, its newest valid meta page still
// K-1's. If anything differs the kept open is closed and the file opened
// afresh, checked first as always. If all holds, no one committed since
// K-1: transaction ids only grow, a writer that died while writing its
// meta page left a page that fails its checksum (bbolt and checkFile then
// use K-1's, as a fresh open would), and such a writer wrote its other
// pages only into pages free in meta K-1 or past the file's end, which no
// reader of meta K-1 reaches. bbolt's state in memory is then what a fresh
// open would build: meta K-1 from the map (which covers the whole file,
// as bbolt grew it), the freelist of meta K-1 with the pages K-1 freed
// still pending. bbolt's Begin releases those pending pages to K (a fresh
// open reads them from the file as free): safe because they are reachable
// only from meta K-2 and earlier, and the drain has just waited for every
// reader that came in before K-1 committed. Only then does the
// transaction admit readers again (shared lock, PATH.drain released): a
// reader coming in sees meta K-1 or K, neither of which reaches a page K
// reuses. So the argument above holds unchanged for a kept open.
//
// The kept open is closed, and the next write opens afresh, after a write
// transaction that failed or panicked (fn's error, Commit's, damage), when
// its lock cannot be released alone, once when the file grows past 16 MiB
// (so that the new open maps ahead of it, see writeMap), and at Close. A
// read-only Store never writes, and without flock every write transaction
// opens the file, as before. The Store's own reads use read-only opens as
// before, dropped before each write transaction. The kept descriptor keeps
// the inode of a file moved aside (by another process's rebuild) until the
// next write or Close.
//
// # Damage
//
// Before bbolt maps the file, it is checked against its meta pages (a valid
// meta, a high-water mark within the file), since bbolt reading a page past
// the end of the file is a SIGBUS. Every transaction runs with
// debug.SetPanicOnFault and recovers, so a fault on the map and bbolt's own
// panics on inconsistent pages become ErrCorrupt, as does a cached document
// that no longer decodes. ErrCorrupt says what to do: 'lazyforce sync --full
// --rebuild', which opens with Options.Rebuild: the whole file is read
// (Verify), and a damaged one is moved aside (MoveAside, which reads
// nothing and so always works) and replaced by an empty cache.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version of the cache file. A file with another
// version is reported as ErrIncompatible and must be rebuilt.
const SchemaVersion = "1"

// Bucket names.
var (
	bucketMeta      = []byte("meta")
	bucketRecords   = []byte("records")   // sub-bucket per object: Id -> raw JSON
	bucketIndex     = []byte("index")     // sub-buckets per index kind
	bucketDescribe  = []byte("describe")  // object -> stamped raw describe
	bucketPicklists = []byte("picklists") // object\x00recordTypeId -> stamped raw
	bucketSync      = []byte("sync")      // object -> Watermark JSON
	bucketOutbox    = []byte("outbox")    // 8-byte sequence -> OutboxEntry JSON

	keySchema   = []byte("schema_version")
	keyIdentity = []byte("identity")
	keyLastSync = []byte("last_sync")
)

var topBuckets = [][]byte{bucketMeta, bucketRecords, bucketIndex, bucketDescribe, bucketPicklists, bucketSync, bucketOutbox}

// errGateTimeout: a lock (the gate, or the file's) stayed taken for longer
// than Options.Timeout.
var errGateTimeout = errors.New("timeout")

// Errors returned by Open. Check them with errors.Is.
var (
	// ErrLocked: another process held the cache file's lock (a write
	// transaction while this one wanted to write, or reads while this one
	// wanted to write) for longer than Options.Timeout.
	ErrLocked = errors.New("another lazyforce is using the cache")
	// ErrCorrupt: the file is not a readable bbolt database.
	ErrCorrupt = errors.New("cache file is damaged")
	// ErrIncompatible: the file was written by another schema version.
	ErrIncompatible = errors.New("cache file has an incompatible format")
)

// Options tune Open.
type Options struct {
	// Org names the org in error messages (its alias).
	Org string
	// ReadOnly opens the file without write access: Open fails if it does
	// not exist, and every write transaction fails.
	ReadOnly bool
	// Timeout bounds each wait for another process's transaction (a writer
	// waits for readers and writers; a reader only for the moment a writer
	// opens the file, for the readers a writer kept out drainPatience
	// drains, or for a writer of an older lazyforce); 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Populate pre-faults the whole file into memory at each read
	// transaction (Linux MAP_POPULATE; nothing elsewhere): one sequential
	// read instead of thousands of 4 KiB page faults on a cold page cache.
	// Worth it for full scans of a large cache.
	Populate bool
	// Rebuild moves a damaged or incompatible file aside (to
	// PATH.bad-TIMESTAMP) and starts an empty cache instead of failing. The
	// whole file is read to find damage, and the outbox and identity of a
	// damaged file are carried over when they can still be read.
	Rebuild bool
}

// newFilePageSize is the bbolt page size of a new cache file. A sync
// writes every record page once, with one write call each, and bbolt
// finds a record through one branch page per level: 16 KiB pages (four of
// the machine's) cut the calls and the levels by four and pack records of
// a few hundred bytes to a kilobyte with less room left over at each
// page's end (a sync of the demo org writes 166 MB in 9,400 calls where it
// wrote 177 MB in 40,300). A file made
// with another page size (4 KiB before) keeps it: bbolt reads it from the
// meta page, and readers and writers work the same with either.
const newFilePageSize = 16 << 10

// DefaultTimeout is how long a transaction waits for another process's
// transaction to end before giving up with ErrLocked.
const DefaultTimeout = 30 * time.Second

// Store is a cache file. It is safe for concurrent use, also by several
// Stores and processes on the same file (see the package documentation).
type Store struct {
	path     string
	org      string
	readOnly bool
	populate bool
	timeout  time.Duration

	// txMu orders this Store's transactions (writers exclusive, readers
	// shared, a waiting writer blocks new readers) before they queue on the
	// file lock with other Stores and processes.
	txMu   sync.RWMutex
	closed bool // under txMu

	aside      string // where Open with Rebuild moved the damaged file
	outboxLost bool   // ... and its outbox could not be carried over

	wlock *writeLock // the running write transaction's hold on the file (under txMu)
	wide  bool       // the running write transaction's open maps writeMapSize (under txMu)
	kept  *keptWrite // the read-write open kept since the last write transaction (under txMu)

	roMu sync.Mutex
	ro   *readConn     // the current read-only open, see acquireRead
	hold time.Duration // how long it serves reads: readHold (longer in tests)

	mu         sync.Mutex
	catalog    *catalog // built from cached describes; nil after a describe write
	catalogGen uint64   // the file generation the catalog was built at
}

// Open opens (creating if needed, unless ReadOnly) the cache file at path and
// checks it: a damaged file is ErrCorrupt, another layout ErrIncompatible,
// both with the way out. Open keeps no lock (see the package documentation).
func Open(path string, opts Options) (*Store, error) {
	s, err := open(path, opts)
	if !opts.Rebuild {
		return s, err
	}
	if err == nil {
		if err = s.Verify(); err == nil {
			return s, nil
		}
		s.Close()
	}
	if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrIncompatible) {
		return nil, err
	}
	return rebuild(path, opts)
}

func open(path string, opts Options) (*Store, error) {
	org := opts.Org
	if org == "" {
		org = filepath.Base(path)
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	s := &Store{path: path, org: org, readOnly: opts.ReadOnly, populate: opts.Populate, timeout: timeout, hold: readHold}
	if opts.ReadOnly {
		if _, statErr := os.Stat(path); statErr != nil {
			return nil, fmt.Errorf("open cache for org %s: %w (run 'lazyforce sync' first)", org, statErr)
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create cache directory: %w", err)
	} else if fi, statErr := os.Stat(path); statErr != nil || fi.Size() == 0 {
		// A new file: bbolt initialises it in the first write transaction.
		if err := s.update(func(*bolt.Tx) error { return nil }); err != nil {
			return nil, err
		}
	}
	if err := s.checkSchema(opts.ReadOnly); err != nil {
		return nil, err
	}
	return s, nil
}

// damaged is the one error every kind of damage becomes.
func (s *Store) damaged(detail string) error {
	return Damaged(s.org, s.path, detail)
}

// Damaged returns ErrCorrupt for the cache of org at path, with detail (one
// line) and the way out.
func Damaged(org, path, detail string) error {
	detail = strings.Join(strings.Fields(detail), " ")
	return fmt.Errorf("%w: the cache of org %s (%s) cannot be read (%s); run 'lazyforce sync --full --rebuild' to move it aside and sync afresh",
		ErrCorrupt, org, path, detail)
}

// writeLock is a writer's hold on the cache file for one transaction
// (lockForWrite).
type writeLock struct {
	file  *os.File // the cache file, locked, for bbolt to use; nil: bbolt opens and locks it
	admit func()   // lets readers in again, once bbolt has opened the file
	done  func()   // ends the hold, after the transaction (or if bbolt's open failed)
}

// keptWrite is a read-write open of the file kept between a Store's write
// transactions (unix), holding no lock.
type keptWrite struct {
	db   *bolt.DB
	file *os.File  // db's file (handed to bbolt's open)
	mark writeMark // what the last transaction left the file as
	wide bool      // db maps writeMapSize (see writeMap)
}

// openWrite opens the bolt file for one write transaction: it waits up to
// timeout for other writers and for readers (the drain); s.wlock.admit
// lets readers in again, once the transaction has begun. The file is
// checked against its meta pages before bbolt maps it. closeWrite ends
// it, or keepWrite keeps the open for the next transaction.
//
// A kept open is used again only if, once the gate and the drain are taken
// on its file, the file is exactly as its last transaction left it
// (writeMark.unchanged); otherwise it is closed and the file opened anew.
func (s *Store) openWrite(timeout time.Duration) (*bolt.DB, error) {
	if k := s.kept; k != nil {
		s.kept = nil
		w, err := relockForWrite(s.path, k.file, timeout)
		if err != nil {
			k.db.Close()
			return nil, s.lockError(err, timeout)
		}
		if k.mark.unchanged(s.path, k.file) {
			s.wlock, s.wide = w, k.wide
			return k.db, nil
		}
		k.db.Close() // and with it the lock on its file
		w.done()
	}
	if _, err := checkFile(s.path, true); err != nil {
		return nil, s.fileError(err)
	}
	w, err := lockForWrite(s.path, timeout)
	if err != nil {
		return nil, s.lockError(err, timeout)
	}
	mapSize := writeMap(w.file)
	db, err := s.openBolt(true, w.file, mapSize, timeout)
	if err != nil {
		w.done()
		return nil, err
	}
	s.wlock, s.wide = w, mapSize > 0
	return db, nil
}

// boltGrowStep is bbolt's DB.AllocSize (its internal DefaultAllocSize),
// which lazyforce leaves as it is.
const boltGrowStep = 16 << 20

// writeMap is the map a read-write open of f (locked) starts with
// (bolt.Options.InitialMmapSize): writeMapSize once the file has reached
// bbolt's growth step, else 0 (bbolt's own sizes).
//
// bbolt maps the file again each time it outgrows the map (doubling it up
// to a gigabyte), and before each new map copies every key and value the
// running transaction holds out of the old one: a sync's kept open (see
// the package documentation) did that each time the file doubled.
// Mapping more than the file costs only address space, but bbolt grows a
// file mapped beyond its growth step (boltGrowStep) by that step, and a
// smaller one to its map's size: so a small file keeps bbolt's own sizes
// (and does not grow to 16 MiB), and its open is not kept past that size
// (keepWrite).
func writeMap(f *os.File) int {
	if f == nil {
		return 0
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() < boltGrowStep {
		return 0
	}
	return writeMapSize
}

// closeWrite closes a read-write open and ends its hold on the file.
func (s *Store) closeWrite(db *bolt.DB) {
	db.Close()
	if s.wlock != nil {
		s.wlock.done()
		s.wlock = nil
	}
}

// keepWrite ends the hold on the file of a write transaction that
// committed txid, but keeps db open for the next one (see openWrite),
// reporting whether it did: false without flock (gate_other.go), when the
// file's lock cannot be released alone, when its size is unknown, or when
// the file has grown to where a new open maps more of it (writeMap); the
// caller then closes db.
func (s *Store) keepWrite(db *bolt.DB, txid uint64) bool {
	w := s.wlock
	if w == nil || w.file == nil {
		return false
	}
	fi, err := w.file.Stat()
	if err != nil || !s.wide && writeMap(w.file) > 0 || !unlockWrite(w.file) {
		return false
	}
	w.done()
	s.wlock = nil
	s.kept = &keptWrite{db: db, file: w.file, mark: writeMark{txid: txid, size: fi.Size()}, wide: s.wide}
	return true
}

// openRead opens the bolt file read-only, waiting up to timeout for the
// shared lock (refused only for the moment a writer opens the file, see
// lockForRead), and returns it with the file's size when it was locked:
// bbolt maps at least that much, and a read transaction whose meta page
// reaches further must open the file again (see view).
func (s *Store) openRead(timeout time.Duration) (*bolt.DB, int64, error) {
	if _, err := checkFile(s.path, false); err != nil {
		return nil, 0, s.fileError(err)
	}
	f, err := lockForRead(s.path, timeout)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, s.fileError(err)
		}
		return nil, 0, s.lockError(err, timeout)
	}
	size := int64(-1) // no lock of our own: bbolt's keeps writers out
	if f != nil {
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("open cache %s: %w", s.path, err)
		}
		size = fi.Size()
	}
	db, err := s.openBolt(false, f, 0, timeout)
	if err != nil {
		return nil, 0, err
	}
	return db, size, nil
}

// lockError is the error for a lock not taken within timeout.
func (s *Store) lockError(err error, timeout time.Duration) error {
	if errors.Is(err, errGateTimeout) {
		return fmt.Errorf("%w for org %s (%s): waited %s for it; close it and retry", ErrLocked, s.org, s.path, timeout)
	}
	return fmt.Errorf("open cache %s: %w", s.path, err)
}

// openBolt opens the file with bbolt: f, when not nil, is the file already
// opened and locked (bbolt's own flock on it then succeeds at once, and
// bbolt closes it with the DB); otherwise bbolt opens it and waits for its
// lock. mapSize is bolt.Options.InitialMmapSize.
func (s *Store) openBolt(write bool, f *os.File, mapSize int, timeout time.Duration) (*bolt.DB, error) {
	bopts := &bolt.Options{Timeout: timeout, ReadOnly: !write, FreelistType: bolt.FreelistMapType, InitialMmapSize: mapSize}
	if write {
		// A new file is made with newFilePageSize pages; bbolt reads an
		// existing file's page size from its meta page.
		bopts.PageSize = newFilePageSize
	}
	if s.populate && !write {
		bopts.MmapFlags = populateFlag
	}
	if f != nil {
		bopts.OpenFile = func(string, int, os.FileMode) (*os.File, error) { return f, nil }
	}
	db, err := bolt.Open(s.path, 0o600, bopts)
	if err != nil {
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("%w for org %s (%s): waited %s for it; close it and retry", ErrLocked, s.org, s.path, timeout)
		case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
			return nil, s.damaged(err.Error())
		case errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("open cache for org %s: %w (run 'lazyforce sync' first)", s.org, err)
		}
		return nil, fmt.Errorf("open cache %s: %w", s.path, err)
	}
	return db, nil
}

// fileError turns a checkFile error into the error callers see.
func (s *Store) fileError(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("open cache for org %s: %w (run 'lazyforce sync' first)", s.org, err)
	}
	if errors.Is(err, errBadFile) {
		return s.damaged(err.Error())
	}
	return fmt.Errorf("open cache %s: %w", s.path, err)
}

// guard runs fn, which touches the memory map, so that damage cannot crash
// the process: a fault on the map (a file truncated or rewritten under us)
// and bbolt's own panics on inconsistent pages ("assertion failed", index
// out of range) become ErrCorrupt, and so does cached JSON that no longer
// decodes.
//
// Only reads (decodeErrors) treat an undecodable document as damage: a
// write may be refused for what the caller passed in.
func (s *Store) guard(decodeErrors bool, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			err = s.damaged(fmt.Sprint(r))
		}
	}()
	err = fn()
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if decodeErrors && err != nil && !errors.Is(err, ErrCorrupt) && (errors.Is(err, errBadJSON) || errors.As(err, &syntax) || errors.As(err, &typ)) {
		err = s.damaged(err.Error())
	}
	return err
}

// view runs fn in one read transaction, holding a shared lock on the file
// only for its length.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	s.txMu.RLock()
	defer s.txMu.RUnlock()
	if s.closed {
		return fmt.Errorf("cache %s: %w", s.path, bolterrors.ErrDatabaseNotOpen)
	}
	for tries := 1; ; tries++ {
		var c *readConn
		err := s.guard(true, func() error {
			var err error
			if c, err = s.acquireRead(); err != nil {
				return err
			}
			return c.db.View(func(tx *bolt.Tx) error {
				// A writer may have committed a larger file since c was
				// opened: its pages may lie past c's map.
				if c.size >= 0 && tx.Size() > c.size {
					return errRemap
				}
				return fn(tx)
			})
		})
		remap := errors.Is(err, errRemap)
		if c != nil {
			s.releaseRead(c, remap || errors.Is(err, ErrCorrupt))
		}
		if !remap {
			return err
		}
		if tries == maxRemaps {
			return s.damaged(fmt.Sprintf("its meta page kept pointing past the file's size (%d opens)", tries))
		}
	}
}

// errRemap: the read transaction's meta page reaches past the size the
// file had when it was opened; open it again.
var errRemap = errors.New("the cache file grew since it was opened")

// maxRemaps bounds the opens of one read transaction. A writer commits at
// most once while a reader holds the file (its next transaction waits for
// the reader), so a second open normally suffices.
const maxRemaps = 10

// readHold is how long one read-only open serves this Store's read
// transactions (holding the shared lock) before the next read opens the
// file afresh: a screen's burst of reads costs one open, and a writer of
// another process waits at most this long for it.
const readHold = 20 * time.Millisecond

// readConn is a read-only open of the file shared by read transactions.
type readConn struct {
	db     *bolt.DB
	size   int64 // the file's size when it was locked (-1: no own lock); bbolt maps at least this
	refs   int
	opened time.Time
	closed bool
}

// acquireRead returns the current read-only open, or opens the file anew
// when there is none or it is older than readHold.
func (s *Store) acquireRead() (*readConn, error) {
	s.roMu.Lock()
	defer s.roMu.Unlock()
	if c := s.ro; c != nil && time.Since(c.opened) < s.hold {
		c.refs++
		return c, nil
	}
	// Release an idle old open first: a writer may be waiting for it.
	if old := s.ro; old != nil && old.refs == 0 {
		s.closeRead(old)
	}
	db, size, err := s.openRead(s.timeout)
	if err != nil {
		return nil, err
	}
	c := &readConn{db: db, size: size, refs: 1, opened: time.Now()}
	s.ro = c
	time.AfterFunc(s.hold, func() {
		s.roMu.Lock()
		defer s.roMu.Unlock()
		if c.refs == 0 {
			s.closeRead(c)
		}
	})
	return c, nil
}

// releaseRead ends a read transaction's use of c, closing it when it is no
// longer the current open (or the file turned out damaged) and unused.
func (s *Store) releaseRead(c *readConn, drop bool) {
	s.roMu.Lock()
	defer s.roMu.Unlock()
	c.refs--
	if drop && s.ro == c {
		s.ro = nil
	}
	if c.refs == 0 && (s.ro != c || time.Since(c.opened) >= s.hold) {
		s.closeRead(c)
	}
}

// closeRead closes c (under roMu), releasing its shared lock.
func (s *Store) closeRead(c *readConn) {
	if !c.closed {
		c.closed = true
		c.db.Close()
	}
	if s.ro == c {
		s.ro = nil
	}
}

// dropReads closes the idle read-only open, before a write transaction or
// at Close (under txMu held for writing: no read is running).
func (s *Store) dropReads() {
	s.roMu.Lock()
	defer s.roMu.Unlock()
	if s.ro != nil {
		s.closeRead(s.ro)
	}
}

// update runs fn in one write transaction, holding the exclusive lock on
// the file only for its length, and advances the data generation (see
// Snapshot).
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	return s.commit(true, s.timeout, fn)
}

// commit is update waiting up to timeout for the file; only a snapshot's
// own write leaves the data generation alone (bump false).
func (s *Store) commit(bump bool, timeout time.Duration, fn func(tx *bolt.Tx) error) error {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	if s.closed {
		return fmt.Errorf("cache %s: %w", s.path, bolterrors.ErrDatabaseNotOpen)
	}
	if s.readOnly {
		return fmt.Errorf("cache %s: %w", s.path, bolterrors.ErrDatabaseReadOnly)
	}
	s.dropReads()
	return s.guard(false, func() error {
		db, err := s.openWrite(timeout)
		if err != nil {
			return err
		}
		kept := false
		defer func() {
			// Also when fn or bbolt panics: guard makes that ErrCorrupt.
			if !kept {
				s.closeWrite(db)
			}
		}()
		var txid uint64
		err = db.Update(func(tx *bolt.Tx) error {
			// Begun (meta read, pages freed by the last transaction
			// released) while no reader can be in: readers come in again.
			s.wlock.admit()
			txid = uint64(tx.ID())
			if err := fn(tx); err != nil {
				return err
			}
			if bump {
				return bumpDataGen(tx)
			}
			return nil
		})
		if err == nil {
			kept = s.keepWrite(db, txid)
		}
		return err
	})
}

// checkSchema creates the buckets of a new file, or verifies the version of
// an existing one.
func (s *Store) checkSchema(readOnly bool) error {
	var version []byte
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			version = append([]byte(nil), b.Get(keySchema)...)
		}
		return nil
	})
	if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrLocked) {
		return err
	}
	if err != nil {
		return fmt.Errorf("read cache schema: %w", err)
	}
	switch {
	case version == nil && readOnly:
		return fmt.Errorf("%w: %s has no lazyforce schema; run 'lazyforce sync --full --rebuild' to rebuild it", ErrIncompatible, s.path)
	case version == nil:
		return s.update(func(tx *bolt.Tx) error {
			for _, name := range topBuckets {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return fmt.Errorf("create bucket %s: %w", name, err)
				}
			}
			if !isEmptyDB(tx) {
				return fmt.Errorf("%w: %s is not a lazyforce cache; run 'lazyforce sync --full --rebuild' to rebuild it", ErrIncompatible, s.path)
			}
			return tx.Bucket(bucketMeta).Put(keySchema, []byte(SchemaVersion))
		})
	case string(version) != SchemaVersion:
		return fmt.Errorf("%w: %s has schema version %s, this lazyforce needs %s; run 'lazyforce sync --full --rebuild' to rebuild it",
			ErrIncompatible, s.path, version, SchemaVersion)
	}
	return nil
}

// isEmptyDB reports whether tx holds only our (empty) top-level buckets.
func isEmptyDB(tx *bolt.Tx) bool {
	known := map[string]bool{}
	for _, n := range topBuckets {
		known[string(n)] = true
	}
	empty := true
	_ = tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		if !known[string(name)] || b.Stats().KeyN > 0 {
			empty = false
		}
		return nil
	})
	return empty
}

// Close waits for the Store's transactions to end; later ones fail. It
// closes the read-write open kept since the last write transaction (which
// holds no lock) and any idle read-only open.
func (s *Store) Close() error {
	s.txMu.Lock()
	s.closed = true
	s.dropReads()
	if s.kept != nil {
		s.kept.db.Close()
		s.kept = nil
	}
	s.txMu.Unlock()
	return nil
}

// Path is the cache file's path.
func (s *Store) Path() string { return s.path }

// Size is the cache file's size on disk in bytes.
func (s *Store) Size() (int64, error) {
	fi, err := os.Stat(s.path)
	if err != nil {
		return 0, fmt.Errorf("stat cache: %w", err)
	}
	return fi.Size(), nil
}

// Reset deletes every cached record, index, describe, picklist and
// watermark (a full rebuild), keeping the identity and the outbox.
func (s *Store) Reset() error {
	err := s.update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketRecords, bucketIndex, bucketDescribe, bucketPicklists, bucketSync} {
			if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Delete(keyLastSync)
	})
	if err != nil {
		return fmt.Errorf("reset cache: %w", err)
	}
	s.invalidateCatalog()
	return nil
}
