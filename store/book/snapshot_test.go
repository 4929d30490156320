package book

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book/booktest"
)

// TestListsFromSnapshots reads the lists of a synced demo org twice: the
// second read comes from the snapshots the first one stored and equals
// reading the records; a write to the cache makes the snapshots stale, so
// the next read sees the change (and stores fresh snapshots).
func TestListsFromSnapshots(t *testing.T) {
	st, b := listsDemo(t)
	ctx := context.Background()

	current := func(name string) bool { t.Helper(); return snapshotCurrent(t, st, name) }
	if current("accounts") || current("opportunities") {
		t.Fatal("snapshots before the first read")
	}
	wantAccts := readRecords(t, "accounts", b.readAccounts)
	wantOpps := readRecords(t, "opportunities", b.readOpportunities)
	wantContacts := readRecords(t, "contacts", b.readContacts)
	wantLeads := readRecords(t, "leads", b.readLeads)
	for round := range 2 { // the first stores the snapshots, the second reads them
		sameRead(t, round, "accounts", b.Accounts, wantAccts)
		sameRead(t, round, "opportunities", b.Opportunities, wantOpps)
		sameRead(t, round, "contacts", b.AllContacts, wantContacts)
		sameRead(t, round, "leads", b.Leads, wantLeads)
		if !current("accounts") || !current("opportunities") || !current("contacts") || !current("leads") {
			t.Fatalf("round %d: snapshots not current after a read", round)
		}
	}

	// Rename an opportunity: the snapshot is stale and the list shows it.
	renameOpportunity(t, st, wantOpps[0].ID)
	if current("opportunities") || current("accounts") {
		t.Fatal("snapshots still current after a write")
	}
	opps, err := b.Opportunities(ctx)
	if err != nil || opps[0].Name != "Renamed "+wantOpps[0].Name || len(opps) != len(wantOpps) {
		t.Fatalf("after the write: %q (%d), %v", opps[0].Name, len(opps), err)
	}
	if !current("opportunities") {
		t.Fatal("no fresh snapshot after the read")
	}

	// A damaged snapshot is ignored: the list is read from the records.
	gen, _, _ := st.Snapshot(snapPrefix+"opportunities", func([]byte) error { return nil })
	if ok, err := st.PutSnapshot(snapPrefix+"opportunities", gen, []byte{0xff, 0xff}); err != nil || !ok {
		t.Fatalf("put damaged snapshot: %v %v", ok, err)
	}
	if again, err := b.Opportunities(ctx); err != nil || !reflect.DeepEqual(again, opps) {
		t.Fatalf("with a damaged snapshot: %d, %v", len(again), err)
	}
}

// TestWarmSnapshots stores every start-up list's snapshot, so that the
// next reads come from them; a second warm over an unchanged cache keeps
// them.
func TestWarmSnapshots(t *testing.T) {
	st, b := listsDemo(t)
	ctx := context.Background()
	names := []string{"accounts", "opportunities", "contacts", "leads"}
	current := func(name string) bool { t.Helper(); return snapshotCurrent(t, st, name) }
	for _, n := range names {
		if current(n) {
			t.Fatalf("a %s snapshot before any read", n)
		}
	}
	for range 2 {
		if err := b.WarmSnapshots(ctx); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !current(n) {
				t.Fatalf("no current %s snapshot after WarmSnapshots", n)
			}
		}
	}
	want, err := b.readOpportunities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Opportunities(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("opportunities from the warmed snapshot differ from the records (%v)", err)
	}
}

// TestSnapshotTimes round-trips times through the snapshot encoding: a
// UTC time (the cache's) and any other come back as time's own
// UnmarshalBinary reads them.
func TestSnapshotTimes(t *testing.T) {
	for _, tm := range []time.Time{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 1, 5, time.UTC), time.Date(1900, 3, 1, 12, 0, 0, 999999999, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600)), time.Date(2026, 1, 2, 3, 4, 5, 6, time.Local)} {
		e := &encoder{}
		e.time(tm)
		d := &decoder{s: string(e.b)}
		got := d.time()
		var want time.Time
		b, _ := tm.MarshalBinary()
		_ = want.UnmarshalBinary(b)
		if !reflect.DeepEqual(got, want) || d.err != nil {
			t.Errorf("%v: got %#v want %#v", tm, got, want)
		}
	}
}

