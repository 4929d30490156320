package store

import (
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
)

// TestBulkPutsOutOfOrderAndAfterOtherWrites checks PutRecordUnindexed's
// outcome and the live count when its records do not come in Id order,
// repeat, or follow a PutRecord or a delete of the same object in the same
// transaction (each must find the record it replaces).
func TestBulkPutsOutOfOrderAndAfterOtherWrites(t *testing.T) {
	s := openTemp(t)
	id := func(n int) string { return string(sfdc.NewID("001", "4S", uint64(n))) }
	acct := func(n int, name string, deleted bool) []byte {
		del := "false"
		if deleted {
			del = "true"
		}
		return rec("Account", id(n), `,"IsDeleted":`+del+`,"Name":"`+name+`"`)
	}
	type step struct {
		name string
		put  func(w *Writer) (PutResult, error)
		want PutResult
	}
	bulk := func(n int, name string, deleted bool) func(w *Writer) (PutResult, error) {
		return func(w *Writer) (PutResult, error) { return w.PutRecordUnindexed("Account", acct(n, name, deleted)) }
	}
	steps := []step{
		{"first", bulk(30, "a", false), Created},
		{"after it", bulk(50, "a", false), Created},
		{"before the last", bulk(40, "a", false), Created},
		{"the last again", bulk(50, "b", false), Updated},
		{"PutRecord past the bulk ones", func(w *Writer) (PutResult, error) { return w.PutRecord("Account", acct(90, "a", false)) }, Created},
		{"bulk after PutRecord, same Id", bulk(90, "b", false), Updated},
		{"deleted record, new", bulk(95, "a", true), Created},
		{"delete the last", func(w *Writer) (PutResult, error) {
			ok, err := w.DeleteRecord("Account", id(95))
			if !ok {
				return Unchanged, err
			}
			return Updated, err
		}, Updated},
		{"bulk after the delete", bulk(95, "b", false), Created},
		{"bulk past everything", bulk(99, "a", false), Created},
	}
	// inOneTransaction runs steps in one write transaction.
	inOneTransaction := func(steps []step) {
		t.Helper()
		err := s.Update(func(w *Writer) error {
			for _, st := range steps {
				got, err := st.put(w)
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				if got != st.want {
					t.Errorf("%s: got %v, want %v", st.name, got, st.want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	inOneTransaction(steps)
	// A second transaction starts from the bucket's last key.
	inOneTransaction([]step{
		{"next transaction, existing last", bulk(99, "b", false), Updated},
		{"next transaction, existing", bulk(30, "b", true), Updated},
		{"next transaction, new", bulk(100, "a", false), Created},
	})
	// 40, 50, 90, 95, 99, 100 live; 30 deleted.
	if n, err := s.LiveCount("Account"); err != nil || n != 6 {
		t.Fatalf("LiveCount = %d, %v; want 6", n, err)
	}
	if n, err := s.Count("Account"); err != nil || n != 7 {
		t.Fatalf("Count = %d, %v; want 7", n, err)
	}
	raw, ok, err := s.Get("Account", id(50))
	if err != nil || !ok || string(raw) != string(acct(50, "b", false)) {
		t.Fatalf("Get 50 = %s, %v, %v; want the second version", raw, ok, err)
	}
}

// TestBulkPutNeedsAnID checks that a record without a readable Id is
// refused, and that one whose later fields do not scan is stored.
func TestBulkPutNeedsAnID(t *testing.T) {
	s := openTemp(t)
	err := s.Update(func(w *Writer) error {
		for _, raw := range []string{`{"Name":"x"}`, `{"Id":null}`, `{"Id":""}`, `{"Id":"001x`, `[]`} {
			if _, err := w.PutRecordUnindexed("Account", []byte(raw)); err == nil {
				t.Errorf("%s: stored", raw)
			}
		}
		_, err := w.PutRecordUnindexed("Account", []byte(`{"Id":"001000000000001AAA","Name":12x}`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.LiveCount("Account"); err != nil || n != 1 {
		t.Fatalf("LiveCount = %d, %v; want 1", n, err)
	}
}
