package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"log"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func screen(m *Model) string { return ansi.Strip(m.render()) }

func TestNewRequiresData(t *testing.T) {
	if _, err := New(Deps{}); !errors.Is(err, ErrNoData) {
		t.Fatalf("New without data: %v", err)
	}
}

func TestPaneSwitching(t *testing.T) {
	m, _ := newLoaded(t, 200, 100, 30, true)
	steps := []struct {
		key  string
		want views.PaneID
	}{
		{"2", views.OpportunitiesPane}, {"3", views.PipelinePane}, {"4", views.AskPane}, {"1", views.AccountsPane},
		{"5", views.TasksPane}, {"6", views.ContactsPane}, {"7", views.LeadsPane}, {"1", views.AccountsPane},
		{"tab", views.OpportunitiesPane}, {"tab", views.PipelinePane}, {"tab", views.AskPane}, {"tab", views.TasksPane},
		{"tab", views.ContactsPane}, {"tab", views.LeadsPane}, {"tab", views.AccountsPane},
		{"shift+tab", views.LeadsPane}, {"shift+tab", views.ContactsPane}, {"shift+tab", views.TasksPane}, {"shift+tab", views.AskPane}, {"shift+tab", views.PipelinePane},
	}
	for _, s := range steps {
		press(m, s.key)
		if m.Focus() != s.want {
			t.Fatalf("after %s focus is %v, want %v", s.key, m.Focus(), s.want)
		}
		if !strings.Contains(screen(m), s.want.String()) {
			t.Fatalf("after %s the screen does not show %v", s.key, s.want)
		}
	}
}

func TestEscNeverQuits(t *testing.T) {
	m, _ := newLoaded(t, 200, 100, 30, true)
	for _, pane := range []string{"1", "2", "3", "4"} {
		press(m, pane)
		for range 3 {
			if cmd := press(m, "esc"); isQuit(cmd) {
				t.Fatalf("esc quit in pane %s", pane)
			}
		}
	}
	press(m, "?")
	if isQuit(press(m, "esc")) || m.showHelp {
		t.Fatal("esc in help quit or did not close help")
	}
	press(m, ":")
	if isQuit(press(m, "esc")) || m.prompting {
		t.Fatal("esc in the prompt quit or did not close it")
	}
}

func TestQuitKeys(t *testing.T) {
	m, _ := newLoaded(t, 100, 100, 30, true)
	if !isQuit(press(m, "q")) {
		t.Fatal("q does not quit")
	}
	m, _ = newLoaded(t, 100, 100, 30, true)
	press(m, "/")
	if isQuit(press(m, "q")) {
		t.Fatal("q quit while typing a filter")
	}
	if m.Accounts().Capturing() == false {
		t.Fatal("filter closed by q")
	}
	if !isQuit(press(m, "ctrl+c")) {
		t.Fatal("ctrl+c does not quit while filtering")
	}
}

func TestOpenDetailAndGoBack(t *testing.T) {
	m, _ := newLoaded(t, 200, 100, 40, true)
	press(m, "j")
	acc, _ := m.Accounts().Selected()
	run(m, press(m, "enter"))
	d := m.Detail(views.AccountsPane)
	if d == nil || d.ID() != acc.ID || d.Loading() {
		t.Fatalf("enter did not open a loaded detail of %s", acc.ID)
	}
	out := screen(m)
	for _, want := range []string{"Account · " + acc.Name, "Contacts (", "Opportunities (", "Activity ("} {
		if !strings.Contains(out, want) {
			t.Errorf("detail screen lacks %q", want)
		}
	}
	// Other panes keep working; coming back shows the detail again.
	press(m, "2")
	press(m, "1")
	if m.Detail(views.AccountsPane) == nil {
		t.Fatal("switching panes closed the detail")
	}
	run(m, press(m, "esc"))
	if m.Detail(views.AccountsPane) != nil {
		t.Fatal("esc did not close the detail")
	}
	if !strings.Contains(screen(m), "sorted by Name") {
		t.Fatal("esc did not return to the list")
	}
}

