// Package orgconfig keeps lazyforce's configured orgs: the config file, the
// per-org credential files (mode 0600) and where each org's cache lives.
//
// Layout: with LAZYFORCE_HOME set, everything lives under it
// (config.json, credentials/, cache/). Otherwise the config and credentials
// go under os.UserConfigDir()/lazyforce and caches under
// os.UserCacheDir()/lazyforce.
package orgconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

// Dirs are the directories lazyforce uses.
type Dirs struct {
	Config string // config.json and credentials/
	Cache  string // one bbolt file per org
}

// DefaultDirs honours LAZYFORCE_HOME, else the XDG config and cache dirs.
func DefaultDirs() (Dirs, error) {
	if home := os.Getenv("LAZYFORCE_HOME"); home != "" {
		return Dirs{Config: home, Cache: filepath.Join(home, "cache")}, nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return Dirs{}, fmt.Errorf("find config directory (set LAZYFORCE_HOME): %w", err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return Dirs{}, fmt.Errorf("find cache directory (set LAZYFORCE_HOME): %w", err)
	}
	return Dirs{Config: filepath.Join(cfg, "lazyforce"), Cache: filepath.Join(cache, "lazyforce")}, nil
}

// Org is one configured org.
type Org struct {
	Alias       string        `json:"alias"`
	InstanceURL string        `json:"instance_url"`
	Username    string        `json:"username,omitempty"`
	UserID      string        `json:"user_id,omitempty"`
	OrgID       string        `json:"org_id,omitempty"`
	Sync        *SyncSettings `json:"sync,omitempty"`
}

// SyncSettings override what sync pulls for an org (zero values: defaults).
type SyncSettings struct {
	// Objects replaces the default object list when non-empty.
	Objects []string `json:"objects,omitempty"`
	// ExtraObjects are added to the list, e.g. custom objects ("Thing__c").
	ExtraObjects []string `json:"extra_objects,omitempty"`
	// ActivityMonthsBack / ActivityMonthsAhead bound Tasks and Events by
	// ActivityDate (defaults 12 and 6).
	ActivityMonthsBack  int `json:"activity_months_back,omitempty"`
	ActivityMonthsAhead int `json:"activity_months_ahead,omitempty"`
	// ClosedOpportunityMonthsBack bounds closed opportunities by CloseDate
	// (default 24).
	ClosedOpportunityMonthsBack int `json:"closed_opportunity_months_back,omitempty"`
	// Where adds a SOQL condition per object, e.g.
	// {"Thing__c": "Status__c != 'Archived'"}.
	Where map[string]string `json:"where,omitempty"`
}

// Config is the content of config.json.
type Config struct {
	Current string `json:"current,omitempty"`
	// ClientID is the consumer key of the connected app (or External
	// Client App) that browser and device logins use.
	ClientID string         `json:"client_id,omitempty"`
	Orgs     map[string]Org `json:"orgs"`
	// Theme is the terminal app's palette: "dark", "light", or "auto"
	// (the default: from the terminal's background, dark when the
	// terminal does not say).
	Theme string `json:"theme,omitempty"`
	// AskModel is the optional OpenAI-compatible chat endpoint that may
	// propose SOQL for questions the Ask engine does not understand; nil
	// (the default) sends nothing anywhere.
	AskModel *AskModel `json:"ask_model,omitempty"`
}

// AskModel configures the optional model of the Ask engine. The API key is
// read from the environment variable APIKeyEnv, so that config.json holds
// no secret.
type AskModel struct {
	URL       string `json:"url"`
	Model     string `json:"model,omitempty"`
	APIKeyEnv string `json:"api_key_env,omitempty"`
}

// ErrNoOrg means no org is configured or the alias is unknown.
var ErrNoOrg = errors.New("no org")

var aliasRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidAlias reports whether alias can name an org (it names files too).
func ValidAlias(alias string) error {
	if !aliasRE.MatchString(alias) {
		return fmt.Errorf("invalid org alias %q: use letters, digits, '.', '_' or '-' (at most 64)", alias)
	}
	return nil
}

func (d Dirs) configFile() string { return filepath.Join(d.Config, "config.json") }

// CredentialFile is where alias's access token is stored.
func (d Dirs) CredentialFile(alias string) string {
	return filepath.Join(d.Config, "credentials", alias+".token")
}

// CachePath is the bbolt file of alias's cache.
func (d Dirs) CachePath(alias string) string { return filepath.Join(d.Cache, alias+".db") }

// Load reads config.json (an empty config if it does not exist).
func (d Dirs) Load() (*Config, error) {
	cfg := &Config{Orgs: map[string]Org{}}
	data, err := os.ReadFile(d.configFile())
	if errors.Is(err, os.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("read config %s: %w", d.configFile(), err)
	}
	if cfg.Orgs == nil {
		cfg.Orgs = map[string]Org{}
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("read config %s: %w", d.configFile(), err)
	}
	return cfg, nil
}

// validate checks every alias of a loaded config with ValidAlias: an alias
// names the org's cache and credential files, so one like "../../x" would
// make lazyforce read and write outside its directories. An org without an
// alias takes its key.
func (cfg *Config) validate() error {
	if cfg.Current != "" {
		if err := ValidAlias(cfg.Current); err != nil {
			return fmt.Errorf("current org: %w", err)
		}
	}
	for key, org := range cfg.Orgs {
		if err := ValidAlias(key); err != nil {
			return err
		}
		switch org.Alias {
		case "":
			org.Alias = key
			cfg.Orgs[key] = org
		case key:
		default:
			return fmt.Errorf("org %q has alias %q: the alias must match its key", key, org.Alias)
		}
	}
	return nil
}

// Save writes config.json atomically.
func (d Dirs) Save(cfg *Config) error {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if err := privateDir(d.Config); err != nil {
		return err
	}
	return writeFileAtomic(d.configFile(), append(data, '\n'), 0o600)
}

// Resolve returns the org named alias, or the current org when alias is "".
func (cfg *Config) Resolve(alias string) (Org, error) {
	if alias == "" {
		alias = cfg.Current
	}
	if alias == "" {
		return Org{}, fmt.Errorf("%w configured: run 'lazyforce login' first", ErrNoOrg)
	}
	if err := ValidAlias(alias); err != nil {
		return Org{}, fmt.Errorf("%w: %w", ErrNoOrg, err)
	}
	org, ok := cfg.Orgs[alias]
	if !ok {
		known := slices.Sorted(maps.Keys(cfg.Orgs))
		return Org{}, fmt.Errorf("%w named %q (known: %s); run 'lazyforce login --alias %s'", ErrNoOrg, alias, strings.Join(known, ", "), alias)
	}
	return org, nil
}

// SaveToken stores alias's access token (mode 0600).
func (d Dirs) SaveToken(alias, token string) error {
	if err := ValidAlias(alias); err != nil {
		return err
	}
	// Logging in again repairs what an earlier version or the user loosened.
	if err := privateDir(d.Config); err != nil {
		return err
	}
	if err := privateDir(filepath.Dir(d.CredentialFile(alias))); err != nil {
		return err
	}
	return writeFileAtomic(d.CredentialFile(alias), []byte(token+"\n"), 0o600)
}

// LoadToken reads alias's access token. Like ssh with a private key, it
// refuses a credential file (or credentials directory) that other users can
// read or write, and says how to repair it.
func (d Dirs) LoadToken(alias string) (string, error) {
	if err := ValidAlias(alias); err != nil {
		return "", err
	}
	path := d.CredentialFile(alias)
	if err := checkPrivate(filepath.Dir(path), alias); err != nil {
		return "", err
	}
	if err := checkPrivate(path, alias); err != nil {
		return "", err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read credentials of org %s (run 'lazyforce login --alias %s'): %w", alias, alias, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// checkModes is false where Unix permission bits mean nothing.
var checkModes = runtime.GOOS != "windows"

// checkPrivate refuses path (a credential file or its directory) when group
// or others have any access to it. A missing path is left to the caller.
func checkPrivate(path, alias string) error {
	if !checkModes {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		want := "600"
		if fi.IsDir() {
			want = "700"
		}
		return fmt.Errorf("credentials of org %s are not private: %s has mode %04o, other users can reach it; run 'chmod %s %s' or 'lazyforce login --alias %s' again",
			alias, path, perm, want, path, alias)
	}
	return nil
}

// privateDir creates dir with mode 0700, or tightens an existing one to it.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if !checkModes {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("stat %s: %w", dir, err)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("make %s private: %w", dir, err)
		}
	}
	return nil
}

// writeFileAtomic writes through a temporary file and a rename.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
