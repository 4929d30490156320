package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Record counts: the index sub-bucket "count" maps OBJECT to the number of
// its cached records that are not deleted (IsDeleted is not true), as an
// 8-byte big-endian integer. Every write transaction keeps it current (see
// Writer.count and flushCounts), so that 'SELECT COUNT() FROM Task' reads
// one key instead of every task. A cache written before counts existed has
// no key for an object until the first write to that object counts it once.
var indexCount = []byte("count")

// count records that a write changed object's live records by delta, or
// (reset) that the object's records were all dropped.
func (w *Writer) count(object string, delta int, reset bool) {
	if w.counts == nil {
		w.counts = map[string]*countDelta{}
	}
	d := w.counts[object]
	if d == nil {
		d = &countDelta{}
		w.counts[object] = d
	}
	if reset {
		d.fresh, d.delta = true, 0
		return
	}
	d.delta += delta
}

// countDelta is one object's change of its live record count within a
// write transaction.
type countDelta struct {
	delta int
	fresh bool // the object had no records at the start (dropped or new)
}

// live reports whether a raw record is counted: it is not marked deleted.
func live(raw []byte) bool {
	deleted := false
	_ = eachField(raw, func(key, val []byte) bool {
		if string(key) == "IsDeleted" {
			deleted = len(val) > 0 && val[0] == 't'
			return false
		}
		return true
	})
	return !deleted
}

// liveDelta is the change of the live count when old (nil: none) is
// replaced by raw (nil: deleted).
func liveDelta(old, raw []byte) int {
	d := 0
	if old != nil && live(old) {
		d--
	}
	if raw != nil && live(raw) {
		d++
	}
	return d
}

// flushCounts writes the counts changed in this transaction. An object
// without a stored count that had records before is counted in full once.
func (w *Writer) flushCounts() error {
	if len(w.counts) == 0 {
		return nil
	}
	cb, err := w.idx.CreateBucketIfNotExists(indexCount)
	if err != nil {
		return fmt.Errorf("create record counts: %w", err)
	}
	for object, d := range w.counts {
		var n int
		switch old := cb.Get([]byte(object)); {
		case d.fresh:
			n = d.delta
		case len(old) == 8:
			n = int(binary.BigEndian.Uint64(old)) + d.delta
		default:
			b, err := w.objectBucket(object, false)
			if err != nil {
				return err
			}
			if b != nil {
				c := b.Cursor()
				for k, v := c.First(); k != nil; k, v = c.Next() {
					if live(v) {
						n++
					}
				}
			}
		}
		if n < 0 {
			// Cannot happen with a sound count; recount rather than store nonsense.
			if err := cb.Delete([]byte(object)); err != nil {
				return fmt.Errorf("reset record count of %s: %w", object, err)
			}
			continue
		}
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], uint64(n))
		if err := cb.Put([]byte(object), buf[:]); err != nil {
			return fmt.Errorf("write record count of %s: %w", object, err)
		}
	}
	w.counts = nil
	return nil
}

// countTx returns the stored live record count of object, if there is one.
func countTx(tx *bolt.Tx, object string) (int, bool) {
	cb := tx.Bucket(bucketIndex).Bucket(indexCount)
	if cb == nil {
		return 0, false
	}
	v := cb.Get([]byte(object))
	if len(v) != 8 {
		return 0, false
	}
	return int(binary.BigEndian.Uint64(v)), true
}

// LiveCount returns the number of cached records of object that are not
// marked deleted, from the stored count when there is one (else by reading
// them).
func (s *Store) LiveCount(object string) (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		var ok bool
		if n, ok = countTx(tx, object); ok {
			return nil
		}
		n = 0
		if b := tx.Bucket(bucketRecords).Bucket([]byte(object)); b != nil {
			c := b.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if live(v) {
					n++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", object, err)
	}
	return n, nil
}
