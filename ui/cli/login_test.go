package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// outputs collects everything the command line printed in a test, to
// check that no token ever appears in it.
type outputs struct {
	mu   sync.Mutex
	text []string
}

func (o *outputs) add(s ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.text = append(o.text, s...)
}

// assertNoSecrets fails when any collected output holds one of secrets.
func (o *outputs) assertNoSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("secret %q is too short to look for", s)
		}
		for _, text := range o.text {
			if strings.Contains(text, s) {
				t.Errorf("a token appears in the output:\n%s", text)
			}
		}
	}
}

// run runs the command line and keeps its output.
func (o *outputs) run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	out, errs, code := runCLI(t, args...)
	o.add(out, errs)
	return out, errs, code
}

// storedCreds reads the credential file of alias (the keychain is off in
// tests), checking its mode and its directory's.
func storedCreds(t *testing.T, home, alias string) (access, refresh string) {
	t.Helper()
	dir := filepath.Join(home, "credentials")
	path := filepath.Join(dir, alias+".json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("credential file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credential file mode %04o, want 0600", fi.Mode().Perm())
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("credential directory: %v %v, want mode 0700", di, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Secrets      string `json:"secrets"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f.Secrets != "file" {
		t.Errorf("secrets in %q, want file (the keychain is off)", f.Secrets)
	}
	return f.AccessToken, f.RefreshToken
}

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return strconv.Itoa(port)
}

// useFakeBrowser makes $BROWSER this test binary acting as a browser.
func useFakeBrowser(t *testing.T) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", exe)
	t.Setenv(fakeBrowserEnv, "1")
}

// revoke revokes token at the emulator, as an admin would in Setup.
func revoke(t *testing.T, ts *emulator.TestServer, token string) {
	t.Helper()
	resp, err := http.PostForm(ts.URL+"/services/oauth2/revoke", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: HTTP %d", resp.StatusCode)
	}
}

// TestLoginWebRefreshRevokeLogout drives the browser login through Run
// against the emulator over HTTP ($BROWSER follows the authorize
// redirect to the loopback callback), then a transparent refresh, a
// revoked refresh token (a clear "log in again" while the cache still
// answers), and logout.
func TestLoginWebRefreshRevokeLogout(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	t.Setenv(clientIDEnv, "")
	useFakeBrowser(t)
	ts := emulator.StartTest(t, emulator.Options{Seed: 3})
	var outs outputs

	out, errs, code := outs.run(t, "login", "--login-url", ts.URL, "--client-id", "lazyforce-test", "--port", freePort(t))
	if code != 0 || !strings.Contains(out, "Logged in to "+ts.URL+" as "+ts.Username) {
		t.Fatalf("login: %d %q %q", code, out, errs)
	}
	alias := aliasFromUsername(ts.Username)
	if !strings.Contains(out, "alias "+alias) {
		t.Errorf("login output %q does not name the alias %s derived from the username", out, alias)
	}
	access, refresh := storedCreds(t, home, alias)
	if access == "" || refresh == "" {
		t.Fatal("the web login stored no access or refresh token")
	}
	secrets := []string{access, refresh, ts.AccessToken, ts.RefreshToken}

	if _, errs, code := outs.run(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	// An expired session is refreshed transparently, and the new token kept.
	ts.ExpireSessions()
	out, errs, code = outs.run(t, "query", "--live", "SELECT Id FROM Account LIMIT 1")
	if code != 0 || !strings.Contains(out, "(1 row)") {
		t.Fatalf("query --live after expiry: %d %q %q", code, out, errs)
	}
	access2, refresh2 := storedCreds(t, home, alias)
	if access2 == access || refresh2 != refresh {
		t.Errorf("after a refresh the stored access token should change and the refresh token stay")
	}
	secrets = append(secrets, access2)

	// A revoked refresh token: log in again, the cache still answers.
	revoke(t, ts, refresh)
	_, errs, code = outs.run(t, "query", "--live", "SELECT Id FROM Account LIMIT 1")
	if code != 1 || !strings.Contains(errs, "log in again with `lazyforce login --alias "+alias+"`") {
		t.Errorf("query --live with a revoked session: %d %q", code, errs)
	}
	out, errs, code = outs.run(t, "query", "SELECT Id FROM Account LIMIT 1")
	if code != 0 || !strings.Contains(out, "(1 row)") {
		t.Errorf("offline query with a revoked session: %d %q %q", code, out, errs)
	}

	out, errs, code = outs.run(t, "orgs", "--json")
	var rows []orgRow
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 {
		t.Fatalf("orgs --json: %d %q %q", code, out, errs)
	}
	if r := rows[0]; r.Alias != alias || r.Username != ts.Username || r.InstanceURL != ts.URL || !r.Current || r.LastSync == nil || r.CacheBytes == 0 || r.PendingWrites != 0 {
		t.Errorf("orgs row %+v", r)
	}

	out, errs, code = outs.run(t, "logout")
	if code != 0 || !strings.Contains(out, "Logged out of org "+alias) {
		t.Fatalf("logout: %d %q %q", code, out, errs)
	}
	for _, p := range []string{filepath.Join(home, "credentials", alias+".json"), filepath.Join(home, "cache", alias+".db")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived logout: %v", p, err)
		}
	}
	out, _, code = outs.run(t, "orgs")
	if code != 0 || !strings.Contains(out, "No orgs yet") {
		t.Errorf("orgs after logout: %d %q", code, out)
	}
	outs.assertNoSecrets(t, secrets...)
}

// TestLoginWebFailures: a denied approval, a taken port, no connected app
// and a browser that cannot open (the URL is printed; ctrl+c ends the wait
// cleanly) store nothing.
func TestLoginWebFailures(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	t.Setenv(clientIDEnv, "")
	useFakeBrowser(t)
	var outs outputs

	denying := emulator.StartTest(t, emulator.Options{Seed: 3, Empty: true, DenyAuthorize: true})
	_, errs, code := outs.run(t, "login", "--login-url", denying.URL, "--client-id", "x", "--port", freePort(t))
	if code != 1 || !strings.Contains(errs, "access denied") {
		t.Errorf("denied login: %d %q", code, errs)
	}

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	_, errs, code = outs.run(t, "login", "--login-url", denying.URL, "--client-id", "x", "--port", port)
	if code != 1 || !strings.Contains(errs, "port "+port+" is already in use") || !strings.Contains(errs, "--port") {
		t.Errorf("port taken: %d %q", code, errs)
	}

	_, errs, code = outs.run(t, "login", "--sandbox")
	if code != 2 || !strings.Contains(errs, "--client-id") || !strings.Contains(errs, clientIDEnv) {
		t.Errorf("no client id: %d %q", code, errs)
	}

	// No browser: the URL is printed; ctrl+c (the context) ends the wait.
	t.Setenv("BROWSER", filepath.Join(t.TempDir(), "no-such-browser"))
	ts := emulator.StartTest(t, emulator.Options{Seed: 3, Empty: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errw := newWatched()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, IOStreams{In: strings.NewReader(""), Out: errw, ErrOut: errw}, "login", "--domain", strings.TrimPrefix(ts.URL, "http://"), "--client-id", "x", "--port", freePort(t))
	}()
	m := errw.waitFor(t, regexp.MustCompile(`open this URL: (\S+)`))
	if u, err := url.Parse(m[1]); err != nil || u.Query().Get("code_challenge") == "" || u.Query().Get("code_challenge_method") != "S256" {
		t.Errorf("printed URL %q is not a PKCE authorize URL", m[1])
	}
	cancel()
	if code := <-done; code != 1 || !strings.Contains(errw.String(), "interrupted") {
		t.Errorf("cancelled login: %d %q", code, errw.String())
	}
	outs.add(errw.String())

	if entries, _ := os.ReadDir(filepath.Join(home, "credentials")); len(entries) != 0 {
		t.Errorf("failed logins stored credentials: %v", entries)
	}
	outs.assertNoSecrets(t, ts.AccessToken, ts.RefreshToken, denying.AccessToken, denying.RefreshToken)
}

// TestLoginDevice: the device login shows the code and URL, polls until
// approved, and handles denial, expiry and ctrl+c.
func TestLoginDevice(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	t.Setenv(clientIDEnv, "lazyforce-test")
	var outs outputs

	auto := emulator.StartTest(t, emulator.Options{Seed: 4, Empty: true, DeviceInterval: 1, DevicePendingPolls: 1})
	out, errs, code := outs.run(t, "login", "--device", "--login-url", auto.URL, "--alias", "dev")
	if code != 0 || !strings.Contains(out, "alias dev") || !regexp.MustCompile(`open \S+/setup/connect in any browser and enter the code:\s+[A-Z0-9]{8}`).MatchString(errs) {
		t.Fatalf("device login: %d %q %q", code, out, errs)
	}
	access, refresh := storedCreds(t, home, "dev")
	if access == "" || refresh == "" {
		t.Fatal("the device login stored no access or refresh token")
	}

	manual := emulator.StartTest(t, emulator.Options{Seed: 4, Empty: true, DeviceInterval: 1, DeviceManualApproval: true})
	codeRE := regexp.MustCompile(`enter the code:\s+([A-Z0-9]{8})`)
	for _, c := range []struct {
		name   string
		settle func(code string) error
		want   string
	}{
		{"denied", manual.DenyDevice, "access denied"},
		{"expired", manual.ExpireDevice, "expired"},
		{"interrupted", nil, "interrupted"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		w := newWatched()
		done := make(chan int, 1)
		go func() {
			done <- Run(ctx, IOStreams{In: strings.NewReader(""), Out: w, ErrOut: w}, "login", "--device", "--login-url", manual.URL, "--alias", c.name)
		}()
		userCode := w.waitFor(t, codeRE)[1]
		if c.settle != nil {
			if err := c.settle(userCode); err != nil {
				t.Fatal(err)
			}
		} else {
			cancel()
		}
		if code := <-done; code != 1 || !strings.Contains(w.String(), c.want) {
			t.Errorf("%s: exit %d, output %q", c.name, code, w.String())
		}
		cancel()
		outs.add(w.String())
		if _, err := os.Stat(filepath.Join(home, "credentials", c.name+".json")); !os.IsNotExist(err) {
			t.Errorf("%s: credentials stored (%v)", c.name, err)
		}
	}
	outs.assertNoSecrets(t, access, refresh, auto.AccessToken, auto.RefreshToken, manual.AccessToken, manual.RefreshToken)
}

// TestLoginFromSF imports an org from the Salesforce CLI (a fake one
// answering its --json commands), and asks it again when the session
// expires.
func TestLoginFromSF(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	ts := emulator.StartTest(t, emulator.Options{Seed: 5, Empty: true})
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(sfEnv, exe)
	t.Setenv(fakeSFEnv, "1")
	t.Setenv("FAKE_SF_ALIAS", "my-sf-org")
	t.Setenv("FAKE_SF_INSTANCE_URL", ts.URL)
	t.Setenv("FAKE_SF_USERNAME", ts.Username)
	t.Setenv("FAKE_SF_ACCESS_TOKEN", ts.AccessToken)
	var outs outputs

	out, errs, code := outs.run(t, "login", "--from-sf", "my-sf-org", "--alias", "imported")
	if code != 0 || !strings.Contains(out, "as "+ts.Username) || !strings.Contains(errs, "Salesforce CLI") {
		t.Fatalf("login --from-sf: %d %q %q", code, out, errs)
	}
	storedCreds(t, home, "imported")
	if _, errs, code := outs.run(t, "query", "--live", "SELECT Id FROM User LIMIT 1"); code != 0 {
		t.Fatalf("query --live: %d %q", code, errs)
	}
	// The CLI's token expired: lazyforce asks it again, and says to log the
	// CLI in again when it has nothing better.
	ts.ExpireSessions()
	_, errs, code = outs.run(t, "query", "--live", "SELECT Id FROM User LIMIT 1")
	if code != 1 || !strings.Contains(errs, "sf org login web --alias my-sf-org") {
		t.Errorf("query --live after expiry: %d %q", code, errs)
	}
	_, errs, code = outs.run(t, "login", "--from-sf", "unknown-org")
	if code != 1 || !strings.Contains(errs, "NamedOrgNotFoundError") {
		t.Errorf("unknown sf org: %d %q", code, errs)
	}
	// Logout leaves the CLI's session alone.
	out, errs, code = outs.run(t, "logout", "--org", "imported")
	if code != 0 || !strings.Contains(out, "Not revoked") {
		t.Errorf("logout: %d %q %q", code, out, errs)
	}
	outs.assertNoSecrets(t, ts.AccessToken, ts.RefreshToken)
}

// TestLogoutOffline: logout without the org removes the credentials and
// the cache, and says the revocation was not done.
func TestLogoutOffline(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	ts := emulator.StartTest(t, emulator.Options{Seed: 6, Empty: true})
	var outs outputs
	for _, alias := range []string{"one", "two"} {
		if _, errs, code := outs.run(t, "login", "--instance-url", ts.URL, "--access-token", ts.AccessToken, "--alias", alias); code != 0 {
			t.Fatalf("login %s: %d %q", alias, code, errs)
		}
	}
	if out, errs, code := outs.run(t, "orgs", "use", "one"); code != 0 || !strings.Contains(out, "one") {
		t.Fatalf("orgs use: %d %q %q", code, out, errs)
	}
	if _, errs, code := outs.run(t, "orgs", "use", "nope"); code != 1 || !strings.Contains(errs, "nope") {
		t.Errorf("orgs use unknown: %d %q", code, errs)
	}
	if _, errs, code := outs.run(t, "orgs", "use"); code != 2 {
		t.Errorf("orgs use without alias: %d %q", code, errs)
	}
	out, _, _ := outs.run(t, "orgs")
	if !regexp.MustCompile(`(?m)^\*\s+one\s`).MatchString(out) || !regexp.MustCompile(`(?m)^\s+two\s`).MatchString(out) {
		t.Errorf("orgs table does not mark the current org:\n%s", out)
	}
	ts.Close()
	out, errs, code := outs.run(t, "logout", "--org", "one", "--force")
	if code != 0 || !strings.Contains(out, "Revocation not done") || !strings.Contains(out, "orgs use ALIAS") {
		t.Fatalf("offline logout: %d %q %q", code, out, errs)
	}
	for _, p := range []string{filepath.Join(home, "credentials", "one.json"), filepath.Join(home, "cache", "one.db")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived logout: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "credentials", "two.json")); err != nil {
		t.Errorf("logout of one removed two's credentials: %v", err)
	}
	outs.assertNoSecrets(t, ts.AccessToken, ts.RefreshToken)
}

// TestLoginUsage: conflicting or malformed login flags exit 2.
func TestLoginUsage(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	t.Setenv(clientIDEnv, "")
	t.Setenv("SF_ACCESS_TOKEN", "")
	for _, args := range [][]string{
		{"login", "--device", "--from-sf", "x"},
		{"login", "--web", "--instance-url", "https://a.example", "--access-token", "t"},
		{"login", "--sandbox", "--domain", "acme"},
		{"login", "--domain", "not a domain!"},
		{"login", "--device", "--port", "1718"},
		{"login", "--port", "70000", "--client-id", "x"},
		{"login", "--from-sf", "x", "--sandbox"},
		{"login", "--alias", "../evil", "--client-id", "x"},
		{"logout", "--org", "../evil"},
	} {
		_, errs, code := runCLI(t, args...)
		if code != 2 || strings.Count(errs, "\n") != 1 {
			t.Errorf("lazyforce %q: exit %d %q, want 2 and one line", args, code, errs)
		}
	}
}

// watched is an output buffer a test can wait on while a command runs.
type watched struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newWatched() *watched { return &watched{changed: make(chan struct{}, 1)} }

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	n, err := w.b.Write(p)
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// waitFor waits until the output matches re and returns the submatches.
func (w *watched) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(w.String()); m != nil {
			return m
		}
		select {
		case <-w.changed:
		case <-deadline:
			t.Fatalf("output never matched %s: %q", re, w.String())
		}
	}
}

// TestDemoLogin: 'demo --login' signs in to the in-process demo org
// through the browser login (the browser here is an HTTP client following
// the authorize redirect), and the session renews itself.
func TestDemoLogin(t *testing.T) {
	useFakeBrowser(t)
	ts := emulator.StartTest(t, emulator.Options{Seed: 1, Empty: true})
	errw := newWatched()
	ctx := context.Background()
	tokens, err := demoLogin(ctx, ts.URL, errw)
	if err != nil {
		t.Fatalf("demoLogin: %v (output %q)", err, errw.String())
	}
	if !strings.Contains(errw.String(), "Logged in to the demo org as "+ts.Username) {
		t.Errorf("demo login output %q", errw.String())
	}
	c, err := sfdc.NewClient(ctx, ts.URL, tokens, sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts.ExpireSessions()
	if _, err := c.UserInfo(ctx); err != nil {
		t.Fatalf("a call after the session expired: %v", err)
	}
	tok, err := tokens.Token(ctx)
	if err != nil || tok == ts.AccessToken || strings.Contains(errw.String(), tok) {
		t.Errorf("the demo login's token: %v; it must be its own and never printed", err)
	}
	_, errs, code := runCLI(t, "demo", "--login", "--serve", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errs, "--login") {
		t.Errorf("demo --login --serve: %d %q", code, errs)
	}
}

// TestReloginPickedUpWithoutRestart: once a session cannot be renewed, the
// app's factory forgets its client, so a login in another terminal is used
// by the next sync (what the TUI's r does after its blocking error).
func TestReloginPickedUpWithoutRestart(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	useFakeBrowser(t)
	ts := emulator.StartTest(t, emulator.Options{Seed: 8, Empty: true})
	login := func() {
		t.Helper()
		if _, errs, code := runCLI(t, "login", "--login-url", ts.URL, "--client-id", "x", "--port", freePort(t), "--alias", "acme"); code != 0 {
			t.Fatalf("login: %d %q", code, errs)
		}
	}
	login()
	f := NewFactory(IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	defer f.Close()
	ctx := context.Background()
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := f.Credentials()
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cs.Load("acme")
	if err != nil {
		t.Fatal(err)
	}
	revoke(t, ts, creds.Token.RefreshToken)
	_, err = c.UserInfo(ctx)
	if !sfdc.IsSessionExpired(err) || !strings.Contains(err.Error(), "lazyforce login --alias acme") {
		t.Fatalf("revoked session: %v", err)
	}
	f.forgetClient(c)
	login()
	c2, err := f.Client(ctx)
	if err != nil || c2 == c {
		t.Fatalf("after a new login: %v, same client %v", err, c2 == c)
	}
	if _, err := c2.UserInfo(ctx); err != nil {
		t.Errorf("the new login's client: %v", err)
	}
}
