package syncer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
)

// testOrg is an in-process emulator reached over real HTTP on loopback.
type testOrg struct {
	emu *emulator.Server
	url string
	c   *sfdc.Client
}

func newTestOrg(t testing.TB, opts emulator.Options) *testOrg {
	t.Helper()
	emu := emulator.New(opts)
	ts := httptest.NewServer(emu.Handler())
	t.Cleanup(ts.Close)
	return &testOrg{emu: emu, url: ts.URL, c: newClient(t, ts.URL, emu.AccessToken())}
}

func newClient(t testing.TB, url, token string) *sfdc.Client {
	t.Helper()
	c, err := sfdc.NewClient(context.Background(), url, sfdc.StaticToken(token), sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{Org: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func defaultConfig() Config {
	return Config{Scope: DefaultScope()}
}

// assertCacheEqualsServer compares, for every synced object, the cached
// records' Id and SystemModstamp with a live query using the same scope.
func assertCacheEqualsServer(t *testing.T, c *sfdc.Client, st *store.Store, cfg Config) {
	t.Helper()
	ctx := context.Background()
	objects := cfg.Objects
	if len(objects) == 0 {
		objects = DefaultObjects
	}
	total := 0
	for _, object := range objects {
		q := "SELECT Id, SystemModstamp FROM " + object
		if w := cfg.where(object); w != "" {
			q += " WHERE " + w
		}
		live := map[string]string{}
		for rec, err := range c.QueryRecords(ctx, sfdc.Query{SOQL: q}) {
			if err != nil {
				t.Fatalf("live query %s: %v", object, err)
			}
			live[string(rec.ID())] = rec.String("SystemModstamp")
		}
		cached := map[string]string{}
		err := st.ForEach(object, func(id string, raw []byte) bool {
			s, err := store.ReadStamp(raw)
			if err != nil {
				t.Fatalf("cached %s %s: %v", object, id, err)
			}
			cached[id] = s.Modstamp
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		var diffs []string
		for id, stamp := range live {
			if got, ok := cached[id]; !ok {
				diffs = append(diffs, "missing "+id)
			} else if got != stamp {
				diffs = append(diffs, fmt.Sprintf("stale %s: cached %s, server %s", id, got, stamp))
			}
		}
		for id := range cached {
			if _, ok := live[id]; !ok {
				diffs = append(diffs, "extra "+id)
			}
		}
		if len(diffs) > 0 {
			if len(diffs) > 5 {
				diffs = append(diffs[:5], fmt.Sprintf("… %d more", len(diffs)-5))
			}
			t.Errorf("%s: cache differs from server (%d live, %d cached):\n  %s", object, len(live), len(cached), strings.Join(diffs, "\n  "))
		}
		total += len(live)
	}
	if total == 0 {
		t.Fatal("the org has no records: the comparison proves nothing")
	}
}

func TestInitialSyncEqualsServer(t *testing.T) {
	org := newTestOrg(t, emulator.Options{Seed: 7})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := defaultConfig()
	var progress []Progress
	cfg.Progress = func(p Progress) { progress = append(progress, p) }
	calls := org.emu.APICalls()
	res, err := Run(context.Background(), org.c, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	serverCalls := org.emu.APICalls() - calls
	assertCacheEqualsServer(t, org.c, st, cfg)
	for _, object := range DefaultObjects {
		n, _ := st.Count(object)
		if o := res.Objects[object]; o == nil || o.Fetched != n || o.Skipped != "" {
			t.Errorf("%s: result %+v, cached %d", object, o, n)
		}
	}
	if res.APICalls <= 0 || res.APICalls != int64(serverCalls) {
		t.Errorf("APICalls = %d, emulator counted %d", res.APICalls, serverCalls)
	}
	t.Logf("initial sync: %d API calls", res.APICalls)
	var sawFetch, sawDone bool
	for _, p := range progress {
		sawFetch = sawFetch || p.Phase == PhaseFetch && p.Pages > 0 && p.Records > 0
		sawDone = sawDone || p.Phase == PhaseDone
	}
	if !sawFetch || !sawDone {
		t.Errorf("progress callback not called as expected: %d reports", len(progress))
	}
	if last, _ := st.LastSync(); last.IsZero() {
		t.Error("last sync time not recorded")
	}
	// Picklists per available record type and the org's settings come with
	// the describes.
	raw, _, ok, err := st.Describe("Opportunity")
	if err != nil || !ok {
		t.Fatalf("Opportunity describe not cached: %v", err)
	}
	var d sfdc.SObjectDescribe
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	rts := 0
	for _, rt := range d.RecordTypeInfos {
		if !rt.Available {
			continue
		}
		rts++
		pl, _, ok, err := st.Picklists("Opportunity", string(rt.RecordTypeID))
		if err != nil || !ok || !strings.Contains(string(pl), `"StageName"`) {
			t.Errorf("picklists of record type %s (%s): %v %v %.80s", rt.Name, rt.RecordTypeID, ok, err, pl)
		}
	}
	if rts < 2 {
		t.Errorf("Opportunity has %d available record types, want the demo's 2+", rts)
	}
	// Custom fields are synced with the standard ones.
	var custom bool
	_ = st.ForEach("Account", func(_ string, raw []byte) bool {
		custom = strings.Contains(string(raw), `"Segment__c":`)
		return false
	})
	if !custom {
		t.Error("custom field Account.Segment__c not synced")
	}
	if n, _ := st.Count("Organization"); n != 1 {
		t.Errorf("Organization records cached: %d", n)
	}

	// Offline SOQL works on what was synced.
	qr, err := st.Query(context.Background(), "SELECT COUNT() FROM Opportunity WHERE Account.Name != null", store.QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Count("Opportunity"); qr.TotalSize == 0 || qr.TotalSize > n {
		t.Errorf("offline COUNT() = %d, cached opportunities %d", qr.TotalSize, n)
	}
}

func TestIncrementalSync(t *testing.T) {
	ctx := context.Background()
	org := newTestOrg(t, emulator.Options{Seed: 3})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := defaultConfig()
	if _, err := Run(ctx, org.c, st, cfg); err != nil {
		t.Fatal(err)
	}

	// Nothing changed: only the batched probes are sent, nothing is fetched.
	calls := org.emu.APICalls()
	res, err := Run(ctx, org.c, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := (len(DefaultObjects) + maxQuerySubrequests - 1) / maxQuerySubrequests
	if got := org.emu.APICalls() - calls; got != wantCalls || res.APICalls != int64(wantCalls) {
		t.Errorf("empty incremental sync cost %d API calls (result says %d), want %d", got, res.APICalls, wantCalls)
	}
	for object, o := range res.Objects {
		if o.Fetched != 0 || o.Deleted != 0 {
			t.Errorf("empty incremental sync: %s %+v", object, o)
		}
	}

	// Server-side create, update and delete.
	acct, err := org.c.Create(ctx, "Account", map[string]any{"Name": "Sync Test Co"})
	if err != nil {
		t.Fatal(err)
	}
	contact := firstID(t, org.c, "SELECT Id FROM Contact ORDER BY Id LIMIT 1")
	if err := org.c.Update(ctx, "Contact", contact, map[string]any{"Title": "Chief Sync Officer"}, sfdc.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	opp := firstID(t, org.c, "SELECT Id FROM Opportunity WHERE IsClosed = false ORDER BY Id LIMIT 1")
	if err := org.c.Delete(ctx, "Opportunity", opp); err != nil {
		t.Fatal(err)
	}
	res, err = Run(ctx, org.c, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertCacheEqualsServer(t, org.c, st, cfg)
	if res.Objects["Account"].Fetched != 1 || res.Objects["Contact"].Fetched != 1 || res.Objects["Opportunity"].Deleted != 1 {
		t.Errorf("incremental counts: Account %+v Contact %+v Opportunity %+v",
			res.Objects["Account"], res.Objects["Contact"], res.Objects["Opportunity"])
	}
	if _, ok, _ := st.Get("Account", string(acct)); !ok {
		t.Error("created account not cached")
	}
	raw, _, _ := st.Get("Contact", string(contact))
	if !strings.Contains(string(raw), "Chief Sync Officer") {
		t.Errorf("updated contact not refreshed: %s", raw)
	}
	if _, ok, _ := st.Get("Opportunity", string(opp)); ok {
		t.Error("deleted opportunity still cached")
	}
}

func TestUnknownObjectIsSkipped(t *testing.T) {
	org := newTestOrg(t, emulator.Options{Seed: 1, Empty: true})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := Config{Objects: []string{"User", "NoSuchThing__c"}}
	res, err := Run(context.Background(), org.c, st, cfg)
	if err != nil {
		t.Fatalf("an unknown object failed the sync: %v", err)
	}
	if res.Objects["NoSuchThing__c"].Skipped == "" {
		t.Errorf("unknown object not skipped: %+v", res.Objects["NoSuchThing__c"])
	}
	if n, _ := st.Count("User"); n == 0 || res.Objects["User"].Fetched != n {
		t.Errorf("users: cached %d, result %+v", n, res.Objects["User"])
	}
}

func TestFullSyncDropsRecordsOutOfScope(t *testing.T) {
	ctx := context.Background()
	org := newTestOrg(t, emulator.Options{Seed: 5})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := Config{Objects: []string{"Account"}}
	if _, err := Run(ctx, org.c, st, cfg); err != nil {
		t.Fatal(err)
	}
	all, _ := st.Count("Account")
	// A narrower scope changes the query: the object is synced again from
	// scratch and records outside the scope leave the cache.
	cfg.Scope.Where = map[string]string{"Account": "Name LIKE 'A%'"}
	if _, err := Run(ctx, org.c, st, cfg); err != nil {
		t.Fatal(err)
	}
	assertCacheEqualsServer(t, org.c, st, cfg)
	if n, _ := st.Count("Account"); n >= all {
		t.Errorf("narrower scope kept %d of %d accounts", n, all)
	}
	cfg.Full = true
	cfg.Scope.Where = nil
	if _, err := Run(ctx, org.c, st, cfg); err != nil {
		t.Fatal(err)
	}
	assertCacheEqualsServer(t, org.c, st, cfg)
}

// TestKillMidSyncThenResume runs a sync in a child process (this test binary
// again), SIGKILLs it after a few committed pages, changes the org, and
// resumes in-process: the cache must end equal to the server.
func TestKillMidSyncThenResume(t *testing.T) {
	if os.Getenv("LAZYFORCE_SYNC_CHILD") != "" {
		runChildSync()
		return
	}
	ctx := context.Background()
	org := newTestOrg(t, emulator.Options{Seed: 11})
	path := filepath.Join(t.TempDir(), "org.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidSyncThenResume$")
	cmd.Env = append(os.Environ(), "LAZYFORCE_SYNC_CHILD="+org.url+" "+org.emu.AccessToken()+" "+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	pages := 0
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "page ") {
			pages++
			if pages == 6 {
				break
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if pages < 6 {
		t.Fatalf("child sync ended after %d pages, before it could be killed", pages)
	}

	st := openStore(t, path) // the killed process's lock is gone with it
	wms, err := st.Watermarks()
	if err != nil {
		t.Fatal(err)
	}
	complete := 0
	for _, wm := range wms {
		if wm.Complete {
			complete++
		}
	}
	if complete == len(DefaultObjects) {
		t.Fatal("child finished the whole sync before it was killed")
	}

	// The org changes while the sync is down.
	if _, err := org.c.Create(ctx, "Account", map[string]any{"Name": "Created While Down"}); err != nil {
		t.Fatal(err)
	}
	if err := org.c.Delete(ctx, "Account", firstID(t, org.c, "SELECT Id FROM Account ORDER BY SystemModstamp, Id LIMIT 1")); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, org.c, st, defaultConfig()); err != nil {
		t.Fatal(err)
	}
	assertCacheEqualsServer(t, org.c, st, defaultConfig())
}

// runChildSync is the child side of TestKillMidSyncThenResume: small pages,
// one line per committed page, slow enough to be killed mid-way.
func runChildSync() {
	parts := strings.Fields(os.Getenv("LAZYFORCE_SYNC_CHILD"))
	c, err := sfdc.NewClient(context.Background(), parts[0], sfdc.StaticToken(parts[1]), sfdc.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	st, err := store.Open(parts[2], store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	cfg := defaultConfig()
	cfg.BatchSize = 200
	cfg.Progress = func(p Progress) {
		if p.Phase == PhaseFetch {
			fmt.Printf("page %s %d\n", p.Object, p.Pages)
			time.Sleep(20 * time.Millisecond)
		}
	}
	_, err = Run(context.Background(), c, st, cfg)
	fmt.Println("done", err)
	os.Exit(0)
}

func firstID(t *testing.T, c *sfdc.Client, q string) sfdc.ID {
	t.Helper()
	res, err := c.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) == 0 {
		t.Fatalf("no rows for %s", q)
	}
	return res.Records[0].ID()
}

// TestStaleCacheIsSyncedFromScratch: after longer than the recycle bin keeps
// deletions, an incremental sync could miss purged records, so the object is
// fetched again from scratch.
func TestStaleCacheIsSyncedFromScratch(t *testing.T) {
	ctx := context.Background()
	org := newTestOrg(t, emulator.Options{Seed: 1, Empty: true})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := Config{Objects: []string{"User"}}
	if _, err := Run(ctx, org.c, st, cfg); err != nil {
		t.Fatal(err)
	}
	users, _ := st.Count("User")
	res, err := Run(ctx, org.c, st, cfg)
	if err != nil || res.Objects["User"].Fetched != 0 {
		t.Fatalf("fresh incremental: %+v %v", res.Objects["User"], err)
	}
	cfg.Now = func() time.Time { return time.Now().Add(15 * 24 * time.Hour) }
	res, err = Run(ctx, org.c, st, cfg)
	if err != nil || users == 0 || res.Objects["User"].Fetched != users {
		t.Fatalf("stale incremental: %+v %v, want all %d users fetched again", res.Objects["User"], err, users)
	}
}

// TestOrgFailureMidSyncThenResume: the org stops answering (API limit
// reached) after a few pages; the sync fails with that error, what was
// committed stays consistent, and the next sync ends equal to the server.
func TestOrgFailureMidSyncThenResume(t *testing.T) {
	ctx := context.Background()
	org := newTestOrg(t, emulator.Options{Seed: 9})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := defaultConfig()
	cfg.BatchSize = 500
	org.emu.SetFaults(emulator.Faults{RequestLimitExceeded: true, Match: "/query/", Skip: 8})
	_, err := Run(ctx, org.c, st, cfg)
	if !sfdc.IsLimitExceeded(err) {
		t.Fatalf("sync during a limit outage: %v, want REQUEST_LIMIT_EXCEEDED", err)
	}
	wms, _ := st.Watermarks()
	var partial bool
	for _, wm := range wms {
		partial = partial || !wm.Complete && wm.Cursor != ""
	}
	if !partial {
		t.Fatalf("no object was left mid-way: %+v", wms)
	}
	org.emu.SetFaults(emulator.Faults{})
	if _, err := org.c.Create(ctx, "Contact", map[string]any{"LastName": "Added Meanwhile"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, org.c, st, cfg); err != nil {
		t.Fatal(err)
	}
	assertCacheEqualsServer(t, org.c, st, cfg)
	// Indexes cover every cached record, also of objects whose pass resumed.
	for _, object := range []string{"Contact", "Opportunity", "Task"} {
		checked := 0
		err := st.ForEach(object, func(id string, raw []byte) bool {
			r, err := store.DecodeRecord(raw, "AccountId")
			if err != nil {
				t.Fatal(err)
			}
			acct, _ := r["AccountId"].(string)
			if acct == "" {
				return true
			}
			ids, err := st.Related("AccountId", acct, object)
			if err != nil || !slices.Contains(ids, id) {
				t.Fatalf("%s %s missing from the AccountId index of %s: %v", object, id, acct, err)
			}
			checked++
			return checked < 200
		})
		if err != nil || checked == 0 {
			t.Fatalf("%s: checked %d index entries: %v", object, checked, err)
		}
	}
}