func TestOpportunityDetailFromPipeline(t *testing.T) {
	m, _ := newLoaded(t, 200, 120, 40, true)
	press(m, "3")
	run(m, press(m, "enter"))
	d := m.Detail(views.PipelinePane)
	if d == nil || d.Kind() != views.OpportunityRecord || d.Loading() {
		t.Fatal("enter on a card did not open the opportunity")
	}
	if !strings.Contains(screen(m), "Contact roles (") {
		t.Fatal("no contact roles in the opportunity detail")
	}
}

func TestLateDetailResultIsDropped(t *testing.T) {
	m, fake := newLoaded(t, 200, 100, 40, true)
	cmd := press(m, "enter") // OpenRecordMsg
	open := cmd().(views.OpenRecordMsg)
	_, load := m.Update(open)
	run(m, press(m, "esc")) // leave before the record arrives
	press(m, "j")
	run(m, press(m, "enter")) // open another account
	m.Update(load())          // the first record arrives late
	d := m.Detail(views.AccountsPane)
	if d.ID() == open.ID {
		t.Fatal("the late result replaced the open detail")
	}
	want, _ := fake.AccountDetail(context.Background(), d.ID())
	if !strings.Contains(screen(m), want.Account.Name) {
		t.Fatal("the open detail lost its record")
	}
}

func TestSyncOnlineThenOffline(t *testing.T) {
	m, fake := newLoaded(t, 200, 120, 30, true)
	if !strings.Contains(screen(m), "cached") || !strings.Contains(screen(m), "synced 3 min ago") {
		t.Fatalf("status bar before sync:\n%s", screen(m))
	}
	run(m, press(m, "r"))
	out := screen(m)
	if m.sync != syncOnline || !strings.Contains(out, "online") || !strings.Contains(out, "synced just now") || !strings.Contains(out, "API 1241/15000") {
		t.Fatalf("after a good sync:\n%s", out)
	}
	var logged bytes.Buffer
	m.deps.Log = log.New(&logged, "", 0)
	fake.SetOffline(true)
	run(m, press(m, "r"))
	if !strings.Contains(logged.String(), "warn: sync: org unreachable") {
		t.Errorf("the failed sync was not logged: %q", logged.String())
	}
	out = screen(m)
	if m.sync != syncOffline || !strings.Contains(out, "offline") || !strings.Contains(out, "showing cached data") {
		t.Fatalf("after a failed sync:\n%s", out)
	}
	if m.Accounts().Rows() == 0 {
		t.Fatal("the cached data disappeared offline")
	}
}

func TestSyncOnStartAndWhileRunning(t *testing.T) {
	fake := NewFakeData(1, 50, testNow)
	m, err := New(Deps{Data: fake, Sync: fake.Sync, SyncOnStart: true, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	m.flashTTL = time.Millisecond
	m.Init()
	if m.sync != syncRunning {
		t.Fatal("Init did not start the background sync")
	}
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 20})
	run(m, press(m, "r"))
	if !strings.Contains(m.flash.text, "already running") {
		t.Fatalf("r during a sync: %q", m.flash.text)
	}
}

func TestSyncUnavailable(t *testing.T) {
	m, err := New(Deps{Data: NewFakeData(1, 50, testNow)})
	if err != nil {
		t.Fatal(err)
	}
	m.flashTTL = time.Millisecond
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 20})
	run(m, press(m, "r"))
	if !strings.Contains(m.flash.text, "not available") {
		t.Fatalf("r without Sync: %q", m.flash.text)
	}
}

func TestPromptCommands(t *testing.T) {
	m, _ := newLoaded(t, 100, 100, 30, true)
	typeLine(m, "pipeline")
	if !strings.Contains(screen(m), ":pipeline") {
		t.Fatal("prompt text not shown")
	}
	press(m, "enter")
	if m.Focus() != views.PipelinePane || m.prompting {
		t.Fatalf(":pipeline → focus %v, prompting %v", m.Focus(), m.prompting)
	}
	typeLine(m, "frobnicate")
	run(m, press(m, "enter"))
	if m.flash.level != flashError || !strings.Contains(m.flash.text, "unknown command") {
		t.Fatalf("unknown command: %+v", m.flash)
	}
	typeLine(m, "theme light")
	press(m, "enter")
	if m.ctx.Styles.IsDark {
		t.Fatal(":theme light kept the dark theme")
	}
	// tab completes a command.
	press(m, ":")
	press(m, "o")
	press(m, "p")
	press(m, "tab")
	press(m, "enter")
	if m.Focus() != views.OpportunitiesPane {
		t.Fatalf(":op<tab> → focus %v", m.Focus())
	}
	press(m, ":")
	press(m, "q")
	if !isQuit(press(m, "enter")) {
		t.Fatal(":q does not quit")
	}
}

