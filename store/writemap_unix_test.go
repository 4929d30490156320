//go:build unix

package store

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestWritesAcrossBboltsGrowthStep: a Store writes a cache from empty to
// several times bbolt's 16 MiB growth step in transactions of a few
// megabytes, as a sync does, with another Store reading after each one
// and writing now and then. A small file keeps bbolt's own sizes (it is
// not grown to the step); once past it, the writer's kept open maps ahead
// of the file; every transaction is read back whole by the other Store,
// and the file stays consistent.
func TestWritesAcrossBboltsGrowthStep(t *testing.T) {
	a, b, path := twoStores(t)
	bucket := []byte("bulk")
	value := func(tx, i int) []byte {
		return bytes.Repeat(fmt.Appendf(nil, "tx %d value %d;", tx, i), 40)
	}
	const perTx = 4000 // about 2.5 MB
	size := func() int64 {
		t.Helper()
		fi, err := os.Stat(path)
		noErr(t, err)
		return fi.Size()
	}
	for tx := 0; size() < 64<<20; tx++ {
		w := a
		if tx%7 == 6 {
			w = b // another writer: a's next transaction opens the file afresh
		}
		noErr(t, w.update(func(btx *bolt.Tx) error {
			bk, err := btx.CreateBucketIfNotExists(bucket)
			if err != nil {
				return err
			}
			bk.FillPercent = 1
			for i := range perTx {
				if err := bk.Put(fmt.Appendf(nil, "k%05d-%05d", tx, i), value(tx, i)); err != nil {
					return err
				}
			}
			return nil
		}))
		if tx == 0 && size() >= 16<<20 {
			t.Fatalf("a cache of one transaction (%d bytes) was grown to bbolt's step", size())
		}
		if w == a && size() >= 32<<20 && (a.kept == nil || !a.kept.wide) {
			t.Fatalf("transaction %d: the kept open of a %d-byte file does not map ahead of it", tx, size())
		}
		noErr(t, b.view(func(btx *bolt.Tx) error {
			bk := btx.Bucket(bucket)
			for i := range perTx {
				if got := bk.Get(fmt.Appendf(nil, "k%05d-%05d", tx, i)); !bytes.Equal(got, value(tx, i)) {
					return fmt.Errorf("transaction %d, value %d: read %d bytes back", tx, i, len(got))
				}
			}
			return nil
		}))
	}
	noErr(t, a.Close())
	noErr(t, b.Close())
	checkBolt(t, path)
}
