package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// ctrl sends ctrl+r and returns the command.
func ctrl(m *Model, r rune) tea.Cmd {
	_, cmd := m.Update(tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl})
	return cmd
}

// TestHelpSaysHalfPage: ctrl+d moves half a page, and the help says so.
func TestHelpSaysHalfPage(t *testing.T) {
	m, _ := newLoaded(t, 300, 140, 40, true)
	press(m, "2")
	_, h := m.bodySize()
	before := m.opps.Cursor()
	run(m, ctrl(m, 'd'))
	moved := m.opps.Cursor() - before
	if moved <= 1 || moved >= h-2 {
		t.Fatalf("ctrl+d moved %d rows in a body of %d lines, want about half", moved, h)
	}
	press(m, "?")
	s := screen(m)
	if !strings.Contains(s, "½ page down") {
		t.Errorf("help does not call ctrl+d half a page:\n%s", s)
	}
}

// TestRecordPageHelpTitle: the help over a record page is titled with the
// record page, not the pane under it.
func TestRecordPageHelpTitle(t *testing.T) {
	m, _ := newLoaded(t, 300, 140, 40, true)
	press(m, "2")
	run(m, press(m, "enter"))
	press(m, "?")
	s := screen(m)
	if !strings.Contains(s, "Keys · opportunity page") || strings.Contains(s, "Keys · Opportunities") {
		t.Errorf("record page help is not titled with the record page:\n%s", s)
	}
	press(m, "esc")         // closes the help
	run(m, press(m, "esc")) // closes the record page
	press(m, "?")
	if s := screen(m); !strings.Contains(s, "Keys · Opportunities") {
		t.Errorf("pane help is not titled with the pane:\n%s", s)
	}
}

// TestFilterFooterShowsOnlyWorkingKeys: while a filter is typed, '?' and
// 'q' type into it, so the help line does not offer them; it offers the
// filter's keys and ctrl+c.
func TestFilterFooterShowsOnlyWorkingKeys(t *testing.T) {
	m, _ := newLoaded(t, 300, 140, 40, true)
	for _, pane := range []string{"1", "2"} {
		press(m, pane)
		press(m, "/")
		line := ansi.Strip(m.helpLine())
		for _, lie := range []string{"? help", "q quit"} {
			if strings.Contains(line, lie) {
				t.Errorf("pane %s: filtering, the help line offers %q: %q", pane, lie, line)
			}
		}
		for _, want := range []string{"enter", "esc", "ctrl+c quit"} {
			if !strings.Contains(line, want) {
				t.Errorf("pane %s: filtering, the help line lacks %q: %q", pane, want, line)
			}
		}
		if isQuit(press(m, "q")) || m.showHelp {
			t.Fatalf("pane %s: q quit while filtering", pane)
		}
		press(m, "?")
		if m.showHelp {
			t.Fatalf("pane %s: ? opened the help while filtering", pane)
		}
		run(m, press(m, "esc"))
		if line := ansi.Strip(m.helpLine()); pane == "1" && (!strings.Contains(line, "? help") || !strings.Contains(line, "q quit")) {
			t.Errorf("pane %s: after the filter, the help line lacks ? and q: %q", pane, line)
		}
	}
}

// TestPromptListsCommandsAtOnce: ':' opens with every command listed (not
// only after an error) and a readable placeholder; typing narrows the
// list, tab completes and enter runs.
func TestPromptListsCommandsAtOnce(t *testing.T) {
	m, _ := newLoaded(t, 300, 100, 30, true)
	press(m, ":")
	s := screen(m)
	for _, want := range []string{"accounts", "opportunities", "pipeline", "sync now", "theme light", "quit lazyforce", "type a command", "tab complete"} {
		if !strings.Contains(s, want) {
			t.Errorf("the open prompt does not show %q:\n%s", want, s)
		}
	}
	press(m, "p")
	press(m, "i")
	s = screen(m)
	if !strings.Contains(s, "go to Pipeline") || strings.Contains(s, "go to Accounts") || strings.Contains(s, "sync now") {
		t.Errorf("after \":pi\" the list is not narrowed to pipeline:\n%s", s)
	}
	press(m, "tab")
	if got := m.prompt.Value(); got != "pipeline" {
		t.Errorf("tab completed to %q, want pipeline", got)
	}
	run(m, press(m, "enter"))
	if m.prompting || m.Focus().String() != "Pipeline" {
		t.Errorf("enter did not run the command: prompting %v, focus %v", m.prompting, m.Focus())
	}
}

