package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc/auth"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// typeLine opens the ':' prompt and types line without submitting it.
func typeLine(m *Model, line string) {
	press(m, ":")
	for _, k := range line {
		if k == ' ' {
			m.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
			continue
		}
		press(m, string(k))
	}
}

// TestOrgCommandSwitches: with several orgs configured, the status bar
// names the org shown, ':org' completes the aliases, and ':org ALIAS' ends
// the app asking for that org; unknown or current orgs only say so.
func TestOrgCommandSwitches(t *testing.T) {
	fake := NewFakeData(7, 20, testNow)
	m, err := New(Deps{Data: fake, Now: func() time.Time { return testNow }, Org: "acme", Orgs: []string{"acme", "globex"}})
	if err != nil {
		t.Fatal(err)
	}
	m.flashTTL = time.Millisecond
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m.Update(m.loadStatus()())
	if !strings.Contains(screen(m), "acme: ") {
		t.Errorf("the status bar does not say which org is shown:\n%s", screen(m))
	}

	typeLine(m, "org nope")
	if cmd := press(m, "enter"); isQuit(cmd) || m.SwitchOrg() != "" {
		t.Fatal(":org nope quit")
	}
	if m.flash.level != flashError || !strings.Contains(m.flash.text, "acme, globex") {
		t.Errorf(":org nope: %+v", m.flash)
	}
	typeLine(m, "org acme")
	if cmd := press(m, "enter"); isQuit(cmd) || !strings.Contains(m.flash.text, "already showing org acme") {
		t.Errorf(":org acme (the current one): %+v", m.flash)
	}

	typeLine(m, "org g")
	press(m, "tab")
	if v := m.prompt.Value(); v != "org globex" {
		t.Errorf("tab completed %q, want %q", v, "org globex")
	}
	if cmd := press(m, "enter"); !isQuit(cmd) || m.SwitchOrg() != "globex" {
		t.Errorf(":org globex: quit %v, SwitchOrg %q", isQuit(cmd), m.SwitchOrg())
	}
}

// TestOrgCommandNeedsOrgs: without configured orgs (the demo, tests)
// there is no ':org'.
func TestOrgCommandNeedsOrgs(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	typeLine(m, "org acme")
	run(m, press(m, "enter"))
	if m.SwitchOrg() != "" || !strings.Contains(m.flash.text, "unknown command") {
		t.Errorf(":org without orgs: %q %+v", m.SwitchOrg(), m.flash)
	}
}

// TestRevokedLoginBlocksOverTheCache: a refresh token revoked at
// Salesforce (sfdc/auth's LoginRequiredError, as the sync's client returns
// it) is the blocking banner naming the login command, over cached rows.
func TestRevokedLoginBlocksOverTheCache(t *testing.T) {
	m, _ := newLoaded(t, 50, 120, 30, true)
	press(m, "G")
	last, _ := m.Accounts().Selected()
	m.deps.Sync = func(context.Context, func(syncer.Progress)) error {
		return fmt.Errorf("pull Account: refresh session: %w", &auth.LoginRequiredError{Alias: "acme", Reason: "invalid_grant: expired access/refresh token"})
	}
	run(m, press(m, "r"))
	out := screen(m)
	if m.Blocked() == nil || !strings.Contains(m.Blocked().Error(), "log in again with `lazyforce login --alias acme`") {
		t.Fatalf("a revoked login is not blocking with the login command: %v", m.Blocked())
	}
	for _, want := range []string{"login --alias acme", last.Name} {
		if !strings.Contains(out, want) {
			t.Errorf("the screen lacks %q:\n%s", want, out)
		}
	}
}
