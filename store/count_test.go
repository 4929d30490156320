package store

import (
	"context"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// TestCountFollowsWrites checks that a plain COUNT(), answered from the
// stored record count, agrees with reading the records after every kind of
// write, and that a cache without stored counts is counted on its next
// write.
func TestCountFollowsWrites(t *testing.T) {
	s := openTemp(t)
	if err := s.PutDescribe("Account", []byte(describeAccount), time.Now()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := func(n int) string { return string(sfdc.NewID("001", "4S", uint64(n))) }
	acct := func(n int, deleted bool) []byte {
		del := "false"
		if deleted {
			del = "true"
		}
		return rec("Account", id(n), `,"Name":"A","IsDeleted":`+del)
	}
	check := func(step string, want int) {
		t.Helper()
		count, err := s.Query(ctx, "SELECT COUNT() FROM Account", QueryOptions{})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		rows, err := s.Query(ctx, "SELECT Id FROM Account", QueryOptions{})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if count.TotalSize != want || rows.TotalSize != want {
			t.Fatalf("%s: COUNT() = %d, SELECT Id = %d rows, want %d", step, count.TotalSize, rows.TotalSize, want)
		}
		limited, err := s.Query(ctx, "select count() from account limit 1", QueryOptions{})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if wantLimited := min(want, 1); limited.TotalSize != wantLimited {
			t.Fatalf("%s: COUNT() LIMIT 1 = %d, want %d", step, limited.TotalSize, wantLimited)
		}
		n, err := s.LiveCount("Account")
		if err != nil || n != want {
			t.Fatalf("%s: LiveCount = %d, %v; want %d", step, n, err, want)
		}
	}
	write := func(step string, fn func(w *Writer) error) {
		t.Helper()
		if err := s.Update(fn); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// put writes one account (n, deleted) in its own transaction.
	put := func(step string, n int, deleted bool) {
		t.Helper()
		write(step, func(w *Writer) error {
			_, err := w.PutRecord("Account", acct(n, deleted))
			return err
		})
	}
	write("put", func(w *Writer) error {
		for n, deleted := range []bool{false, false, true, false} {
			if _, err := w.PutRecord("Account", acct(n+1, deleted)); err != nil {
				return err
			}
		}
		return nil
	})
	check("after puts", 3)
	put("update to deleted", 1, true)
	check("after an update to deleted", 2)
	write("undelete, delete", func(w *Writer) error {
		if _, err := w.PutRecord("Account", acct(3, false)); err != nil {
			return err
		}
		_, err := w.DeleteRecord("Account", id(2))
		return err
	})
	check("after undelete and delete", 2)
	write("bulk", func(w *Writer) error {
		for n := 10; n < 15; n++ {
			if _, err := w.PutRecordUnindexed("Account", acct(n, false)); err != nil {
				return err
			}
		}
		_, err := w.PutRecordUnindexed("Account", acct(4, true))
		return err
	})
	check("after a bulk load", 6)

	// A cache from before counts: no stored count, so COUNT() reads the
	// records, and the next write counts them all once.
	if err := s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketIndex).DeleteBucket(indexCount) }); err != nil {
		t.Fatal(err)
	}
	check("without stored counts", 6)
	put("put after", 20, false)
	check("after the first write with counts", 7)

	write("drop and reload", func(w *Writer) error {
		if err := w.DropObject("Account"); err != nil {
			return err
		}
		_, err := w.PutRecordUnindexed("Account", acct(30, false))
		return err
	})
	check("after drop and reload", 1)
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDescribe("Account", []byte(describeAccount), time.Now()); err != nil {
		t.Fatal(err)
	}
	check("after reset", 0)
	put("put after reset", 40, false)
	check("after a put after reset", 1)

	// A failed write changes no count.
	if err := s.Update(func(w *Writer) error {
		if _, err := w.PutRecord("Account", acct(41, false)); err != nil {
			return err
		}
		return errTestAbort
	}); !errors.Is(err, errTestAbort) {
		t.Fatalf("aborted write: %v", err)
	}
	check("after an aborted write", 1)
}

var errTestAbort = errors.New("abort")
