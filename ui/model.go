package ui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/ui/theme"
	"github.com/lazyforce/lazyforce/views"
)

// syncState is what the status bar says about the connection.
type syncState int

const (
	syncUnknown syncState = iota // showing the cache, no sync yet
	syncRunning
	syncOnline
	syncOffline
)

// String returns the state's label.
func (s syncState) String() string {
	return [...]string{"cached", "syncing…", "online", "offline"}[s]
}

// Model is the root Bubble Tea model, the only tea.Model of the app.
type Model struct {
	deps Deps
	ctx  *views.Context
	keys *keymap.KeyMap

	// life is cancelled when the app quits: every command's IO runs
	// under it, so a running sync stops.
	life context.Context
	stop context.CancelFunc

	edit edits // the record form

	askWarm askWarmState // the Ask pane's warm-up (ask.go)

	accounts *views.Accounts
	opps     *views.Opportunities
	pipeline *views.Pipeline
	ask      *views.Ask
	limits   *views.Limits
	tabs     []*tab    // the registered panes, in tab order (registerPanes)
	commands []command // the ':' commands (newCommands)
	focus    int       // index of the focused tab

	width, height int
	// themeMode picks the palette: Auto follows the terminal's
	// background (starting from Deps.Dark); Dark and Light are the
	// config's or ':theme's and ignore it.
	themeMode theme.Mode

	find findState // the find view (ctrl+f, ':find'), see find.go

	spin      spinner.Model // ticks only while a sync runs
	help      help.Model
	showHelp  bool
	prompt    textinput.Model
	prompting bool
	// palette is the open command palette (ctrl+k), or nil; paletteActs
	// are what its items do.
	palette     *views.Palette
	paletteActs []paletteAction

	status                     Status
	loadedAccounts, loadedOpps bool // the first read of each half has arrived
	loadSeq                    int
	sync                       syncState
	blocked                    *blockingError         // shown over the panes until dismissed
	progressCh                 <-chan syncer.Progress // the running sync's progress stream
	progress                   syncer.Progress        // its latest report
	flash                      flashMsg
	flashSeq                   int
	quitting                   bool
	switchOrg                  string // the org ':org' asked for; the app then quits
	w                          writes // the stage picker, task form and outbox (writes.go)
	rebuilding                 bool   // the running sync is a rebuild of the damaged cache

	// The cache's generation before the last read of it (genKnown: that
	// read has reported it): a poll that finds another one reads again,
	// so that what another process wrote shows without a restart.
	gen        uint64
	genKnown   bool
	pollSeq    int  // tags the one chain of polls
	pollFailed bool // the last poll failed (logged once)

	// Timers, shortened by tests.
	flashTTL   time.Duration
	ageRefresh time.Duration
	pollEvery  time.Duration
}

var _ tea.Model = (*Model)(nil)

// ErrNoData is returned by New when deps.Data is nil.
var ErrNoData = errors.New("ui: Deps.Data is required")

// New returns the root model. It does no IO: the cache is read by the
// commands Init returns.
func New(deps Deps) (*Model, error) {
	if deps.Data == nil {
		return nil, ErrNoData
	}
	if deps.Keys == nil {
		deps.Keys = keymap.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	rawData := deps.Data
	deps.Data, deps.Redact = redactData(deps.Data, deps.Redact)
	ctx := &views.Context{Styles: theme.New(deps.Dark), Keys: deps.Keys, Now: deps.Now}
	life, stop := context.WithCancel(context.Background())
	m := &Model{
		deps:     deps,
		ctx:      ctx,
		keys:     deps.Keys,
		life:     life,
		stop:     stop,
		accounts: views.NewAccounts(ctx),
		opps:     views.NewOpportunities(ctx),
		pipeline: views.NewPipeline(ctx),
		ask:      views.NewAsk(ctx),
		limits:   views.NewLimits(ctx),
		help:     help.New(),
		spin:     spinner.New(spinner.WithSpinner(spinner.MiniDot)),

		flashTTL:   defaultFlashTTL,
		ageRefresh: defaultAgeRefresh,
		pollEvery:  defaultPollEvery,
	}
	m.find = newFindState(ctx, rawData)
	m.ask.SetAvailable(deps.Ask != nil)
	m.registerPanes()
	m.find.view.SetMask(m.findMask())
	m.commands = append(m.newCommands(), writeCommand())
	m.w.outbox = views.NewOutbox(ctx)
	m.prompt = m.newPrompt(deps.Dark)
	m.applyTheme(deps.Dark)
	m.focused().pane.Focus()
	m.flash = flashMsg{level: flashInfo, text: "reading the cache…"}
	return m, nil
}

// Init implements tea.Model: ask the terminal for its background colour,
// read the cache, and start the background sync.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.loadData(), m.loadPeople(), m.loadStatus(), m.ageTick(), m.loadWrites(), m.pollCache()}
	if m.deps.SyncOnStart && m.deps.Sync != nil {
		m.sync = syncRunning
		cmds = append(cmds, m.runSync(), m.spin.Tick)
	}
	return tea.Batch(cmds...)
}

