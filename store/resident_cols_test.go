package store

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// TestColumnsHoldWhatWasAdded checks that a column gives back every value
// added to it, whichever representation it ends in: few distinct values
// (dictionary), many distinct texts or numbers, and mixed or compound
// values, with nulls anywhere.
func TestColumnsHoldWhatWasAdded(t *testing.T) {
	const n = 200
	cases := map[string]func(i int) any{
		"few values": func(i int) any {
			return []any{nil, "Prospecting", "Closed Won", true, false}[i%5]
		},
		"distinct text": func(i int) any {
			if i%7 == 0 {
				return nil
			}
			return fmt.Sprintf("006%015d", i)
		},
		"distinct numbers": func(i int) any {
			if i%9 == 0 {
				return nil
			}
			return float64(i) * 1.5
		},
		"text then numbers": func(i int) any {
			if i < n/2 {
				return fmt.Sprintf("v%d", i)
			}
			return float64(i)
		},
		"numbers then a boolean": func(i int) any {
			if i == n-1 {
				return true
			}
			return float64(i)
		},
		"compound values": func(i int) any {
			if i%2 == 0 {
				return map[string]any{"city": fmt.Sprint("c", i)}
			}
			return fmt.Sprint("s", i)
		},
		"all null": func(int) any { return nil },
	}
	for name, value := range cases {
		b := newColBuilder("Field", n)
		for i := range n {
			b.add(value(i))
		}
		c := b.done()
		for i := range n {
			if got, want := c.value(i), value(i); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: record %d holds %#v, want %#v", name, i, got, want)
			}
			want, _ := value(i).(string)
			if got := c.str(i); got != want {
				t.Fatalf("%s: record %d's text is %q, want %q", name, i, got, want)
			}
		}
	}
}

// accountsWithContacts returns a cache of 40 accounts with 3 contacts each.
func accountsWithContacts(t *testing.T) *Store {
	t.Helper()
	_, s := residentTestStore(t)
	var recs [][2]string
	for i := range 40 {
		id := string(sfdc.NewID("001", "4S", uint64(i+1)))
		recs = append(recs, [2]string{"Account", string(rec("Account", id, fmt.Sprintf(`,"Name":"A%02d","AnnualRevenue":%d,"IsDeleted":false`, i, i%7)))})
		for j := range 3 {
			cid := string(sfdc.NewID("003", "4S", uint64(i*3+j+1)))
			recs = append(recs, [2]string{"Contact", string(rec("Contact", cid, fmt.Sprintf(`,"LastName":"L%d","AccountId":"%s","IsDeleted":false`, j, id)))})
		}
	}
	putRecords(t, s, recs...)
	return s
}

// TestResidentSharedRecordsConcurrently: queries running at the same time
// on one Resident share the records a table makes for kept rows
// (resTable.rec) and its child subquery records; each gets the plain
// scan's result.
func TestResidentSharedRecordsConcurrently(t *testing.T) {
	s := accountsWithContacts(t)
	queries := []string{
		"SELECT Id, Name, AnnualRevenue FROM Account ORDER BY AnnualRevenue DESC, Name",
		"SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE AnnualRevenue > 2",
		"SELECT AnnualRevenue, COUNT(Id) n FROM Account GROUP BY AnnualRevenue ORDER BY AnnualRevenue",
		"SELECT LastName, Account.Name FROM Contact ORDER BY LastName, Id LIMIT 7",
	}
	sameConcurrently(t, s, NewResident(s), queries)
}

// sameConcurrently runs queries from 8 goroutines through res and requires
// each result to equal the plain scan's.
func sameConcurrently(t *testing.T, s *Store, res *Resident, queries []string) {
	t.Helper()
	ctx := context.Background()
	want := make([]*soql.Result, len(queries))
	for i, q := range queries {
		var err error
		if want[i], err = s.Query(ctx, q, QueryOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(queries))
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range len(queries) {
				i := (g + k) % len(queries)
				got, err := s.Query(ctx, queries[i], QueryOptions{Resident: res})
				if err != nil {
					errs <- err
					return
				}
				if !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Errorf("%s: the resident result differs from the plain scan's", queries[i])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestResidentParentFieldConcurrently groups contacts by a field of their
// account, read by code from the resident Account table
// (colView.ParentField), from 8 goroutines at once: the results equal the
// plain scan's.
func TestResidentParentFieldConcurrently(t *testing.T) {
	s := accountsWithContacts(t)
	res := NewResident(s)
	ctx := context.Background()
	if _, err := s.Query(ctx, "SELECT Id, Name, AnnualRevenue FROM Account", QueryOptions{Resident: res}); err != nil {
		t.Fatal(err)
	}
	sameConcurrently(t, s, res, []string{
		"SELECT Account.Name grp, COUNT(Id) n FROM Contact GROUP BY Account.Name ORDER BY Account.Name",
		"SELECT Account.AnnualRevenue r, COUNT(Id) n FROM Contact WHERE Account.Name != 'A03' GROUP BY Account.AnnualRevenue ORDER BY COUNT(Id) DESC, Account.AnnualRevenue",
	})
}
