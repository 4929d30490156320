package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Index blocks: an index bucket does not hold one bbolt key per entry but
// blocks of consecutive entries of one object. A block's bbolt key is its
// last entry; its value encodes the entries before it, in key order, each
// as the length of the prefix it shares with the entry before it, the
// length of the rest and the rest (two uvarints and the bytes):
//
//	key:   ENTRY_n
//	value: 0 len(ENTRY_1) ENTRY_1  shared(ENTRY_2, ENTRY_1) len(rest) rest … (up to ENTRY_n-1)
//
// Blocks do not overlap and never hold entries of two objects: every entry
// of a block starts with the OBJECT \0 of its key. Keyed by their last
// entry, the block of an entry is the first one a Seek finds (bbolt's Prev
// and Last are unreliable over the leaves emptied earlier in a
// transaction; a block is never looked for through them, see blockInsert).
// Every index bucket ends with blockEnd, so that a Seek past an object's
// last block finds a key. A bulk load writes a block per blockFill bytes
// of entries (one bbolt Put where there were hundreds, and a fraction of
// the bytes: the entries of one parent share everything but their Id); an
// entry added or removed later rewrites its block, split in two once it
// outgrows blockSplit.
const (
	blockFill  = 1800 // bytes of entries in a bulk-loaded block: two blocks a 4 KiB page
	blockSplit = 3600 // a block grown past this is split in two
)

// blockEnd is the last key of every index bucket, after every block (an
// entry starts with an object's name).
var blockEnd = []byte{0xff}

var errBadBlock = errors.New("damaged index block")

// blockIter walks the entries of one block: key is the current entry,
// valid until the next call of next.
type blockIter struct {
	last, rest []byte
	key        []byte
	done       bool
	err        error
}

// iterBlock starts an iteration over the block with bbolt key k and value
// v; buf is reused for the entries.
func iterBlock(k, v, buf []byte) blockIter {
	return blockIter{last: k, rest: v, key: buf[:0]}
}

// next moves to the next entry; false at the end or on damage (err).
func (it *blockIter) next() bool {
	if len(it.rest) == 0 {
		if it.done {
			return false
		}
		it.done = true
		it.key = append(it.key[:0], it.last...)
		return true
	}
	shared, n := binary.Uvarint(it.rest)
	if n <= 0 || shared > uint64(len(it.key)) {
		it.err = errBadBlock
		return false
	}
	it.rest = it.rest[n:]
	l, n := binary.Uvarint(it.rest)
	if n <= 0 || l > uint64(len(it.rest)-n) {
		it.err = errBadBlock
		return false
	}
	it.rest = it.rest[n:]
	it.key = append(it.key[:shared], it.rest[:l]...)
	it.rest = it.rest[l:]
	return true
}

// blockEntries returns the entries of a block, copied (into one buffer).
func blockEntries(k, v []byte) ([][]byte, error) {
	buf := make([]byte, 0, 2*(len(k)+len(v)))
	var ends []int
	it := iterBlock(k, v, nil)
	for it.next() {
		buf = append(buf, it.key...)
		ends = append(ends, len(buf))
	}
	out := make([][]byte, len(ends))
	start := 0
	for i, end := range ends {
		out[i] = buf[start:end:end]
		start = end
	}
	return out, it.err
}

// blockFirst returns the first entry of a block.
func blockFirst(k, v []byte) ([]byte, error) {
	it := iterBlock(k, v, nil)
	it.next()
	return it.key, it.err
}

// blockLen counts the entries of a block.
func blockLen(k, v []byte) (int, error) {
	n := 0
	it := iterBlock(k, v, nil)
	for it.next() {
		n++
	}
	return n, it.err
}

// appendBlockEntry appends key, encoded after prev, to dst.
func appendBlockEntry(dst, prev, key []byte) []byte {
	return appendSharedEntry(dst, key, commonPrefix(prev, key, 0, min(len(prev), len(key))))
}

