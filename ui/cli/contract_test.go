package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// TestUsageIsExitTwo: bad usage exits 2 with one line on stderr that says
// what to do, before anything is built or opened.
func TestUsageIsExitTwo(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	t.Setenv("SF_ACCESS_TOKEN", "")
	cases := []struct {
		args     []string
		contains string
	}{
		{[]string{"login"}, "--instance-url URL --access-token TOKEN"},
		{[]string{"login", "--instance-url", "https://acme.my.salesforce.com"}, "go together"},
		{[]string{"demo", "--serve", "nonsense"}, "HOST:PORT"},
		{[]string{"demo", "--serve", "127.0.0.1:http"}, "port number"},
		{[]string{"demo", "--serve", "127.0.0.1:0", "--scale", "1000000"}, "between 1 and 200"},
		{[]string{"demo", "--scale", "0"}, "between 1 and 200"},
		{[]string{"completion", "tcsh"}, `unknown shell "tcsh"`},
		{[]string{"quer"}, `did you mean "query"?`},
		{[]string{"--org", "\x1b[31m", "sync"}, "invalid org alias"},
		{[]string{"--org", "\x1b]0;x\x07", "query", "SELECT Id FROM Account"}, "invalid org alias"},
	}
	for _, c := range cases {
		out, errs, code := runCLI(t, c.args...)
		if code != ExitUsage || !strings.HasPrefix(errs, errorPrefix) || !strings.Contains(errs, c.contains) || strings.Count(errs, "\n") != 1 || out != "" {
			t.Errorf("lazyforce %q: exit %d, stderr %q, stdout %q; want exit 2 and one line containing %q", c.args, code, errs, out, c.contains)
		}
		if strings.ContainsAny(errs, "\x1b\x07") || strings.Contains(errs, "login --alias") {
			t.Errorf("lazyforce %q: stderr %q repeats control characters or suggests a login", c.args, errs)
		}
	}
}

// TestLoginHelpOffersEveryWayIn: every login flag works, so the help
// offers them all and nothing says "not available".
func TestLoginHelpOffersEveryWayIn(t *testing.T) {
	out, _, code := runCLI(t, "login", "--help")
	if code != 0 || strings.Contains(out, "not available") {
		t.Fatalf("login --help: %d %q", code, out)
	}
	for _, flag := range []string{"--web", "--device", "--from-sf", "--instance-url", "--access-token", "--sandbox", "--domain", "--login-url", "--client-id", "--port", "--alias"} {
		if !strings.Contains(out, flag) {
			t.Errorf("login --help does not offer %s:\n%s", flag, out)
		}
	}
}

