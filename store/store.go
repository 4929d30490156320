// Package store is lazyforce's offline cache: one bbolt file per org holding
// the records Salesforce sent (raw JSON, keyed by 18-character Id), the
// indexes the screens need, cached describes and picklists, per-object sync
// watermarks, the org's identity, and (reserved) the outbox of pending writes.
//
// Every screen and every answer reads this cache; only store/syncer writes
// records into it.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version of the cache file. A file with another
// version is reported as ErrIncompatible and must be rebuilt.
const SchemaVersion = "1"

// Bucket names. bucketOutbox is reserved for the outbox (a later issue).
var (
	bucketMeta      = []byte("meta")
	bucketRecords   = []byte("records")   // sub-bucket per object: Id -> raw JSON
	bucketIndex     = []byte("index")     // sub-buckets per index kind
	bucketDescribe  = []byte("describe")  // object -> stamped raw describe
	bucketPicklists = []byte("picklists") // object\x00recordTypeId -> stamped raw
	bucketSync      = []byte("sync")      // object -> Watermark JSON
	bucketOutbox    = []byte("outbox")    // reserved for pending writes

	keySchema   = []byte("schema_version")
	keyIdentity = []byte("identity")
	keyLastSync = []byte("last_sync")
)

var topBuckets = [][]byte{bucketMeta, bucketRecords, bucketIndex, bucketDescribe, bucketPicklists, bucketSync, bucketOutbox}

// Errors returned by Open. Check them with errors.Is.
var (
	// ErrLocked: another process holds the cache file open for writing.
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
	// ReadOnly opens the file without write access (shared lock).
	ReadOnly bool
	// Timeout is how long to wait for another process's lock; 0 means 1 s.
	Timeout time.Duration
	// Populate pre-faults the whole file into memory at open (Linux
	// MAP_POPULATE): one sequential read instead of thousands of 4 KiB page
	// faults on a cold page cache. Worth it for full scans of a large cache.
	Populate bool
	// Rebuild moves a damaged or incompatible file aside (to
	// PATH.bad-TIMESTAMP) and starts an empty cache instead of failing.
	Rebuild bool
}

// Store is an open cache file. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	org  string

	mu      sync.Mutex
	catalog *catalog // built from cached describes; nil after a describe write
}

// Open opens (creating if needed) the cache file at path.
func Open(path string, opts Options) (*Store, error) {
	s, err := open(path, opts)
	if err == nil || !opts.Rebuild || !(errors.Is(err, ErrCorrupt) || errors.Is(err, ErrIncompatible)) {
		return s, err
	}
	aside := fmt.Sprintf("%s.bad-%s", path, time.Now().UTC().Format("20060102T150405"))
	if rerr := os.Rename(path, aside); rerr != nil {
		return nil, fmt.Errorf("move damaged cache aside: %w", rerr)
	}
	return open(path, opts)
}

func open(path string, opts Options) (s *Store, err error) {
	org := opts.Org
	if org == "" {
		org = filepath.Base(path)
	}
	if opts.ReadOnly {
		if _, statErr := os.Stat(path); statErr != nil {
			return nil, fmt.Errorf("open cache for org %s: %w (run 'lazyforce sync' first)", org, statErr)
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create cache directory: %w", err)
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = time.Second
	}
	bopts := &bolt.Options{Timeout: timeout, ReadOnly: opts.ReadOnly, FreelistType: bolt.FreelistMapType}
	if opts.Populate {
		bopts.MmapFlags = populateFlag
	}
	// bbolt may panic on some damaged files instead of returning an error.
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%w: %s: %v; run 'lazyforce sync --full --rebuild' to rebuild it", ErrCorrupt, path, r)
		}
	}()
	db, err := bolt.Open(path, 0o600, bopts)
	if err != nil {
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("%w for org %s (%s); close it and retry", ErrLocked, org, path)
		case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
			return nil, fmt.Errorf("%w: %s: %v; run 'lazyforce sync --full --rebuild' to rebuild it", ErrCorrupt, path, err)
		}
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	s = &Store{db: db, path: path, org: org}
	if err := s.checkSchema(opts.ReadOnly); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// checkSchema creates the buckets of a new file, or verifies the version of
// an existing one.
func (s *Store) checkSchema(readOnly bool) error {
	var version []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			version = append([]byte(nil), b.Get(keySchema)...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read cache schema: %w", err)
	}
	switch {
	case version == nil && readOnly:
		return fmt.Errorf("%w: %s has no lazyforce schema; run 'lazyforce sync --full --rebuild' to rebuild it", ErrIncompatible, s.path)
	case version == nil:
		return s.db.Update(func(tx *bolt.Tx) error {
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

// Close closes the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close cache %s: %w", s.path, err)
	}
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
	err := s.db.Update(func(tx *bolt.Tx) error {
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
