package orgconfig

import (
	"errors"
	"os"
	"path/filepath"
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
