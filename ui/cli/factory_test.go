package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/orgconfig"
)

// TestFactoryResolvesOnce: the org, client and store are resolved on first
// use and shared by later calls; Close releases the cache for the next
// process.
func TestFactoryResolvesOnce(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	org := emulator.StartTest(t, emulator.Options{Seed: 7, Empty: true})
	if _, errs, code := runCLI(t, "login", "--instance-url", org.URL, "--access-token", org.AccessToken, "--alias", "acme"); code != 0 {
		t.Fatalf("login: %d %q", code, errs)
	}
	f := NewFactory(IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	o, err := f.Org()
	if err != nil || o.Alias != "acme" {
		t.Fatalf("Org = %+v, %v; want the current org acme", o, err)
	}
	c1, err := f.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c2, err := f.Client(context.Background())
	if err != nil || c1 != c2 {
		t.Errorf("a second Client call built another client (%p, %p, %v)", c1, c2, err)
	}
	s1, err := f.Store(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := f.Store(store.Options{ReadOnly: true})
	if err != nil || s1 != s2 {
		t.Errorf("a second Store call opened the cache again (%v)", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// The cache is free again: a sync (another factory) can open it.
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Errorf("sync after Close: %d %q", code, errs)
	}
}

// TestFactoryOrgErrors: an unknown alias names the known ones; an alias
// that cannot name an org is a usage error that says so.
func TestFactoryOrgErrors(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	f := NewFactory(IOStreams{})
	if _, err := f.Org(); !errors.Is(err, orgconfig.ErrNoOrg) {
		t.Errorf("no org configured: %v", err)
	}
	f = NewFactory(IOStreams{})
	f.OrgAlias = "../etc"
	_, err := f.Org()
	var ue UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "invalid org alias") {
		t.Errorf("--org ../etc: %v, want a usage error about the alias", err)
	}
}
