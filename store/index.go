package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// Indexes (sub-buckets of "index"); every entry ends in the record's Id,
// and the entries are stored in blocks (see indexblock.go):
//
//	ref2:   OBJECT \0 FIELD \0 PARENT_ID \0 ID   lookups: by account, owner, what, who…
//	stage2: OBJECT \0 STAGENAME \0 ID
//	name2:  OBJECT \0 lower(Name or Subject) \0 ID
//
// Caches written before the blocks have the same entries one bbolt key
// each, in the buckets named without the 2 (legacyIndexBuckets): they are
// converted by UpgradeIndexes, or by the first write to an index.
var (
	indexRef   = []byte("ref2")
	indexStage = []byte("stage2")
	indexName  = []byte("name2")
)

// notIndexed are lookup fields nobody browses by; skipping them keeps writes fast.
var notIndexed = map[string]bool{"CreatedById": true, "LastModifiedById": true}

// notIndexedField is notIndexed[string(key)] without a map lookup (asked
// of every lookup field of every record synced).
func notIndexedField(key []byte) bool {
	switch string(key) {
	case "CreatedById", "LastModifiedById":
		return true
	}
	return false
}

type indexEntry struct {
	kind indexKind
	key  []byte
	at   keyRef // where key is in the arena it was carved from
}

// indexKind is an index: its position in indexBuckets.
type indexKind uint8

const (
	kindRef indexKind = iota
	kindStage
	kindName
	kindPhone
	kindEmail
	numKinds
)

// bucket is the name of kind's bucket.
func (k indexKind) bucket() []byte { return indexBuckets[k] }