// appendSharedEntry appends key, whose first shared bytes are those of the
// entry before it, to dst.
func appendSharedEntry(dst, key []byte, shared int) []byte {
	dst = binary.AppendUvarint(dst, uint64(shared))
	dst = binary.AppendUvarint(dst, uint64(len(key)-shared))
	return append(dst, key[shared:]...)
}

// blockValue encodes the entries before the last of a block.
func blockValue(keys [][]byte) []byte {
	v := []byte{}
	var prev []byte
	for _, k := range keys[:len(keys)-1] {
		v = appendBlockEntry(v, prev, k)
		prev = k
	}
	return v
}

// objectPrefix is OBJECT \0, the start of an entry (all of it if it has
// no NUL).
func objectPrefix(key []byte) []byte {
	if i := bytes.IndexByte(key, 0); i >= 0 {
		return key[:i+1]
	}
	return key
}

// indexBucket returns the index bucket name of w, created (with its
// blockEnd) if need be.
func (w *Writer) indexBucket(name []byte) (*bolt.Bucket, error) {
	if b := w.idx.Bucket(name); b != nil {
		return b, nil
	}
	b, err := w.idx.CreateBucket(name)
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", name, err)
	}
	if err := b.Put(blockEnd, []byte{}); err != nil {
		return nil, fmt.Errorf("create index %s: %w", name, err)
	}
	return b, nil
}

// putBlocks writes keys (sorted, one object's, none of them in another
// block of b) as blocks of b, in place of the block old (nil: none).
func putBlocks(b *bolt.Bucket, old []byte, keys [][]byte) error {
	if old != nil && (len(keys) == 0 || !bytes.Equal(old, keys[len(keys)-1])) {
		if err := b.Delete(old); err != nil {
			return err
		}
	}
	if len(keys) == 0 {
		return nil
	}
	v := blockValue(keys)
	if len(v) > blockSplit && len(keys) > 2 {
		half := len(keys) / 2
		if err := b.Put(keys[half-1], blockValue(keys[:half])); err != nil {
			return err
		}
		return b.Put(keys[len(keys)-1], blockValue(keys[half:]))
	}
	return b.Put(keys[len(keys)-1], v)
}

// blockWalk finds an entry in a block without decoding all of it: the
// first entry not before a key, the entry before it, and where each is
// encoded in the block's value (len(v) for the last entry, the key).
type blockWalk struct {
	cur, prev             []byte
	start, end, prevStart int
	found                 bool // an entry not before the key
}

// walkBlock walks the block (k, v) to the first entry not before key.
func walkBlock(k, v, key []byte) (blockWalk, error) {
	var w blockWalk
	it := iterBlock(k, v, make([]byte, 0, 2*len(k)))
	w.prev = make([]byte, 0, 2*len(k))
	for {
		start := len(v) - len(it.rest)
		if !it.next() {
			return w, it.err
		}
		if bytes.Compare(it.key, key) >= 0 {
			w.cur, w.start, w.end, w.found = it.key, start, len(v)-len(it.rest), true
			return w, nil
		}
		w.prev, w.prevStart = append(w.prev[:0], it.key...), start
	}
}

// next moves w to the entry after w.cur (found false after the last).
func (w *blockWalk) next(k, v []byte) error {
	if w.start == len(v) {
		w.found = false
		return nil
	}
	it := iterBlock(k, v[w.end:], nil)
	it.key = append(it.key, w.cur...)
	w.prev, w.prevStart = w.cur, w.start
	start := w.end
	if !it.next() {
		return it.err
	}
	w.cur, w.start, w.end = it.key, start, len(v)-len(it.rest)
	return nil
}

// splice returns v with the bytes from start to end replaced by the
// entries keys, encoded after prev (a new slice: bbolt keeps values).
func splice(v []byte, start, end int, prev []byte, keys ...[]byte) []byte {
	out := make([]byte, 0, len(v)+64)
	out = append(out, v[:start]...)
	for _, k := range keys {
		out = appendBlockEntry(out, prev, k)
		prev = k
	}
	return append(out, v[end:]...)
}

