package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// errBadFile is a file that bbolt must not map: no valid meta page, or a
// meta page that points past the end of the file.
var errBadFile = errors.New("not a complete cache file")

// The bbolt file format (go.etcd.io/bbolt/internal/common): a 16-byte page
// header, then on pages 0 and 1 the meta: magic, version, page size, flags
// (4 bytes each), the root bucket (root page, sequence), the freelist page,
// the high-water page id, the transaction id and an FNV-64a checksum of the
// bytes before it (8 bytes each), in the machine's byte order.
const (
	pageHeaderSize = 16
	metaSize       = 64
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	noFreelist     = ^uint64(0)
)

// fileMeta is the part of a bbolt meta page checkFile needs.
type fileMeta struct {
	pageSize uint64
	root     uint64
	freelist uint64
	pgid     uint64 // high-water mark: every page of the file is below it
	txid     uint64
}

// parseMeta decodes a meta page's body; ok is false unless magic, version
// and checksum are right.
func parseMeta(b []byte) (m fileMeta, ok bool) {
	if len(b) < metaSize {
		return m, false
	}
	e := binary.NativeEndian
	h := fnv.New64a()
	h.Write(b[:56])
	if e.Uint32(b[0:]) != boltMagic || e.Uint32(b[4:]) != boltVersion || e.Uint64(b[56:]) != h.Sum64() {
		return m, false
	}
	return fileMeta{
		pageSize: uint64(e.Uint32(b[8:])),
		root:     e.Uint64(b[16:]),
		freelist: e.Uint64(b[32:]),
		pgid:     e.Uint64(b[40:]),
		txid:     e.Uint64(b[48:]),
	}, true
}

