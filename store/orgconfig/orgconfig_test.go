package orgconfig

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestConfigAndCredentials(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	d, err := DefaultDirs()
	if err != nil || d.Config != home || d.Cache != filepath.Join(home, "cache") {
		t.Fatalf("DefaultDirs = %+v %v", d, err)
	}
	cfg, err := d.Load()
	if err != nil || len(cfg.Orgs) != 0 {
		t.Fatalf("Load of a missing config = %+v %v", cfg, err)
	}
	if _, err := cfg.Resolve(""); !errors.Is(err, ErrNoOrg) || !strings.Contains(err.Error(), "lazyforce login") {
		t.Fatalf("Resolve with no org: %v", err)
	}
	cfg.Orgs["acme"] = Org{Alias: "acme", InstanceURL: "https://acme.example", Sync: &SyncSettings{ExtraObjects: []string{"Thing__c"}}}
	cfg.Current = "acme"
	if err := d.Save(cfg); err != nil {
		t.Fatal(err)
	}
	if err := d.SaveToken("acme", "00Dxx!secret"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(d.CredentialFile("acme"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credential file mode: %v %v", fi, err)
	}
	if tok, err := d.LoadToken("acme"); err != nil || tok != "00Dxx!secret" {
		t.Fatalf("LoadToken = %q %v", tok, err)
	}
	cfg, err = d.Load()
	if err != nil {
		t.Fatal(err)
	}
	org, err := cfg.Resolve("")
	if err != nil || org.InstanceURL != "https://acme.example" || org.Sync.ExtraObjects[0] != "Thing__c" {
		t.Fatalf("Resolve current = %+v %v", org, err)
	}
	if _, err := cfg.Resolve("other"); !errors.Is(err, ErrNoOrg) || !strings.Contains(err.Error(), "acme") {
		t.Fatalf("Resolve unknown alias: %v", err)
	}
	if err := d.SaveToken("../evil", "x"); err == nil {
		t.Fatal("SaveToken accepted a path as alias")
	}
}

// TestAliasFromConfigIsValidated: an alias read from config.json names files,
// so one that climbs out of the directory is refused wherever it is read.
func TestAliasFromConfigIsValidated(t *testing.T) {
	for name, config := range map[string]string{
		"key":     `{"current":"../../outside/evil","orgs":{"../../outside/evil":{"alias":"../../outside/evil","instance_url":"https://x.example"}}}`,
		"alias":   `{"current":"acme","orgs":{"acme":{"alias":"../../outside/evil","instance_url":"https://x.example"}}}`,
		"current": `{"current":"../evil","orgs":{}}`,
	} {
		t.Run(name, func(t *testing.T) {
			d := Dirs{Config: t.TempDir(), Cache: t.TempDir()}
			if err := os.WriteFile(filepath.Join(d.Config, "config.json"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := d.Load()
			if err == nil || !strings.Contains(err.Error(), "evil") {
				t.Fatalf("Load accepted a path as alias: %+v %v", cfg, err)
			}
		})
	}
	d := Dirs{Config: t.TempDir(), Cache: t.TempDir()}
	if _, err := d.LoadToken("../../outside/evil"); err == nil || !strings.Contains(err.Error(), "invalid org alias") {
		t.Errorf("LoadToken of a path: %v", err)
	}
	cfg := &Config{Orgs: map[string]Org{"acme": {Alias: "acme"}}}
	if _, err := cfg.Resolve("../acme"); !errors.Is(err, ErrNoOrg) || !strings.Contains(err.Error(), "invalid org alias") {
		t.Errorf("Resolve of a path: %v", err)
	}
	// An org without an alias field takes its key.
	if err := os.WriteFile(filepath.Join(d.Config, "config.json"), []byte(`{"current":"acme","orgs":{"acme":{"instance_url":"https://x.example"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	if org, err := cfg.Resolve(""); err != nil || org.Alias != "acme" {
		t.Errorf("Resolve = %+v %v", org, err)
	}
}

// TestLoosePermissions: like ssh with a private key, a token other users can
// read is refused with the way out, and logging in again repairs the modes.
func TestLoosePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	d := Dirs{Config: filepath.Join(t.TempDir(), "cfg"), Cache: t.TempDir()}
	if err := d.SaveToken("acme", "secret"); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Dir(d.CredentialFile("acme"))
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{d.CredentialFile("acme"), 0o644}, {d.CredentialFile("acme"), 0o777}, {creds, 0o777}, {creds, 0o750}} {
		if err := os.Chmod(c.path, c.mode); err != nil {
			t.Fatal(err)
		}
		tok, err := d.LoadToken("acme")
		if err == nil || !strings.Contains(err.Error(), "not private") || !strings.Contains(err.Error(), "chmod") || strings.Contains(err.Error(), "secret") {
			t.Errorf("LoadToken with %s at %o = %q %v", c.path, c.mode, tok, err)
		}
		// Logging in again repairs every mode.
		if err := d.SaveToken("acme", "secret"); err != nil {
			t.Fatal(err)
		}
		for path, want := range map[string]os.FileMode{d.Config: 0o700, creds: 0o700, d.CredentialFile("acme"): 0o600} {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
				t.Errorf("after login, %s: %v %v, want %o", path, fi.Mode().Perm(), err, want)
			}
		}
		if tok, err := d.LoadToken("acme"); err != nil || tok != "secret" {
			t.Errorf("LoadToken after repair = %q %v", tok, err)
		}
	}
	// A config directory left open is tightened by the next write.
	if err := os.Chmod(d.Config, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(&Config{Orgs: map[string]Org{}}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(d.Config); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("config dir after Save: %v %v", fi.Mode().Perm(), err)
	}
}

func TestConfigTheme(t *testing.T) {
	d := Dirs{Config: t.TempDir()}
	if err := os.WriteFile(filepath.Join(d.Config, "config.json"), []byte(`{"theme": "light", "orgs": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := d.Load()
	if err != nil || cfg.Theme != "light" {
		t.Fatalf("Load: theme %q, %v", cfg.Theme, err)
	}
	if err := d.Save(cfg); err != nil {
		t.Fatal(err)
	}
	if cfg, err = d.Load(); err != nil || cfg.Theme != "light" {
		t.Fatalf("after Save: theme %q, %v", cfg.Theme, err)
	}
}
