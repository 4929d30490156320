package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	bolt "go.etcd.io/bbolt"
)

// Writer changes the cache inside one bbolt transaction: everything written
// through one Update call is committed together or not at all. Sync writes a
// page of records and its watermark through the same Writer, so a crash can
// never leave a watermark ahead of the data.
type Writer struct {
	tx   *bolt.Tx
	recs *bolt.Bucket
	idx  *bolt.Bucket

	describesChanged bool // the catalog must be rebuilt after commit
	// changed: the transaction may have changed the cached data, so it
	// advances the data generation (snapshot.go). Every write sets it but
	// the sync's bookkeeping (SetLastSync, SetWatermark) and puts that
	// find the record unchanged: an incremental sync that brings nothing
	// keeps the snapshots current.
	changed bool

	objects map[string]*bolt.Bucket // record buckets opened in this transaction
	indexes map[string]*bolt.Bucket // index buckets opened in this transaction
	counts  map[string]*countDelta  // live record counts changed in this transaction
	upper   map[string][]byte       // per object, no key of its bucket sorts after this (appendOnly; nil: empty)
	// indexesCurrent is set once upgradeIndexes has found (or made) the
	// indexes of the current format in this transaction.
	indexesCurrent bool
}

// objectBucket returns object's record bucket, creating it if asked.
func (w *Writer) objectBucket(object string, create bool) (*bolt.Bucket, error) {
	if b := w.objects[object]; b != nil {
		return b, nil
	}
	b := w.recs.Bucket([]byte(object))
	if b == nil {
		if !create {
			return nil, nil
		}
		var err error
		if b, err = w.recs.CreateBucket([]byte(object)); err != nil {
			return nil, fmt.Errorf("create %s bucket: %w", object, err)
		}
		w.count(object, 0, true)
	}
	if w.objects == nil {
		w.objects = map[string]*bolt.Bucket{}
	}
	w.objects[object] = b
	return b, nil
}

// PutResult says what a PutRecord did.
type PutResult int

// PutRecord outcomes.
const (
	Unchanged PutResult = iota // the same version (bytes or SystemModstamp) was already cached
	Created                    // the Id was not cached
	Updated                    // the cached record differed
)

// Update runs fn in one read-write transaction. If fn returns an error
// nothing is written.
func (s *Store) Update(fn func(w *Writer) error) error {
	var w *Writer
	err := s.commit(false, s.timeout, func(tx *bolt.Tx) error {
		w = &Writer{tx: tx, recs: tx.Bucket(bucketRecords), idx: tx.Bucket(bucketIndex)}
		if err := fn(w); err != nil {
			return err
		}
		if err := w.flushCounts(); err != nil {
			return err
		}
		if w.changed {
			return bumpDataGen(tx)
		}
		return nil
	})
	if w != nil && w.describesChanged {
		s.invalidateCatalog()
	}
	return err
}

// PutRecord stores raw, one record as Salesforce sent it (a JSON object with
// at least "Id"), under object, and updates the indexes.
func (w *Writer) PutRecord(object string, raw []byte) (PutResult, error) {
	id, b, err := w.putTarget(object, raw)
	if err != nil {
		return Unchanged, err
	}
	old := b.Get([]byte(id))
	result := Created
	if old != nil {
		if bytes.Equal(old, raw) || sameModstamp(old, raw) {
			return Unchanged, nil
		}
		result = Updated
		if err := w.unindex(object, id, old); err != nil {
			return Unchanged, err
		}
	}
	w.changed = true
	w.count(object, liveDelta(old, raw), false) // before Put: old is in the page
	if err := b.Put([]byte(id), raw); err != nil {
		return Unchanged, fmt.Errorf("put %s %s: %w", object, id, err)
	}
	if err := w.index(object, id, raw); err != nil {
		return Unchanged, err
	}
	return result, nil
}

// putTarget returns the Id of raw, a record to put, and the bucket of
// object, created if need be.
func (w *Writer) putTarget(object string, raw []byte) (string, *bolt.Bucket, error) {
	id, err := recordID(raw)
	if err != nil {
		return "", nil, fmt.Errorf("put %s record: %w", object, err)
	}
	b, err := w.objectBucket(object, true)
	delete(w.upper, object) // the put may go past appendOnly's bound
	return id, b, err
}

