package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// unavailableKeyring fails like a machine without a keychain service.
type unavailableKeyring struct{}

func (unavailableKeyring) Set(string, string, string) error { return errors.New("no secret service") }
func (unavailableKeyring) Get(string, string) (string, error) {
	return "", errors.New("no secret service")
}
func (unavailableKeyring) Delete(string, string) error { return errors.New("no secret service") }

func sampleCredentials() *Credentials {
	return &Credentials{
		Method: MethodWeb, LoginURL: ProductionURL, ClientID: "3MVGclient", Token: Token{
			AccessToken: "00D000000000001!AQsecretaccesstokenvalue", RefreshToken: "5Aep861secretrefreshtokenvalue",
			InstanceURL: "https://acme.my.salesforce.com", ID: "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA",
			IssuedAt: time.UnixMilli(1590696297594).UTC(), Scope: "api refresh_token", Username: "rep@acme.example",
			UserID: "005000000000001AAA", OrgID: "00D000000000001AAA",
		},
	}
}

// checkPrivate asserts the credential file is 0600 in a 0700 directory.
func checkPrivate(t *testing.T, s *Store, alias string) {
	t.Helper()
	fi, err := os.Stat(s.Path(alias))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credential file mode %04o, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Dir(s.Path(alias)))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("credential directory mode %04o, want 0700", di.Mode().Perm())
	}
}

func TestStoreFallsBackToAPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "credentials")
	s := NewStoreWithKeyring(dir, unavailableKeyring{})
	want := sampleCredentials()
	loc, err := s.Save("acme", want)
	if err != nil || loc != InFile {
		t.Fatalf("Save = %q, %v; want the file", loc, err)
	}
	checkPrivate(t, s, "acme")
	got, err := s.Load("acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != want.Token || got.Method != want.Method || got.ClientID != want.ClientID || got.LoginURL != want.LoginURL {
		t.Fatalf("Load = %+v, want %+v", *got, *want)
	}
	if err := s.Delete("acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("acme"); !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "lazyforce login --alias acme") {
		t.Fatalf("Load after Delete: %v", err)
	}
	if err := s.Delete("acme"); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestStoreTightensALooseDirectoryAndRefusesALooseFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "credentials")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := NewStoreWithKeyring(dir, nil)
	if _, err := s.Save("acme", sampleCredentials()); err != nil {
		t.Fatal(err)
	}
	checkPrivate(t, s, "acme")
	if err := os.Chmod(s.Path("acme"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load("acme")
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("Load of a 0644 file: %v", err)
	}
}

// On this machine (no D-Bus secret service) the system keychain fails and
// the store picks the file by itself.
func TestStoreWithoutSystemKeychainUsesTheFile(t *testing.T) {
	if _, err := keyring.Get("lazyforce-test-probe", "probe"); err == nil || errors.Is(err, keyring.ErrNotFound) {
		t.Skip("a system keychain works here; this test covers machines without one (it would write to the real keychain)")
	}
	s := NewStore(filepath.Join(t.TempDir(), "credentials"))
	loc, err := s.Save("acme", sampleCredentials())
	if err != nil || loc != InFile {
		t.Fatalf("Save = %q, %v; want the file", loc, err)
	}
	checkPrivate(t, s, "acme")
	got, err := s.Load("acme")
	if err != nil || got.Token.RefreshToken != sampleCredentials().Token.RefreshToken {
		t.Fatalf("Load = %v, %v", got, err)
	}
}

// TestStoreKeychain runs TestStoreKeychainMocked in a child process, since
// keyring.MockInit replaces the library's keychain for the whole process.
func TestStoreKeychain(t *testing.T) {
	if os.Getenv("LAZYFORCE_AUTH_MOCK_KEYRING") == "1" {
		t.Skip("in the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreKeychainMocked$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "LAZYFORCE_AUTH_MOCK_KEYRING=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestStoreKeychainMocked") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestStoreKeychainMocked(t *testing.T) {
	if os.Getenv("LAZYFORCE_AUTH_MOCK_KEYRING") != "1" {
		t.Skip("run by TestStoreKeychain in a child process")
	}
	keyring.MockInit()
	s := NewStore(filepath.Join(t.TempDir(), "credentials"))
	want := sampleCredentials()
	loc, err := s.Save("acme", want)
	if err != nil || loc != InKeychain {
		t.Fatalf("Save = %q, %v; want the keychain", loc, err)
	}
	checkPrivate(t, s, "acme")
	data, err := os.ReadFile(s.Path("acme"))
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "credential file with a keychain", string(data), secretsOf(&want.Token)...)
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil || f["secrets"] != "keychain" || f["username"] != "rep@acme.example" {
		t.Fatalf("file = %s", data)
	}
	secret, err := keyring.Get(KeyringService, "acme")
	if err != nil || !strings.Contains(secret, want.Token.RefreshToken) {
		t.Fatalf("keychain entry: %v", err)
	}
	got, err := s.Load("acme")
	if err != nil || got.Token != want.Token {
		t.Fatalf("Load = %v, %v", got, err)
	}
	// The keychain entry vanished (the user removed it): log in again.
	if err := keyring.Delete(KeyringService, "acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("acme"); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("Load without the keychain entry: %v", err)
	}
	if _, err := s.Save("acme", want); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(KeyringService, "acme"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("keychain entry after Delete: %v", err)
	}
}

func TestStoreRejectsPathAliases(t *testing.T) {
	s := NewStoreWithKeyring(t.TempDir(), nil)
	for _, alias := range []string{"", "../x", "a/b", ".hidden"} {
		if _, err := s.Save(alias, sampleCredentials()); err == nil {
			t.Errorf("Save(%q) succeeded", alias)
		}
	}
}

// No fmt verb or JSON encoding shows a token.
func TestTokensAreNeverFormatted(t *testing.T) {
	c := sampleCredentials()
	secrets := secretsOf(&c.Token)
	for _, v := range []any{c.Token, &c.Token, *c, c, []Token{c.Token}, struct{ T Token }{c.Token}, struct{ C *Credentials }{c}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, v)
			assertNoSecret(t, fmt.Sprintf("%s of %T", verb, v), out, secrets...)
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecret(t, fmt.Sprintf("JSON of %T", v), string(js), secrets...)
	}
	if s := c.Token.String(); !strings.Contains(s, "rep@acme.example") || !strings.Contains(s, "redacted") {
		t.Errorf("String = %q", s)
	}
}
