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
	"os"
	"path/filepath"
	"regexp"
	"sort"
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
	Current string         `json:"current,omitempty"`
	Orgs    map[string]Org `json:"orgs"`
	// Theme is the terminal app's palette: "dark", "light", or "auto"
	// (the default: from the terminal's background, dark when the
	// terminal does not say).
	Theme string `json:"theme,omitempty"`
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
	return cfg, nil
}

// Save writes config.json atomically.
func (d Dirs) Save(cfg *Config) error {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
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
	org, ok := cfg.Orgs[alias]
	if !ok {
		known := make([]string, 0, len(cfg.Orgs))
		for a := range cfg.Orgs {
			known = append(known, a)
		}
		sort.Strings(known)
		return Org{}, fmt.Errorf("%w named %q (known: %s); run 'lazyforce login --alias %s'", ErrNoOrg, alias, strings.Join(known, ", "), alias)
	}
	return org, nil
}

// SaveToken stores alias's access token (mode 0600).
func (d Dirs) SaveToken(alias, token string) error {
	if err := ValidAlias(alias); err != nil {
		return err
	}
	return writeFileAtomic(d.CredentialFile(alias), []byte(token+"\n"), 0o600)
}

// LoadToken reads alias's access token.
func (d Dirs) LoadToken(alias string) (string, error) {
	data, err := os.ReadFile(d.CredentialFile(alias))
	if err != nil {
		return "", fmt.Errorf("read credentials of org %s (run 'lazyforce login --alias %s'): %w", alias, alias, err)
	}
	return strings.TrimSpace(string(data)), nil
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
