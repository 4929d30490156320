package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// flat is rows as JSON without their attributes, keys sorted.
func flat(t *testing.T, rows []*soql.Row) string {
	t.Helper()
	b, err := json.Marshal(rowsJSON(rows))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestResidentSeesOtherWriters warms a Resident, lets another Store (as
// another process would) change, add and delete records, and checks that
// the next warm query answers from the new data, as a plain one does.
func TestResidentSeesOtherWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.db")
	s, err := Open(path, Options{Org: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	for obj, d := range map[string]string{"Account": describeAccount, "Contact": describeContact, "User": describeUser} {
		if err := s.PutDescribe(obj, []byte(d), now); err != nil {
			t.Fatal(err)
		}
	}
	u1 := string(sfdc.NewID("005", "4S", 1))
	u2 := string(sfdc.NewID("005", "4S", 2))
	a1 := string(sfdc.NewID("001", "4S", 1))
	a2 := string(sfdc.NewID("001", "4S", 2))
	a3 := string(sfdc.NewID("001", "4S", 3))
	put := func(st *Store, recs ...[2]string) {
		t.Helper()
		err := st.Update(func(w *Writer) error {
			for _, r := range recs {
				if _, err := w.PutRecord(r[0], []byte(r[1])); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(s,
		[2]string{"User", string(rec("User", u1, `,"Name":"Rep One","IsDeleted":false`))},
		[2]string{"User", string(rec("User", u2, `,"Name":"Rep Two","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a1, `,"Name":"Acme","AnnualRevenue":500,"OwnerId":"`+u1+`","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a2, `,"Name":"Globex","AnnualRevenue":1500,"OwnerId":"`+u1+`","IsDeleted":false`))},
	)
	res := NewResident(s)
	ctx := context.Background()
	queries := []string{
		"SELECT Name, AnnualRevenue FROM Account WHERE OwnerId = '" + u1 + "' ORDER BY Name",
		"SELECT SUM(AnnualRevenue) total, COUNT(Id) n FROM Account",
		"SELECT Name, Owner.Name FROM Account ORDER BY Name",
	}
	check := func(step string, want []string) {
		t.Helper()
		for i, q := range queries {
			warm, err := s.Query(ctx, q, QueryOptions{Resident: res})
			if err != nil {
				t.Fatalf("%s: %s: %v", step, q, err)
			}
			plain, err := s.Query(ctx, q, QueryOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(warm, plain) {
				t.Fatalf("%s: %s: warm and plain results differ:\n%s\n%s", step, q, flat(t, warm.Records), flat(t, plain.Records))
			}
			if got := flat(t, warm.Records); i == 0 && got != want[0] || i == 1 && got != want[1] {
				t.Fatalf("%s: %s = %s, want %s", step, q, got, want[i])
			}
		}
	}
	check("warm", []string{
		`[{"AnnualRevenue":500,"Name":"Acme"},{"AnnualRevenue":1500,"Name":"Globex"}]`,
		`[{"n":2,"total":2000}]`,
	})
	if n, _ := res.Held(); n == 0 {
		t.Fatal("the Resident holds nothing after warm queries")
	}

	other, err := Open(path, Options{Org: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	put(other,
		[2]string{"Account", string(rec("Account", a1, `,"Name":"Acme","AnnualRevenue":700,"OwnerId":"`+u2+`","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a3, `,"Name":"Initech","AnnualRevenue":10,"OwnerId":"`+u1+`","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a2, `,"Name":"Globex","AnnualRevenue":1500,"OwnerId":"`+u1+`","IsDeleted":true`))},
	)
	check("after another writer", []string{
		`[{"AnnualRevenue":10,"Name":"Initech"}]`,
		`[{"n":2,"total":710}]`,
	})
}

// TestResidentBound: an object beyond MaxCells is scanned from the file,
// with the same result.
func TestResidentBound(t *testing.T) {
	s := openTemp(t)
	if err := s.PutDescribe("Account", []byte(describeAccount), time.Now()); err != nil {
		t.Fatal(err)
	}
	err := s.Update(func(w *Writer) error {
		for i := range 50 {
			id := string(sfdc.NewID("001", "4S", uint64(i+1)))
			if _, err := w.PutRecord("Account", rec("Account", id, `,"Name":"A","AnnualRevenue":1,"IsDeleted":false`)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res := NewResident(s)
	res.MaxCells = 100
	got, err := s.Query(context.Background(), "SELECT SUM(AnnualRevenue) s FROM Account WHERE Name = 'a'", QueryOptions{Resident: res})
	if err != nil {
		t.Fatal(err)
	}
	if j := flat(t, got.Records); j != `[{"s":50}]` {
		t.Fatalf("got %s", j)
	}
	if recs, cells := res.Held(); recs != 0 || cells != 0 {
		t.Fatalf("held %d records, %d fields beyond a bound of 100 fields", recs, cells)
	}
}