// TestPaletteFindsAndRunsActions: ctrl+k opens a fuzzy search over the
// panes, the ':' commands and every pane's keys, each with its key; enter
// runs the best match as its key would; esc closes it.
func TestPaletteFindsAndRunsActions(t *testing.T) {
	m, _ := newLoaded(t, 300, 120, 40, true)
	ctrl(m, 'k')
	if m.palette == nil {
		t.Fatal("ctrl+k did not open the palette")
	}
	if s := screen(m); !strings.Contains(s, "Go to Pipeline") || !strings.Contains(s, "search actions") {
		t.Errorf("the palette is not drawn:\n%s", s)
	}
	titles := map[string]bool{}
	for _, it := range m.palette.Matches() {
		titles[it.Title] = true
	}
	for _, want := range []string{"Go to Pipeline", "Sync now", "Opportunities: mine / all", "Pipeline: next record type", "Accounts: filter"} {
		if !titles[want] {
			t.Errorf("the palette does not offer %q", want)
		}
	}
	// Every item shows its key: "Go to Pipeline" with 3.
	var found bool
	for _, it := range m.palette.Matches() {
		if it.Title == "Go to Pipeline" {
			found = it.Key == "3"
		}
	}
	if !found {
		t.Errorf("Go to Pipeline is missing or lacks its key 3: %+v", m.palette.Matches())
	}
	for _, r := range "rectype" {
		press(m, string(r))
	}
	if got := m.palette.Matches(); len(got) == 0 || got[0].Title != "Pipeline: next record type" {
		t.Fatalf("\"rectype\" best match: %+v", got)
	}
	run(m, press(m, "enter"))
	if m.palette != nil || m.Focus().String() != "Pipeline" {
		t.Fatalf("enter did not run the action: palette open %v, focus %v", m.palette != nil, m.Focus())
	}
	// esc closes without running anything; q typed in it does not quit.
	ctrl(m, 'k')
	if isQuit(press(m, "q")) {
		t.Fatal("q typed in the palette quit")
	}
	run(m, press(m, "esc"))
	if m.palette != nil || m.Focus().String() != "Pipeline" {
		t.Fatalf("esc: palette open %v, focus %v", m.palette != nil, m.Focus())
	}
	// A filter action runs on its pane: the accounts filter opens.
	ctrl(m, 'k')
	for _, r := range "accounts: filter" {
		press(m, string(r))
	}
	run(m, press(m, "enter"))
	if m.Focus().String() != "Accounts" || !m.accounts.Capturing() {
		t.Fatalf("\"accounts: filter\" did not open the accounts filter: focus %v", m.Focus())
	}
}

// TestBrowseWithoutBrowserCopiesTheURL: with no browser to open, 'o'
// says so and copies the record's Lightning URL, instead of an exec error.
func TestBrowseWithoutBrowserCopiesTheURL(t *testing.T) {
	fake := NewFakeData(1, 50, testNow)
	noBrowser := func(string) error {
		return fmt.Errorf("%w: could not open a browser (exec: \"xdg-open\": executable file not found in $PATH)", ErrNoBrowser)
	}
	m := loaded(t, Deps{Data: fake, Now: func() time.Time { return testNow }, OpenURL: noBrowser}, 120, 30)
	press(m, "2")
	id := m.opps.SelectedID()
	others := run(m, press(m, "o"))
	url := "https://acme.my.salesforce.com/lightning/r/Opportunity/" + id + "/view"
	if m.flash.level != flashWarn || !strings.Contains(m.flash.text, "no browser") || !strings.Contains(m.flash.text, url) || strings.Contains(m.flash.text, "exec") {
		t.Errorf("flash %v %q", m.flash.level, m.flash.text)
	}
	if len(others) != 1 || !strings.Contains(strings.ToLower(typeName(others[0])), "clipboard") {
		t.Errorf("o did not copy the URL: %#v", others)
	}
}

// TestBrowseOpensThePageTheDemoServes: the URL 'o' opens on a record of
// the demo org is a page the emulator serves, naming the record.
func TestBrowseOpensThePageTheDemoServes(t *testing.T) {
	st, _ := liveDemo(t) // the emulator keeps serving until the test ends
	var status int
	var body string
	get := func(url string) error {
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		status, body = resp.StatusCode, string(b)
		return err
	}
	m := loaded(t, Deps{Data: NewStoreData(st, StoreDataOptions{OrgName: "demo"}), Now: func() time.Time { return testNow }, OpenURL: get}, 120, 40)
	press(m, "2")
	run(m, press(m, "enter"))
	d := m.Detail(views.OpportunitiesPane)
	if d == nil || d.Loading() {
		t.Fatal("no opportunity page")
	}
	run(m, press(m, "o"))
	if status != http.StatusOK || !strings.Contains(body, "Opportunity") || !strings.Contains(m.flash.text, "/lightning/r/Opportunity/"+d.ID()+"/view") {
		t.Fatalf("o: status %d, flash %q, page:\n%.400s", status, m.flash.text, body)
	}
}

