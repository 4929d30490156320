package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/store/orgconfig"
)

// TestFactoryResolvesOnce: the org, client and store are resolved on first
// use and shared by later calls; Close releases the cache for the next
// process.
func TestFactoryResolvesOnce(t *testing.T) {
	loggedIn(t, emulator.Options{Seed: 7, Empty: true}, "--alias", "acme")
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

// TestAskModelFromConfig: the Ask engine's model comes from config.json's
// "ask_model" (its key from the variable it names), the environment
// overrides it, and none is configured by default.
func TestAskModelFromConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LAZYFORCE_HOME", home)
	t.Setenv("LAZYFORCE_ASK_MODEL_URL", "")
	newF := func() *Factory {
		return NewFactory(IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	}
	if m, err := newF().AskModel(); err != nil || m != nil {
		t.Fatalf("no configuration: model %v, %v; want none", m, err)
	}
	f := newF()
	dirs, err := f.Dirs()
	if err != nil {
		t.Fatal(err)
	}
	write := func(cfg string) {
		t.Helper()
		if err := os.MkdirAll(dirs.Config, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dirs.Config, "config.json"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"orgs":{},"ask_model":{"url":"http://127.0.0.1:11434/v1/chat/completions","model":"llama3","api_key_env":"MY_MODEL_KEY"}}`)
	t.Setenv("MY_MODEL_KEY", "k-123")
	m, err := newF().AskModel()
	om, ok := m.(*ask.OpenAIModel)
	if err != nil || !ok || om.URL != "http://127.0.0.1:11434/v1/chat/completions" || om.Model != "llama3" || om.APIKey != "k-123" {
		t.Fatalf("from config.json: %#v, %v", m, err)
	}
	t.Setenv("LAZYFORCE_ASK_MODEL_URL", "http://127.0.0.1:9/x")
	if m, err := newF().AskModel(); err != nil || m.(*ask.OpenAIModel).URL != "http://127.0.0.1:9/x" {
		t.Fatalf("the environment does not override config.json: %#v, %v", m, err)
	}
	t.Setenv("LAZYFORCE_ASK_MODEL_URL", "")
	write(`{"orgs":{},"ask_model":{"model":"llama3"}}`)
	if _, err := newF().AskModel(); err == nil || !strings.Contains(err.Error(), `"url"`) {
		t.Fatalf("ask_model without a url: %v", err)
	}
}