// TestKept: a value kept with a list comes back with that list, and only
// while the cache is unchanged; a value derived before a write is not
// stored after it.
func TestKept(t *testing.T) {
	st, _ := booktest.Demo(t, booktest.Options{Now: func() time.Time { return demoNow },
		Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
	b := New(st, Options{OrgName: "demo"})
	ctx := context.Background()

	opps, k, err := b.OpportunitiesKept(ctx, "test.v1")
	if err != nil || len(opps) == 0 || k.Data != "" {
		t.Fatalf("first read: %d opportunities, kept %q, %v", len(opps), k.Data, err)
	}
	k.Keep([]byte("derived"))
	accts, ka, err := b.AccountsKept(ctx, "test.v1")
	if err != nil || len(accts) == 0 || ka.Data != "" {
		t.Fatalf("accounts: %d, kept %q, %v", len(accts), ka.Data, err)
	}
	ka.Keep([]byte("accounts derived"))
	for range 2 {
		again, k, err := b.OpportunitiesKept(ctx, "test.v1")
		if err != nil || !reflect.DeepEqual(again, opps) || k.Data != "derived" {
			t.Fatalf("next read: same list %v, kept %q, %v", reflect.DeepEqual(again, opps), k.Data, err)
		}
		if _, k, _ := b.OpportunitiesKept(ctx, "other.v1"); k.Data != "" {
			t.Fatalf("kept under another name: %q", k.Data)
		}
		if _, ka, _ := b.AccountsKept(ctx, "test.v1"); ka.Data != "accounts derived" {
			t.Fatalf("accounts kept %q", ka.Data)
		}
	}

	// A write: what was kept is for the list before it.
	_, stale, _ := b.OpportunitiesKept(ctx, "test.v1")
	renameOpportunity(t, st, opps[0].ID)
	stale.Keep([]byte("stale"))
	after, k, err := b.OpportunitiesKept(ctx, "test.v1")
	if err != nil || after[0].Name != "Renamed "+opps[0].Name || k.Data != "" {
		t.Fatalf("after the write: %q, kept %q, %v", after[0].Name, k.Data, err)
	}
	k.Keep([]byte("fresh"))
	if _, k, _ := b.OpportunitiesKept(ctx, "test.v1"); k.Data != "fresh" {
		t.Fatalf("kept after the write: %q", k.Data)
	}
	if _, ka, _ := b.AccountsKept(ctx, "test.v1"); ka.Data != "" {
		t.Fatalf("accounts' value kept across a write: %q", ka.Data)
	}
}

// listsDemo returns the cache of a synced demo org with the objects of
// the start-up lists, and its book.
func listsDemo(t *testing.T) (*store.Store, *Book) {
	t.Helper()
	st, _ := booktest.Demo(t, booktest.Options{Now: func() time.Time { return demoNow },
		Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Contact", "Lead", "Opportunity"}})
	return st, New(st, Options{OrgName: "demo"})
}

// readRecords reads the list what from the records with read; it fails
// the test on an error or an empty list.
func readRecords[T any](t *testing.T, what string, read func(context.Context) ([]T, error)) []T {
	t.Helper()
	l, err := read(context.Background())
	if err != nil || len(l) == 0 {
		t.Fatalf("read %s: %d, %v", what, len(l), err)
	}
	return l
}

// sameRead fails the test, in round, when the list what read by list is
// not want, the records'.
func sameRead[T any](t *testing.T, round int, what string, list func(context.Context) ([]T, error), want []T) {
	t.Helper()
	got, err := list(context.Background())
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("round %d: %s differ from the records (%d vs %d), %v", round, what, len(got), len(want), err)
	}
}

// snapshotCurrent reports whether st holds a current snapshot of the list
// name.
func snapshotCurrent(t *testing.T, st *store.Store, name string) bool {
	t.Helper()
	_, ok, err := st.Snapshot(snapPrefix+name, func([]byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// renameOpportunity writes the cached opportunity id back with "Renamed "
// before its name, as a sync that changed it would.
func renameOpportunity(t *testing.T, st *store.Store, id string) {
	t.Helper()
	raw, ok, err := st.Get("Opportunity", id)
	if err != nil || !ok {
		t.Fatalf("get: %v %v", ok, err)
	}
	renamed := strings.Replace(string(raw), `"Name":"`, `"Name":"Renamed `, 1)
	if err := st.Update(func(w *store.Writer) error {
		_, err := w.PutRecordUnindexed("Opportunity", []byte(renamed))
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestWarmSnapshotsKeeping stores the stale lists and what derive returns
// in one write: the kept values come back with the lists; a write to the
// cache while they are derived stores none of them; a current list and
// its kept value are left as they are.
func TestWarmSnapshotsKeeping(t *testing.T) {
	st, b := listsDemo(t)
	ctx := context.Background()
	names := []string{"accounts", "opportunities", "contacts", "leads"}
	current := func(name string) bool { t.Helper(); return snapshotCurrent(t, st, name) }

	// A write while deriving: nothing is stored.
	id, _, err := st.Identity()
	if err != nil {
		t.Fatal(err)
	}
	err = b.WarmSnapshotsKeeping(ctx, "test.v1", func([]Account, string, []Opportunity, string) ([]byte, []byte) {
		if err := st.SetIdentity(id); err != nil {
			t.Fatal(err)
		}
		return []byte("a"), []byte("o")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if current(n) {
			t.Fatalf("a %s snapshot stored though the cache changed meanwhile", n)
		}
	}

	// Without a write: all of it, the kept values with the lists derive got.
	var derived []Opportunity
	err = b.WarmSnapshotsKeeping(ctx, "test.v1", func(accts []Account, ka string, opps []Opportunity, ko string) ([]byte, []byte) {
		if ka != "" || ko != "" || len(accts) == 0 || len(opps) == 0 {
			t.Fatalf("derive got %d accounts (kept %q), %d opportunities (kept %q)", len(accts), ka, len(opps), ko)
		}
		derived = opps
		return []byte("a"), []byte("o")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !current(n) {
			t.Fatalf("no current %s snapshot", n)
		}
	}
	opps, ko, err := b.OpportunitiesKept(ctx, "test.v1")
	if err != nil || ko.Data != "o" || !reflect.DeepEqual(opps, derived) {
		t.Fatalf("opportunities: the list derived from %v, kept %q, %v", reflect.DeepEqual(opps, derived), ko.Data, err)
	}
	if _, ka, err := b.AccountsKept(ctx, "test.v1"); err != nil || ka.Data != "a" {
		t.Fatalf("accounts: kept %q, %v", ka.Data, err)
	}

	// Current: derive gets what is kept, and keeps it by returning nil.
	err = b.WarmSnapshotsKeeping(ctx, "test.v1", func(_ []Account, ka string, _ []Opportunity, ko string) ([]byte, []byte) {
		if ka != "a" || ko != "o" {
			t.Fatalf("derive got kept %q and %q", ka, ko)
		}
		return nil, nil
	})
	if _, ko, _ := b.OpportunitiesKept(ctx, "test.v1"); err != nil || ko.Data != "o" {
		t.Fatalf("after a run over a current cache: kept %q, %v", ko.Data, err)
	}
}

// TestDateEncodesAsParseDate: encoder.date appends what time appends for
// parseDate of a date, and refuses what time.Parse does not read as one.
func TestDateEncodesAsParseDate(t *testing.T) {
	check := func(s string) {
		t.Helper()
		var got, want encoder
		ok := got.date([]byte(s))
		parsed, err := time.Parse(time.DateOnly, s)
		if ok != (err == nil) {
			t.Fatalf("%q: date %v, time.Parse error %v", s, ok, err)
		}
		if !ok {
			if len(got.b) != 0 {
				t.Fatalf("%q: refused, yet %x appended", s, got.b)
			}
			return
		}
		want.time(parsed)
		if !bytes.Equal(got.b, want.b) || parseDate(s) != parsed {
			t.Fatalf("%q: date appends %x, time %x", s, got.b, want.b)
		}
	}
	for y := range 10000 {
		for _, md := range []string{"01-01", "01-31", "02-28", "02-29", "02-30", "03-01", "12-31", "12-32", "00-10", "13-01", "06-00"} {
			check(fmt.Sprintf("%04d-%s", y, md))
		}
	}
	for _, y := range []int{0, 1, 4, 100, 399, 400, 1582, 1899, 1900, 1969, 1970, 2000, 2024, 2025, 2026, 2100, 9999} {
		for m := range 14 {
			for d := range 33 {
				check(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	for _, s := range []string{"2026-1-011", "2026/01/01", "2026-01/01", "+026-01-01", "-026-01-01", "2026-0a-01", "2026-01-0 ", " 026-01-01", "2026-01-01", "20260-1-01"} {
		check(s)
	}
}