// DeleteRecord removes a record and its index entries; it reports whether
// the record was cached.
func (w *Writer) DeleteRecord(object, id string) (bool, error) {
	b, err := w.objectBucket(object, false)
	if b == nil || err != nil {
		return false, err
	}
	old := b.Get([]byte(id))
	if old == nil {
		return false, nil
	}
	w.changed = true
	if err := w.unindex(object, id, old); err != nil {
		return false, err
	}
	w.count(object, liveDelta(old, nil), false)
	if err := b.Delete([]byte(id)); err != nil {
		return false, fmt.Errorf("delete %s %s: %w", object, id, err)
	}
	return true, nil
}

// Modstamp returns the cached SystemModstamp of a record ("" if the record or
// the field is missing).
func (w *Writer) Modstamp(object, id string) string {
	b := w.recs.Bucket([]byte(object))
	if b == nil {
		return ""
	}
	raw := b.Get([]byte(id))
	if raw == nil {
		return ""
	}
	stamp, _ := fieldString(raw, "SystemModstamp")
	return stamp
}

// sameModstamp reports whether two versions of a record carry the same
// non-empty SystemModstamp: Salesforce changes it on every write, so the
// cached version is current (even if the JSON differs in key order).
func sameModstamp(old, raw []byte) bool {
	a, err := ReadStamp(old)
	if err != nil || a.Modstamp == "" {
		return false
	}
	b, err := ReadStamp(raw)
	return err == nil && a.Modstamp == b.Modstamp
}

// recordID reads the "Id" field of a raw record.
func recordID(raw []byte) (string, error) {
	id, err := fieldString(raw, "Id")
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", errors.New("record has no Id")
	}
	return id, nil
}

// Get returns the cached raw JSON of a record.
func (s *Store) Get(object, id string) (raw []byte, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRecords).Bucket([]byte(object)); b != nil {
			if v := b.Get([]byte(id)); v != nil {
				raw, ok = append([]byte(nil), v...), true
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("get %s %s: %w", object, id, err)
	}
	return raw, ok, nil
}

// Lookup finds a record by Id alone, whatever its object.
func (s *Store) Lookup(id string) (object string, raw []byte, ok bool, err error) {
	cat, err := s.loadCatalog()
	if err != nil {
		return "", nil, false, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		var v []byte
		object, v, ok = lookupTx(tx, cat, id)
		raw = append([]byte(nil), v...)
		return nil
	})
	return object, raw, ok, err
}

// lookupTx finds id by its key prefix, falling back to every object bucket.
func lookupTx(tx *bolt.Tx, cat *catalog, id string) (string, []byte, bool) {
	recs := tx.Bucket(bucketRecords)
	if len(id) >= 3 {
		if obj, ok := cat.objectForPrefix(id[:3]); ok {
			if b := recs.Bucket([]byte(obj)); b != nil {
				if v := b.Get([]byte(id)); v != nil {
					return obj, v, true
				}
			}
		}
	}
	var object string
	var found []byte
	_ = recs.ForEachBucket(func(name []byte) error {
		if v := recs.Bucket(name).Get([]byte(id)); v != nil {
			object, found = string(name), v
			return errStop
		}
		return nil
	})
	return object, found, found != nil
}

var errStop = errors.New("stop")

// ForEach calls fn with every cached record of object in Id order until fn
// returns false. raw is only valid during the call.
func (s *Store) ForEach(object string, fn func(id string, raw []byte) bool) error {
	return s.ForEachRaw(object, func(key, raw []byte) bool { return fn(string(key), raw) })
}

// Count returns the number of cached records of object.
func (s *Store) Count(object string) (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRecords).Bucket([]byte(object)); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", object, err)
	}
	return n, nil
}

// Objects lists the objects that have cached records.
func (s *Store) Objects() ([]string, error) {
	var out []string
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).ForEachBucket(func(name []byte) error {
			out = append(out, string(name))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list cached objects: %w", err)
	}
	return out, nil
}

// bulkFillPercent is how full bbolt packs pages of index blocks written in
// key order.
const bulkFillPercent = 0.95

// recordFillPercent is how full bbolt packs pages of records written in Id
// order: as full as they go. (With 4 KiB pages, at 0.95 four records of
// ~950 bytes, the demo org's opportunities, no longer fit under the bound,
// and their pages held three.)
const recordFillPercent = 1.0

// Stamp is what sync needs from a record without decoding it.
type Stamp struct {
	ID        string
	Modstamp  string // SystemModstamp
	IsDeleted bool
}