// blockInsert adds key to the index bucket b.
func blockInsert(b *bolt.Bucket, key []byte) error {
	obj := objectPrefix(key)
	c := b.Cursor()
	k, v := c.Seek(key)
	if k != nil && bytes.HasPrefix(k, obj) {
		// The first block whose last entry is not before key.
		if bytes.Equal(k, key) {
			return nil
		}
		w, err := walkBlock(k, v, key)
		if err != nil {
			return fmt.Errorf("%w %q", err, k)
		}
		if bytes.Equal(w.cur, key) {
			return nil
		}
		var nv []byte
		if w.start == len(v) {
			nv = splice(v, len(v), len(v), w.prev, key) // before the last
		} else {
			nv = splice(v, w.start, w.end, w.prev, key, w.cur)
		}
		if len(nv) <= blockSplit {
			return b.Put(k, nv)
		}
		keys, err := blockEntries(k, v)
		if err != nil {
			return fmt.Errorf("%w %q", err, k)
		}
		i, _ := slices.BinarySearchFunc(keys, key, bytes.Compare)
		return putBlocks(b, bytes.Clone(k), slices.Insert(keys, i, bytes.Clone(key)))
	}
	// After the object's last block: key becomes that block's last entry
	// (its own block when Prev does not find it, which is as correct).
	if k != nil {
		if pk, pv := c.Prev(); pk != nil && bytes.HasPrefix(pk, obj) && bytes.Compare(pk, key) < 0 {
			keys, err := blockEntries(pk, pv)
			if err != nil {
				return fmt.Errorf("%w %q", err, pk)
			}
			return putBlocks(b, bytes.Clone(pk), append(keys, bytes.Clone(key)))
		}
	}
	return b.Put(key, []byte{})
}

// blockDelete removes key from the index bucket b, if it is there.
func blockDelete(b *bolt.Bucket, key []byte) error {
	k, v := b.Cursor().Seek(key)
	if k == nil || !bytes.HasPrefix(k, objectPrefix(key)) {
		return nil
	}
	w, err := walkBlock(k, v, key)
	if err != nil {
		return fmt.Errorf("%w %q", err, k)
	}
	if !w.found || !bytes.Equal(w.cur, key) {
		return nil
	}
	if w.start == len(v) {
		// The last entry, the block's key: the one before takes its place.
		old := bytes.Clone(k)
		if len(w.prev) > 0 {
			if err := b.Put(w.prev, splice(v, w.prevStart, len(v), nil)); err != nil {
				return err
			}
		}
		return b.Delete(old)
	}
	start, prev := w.start, w.prev
	if err := w.next(k, v); err != nil {
		return fmt.Errorf("%w %q", err, k)
	}
	if w.start == len(v) {
		return b.Put(k, splice(v, start, len(v), nil))
	}
	return b.Put(k, splice(v, start, w.end, prev, w.cur))
}

// scanBlocks calls fn with every entry of the index bucket b that starts
// with prefix (which starts with OBJECT \0, or is empty), in key order,
// until fn returns false. k is valid only until fn returns.
func scanBlocks(b *bolt.Bucket, prefix []byte, fn func(k []byte) bool) error {
	obj := objectPrefix(prefix)
	var buf []byte
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, obj) && !bytes.Equal(k, blockEnd); k, v = c.Next() {
		it := iterBlock(k, v, buf)
		for it.next() {
			if !bytes.HasPrefix(it.key, prefix) {
				if bytes.Compare(it.key, prefix) > 0 {
					return nil
				}
				continue
			}
			if !fn(it.key) {
				return nil
			}
		}
		if it.err != nil {
			return fmt.Errorf("%w %q", it.err, k)
		}
		buf = it.key
	}
	return nil
}

