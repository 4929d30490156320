package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

// TestIndexedFilterAgreesWithAScan checks that queries filtered on an
// indexed lookup (answered through the index) return what the same filter
// written so that every record is read returns, in the same order.
func TestIndexedFilterAgreesWithAScan(t *testing.T) {
	s := openTemp(t)
	for obj, d := range map[string]string{"Account": describeAccount, "Contact": describeContact} {
		if err := s.PutDescribe(obj, []byte(d), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	a1, a2 := string(sfdc.NewID("001", "4S", 1)), string(sfdc.NewID("001", "4S", 2))
	err := s.Update(func(w *Writer) error {
		for n := 1; n <= 30; n++ {
			acct, deleted := a1, "false"
			if n%3 == 0 {
				acct = a2
			}
			if n%7 == 0 {
				deleted = "true"
			}
			raw := rec("Contact", string(sfdc.NewID("003", "4S", uint64(n))), `,"LastName":"L`+string(rune('A'+n%26))+`","AccountId":"`+acct+`","IsDeleted":`+deleted)
			if _, err := w.PutRecord("Contact", raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct{ indexed, scanned string }{
		{"SELECT Id, LastName FROM Contact WHERE AccountId = '" + a1 + "'", "SELECT Id, LastName FROM Contact WHERE AccountId IN ('" + a1 + "')"},
		{"select id from contact where lastname != 'LB' and accountid = '" + a2 + "'", "select id from contact where lastname != 'LB' and accountid in ('" + a2 + "')"},
		{"SELECT COUNT() FROM Contact WHERE AccountId = '" + a1 + "' LIMIT 5", "SELECT COUNT() FROM Contact WHERE AccountId IN ('" + a1 + "') LIMIT 5"},
		{"SELECT Id FROM Contact WHERE AccountId = '" + strings.ToLower(a1) + "'", "SELECT Id FROM Contact WHERE AccountId IN ('" + strings.ToLower(a1) + "')"},
		{"SELECT Id FROM Contact WHERE AccountId = '" + a1[:15] + "' ORDER BY LastName DESC", "SELECT Id FROM Contact WHERE AccountId IN ('" + a1[:15] + "') ORDER BY LastName DESC"},
	} {
		for _, all := range []bool{false, true} {
			got, err := s.Query(ctx, tc.indexed, QueryOptions{IncludeDeleted: all})
			if err != nil {
				t.Fatalf("%s: %v", tc.indexed, err)
			}
			want, err := s.Query(ctx, tc.scanned, QueryOptions{IncludeDeleted: all})
			if err != nil {
				t.Fatalf("%s: %v", tc.scanned, err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) || got.TotalSize == 0 {
				t.Errorf("%s (queryAll %v):\n got %s\nwant %s", tc.indexed, all, g, w)
			}
		}
	}
}