// applyTheme rebuilds the styles for a dark or light background.
func (m *Model) applyTheme(dark bool) {
	m.ctx.Styles = theme.New(dark)
	m.help.Styles = help.DefaultStyles(dark)
	val, focused := m.prompt.Value(), m.prompt.Focused()
	m.prompt = m.newPrompt(dark)
	m.prompt.SetValue(val)
	if focused {
		m.prompt.Focus() // a steady cursor: no command to run
	}
	// Detail views cache their rendered lines: re-render them.
	m.resize()
}

// SwitchOrg is the org alias ':org ALIAS' asked for when the app ended
// that way, else "".
func (m *Model) SwitchOrg() string { return m.switchOrg }

// SetThemeMode picks the palette (the config's "theme"): Dark or Light
// at once and for good, or Auto, which follows the terminal's background
// and, until the terminal reports it, keeps the current palette. It
// returns the command that asks the terminal, for Auto.
func (m *Model) SetThemeMode(mode theme.Mode) tea.Cmd {
	m.themeMode = mode
	if mode.FollowsTerminal() {
		return tea.RequestBackgroundColor
	}
	m.applyTheme(mode.IsDark())
	return m.askRerender()
}

// Focus returns the focused pane.
func (m *Model) Focus() views.PaneID { return m.focused().id }

// Detail returns the detail view open on pane id, or nil.
func (m *Model) Detail(id views.PaneID) *views.Detail {
	if t := m.tab(id); t != nil {
		return t.detail
	}
	return nil
}

// Accounts returns the accounts pane.
func (m *Model) Accounts() *views.Accounts { return m.accounts }

// Opportunities returns the opportunities pane.
func (m *Model) Opportunities() *views.Opportunities { return m.opps }

// Pipeline returns the pipeline pane.
func (m *Model) Pipeline() *views.Pipeline { return m.pipeline }

// setFocus moves the focus to the tab at index i.
func (m *Model) setFocus(i int) {
	m.focused().shown().Blur()
	m.focus = i
	m.focused().shown().Focus()
}

// quit ends the app: commands still running see their context cancelled.
func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.stop()
	return tea.Quit
}

// setFlash shows a transient message and schedules its removal. Warnings
// and errors are also logged.
func (m *Model) setFlash(f flashMsg) tea.Cmd {
	if f.level != flashInfo && m.deps.Log != nil {
		m.deps.Log.Printf("%s: %s", f.level, f.text)
	}
	m.flash = f
	m.flashSeq++
	seq := m.flashSeq
	return tea.Tick(m.flashTTL, func(time.Time) tea.Msg { return clearFlashMsg{seq: seq} })
}

// flashError shows err as a transient error (setFlash).
func (m *Model) flashError(err error) tea.Cmd {
	return m.setFlash(flashMsg{level: flashError, text: err.Error()})
}

// openOverlay readies an overlay for the body: sized to it and focused.
func (m *Model) openOverlay(p views.Pane) {
	p.SetSize(m.bodySize())
	p.Focus()
}

