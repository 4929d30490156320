package store

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// Indexes (sub-buckets of "index"); every key ends in the record's Id and the
// values are empty:
//
//	ref:   OBJECT \0 FIELD \0 PARENT_ID \0 ID   lookups: by account, owner, what, who…
//	stage: OBJECT \0 STAGENAME \0 ID
//	name:  OBJECT \0 lower(Name or Subject) \0 ID
var (
	indexRef   = []byte("ref")
	indexStage = []byte("stage")
	indexName  = []byte("name")
)

// notIndexed are lookup fields nobody browses by; skipping them keeps writes fast.
var notIndexed = map[string]bool{"CreatedById": true, "LastModifiedById": true}

type indexEntry struct {
	bucket []byte
	key    []byte
}

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
	return appendIndexEntries(nil, &keyArena{}, object, id, raw)
}

// keyArena hands out index keys carved from shared chunks: a bulk load
// computes hundreds of thousands of small keys, and one allocation per key
// was most of their cost. A key is never written to once handed out.
type keyArena struct {
	chunk []byte
	// valid remembers the lookup values already checked as Ids (the same
	// owners and parents recur on most records).
	valid map[string]bool
}

// arenaChunk is the size of the chunks keys are carved from.
const arenaChunk = 64 << 10

// alloc returns an empty slice with room for n bytes.
func (a *keyArena) alloc(n int) []byte {
	if a.chunk == nil || cap(a.chunk)-len(a.chunk) < n {
		if n > arenaChunk/8 {
			return make([]byte, 0, n)
		}
		a.chunk = make([]byte, 0, arenaChunk)
	}
	b := a.chunk[len(a.chunk) : len(a.chunk) : len(a.chunk)+n]
	a.chunk = a.chunk[:len(a.chunk)+n]
	return b
}

// join joins parts with NUL bytes, like joinKey.
func (a *keyArena) join(parts ...string) []byte {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
	}
	b := a.alloc(n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// refKey is the ref index key OBJECT \0 FIELD \0 PARENT_ID \0 ID.
func (a *keyArena) refKey(object string, field, parent []byte, id string) []byte {
	b := a.alloc(len(object) + len(field) + len(parent) + len(id) + 3)
	b = append(b, object...)
	b = append(b, 0)
	b = append(b, field...)
	b = append(b, 0)
	b = append(b, parent...)
	b = append(b, 0)
	return append(b, id...)
}

// isID reports whether v (18 characters, unquoted) is a valid Salesforce Id.
func (a *keyArena) isID(v []byte) bool {
	if ok, seen := a.valid[string(v)]; seen {
		return ok
	}
	_, err := sfdc.ParseID(string(v))
	if a.valid == nil {
		a.valid = map[string]bool{}
	}
	a.valid[string(v)] = err == nil
	return err == nil
}

// appendIndexEntries appends the index keys of one record to out, in one
// pass over its fields (and a second one for the phones and e-mails of the
// objects that have them).
func appendIndexEntries(out []indexEntry, a *keyArena, object, id string, raw []byte) ([]indexEntry, error) {
	var name, subject []byte
	err := eachField(raw, func(key, val []byte) bool {
		switch {
		case len(val) == 0 || val[0] != '"' || string(key) == "Id":
		case string(key) == "StageName":
			out = append(out, indexEntry{indexStage, a.join(object, stringField(val), id)})
		case string(key) == "Name":
			name = val
		case string(key) == "Subject":
			subject = val
		case len(val) == 20 && (bytes.HasSuffix(key, []byte("Id")) || bytes.HasSuffix(key, []byte("__c"))) && !notIndexed[string(key)]:
			ref := val[1 : len(val)-1]
			if bytes.IndexByte(ref, '\\') >= 0 {
				// Escapes: decode; an Id has none, so this is rarely one.
				ref = []byte(stringField(val))
				if len(ref) != 15 && len(ref) != 18 {
					break
				}
			}
			if a.isID(ref) {
				out = append(out, indexEntry{indexRef, a.refKey(object, key, ref, id)})
			}
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("index %s %s: %w", object, id, err)
	}
	n := stringField(name)
	if n == "" {
		n = stringField(subject)
	}
	if n != "" {
		out = append(out, indexEntry{indexName, a.join(object, strings.ToLower(n), id)})
	}
	return append(out, reachEntries(object, id, raw)...), nil
}

func (w *Writer) index(object, id string, raw []byte) error {
	entries, err := indexEntries(object, id, raw)
	if err != nil {
		return err
	}
	for _, e := range entries {
		b := w.indexes[string(e.bucket)]
		if b == nil {
			if b, err = w.idx.CreateBucketIfNotExists(e.bucket); err != nil {
				return fmt.Errorf("create index %s: %w", e.bucket, err)
			}
			if w.indexes == nil {
				w.indexes = map[string]*bolt.Bucket{}
			}
			w.indexes[string(e.bucket)] = b
		}
		if err := b.Put(e.key, nil); err != nil {
			return fmt.Errorf("write index %s: %w", e.bucket, err)
		}
	}
	return nil
}

func (w *Writer) unindex(object, id string, raw []byte) error {
	entries, err := indexEntries(object, id, raw)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if b := w.idx.Bucket(e.bucket); b != nil {
			if err := b.Delete(e.key); err != nil {
				return fmt.Errorf("delete index %s: %w", e.bucket, err)
			}
		}
	}
	return nil
}

// prefixIDs returns the Ids (last key part) of index keys starting with prefix.
func (s *Store) prefixIDs(bucket []byte, prefix []byte, limit int) ([]string, error) {
	var ids []string
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIndex).Bucket(bucket)
		if b == nil {
			return nil
		}
		ids = appendPrefixIDs(b, prefix, limit, ids)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", bucket, err)
	}
	return ids, nil
}

