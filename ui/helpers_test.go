package ui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views/keytest"
)

// testNow is the fixed clock of the tests: goldens depend on it.
var testNow = time.Date(2026, time.May, 14, 10, 30, 0, 0, time.UTC)

// newLoaded returns a model over fake data with nOpps opportunities, sized
// w×h, with the cache read and the status loaded (as Init's commands would).
func newLoaded(t testing.TB, nOpps, w, h int, dark bool) (*Model, *FakeData) {
	t.Helper()
	fake := NewFakeData(7, nOpps, testNow)
	return loaded(t, Deps{Data: fake, Sync: fake.Sync, Now: func() time.Time { return testNow }, Dark: dark}, w, h), fake
}

// loaded returns a model over deps sized w×h, with the cache read and the
// status loaded (as Init's commands would), and short timers.
func loaded(t testing.TB, deps Deps, w, h int) *Model {
	t.Helper()
	m, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	m.flashTTL, m.ageRefresh = time.Millisecond, time.Hour
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(m.loadStatus()())
	run(m, m.loadData())
	run(m, m.loadPeople())
	return m
}

// demoCache starts the emulator's demo org and opens a fresh cache for it
// that holds only the signed-in identity, as `lazyforce demo` does before
// its first sync. It returns the cache and the client.
func demoCache(t *testing.T) (*store.Store, *sfdc.Client) {
	t.Helper()
	return booktest.Demo(t, booktest.Options{Now: func() time.Time { return testNow }, Unsynced: true})
}

// syncedDemo syncs the emulator's demo org into a fresh cache, as
// `lazyforce demo` does, and returns the cache and the client.
func syncedDemo(t *testing.T) (*store.Store, *sfdc.Client) {
	t.Helper()
	return booktest.Demo(t, booktest.Options{Now: func() time.Time { return testNow }, Scope: syncer.DefaultScope()})
}

// liveDemo syncs the emulator's demo org into a fresh cache, as syncedDemo
// does, and keeps the emulator serving until the test ends, for the
// test's pushes and its reads of the org.
func liveDemo(t *testing.T) (*store.Store, *sfdc.Client) {
	t.Helper()
	st, c := demoCache(t)
	if _, err := syncer.Run(t.Context(), c, st, syncer.Config{Scope: syncer.DefaultScope(), Now: func() time.Time { return testNow }}); err != nil {
		t.Fatal(err)
	}
	return st, c
}

// press sends a key press built from a key name such as "j", "enter",
// "shift+tab" or "ctrl+c", and returns the command.
func press(m *Model, k string) tea.Cmd {
	_, cmd := m.Update(keyPress(k))
	return cmd
}

// keyPress is the press of key k (keytest.Press).
func keyPress(k string) tea.KeyPressMsg { return keytest.Press(k) }

// run executes cmd and feeds every resulting message back into m,
// following batches, until nothing is left. Ticks are executed at once
// (they sleep for their duration, which is short for the debounce). Quit,
// clipboard and other runtime commands are collected and returned.
func run(m *Model, cmd tea.Cmd) []tea.Msg {
	return runCmd(m, cmd, func(msg tea.Msg) bool {
		switch msg.(type) {
		case dataLoadedMsg, statusLoadedMsg, syncDoneMsg, syncProgressMsg, detailLoadedMsg, flashMsg:
			return true
		}
		return isPaneMsg(msg)
	})
}

// runCmd executes cmd and feeds every message it yields that feed takes
// back into m, following batches, until nothing is left. Timers are
// dropped, so tests can still see the flash message; the messages feed
// does not take are returned.
func runCmd(m *Model, cmd tea.Cmd, feed func(tea.Msg) bool) []tea.Msg {
	var others []tea.Msg
	keytest.Run(cmd, func(msg tea.Msg) tea.Cmd {
		switch msg.(type) {
		case ageTickMsg, clearFlashMsg:
			return nil
		}
		if !feed(msg) {
			others = append(others, msg)
			return nil
		}
		_, next := m.Update(msg)
		return next
	})
	return others
}

// runFeeding is run, feeding back too the messages of type T that run
// leaves (results the program would deliver), and what follows them.
func runFeeding[T tea.Msg](m *Model, cmd tea.Cmd) {
	for _, msg := range run(m, cmd) {
		if _, ok := msg.(T); ok {
			_, next := m.Update(msg)
			runFeeding[T](m, next)
		}
	}
}

// poll runs one poll of the cache (its tick is shortened) and feeds the
// outcome back, as the program would; it returns the messages left over
// (the next poll's).
func poll(t *testing.T, m *Model) []tea.Msg {
	t.Helper()
	cmd := m.pollCache()
	if cmd == nil {
		t.Fatal("the cache is not polled")
	}
	_, next := m.Update(cmd())
	return run(m, next)
}

// isPaneMsg reports a message from the views package (requests to the root,
// debounce ticks, search results), which must go back through Update.
func isPaneMsg(msg tea.Msg) bool {
	return strings.HasPrefix(fmt.Sprintf("%T", msg), "views.")
}

func fmtType(v any) string { return fmt.Sprintf("%T", v) }

// requireGoldenScreen checks that the rendered screen out fills exactly
// w×h cells and, in 256 colours, matches the test's golden file.
func requireGoldenScreen(t *testing.T, out string, w, h int) {
	t.Helper()
	keytest.AssertBlock(t, out, w, h)
	var buf bytes.Buffer
	cw := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ANSI256}
	if _, err := cw.WriteString(out); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, buf.String())
}
