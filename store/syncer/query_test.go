package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
)

// taskDescribe is a Task with an archive flag, a compound field and a
// binary field next to ordinary ones.
func taskDescribe() *sfdc.SObjectDescribe {
	return &sfdc.SObjectDescribe{Name: "Task", KeyPrefix: "00T", Queryable: true, Fields: []sfdc.Field{
		{Name: "Id", Type: "id"}, {Name: "Subject", Type: "string"}, {Name: "ActivityDate", Type: "date"},
		{Name: "IsDeleted", Type: "boolean"}, {Name: "IsArchived", Type: "boolean"},
		{Name: "SystemModstamp", Type: "datetime"}, {Name: "Location__c", Type: "location"}, {Name: "Blob", Type: "base64"},
	}}
}

// queryCache runs q over the records in st, as the org would, and returns
// the rows' Ids in result order and the fields of the first row.
func queryCache(t *testing.T, st *store.Store, q string) (ids, fields []string) {
	t.Helper()
	res, err := st.Query(context.Background(), q, store.QueryOptions{})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	for i, r := range res.Records {
		id, _ := r.Get("Id")
		ids = append(ids, fmt.Sprint(id))
		if i == 0 {
			for _, k := range r.Keys {
				if k != "attributes" {
					fields = append(fields, k)
				}
			}
		}
	}
	return ids, fields
}