func appendPrefixIDs(b *bolt.Bucket, prefix []byte, limit int, ids []string) []string {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if limit > 0 && len(ids) >= limit {
			break
		}
		ids = append(ids, string(k[bytes.LastIndexByte(k, 0)+1:]))
	}
	return ids
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
		got, err := s.prefixIDs(indexRef, append(joinKey(o, field, parentID), 0), 0)
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
	return s.prefixIDs(indexStage, append(joinKey(object, stage), 0), 0)
}

// SearchName returns up to limit Ids (0: no limit) of object's records whose
// Name (or Subject) starts with prefix, case-insensitively, in name order.
func (s *Store) SearchName(object, prefix string, limit int) ([]string, error) {
	return s.prefixIDs(indexName, joinKey(object, strings.ToLower(prefix)), limit)
}

// indexBuckets lists the index kinds; every key of each starts with OBJECT \0.
var indexBuckets = [][]byte{indexRef, indexStage, indexName, indexPhone, indexEmail}

// dropIndexes deletes every index entry of object (a key range per index).
func (w *Writer) dropIndexes(object string) error {
	prefix := append([]byte(object), 0)
	for _, name := range indexBuckets {
		b := w.idx.Bucket(name)
		if b == nil {
			continue
		}
		// Collect the keys, then delete them one by one. Seeking the prefix
		// again after each delete is quadratic: bbolt leaves the emptied
		// leaves in place until commit, and every Seek walks over them
		// (25 s for Task's entries in a scale-12 org's `sync --full`).
		var keys [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return fmt.Errorf("drop %s index of %s: %w", name, object, err)
			}
		}
	}
	return nil
}

// IndexSet collects index entries ahead of a bulk load, so that they can be
// computed off the writing goroutine and inserted once, in key order.
type IndexSet struct {
	keys    map[string][][]byte // index bucket -> keys
	n       int
	arena   keyArena
	entries []indexEntry // scratch for one record's entries
	sorted  bool         // every bucket's keys are in key order
}

// Add computes the index entries of one raw record of object.
func (s *IndexSet) Add(object string, raw []byte) error {
	id, err := recordID(raw)
	if err != nil {
		return fmt.Errorf("index %s record: %w", object, err)
	}
	return s.add(object, id, raw)
}

// add computes the index entries of raw, the record id of object.
func (s *IndexSet) add(object, id string, raw []byte) error {
	entries, err := appendIndexEntries(s.entries[:0], &s.arena, object, id, raw)
	if err != nil {
		return err
	}
	s.entries = entries
	if s.keys == nil {
		s.keys = map[string][][]byte{}
	}
	for _, e := range entries {
		s.keys[string(e.bucket)] = append(s.keys[string(e.bucket)], e.key)
	}
	s.n += len(entries)
	s.sorted = false
	return nil
}

// Merge moves other's entries into s.
func (s *IndexSet) Merge(other *IndexSet) {
	if other == nil {
		return
	}
	if s.keys == nil {
		s.keys = map[string][][]byte{}
	}
	for b, keys := range other.keys {
		s.keys[b] = append(s.keys[b], keys...)
	}
	s.n += other.n
	s.sorted = false
}

// Sort puts the entries in key order, as ReplaceIndexes inserts them:
// sorting first, outside the write transaction, keeps that transaction
// (and the lock that readers of the cache wait on) short.
func (s *IndexSet) Sort() {
	for _, keys := range s.keys {
		slices.SortFunc(keys, bytes.Compare)
	}
	s.sorted = true
}

// Len is the number of entries collected.
func (s *IndexSet) Len() int { return s.n }

// ReplaceIndexes replaces every index entry of object with those of set,
// inserted in key order. set must cover all of object's cached records.
func (w *Writer) ReplaceIndexes(object string, set *IndexSet) error {
	w.changed = true
	if err := w.dropIndexes(object); err != nil {
		return err
	}
	if !set.sorted {
		set.Sort()
	}
	for name, keys := range set.keys {
		ib, err := w.idx.CreateBucketIfNotExists([]byte(name))
		if err != nil {
			return fmt.Errorf("create index %s: %w", name, err)
		}
		ib.FillPercent = bulkFillPercent
		for _, k := range keys {
			if err := ib.Put(k, nil); err != nil {
				return fmt.Errorf("write index %s: %w", name, err)
			}
		}
	}
	return nil
}

// Reindex rebuilds every index entry of object from its cached records, in
// key order (much cheaper than the random inserts of record-by-record
// indexing). Sync uses it after a bulk load done with PutRecordUnindexed
// when it could not collect the entries as the records arrived.
func (w *Writer) Reindex(object string) error {
	w.changed = true
	var set IndexSet
	b, err := w.objectBucket(object, false)
	if err != nil {
		return err
	}
	if b != nil {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := set.add(object, string(k), v); err != nil {
				return err
			}
		}
	}
	return w.ReplaceIndexes(object, &set)
}