// Update implements tea.Model. The routing order follows STYLE.md §1.4:
// lifecycle, overlays, a capturing pane, global keys, the focused pane.
// The Ask pane is warmed up once it is shown (warmAsk).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	if warm := m.warmAsk(); warm != nil {
		cmd = tea.Batch(cmd, warm)
	}
	return next, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.findUpdate(msg); ok {
		return m, cmd
	}
	if cmd, ok := m.tasksUpdate(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, m.askRerender()
	case tea.BackgroundColorMsg:
		if m.themeMode.FollowsTerminal() {
			m.applyTheme(msg.IsDark())
		}
		return m, m.askRerender()
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		if m.edit.form != nil {
			_, cmd := m.edit.form.Update(msg)
			return m, cmd
		}
		if cmd, ok := m.overlayPaste(msg); ok {
			return m, cmd
		}
		return m, m.paste(msg)
	case dataLoadedMsg:
		return m, m.dataLoaded(msg)
	case statusLoadedMsg:
		if msg.err != nil {
			return m, m.block(cacheError(msg.err))
		}
		m.status = msg.status
		m.ctx.Me = msg.status.UserID
		if m.ctx.FiscalYearStartMonth != msg.status.FiscalYearStartMonth || m.ctx.Currency != msg.status.Currency {
			// "This quarter" and every amount depend on these.
			m.ctx.FiscalYearStartMonth, m.ctx.Currency = msg.status.FiscalYearStartMonth, msg.status.Currency
			m.opps.Refresh()
			m.pipeline.Refresh()
			m.resize() // detail views re-render their cached lines
		}
		return m, nil
	case syncDoneMsg:
		return m, m.syncDone(msg)
	case syncProgressMsg:
		return m, m.syncProgress(msg)
	case cacheGenMsg:
		return m, m.cacheGen(msg)
	case detailLoadedMsg:
		m.detailLoaded(msg)
		return m, nil
	case flashMsg:
		return m, m.setFlash(msg)
	case clearFlashMsg:
		if msg.seq == m.flashSeq {
			m.flash = flashMsg{}
		}
		return m, nil
	case ageTickMsg:
		return m, m.ageTick()
	case spinner.TickMsg:
		if m.sync != syncRunning {
			return m, nil // the sync ended: let the spinner stop
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case views.OpenRecordMsg:
		t := m.tab(msg.From)
		if t == nil {
			return m, nil
		}
		d := views.NewDetail(m.ctx, msg.From, msg.Kind, msg.ID)
		d.SetSize(m.bodySize())
		t.shown().Blur()
		t.back = m.stackDetail(t)
		t.detail = d
		if t == m.focused() {
			d.Focus()
		}
		return m, m.loadDetail(msg.From, msg.Kind, msg.ID)
	case views.CloseDetailMsg:
		t := m.tab(msg.Pane)
		if t == nil || t.detail == nil {
			return m, nil
		}
		if cmd, ok := m.popDetail(t); ok {
			return m, cmd
		}
		t.detail = nil
		if t == m.focused() {
			t.pane.Focus()
		}
		return m, nil
	case views.ShowContactsMsg:
		return m, m.showContacts(msg)
	case limitsLoadedMsg:
		return m, m.limitsLoaded(msg)
	case views.LimitsReloadMsg:
		return m, m.openLimits()
	case views.PaletteRunMsg:
		return m, m.paletteRun(msg.Index)
	case views.PaletteCloseMsg:
		m.closePalette()
		return m, nil
	case views.BrowseMsg:
		return m, m.browse(msg.ID)
	case views.CopyMsg:
		return m, tea.Batch(tea.SetClipboard(msg.ID), m.setFlash(flashMsg{text: "copied Id " + msg.ID}))
	}
	if cmd, ok := m.updateAsk(msg); ok {
		return m, cmd
	}
	if cmd, ok := m.updateEdits(msg); ok {
		return m, cmd
	}
	if cmd, ok := m.updateWrites(msg); ok {
		return m, cmd
	}
	// Anything else (debounce ticks, search results) goes to its addressee;
	// the panes ignore messages that are not theirs.
	var cmds []tea.Cmd
	for _, t := range m.tabs {
		_, cmd := t.pane.Update(msg)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// handleKey routes a key press.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	g := &m.keys.Global
	// ctrl+c quits whatever the key map says (a key contract; keymap.Rebind
	// keeps it bound, and a key map built by hand cannot lose it either).
	if key.Matches(msg, g.ForceQuit) || msg.String() == keymap.ForceQuitKey {
		return m.quit()
	}
	// Overlays first: a blocking error, the prompt, the help.
	if m.blocked != nil {
		return m.blockedKey(msg)
	}
	if m.prompting {
		return m.promptKey(msg)
	}
	if m.palette != nil {
		return m.palette.Update(msg)
	}
	if m.find.open {
		if cmd, ok := m.findTaskKey(msg); ok {
			return cmd
		}
		_, cmd := m.find.view.Update(msg)
		return cmd
	}
	if m.showHelp {
		switch {
		case key.Matches(msg, g.Help), key.Matches(msg, m.keys.Prompt.Cancel):
			m.showHelp = false
		case key.Matches(msg, g.Quit):
			return m.quit()
		}
		return nil
	}
	if m.edit.form != nil {
		_, cmd := m.edit.form.Update(msg)
		return cmd
	}
	if m.overlay() != nil {
		return m.overlayKey(msg)
	}
	focused := m.focused().shown()
	if focused.Capturing() {
		_, cmd := focused.Update(msg)
		return cmd
	}
	if cmd, ok := m.editKey(msg); ok {
		return cmd
	}
	if cmd, ok := m.writeKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, g.Quit):
		return m.quit()
	case key.Matches(msg, g.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, g.Prompt):
		return m.openPrompt()
	case key.Matches(msg, g.Palette):
		return m.openPalette()
	case key.Matches(msg, g.Sync):
		return m.startSync()
	case key.Matches(msg, g.Find):
		return m.openFind()
	case key.Matches(msg, g.NextPane):
		m.cycle(1)
		return nil
	case key.Matches(msg, g.PrevPane):
		m.cycle(-1)
		return nil
	}
	for i, t := range m.tabs {
		if key.Matches(msg, *t.jump) {
			m.setFocus(i)
			return nil
		}
	}
	_, cmd := focused.Update(msg)
	return cmd
}