// TestQueriesSelectWhatTheSyncNeeds runs the queries a sync sends over a
// cache holding the same records as the org, and checks which records and
// fields come back: the scope and the archive flag bound the records, a
// resumed full pass continues after its cursor, an incremental pass re-reads
// the minute before its watermark (late commits) and nothing older.
func TestQueriesSelectWhatTheSyncNeeds(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	d := taskDescribe()
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutDescribe("Task", raw, time.Now()); err != nil {
		t.Fatal(err)
	}
	id := func(n int) string { return string(sfdc.NewID("00T", "4S", uint64(n))) }
	task := func(n int, subject, activityDate string, archived bool, modstamp string) []byte {
		return fmt.Appendf(nil, `{"attributes":{"type":"Task"},"Id":%q,"Subject":%q,"ActivityDate":%s,"IsDeleted":false,"IsArchived":%v,`+
			`"SystemModstamp":%q,"Location__c":{"latitude":52.5,"longitude":13.4},"Blob":"/services/data/v62.0/sobjects/Task/%s/Blob"}`,
			id(n), subject, activityDate, archived, modstamp, id(n))
	}
	err = st.Update(func(w *store.Writer) error {
		for _, raw := range [][]byte{
			task(1, "Call", "null", false, "2026-11-21T10:00:00.000+0000"),
			task(2, "Call", "null", true, "2026-11-21T10:00:10.000+0000"),           // archived
			task(3, "Email", `"2026-01-01"`, false, "2026-11-21T10:00:20.000+0000"), // out of scope
			task(4, "Call", `"2026-01-01"`, false, "2026-11-21T09:59:45.000+0000"),  // in scope by subject
			task(5, "Call", "null", false, "2026-11-21T09:50:00.000+0000"),
		} {
			if _, err := w.PutRecord("Task", raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A scope with an OR: the archive flag applies to all of it.
	base, hasWhere, hasDeleted, skip := baseQuery(d, "ActivityDate = null OR Subject = 'Call'")
	if skip != "" {
		t.Fatalf("Task skipped: %s", skip)
	}
	pl := &plan{object: "Task", base: base, hasWhere: hasWhere, hasDeleted: hasDeleted, bulk: true}
	ids, fields := queryCache(t, st, pl.soql())
	if want := []string{id(1), id(4), id(5)}; !slices.Equal(ids, want) {
		t.Errorf("full pass got %v, want %v (in scope, not archived, in Id order)", ids, want)
	}
	// Every readable field comes along, Id and SystemModstamp first;
	// compound and binary fields do not.
	if want := []string{"Id", "SystemModstamp", "Subject", "ActivityDate", "IsDeleted", "IsArchived"}; !slices.Equal(fields, want) {
		t.Errorf("full pass fields %v, want %v", fields, want)
	}
	if pl.queryAll() {
		t.Error("a full pass asks for deleted records")
	}

	// Resumed after the last committed record of an earlier run.
	pl.wm = store.Watermark{Cursor: id(1)}
	if ids, _ := queryCache(t, st, pl.soql()); !slices.Equal(ids, []string{id(4), id(5)}) {
		t.Errorf("resumed full pass got %v, want the records after the cursor", ids)
	}

	// Incremental: what changed since a minute before the watermark, oldest
	// first, deletions included.
	pl.bulk = false
	pl.wm = store.Watermark{Modstamp: "2026-11-21T10:00:30.000+0000", Complete: true}
	if ids, _ := queryCache(t, st, pl.soql()); !slices.Equal(ids, []string{id(4), id(1)}) {
		t.Errorf("incremental got %v, want the records of the last minute by SystemModstamp", ids)
	}
	if !pl.queryAll() {
		t.Error("an incremental pass does not ask for deleted records")
	}

	// Without a scope, on an object without an archive flag.
	d.Fields = slices.DeleteFunc(d.Fields, func(f sfdc.Field) bool { return f.Name == "IsArchived" })
	base, hasWhere, hasDeleted, _ = baseQuery(d, "")
	pl = &plan{object: "Task", base: base, hasWhere: hasWhere, hasDeleted: hasDeleted,
		wm: store.Watermark{Modstamp: "2026-11-21T10:00:30.000+0000", Complete: true}}
	if ids, _ := queryCache(t, st, pl.soql()); !slices.Equal(ids, []string{id(4), id(1), id(2), id(3)}) {
		t.Errorf("incremental without scope got %v", ids)
	}
}

// TestUnqueryableObjectIsSkipped: an object the user cannot query is
// reported as skipped, and the rest of the sync goes on.
func TestUnqueryableObjectIsSkipped(t *testing.T) {
	org := newTestOrg(t, emulator.Options{Seed: 1, Empty: true})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	if err := st.PutDescribe("Thing__c", []byte(`{"name":"Thing__c","keyPrefix":"a00","queryable":false,"fields":[{"name":"Id","type":"id"},{"name":"SystemModstamp","type":"datetime"}]}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), org.c, st, Config{Objects: []string{"Thing__c", "User"}})
	if err != nil {
		t.Fatal(err)
	}
	// The user is told why, not that the object is missing.
	if why := res.Objects["Thing__c"].Skipped; !strings.Contains(why, "not queryable") {
		t.Errorf("unqueryable object: skipped %q, want a note that it is not queryable", why)
	}
	if n, _ := st.Count("User"); n == 0 || res.Objects["User"].Fetched != n {
		t.Errorf("users: cached %d, result %+v", n, res.Objects["User"])
	}
}

// TestLateCommitIsNotMissed: a record whose SystemModstamp is older than
// what the last sync saw (its transaction began first but committed after
// the sync read) still reaches the cache on the next incremental sync, and
// records re-read for it do not count as changed.
func TestLateCommitIsNotMissed(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	var clock atomic.Int64 // the org's and the sync's time, read by the server's goroutines
	clock.Store(t0.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	org := newTestOrg(t, emulator.Options{Seed: 1, Empty: true, Now: now})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := Config{Objects: []string{"Account"}, Now: now}
	create := func(at time.Time, name string) string {
		t.Helper()
		clock.Store(at.UnixNano())
		id, err := org.emu.Create("Account", map[string]any{"Name": name})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	runSync := func(at time.Time) *ObjectResult {
		t.Helper()
		clock.Store(at.UnixNano())
		res, err := Run(ctx, org.c, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res.Objects["Account"]
	}

	create(t0, "First")
	if o := runSync(t0.Add(time.Minute)); o.Fetched != 1 {
		t.Fatalf("initial sync: %+v, want the one account", o)
	}
	create(t0.Add(10*time.Minute), "Second")
	if o := runSync(t0.Add(11 * time.Minute)); o.Fetched != 1 {
		t.Fatalf("incremental sync: %+v, want the second account", o)
	}
	// Committed after that sync, stamped 30 seconds before the newest
	// record it saw.
	late := create(t0.Add(10*time.Minute-30*time.Second), "Late")
	if o := runSync(t0.Add(12 * time.Minute)); o.Fetched != 1 {
		t.Errorf("sync after the late commit: %+v, want only the late account counted", o)
	}
	if _, ok, _ := st.Get("Account", late); !ok {
		t.Error("the late-committed account is not cached")
	}
	assertCacheEqualsServer(t, org.c, st, cfg)
}
