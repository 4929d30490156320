package auth

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// fakeSF writes an sf stand-in answering `org display` for alias emu with
// the org's details and `org auth show-access-token` with the content of
// the returned token file, and NamedOrgNotFoundError for anything else.
func fakeSF(t *testing.T, ts *emulator.TestServer) (cli SFCLI, tokenFile string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake sf is a shell script")
	}
	dir := t.TempDir()
	tokenFile = filepath.Join(dir, "token.json")
	script := `#!/bin/sh
case "$*" in
"org display --target-org emu --json")
  printf '%s\n' '{"status":0,"result":{"id":"` + ts.OrgID() + `","apiVersion":"66.0","accessToken":"[REDACTED] Use '"'"'sf org auth show-access-token'"'"' to view","instanceUrl":"` + ts.URL + `/","username":"` + ts.Username + `","clientId":"PlatformCLI","connectedStatus":"Connected","alias":"emu"},"warnings":[]}' ;;
"org auth show-access-token --target-org emu --json")
  cat "` + tokenFile + `" ;;
*)
  printf '%s\n' '{"name":"NamedOrgNotFoundError","message":"No authorization information found for nope.","exitCode":1,"status":1,"context":"OrgDisplay"}'
  echo "Error (NamedOrgNotFoundError): No authorization information found for nope." >&2
  exit 1 ;;
esac
`
	path := filepath.Join(dir, "sf")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	setToken(t, tokenFile, ts.AccessToken)
	return SFCLI{Path: path}, tokenFile
}

func setToken(t *testing.T, file, token string) {
	t.Helper()
	body := `{"status":0,"result":{"accessToken":"` + token + `"},"warnings":[]}`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestImportFromSF(t *testing.T) {
	ts := startOrg(t, nil)
	cli, tokenFile := fakeSF(t, ts)
	ctx := context.Background()
	tok, err := cli.Import(ctx, "emu")
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if tok.InstanceURL != ts.URL || tok.Username != ts.Username || tok.AccessToken != ts.AccessToken ||
		tok.UserID != ts.UserID() || tok.OrgID != ts.OrgID() || tok.RefreshToken != "" {
		t.Fatalf("imported %v (user %s %s)", tok, tok.UserID, tok.OrgID)
	}

	// When the session expires, the token source asks the CLI again.
	src := NewSFTokenSource(cli, "emu", "work", tok.AccessToken)
	c := apiClient(t, tok.InstanceURL, src)
	ts.ExpireSessions()
	fresh, err := Refresh(ctx, testConfig(ts), "work", ts.RefreshToken) // what the CLI would do
	if err != nil {
		t.Fatal(err)
	}
	setToken(t, tokenFile, fresh.AccessToken)
	if _, err := c.OrgLimits(ctx); err != nil {
		t.Fatalf("call after expiry: %v", err)
	}

	// The CLI's own session ended too: it keeps handing out the dead token.
	ts.ExpireSessions()
	_, err = c.OrgLimits(ctx)
	if !errors.Is(err, ErrLoginRequired) || !strings.Contains(err.Error(), "log it in again with `sf org login web --alias emu`") {
		t.Fatalf("err = %v, want ErrLoginRequired naming --from-sf", err)
	}
	assertNoSecret(t, "error", err.Error(), tok.AccessToken, fresh.AccessToken)
}

func TestImportFromSFErrors(t *testing.T) {
	ts := startOrg(t, nil)
	cli, tokenFile := fakeSF(t, ts)
	ctx := context.Background()
	_, err := cli.Import(ctx, "nope")
	var se *SFError
	if !errors.As(err, &se) || se.Name != "NamedOrgNotFoundError" || se.Command != "sf org display" ||
		!strings.Contains(err.Error(), "No authorization information found for nope.") {
		t.Fatalf("unknown alias: %v", err)
	}
	// A result without a real token (a redacted placeholder) is refused.
	setToken(t, tokenFile, "[REDACTED]")
	if _, err := cli.Import(ctx, "emu"); err == nil || !strings.Contains(err.Error(), "no access token") {
		t.Fatalf("placeholder token: %v", err)
	}
	// No sf at all.
	_, err = SFCLI{Path: filepath.Join(t.TempDir(), "sf")}.Import(ctx, "emu")
	if err == nil || !strings.Contains(err.Error(), "Salesforce CLI was not found") {
		t.Fatalf("missing sf: %v", err)
	}
}

// realSF finds the Salesforce CLI: $LAZYFORCE_SF, else sf on PATH.
func realSF(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LAZYFORCE_SF"); p != "" {
		return p
	}
	p, err := exec.LookPath("sf")
	if err != nil {
		t.Skip("the Salesforce CLI (sf) is not on PATH, so --from-sf is not tested against it here; " +
			".ci/conformance.sh runs this test with the CLI it installs (or set LAZYFORCE_SF=/path/to/sf)")
	}
	return p
}

// TestImportFromRealSF logs the real Salesforce CLI in to the emulator
// (sf org login access-token, in a temporary HOME) and imports the org
// from it through its commands.
func TestImportFromRealSF(t *testing.T) {
	sfPath := realSF(t)
	ts := startOrg(t, nil)
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"TMPDIR=" + home,
		"SF_DISABLE_TELEMETRY=true",
		"SF_DISABLE_DNS_CHECK=true",
		"SF_HIDE_RELEASE_NOTES=true",
		"SF_HIDE_RELEASE_NOTES_FOOTER=true",
		"SF_USE_GENERIC_UNIX_KEYCHAIN=true",
		"SF_CONTAINER_MODE=true",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	login := exec.CommandContext(ctx, sfPath, "org", "login", "access-token", "--instance-url", ts.URL, "--no-prompt", "--alias", "emu", "--json")
	login.Env = append(append(os.Environ(), env...), "SF_ACCESS_TOKEN="+ts.AccessToken)
	if out, err := login.CombinedOutput(); err != nil {
		t.Fatalf("sf org login access-token: %v\n%s", err, redactTokens(string(out)))
	}
	cli := SFCLI{Path: sfPath, Env: env}
	tok, err := cli.Import(ctx, "emu")
	if err != nil {
		t.Fatalf("Import from sf: %v", err)
	}
	if tok.InstanceURL != ts.URL || tok.Username != ts.Username || tok.UserID != ts.UserID() || tok.AccessToken != ts.AccessToken {
		t.Fatalf("imported %v", tok)
	}
	_, err = cli.Import(ctx, "not-an-org")
	var se *SFError
	if !errors.As(err, &se) || se.Message == "" {
		t.Fatalf("unknown alias: %v", err)
	}
	// The CLI holds only an access token: once it expires, lazyforce says
	// to log in again.
	ts.ExpireSessions()
	src := NewSFTokenSource(cli, "emu", "emu", tok.AccessToken)
	_, err = src.Refresh(ctx)
	if !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("refresh through sf after expiry: %v", err)
	}
	t.Logf("after expiry: %v", err)
	assertNoSecret(t, "error", err.Error(), tok.AccessToken)
}