// TestOfflineStartSaysOffline: when the org cannot be reached, the status
// bar says at once that it is offline and how old the cache shown is; the
// dial error goes to the log, not the screen.
func TestOfflineStartSaysOffline(t *testing.T) {
	fake := NewFakeData(1, 50, testNow)
	var logged bytes.Buffer
	unreachable := func(context.Context, func(syncer.Progress)) error {
		return fmt.Errorf("new client: list API versions: %w", &url.Error{Op: "Get", URL: "https://acme.my.salesforce.com/services/data",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}})
	}
	m := loaded(t, Deps{Data: fake, Sync: unreachable, Now: func() time.Time { return testNow }, Log: log.New(&logged, "", 0)}, 120, 30)
	run(m, m.startSync()) // as Init does with SyncOnStart
	bar := ansi.Strip(m.statusBar())
	if m.sync != syncOffline || !strings.Contains(bar, "○ offline") || !strings.Contains(bar, "offline — showing the cache from 3 min ago") {
		t.Errorf("status bar offline: %q", bar)
	}
	if strings.Contains(bar, "dial") || strings.Contains(bar, "API versions") {
		t.Errorf("the status bar shows the dial error: %q", bar)
	}
	if !strings.Contains(logged.String(), "connection refused") {
		t.Errorf("the dial error was not logged: %q", logged.String())
	}
}

// TestLimitsView: ':limits' opens a view of the org's limits (GET
// /limits) with usage bars, the daily API requests first, and the status
// bar shows the API usage the fetch reported; the view is not a tab.
func TestLimitsView(t *testing.T) {
	st, c := demoCache(t)
	data := NewStoreData(st, StoreDataOptions{OrgName: "demo", APIUsage: func() (int, int) {
		l := c.Limits()
		return l.Used, l.Max
	}})
	m := loaded(t, Deps{Data: data, Limits: c.OrgLimits, Now: func() time.Time { return testNow }}, 120, 30)
	header := ansi.Strip(m.header())
	typeLine(m, "limits")
	runLimits(m, press(m, "enter"))
	if m.Focus() != views.LimitsPane {
		t.Fatalf(":limits focused %v", m.Focus())
	}
	rows := m.limits.Rows()
	if len(rows) == 0 || rows[0].Name != "DailyApiRequests" || rows[0].Max <= 0 {
		t.Fatalf("limits: %+v", rows)
	}
	s := screen(m)
	for _, want := range []string{"Org limits", "DailyApiRequests", "█", "░", "/ " + formatCount(rows[0].Max), ":limits"} {
		if !strings.Contains(s, want) {
			t.Errorf("the limits view lacks %q:\n%s", want, s)
		}
	}
	if bar := ansi.Strip(m.statusBar()); !strings.Contains(bar, fmt.Sprintf("API %d/%d", c.Limits().Used, c.Limits().Max)) {
		t.Errorf("status bar after the fetch: %q", bar)
	}
	// Not a tab: tab cycling and the header leave it out.
	press(m, "1")
	if got := ansi.Strip(m.header()); got != header || strings.Contains(got, "Limits") {
		t.Errorf("the header changed: %q, was %q", got, header)
	}
	for range 6 {
		press(m, "tab")
		if m.Focus() == views.LimitsPane {
			t.Fatal("tab cycled into the limits view")
		}
	}
}

// TestLimitsUnavailable: without a connection to an org, ':limits' says
// so instead of showing nothing.
func TestLimitsUnavailable(t *testing.T) {
	m, _ := newLoaded(t, 50, 120, 30, true)
	runLimits(m, m.runCommand("limits"))
	if s := screen(m); !strings.Contains(s, "could not fetch the limits: not available here") {
		t.Errorf("limits without an org:\n%s", s)
	}
	offline := func(context.Context) (map[string]sfdc.Limit, error) {
		return nil, &url.Error{Op: "Get", URL: "https://x/limits", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	}
	m.deps.Limits = offline
	runLimits(m, m.runCommand("limits"))
	if s := screen(m); !strings.Contains(s, "cannot be reached") || strings.Contains(s, "dial") {
		t.Errorf("limits offline:\n%s", s)
	}
}

// runLimits is run, feeding the limits fetch's result back too.
func runLimits(m *Model, cmd tea.Cmd) { runFeeding[limitsLoadedMsg](m, cmd) }

// TestPromptEnterRunsTheCompletion: enter on a prefix runs the command it
// completes to; an alias still runs its own command.
func TestPromptEnterRunsTheCompletion(t *testing.T) {
	m, _ := newLoaded(t, 100, 100, 30, true)
	press(m, ":")
	press(m, "p")
	press(m, "i")
	run(m, press(m, "enter"))
	if m.Focus() != views.PipelinePane {
		t.Fatalf(":pi<enter> → focus %v", m.Focus())
	}
	press(m, ":")
	press(m, "a")
	run(m, press(m, "enter"))
	if m.Focus() != views.AccountsPane {
		t.Fatalf(":a<enter> (an alias) → focus %v", m.Focus())
	}
}
