package syncer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
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

// assertCacheEqualsServer compares, for every synced object, every cached
// record with the server's: the same Ids, and for each the same fields and
// values as a live query with the object's field list and scope returns.
func assertCacheEqualsServer(t *testing.T, c *sfdc.Client, st *store.Store, cfg Config) {
	t.Helper()
	ctx := context.Background()
	objects := cfg.Objects
	if len(objects) == 0 {
		objects = DefaultObjects
	}
	total := 0
	for _, object := range objects {
		// The watermark's query is the field list and scope the object
		// was synced with; fall back to Id and SystemModstamp.
		q := "SELECT Id, SystemModstamp FROM " + object
		if w := cfg.where(object); w != "" {
			q += " WHERE " + w
		}
		if wm, ok, err := st.Watermark(object); err != nil {
			t.Fatal(err)
		} else if ok && wm.Query != "" {
			q = wm.Query
		}
		live := map[string][]byte{}
		for page, err := range c.QueryPages(ctx, sfdc.Query{SOQL: q}) {
			if err != nil {
				t.Fatalf("live query %s: %v", object, err)
			}
			for _, raw := range page.Records {
				st, err := store.ReadStamp(raw)
				if err != nil {
					t.Fatalf("live %s record: %v", object, err)
				}
				live[st.ID] = raw
			}
		}
		cached := map[string][]byte{}
		err := st.ForEach(object, func(id string, raw []byte) bool {
			cached[id] = bytes.Clone(raw)
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		var diffs []string
		for id, raw := range live {
			cachedRaw, ok := cached[id]
			if !ok {
				diffs = append(diffs, "missing "+id)
				continue
			}
			if bytes.Equal(cachedRaw, raw) {
				continue // the server encodes a record the same way each time
			}
			rec, got := decodeFields(t, raw), decodeFields(t, cachedRaw)
			for field, want := range rec {
				if have, ok := got[field]; !ok || !reflect.DeepEqual(have, want) {
					diffs = append(diffs, fmt.Sprintf("stale %s.%s: cached %v, server %v", id, field, have, want))
				}
			}
		}
		for id := range cached {
			if _, ok := live[id]; !ok {
				diffs = append(diffs, "extra "+id)
			}
		}
		if len(diffs) > 0 {
			slices.Sort(diffs)
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

// decodeFields decodes one raw record, without its attributes (the URL).
func decodeFields(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatalf("decode record %.80s: %v", raw, err)
	}
	if _, ok := rec["Id"].(string); !ok {
		t.Fatalf("record without Id: %.80s", raw)
	}
	delete(rec, "attributes")
	return rec
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

// TestKillMidSyncThenResume runs a first sync in a child process (this test
// binary again) that stops right after its first commit of one object's
// full pass, part-way through it, and SIGKILLs it there; then the org
// changes (records created, updated and deleted, before and after the
// interrupted pass's cursor) and the sync resumes in-process: it must end
// with the cache equal to the server, without needing another sync.
func TestKillMidSyncThenResume(t *testing.T) {
	if os.Getenv("LAZYFORCE_SYNC_CHILD") != "" {
		runChildSync()
		return
	}
	// Each object has several pages of 200: its first commit (the pages
	// waiting together, at most a handful) leaves it mid-way.
	for _, killAt := range []string{"Contact", "Opportunity", "Task"} {
		t.Run(killAt, func(t *testing.T) {
			ctx := context.Background()
			org := newTestOrg(t, emulator.Options{Seed: 11})
			path := filepath.Join(t.TempDir(), "org.db")
			killChildSync(t, org, path, killAt)

			st := openStore(t, path) // the killed process's lock is gone with it
			wm, ok, err := st.Watermark(killAt)
			if err != nil || !ok || wm.Complete || wm.Cursor == "" {
				t.Fatalf("%s not left mid-way by the kill: %+v %v %v", killAt, wm, ok, err)
			}

			// The org changes while the sync is down, on both sides of
			// the cursor: the first records in Id order were cached.
			if _, err := org.c.Create(ctx, "Account", map[string]any{"Name": "Created While Down"}); err != nil {
				t.Fatal(err)
			}
			if err := org.c.Delete(ctx, "Account", firstID(t, org.c, "SELECT Id FROM Account ORDER BY SystemModstamp, Id LIMIT 1")); err != nil {
				t.Fatal(err)
			}
			for _, ch := range []struct{ object, field string }{
				{"Contact", "Title"}, {"Lead", "Title"}, {"Opportunity", "Description"}, {"Task", "Description"},
			} {
				ids := firstIDs(t, org.c, "SELECT Id FROM "+ch.object+" ORDER BY Id LIMIT 2", 2)
				if err := org.c.Update(ctx, ch.object, ids[0], map[string]any{ch.field: "Changed While Down"}, sfdc.UpdateOptions{}); err != nil {
					t.Fatal(err)
				}
				if err := org.c.Delete(ctx, ch.object, ids[1]); err != nil {
					t.Fatal(err)
				}
				last := firstID(t, org.c, "SELECT Id FROM "+ch.object+" ORDER BY Id DESC LIMIT 1")
				if err := org.c.Update(ctx, ch.object, last, map[string]any{ch.field: "Changed While Down"}, sfdc.UpdateOptions{}); err != nil {
					t.Fatal(err)
				}
			}

			if _, err := Run(ctx, org.c, st, killConfig()); err != nil {
				t.Fatal(err)
			}
			assertCacheEqualsServer(t, org.c, st, killConfig())
			wms, err := st.Watermarks()
			if err != nil {
				t.Fatal(err)
			}
			for object, wm := range wms {
				if !wm.Complete {
					t.Errorf("%s not complete after the resumed sync: %+v", object, wm)
				}
			}
		})
	}
}

// killConfig syncs the objects TestKillMidSyncThenResume changes (and
// Users), with the default scope.
func killConfig() Config {
	cfg := defaultConfig()
	cfg.Objects = []string{"User", "Account", "Contact", "Lead", "Opportunity", "Task"}
	return cfg
}

// killChildSync runs a first sync of org into path in a child process and
// SIGKILLs it once it has committed the first pages of killAt and is
// stopped there (the child waits for the kill; no timing is involved).
func killChildSync(t *testing.T, org *testOrg, path, killAt string) {
	t.Helper()
	killChild(t, "TestKillMidSyncThenResume", "LAZYFORCE_SYNC_CHILD", org, path, killAt, killAt)
}

// killChild runs test in a child process (this test binary again, told by
// the variable env what to sync: org, into path, stopping in killAt) and
// SIGKILLs it once it says "stopped" (runChild); where names the stop in
// the failure when it never came.
func killChild(t *testing.T, test, env string, org *testOrg, path, killAt, where string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env+"="+org.url+" "+org.emu.AccessToken()+" "+path+" "+killAt)
	stdin, stdout := startChildProcess(t, cmd)
	defer stdin.Close() // the child exits
	lines := bufio.NewScanner(stdout)
	var last string
	for lines.Scan() {
		last = lines.Text()
		if last == "stopped" {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if last != "stopped" {
		t.Fatalf("child sync did not stop in %s: last line %q", where, last)
	}
}

// startChildProcess starts cmd (this test binary again) with pipes to its
// standard input and output; its standard error is ours. Closing stdin
// tells the child to exit.
func startChildProcess(tb testing.TB, cmd *exec.Cmd) (stdin io.WriteCloser, stdout io.ReadCloser) {
	tb.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err = cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	return stdin, stdout
}

// runChildSync is the child side of TestKillMidSyncThenResume: a first sync
// with small pages that, after the first commit of the given object that
// leaves it unfinished, says "stopped" and waits to be killed (or for its
// standard input to close).
func runChildSync() {
	runChild("LAZYFORCE_SYNC_CHILD", func(cfg *Config, killAt string, stop func()) {
		cfg.BatchSize = 200
		cfg.Progress = func(p Progress) {
			if p.Phase == PhaseFetch && p.Object == killAt && p.Records < p.Total {
				stop()
			}
		}
	})
}

// runChild is the child side of killChild: a first sync, as the variable
// env says, with killConfig changed by configure, which makes it call stop
// where it is to be killed: stop says "stopped" and waits to be killed (or
// for standard input to close).
func runChild(env string, configure func(cfg *Config, killAt string, stop func())) {
	parts := strings.Fields(os.Getenv(env))
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
	cfg := killConfig()
	configure(&cfg, parts[3], func() {
		fmt.Println("stopped")
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(4)
	})
	_, err = Run(context.Background(), c, st, cfg)
	fmt.Println("done", err)
	os.Exit(0)
}

// firstIDs returns the Ids of q's first n rows.
func firstIDs(t *testing.T, c *sfdc.Client, q string, n int) []sfdc.ID {
	t.Helper()
	res, err := c.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) < n {
		t.Fatalf("%d rows for %s, want %d", len(res.Records), q, n)
	}
	ids := make([]sfdc.ID, n)
	for i := range ids {
		ids[i] = res.Records[i].ID()
	}
	return ids
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

// TestOneHiccupDoesNotFailSync: a 503 or a dropped connection on any one
// /composite call of a sync (the describes, the picklists, the first
// pages) is retried like a failed query page, and the sync succeeds.
func TestOneHiccupDoesNotFailSync(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    emulator.Faults
	}{
		{"503 on the first composite", emulator.Faults{Status5xx: 503, Match: "/composite", Times: 1}},
		{"drop on the first composite", emulator.Faults{DropConnections: true, Match: "/composite", Times: 1}},
		{"503 on the first query composite", emulator.Faults{Status5xx: 503, Match: "/composite", Skip: 2, Times: 1}},
		{"drop on a later query composite", emulator.Faults{DropConnections: true, Match: "/composite", Skip: 3, Times: 1}},
		{"503 on a query page", emulator.Faults{Status5xx: 503, Match: "/query/", Times: 1}},
	} {
		f := tt.f
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			org := newTestOrg(t, emulator.Options{Seed: 2})
			st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
			cfg := defaultConfig()
			cfg.Objects = []string{"User", "Account", "Contact"}
			cfg.BatchSize = 200
			org.emu.SetFaults(f)
			if _, err := Run(ctx, org.c, st, cfg); err != nil {
				t.Fatalf("sync failed on one hiccup: %v", err)
			}
			if left := org.emu.Faults(); left != (emulator.Faults{}) {
				t.Fatalf("the fault never fired: %+v left", left)
			}
			wms, err := st.Watermarks()
			if err != nil || len(wms) != len(cfg.Objects) {
				t.Fatalf("watermarks %v %v", wms, err)
			}
			for object, wm := range wms {
				if !wm.Complete {
					t.Errorf("%s not complete: %+v", object, wm)
				}
			}
		})
	}
}

// TestEmptySyncKeepsWatermarksFresh: an incremental sync that finds nothing
// writes no records but still records, for every object, that it was
// synced: ten days later another sync stays incremental (the limit is 14
// days from the last sync, not from the last change). The objects are
// those whose scope does not move with the clock.
func TestEmptySyncKeepsWatermarksFresh(t *testing.T) {
	ctx := context.Background()
	// The org's data was written a day ago: no record is new enough to be
	// read again by the incremental query's overlap.
	start := time.Now()
	org := newTestOrg(t, emulator.Options{Seed: 5, Now: func() time.Time { return start.Add(-24 * time.Hour) }})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := defaultConfig()
	cfg.Objects = []string{"Account", "Contact", "Lead", "User", "OpportunityStage", "RecordType"}
	cfg.DescribeMaxAge = 365 * 24 * time.Hour
	cfg.Now = func() time.Time { return start }
	if _, err := Run(ctx, org.c, st, cfg); err != nil {
		t.Fatal(err)
	}
	later := start.Add(10 * 24 * time.Hour)
	cfg.Now = func() time.Time { return later }
	res, err := Run(ctx, org.c, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, object := range res.Order {
		o := res.Objects[object]
		if o.Skipped != "" {
			continue
		}
		if o.Fetched != 0 || o.Deleted != 0 {
			t.Errorf("empty sync: %s %+v", object, o)
		}
		wm, ok, err := st.Watermark(object)
		if err != nil || !ok || !wm.Complete || !wm.SyncedAt.Equal(later.UTC()) {
			t.Errorf("%s watermark after the empty sync: %+v %v %v, want complete, synced at %v", object, wm, ok, err, later.UTC())
		}
	}
	cfg.Now = func() time.Time { return later.Add(10 * 24 * time.Hour) }
	res, err = Run(ctx, org.c, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for object, o := range res.Objects {
		if o.Fetched != 0 {
			t.Errorf("20 days after the first sync, 10 after the last: %s fetched %d (a full pass?)", object, o.Fetched)
		}
	}
	assertCacheEqualsServer(t, org.c, st, cfg)
}
