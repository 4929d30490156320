package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

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
	if err := w.flushGens(); err != nil {
		return err
	}
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
			n = countLive(b)
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

// countLive counts the records in b, an object's records bucket (nil has
// none), that are not marked deleted.
func countLive(b *bolt.Bucket) int {
	if b == nil {
		return 0
	}
	n := 0
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if live(v) {
			n++
		}
	}
	return n
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
		n = countLive(tx.Bucket(bucketRecords).Bucket([]byte(object)))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", object, err)
	}
	return n, nil
}

// Per-object data generations: the index sub-bucket "gen" maps an object's
// lower-case name to the data generation (snapshot.go) of the last write
// transaction that changed its records, so that a reader keeping decoded
// records (Resident) drops only the objects a write changed. The objects a
// transaction changed are those it counted (Writer.count: every put,
// delete and drop of a record). Two more keys make the map trustworthy:
//
//   - genAt: the data generation after the last write that recorded its
//     objects. When it is not the current data generation, some write
//     since did not record them (an older lazyforce, Reset, any write
//     outside Writer): the per-object generations say nothing and a reader
//     falls back to the whole-cache data generation.
//   - genBase: the data generation from which the map is complete. The
//     first recording write after such an unrecorded one (or on a cache
//     without the map) sets it to its own generation: whatever a reader
//     kept from before is stale as a whole.
var (
	indexGen = []byte("gen")
	genAt    = []byte("\x00at")
	genBase  = []byte("\x00base")
)

// flushGens records the objects this transaction changed at the data
// generation Update is about to advance to (before flushCounts forgets
// them). Nothing when the transaction does not advance it.
func (w *Writer) flushGens() error {
	if !w.changed || w.tx.Bucket(bucketMeta) == nil {
		return nil
	}
	cur := dataGen(w.tx)
	var next [8]byte
	binary.BigEndian.PutUint64(next[:], cur+1)
	gb, err := w.idx.CreateBucketIfNotExists(indexGen)
	if err != nil {
		return fmt.Errorf("create object generations: %w", err)
	}
	at := gb.Get(genAt)
	if len(at) != 8 || binary.BigEndian.Uint64(at) != cur || len(gb.Get(genBase)) != 8 {
		if err := gb.Put(genBase, next[:]); err != nil {
			return fmt.Errorf("write object generations: %w", err)
		}
	}
	for object := range w.counts {
		if err := gb.Put([]byte(strings.ToLower(object)), next[:]); err != nil {
			return fmt.Errorf("write the generation of %s: %w", object, err)
		}
	}
	if err := gb.Put(genAt, next[:]); err != nil {
		return fmt.Errorf("write object generations: %w", err)
	}
	return nil
}

// objectGens is what a read transaction says about the per-object
// generations: ok when they are trustworthy (see indexGen), then base and
// each recorded object's generation (lower-case names).
type objectGens struct {
	ok   bool
	base uint64
	objs map[string]uint64
}

// readGens reads tx's per-object generations; gen is its data generation.
func readGens(tx *bolt.Tx, gen uint64) objectGens {
	idx := tx.Bucket(bucketIndex)
	if idx == nil || gen == 0 {
		return objectGens{}
	}
	gb := idx.Bucket(indexGen)
	if gb == nil {
		return objectGens{}
	}
	at, base := gb.Get(genAt), gb.Get(genBase)
	if len(at) != 8 || len(base) != 8 || binary.BigEndian.Uint64(at) != gen {
		return objectGens{}
	}
	g := objectGens{ok: true, base: binary.BigEndian.Uint64(base), objs: map[string]uint64{}}
	c := gb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) == 8 && !bytes.HasPrefix(k, []byte{0}) {
			g.objs[string(k)] = binary.BigEndian.Uint64(v)
		}
	}
	return g
}
