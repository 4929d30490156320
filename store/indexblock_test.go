package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// bulkBlocks writes sorted keys of several objects, duplicates included,
// as blocks a scan reads back, each key once and in order, whether the
// bucket had blocks in their range already (inserted one by one) or not
// (whole blocks).
func TestBulkBlocksWritesEveryKeyOnce(t *testing.T) {
	var keys [][]byte
	for _, object := range []string{"Account", "Contact", "Lead"} {
		for parent := range 40 {
			for id := range 30 {
				k := fmt.Appendf(nil, "%s\x00AccountId\x00001%015d\x00%s%015d", object, parent, object[:3], id)
				keys = append(keys, k)
				if id%7 == 0 {
					keys = append(keys, bytes.Clone(k))
				}
			}
		}
	}
	slices.SortFunc(keys, bytes.Compare)
	want := slices.CompactFunc(slices.Clone(keys), bytes.Equal)
	s := openTemp(t)
	if err := s.Update(func(w *Writer) error {
		b, err := w.indexBucket([]byte("test"))
		if err != nil {
			return err
		}
		// Contact's first half first: its second half then goes in one
		// key at a time, the other objects' as whole blocks.
		var early [][]byte
		for _, k := range keys {
			if bytes.HasPrefix(k, []byte("Contact\x00AccountId\x00001000000000000010")) {
				early = append(early, k)
			}
		}
		if err := bulkBlocks(b, keyListOf(early)); err != nil {
			return err
		}
		if err := bulkBlocks(b, keyListOf(keys)); err != nil {
			return err
		}
		var got [][]byte
		if err := scanBlocks(b, nil, func(k []byte) bool {
			got = append(got, bytes.Clone(k))
			return true
		}); err != nil {
			return err
		}
		if !slices.EqualFunc(got, want, bytes.Equal) {
			t.Errorf("scan after bulkBlocks: %d keys, want %d", len(got), len(want))
		}
		n := 0
		if err := b.ForEach(func(_, _ []byte) error { n++; return nil }); err != nil {
			return err
		}
		if n < 3 || n > len(want)/10 {
			t.Errorf("%d blocks for %d keys", n, len(want))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// sortKeysMatches fails t unless sortKeys puts keys in the order of
// bytes.Compare.
func sortKeysMatches(t *testing.T, name string, keys [][]byte) {
	t.Helper()
	want := slices.Clone(keys)
	slices.SortStableFunc(want, bytes.Compare)
	got := slices.Clone(keys)
	sortKeys(got)
	if !slices.EqualFunc(got, want, bytes.Equal) {
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%s, %d keys: key %d is %q, bytes.Compare orders %q there", name, len(keys), i, got[i], want[i])
			}
		}
	}
}

// sortKeys orders index entries exactly as bytes.Compare does: keys that
// share long prefixes or none, that are prefixes of one another, hold NUL
// and 0xff bytes, end on either side of a word (7 bytes), in order
// already, in reverse, or equal. Equal keys are the same bytes, so their
// order does not show.
func TestSortKeysOrdersAsBytesCompare(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	prefixes := []string{"", "Task\x00", "Task\x00WhatId\x00", "Task\x00WhatId\x00006Dm000015fu", "Task\x00WhoId\x00003Dm000015fuTnIAI\x00", "Task\x00WhoId\x00003Dm000015fuTnIAI\x0000TDm000015fz"}
	alphabets := []string{"\x00\xff", "ab", "\x00a\xffz0", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
	for _, n := range []int{0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 64, 100, 257, 1000, 5000} {
		for _, alphabet := range alphabets {
			for _, maxLen := range []int{1, 7, 8, 9, 15, 30} {
				keys := make([][]byte, n)
				for i := range keys {
					k := []byte(prefixes[rnd.IntN(len(prefixes))])
					for j := rnd.IntN(maxLen + 1); j > 0; j-- {
						k = append(k, alphabet[rnd.IntN(len(alphabet))])
					}
					keys[i] = k
				}
				name := fmt.Sprintf("alphabet %q, up to %d bytes", alphabet, maxLen)
				sortKeysMatches(t, name, keys)
				slices.SortFunc(keys, bytes.Compare)
				sortKeysMatches(t, name+", sorted", keys)
				slices.Reverse(keys)
				sortKeysMatches(t, name+", reversed", keys)
			}
		}
	}
}

// Index entries as a full pass collects them: one parent's in Id order,
// the parents' mixed; some entries equal.
func TestSortKeysOrdersIndexEntries(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	var keys [][]byte
	for i := range 20000 {
		id := fmt.Sprintf("00TDm%010dMAA", i)
		for _, field := range []string{"AccountId", "OwnerId", "WhatId", "WhoId"} {
			parent := fmt.Sprintf("001Dm%010dIAQ", rnd.IntN(1+i/3))
			keys = append(keys, fmt.Appendf(nil, "Task\x00%s\x00%s\x00%s", field, parent, id))
		}
		if i%9 == 0 {
			keys = append(keys, bytes.Clone(keys[rnd.IntN(len(keys))]))
		}
	}
	sortKeysMatches(t, "index entries", keys)
}

// FuzzSortKeys: sortKeys orders any keys as bytes.Compare does. The input
// is split into keys at '|'; the keys are sorted as they are, and again
// each behind a long shared prefix and with copies that differ in their
// last byte, so that groups grow past the insertion sorts.
func FuzzSortKeys(f *testing.F) {
	f.Add([]byte("b|a|ab|a\x00|\xff|"))
	f.Add([]byte("Task\x00WhatId\x00006Dm000015fuTVIAY\x0000TDm000015fyIwMAI|Task\x00WhatId\x00006Dm000015fuTVIAY\x0000TDm000015fyIvMAI|Task\x00WhatId\x00001Dm000015ftwYIAQ"))
	f.Add(bytes.Repeat([]byte("abcdefgh\x00|abcdefg|abcdefgh|"), 20))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys := bytes.Split(data, []byte("|"))
		sortKeysMatches(t, "input", keys)
		var more [][]byte
		for _, k := range keys {
			for c := range 3 {
				more = append(more, append([]byte("Task\x00WhoId\x00003Dm000015fuTnIAI\x00"), append(bytes.Clone(k), byte(c))...))
			}
			more = append(more, append([]byte("Task\x00WhoId\x00"), k...))
		}
		sortKeysMatches(t, "grown", more)
	})
}

// The index blocks a bulk load writes are the bytes lazyforce wrote before
// its sort and block encoding were made faster (the digest below is of
// what 5b6b8ca wrote): an existing cache's blocks and a new one's are
// alike. Records of three objects, pages merged as a full pass merges
// them, some added twice (equal entries are written once).
func TestBulkLoadedBlocksAreUnchanged(t *testing.T) {
	s := openTemp(t)
	digest := sha256.New()
	for _, object := range []string{"Opportunity", "Contact", "Account"} {
		var set IndexSet
		for p := range 6 {
			var page IndexSet
			for i := range 1500 {
				n := (p*1500 + i) * 7919 % 9000 // pages out of Id order
				var raw []byte
				switch object {
				case "Opportunity":
					raw = benchOpportunity(n)
				case "Contact":
					raw = benchContact(n)
				default:
					id := sfdc.NewID("001", "4S", uint64(n))
					raw = fmt.Appendf(nil, `{"Id":%q,"Name":"Acme %d","ParentId":%q,"OwnerId":%q,"Phone":"+1 415 555 %04d"}`,
						id, n%700, sfdc.NewID("001", "4S", uint64(n%50)), sfdc.NewID("005", "4S", uint64(n%9)), n)
				}
				for range 1 + i%5/4 {
					if err := page.Add(object, raw); err != nil {
						t.Fatal(err)
					}
				}
			}
			set.Merge(&page)
		}
		set.Sort()
		if err := s.Update(func(w *Writer) error { return w.ReplaceIndexes(object, &set) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.view(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketIndex)
		for _, name := range indexBuckets {
			b := idx.Bucket(name)
			if b == nil {
				continue
			}
			if err := b.ForEach(func(k, v []byte) error {
				fmt.Fprintf(digest, "%s %q %q\n", name, k, v)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	const want = "2ba9cd0b36299caedcfc62b32d58cad9f993ccde40f081b5a87c54acf19dbf4b"
	if got := hex.EncodeToString(digest.Sum(nil)); got != want {
		t.Errorf("index blocks digest %s, 5b6b8ca wrote %s", got, want)
	}
}
