package store

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
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