// startSync starts a sync unless one is running.
func (m *Model) startSync() tea.Cmd {
	if m.deps.Sync == nil {
		return m.setFlash(flashMsg{level: flashWarn, text: "sync is not available: showing the cache"})
	}
	if m.sync == syncRunning {
		return m.setFlash(flashMsg{level: flashInfo, text: "a sync is already running"})
	}
	m.sync = syncRunning
	return tea.Batch(m.runSync(), m.spin.Tick)
}

// syncDone records a sync's outcome and re-reads the cache.
func (m *Model) syncDone(msg syncDoneMsg) tea.Cmd {
	m.progressCh, m.progress = nil, syncer.Progress{} // late reports are dropped
	m.rebuilding = false
	if msg.err != nil {
		m.sync = syncOffline
		if b, ok := blocking(msg.err); ok {
			return tea.Batch(m.loadStatus(), m.loadWrites(), m.block(b))
		}
		if sfdc.IsNetworkError(msg.err) {
			// Unreachable: say what the screen shows, not the dial error.
			if m.deps.Log != nil {
				m.deps.Log.Printf("offline: %v", msg.err)
			}
			return tea.Batch(m.loadStatus(), m.loadWrites(), m.setFlash(flashMsg{level: flashWarn, text: m.offlineText()}))
		}
		return tea.Batch(m.loadStatus(), m.loadWrites(), m.setFlash(flashMsg{level: flashWarn, text: msg.err.Error() + " — showing cached data"}))
	}
	m.sync = syncOnline
	note := msg.note
	if note == "" {
		note = "synced"
	}
	// Open detail views show the synced version of their record.
	return tea.Batch(m.reload(), m.setFlash(flashMsg{text: note}))
}

// dataLoaded hands a fresh snapshot to the panes.
func (m *Model) dataLoaded(msg dataLoadedMsg) tea.Cmd {
	if msg.seq != m.loadSeq {
		return nil // an older read finished after a newer one started
	}
	if msg.genOK && (!m.genKnown || msg.gen < m.gen) {
		// The earlier of the two halves' generations: a write between
		// them is read again at the next poll. A failed read counts too:
		// when another process repairs the cache, it is read again.
		m.gen, m.genKnown = msg.gen, true
	}
	if msg.err != nil {
		return m.block(cacheError(msg.err))
	}
	var cmds []tea.Cmd
	if msg.accounts != nil {
		m.loadedAccounts = true
		cmds = append(cmds, m.accounts.SetData(msg.accounts), msg.warmAccounts)
	}
	if msg.opps != nil {
		m.loadedOpps = true
		cmds = append(cmds, m.opps.SetData(msg.opps), msg.warmOpps)
		m.pipeline.SetData(msg.opps, msg.recordTypes)
	}
	if m.loadedAccounts && m.loadedOpps {
		if m.flash.text == "reading the cache…" {
			m.flash = flashMsg{}
		}
	}
	return tea.Batch(cmds...)
}

// detailLoaded fills the detail view that asked for the record, if it is
// still open on that record.
func (m *Model) detailLoaded(msg detailLoadedMsg) {
	t := m.tab(msg.pane)
	if t == nil {
		return
	}
	d := t.detail
	if d == nil || d.ID() != msg.id || d.Kind() != msg.kind {
		return
	}
	switch {
	case msg.err != nil:
		d.SetError(msg.err)
	case msg.kind == views.AccountRecord:
		d.SetAccount(msg.account)
	case msg.kind == views.ContactRecord:
		d.SetContact(msg.contact)
	case msg.kind == views.LeadRecord:
		d.SetLead(msg.lead)
	default:
		d.SetOpportunity(msg.opp)
	}
}

// browse opens the record's Lightning page in the browser.
func (m *Model) browse(id string) tea.Cmd {
	if m.deps.OpenURL == nil || m.status.InstanceURL == "" {
		return m.setFlash(flashMsg{level: flashWarn, text: "opening the browser is not available here; y copies the Id"})
	}
	return m.openURL(recordURL(m.status.InstanceURL, id))
}
