package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/zalando/go-keyring"
)

// Method says how an org was logged in to, so the session can be renewed
// the same way.
type Method string

// Login methods.
const (
	MethodWeb         Method = "web"          // browser login with PKCE
	MethodDevice      Method = "device"       // device flow
	MethodSF          Method = "sf"           // imported from the Salesforce CLI
	MethodAccessToken Method = "access-token" // a pasted access token (no refresh)
)

// Credentials are what is stored for one org.
type Credentials struct {
	Method   Method
	LoginURL string // the login host, for refresh and revoke
	ClientID string // the connected app's consumer key
	SFAlias  string // the Salesforce CLI's alias (MethodSF)
	Token    Token
}

// String describes the credentials without their secrets.
func (c Credentials) String() string {
	return fmt.Sprintf("auth.Credentials{method: %s, login url: %s, client id: %s, sf alias: %s, token: %s}",
		c.Method, c.LoginURL, c.ClientID, c.SFAlias, c.Token)
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb print String.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// MarshalJSON writes everything but the tokens.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Method   Method `json:"method"`
		LoginURL string `json:"login_url,omitempty"`
		ClientID string `json:"client_id,omitempty"`
		SFAlias  string `json:"sf_alias,omitempty"`
		Token    Token  `json:"token"`
	}{c.Method, c.LoginURL, c.ClientID, c.SFAlias, c.Token})
}