// TestOrgCompletionOffersAliases: --org completes to the configured
// aliases and never to file names.
func TestOrgCompletionOffersAliases(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	org := emulator.StartTest(t, emulator.Options{Seed: 5, Empty: true})
	for _, alias := range []string{"zeta", "acme"} {
		if _, errs, code := runCLI(t, "login", "--instance-url", org.URL, "--access-token", org.AccessToken, "--alias", alias); code != 0 {
			t.Fatalf("login %s: %d %q", alias, code, errs)
		}
	}
	out, errs, code := runCLI(t, "__complete", "sync", "--org", "")
	if code != 0 {
		t.Fatalf("__complete: %d %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// Cobra prints the candidates, then ":DIRECTIVE" (4: no file names).
	if strings.Join(lines, ",") != "acme,zeta,:4" {
		t.Errorf("--org completion = %q, want acme, zeta and no file names", out)
	}
}

// TestQueryErrorIsBounded: an offline syntax error does not repeat a huge
// query; it keeps the code, the position and the start of the bad token.
func TestQueryErrorIsBounded(t *testing.T) {
	loggedIn(t, emulator.Options{Seed: 6, Empty: true})
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	huge := strings.Repeat("x", 100_000)
	for _, q := range []string{
		"SELECT Id FROM Account WHERE Name = " + huge + " AND",
		"SELECT Id FROM Account WHERE Name = 'a' " + huge,
		huge,
		"SELECT Id FROM Account WHERE " + strings.Repeat("Name = 1 OR ", 10_000),
	} {
		_, errs, code := runCLI(t, "query", q)
		if code != ExitError || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "MALFORMED_QUERY") {
			t.Errorf("query of %d bytes: exit %d, stderr %.200q", len(q), code, errs)
		}
		if len(errs) > 600 {
			t.Errorf("query of %d bytes: the error is %d bytes long: %.200q…", len(q), len(errs), errs)
		}
	}
}

// TestTableAlignsWideText: columns line up in terminal cells when cells
// hold CJK or emoji, and text from the org cannot reach the terminal raw.
func TestTableAlignsWideText(t *testing.T) {
	row := func(name, city string) *soql.Row {
		return &soql.Row{Keys: []string{"Name", "BillingCity"}, Values: []any{name, city}}
	}
	rows := []*soql.Row{
		row("Acme", "Paris"),
		row("株式会社テスト", "東京"),
		row("🚀 Rocket Co", "Houston"),
		row("Evil\x1b[2J\x1b]0;pwned\x07 Corp", "Nowhere"),
	}
	var b strings.Builder
	if err := printTable(&b, rows, len(rows)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("table not sanitized: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{"BillingCity", "Paris", "東京", "Houston", "Nowhere"}
	col := -1
	for i, city := range want {
		at := strings.Index(lines[i], city)
		if at < 0 {
			t.Fatalf("line %d %q lacks %q", i, lines[i], city)
		}
		start := ansi.StringWidth(lines[i][:at])
		if col == -1 {
			col = start
		}
		if start != col {
			t.Errorf("line %d: the second column starts at cell %d, want %d:\n%s", i, start, col, out)
		}
	}
	// The widest name is 14 cells (7 CJK characters), plus the gap of 2.
	if col != 16 {
		t.Errorf("second column at cell %d, want 16:\n%s", col, out)
	}
}

// TestLongCellsAreCutInCells: a cell is cut at 60 terminal cells, not 60
// characters.
func TestLongCellsAreCutInCells(t *testing.T) {
	got := cell(strings.Repeat("東", 50))
	if w := ansi.StringWidth(got); w > 60 || !strings.HasSuffix(got, "…") {
		t.Errorf("cell of 50 CJK characters = %q (%d cells), want at most 60 cells ending in …", got, w)
	}
	if got := cell("short"); got != "short" {
		t.Errorf("cell(short) = %q", got)
	}
}

// TestDebugLogRefusesSymlink: DEBUG=1 logs under lazyforce's own cache
// directory, and a symlink planted in the log's place is not followed.
func TestDebugLogRefusesSymlink(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	f, err := openDebugLog("")
	if err != nil {
		t.Fatal(err)
	}
	path := f.Name()
	f.Close()
	if filepath.Dir(path) != filepath.Join(home, "cache") {
		t.Errorf("debug log at %s, want it under %s", path, filepath.Join(home, "cache"))
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("debug log mode: %v %v", fi, err)
	}

	dir := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, debugLogName)); err != nil {
		t.Skipf("cannot create a symlink here: %v", err)
	}
	if f, err := openDebugLog(dir); err == nil {
		f.WriteString("log line\n")
		f.Close()
		t.Error("the debug log followed a planted symlink")
	}
	if data, _ := os.ReadFile(victim); string(data) != "keep me\n" {
		t.Errorf("the symlink's target was written: %q", data)
	}
}

// TestTableCountsSubqueryRows: a subquery column says how many rows it
// holds in words a person reads: "1 row", "3 rows".
func TestTableCountsSubqueryRows(t *testing.T) {
	rows := []*soql.Row{
		{Keys: []string{"Name", "Contacts"}, Values: []any{"Acme", &soql.ChildSet{TotalSize: 1, Done: true}}},
		{Keys: []string{"Name", "Contacts"}, Values: []any{"Globex", &soql.ChildSet{TotalSize: 3, Done: true}}},
	}
	var b strings.Builder
	if err := printTable(&b, rows, len(rows)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"1 row\n", "3 rows\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "[") {
		t.Errorf("table shows a bracketed count:\n%s", out)
	}
}

// TestUnreachableOrgMentionsTheCacheOnlyWhenThereIsOne: "commands that
// read the cache still work" is said only when the org has a cache.
func TestUnreachableOrgMentionsTheCacheOnlyWhenThereIsOne(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	t.Setenv("SF_ACCESS_TOKEN", "")
	unreachable := []string{"login", "--instance-url", "http://127.0.0.1:1", "--access-token", "x"}
	_, errs, code := runCLI(t, unreachable...)
	if code != ExitError || !strings.Contains(errs, "cannot reach the org") || strings.Contains(errs, "cache") {
		t.Errorf("no cache yet: exit %d, stderr %q", code, errs)
	}
	org := emulator.StartTest(t, emulator.Options{Seed: 4})
	if _, errs, code := runCLI(t, "login", "--instance-url", org.URL, "--access-token", org.AccessToken); code != 0 {
		t.Fatalf("login: %d %q", code, errs)
	}
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	_, errs, code = runCLI(t, unreachable...)
	if code != ExitError || !strings.Contains(errs, "commands that read the cache still work") {
		t.Errorf("with a cache: exit %d, stderr %q", code, errs)
	}
}

// TestOfflineQueryOfAnUnsyncedObject: an object the org has but the sync
// does not pull is called that, with how to add it and --live; an object
// the org does not have keeps Salesforce's own error.
func TestOfflineQueryOfAnUnsyncedObject(t *testing.T) {
	t.Setenv("SF_ACCESS_TOKEN", "")
	loggedIn(t, emulator.Options{Seed: 4})
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	_, errs, code := runCLI(t, "query", "SELECT Id FROM account_plan__c")
	for _, want := range []string{"Account_Plan__c is in org", "not in its cache", "extra_objects", "--live"} {
		if code != ExitError || !strings.Contains(errs, want) {
			t.Errorf("unsynced object: exit %d, stderr %q lacks %q", code, errs, want)
		}
	}
	if strings.Contains(errs, "append the '__c'") {
		t.Errorf("unsynced object: stderr %q still suggests a custom-object typo", errs)
	}
	if out, errs, code := runCLI(t, "query", "--live", "SELECT Id FROM Account_Plan__c"); code != 0 || out == "" {
		t.Errorf("--live: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := runCLI(t, "query", "SELECT Id FROM Nope__c"); code != ExitError || !strings.Contains(errs, "INVALID_TYPE") || strings.Contains(errs, "not in its cache") {
		t.Errorf("unknown object: exit %d, stderr %q", code, errs)
	}
}

// TestStartNotice: the demo's "starting…" line is printed once when
// start-up outlasts the delay, and never when it is done first.
func TestStartNotice(t *testing.T) {
	var slow strings.Builder
	tick := make(chan time.Time) // unbuffered: the send returns once the notice has the tick
	stop := startNotice(&slow, tick)
	tick <- time.Now()
	stop()
	stop() // twice is harmless
	if slow.String() != "starting the demo org…\n" {
		t.Errorf("slow start printed %q", slow.String())
	}
	var fast strings.Builder
	stop = startNotice(&fast, make(chan time.Time))
	stop()
	if fast.String() != "" {
		t.Errorf("fast start printed %q", fast.String())
	}
}