// checkFile checks the file at path against its meta pages before bbolt
// maps it, so that reading a page can never run past the end of the file (a
// SIGBUS that would kill the process): the newest valid meta page's
// high-water mark must lie within the file. An empty file passes only for
// writing (bbolt initialises it). It returns the meta bbolt will use.
func checkFile(path string, write bool) (fileMeta, error) {
	f, err := os.Open(path)
	if write && errors.Is(err, os.ErrNotExist) {
		return fileMeta{}, nil // bbolt creates it
	}
	if err != nil {
		return fileMeta{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileMeta{}, err
	}
	size := uint64(fi.Size())
	if size == 0 {
		if write {
			return fileMeta{}, nil
		}
		return fileMeta{}, fmt.Errorf("%w: the file is empty", errBadFile)
	}
	m, pageSize, ok := newestMeta(f)
	if !ok {
		return fileMeta{}, fmt.Errorf("%w: no valid bbolt meta page (%d bytes)", errBadFile, size)
	}
	// The size after the meta: a writer of another process grows the file
	// before it commits the meta, and never shrinks it.
	if fi, err = f.Stat(); err != nil {
		return fileMeta{}, err
	}
	size = uint64(fi.Size())
	switch {
	case m.pageSize != pageSize:
		return m, fmt.Errorf("%w: meta pages disagree on the page size", errBadFile)
	case size < 2*pageSize || m.pgid < 2 || m.pgid > size/pageSize:
		return m, fmt.Errorf("%w: %d bytes, but its meta page says %d pages of %d bytes", errBadFile, size, m.pgid, pageSize)
	case m.root >= m.pgid || m.root < 2:
		return m, fmt.Errorf("%w: root page %d outside the file's %d pages", errBadFile, m.root, m.pgid)
	case m.freelist != noFreelist && (m.freelist >= m.pgid || m.freelist < 2):
		return m, fmt.Errorf("%w: freelist page %d outside the file's %d pages", errBadFile, m.freelist, m.pgid)
	}
	return m, nil
}

// newestMeta reads f's two meta pages and returns the one bbolt uses: the
// valid one with the higher transaction id. ok is false when neither is
// valid (pageSize is then 0).
func newestMeta(f *os.File) (m fileMeta, pageSize uint64, ok bool) {
	read := func(off uint64) []byte {
		buf := make([]byte, metaSize)
		if _, err := f.ReadAt(buf, int64(off+pageHeaderSize)); err != nil && !errors.Is(err, io.EOF) {
			return nil
		}
		return buf
	}
	// Like bbolt, find the page size from the first valid meta page.
	for _, off := range []uint64{0, uint64(os.Getpagesize()), 4096, 8192, 16384, 32768, 65536} {
		if m, ok := parseMeta(read(off)); ok {
			pageSize = m.pageSize
			break
		}
	}
	if pageSize < 512 || pageSize > 1<<20 || pageSize&(pageSize-1) != 0 {
		return fileMeta{}, 0, false
	}
	m0, ok0 := parseMeta(read(0))
	m1, ok1 := parseMeta(read(pageSize))
	m = m0
	if !ok0 || (ok1 && m1.txid > m0.txid) {
		m = m1
	}
	return m, pageSize, true
}

// writeMark is what a write transaction left the cache file as: the
// transaction id of its meta page and the file's size (see Store.openWrite).
type writeMark struct {
	txid uint64
	size int64
}

// unchanged reports whether f, the file of a kept bbolt open, is still
// exactly as the transaction of m left it: still the file at path (not
// moved aside and replaced), of the same size, its newest meta page still
// m's. Then no other writer has committed since (transaction ids only
// grow, a meta page half written fails its checksum), and bbolt's state in
// memory (meta, freelist, map) is what a new open would read. Called under
// the exclusive lock on f: no writer can be changing the file.
func (m writeMark) unchanged(path string, f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Size() != m.size {
		return false
	}
	if pi, err := os.Stat(path); err != nil || !os.SameFile(fi, pi) {
		return false
	}
	meta, _, ok := newestMeta(f)
	return ok && meta.txid == m.txid
}

// Generation identifies the cache's last committed write transaction (its
// bbolt transaction id, read from the meta pages without a lock). It grows
// with every commit by any process, so a screen that polls it knows when
// another lazyforce (a sync, a queued write) changed the cache; see Changed.
func (s *Store) Generation() (uint64, error) {
	m, err := checkFile(s.path, true)
	if err != nil {
		return 0, s.fileError(err)
	}
	return m.txid, nil
}

// Changed reports whether anything was committed to the cache, by this or
// another process, since Generation returned since.
func (s *Store) Changed(since uint64) (bool, error) {
	gen, err := s.Generation()
	return gen != since, err
}

// Verify reads the whole cache, every page and every cached document, and
// returns ErrCorrupt if any of it is damaged. Open with Rebuild runs it.
func (s *Store) Verify() error {
	return s.view(func(tx *bolt.Tx) error {
		for _, name := range topBuckets {
			b := tx.Bucket(name)
			if b == nil {
				return s.damaged(fmt.Sprintf("bucket %s is missing", name))
			}
			if err := s.verifyBucket(b, name, !bytesEqual(name, bucketIndex)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) verifyBucket(b *bolt.Bucket, path []byte, docs bool) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			sub := b.Bucket(k)
			if sub == nil {
				return s.damaged(fmt.Sprintf("%s/%q is neither a value nor a bucket", path, k))
			}
			return s.verifyBucket(sub, append(append(path[:len(path):len(path)], '/'), k...), docs)
		}
		if docs && !json.Valid(v) {
			return s.damaged(fmt.Sprintf("%s/%s does not decode", path, k))
		}
		return nil
	})
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// MoveAside renames the cache file at path to PATH.bad-TIMESTAMP (with a
// counter if that exists) and returns the new name. It reads nothing from
// the file, so it works whatever the damage.
func MoveAside(path string) (string, error) {
	base := fmt.Sprintf("%s.bad-%s", path, time.Now().UTC().Format("20060102T150405"))
	aside := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, os.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("move damaged cache aside: %w", err)
	}
	return aside, nil
}

// salvage is what a rebuild carries over from a damaged file.
type salvage struct {
	identity []byte
	outbox   [][2][]byte
	lost     bool // the file had an outbox bucket that could not be read
}

// salvageFrom reads the identity and outbox of the damaged file at path, as
// far as they can still be read.
func salvageFrom(path string, opts Options) salvage {
	var sv salvage
	old := &Store{path: path, org: opts.Org, readOnly: true, timeout: opts.Timeout, hold: readHold}
	if old.timeout == 0 {
		old.timeout = DefaultTimeout
	}
	if _, err := checkFile(path, false); err != nil {
		return sv
	}
	defer old.Close() // release the file before it is moved aside
	err := old.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			if id := b.Get(keyIdentity); id != nil && json.Valid(id) {
				sv.identity = append([]byte(nil), id...)
			}
		}
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return nil
		}
		sv.lost = true
		err := b.ForEach(func(k, v []byte) error {
			sv.outbox = append(sv.outbox, [2][]byte{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		})
		if err == nil {
			sv.lost = false
		}
		return err
	})
	if err != nil {
		sv.outbox = nil
		if errors.Is(err, ErrLocked) {
			sv.lost = false
		}
	}
	return sv
}