// Keyring is an OS keychain. SystemKeyring is the real one; tests use
// keyring.MockInit or their own.
type Keyring interface {
	Set(service, user, secret string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// SystemKeyring is the OS keychain through github.com/zalando/go-keyring:
// macOS Keychain, Windows Credential Manager, the Secret Service (D-Bus) on
// Linux. Where none runs its calls fail and the Store falls back to a file.
type SystemKeyring struct{}

// Set implements Keyring.
func (SystemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

// Get implements Keyring.
func (SystemKeyring) Get(service, user string) (string, error) {
	return keyring.Get(service, user)
}

// Delete implements Keyring.
func (SystemKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// KeyringService is the keychain service name of lazyforce's entries
// (the account is the org alias).
const KeyringService = "lazyforce"

// Location is where a Store put the secrets.
type Location string

// Secret locations.
const (
	InKeychain Location = "keychain"
	InFile     Location = "file"
)

// ErrNoCredentials means nothing is stored for the alias.
var ErrNoCredentials = errors.New("no stored credentials")

// Store keeps each org's credentials: the tokens in the OS keychain when
// one is available, else in the org's file; the rest (instance, user,
// method) always in a file of mode 0600 in a directory of mode 0700.
type Store struct {
	dir string
	kr  Keyring
}

// NewStore keeps credentials in dir (e.g. <config>/credentials), with the
// tokens in the system keychain when it works.
func NewStore(dir string) *Store { return &Store{dir: dir, kr: SystemKeyring{}} }

// NewStoreWithKeyring is NewStore with another keychain; nil means files only.
func NewStoreWithKeyring(dir string, kr Keyring) *Store { return &Store{dir: dir, kr: kr} }

var aliasRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Path is the file of alias's credentials.
func (s *Store) Path(alias string) string { return filepath.Join(s.dir, alias+".json") }

// credFile is the file's content; the tokens only when Secrets is "file".
type credFile struct {
	Version      int      `json:"version"`
	Method       Method   `json:"method"`
	LoginURL     string   `json:"login_url,omitempty"`
	ClientID     string   `json:"client_id,omitempty"`
	SFAlias      string   `json:"sf_alias,omitempty"`
	publicToken           // the token but its secrets
	Secrets      Location `json:"secrets"`
	AccessToken  string   `json:"access_token,omitempty"`
	RefreshToken string   `json:"refresh_token,omitempty"`
}

// keychainSecret is the keychain entry's content.
type keychainSecret struct {
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// Save stores c for alias and says where the tokens went: the keychain if
// it accepts them, else the file.
func (s *Store) Save(alias string, c *Credentials) (Location, error) {
	if !aliasRE.MatchString(alias) {
		return "", fmt.Errorf("save credentials: invalid org alias %q", alias)
	}
	t := c.Token
	f := credFile{Version: 1, Method: c.Method, LoginURL: c.LoginURL, ClientID: c.ClientID, SFAlias: c.SFAlias,
		publicToken: publicOf(t), Secrets: InFile}
	if s.kr != nil {
		secret, err := json.Marshal(keychainSecret{t.AccessToken, t.RefreshToken})
		if err != nil {
			return "", fmt.Errorf("save credentials: %w", err)
		}
		if s.kr.Set(KeyringService, alias, string(secret)) == nil {
			f.Secrets = InKeychain
		}
	}
	if f.Secrets == InFile {
		f.AccessToken, f.RefreshToken = t.AccessToken, t.RefreshToken
		if s.kr != nil {
			// An older entry must not outlive the new secrets.
			_ = s.kr.Delete(KeyringService, alias)
		}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return "", fmt.Errorf("save credentials: %w", err)
	}
	if err := s.writePrivate(s.Path(alias), append(data, '\n')); err != nil {
		return "", err
	}
	return f.Secrets, nil
}

// Load reads alias's credentials. Nothing stored is ErrNoCredentials; a
// keychain entry gone missing is a *LoginRequiredError.
func (s *Store) Load(alias string) (*Credentials, error) {
	if !aliasRE.MatchString(alias) {
		return nil, fmt.Errorf("load credentials: invalid org alias %q", alias)
	}
	path := s.Path(alias)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w for org %s: run `lazyforce login --alias %s`", ErrNoCredentials, alias, alias)
	}
	if err != nil {
		return nil, fmt.Errorf("load credentials: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("load credentials: %s is readable by other users (mode %04o): run `chmod 600 %s`", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load credentials: %w", err)
	}
	var f credFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("load credentials: %s is damaged (%v): log in again with `lazyforce login --alias %s`", path, err, alias)
	}
	c := &Credentials{Method: f.Method, LoginURL: f.LoginURL, ClientID: f.ClientID, SFAlias: f.SFAlias,
		Token: f.token(f.AccessToken, f.RefreshToken)}
	if f.Secrets == InKeychain {
		if s.kr == nil {
			return nil, fmt.Errorf("load credentials of org %s: they are in the keychain, which is not in use", alias)
		}
		secret, err := s.kr.Get(KeyringService, alias)
		if errors.Is(err, keyring.ErrNotFound) {
			return nil, &LoginRequiredError{Alias: alias, Reason: "the keychain has no entry for it"}
		}
		if err != nil {
			return nil, fmt.Errorf("load credentials of org %s from the keychain: %w", alias, err)
		}
		var ks keychainSecret
		if err := json.Unmarshal([]byte(secret), &ks); err != nil {
			return nil, &LoginRequiredError{Alias: alias, Reason: "its keychain entry is damaged"}
		}
		c.Token.AccessToken, c.Token.RefreshToken = ks.AccessToken, ks.RefreshToken
	}
	return c, nil
}

// Delete removes alias's credentials from the file and the keychain.
// Deleting what is not stored is no error.
func (s *Store) Delete(alias string) error {
	if !aliasRE.MatchString(alias) {
		return fmt.Errorf("delete credentials: invalid org alias %q", alias)
	}
	if s.kr != nil {
		// The keychain may be unavailable or hold nothing: the file decides.
		_ = s.kr.Delete(KeyringService, alias)
	}
	if err := os.Remove(s.Path(alias)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete credentials: %w", err)
	}
	return nil
}

// writePrivate writes path atomically with mode 0600 in a 0700 directory.
func (s *Store) writePrivate(path string, data []byte) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := os.Chmod(s.dir, 0o700); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return nil
}