// ReadStamp reads Id, SystemModstamp and IsDeleted from a raw record,
// stopping as soon as it has them all.
func ReadStamp(raw []byte) (Stamp, error) {
	var st Stamp
	seen := 0
	err := eachField(raw, func(key, val []byte) bool {
		switch string(key) {
		case "Id":
			st.ID = stringField(val)
			seen++
		case "SystemModstamp":
			st.Modstamp = stringField(val)
			seen++
		case "IsDeleted":
			st.IsDeleted = len(val) > 0 && val[0] == 't'
			seen++
		}
		return seen < 3
	})
	if err != nil {
		return st, err
	}
	if st.ID == "" {
		return st, errors.New("record has no Id")
	}
	return st, nil
}

// DropObject removes every cached record of object and marks its index
// entries stale: readers stop using them at once, and the caller drops
// them (DropStaleIndexes) and inserts the new ones (InsertIndexes or
// Reindex) in this or later transactions.
func (w *Writer) DropObject(object string) error {
	w.changed = true
	if err := w.markStale(object); err != nil {
		return err
	}
	b, err := w.objectBucket(object, false)
	if err != nil || b == nil {
		return err
	}
	delete(w.objects, object)
	if err := w.recs.DeleteBucket([]byte(object)); err != nil {
		return fmt.Errorf("drop %s: %w", object, err)
	}
	w.count(object, 0, true)
	return nil
}

// PutRecordUnindexed stores raw like PutRecord but leaves the indexes alone:
// for bulk loads that call Reindex once at the end (in the same or a later
// transaction). Until then the object's indexes are incomplete.
//
// A bulk load writes records in Id order: one scan of raw reads its Id
// and IsDeleted, and a record whose Id sorts after every key of the bucket
// is known to be new without looking it up (see appendOnly).
func (w *Writer) PutRecordUnindexed(object string, raw []byte) (PutResult, error) {
	key, deleted, err := bulkFields(raw)
	if err != nil {
		return Unchanged, fmt.Errorf("put %s record: %w", object, err)
	}
	b, err := w.objectBucket(object, true)
	if err != nil {
		return Unchanged, err
	}
	// Bulk loads arrive in Id order: pack pages full instead of bbolt's
	// default half-full splits (which doubled the file size).
	b.FillPercent = recordFillPercent
	w.changed = true
	result := Created
	var old []byte
	if !w.appendOnly(object, b, key) {
		old = b.Get(key)
	}
	d := 0
	if !deleted {
		d++
	}
	if old != nil {
		result = Updated
		if live(old) {
			d--
		}
	}
	w.count(object, d, false)
	if err := b.Put(key, raw); err != nil {
		return Unchanged, fmt.Errorf("put %s %s: %w", object, key, err)
	}
	return result, nil
}

// appendOnly reports whether key sorts after every key of object's bucket
// b, remembering it as the bucket's new upper bound: the first call of a
// transaction reads the bucket's last key, the next ones of a load in Id
// order compare with the key before. Other writes of records forget the
// bound (putTarget); deletes leave it an upper bound.
func (w *Writer) appendOnly(object string, b *bolt.Bucket, key []byte) bool {
	upper, ok := w.upper[object]
	if !ok {
		last, _ := b.Cursor().Last()
		upper = bytes.Clone(last)
		if w.upper == nil {
			w.upper = map[string][]byte{}
		}
	}
	after := upper == nil || bytes.Compare(key, upper) > 0
	if after {
		upper = key // raw, which key is part of, stays valid for the transaction
	}
	w.upper[object] = upper
	return after
}

// bulkFields reads, in one scan of raw, its Id (a slice of raw unless it
// is escaped) and whether it is deleted ("IsDeleted": true). Like
// PutRecord it needs only a readable Id: a record that does not scan
// after it counts as not deleted.
func bulkFields(raw []byte) (id []byte, deleted bool, err error) {
	if id, deleted, ok := leadingBulkFields(raw); ok {
		return id, deleted, nil
	}
	return scanBulkFields(raw)
}

// scanBulkFields is bulkFields by a scan of raw's fields up to Id and
// IsDeleted, whatever their order.
func scanBulkFields(raw []byte) (id []byte, deleted bool, err error) {
	seen := 0
	err = eachField(raw, func(key, val []byte) bool {
		switch string(key) {
		case "Id":
			id = stringBytes(val)
			seen++
		case "IsDeleted":
			deleted = len(val) > 0 && val[0] == 't'
			seen++
		}
		return seen < 2
	})
	if len(id) == 0 {
		if err == nil {
			err = errors.New("record has no Id")
		}
		return nil, false, err
	}
	return id, deleted, nil
}

