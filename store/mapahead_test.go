package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
)

// A write transaction maps the file ahead of its end (writeMapSize), but
// the file on disk grows as bbolt grows it: a small cache stays small, and
// a large one ends at most bbolt's allocation step past its high-water
// mark.
func TestWritesGrowTheFileOnlyAsFarAsItsPages(t *testing.T) {
	s := openTemp(t)
	pad := strings.Repeat("x", 900)
	n := 0
	put := func(records int) {
		t.Helper()
		err := s.Update(func(w *Writer) error {
			for range records {
				n++
				id := string(sfdc.NewID("001", "4S", uint64(n)))
				if _, err := w.PutRecordUnindexed("Account", rec("Account", id, fmt.Sprintf(`,"Name":"A %d %s"`, n, pad))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string) int64 {
		t.Helper()
		size, err := s.Size()
		if err != nil {
			t.Fatal(err)
		}
		meta, err := checkFile(s.Path(), false)
		if err != nil {
			t.Fatal(err)
		}
		used := int64(meta.pgid * meta.pageSize)
		// bbolt grows a file past its allocation size by that step (and
		// a little: the pages it allocates after growing it).
		if size-used > boltAllocSize+4<<20 {
			t.Fatalf("%s: the file is %d bytes for %d bytes of pages", what, size, used)
		}
		return size
	}
	put(100)
	if size := check("small cache"); size > 1<<20 {
		t.Fatalf("a cache of 100 records takes %d bytes", size)
	}
	for check("growing cache") <= 2*boltAllocSize {
		put(4000)
	}
	put(4000) // a write transaction on a file past boltAllocSize
	check("large cache")
	got, ok, err := s.Get("Account", string(sfdc.NewID("001", "4S", uint64(n))))
	if err != nil || !ok || !strings.Contains(string(got), fmt.Sprintf(`"A %d `, n)) {
		t.Fatalf("last record = %.40s, %v, %v", got, ok, err)
	}
}
