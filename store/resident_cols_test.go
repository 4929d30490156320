package store

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
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

// TestTextColumnBeyondItsBound: a text column that would hold more bytes
// than its offsets address turns into values, and still gives back every
// value added to it.
func TestTextColumnBeyondItsBound(t *testing.T) {
	const n = 300
	value := func(i int) any {
		if i%11 == 0 {
			return nil
		}
		return fmt.Sprintf("name %03d", i)
	}
	b := newColBuilder("Name", n)
	b.textMax = 1000 // about 125 of the values
	for i := range n {
		b.add(value(i))
	}
	c := b.done()
	if c.isText() || c.anys == nil {
		t.Fatalf("the column is not values: text %v, values %v", c.isText(), c.anys != nil)
	}
	for i := range n {
		if got, want := c.value(i), value(i); !reflect.DeepEqual(got, want) {
			t.Fatalf("record %d holds %#v, want %#v", i, got, want)
		}
	}
}

// TestPosIndexFindsExactlyTheRecords compares the positions a posIndex
// gives for every value (and for values no record holds) with a scan of
// the records: exact values, and 18-character ASCII Ids whatever their
// case, among duplicates, empty and null values, other lengths and text
// that is not ASCII.
func TestPosIndexFindsExactlyTheRecords(t *testing.T) {
	// Few distinct values (a dictionary-coded column), then many (text).
	for _, distinct := range []int{700, 2900} {
		posIndexFinds(t, distinct)
	}
}

func posIndexFinds(t *testing.T, distinct int) {
	const n = 3000
	values := make([]any, n)
	for i := range values {
		id := string(sfdc.NewID("006", "4S", uint64(i%distinct+1)))
		switch i % 9 {
		case 0:
			values[i] = nil
		case 1:
			values[i] = ""
		case 2:
			values[i] = strings.ToLower(id)
		case 3:
			values[i] = id[:15]
		case 4:
			values[i] = "ÄÖÜ" + id[:12] // 18 bytes, not ASCII
		default:
			values[i] = id
		}
	}
	b := newColBuilder("AccountId", n)
	for _, v := range values {
		b.add(v)
	}
	c := b.done()
	if c.isText() != (distinct > n/2) {
		t.Fatalf("%d distinct values: text column %v", distinct, c.isText())
	}
	var odd []int32
	folded := newPosIndex(c, n, true, func(i int, s string) bool {
		if len(s) == 18 && isASCII(s) {
			return true
		}
		odd = append(odd, int32(i))
		return false
	})
	exact := newPosIndex(c, n, false, func(int, string) bool { return true })
	keys := []string{"", "nothing", "ÄÖÜ", string(sfdc.NewID("006", "4S", 5000))}
	for _, v := range values {
		if s, ok := v.(string); ok {
			keys = append(keys, s, strings.ToUpper(s), strings.ToLower(s))
		}
	}
	for _, key := range keys {
		var wantExact, wantFolded []int32
		for i, v := range values {
			s, _ := v.(string)
			if s != "" && s == key {
				wantExact = append(wantExact, int32(i))
			}
			if len(s) == 18 && len(key) == 18 && isASCII(s) && strings.EqualFold(s, key) {
				wantFolded = append(wantFolded, int32(i))
			}
		}
		if got := exact.get(key); !slices.Equal(got, wantExact) {
			t.Fatalf("exact %q: positions %v, want %v", key, got, wantExact)
		}
		if got := folded.get(key); !slices.Equal(got, wantFolded) {
			t.Fatalf("folded %q: positions %v, want %v", key, got, wantFolded)
		}
	}
	var wantOdd []int32
	for i, v := range values {
		if s, _ := v.(string); s != "" && (len(s) != 18 || !isASCII(s)) {
			wantOdd = append(wantOdd, int32(i))
		}
	}
	if !slices.Equal(odd, wantOdd) {
		t.Fatalf("%d records left out of the folded index, want %d", len(odd), len(wantOdd))
	}
	if got := newPosIndex(nil, 5, true, func(int, string) bool { return true }).get(keys[4]); got != nil {
		t.Fatalf("an index of no column finds %v", got)
	}
}

// TestDictionaryValuesCompacted: the values of a dictionary-coded column,
// once its texts and numbers are compacted (compactVals), are equal (==,
// as map keys, by type) to the values added, also after collections.
func TestDictionaryValuesCompacted(t *testing.T) {
	added := []any{"Prospecting", "", 1250.5, true, "Closed Won", float64(0), false, "Prospecting", nil}
	b := newColBuilder("StageName", 1000)
	for i := range 300 {
		b.add(added[i%len(added)])
	}
	c := b.done()
	if c.codes == nil {
		t.Fatal("the column is not dictionary-coded")
	}
	runtime.GC()
	runtime.GC()
	seen, want := map[any]int{}, map[any]int{}
	for i := range 300 {
		want[added[i%len(added)]]++
		got, want := c.value(i), added[i%len(added)]
		if got != want {
			t.Fatalf("record %d holds %#v, want %#v", i, got, want)
		}
		switch x := want.(type) {
		case string:
			if s, ok := got.(string); !ok || s != x || c.str(i) != x {
				t.Fatalf("record %d: text %#v, want %q", i, got, x)
			}
		case float64:
			if f, ok := got.(float64); !ok || f != x {
				t.Fatalf("record %d: number %#v, want %v", i, got, x)
			}
		}
		seen[got]++
	}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("values as map keys: %v, want %v", seen, want)
	}
}
