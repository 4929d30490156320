package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/views"
)

// blockingError is an error the user must act on (STYLE.md §1.8): it
// says what happened and what to do, and stays over the panes, which keep
// showing the cached data, until esc dismisses it. Transient errors (the
// network, a record that cannot be read) are flashed instead.
type blockingError struct {
	what string // what happened, for people
	todo string // what to do about it
	err  error
	// repair: the cache is damaged, and the app can rebuild it (R) when
	// it has Deps.Rebuild.
	repair bool
}

// rebuildKey repairs a damaged cache from its blocking error. It is the
// error box's own key (nothing else is reachable while it shows), so it
// is not in the rebindable key map.
var rebuildKey = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rebuild the cache"))

// blocking returns the blocking error err is, if it is one: an expired
// session or a revoked login, or a cache that cannot be read.
func blocking(err error) (blockingError, bool) {
	switch {
	case sfdc.IsSessionExpired(err):
		return blockingError{
			what: "Your Salesforce session has expired, or the login was revoked.",
			todo: "Run 'lazyforce login' in another terminal, then press r to sync. The cached data stays available meanwhile.",
			err:  err,
		}, true
	case errors.Is(err, store.ErrCorrupt), errors.Is(err, store.ErrIncompatible):
		return blockingError{
			what:   "The cache file cannot be read.",
			todo:   "Quit and run 'lazyforce sync --full --rebuild' to rebuild it from Salesforce.",
			err:    err,
			repair: true,
		}, true
	case errors.Is(err, store.ErrLocked):
		return blockingError{
			what: "Another lazyforce is using the cache.",
			todo: "Quit the other lazyforce, then press r to sync.",
			err:  err,
		}, true
	}
	return blockingError{}, false
}

// cacheError is the blocking error for a failed read of the cache: any
// such failure leaves the app without data it needs.
func cacheError(err error) blockingError {
	if b, ok := blocking(err); ok {
		return b
	}
	return blockingError{
		what: "The cache could not be read.",
		todo: "Press r to sync again; if this persists, quit and run 'lazyforce sync --full --rebuild'.",
		err:  err,
	}
}

// block shows b until it is dismissed, and logs it.
func (m *Model) block(b blockingError) tea.Cmd {
	if m.deps.Log != nil {
		m.deps.Log.Printf("error: %v", b.err)
	}
	m.blocked = &b
	m.prompting, m.showHelp = false, false
	m.prompt.Blur()
	return nil
}

// Blocked returns the error shown until dismissed, or nil.
func (m *Model) Blocked() error {
	if m.blocked == nil {
		return nil
	}
	return m.blocked.err
}

// blockedKey handles a key while a blocking error is shown: esc dismisses
// it, the quit key quits, and nothing else reaches the panes.
func (m *Model) blockedKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Prompt.Cancel):
		m.blocked = nil
	case key.Matches(msg, m.keys.Global.Quit):
		return m.quit()
	case m.canRebuild() && key.Matches(msg, rebuildKey):
		return m.startRebuild()
	}
	return nil
}

// canRebuild reports that the blocking error is a damaged cache the app
// can rebuild itself.
func (m *Model) canRebuild() bool {
	return m.blocked != nil && m.blocked.repair && m.deps.Rebuild != nil
}

// startRebuild moves the damaged cache aside and syncs afresh, in a
// command, with its progress in the status bar; the cache is read again
// when it ends (syncDone). A running sync is left to end first: it would
// only fail on the damaged file.
func (m *Model) startRebuild() tea.Cmd {
	if m.sync == syncRunning {
		return m.setFlash(flashMsg{level: flashInfo, text: "a sync is running: press R again when it ends"})
	}
	m.blocked = nil
	m.flash = flashMsg{} // the status bar shows the rebuild's progress
	m.sync, m.rebuilding = syncRunning, true
	return tea.Batch(m.runRebuild(), m.spin.Tick)
}

// dismissKey is the key that dismisses a blocking error, as the help line
// shows it.
func (m *Model) dismissKey() key.Binding {
	cancel := m.keys.Prompt.Cancel
	return key.NewBinding(key.WithKeys(cancel.Keys()...), key.WithHelp(cancel.Help().Key, "dismiss"))
}

// errorBox draws the blocking error over the top of body, a pane's view
// of w×h cells, so that the cached data stays visible below it. The box
// wraps its text to the width.
func (m *Model) errorBox(body string, w, h int) string {
	st := m.ctx.Styles
	b := m.blocked
	todo := b.todo
	if m.canRebuild() {
		todo = "Press " + rebuildKey.Help().Key + " to move the damaged file aside and sync afresh from Salesforce (as 'lazyforce sync --full --rebuild' does); pending writes are carried over when they can be read."
	}
	content := strings.Join([]string{
		st.Error.Bold(true).Render(b.what),
		views.Sanitize(b.err.Error()),
		todo,
		st.Muted.Render(m.dismissKey().Help().Key + " dismisses; the cached data stays below"),
	}, "\n")
	box := strings.Split(st.Overlay.BorderForeground(st.Palette.Error).Width(w).Render(content), "\n")
	lines := strings.Split(body, "\n")
	n := min(len(box), h, len(lines))
	copy(lines, box[:n])
	return strings.Join(lines, "\n")
}