// rebuild moves the file at path aside and starts an empty cache there,
// carrying over the identity and outbox when they can be read.
func rebuild(path string, opts Options) (*Store, error) {
	sv := salvageFrom(path, opts)
	aside, err := MoveAside(path)
	if err != nil {
		return nil, err
	}
	opts.Rebuild = false
	s, err := open(path, opts)
	if err != nil {
		return nil, err
	}
	s.aside, s.outboxLost = aside, sv.lost
	if sv.identity == nil && len(sv.outbox) == 0 {
		return s, nil
	}
	err = s.update(func(tx *bolt.Tx) error {
		if sv.identity != nil {
			if err := tx.Bucket(bucketMeta).Put(keyIdentity, sv.identity); err != nil {
				return err
			}
		}
		for _, kv := range sv.outbox {
			if err := tx.Bucket(bucketOutbox).Put(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("carry the outbox over to the rebuilt cache: %w", err)
	}
	return s, nil
}

// Rebuilt tells what Open with Rebuild did: aside is where the damaged file
// went ("" if the file was sound and kept), and outboxLost is true when it
// had an outbox of pending writes that could not be read back (the caller
// must say so: those writes never reached the org).
func (s *Store) Rebuilt() (aside string, outboxLost bool) { return s.aside, s.outboxLost }

// LockSync takes the cache's sync turn, so that two syncs of one org do not
// interleave: it blocks until no other Store (in any process) holds the
// turn, or ctx ends. waiting, if not nil, is called once when the turn is
// taken by another sync, so the caller can say it waits. Call unlock when
// the sync ends. Readers and single writes never need the turn.
//
// The turn is an exclusive lock on PATH.sync (a small bbolt file, so the
// lock works wherever bbolt does); the process's end releases it.
func (s *Store) LockSync(ctx context.Context, waiting func()) (unlock func(), err error) {
	return LockSync(ctx, s.path, waiting)
}

// LockSync is Store.LockSync for the cache file at path, to be taken before
// Open when the sync may rebuild the file (Options.Rebuild).
func LockSync(ctx context.Context, path string, waiting func()) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create cache directory: %w", err)
	}
	lockPath := path + ".sync"
	removed := false
	for {
		db, err := bolt.Open(lockPath, 0o600, &bolt.Options{Timeout: 200 * time.Millisecond})
		if err == nil {
			return func() { db.Close() }, nil
		}
		if !errors.Is(err, bolterrors.ErrTimeout) {
			// A damaged lock file holds no lock: start a new one.
			if removed || os.Remove(lockPath) != nil {
				return nil, fmt.Errorf("take the sync turn of %s: %w", path, err)
			}
			removed = true
			continue
		}
		if waiting != nil {
			waiting()
			waiting = nil
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("wait for the other sync of %s: %w", path, err)
		}
	}
}
