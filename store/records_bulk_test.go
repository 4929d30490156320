package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	bolt "go.etcd.io/bbolt"
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

// checkBulkFields compares bulkFields with the field-by-field scan on raw.
func checkBulkFields(t *testing.T, raw []byte) {
	t.Helper()
	id, deleted, err := bulkFields(raw)
	wantID, wantDeleted, wantErr := scanBulkFields(raw)
	if string(id) != string(wantID) || deleted != wantDeleted || (err == nil) != (wantErr == nil) {
		t.Fatalf("bulkFields(%q) = %q, %v, %v; the scan finds %q, %v, %v", raw, id, deleted, err, wantID, wantDeleted, wantErr)
	}
}

// TestBulkFieldsLeadingShape checks that the shortcut for records shaped
// as a sync's query returns them (attributes, Id, IsDeleted first) finds
// what the field-by-field scan finds, on that shape, its variants and
// every prefix of them.
func TestBulkFieldsLeadingShape(t *testing.T) {
	const tail = `"CreatedDate":"2026-05-03T08:35:08.000+0000","Subject":"Call","Id":"00TDm000015ftgZZZZ","IsDeleted":true}`
	for _, raw := range []string{
		`{"attributes":{"type":"Task","url":"/services/data/v62.0/sobjects/Task/00TDm000015ftgHMAQ"},"Id":"00TDm000015ftgHMAQ","IsDeleted":false,` + tail,
		`{"attributes":{"type":"Task","url":"/services/data/v62.0/sobjects/Task/00TDm000015ftgHMAQ"},"Id":"00TDm000015ftgHMAQ","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":true}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":false}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":true]`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":truex,"a":1}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":null,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted": true,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","Subject":"x",` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"","IsDeleted":false,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":null,"IsDeleted":false,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00T\u0044m000015ftgHMAQ","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00T` + "\x01" + `Dm000015ftgHMAQ","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Ta\"sk","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Task","url":"/x\\"},"Id":"00TDm000015ftgHMAQ","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Task","url":"/x","extra":1},"Id":"00TDm000015ftgHMAQ","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"IsDeleted":true,"Id":"00TDm000015ftgHMAQ",` + tail,
		`{"attributes":{"type":"Task","url":"/x"}, "Id":"00TDm000015ftgHMAQ","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":false,"Id":"00TDm000015ftgXXXX"}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","SystemModstamp":"2026-05-13T12:11:46.000+0000","IsDeleted":true,` + tail,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","SystemModstamp":"2026-05-13T12:11:46.000+0000","IsDeleted":false}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","SystemModstamp":"","IsDeleted":true}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","SystemModstamp":null,"IsDeleted":true}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","SystemModstamp":"2026\"","IsDeleted":true}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","SystemModstamp":"2026","Subject":"s","IsDeleted":true}`,
		`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","SystemModstamp":"2026","IsDeleted":true,"IsDeleted":false}`,
	} {
		for n := len(raw); n >= 0; n-- {
			checkBulkFields(t, []byte(raw[:n]))
		}
	}
	for _, raw := range [][]byte{syncTask(7), []byte(`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":true,` + tail)} {
		id, _, ok := leadingBulkFields(raw)
		if want, _, _ := scanBulkFields(raw); !ok || string(id) != string(want) {
			t.Errorf("%s: did not take the shortcut (%q, %v)", raw, id, ok)
		}
	}
}

func FuzzBulkFields(f *testing.F) {
	f.Add([]byte(`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":true,"Subject":"x"}`))
	f.Add([]byte(`{"attributes":{"type":"Task","url":"/x"},"Id":"00TDm000015ftgHMAQ","IsDeleted":false}`))
	f.Add([]byte(`{"Id":"001","IsDeleted":true}`))
	f.Add(syncTask(1))
	f.Fuzz(func(t *testing.T, raw []byte) { checkBulkFields(t, raw) })
}

// syncTask is a Task as a sync's query returns it: Id, SystemModstamp,
// IsDeleted, then the other fields (about 800 bytes, like the demo org's).
func syncTask(i int) []byte {
	id := sfdc.NewID("00T", "4S", uint64(i))
	return fmt.Appendf(nil, `{"attributes":{"type":"Task","url":"/services/data/v62.0/sobjects/Task/%s"},"Id":"%s","SystemModstamp":"2026-05-13T12:11:46.000+0000","IsDeleted":false,`+
		`"CreatedDate":"2026-05-03T08:35:08.000+0000","CreatedById":"005Dm000015ftgJIAQ","LastModifiedDate":"2026-05-13T12:11:46.000+0000",`+
		`"LastModifiedById":"005Dm000015ftgJIAQ","WhoId":"003Dm000015fwsfIAA",`+
		`"WhatId":"006Dm000015fxkhIAA","Subject":"Send contract %d","ActivityDate":"2026-05-13","Status":"Completed","Priority":"High",`+
		`"IsHighPriority":true,"OwnerId":"005Dm000015ftgJIAQ","Description":"Book onsite workshop.","AccountId":"001Dm000015fuU4IAI",`+
		`"IsClosed":true,"CallDurationInSeconds":null,"CallType":null,"CallDisposition":null,"CallObject":null,"TaskSubtype":"Task",`+
		`"CompletedDateTime":"2026-05-13T12:11:46.000+0000","IsArchived":false}`, id, id, i)
}

// BenchmarkBulkFields reads Id and IsDeleted of a sync's Task with the
// shortcut (bulkFields) and with the field-by-field scan.
func BenchmarkBulkFields(b *testing.B) {
	raw := syncTask(1)
	for _, bench := range []struct {
		name string
		fn   func([]byte) ([]byte, bool, error)
	}{{"bulkFields", bulkFields}, {"scan", scanBulkFields}} {
		b.Run(bench.name, func(b *testing.B) {
			for b.Loop() {
				if id, _, err := bench.fn(raw); err != nil || len(id) != 18 {
					b.Fatal(id, err)
				}
			}
		})
	}
}

// BenchmarkPutRecordsUnindexed puts b.N Tasks in Id order with
// PutRecordUnindexed, committing every 2,000 (a query page), as a sync's
// initial pass does.
func BenchmarkPutRecordsUnindexed(b *testing.B) {
	s := openTemp(b)
	recs := make([][]byte, b.N)
	for i := range recs {
		recs[i] = syncTask(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for lo := 0; lo < b.N; lo += 2000 {
		err := s.Update(func(w *Writer) error {
			for _, raw := range recs[lo:min(lo+2000, b.N)] {
				if _, err := w.PutRecordUnindexed("Task", raw); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestBulkPutFillsPages checks that records written in Id order fill their
// pages: four records of about 960 bytes (with their keys and page
// element headers, 4,016 of a page's 4,096 bytes) share each leaf page.
func TestBulkPutFillsPages(t *testing.T) {
	s := openTemp(t)
	const n = 400
	err := s.Update(func(w *Writer) error {
		for i := range n {
			id := string(sfdc.NewID("006", "4S", uint64(i)))
			raw := rec("Opportunity", id, `,"IsDeleted":false,"Description":"`+strings.Repeat("x", 960-len(rec("Opportunity", id, `,"IsDeleted":false,"Description":""}`)))+`"}`)
			if len(raw) != 960 {
				t.Fatalf("record of %d bytes", len(raw))
			}
			if _, err := w.PutRecordUnindexed("Opportunity", raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.view(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketRecords).Bucket([]byte("Opportunity")).Stats()
		if st.KeyN != n || st.LeafPageN > n/4+1 {
			t.Errorf("%d records in %d leaf pages, want at most %d", st.KeyN, st.LeafPageN, n/4+1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