// joinKey joins parts with NUL bytes in one allocation.
func joinKey(parts ...string) []byte {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// indexEntries computes the index keys of one record.
func indexEntries(object, id string, raw []byte) ([]indexEntry, error) {
	out, _, err := appendIndexEntries(nil, &keyArena{}, object, []byte(id), raw)
	return out, err
}

// keyArena hands out index keys carved from shared chunks: a bulk load
// computes hundreds of thousands of small keys, and one allocation per key
// was most of their cost. A key is never written to once handed out. The
// arena keeps its chunks (chunks), so that a key can be named by where it
// is (a keyRef, no pointer for the garbage collector to follow) and the
// chunks handed on whole (IndexSet.Merge).
type keyArena struct {
	chunks [][]byte // every chunk, at full length
	fill   int      // the chunk keys are carved from: chunks[fill]
	used   int      // bytes of chunks[fill] handed out
	last   keyRef   // the last key handed out
	nul    bool     // a decoded text with a NUL went into a key (decodedKey)
}

// keyRef is where a key is in its arena: chunks[chunk][off : off+len].
type keyRef struct {
	chunk, off, len uint32
}

// arenaChunk is the size of the chunks keys are carved from.
const arenaChunk = 64 << 10

// alloc returns an empty slice with room for n bytes, the key a.last.
func (a *keyArena) alloc(n int) []byte {
	if len(a.chunks) == 0 || len(a.chunks[a.fill])-a.used < n {
		if n > arenaChunk/8 {
			a.chunks = append(a.chunks, make([]byte, n))
			a.last = keyRef{uint32(len(a.chunks) - 1), 0, uint32(n)}
			return a.chunks[len(a.chunks)-1][:0:n]
		}
		// Chunks grow from 512 bytes: one record's keys (PutRecord) take
		// less than that, a bulk load's soon get whole chunks.
		size := 512
		if len(a.chunks) > 0 {
			size = min(max(2*len(a.chunks[a.fill]), 512), arenaChunk)
		}
		for size < n {
			size *= 2
		}
		a.chunks = append(a.chunks, make([]byte, size))
		a.fill, a.used = len(a.chunks)-1, 0
	}
	a.last = keyRef{uint32(a.fill), uint32(a.used), uint32(n)}
	b := a.chunks[a.fill][a.used : a.used : a.used+n]
	a.used += n
	return b
}

// entry is the index entry of kind whose key, the last one handed out, is
// key.
func (a *keyArena) entry(kind indexKind, key []byte) indexEntry {
	return indexEntry{kind, key, a.last}
}

// arenaKey is the key OBJECT \0 text \0 ID, in a's memory.
func arenaKey[T string | []byte](a *keyArena, object string, text T, id []byte) []byte {
	b := a.alloc(len(object) + len(text) + len(id) + 2)
	b = append(b, object...)
	b = append(b, 0)
	b = append(b, text...)
	b = append(b, 0)
	return append(b, id...)
}

// decodedKey is arenaKey of a text decoded from a JSON string, which may
// hold a NUL (noted in a.nul).
func (a *keyArena) decodedKey(object, text string, id []byte) []byte {
	if strings.IndexByte(text, 0) >= 0 {
		a.nul = true
	}
	return arenaKey(a, object, text, id)
}

// refKey is the ref index key OBJECT \0 FIELD \0 PARENT_ID \0 ID.
func (a *keyArena) refKey(object string, field, parent, id []byte) []byte {
	b := a.alloc(len(object) + len(field) + len(parent) + len(id) + 3)
	b = append(b, object...)
	b = append(b, 0)
	b = append(b, field...)
	b = append(b, 0)
	b = append(b, parent...)
	b = append(b, 0)
	return append(b, id...)
}

// lowerKey is the key OBJECT \0 lower(text) \0 ID of val, a JSON string,
// lowered as strings.ToLower does.
func (a *keyArena) lowerKey(object string, val, id []byte) []byte {
	text := val[1 : len(val)-1]
	if !plainASCII(text) {
		return a.decodedKey(object, strings.ToLower(stringField(val)), id)
	}
	b := a.alloc(len(object) + len(text) + len(id) + 2)
	b = append(b, object...)
	b = append(b, 0)
	b = appendLower(b, text)
	b = append(b, 0)
	return append(b, id...)
}

// appendLower appends text, ASCII, lower-cased.
func appendLower(b, text []byte) []byte {
	for _, c := range text {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// textKey is the key OBJECT \0 text \0 ID of val, a JSON string.
func (a *keyArena) textKey(object string, val, id []byte) []byte {
	text := val[1 : len(val)-1]
	if !simpleString(text) {
		return a.decodedKey(object, stringField(val), id)
	}
	return arenaKey(a, object, text, id)
}

// phoneKey is the key OBJECT \0 'r' reverse(PhoneDigits(text)) \0 ID of
// val, a JSON string; nil when it has fewer than three such digits.
func (a *keyArena) phoneKey(object string, val, id []byte) []byte {
	text := val[1 : len(val)-1]
	var buf [64]byte
	var d []byte
	if plainASCII(text) {
		// Its own value, whose only space strings.TrimSpace can find is ' '.
		d = appendPhoneDigits(buf[:0], bytes.Trim(text, " "))
	} else {
		d = append(buf[:0], PhoneDigits(stringField(val))...)
	}
	if len(d) < 3 {
		return nil
	}
	b := a.alloc(len(object) + len(d) + len(id) + 3)
	b = append(b, object...)
	b = append(b, 0, 'r')
	for i := len(d) - 1; i >= 0; i-- {
		b = append(b, d[i])
	}
	b = append(b, 0)
	return append(b, id...)
}

// appendEmailEntries appends the e-mail entries of val, a JSON string, as
// NormalizeEmail reads it: the address and, when it has a +tag, the
// address without it.
func (a *keyArena) appendEmailEntries(out []indexEntry, object string, val, id []byte) []indexEntry {
	text := val[1 : len(val)-1]
	if !plainASCII(text) {
		if e, canonical, ok := NormalizeEmail(stringField(val)); ok {
			out = appendReach(out, a.entry(kindEmail, a.decodedKey(object, e, id)))
			if canonical != "" {
				out = appendReach(out, a.entry(kindEmail, a.decodedKey(object, canonical, id)))
			}
		}
		return out
	}
	s := bytes.Trim(text, " ")
	at, plus, ok := emailParts(s)
	if !ok {
		return out
	}
	b := a.alloc(len(object) + len(s) + len(id) + 2)
	b = append(b, object...)
	b = append(b, 0)
	b = appendLower(b, s)
	b = append(b, 0)
	out = appendReach(out, a.entry(kindEmail, append(b, id...)))
	if plus > 0 {
		b := a.alloc(len(object) + plus + len(s) - at + len(id) + 2)
		b = append(b, object...)
		b = append(b, 0)
		b = appendLower(b, s[:plus])
		b = appendLower(b, s[at:])
		b = append(b, 0)
		out = appendReach(out, a.entry(kindEmail, append(b, id...)))
	}
	return out
}

// plainASCII reports whether text, a JSON string's body, is ASCII without
// escapes or control characters: its own value, which strings.ToLower and
// strings.TrimSpace treat byte by byte.
func plainASCII(text []byte) bool {
	for _, c := range text {
		if c >= 0x80 || c == '\\' || c < 0x20 {
			return false
		}
	}
	return true
}

// simpleString reports whether text, a JSON string's body, is its value
// (no escapes, no control characters: see unquote).
func simpleString(text []byte) bool {
	for _, c := range text {
		if c == '\\' || c < 0x20 {
			return false
		}
	}
	return true
}

// nonEmptyString reports whether val, a JSON value, is a string that
// stringField reads as non-empty.
func nonEmptyString(val []byte) bool {
	if len(val) < 2 || val[0] != '"' {
		return false
	}
	if simpleString(val[1 : len(val)-1]) {
		return len(val) > 2
	}
	return stringField(val) != ""
}

// The fields index entries are made of (fieldClass).
const (
	fieldOther uint8 = iota
	fieldID
	fieldStage
	fieldName
	fieldSubject
	fieldRef // a lookup, if its value is an Id
	fieldPhone
	fieldEmail
)

// reachObject is reachObjects[object] without a map lookup (asked for
// every record indexed).
func reachObject(object string) bool {
	switch object {
	case "Account", "Contact", "Lead":
		return true
	}
	return false
}

// phoneField is phoneFields[string(key)] without a map lookup (asked of
// the fields of every record of a reachObject).
func phoneField(key []byte) bool {
	switch string(key) {
	case "Phone", "MobilePhone", "HomePhone", "OtherPhone":
		return true
	}
	return false
}

// fieldClass tells which index entries a field with a string value makes
// (reach: the object's phones and e-mails are indexed). Its last byte rules
// out most fields before any comparison.
func fieldClass(key []byte, reach bool) uint8 {
	n := len(key)
	if n < 2 {
		return fieldOther
	}
	switch key[n-1] {
	case 'd': // …Id
		switch {
		case key[n-2] != 'I':
		case n == 2:
			return fieldID
		case !notIndexedField(key):
			return fieldRef
		}
	case 'c': // …__c
		if n >= 3 && key[n-2] == '_' && key[n-3] == '_' {
			return fieldRef
		}
	case 'e':
		switch string(key) {
		case "StageName":
			return fieldStage
		case "Name":
			return fieldName
		}
		if reach && phoneField(key) {
			return fieldPhone
		}
	case 't':
		if string(key) == "Subject" {
			return fieldSubject
		}
	case 'l':
		if reach && string(key) == "Email" {
			return fieldEmail
		}
	}
	return fieldOther
}

// indexField is a field of a record that makes index entries.
type indexField struct {
	class    uint8
	key, val []byte
}

// recordFields gathers, one top-level field at a time, the fields of a
// record that make index entries, and its Id when it is to be read from
// the record.
type recordFields struct {
	reach         bool // object's phones and e-mails are indexed
	needID        bool
	id            []byte
	name, subject []byte
}

// newRecordFields starts gathering the fields of a record of object whose
// Id is id (nil: read from the record, as recordID reads it).
func newRecordFields(object string, id []byte) recordFields {
	return recordFields{reach: reachObject(object), needID: id == nil, id: id}
}

// add notes the field key (unescaped) whose raw value is val. It returns
// the field's class when the caller is to keep it (an indexField, for
// appendFieldEntries), else fieldOther; ok is false when it finds that the
// record has no Id (errNoID). (The fields kept are the caller's, in an
// array on its stack: kept here they would move to the heap.)
func (r *recordFields) add(key, val []byte) (keep uint8, ok bool) {
	if len(val) < 2 || val[0] != '"' {
		return fieldOther, !r.needID || string(key) != "Id"
	}
	switch c := fieldClass(key, r.reach); c {
	case fieldOther:
	case fieldID:
		if r.needID {
			r.needID = false
			if r.id = stringBytes(val); len(r.id) == 0 {
				return fieldOther, false
			}
		}
	case fieldName:
		r.name = val
	case fieldSubject:
		r.subject = val
	case fieldRef:
		if len(val) == 20 {
			return c, true
		}
	default:
		return c, true
	}
	return fieldOther, true
}

// appendIndexEntries appends the index keys of one record to out, in one
// pass over its fields. id is the record's Id; when it is nil, it is read
// from raw as recordID reads it, in the same pass, and returned.
func appendIndexEntries(out []indexEntry, a *keyArena, object string, id, raw []byte) ([]indexEntry, []byte, error) {
	var buf [24]indexField
	fields := buf[:0]
	r := newRecordFields(object, id)
	scan := fieldScan{raw: raw}
	for {
		key, val, ok := scan.next()
		if !ok {
			break
		}
		keep, ok := r.add(key, val)
		if !ok {
			return nil, nil, fmt.Errorf("index %s record: %w", object, errNoID)
		}
		if keep != fieldOther {
			fields = append(fields, indexField{keep, key, val})
		}
	}
	if scan.err != nil {
		if r.needID {
			return nil, nil, fmt.Errorf("index %s record: %w", object, scan.err)
		}
		return nil, nil, fmt.Errorf("index %s %s: %w", object, r.id, scan.err)
	}
	if r.needID {
		return nil, nil, fmt.Errorf("index %s record: %w", object, errNoID)
	}
	return appendFieldEntries(out, a, object, r.id, fields, r.name, r.subject), r.id, nil
}

// appendMemberEntries is appendIndexEntries of the record raw, whose Id is
// read from it, from where its fields are (m), without scanning it.
func appendMemberEntries(out []indexEntry, a *keyArena, object string, m sfdc.Members) ([]indexEntry, []byte, error) {
	var buf [24]indexField
	fields := buf[:0]
	r := newRecordFields(object, nil)
	for j := range m.Len() {
		key, val := m.At(j)
		keep, ok := r.add(key, val)
		if !ok {
			return nil, nil, fmt.Errorf("index %s record: %w", object, errNoID)
		}
		if keep != fieldOther {
			fields = append(fields, indexField{keep, key, val})
		}
	}
	if r.needID {
		return nil, nil, fmt.Errorf("index %s record: %w", object, errNoID)
	}
	return appendFieldEntries(out, a, object, r.id, fields, r.name, r.subject), r.id, nil
}

// appendFieldEntries appends to out the index entries of the record id of
// object whose fields are fields, name and subject (as recordFields
// gathers them).
func appendFieldEntries(out []indexEntry, a *keyArena, object string, id []byte, fields []indexField, name, subject []byte) []indexEntry {
	for _, f := range fields {
		switch f.class {
		case fieldStage:
			out = append(out, a.entry(kindStage, a.textKey(object, f.val, id)))
		case fieldRef:
			ref := f.val[1 : len(f.val)-1]
			if bytes.IndexByte(ref, '\\') >= 0 {
				// Escapes: decode; an Id has none, so this is rarely one.
				ref = []byte(stringField(f.val))
			}
			if sfdc.IsID(ref) {
				out = append(out, a.entry(kindRef, a.refKey(object, f.key, ref, id)))
			}
		case fieldPhone:
			if k := a.phoneKey(object, f.val, id); k != nil {
				out = appendReach(out, a.entry(kindPhone, k))
			}
		case fieldEmail:
			out = a.appendEmailEntries(out, object, f.val, id)
		}
	}
	switch {
	case nonEmptyString(name):
		out = append(out, a.entry(kindName, a.lowerKey(object, name, id)))
	case nonEmptyString(subject):
		out = append(out, a.entry(kindName, a.lowerKey(object, subject, id)))
	}
	return out
}

// errNoID is the error of a record without an Id (see recordID).
var errNoID = errors.New("record has no Id")

// appendReach appends a phone or e-mail entry unless the record has it
// already (two fields with the same number).
func appendReach(out []indexEntry, e indexEntry) []indexEntry {
	if slices.ContainsFunc(out, func(o indexEntry) bool { return o.kind == e.kind && bytes.Equal(o.key, e.key) }) {
		return out
	}
	return append(out, e)
}

// writeEntries notes an indexed write of object and returns the index
// entries of its record id, for index and unindex.
func (w *Writer) writeEntries(object, id string, raw []byte) ([]indexEntry, error) {
	if err := w.upgradeIndexes(); err != nil {
		return nil, err
	}
	if err := w.noteIndexedWrite(object); err != nil {
		return nil, err
	}
	return indexEntries(object, id, raw)
}

func (w *Writer) index(object, id string, raw []byte) error {
	entries, err := w.writeEntries(object, id, raw)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.kind.bucket()
		b := w.indexes[string(name)]
		if b == nil {
			if b, err = w.indexBucket(name); err != nil {
				return err
			}
			if w.indexes == nil {
				w.indexes = map[string]*bolt.Bucket{}
			}
			w.indexes[string(name)] = b
		}
		if err := blockInsert(b, e.key); err != nil {
			return fmt.Errorf("write index %s: %w", name, err)
		}
	}
	return nil
}

func (w *Writer) unindex(object, id string, raw []byte) error {
	entries, err := w.writeEntries(object, id, raw)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if b := w.idx.Bucket(e.kind.bucket()); b != nil {
			if err := blockDelete(b, e.key); err != nil {
				return fmt.Errorf("delete index %s: %w", e.kind.bucket(), err)
			}
		}
	}
	return nil
}

// prefixIDs returns the Ids (last key part) of object's index keys starting
// with prefix.
func (s *Store) prefixIDs(bucket []byte, object string, prefix []byte, limit int) ([]string, error) {
	var ids []string
	err := s.view(func(tx *bolt.Tx) error {
		return eachIndexKey(tx, bucket, object, prefix, func(k []byte) bool {
			if limit > 0 && len(ids) >= limit {
				return false
			}
			ids = append(ids, string(k[bytes.LastIndexByte(k, 0)+1:]))
			return true
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", bucket, err)
	}
	return ids, nil
}

// Related returns the Ids of object's records whose lookup field points at
// parentID, e.g. Related("AccountId", acct, "Contact") or
// Related("OwnerId", me, "Opportunity"). An empty object means any cached
// object.
func (s *Store) Related(field, parentID, object string) ([]string, error) {
	objects := []string{object}
	if object == "" {
		var err error
		if objects, err = s.Objects(); err != nil {
			return nil, err
		}
	}
	var ids []string
	for _, o := range objects {
		got, err := s.prefixIDs(indexRef, o, append(joinKey(o, field, parentID), 0), 0)
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// ByStage returns the Ids of object's records (normally Opportunity) with the
// given StageName.
func (s *Store) ByStage(object, stage string) ([]string, error) {
	return s.prefixIDs(indexStage, object, append(joinKey(object, stage), 0), 0)
}

// SearchName returns up to limit Ids (0: no limit) of object's records whose
// Name (or Subject) starts with prefix, case-insensitively, in name order.
func (s *Store) SearchName(object, prefix string, limit int) ([]string, error) {
	return s.prefixIDs(indexName, object, joinKey(object, strings.ToLower(prefix)), limit)
}

// indexBuckets lists the index kinds; every key of each starts with OBJECT \0.
var indexBuckets = [][]byte{indexRef, indexStage, indexName, indexPhone, indexEmail}

// indexStale (a sub-bucket of "index") names the objects whose index
// entries are being rebuilt: a full pass drops an object's records in its
// first commit and marks the object here, and the commits after it drop
// the old entries and insert the new ones in bounded steps (see
// DropStaleIndexes and InsertIndexes), so that no transaction, and no
// reader waiting on it, grows with the cache. Until the mark is cleared,
// in the transaction that inserts the last entry, the object's index
// entries are incomplete: readers answer from its records instead (see
// indexReady and eachIndexKey).
var indexStale = []byte("stale")

// indexReady reports whether object's index entries in tx are complete.
func indexReady(tx *bolt.Tx, object string) bool {
	idx := tx.Bucket(bucketIndex)
	if hasLegacyIndex(idx) {
		return false
	}
	b := idx.Bucket(indexStale)
	return b == nil || b.Get([]byte(object)) == nil
}

// IndexesReady reports whether object's index entries are complete (no
// rebuild of them is under way or was interrupted).
func (s *Store) IndexesReady(object string) (bool, error) {
	ready := true
	err := s.view(func(tx *bolt.Tx) error {
		ready = indexReady(tx, object)
		return nil
	})
	return ready, err
}

// eachIndexKey calls fn with every key of the index bucket that starts
// with prefix (which starts with OBJECT \0), in key order, until fn returns
// false; k is valid only until fn returns. While object's entries are being rebuilt it computes them from
// object's records instead, so that a reader never sees half an index.
func eachIndexKey(tx *bolt.Tx, bucket []byte, object string, prefix []byte, fn func(k []byte) bool) error {
	if !indexReady(tx, object) {
		keys, err := computedIndexKeys(tx, bucket, object, prefix)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if !fn(k) {
				return nil
			}
		}
		return nil
	}
	b := tx.Bucket(bucketIndex).Bucket(bucket)
	if b == nil {
		return nil
	}
	return scanBlocks(b, prefix, fn)
}

// computedIndexKeys computes, from object's cached records, the keys of
// bucket under prefix that a complete index would hold, in key order.
func computedIndexKeys(tx *bolt.Tx, bucket []byte, object string, prefix []byte) ([][]byte, error) {
	b := tx.Bucket(bucketRecords).Bucket([]byte(object))
	if b == nil {
		return nil, nil
	}
	var (
		a       keyArena
		entries []indexEntry
		keys    [][]byte
	)
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var err error
		if entries, _, err = appendIndexEntries(entries[:0], &a, object, k, v); err != nil {
			return nil, err
		}
		for _, e := range entries {
			if bytes.Equal(e.kind.bucket(), bucket) && bytes.HasPrefix(e.key, prefix) {
				keys = append(keys, e.key)
			}
		}
	}
	slices.SortFunc(keys, bytes.Compare)
	return keys, nil
}

// The values of an object's stale mark: its index is being rebuilt from
// entries computed from its records (markRebuilding); a record of it was
// written with its entries meanwhile, by another process's edit say, so the
// computed entries may no longer match the records (markChanged).
const (
	markRebuilding byte = 1
	markChanged    byte = 2
)

// markStale marks object's index entries as being rebuilt.
func (w *Writer) markStale(object string) error {
	b, err := w.idx.CreateBucketIfNotExists(indexStale)
	if err != nil {
		return fmt.Errorf("mark the indexes of %s stale: %w", object, err)
	}
	return b.Put([]byte(object), []byte{markRebuilding})
}

// noteIndexedWrite records, when object's index is being rebuilt, that one
// of its records was written with its entries: the entries being inserted
// were computed before, so InsertIndexes rebuilds them from the records
// once it is done.
func (w *Writer) noteIndexedWrite(object string) error {
	b := w.idx.Bucket(indexStale)
	if b == nil {
		return nil
	}
	if v := b.Get([]byte(object)); v == nil || v[0] == markChanged {
		return nil
	}
	if err := b.Put([]byte(object), []byte{markChanged}); err != nil {
		return fmt.Errorf("mark the indexes of %s changed: %w", object, err)
	}
	return nil
}

// DropStaleIndexes marks object's index entries stale (as DropObject does,
// if they are not yet) and deletes up to max of them; it returns how many
// it deleted: 0 when none are left.
func (w *Writer) DropStaleIndexes(object string, max int) (int, error) {
	w.changed = true
	if err := w.upgradeIndexes(); err != nil {
		return 0, err
	}
	if indexReady(w.tx, object) {
		if err := w.markStale(object); err != nil {
			return 0, err
		}
	}
	prefix := append([]byte(object), 0)
	n := 0
	for _, name := range indexBuckets {
		b := w.idx.Bucket(name)
		if b == nil {
			continue
		}
		got, err := dropBlocks(b, prefix, max-n)
		if err != nil {
			return n, fmt.Errorf("drop %s index of %s: %w", name, object, err)
		}
		n += got
		if n >= max {
			break
		}
	}
	return n, nil
}

// IndexPos is how far InsertIndexes got through an IndexSet.
type IndexPos struct {
	bucket, key int
	n           int // entries inserted before it
}

// Inserted is the number of entries of the set before p.
func (p IndexPos) Inserted() int { return p.n }

// InsertIndexes inserts, in key order, up to max entries of set after pos
// as object's index entries, and returns the position reached. When that
// is the end of set, it clears object's stale mark in the same
// transaction (done): the index is complete; if a record of object was
// written with its entries meanwhile (noteIndexedWrite), set may be out of
// date and the index is rebuilt from the records instead, in that same
// transaction. Drop the stale entries first
// (DropStaleIndexes until it returns 0); set must cover all of object's
// cached records.
func (w *Writer) InsertIndexes(object string, set *IndexSet, pos IndexPos, max int) (next IndexPos, done bool, err error) {
	w.changed = true
	if err := w.upgradeIndexes(); err != nil {
		return pos, false, err
	}
	if !set.sorted {
		set.Sort()
	}
	n := 0
	for {
		for pos.bucket < int(numKinds) && pos.key == len(set.refs[pos.bucket]) {
			pos = IndexPos{bucket: pos.bucket + 1, n: pos.n}
		}
		if pos.bucket == int(numKinds) || n >= max {
			break
		}
		refs := set.refs[pos.bucket]
		name := indexKind(pos.bucket).bucket()
		ib, err := w.indexBucket(name)
		if err != nil {
			return pos, false, err
		}
		step := min(len(refs)-pos.key, max-n)
		if err := bulkBlocks(ib, keyList{set.arena.chunks, refs[pos.key : pos.key+step]}); err != nil {
			return pos, false, fmt.Errorf("write index %s: %w", name, err)
		}
		pos.key += step
		pos.n += step
		n += step
	}
	if pos.bucket < int(numKinds) {
		return pos, false, nil
	}
	if b := w.idx.Bucket(indexStale); b != nil {
		if v := b.Get([]byte(object)); v != nil && v[0] == markChanged {
			// A record changed after set was computed: set may hold an
			// entry of its old version. Rebuild from the records, in this
			// transaction (rare: an edit during a full pass's last steps).
			return pos, true, w.Reindex(object)
		}
		if err := b.Delete([]byte(object)); err != nil {
			return pos, false, fmt.Errorf("mark the indexes of %s complete: %w", object, err)
		}
	}
	return pos, true, nil
}

// IndexSet collects index entries ahead of a bulk load, so that they can be
// computed off the writing goroutine and inserted once, in key order. It
// holds no pointer per entry (the garbage collector scans its chunks'
// headers only): the keys are in its arena's chunks, an entry is where its
// key is (a keyRef).
type IndexSet struct {
	arena   keyArena
	refs    [numKinds][]keyRef   // by index: the entries added, or all of them once sorted
	runs    [numKinds][][]keyRef // by index: the entries of the sets merged in
	n       int
	entries []indexEntry // scratch for one record's entries
	sorted  bool         // every bucket's entries are in refs, in key order

	// The Ids of the first and the last record added; unordered when a
	// record was added after one with a greater Id, or an entry has a NUL
	// where its key's parts have none: else each index's entries with the
	// same head (the key up to its last NUL) are in key order already, in
	// the order they were added (runs, then refs), which Sort keeps.
	firstID, lastID []byte
	unordered       bool
	object          string // the last object added, checked for a NUL
}

// refRun is the most entries an IndexSet's refs grow to before it starts
// another run of them.
const refRun = 4096

// Add computes the index entries of one raw record of object.
func (s *IndexSet) Add(object string, raw []byte) error {
	return s.add(object, nil, raw)
}

// AddMembers is Add of a record whose top-level fields are m (see
// sfdc.QueryPage.Members): the same entries, or error, from where its
// fields are, without scanning the record again.
func (s *IndexSet) AddMembers(object string, m sfdc.Members) error {
	entries, id, err := appendMemberEntries(s.entries[:0], &s.arena, object, m)
	if err != nil {
		return err
	}
	s.note(object, id, entries)
	return nil
}

// add computes the index entries of raw, the record id of object (nil:
// read from raw).
func (s *IndexSet) add(object string, id, raw []byte) error {
	entries, id, err := appendIndexEntries(s.entries[:0], &s.arena, object, id, raw)
	if err != nil {
		return err
	}
	for _, e := range entries {
		// A field name read by scanning may have had escapes: one for a
		// NUL gives its ref key a fourth.
		if e.kind == kindRef && bytes.Count(e.key, []byte{0}) != 3 {
			s.unordered = true
		}
	}
	s.note(object, id, entries)
	return nil
}

// note adds entries, those of the record id of object, to the set's.
func (s *IndexSet) note(object string, id []byte, entries []indexEntry) {
	s.entries = entries
	if !s.unordered {
		s.noteOrder(object, id)
	}
	for _, e := range entries {
		refs := s.refs[e.kind]
		if len(refs) == cap(refs) {
			// Full: grow up to refRun entries, then start another run
			// (Sort joins them), so that a set's refs are not copied over
			// and over as they grow.
			if len(refs) >= refRun {
				s.runs[e.kind] = append(s.runs[e.kind], refs)
				refs = nil
			}
			refs = slices.Grow(refs, min(max(2*len(refs), 64), refRun)-len(refs))
		}
		s.refs[e.kind] = append(refs, e.at)
	}
	s.n += len(entries)
	s.sorted = false
}

// noteOrder notes whether the entries of the record id of object, added
// after the set's, keep them in Id order (see IndexSet.unordered). A key's
// parts hold no NUL of their own: the texts and Ids read from JSON
// strings without escapes have no control character, an Id read as a
// parent is alphanumeric, a field name from Members has no escapes, and
// the rest is checked where it is decoded (keyArena.nul) or here.
func (s *IndexSet) noteOrder(object string, id []byte) {
	if object != s.object {
		if strings.IndexByte(object, 0) >= 0 {
			s.unordered = true
		}
		s.object = object
	}
	switch {
	case s.firstID == nil:
		s.firstID = bytes.Clone(id)
	case bytes.Compare(id, s.lastID) < 0:
		s.unordered = true
	}
	s.lastID = append(s.lastID[:0], id...)
	if bytes.IndexByte(id, 0) >= 0 {
		s.unordered = true
	}
}

// addBucket computes the index entries of every record in b, object's
// records bucket (nil has none).
func (s *IndexSet) addBucket(object string, b *bolt.Bucket) error {
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := s.add(object, k, v); err != nil {
			return err
		}
	}
	return nil
}

// Merge moves other's entries into s, and empties other: its chunks of
// keys become s's, its entries are renumbered in place and kept as runs
// until Sort; no key is copied.
func (s *IndexSet) Merge(other *IndexSet) {
	if other == nil || other == s {
		return
	}
	base := uint32(len(s.arena.chunks))
	s.arena.chunks = append(s.arena.chunks, other.arena.chunks...)
	// other's entries follow s's: s's own become a run first.
	for kind, refs := range s.refs {
		if len(refs) > 0 {
			s.runs[kind] = append(s.runs[kind], refs)
			s.refs[kind] = nil
		}
	}
	switch {
	case other.firstID == nil:
	case s.firstID == nil:
		s.firstID = other.firstID
		s.lastID = other.lastID
	default:
		if bytes.Compare(other.firstID, s.lastID) < 0 {
			s.unordered = true
		}
		s.lastID = other.lastID
	}
	s.unordered = s.unordered || other.unordered || other.arena.nul
	for kind := range other.refs {
		runs := other.runs[kind]
		if len(other.refs[kind]) > 0 {
			runs = append(runs, other.refs[kind])
		}
		for _, run := range runs {
			for i := range run {
				run[i].chunk += base
			}
			s.runs[kind] = append(s.runs[kind], run)
		}
	}
	s.n += other.n
	s.sorted = false
	*other = IndexSet{}
}

// Sort puts the entries in key order, as InsertIndexes inserts them:
// sorting first, outside the write transaction, keeps that transaction
// (and the lock that readers of the cache wait on) short.
func (s *IndexSet) Sort() {
	longest := 0
	for kind := range s.refs {
		if runs := s.runs[kind]; len(runs) > 0 {
			n := len(s.refs[kind])
			for _, run := range runs {
				n += len(run)
			}
			all := make([]keyRef, 0, n)
			for _, run := range runs {
				all = append(all, run...)
			}
			all = append(all, s.refs[kind]...)
			s.refs[kind], s.runs[kind] = all, nil
		}
		longest = max(longest, len(s.refs[kind]))
	}
	tmp := make([]keyRef, longest)
	for _, refs := range s.refs {
		sortRefs(s.arena.chunks, refs, tmp, !s.unordered && !s.arena.nul)
	}
	s.sorted = true
}

// Len is the number of entries collected.
func (s *IndexSet) Len() int { return s.n }

// IndexSetOf computes the index entries of object's cached records, sorted:
// for InsertIndexes after a bulk load whose entries were not collected as
// the records arrived (a resumed full pass). One read transaction.
func (s *Store) IndexSetOf(object string) (*IndexSet, error) {
	set := &IndexSet{}
	err := s.view(func(tx *bolt.Tx) error {
		return set.addBucket(object, tx.Bucket(bucketRecords).Bucket([]byte(object)))
	})
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", object, err)
	}
	set.Sort()
	return set, nil
}

// ReplaceIndexes replaces every index entry of object with those of set,
// inserted in key order, in this one transaction (a sync does it in
// bounded steps: DropStaleIndexes and InsertIndexes). set must cover all
// of object's cached records.
func (w *Writer) ReplaceIndexes(object string, set *IndexSet) error {
	if err := w.markStale(object); err != nil {
		return err
	}
	for {
		n, err := w.DropStaleIndexes(object, 1<<16)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	_, _, err := w.InsertIndexes(object, set, IndexPos{}, set.Len())
	return err
}

// Reindex rebuilds every index entry of object from its cached records, in
// key order (much cheaper than the random inserts of record-by-record
// indexing), in this one transaction.
func (w *Writer) Reindex(object string) error {
	w.changed = true
	var set IndexSet
	b, err := w.objectBucket(object, false)
	if err != nil {
		return err
	}
	if err := set.addBucket(object, b); err != nil {
		return err
	}
	return w.ReplaceIndexes(object, &set)
}