func TestHelpOverlayFollowsKeymap(t *testing.T) {
	keys := keymap.Default()
	if err := keys.Rebind(map[string][]string{"accounts.filter": {"f"}}); err != nil {
		t.Fatal(err)
	}
	fake := NewFakeData(1, 50, testNow)
	m, _ := New(Deps{Data: fake, Keys: keys, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	press(m, "?")
	out := screen(m)
	for _, want := range []string{"Keys · Accounts", "f ", "filter", "sync now", "ctrl+c", "command"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	press(m, "?")
	if m.showHelp {
		t.Fatal("? did not close help")
	}
}

func TestCopyAndBrowse(t *testing.T) {
	fake := NewFakeData(1, 50, testNow)
	var opened string
	m, _ := New(Deps{Data: fake, Now: func() time.Time { return testNow }, OpenURL: func(u string) error { opened = u; return nil }})
	m.flashTTL = time.Millisecond
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 20})
	m.Update(m.loadStatus()())
	run(m, m.loadData())
	id := m.Accounts().SelectedID()
	others := run(m, press(m, "y"))
	if !strings.Contains(m.flash.text, "copied Id "+id) {
		t.Fatalf("y: flash %q", m.flash.text)
	}
	if len(others) != 1 || !strings.Contains(strings.ToLower(typeName(others[0])), "clipboard") {
		t.Fatalf("y did not ask the terminal to set the clipboard: %#v", others)
	}
	run(m, press(m, "o"))
	if opened != "https://acme.my.salesforce.com/lightning/r/Account/"+id+"/view" {
		t.Fatalf("o opened %q", opened)
	}
}

func TestBackgroundColorPicksTheme(t *testing.T) {
	m, _ := newLoaded(t, 50, 100, 30, true)
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.ctx.Styles.IsDark {
		t.Fatal("a white background kept the dark theme")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.Black})
	if !m.ctx.Styles.IsDark {
		t.Fatal("a black background kept the light theme")
	}
}

func TestStaleDataLoadIsDropped(t *testing.T) {
	m, _ := newLoaded(t, 50, 100, 30, true)
	old := m.loadData()
	run(m, m.loadData())
	before := m.Accounts().Rows()
	// The older read's results arrive last: both halves must be ignored.
	for _, c := range old().(tea.BatchMsg) {
		msg := c().(dataLoadedMsg)
		if msg.accounts != nil {
			msg.accounts = views.NewAccountIndex(nil)
		}
		if msg.opps != nil {
			msg.opps = views.NewOpportunityIndex(nil)
		}
		m.Update(msg)
	}
	if m.Accounts().Rows() != before || len(m.Opportunities().Rows()) == 0 {
		t.Fatal("an older cache read replaced a newer one")
	}
}

