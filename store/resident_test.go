package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

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
	path, s := residentTestStore(t)
	u1 := string(sfdc.NewID("005", "4S", 1))
	u2 := string(sfdc.NewID("005", "4S", 2))
	a1 := string(sfdc.NewID("001", "4S", 1))
	a2 := string(sfdc.NewID("001", "4S", 2))
	a3 := string(sfdc.NewID("001", "4S", 3))
	putRecords(t, s,
		[2]string{"User", string(rec("User", u1, `,"Name":"Rep One","IsDeleted":false`))},
		[2]string{"User", string(rec("User", u2, `,"Name":"Rep Two","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a1, `,"Name":"Acme","AnnualRevenue":500,"OwnerId":"`+u1+`","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a2, `,"Name":"Globex","AnnualRevenue":1500,"OwnerId":"`+u1+`","IsDeleted":false`))},
	)
	res := NewResident(s)
	queries := []string{
		"SELECT Name, AnnualRevenue FROM Account WHERE OwnerId = '" + u1 + "' ORDER BY Name",
		"SELECT SUM(AnnualRevenue) total, COUNT(Id) n FROM Account",
		"SELECT Name, Owner.Name FROM Account ORDER BY Name",
	}
	check := func(step string, want []string) {
		t.Helper()
		for i, q := range queries {
			warm := warmAsPlain(t, s, res, step, q)
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
	putRecords(t, other,
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

// TestResidentKeepsUnchangedObjects: a write by another Store (as another
// process would) that changes one object makes the next query re-read
// that object only; the others' decoded records are kept. Results equal
// the plain scan's at every step. A cache whose per-object generations
// cannot be trusted (written by something that does not keep them, or
// without them) drops everything, as before they existed.
func TestResidentKeepsUnchangedObjects(t *testing.T) {
	path, s := residentTestStore(t)
	u1 := string(sfdc.NewID("005", "4S", 1))
	a1 := string(sfdc.NewID("001", "4S", 1))
	a2 := string(sfdc.NewID("001", "4S", 2))
	c1 := string(sfdc.NewID("003", "4S", 1))
	c2 := string(sfdc.NewID("003", "4S", 2))
	contact := func(id, last string) [2]string {
		return [2]string{"Contact", string(rec("Contact", id, `,"LastName":"`+last+`","AccountId":"`+a1+`","IsDeleted":false`))}
	}
	putRecords(t, s,
		[2]string{"User", string(rec("User", u1, `,"Name":"Rep One","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a1, `,"Name":"Acme","AnnualRevenue":500,"OwnerId":"`+u1+`","IsDeleted":false`))},
		[2]string{"Account", string(rec("Account", a2, `,"Name":"Globex","AnnualRevenue":1500,"OwnerId":"`+u1+`","IsDeleted":false`))},
		contact(c1, "Ames"),
	)
	res := NewResident(s)
	ctx := context.Background()
	queries := []string{
		"SELECT Name, AnnualRevenue FROM Account ORDER BY Name",
		"SELECT LastName, AccountId FROM Contact ORDER BY LastName",
		"SELECT Name FROM User",
		"SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Id = '" + a1 + "'",
	}
	// check runs the queries and returns the objects the Resident decoded
	// again for them.
	check := func(step string) []string {
		t.Helper()
		res.mu.Lock()
		before := map[string]*resTable{}
		for o, tb := range res.tables {
			before[o] = tb
		}
		res.mu.Unlock()
		for _, q := range queries {
			warmAsPlain(t, s, res, step, q)
		}
		res.mu.Lock()
		defer res.mu.Unlock()
		var read []string
		for o, tb := range res.tables {
			if before[o] != tb {
				read = append(read, o)
			}
		}
		slices.Sort(read)
		return read
	}
	want := func(step string, got []string, objects ...string) {
		t.Helper()
		if !slices.Equal(got, objects) {
			t.Fatalf("%s: decoded %v again, want %v", step, got, objects)
		}
	}
	want("first", check("first"), "Account", "Contact", "User")
	want("unchanged", check("unchanged"))

	other, err := Open(path, Options{Org: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	putRecords(t, other, contact(c1, "Zeta"), contact(c2, "Bell"))
	want("a contact write", check("a contact write"), "Contact")
	if got, err := s.Query(ctx, queries[1], QueryOptions{Resident: res}); err != nil || flat(t, got.Records) != `[{"AccountId":"`+a1+`","LastName":"Bell"},{"AccountId":"`+a1+`","LastName":"Zeta"}]` {
		t.Fatalf("contacts after the write: %v %v", got, err)
	}
	err = other.Update(func(w *Writer) error {
		_, err := w.DeleteRecord("Account", a2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want("an account deleted", check("an account deleted"), "Account")

	// A write that does not record its objects (as an older lazyforce's
	// would): the next query cannot tell what changed.
	err = other.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).Bucket([]byte("User")).Put([]byte(u1), rec("User", u1, `,"Name":"Rep Renamed","IsDeleted":false`))
	})
	if err != nil {
		t.Fatal(err)
	}
	want("an unrecorded write", check("an unrecorded write"), "Account", "Contact", "User")
	if got, err := s.Query(ctx, queries[2], QueryOptions{Resident: res}); err != nil || flat(t, got.Records) != `[{"Name":"Rep Renamed"}]` {
		t.Fatalf("users after the unrecorded write: %v %v", got, err)
	}
	// The next recording write starts the per-object generations afresh.
	putRecords(t, other, contact(c2, "Bellamy"))
	want("the first recorded write after", check("the first recorded write after"), "Account", "Contact", "User")
	putRecords(t, other, contact(c2, "Bellows"))
	want("a second one", check("a second one"), "Contact")
	// An unrecorded write followed by a recorded one before the next query.
	err = other.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).Bucket([]byte("User")).Put([]byte(u1), rec("User", u1, `,"Name":"Rep Again","IsDeleted":false`))
	})
	if err != nil {
		t.Fatal(err)
	}
	putRecords(t, other, contact(c2, "Bellini"))
	want("unrecorded then recorded", check("unrecorded then recorded"), "Account", "Contact", "User")

	// A cache without per-object generations (from before they existed).
	err = other.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketIndex).DeleteBucket(indexGen) })
	if err != nil {
		t.Fatal(err)
	}
	want("generations gone", check("generations gone"), "Account", "Contact", "User")
	want("generations gone, unchanged", check("generations gone, unchanged"))
}

// TestResidentContinuesWarm: a query needing an object that Warm has
// partly decoded continues that decoding (it is decoded once), unless a
// write changed the object meanwhile; results equal the plain scan's.
func TestResidentContinuesWarm(t *testing.T) {
	s := openTemp(t)
	for obj, d := range map[string]string{"Account": describeAccount, "Contact": describeContact} {
		if err := s.PutDescribe(obj, []byte(d), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	putAccounts := func(from, to int, revenue string) {
		t.Helper()
		err := s.Update(func(w *Writer) error {
			for i := from; i < to; i++ {
				id := string(sfdc.NewID("001", "4S", uint64(i+1)))
				if _, err := w.PutRecord("Account", rec("Account", id, `,"Name":"A`+strconv.Itoa(i)+`","AnnualRevenue":`+revenue+`,"IsDeleted":false`)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	putAccounts(0, 20, "1")
	ctx := context.Background()
	q := "SELECT Name, AnnualRevenue FROM Account ORDER BY Name"
	check := func(step string, res *Resident) {
		t.Helper()
		warmAsPlain(t, s, res, step, q)
	}
	need := []string{"Name", "AnnualRevenue"}
	for _, tc := range []struct {
		name    string
		between func()
	}{
		{"nothing written", func() {}},
		{"another object written", func() {
			err := s.Update(func(w *Writer) error {
				_, err := w.PutRecord("Contact", rec("Contact", string(sfdc.NewID("003", "4S", 1)), `,"LastName":"X","IsDeleted":false`))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"the object written", func() { putAccounts(5, 25, "2") }},
	} {
		res := NewResident(s)
		res.chunk = 7
		done, err := res.warmStep(ctx, "Account", need)
		if err != nil || done {
			t.Fatalf("%s: the first Warm step: done %v, %v", tc.name, done, err)
		}
		res.mu.Lock()
		l := res.loading["Account"]
		res.mu.Unlock()
		if l == nil || l.nt.n != 7 {
			t.Fatalf("%s: no decoding of 7 records in progress after a Warm step: %+v", tc.name, l)
		}
		tc.between()
		check(tc.name, res)
		res.mu.Lock()
		kept, loading := res.tables["Account"], len(res.loading)
		res.mu.Unlock()
		if loading != 0 || kept == nil || l.result == nil && tc.name != "the object written" {
			t.Fatalf("%s: the query did not complete the decoding (%d in progress, table %v)", tc.name, loading, kept != nil)
		}
		if (kept == l.result) != (tc.name != "the object written") {
			t.Fatalf("%s: the kept table is the continued decoding: %v", tc.name, kept == l.result)
		}
		if err := res.Warm(ctx, map[string][]string{"Account": need}); err != nil {
			t.Fatal(err)
		}
		if n := res.Loads(); n != 1 {
			t.Fatalf("%s: %d decodings, want 1", tc.name, n)
		}
	}
}

// TestResidentWarmParents: WarmParents holds an object's records for
// parent lookups; results equal the plain scan's, and a write to that
// object drops them.
func TestResidentWarmParents(t *testing.T) {
	s := openTemp(t)
	for obj, d := range map[string]string{"Account": describeAccount, "User": describeUser} {
		if err := s.PutDescribe(obj, []byte(d), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	u1 := string(sfdc.NewID("005", "4S", 1))
	a1 := string(sfdc.NewID("001", "4S", 1))
	put := func(object, raw string) {
		t.Helper()
		if err := s.Update(func(w *Writer) error { _, err := w.PutRecord(object, []byte(raw)); return err }); err != nil {
			t.Fatal(err)
		}
	}
	put("User", string(rec("User", u1, `,"Name":"Rep One","IsDeleted":false`)))
	put("Account", string(rec("Account", a1, `,"Name":"Acme","OwnerId":"`+u1+`","IsDeleted":false`)))
	ctx := context.Background()
	res := NewResident(s)
	if err := res.WarmParents(ctx, []string{"User"}); err != nil {
		t.Fatal(err)
	}
	held := func() bool {
		res.mu.Lock()
		defer res.mu.Unlock()
		e, ok := res.parents[u1]
		return ok && e.ok
	}
	if !held() {
		t.Fatal("WarmParents did not hold the user")
	}
	check := func(want string) {
		t.Helper()
		q := "SELECT Name, Owner.Name FROM Account"
		if got := flat(t, warmAsPlain(t, s, res, "after WarmParents", q).Records); !strings.Contains(got, want) {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	check("Rep One")
	put("User", string(rec("User", u1, `,"Name":"Rep Renamed","IsDeleted":false`)))
	check("Rep Renamed")
}

// residentTestStore opens a cache in a temporary directory with the
// describes of Account, Contact and User; it returns the file's path too,
// for another Store (another process) to open.
func residentTestStore(t *testing.T) (string, *Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "org.db")
	s, err := Open(path, Options{Org: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Now()
	for obj, d := range map[string]string{"Account": describeAccount, "Contact": describeContact, "User": describeUser} {
		if err := s.PutDescribe(obj, []byte(d), now); err != nil {
			t.Fatal(err)
		}
	}
	return path, s
}

// putRecords puts each record (object, JSON) in one transaction of st.
func putRecords(t *testing.T, st *Store, recs ...[2]string) {
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

// warmAsPlain runs q through res and through the file, fails (naming step)
// unless both give the same result, and returns the warm one.
func warmAsPlain(t *testing.T, s *Store, res *Resident, step, q string) *soql.Result {
	t.Helper()
	ctx := context.Background()
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
	return warm
}
