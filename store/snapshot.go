package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Snapshots: a reader that derives something costly from the whole cache
// (store/book's lists of 100k opportunities, decoded and joined with their
// accounts' and owners' names) keeps it in the cache file, tagged with the
// data generation it was derived from, so that the next start-up reads one
// value instead of every record.
//
// The data generation (meta "data_gen", a decimal number) counts the write
// transactions that may have changed what a snapshot is derived from:
// every write except a snapshot's own. A snapshot is valid while the data
// generation it carries is the current one. Snapshots are index data (the
// "snap" sub-bucket of "index"): Reset drops them with the indexes, and
// Verify does not read them as documents.
var (
	indexSnap  = []byte("snap")
	keyDataGen = []byte("data_gen")
)

// snapshotWait bounds PutSnapshot's wait for the file: a reader that just
// derived a list must not be held up by another process's sync.
const snapshotWait = 50 * time.Millisecond

// dataGen reads the data generation in tx (0 for a cache without one).
func dataGen(tx *bolt.Tx) uint64 {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0
	}
	n, _ := strconv.ParseUint(string(b.Get(keyDataGen)), 10, 64)
	return n
}

// bumpDataGen advances the data generation in tx (a write that may change
// the data); a file without its buckets yet has nothing to advance.
func bumpDataGen(tx *bolt.Tx) error {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return nil
	}
	if err := b.Put(keyDataGen, strconv.AppendUint(nil, dataGen(tx)+1, 10)); err != nil {
		return fmt.Errorf("advance the data generation: %w", err)
	}
	return nil
}

// snapValue is a stored snapshot: the data generation, NUL, the data.
func snapValue(gen uint64, data []byte) []byte {
	v := make([]byte, 0, SnapshotRoom+len(data))
	v = strconv.AppendUint(v, gen, 10)
	v = append(v, 0)
	return append(v, data...)
}

// SnapshotRoom is the most bytes a stored snapshot holds before its data
// (the data generation and NUL): the room a reader leaves in front of a
// snapshot it builds for SnapshotValue to store it without a copy.
const SnapshotRoom = 21

// SnapshotValue returns the value PutSnapshotValues stores for the data
// buf[room:] derived at data generation gen: buf's first room bytes are
// free, and the generation is written in place before the data (a copy is
// made when room is too small). The value shares buf's bytes.
func SnapshotValue(gen uint64, buf []byte, room int) []byte {
	var h [SnapshotRoom]byte
	head := append(strconv.AppendUint(h[:0], gen, 10), 0)
	if len(head) > room {
		return snapValue(gen, buf[room:])
	}
	at := room - len(head)
	copy(buf[at:], head)
	return buf[at:]
}

// Snapshot returns the snapshot called name if it was derived from the
// cache as it is now: ok is false when there is none or the data changed
// since. gen is the current data generation either way; pass it to
// PutSnapshot with what is derived from the cache after this call. fn gets
// the snapshot's bytes, valid only during the call (they are the mapped
// file: copy what is kept).
func (s *Store) Snapshot(name string, fn func(data []byte) error) (gen uint64, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		gen = dataGen(tx)
		snaps := tx.Bucket(bucketIndex).Bucket(indexSnap)
		if snaps == nil {
			return nil
		}
		v := snaps.Get([]byte(name))
		for i, c := range v {
			if c == 0 {
				at, perr := strconv.ParseUint(string(v[:i]), 10, 64)
				if perr != nil || at != gen {
					return nil
				}
				ok = true
				return fn(v[i+1:])
			}
		}
		return nil
	})
	if err != nil {
		return gen, false, fmt.Errorf("read snapshot %s: %w", name, err)
	}
	return gen, ok, nil
}

// PutSnapshot stores data as the snapshot called name, derived from the
// cache at data generation gen (from Snapshot), unless the data changed
// since: then it stores nothing and returns false. A snapshot is only worth
// a moment: when another process is writing (a sync) it is not stored
// either (ErrLocked after snapshotWait), nor by a read-only Store (an
// error).
func (s *Store) PutSnapshot(name string, gen uint64, data []byte) (stored bool, err error) {
	return s.PutSnapshots(gen, []string{name}, [][]byte{data})
}

// PutSnapshots is PutSnapshot for several snapshots derived at the same
// data generation gen, in one write transaction: names[i] is stored with
// data[i], all of them or (when the data changed since gen, or another
// process is writing) none. A sync's lists are stored at once, each value
// written once (values that share a page are rewritten with it at every
// transaction).
func (s *Store) PutSnapshots(gen uint64, names []string, data [][]byte) (stored bool, err error) {
	if len(names) != len(data) {
		return false, errors.New("write snapshots: as many names as values are needed")
	}
	values := make([][]byte, len(data))
	for i, d := range data {
		values[i] = snapValue(gen, d)
	}
	return s.PutSnapshotValues(gen, names, values)
}

// PutSnapshotValues is PutSnapshots for values made by SnapshotValue at
// gen: they are stored as they are, without a copy of the data.
func (s *Store) PutSnapshotValues(gen uint64, names []string, values [][]byte) (stored bool, err error) {
	if len(names) != len(values) {
		return false, errors.New("write snapshots: as many names as values are needed")
	}
	err = s.commit(false, snapshotWait, func(tx *bolt.Tx) error {
		if dataGen(tx) != gen {
			return nil
		}
		snaps, err := tx.Bucket(bucketIndex).CreateBucketIfNotExists(indexSnap)
		if err != nil {
			return err
		}
		for i, name := range names {
			if err := snaps.Put([]byte(name), values[i]); err != nil {
				return err
			}
		}
		stored = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("write snapshot %s: %w", strings.Join(names, ", "), err)
	}
	return stored, nil
}