func TestAccountsShowBeforeOpportunities(t *testing.T) {
	fake := NewFakeData(1, 200, testNow)
	m, _ := New(Deps{Data: fake, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	halves := m.loadData()().(tea.BatchMsg)
	m.Update(halves[0]())
	if m.Accounts().Rows() == 0 || len(m.Opportunities().Rows()) != 0 {
		t.Fatal("the accounts half did not show on its own")
	}
	if m.flash.text != "reading the cache…" {
		t.Fatalf("loading message cleared early: %q", m.flash.text)
	}
	m.Update(halves[1]())
	if len(m.Opportunities().Rows()) == 0 || m.flash.text != "" {
		t.Fatalf("after both halves: %d opportunities, flash %q", len(m.Opportunities().Rows()), m.flash.text)
	}
}

// evilData wraps the fake with records whose text carries escape sequences.
type evilData struct{ *FakeData }

const evil = "Evil\x1b[31m Red\x1b]0;pwned\x07 Org\r\b\u009b2J\u009d52;c;aGk=\u009c"

func (e evilData) Status(ctx context.Context) (Status, error) {
	st, err := e.FakeData.Status(ctx)
	st.OrgName = evil
	return st, err
}

func (e evilData) Accounts(ctx context.Context) ([]book.Account, error) {
	accts, err := e.FakeData.Accounts(ctx)
	accts[0].Name = evil
	return accts, err
}

func TestEscapeSequencesNeverReachTheTerminal(t *testing.T) {
	m, _ := New(Deps{Data: evilData{NewFakeData(1, 50, testNow)}, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m.Update(m.loadStatus()())
	run(m, m.loadData())
	out := m.View()
	for _, bad := range []string{"\x1b[31m", "\x1b]", "\r", "\b", "\x07", "\u009b", "\u009d", "pwned\x07"} {
		if strings.Contains(out.Content, bad) || strings.Contains(out.WindowTitle, bad) {
			t.Errorf("screen contains %q", bad)
		}
	}
	if !strings.Contains(ansi.Strip(out.Content), "Evil Red") {
		t.Fatal("the sanitized org name is missing")
	}
}

func typeName(v any) string { return strings.TrimPrefix(fmtType(v), "*") }

// changingData serves a different account name after each sync.
type changingData struct {
	*FakeData
	syncs int
}

func (c *changingData) Sync(ctx context.Context, progress func(syncer.Progress)) error {
	c.syncs++
	return c.FakeData.Sync(ctx, progress)
}

func (c *changingData) AccountDetail(ctx context.Context, id string) (book.AccountDetail, error) {
	d, err := c.FakeData.AccountDetail(ctx, id)
	d.Account.Name = fmt.Sprintf("Renamed %d", c.syncs)
	return d, err
}

func TestSyncRefreshesOpenDetail(t *testing.T) {
	data := &changingData{FakeData: NewFakeData(1, 50, testNow)}
	m, _ := New(Deps{Data: data, Sync: data.Sync, Now: func() time.Time { return testNow }})
	m.flashTTL = time.Millisecond
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	run(m, m.loadData())
	run(m, press(m, "enter"))
	if !strings.Contains(screen(m), "Renamed 0") {
		t.Fatalf("detail before sync:\n%s", screen(m))
	}
	run(m, press(m, "r"))
	if !strings.Contains(screen(m), "Renamed 1") {
		t.Fatalf("the open detail was not refreshed by the sync:\n%s", screen(m))
	}
}

func TestTinyTerminalsDoNotBreakTheLayout(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {10, 4}, {30, 8}, {50, 12}} {
		m, _ := newLoaded(t, 100, size[0], size[1], true)
		for _, k := range []string{"1", "enter", "2", "enter", "3", "enter", "4", "?"} {
			run(m, press(m, k))
			out := m.render()
			lines := strings.Split(out, "\n")
			if len(lines) > size[1] || (size[1] >= chromeLines && len(lines) != size[1]) {
				t.Errorf("%dx%d after %q: %d lines", size[0], size[1], k, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d after %q: line %d is %d cells", size[0], size[1], k, i, w)
				}
			}
		}
	}
}

func TestSpinnerTicksOnlyWhileSyncing(t *testing.T) {
	m, _ := newLoaded(t, 50, 100, 30, true)
	cmd := press(m, "r")
	if m.sync != syncRunning {
		t.Fatal("r did not start a sync")
	}
	tick := m.spin.Tick()
	if _, next := m.Update(tick); next == nil {
		t.Fatal("the spinner stopped during the sync")
	}
	run(m, cmd)
	if m.sync != syncOnline {
		t.Fatalf("sync state %v after the sync", m.sync)
	}
	if _, next := m.Update(m.spin.Tick()); next != nil {
		t.Fatal("the spinner keeps ticking after the sync")
	}
}

// TestCtrlCAlwaysQuits: ctrl+c quits in every state, whatever the key map
// says about global.force_quit.
func TestCtrlCAlwaysQuits(t *testing.T) {
	rebound := keymap.Default()
	if err := rebound.Rebind(map[string][]string{"global.force_quit": {"ctrl+q"}}); err != nil {
		t.Fatal(err)
	}
	byHand := keymap.Default()
	byHand.Global.ForceQuit.SetKeys("x") // bypasses Rebind
	byHand.Opportunities.Status.SetKeys("X")
	states := map[string][]string{
		"accounts": nil, "filter": {"/"}, "prompt": {":"}, "help": {"?"},
		"detail": {"enter"}, "pipeline": {"3"}, "ask": {"4"},
	}
	for name, keys := range map[string]*keymap.KeyMap{"rebound": rebound, "by hand": byHand} {
		for state, pre := range states {
			t.Run(name+"/"+state, func(t *testing.T) {
				fake := NewFakeData(1, 50, testNow)
				m, _ := New(Deps{Data: fake, Keys: keys, Now: func() time.Time { return testNow }})
				m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
				run(m, m.loadData())
				for _, k := range pre {
					run(m, press(m, k))
				}
				if !isQuit(press(m, "ctrl+c")) {
					t.Fatal("ctrl+c does not quit")
				}
			})
		}
	}
}

// TestSyncProgressInStatusBar: the sync's progress reports stream into the
// status bar one message at a time while the sync runs; the stream ends
// with the sync, and a late report of a finished sync is dropped.
func TestSyncProgressInStatusBar(t *testing.T) {
	fake := NewFakeData(1, 50, testNow)
	step := make(chan syncer.Progress)
	sync := func(ctx context.Context, progress func(syncer.Progress)) error {
		for p := range step {
			progress(p)
		}
		return fake.Sync(ctx, nil)
	}
	m, _ := New(Deps{Data: fake, Sync: sync, Now: func() time.Time { return testNow }})
	m.flashTTL = time.Millisecond
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 20})
	run(m, m.loadData())

	// Run the commands of 'r' as the runtime would: each on its own
	// goroutine, their messages back into Update on this one.
	msgs := make(chan tea.Msg, 16)
	var start func(tea.Cmd)
	start = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		go func() {
			msg := cmd()
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, c := range batch {
					start(c)
				}
				return
			}
			msgs <- msg
		}()
	}
	next := func(want func(tea.Msg) bool) tea.Msg {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case msg := <-msgs:
				_, cmd := m.Update(msg)
				if _, tick := msg.(spinner.TickMsg); !tick {
					start(cmd)
				}
				if want(msg) {
					return msg
				}
			case <-timeout:
				t.Fatal("timed out waiting for a message")
			}
		}
	}
	isProgress := func(msg tea.Msg) bool { _, ok := msg.(syncProgressMsg); return ok }
	isDone := func(msg tea.Msg) bool { _, ok := msg.(syncDoneMsg); return ok }

	start(press(m, "r"))
	if !strings.Contains(screen(m), "syncing…") {
		t.Fatalf("status bar at the start of a sync:\n%s", screen(m))
	}
	step <- syncer.Progress{Object: "Account", Phase: syncer.PhaseDescribe}
	next(isProgress)
	if !strings.Contains(screen(m), "syncing Account…") {
		t.Fatalf("status bar during describe:\n%s", screen(m))
	}
	step <- syncer.Progress{Object: "Opportunity", Phase: syncer.PhaseFetch, Pages: 2, Records: 4000, Total: 15531}
	next(isProgress)
	if out := screen(m); !strings.Contains(out, "syncing Opportunity 4,000/15,531") {
		t.Fatalf("status bar during fetch:\n%s", out)
	}
	ch := m.progressCh
	close(step)
	next(isDone)
	if m.sync != syncOnline || strings.Contains(screen(m), "syncing") {
		t.Fatalf("after the sync:\n%s", screen(m))
	}
	if cmd := m.syncProgress(syncProgressMsg{ch: ch, p: syncer.Progress{Object: "Late"}, ok: true}); cmd != nil || m.progress.Object != "" {
		t.Fatal("a report of a finished sync was not dropped")
	}
}