// dropBlocks deletes the blocks of object prefix obj (OBJECT \0) from b,
// whole blocks until at least max entries are deleted; it returns how many.
func dropBlocks(b *bolt.Bucket, obj []byte, max int) (int, error) {
	// Collect the blocks, then delete them: seeking again after each
	// delete walks over the emptied leaves bbolt keeps until commit.
	var keys [][]byte
	n := 0
	c := b.Cursor()
	for k, v := c.Seek(obj); k != nil && bytes.HasPrefix(k, obj) && n < max; k, v = c.Next() {
		l, err := blockLen(k, v)
		if err != nil {
			return 0, fmt.Errorf("%w %q", err, k)
		}
		keys = append(keys, bytes.Clone(k))
		n += l
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// keyList is index entries: keys in chunks (a keyArena's), in key order.
type keyList struct {
	chunks [][]byte
	refs   []keyRef
}

// at is the i-th key.
func (l keyList) at(i int) []byte {
	r := l.refs[i]
	return l.chunks[r.chunk][r.off : r.off+r.len : r.off+r.len]
}

// keyListOf is keys as a keyList.
func keyListOf(keys [][]byte) keyList {
	refs := make([]keyRef, len(keys))
	for i, k := range keys {
		refs[i] = keyRef{uint32(i), 0, uint32(len(k))}
	}
	return keyList{keys, refs}
}

// bulkBlocks adds keys (sorted) to b, written as whole blocks when no
// block of b holds entries in their range (a bulk load into an emptied
// index), else one by one. bbolt keeps the keys until the transaction
// ends; the blocks' values are carved from chunks of their own.
func bulkBlocks(b *bolt.Bucket, keys keyList) error {
	var (
		enc   []byte // a block's value, encoded
		chunk []byte // what values are carved from
	)
	for start := 0; start < len(keys.refs); {
		// One object's run at a time: its keys are consecutive, found by
		// a binary search (reading every key here, then again below, read
		// them from memory twice, in an order they are scattered in).
		obj := objectPrefix(keys.at(start))
		end, _ := slices.BinarySearchFunc(keys.refs[start+1:], obj, func(r keyRef, obj []byte) int {
			if k := keys.chunks[r.chunk][r.off : r.off+r.len]; bytes.HasPrefix(k, obj) {
				return -1
			}
			return 1
		})
		end += start + 1
		first := start
		start = end
		free, err := rangeFree(b, keys.at(first), keys.at(end-1))
		if err != nil {
			return err
		}
		if !free {
			for i := first; i < end; i++ {
				if err := blockInsert(b, keys.at(i)); err != nil {
					return err
				}
			}
			continue
		}
		b.FillPercent = bulkFillPercent
		for i := first; i < end; {
			// Each key is compared once, with the one before it: the
			// prefix they share tells an equal key (skipped) and is what
			// the key is encoded with.
			enc = enc[:0]
			last, shared := keys.at(i), 0 // shared: with the entry before last
			for i++; i < end && len(enc) < blockFill; i++ {
				k := keys.at(i)
				n := commonPrefix(last, k, 0, min(len(last), len(k)))
				if n == len(k) && n == len(last) {
					continue
				}
				enc = appendSharedEntry(enc, last, shared)
				last, shared = k, n
			}
			for i < end && bytes.Equal(keys.at(i), last) {
				i++
			}
			if chunk == nil || len(chunk) < len(enc) {
				chunk = make([]byte, max(len(enc), 64<<10))
			}
			v := chunk[:len(enc):len(enc)]
			chunk = chunk[len(enc):]
			copy(v, enc)
			if err := b.Put(last, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// rangeFree reports whether no block of b holds an entry from first to
// last (one object's).
func rangeFree(b *bolt.Bucket, first, last []byte) (bool, error) {
	k, v := b.Cursor().Seek(first)
	if k == nil || !bytes.HasPrefix(k, objectPrefix(first)) {
		return true, nil
	}
	f, err := blockFirst(k, v)
	if err != nil {
		return false, fmt.Errorf("%w %q", err, k)
	}
	return bytes.Compare(f, last) > 0, nil
}

// legacyIndexBuckets are the index buckets of caches written before index
// blocks, one bbolt key per entry, in the order of indexBuckets.
var legacyIndexBuckets = [][]byte{[]byte("ref"), []byte("stage"), []byte("name"), []byte("phone"), []byte("email")}

// hasLegacyIndex reports whether idx (the "index" bucket) still has an
// index of one key per entry: readers then answer from the records.
func hasLegacyIndex(idx *bolt.Bucket) bool {
	if idx == nil {
		return false
	}
	for _, name := range legacyIndexBuckets {
		if idx.Bucket(name) != nil {
			return true
		}
	}
	return false
}

// upgradeIndexes converts the indexes of a cache written before index
// blocks (hasLegacyIndex) into blocks, in this transaction: writers call it
// before writing an index entry, so that no entry is written to one format
// and missed in the other. Once, for an old cache: one transaction that
// reads and writes its whole index.
func (w *Writer) upgradeIndexes() error {
	if w.indexesCurrent {
		return nil // checked already in this transaction
	}
	if err := w.convertIndexes(); err != nil {
		return err
	}
	w.indexesCurrent = true
	return nil
}

// convertIndexes is upgradeIndexes' work.
func (w *Writer) convertIndexes() error {
	if hasLegacyIndex(w.idx) && hasBlockIndex(w.idx) {
		return w.rebuildMixedIndexes()
	}
	for i, name := range legacyIndexBuckets {
		old := w.idx.Bucket(name)
		if old == nil {
			continue
		}
		nb, err := w.indexBucket(indexBuckets[i])
		if err != nil {
			return err
		}
		const chunk = 1 << 16
		keys := make([][]byte, 0, chunk)
		c := old.Cursor()
		for k, _ := c.First(); ; k, _ = c.Next() {
			if k != nil {
				keys = append(keys, k)
			}
			if len(keys) == chunk || (k == nil && len(keys) > 0) {
				if err := bulkBlocks(nb, keyListOf(keys)); err != nil {
					return fmt.Errorf("upgrade index %s: %w", name, err)
				}
				keys = keys[:0]
			}
			if k == nil {
				break
			}
		}
		if err := w.idx.DeleteBucket(name); err != nil {
			return fmt.Errorf("upgrade index %s: %w", name, err)
		}
	}
	return nil
}

// hasBlockIndex reports whether idx (the "index" bucket) has an index of
// blocks.
func hasBlockIndex(idx *bolt.Bucket) bool {
	for _, name := range indexBuckets {
		if idx.Bucket(name) != nil {
			return true
		}
	}
	return false
}

// rebuildMixedIndexes handles a cache that has indexes of both formats: a
// lazyforce from before index blocks wrote to it after this one had
// converted it. Neither index is then complete or current (the older one
// kept only the entries of the records it wrote, the blocks missed those
// writes), so both are dropped and every object's index is rebuilt from
// its records, in this transaction.
func (w *Writer) rebuildMixedIndexes() error {
	for _, name := range slices.Concat(legacyIndexBuckets, indexBuckets) {
		if w.idx.Bucket(name) == nil {
			continue
		}
		if err := w.idx.DeleteBucket(name); err != nil {
			return fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	var objects []string
	if err := w.recs.ForEachBucket(func(k []byte) error {
		objects = append(objects, string(k))
		return nil
	}); err != nil {
		return fmt.Errorf("list cached objects: %w", err)
	}
	for _, object := range objects {
		if err := w.Reindex(object); err != nil {
			return fmt.Errorf("rebuild the indexes of %s: %w", object, err)
		}
	}
	return nil
}

// UpgradeIndexes converts, in one transaction, the indexes of a cache
// written before index blocks; it does nothing (one read) for a cache
// without any. Until then readers answer from the records.
func (s *Store) UpgradeIndexes() error {
	legacy := false
	if err := s.view(func(tx *bolt.Tx) error {
		legacy = hasLegacyIndex(tx.Bucket(bucketIndex))
		return nil
	}); err != nil {
		return fmt.Errorf("read indexes: %w", err)
	}
	if !legacy {
		return nil
	}
	return s.Update(func(w *Writer) error { return w.upgradeIndexes() })
}

// sortKeys sorts keys (index entries) in byte order, as sortRefs does.
func sortKeys(keys [][]byte) {
	if len(keys) < 2 {
		return
	}
	l := keyListOf(slices.Clone(keys))
	sortRefs(l.chunks, l.refs, make([]keyRef, len(keys)), false)
	for i := range keys {
		keys[i] = l.at(i)
	}
}

// sortRefs sorts refs, keys in chunks, in byte order, using tmp (at least
// as long) as scratch: an MSD radix sort, about five times faster than
// comparing keys that share long prefixes (every entry of an object starts
// with OBJECT \0, of a parent with OBJECT \0 FIELD \0 PARENT \0). When
// ordered, keys with the same head (up to their last NUL, which each
// key has, and the same number of) are in key order already, as a full
// pass adds them (in Id order): the sort, which keeps the order of keys it
// does not tell apart, stops at a head.
func sortRefs(chunks [][]byte, refs, tmp []keyRef, ordered bool) {
	if len(refs) < 2 {
		return
	}
	radixSort(chunks, refs, tmp[:len(refs)], make([]uint16, len(refs)), 0, ordered)
}

// commonPrefix is the length of the prefix a[:end] and b share, from
// from on (they share the bytes before it), compared 8 bytes at a time.
func commonPrefix(a, b []byte, from, end int) int {
	i := from
	for i+8 <= end {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)>>3
		}
		i += 8
	}
	for i < end && a[i] == b[i] {
		i++
	}
	return i
}

// radixSort sorts refs, whose keys share their first depth bytes, using
// tmp and buckets (as long) as scratch; ordered as sortRefs.
func radixSort(chunks [][]byte, refs, tmp []keyRef, buckets []uint16, depth int, ordered bool) {
	key := func(r keyRef) []byte { return chunks[r.chunk][r.off : r.off+r.len] }
	small := func() {
		slices.SortFunc(refs, func(a, b keyRef) int { return bytes.Compare(key(a)[depth:], key(b)[depth:]) })
	}
	if len(refs) < 32 && !ordered {
		small()
		return
	}
	// Skip the bytes every key shares (an object's name, a field's, a
	// parent Id's) in one pass rather than one pass each: past them, a
	// key differs from the first or ends.
	first := key(refs[0])
	end := len(first)
	for _, r := range refs[1:] {
		end = commonPrefix(key(r), first, depth, min(end, int(r.len)))
		if end == depth {
			break
		}
	}
	depth = end
	if ordered {
		if sep := bytes.LastIndexByte(first, 0); sep >= 0 && sep < depth {
			return // one head's keys, in order
		}
		if len(refs) < 32 {
			small()
			return
		}
	}
	// counts[0] is the keys that end at depth; counts[c+1] those with
	// byte c there. refs is copied to tmp and distributed back from it;
	// each key's bucket is read once (buckets), its bytes being scattered
	// over memory.
	var counts [257]int
	for i, r := range refs {
		b := uint16(0)
		if int(r.len) > depth {
			b = uint16(chunks[r.chunk][int(r.off)+depth]) + 1
		}
		counts[b]++
		buckets[i] = b
		tmp[i] = r
	}
	if counts[0] == len(refs) {
		return // all equal
	}
	var starts [257]int
	sum := 0
	for i, n := range counts {
		starts[i] = sum
		sum += n
	}
	next := starts
	for i, r := range tmp {
		b := buckets[i]
		refs[next[b]] = r
		next[b]++
	}
	for b := 1; b < 257; b++ {
		if lo, hi := starts[b], starts[b]+counts[b]; hi-lo > 1 {
			radixSort(chunks, refs[lo:hi], tmp[lo:hi], buckets[lo:hi], depth+1, ordered)
		}
	}
}