// leadingBulkFields reads Id and IsDeleted where a sync's query puts them
// (store/syncer selects Id, SystemModstamp, IsDeleted, then the others):
//
//	{"attributes":{"type":"T","url":"U"},"Id":"ID","SystemModstamp":"S","IsDeleted":B,…
//
// (with or without SystemModstamp) without scanning the rest of raw. ok is
// false for any other shape, and when T, U, ID or S has an escape or a
// control character: bulkFields then scans raw field by field (and finds
// the same Id and IsDeleted when raw has this shape).
func leadingBulkFields(raw []byte) (id []byte, deleted, ok bool) {
	rest, ok := cutPrefix(raw, `{"attributes":{"type":"`)
	if !ok {
		return nil, false, false
	}
	for _, next := range []string{`","url":"`, `"},"Id":"`} {
		if rest, ok = afterPlainString(rest, next); !ok {
			return nil, false, false
		}
	}
	n := plainStringLen(rest)
	if n <= 0 {
		return nil, false, false
	}
	id, rest = rest[:n], rest[n:]
	if stamp, ok := cutPrefix(rest, `","SystemModstamp":"`); ok {
		if n = plainStringLen(stamp); n < 0 {
			return nil, false, false
		}
		rest = stamp[n:]
	}
	rest, ok = cutPrefix(rest, `","IsDeleted":`)
	switch {
	case !ok:
		return nil, false, false
	case len(rest) > 4 && string(rest[:4]) == "true":
		deleted, rest = true, rest[4:]
	case len(rest) > 5 && string(rest[:5]) == "false":
		rest = rest[5:]
	default:
		return nil, false, false
	}
	// The value ends here, as the scan would find.
	return id, deleted, rest[0] == ',' || rest[0] == '}'
}

// afterPlainString skips the body of a string without escapes or control
// characters at the start of b and then next, which must follow it.
func afterPlainString(b []byte, next string) ([]byte, bool) {
	n := plainStringLen(b)
	if n < 0 {
		return nil, false
	}
	return cutPrefix(b[n:], next)
}

// cutPrefix is bytes.CutPrefix with a string prefix.
func cutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return nil, false
	}
	return b[len(prefix):], true
}

// plainStringLen returns the length of the string body at the start of b,
// up to its closing quote, or -1 if it has an escape or a control
// character or is not closed.
func plainStringLen(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		// Flag (high bit) the bytes of the 8 that are '"', '\\' or < 0x20;
		// borrows only propagate upwards, so the lowest flagged byte is
		// a real one.
		const lsb, msb = 0x0101010101010101, 0x8080808080808080
		w := binary.LittleEndian.Uint64(b[i:])
		q, bs := w^(lsb*'"'), w^(lsb*'\\')
		if special := (((q - lsb) &^ q) | ((bs - lsb) &^ bs) | (w - lsb*0x20)) &^ w & msb; special != 0 {
			i += bits.TrailingZeros64(special) >> 3
			if b[i] != '"' {
				return -1
			}
			return i
		}
	}
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i
		case c == '\\' || c < 0x20:
			return -1
		}
	}
	return -1
}

// stringBytes is stringField as bytes: the value's own bytes when it has
// no escapes.
func stringBytes(val []byte) []byte {
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
		return nil
	}
	if body := val[1 : len(val)-1]; simpleString(body) {
		return body
	}
	return []byte(stringField(val))
}

// Unchanged reports whether writing raws (records of object as the server
// sent them) would leave the cache as it is: each one is cached with the
// same bytes or SystemModstamp (PutRecord's Unchanged), or is deleted
// ("IsDeleted": true) and not cached. One read transaction; an incremental
// sync that finds only what it already has writes nothing but its
// watermark.
func (s *Store) Unchanged(object string, raws [][]byte) (bool, error) {
	same := true
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords).Bucket([]byte(object))
		for _, raw := range raws {
			st, err := ReadStamp(raw)
			if err != nil {
				return fmt.Errorf("record from server: %w", err)
			}
			var old []byte
			if b != nil {
				old = b.Get([]byte(st.ID))
			}
			switch {
			case st.IsDeleted:
				same = old == nil
			default:
				same = old != nil && (bytes.Equal(old, raw) || sameModstamp(old, raw))
			}
			if !same {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("compare %s records: %w", object, err)
	}
	return same, nil
}
