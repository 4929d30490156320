package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/orgconfig"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// runCLI runs the command line in-process and returns stdout, stderr and
// the exit status.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runCLIWithInput(t, "", args...)
}

// runJSON runs the command line with args, fails the test unless it
// exits 0 with JSON on stdout, decodes that into v and returns it.
func runJSON(t *testing.T, v any, args ...string) string {
	t.Helper()
	out, errs, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d %q", args, code, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v output %q: %v", args, out, err)
	}
	return out
}

// runCLIWithInput is runCLI with stdin.
func runCLIWithInput(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errb}, args...)
	return out.String(), errb.String(), code
}

// loggedIn starts an emulated org of opts and logs in to it (with the
// extra login arguments) in a temporary LAZYFORCE_HOME, which it returns
// with the org.
func loggedIn(t *testing.T, opts emulator.Options, login ...string) (string, *emulator.TestServer) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	org := emulator.StartTest(t, opts)
	args := append([]string{"login", "--instance-url", org.URL, "--access-token", org.AccessToken}, login...)
	if _, errs, code := runCLI(t, args...); code != 0 {
		t.Fatalf("login: %d %q", code, errs)
	}
	return home, org
}

// syncedOrg starts the emulated org of seed 3, logs in to it (with the
// extra login arguments) in a temporary LAZYFORCE_HOME and syncs it. It
// returns the org and a client of its own on it.
func syncedOrg(t *testing.T, login ...string) (*emulator.TestServer, *sfdc.Client) {
	t.Helper()
	_, org := loggedIn(t, emulator.Options{Seed: 3}, login...)
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	c, err := sfdc.NewClient(context.Background(), org.URL, sfdc.StaticToken(org.AccessToken), sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return org, c
}

// orgRecords returns the records the org answers soql with (every page);
// it fails the test on an error.
func orgRecords(t *testing.T, c *sfdc.Client, soql string) []*sfdc.Record {
	t.Helper()
	res, err := c.Query(context.Background(), soql)
	if err != nil {
		t.Fatal(err)
	}
	return res.Records
}

// TestLoginSyncQuery drives login, sync and query against the emulator on
// loopback with the config and cache in a temporary LAZYFORCE_HOME.
func TestLoginSyncQuery(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	org := emulator.StartTest(t, emulator.Options{Seed: 2})

	out, errs, code := runCLI(t, "login", "--instance-url", org.URL, "--access-token", org.AccessToken, "--alias", "demo")
	if code != 0 || !strings.Contains(out, org.Username) {
		t.Fatalf("login: %d %q %q", code, out, errs)
	}
	tokenFile := filepath.Join(home, "credentials", "demo.json")
	if fi, err := os.Stat(tokenFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}

	// Text from Salesforce may carry terminal escape sequences.
	c, err := sfdc.NewClient(context.Background(), org.URL, sfdc.StaticToken(org.AccessToken), sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(context.Background(), "Account", map[string]any{"Name": "Zz \x1b]0;pwned\x07Evil\x1b[31m Corp"}); err != nil {
		t.Fatal(err)
	}

	out, errs, code = runCLI(t, "sync", "--json")
	if code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	var summary struct {
		Objects map[string]struct {
			Fetched int `json:"fetched"`
			Deleted int `json:"deleted"`
		} `json:"objects"`
		Pushed     int   `json:"pushed"`
		APICalls   int   `json:"api_calls"`
		DurationMS int64 `json:"duration_ms"`
	}
	if err := json.Unmarshal([]byte(out), &summary); err != nil {
		t.Fatalf("sync --json output %q: %v", out, err)
	}
	if summary.Objects["Account"].Fetched == 0 || summary.APICalls == 0 {
		t.Fatalf("sync summary: %+v", summary)
	}

	// Offline query, JSON in Salesforce's shape, equal to the live answer.
	soql := "SELECT Name, Owner.Name FROM Account ORDER BY Name LIMIT 5"
	offline, errs, code := runCLI(t, "query", "--json", soql)
	if code != 0 {
		t.Fatalf("query: %d %q", code, errs)
	}
	live, errs, code := runCLI(t, "query", "--json", "--live", soql)
	if code != 0 {
		t.Fatalf("query --live: %d %q", code, errs)
	}
	var off, liv struct {
		TotalSize int              `json:"totalSize"`
		Done      bool             `json:"done"`
		Records   []map[string]any `json:"records"`
	}
	if err := json.Unmarshal([]byte(offline), &off); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(live), &liv); err != nil {
		t.Fatal(err)
	}
	if off.TotalSize != 5 || !off.Done || len(off.Records) != 5 {
		t.Fatalf("offline result: %s", offline)
	}
	for i := range off.Records {
		if off.Records[i]["Name"] != liv.Records[i]["Name"] || off.Records[i]["Owner"].(map[string]any)["Name"] != liv.Records[i]["Owner"].(map[string]any)["Name"] {
			t.Errorf("row %d: offline %v, live %v", i, off.Records[i], liv.Records[i])
		}
	}

	// Table output, and a bad query is one clear line with status 1.
	out, _, code = runCLI(t, "query", "SELECT Name FROM Account ORDER BY Name LIMIT 2")
	if code != 0 || !strings.HasPrefix(out, "Name") || !strings.Contains(out, "(2 rows)") {
		t.Errorf("table output: %d %q", code, out)
	}
	out, _, code = runCLI(t, "query", "SELECT Name FROM Account WHERE Name LIKE 'Zz%'")
	if code != 0 || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, "Evil") {
		t.Errorf("table output not sanitized: %d %q", code, out)
	}
	_, errs, code = runCLI(t, "query", "SELECT Bacon__c FROM Account")
	if code != 1 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "Bacon__c") {
		t.Errorf("bad query: %d %q", code, errs)
	}
	_, errs, code = runCLI(t, "query")
	if code != 2 {
		t.Errorf("query without SOQL: exit %d %q, want 2", code, errs)
	}
	t.Setenv(clientIDEnv, "")
	_, errs, code = runCLI(t, "login", "--web")
	if code != 2 || !strings.Contains(errs, "--client-id") {
		t.Errorf("login --web without a connected app: %d %q", code, errs)
	}
	// Another lazyforce with the cache open (the TUI): sync takes its turn.
	holder, err := store.Open(filepath.Join(home, "cache", "demo.db"), store.Options{Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	_, errs, code = runCLI(t, "sync")
	holder.Close()
	if code != 0 {
		t.Errorf("sync while the cache is open elsewhere: %d %q", code, errs)
	}
	_, errs, code = runCLI(t, "--org", "nope", "sync")
	if code != 1 || !strings.Contains(errs, "nope") {
		t.Errorf("unknown org: %d %q", code, errs)
	}
}

// TestDamagedCacheIsRebuilt: a damaged cache file gets one clear line with
// the way out, and 'sync --full --rebuild' moves it aside and starts again.
func TestDamagedCacheIsRebuilt(t *testing.T) {
	home, _ := loggedIn(t, emulator.Options{Seed: 4, Empty: true}, "--alias", "acme")
	cache := filepath.Join(home, "cache", "acme.db")
	if err := os.WriteFile(cache, bytes.Repeat([]byte("garbage!"), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runCLI(t, "query", "SELECT Id FROM User")
	if code != 1 || !strings.Contains(errs, "sync --full --rebuild") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("query on a damaged cache: %d %q", code, errs)
	}
	if _, errs, code := runCLI(t, "sync", "--rebuild"); code != 2 {
		t.Errorf("--rebuild without --full: %d %q, want 2", code, errs)
	}
	if _, errs, code := runCLI(t, "sync", "--full", "--rebuild"); code != 0 {
		t.Fatalf("sync --full --rebuild: %d %q", code, errs)
	}
	if aside, _ := filepath.Glob(cache + ".bad-*"); len(aside) != 1 {
		t.Errorf("damaged file not kept aside: %v", aside)
	}
	out, errs, code := runCLI(t, "query", "--json", "SELECT COUNT() FROM User")
	if code != 0 || !strings.Contains(out, `"totalSize":`) || strings.Contains(out, `"totalSize":0`) {
		t.Errorf("query after rebuild: %d %q %q", code, out, errs)
	}
}

// TestAppRebuildsADamagedCache: R in the app (rebuildCache) on a cache
// damaged while the app has it open moves the file aside and syncs afresh
// into the app's own Store, which then reads the new cache.
func TestAppRebuildsADamagedCache(t *testing.T) {
	home, _ := loggedIn(t, emulator.Options{Seed: 4, Empty: true}, "--alias", "acme")
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	var errb bytes.Buffer
	f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &errb}}
	t.Cleanup(func() { f.Close() })
	o, err := f.Org()
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Store(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The file is damaged (a new file in its place: the Store may still
	// have the old one open for a burst of reads).
	cache := filepath.Join(home, "cache", "acme.db")
	if err := os.WriteFile(cache+".tmp", bytes.Repeat([]byte("garbage!"), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(cache+".tmp", cache); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(cache, store.Options{Org: "acme"}); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("opening the damaged cache: %v, want ErrCorrupt", err)
	}

	var reports atomic.Int32
	note, err := rebuildCache(context.Background(), f, st, o, &apiUsage{}, func(syncer.Progress) { reports.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(cache + ".bad-*")
	if len(aside) != 1 || !strings.Contains(note, aside[0]) {
		t.Fatalf("damaged file kept as %v; the app says %q", aside, note)
	}
	if n, err := st.Count("User"); err != nil || n == 0 {
		t.Fatalf("the app's Store after the rebuild: %d users, %v", n, err)
	}
	if _, ok, err := st.Identity(); !ok || err != nil {
		t.Fatalf("no identity after the rebuild: %v", err)
	}
	if reports.Load() == 0 {
		t.Error("the rebuild reported no progress")
	}
}

// TestSyncConfigFromOrgSettings: an org's sync settings replace or extend
// the object list and the scope.
func TestSyncConfigFromOrgSettings(t *testing.T) {
	def := syncConfig(nil)
	if def.Objects != nil || def.Scope.ActivityMonthsBack != 12 || def.Scope.ClosedOpportunityMonthsBack != 24 {
		t.Fatalf("defaults: %+v", def)
	}
	cfg := syncConfig(&orgconfig.SyncSettings{
		ExtraObjects:       []string{"Thing__c"},
		ActivityMonthsBack: 3,
		Where:              map[string]string{"Thing__c": "Status__c != 'Archived'"},
	})
	if got := strings.Join(cfg.Objects, ","); !strings.HasPrefix(got, "User,") || !strings.HasSuffix(got, ",Event,Thing__c") {
		t.Errorf("objects = %s", got)
	}
	if cfg.Scope.ActivityMonthsBack != 3 || cfg.Scope.ActivityMonthsAhead != 6 || cfg.Scope.Where["Thing__c"] == "" {
		t.Errorf("scope = %+v", cfg.Scope)
	}
	only := syncConfig(&orgconfig.SyncSettings{Objects: []string{"Account"}})
	if strings.Join(only.Objects, ",") != "Account" {
		t.Errorf("objects = %v", only.Objects)
	}
}

// TestOfflineQueryEqualsLive runs the same SOQL on the synced cache and on
// the org and requires identical answers: the promise that SOQL works the
// same online and offline. The queries cover picklist ordering, aggregates,
// date literals, parent paths, child subqueries and semi-joins.
func TestOfflineQueryEqualsLive(t *testing.T) {
	syncedOrg(t)
	queries := []string{
		"SELECT StageName, COUNT(Id) n, SUM(Amount) total FROM Opportunity GROUP BY StageName ORDER BY StageName",
		"SELECT Name, StageName, Amount FROM Opportunity WHERE CloseDate = THIS_QUARTER ORDER BY StageName DESC, Amount DESC NULLS LAST, Id LIMIT 20",
		"SELECT Name, Account.Name, Owner.Name FROM Opportunity WHERE IsClosed = false AND Amount > 100000 ORDER BY CloseDate, Id LIMIT 15",
		"SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name LIKE 'a%' ORDER BY Name LIMIT 5",
		"SELECT COUNT() FROM Task WHERE ActivityDate = LAST_N_DAYS:30",
		"SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE IsWon = true) ORDER BY Name LIMIT 10",
		"SELECT MAX(StageName) maxStage, MIN(CloseDate) first FROM Opportunity WHERE IsClosed = false",
	}
	for _, q := range queries {
		offline, errs, code := runCLI(t, "query", "--json", q)
		if code != 0 {
			t.Fatalf("offline %q: %d %q", q, code, errs)
		}
		live, errs, code := runCLI(t, "query", "--json", "--live", q)
		if code != 0 {
			t.Fatalf("live %q: %d %q", q, code, errs)
		}
		var off, liv map[string]any
		if err := json.Unmarshal([]byte(offline), &off); err != nil {
			t.Fatalf("offline %q: %v", q, err)
		}
		if err := json.Unmarshal([]byte(live), &liv); err != nil {
			t.Fatalf("live %q: %v", q, err)
		}
		if off["totalSize"] != liv["totalSize"] {
			t.Errorf("%q: totalSize offline %v, live %v", q, off["totalSize"], liv["totalSize"])
			continue
		}
		if !equalRecords(off["records"], liv["records"]) {
			t.Errorf("%q: records differ\noffline: %.600s\nlive:    %.600s", q, offline, live)
		}
	}
}

// TestCommandLineErrors checks the contract for bad input: exit status 2
// for bad usage, 1 for errors, and always one clear line on stderr.
func TestCommandLineErrors(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	org := emulator.StartTest(t, emulator.Options{Seed: 4})
	cases := []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"query"}, 2, "'lazyforce query' takes 1 argument(s), got 0"},
		{[]string{"sync", "extra"}, 2, "'lazyforce sync' takes no arguments"},
		{[]string{"--no-such-flag"}, 2, "unknown flag"},
		{[]string{"query", "SELECT Id FROM Account"}, 1, "no org configured"},
		{[]string{"login", "--instance-url", org.URL, "--access-token", "00Dbogus!token"}, 1, "the org rejected the access token"},
		{[]string{"login", "--instance-url", "http://127.0.0.1:1", "--access-token", "x"}, 1, "cannot reach the org"},
	}
	for _, c := range cases {
		out, errs, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.contains) || strings.Count(errs, "\n") != 1 || out != "" {
			t.Errorf("lazyforce %q: exit %d, stderr %q, stdout %q; want exit %d and one line containing %q", c.args, code, errs, out, c.code, c.contains)
		}
	}

	// A token can come from stdin instead of the command line.
	if _, errs, code := runCLIWithInput(t, org.AccessToken+"\n", "login", "--instance-url", org.URL, "--access-token", "-"); code != 0 {
		t.Fatalf("login with the token on stdin: %d %q", code, errs)
	}
	if _, errs, code := runCLI(t, "query", "SELECT Id FROM Account"); code != 1 || !strings.Contains(errs, "run 'lazyforce sync' first") {
		t.Errorf("query before the first sync: %d %q", code, errs)
	}
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	out, _, code := runCLI(t, "query", "SELECT COUNT() FROM Account")
	if code != 0 || !strings.HasSuffix(out, " records counted\n") {
		t.Errorf("COUNT() table output: %d %q", code, out)
	}
	// Multi-line Salesforce errors become one line that keeps the position.
	_, errs, code := runCLI(t, "query", "SELECT Nme FROM Account")
	if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "Row:1:Column:8") {
		t.Errorf("bad field: %d %q", code, errs)
	}
}

// equalRecords compares two decoded record lists, attributes included (the
// cache records the API version, so record URLs match too).
func equalRecords(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func TestProgressBar(t *testing.T) {
	cases := []struct {
		done, total int
		want        string
	}{
		{0, 100, "[░░░░░░░░░░]   0%"},
		{50, 100, "[█████░░░░░]  50%"},
		{100, 100, "[██████████] 100%"},
		{150, 100, "[██████████] 100%"}, // a page past the estimate
		{7, 0, "[░░░░░░░░░░]   0%"},     // total unknown
	}
	for _, c := range cases {
		if got := progressBar(c.done, c.total, 10); got != c.want {
			t.Errorf("progressBar(%d, %d) = %q, want %q", c.done, c.total, got, c.want)
		}
	}
}
