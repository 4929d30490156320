package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/views"
)

// chromeLines is the height of the header, help line and status bar.
const chromeLines = 3

// bodySize returns the size the panes get.
func (m *Model) bodySize() (int, int) {
	return max(0, m.width), max(0, m.height-chromeLines)
}

// resize hands every pane its size.
func (m *Model) resize() {
	w, h := m.bodySize()
	for _, t := range m.tabs {
		t.pane.SetSize(w, h)
		if t.detail != nil {
			t.detail.SetSize(w, h)
		}
	}
	m.resizeWrites(w, h)
	if m.edit.form != nil {
		m.edit.form.SetSize(w, h)
	}
	m.find.view.SetSize(w, h)
	m.help.SetWidth(w)
	if m.palette != nil {
		m.palette.SetSize(m.paletteSize())
	}
	// An input without a width shows one cell of its placeholder.
	m.prompt.SetWidth(max(1, w-2-lipgloss.Width(m.prompt.Prompt)))
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "lazyforce"
	if m.status.OrgName != "" {
		v.WindowTitle = "lazyforce — " + views.Sanitize(m.status.OrgName)
	}
	return v
}

// render draws the whole screen.
func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return "lazyforce: starting…"
	}
	if m.quitting {
		return ""
	}
	w, h := m.bodySize()
	var body string
	switch {
	case m.showHelp:
		body = m.helpOverlay(w, h)
	case m.blocked != nil:
		body = m.errorBox(m.focused().shown().View(), w, h)
	case m.edit.form != nil:
		body = m.editOver(w)
	case m.overlay() != nil:
		body = m.overlayOver(w)
	case m.prompting:
		body = m.promptMenu(m.focused().shown().View(), w, h)
	case m.palette != nil:
		body = m.paletteOverlay(w, h)
	case m.find.open:
		body = m.find.view.View()
	default:
		body = m.focused().shown().View()
	}
	parts := []string{m.header()}
	if h > 0 {
		parts = append(parts, body)
	}
	parts = append(parts, m.helpLine(), m.footer())
	out := strings.Join(parts, "\n")
	// A terminal shorter than the chrome shows what fits.
	if lines := strings.Split(out, "\n"); len(lines) > m.height {
		out = strings.Join(lines[:m.height], "\n")
	}
	return out
}

// header draws the tabs and the org name.
func (m *Model) header() string {
	st := m.ctx.Styles
	var tabs []string
	for i, t := range m.tabs {
		label := fmt.Sprintf("%s %s", t.jump.Help().Key, t.id) // the key that focuses it
		if t.hidden {
			if i != m.focus {
				continue
			}
			label = ":" + t.commands[0] // how it was opened
		}
		if i == m.focus {
			tabs = append(tabs, st.TabActive.Render(label))
		} else {
			tabs = append(tabs, st.Tab.Render(label))
		}
	}
	left := strings.Join(tabs, "")
	right := st.Muted.Render("lazyforce")
	if m.status.OrgName != "" {
		right = st.Title.Render(views.Sanitize(m.status.OrgName)) + st.Muted.Render(" · lazyforce")
	}
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		// The org's name is in the status bar too: keep the tabs whole.
		right = st.Muted.Render("lazyforce")
		gap = m.width - lipgloss.Width(left) - lipgloss.Width(right)
	}
	if gap < 1 {
		left = ansi.Truncate(left, m.width, "")
		return left + strings.Repeat(" ", max(0, m.width-lipgloss.Width(left)))
	}
	return left + strings.Repeat(" ", gap) + right
}

// helpLine is the focused pane's short help, or the prompt's.
func (m *Model) helpLine() string {
	var bindings []key.Binding
	g := &m.keys.Global
	switch {
	case m.blocked != nil:
		bindings = []key.Binding{m.dismissKey(), g.Quit}
	case m.prompting:
		bindings = m.promptHelp()
	case m.palette != nil:
		bindings = m.paletteHelp()
	case m.find.open:
		bindings = m.find.view.ShortHelp()
	case m.showHelp:
		cancel := m.keys.Prompt.Cancel
		closeHelp := key.NewBinding(key.WithKeys(cancel.Keys()...), key.WithHelp(cancel.Help().Key, "close"))
		bindings = []key.Binding{g.Help, closeHelp}
	case m.edit.form != nil:
		bindings = m.edit.form.ShortHelp()
	case m.overlay() != nil:
		bindings = m.overlay().ShortHelp()
	case m.focused().shown().Capturing():
		// A text input takes every key but ctrl+c: '?' and 'q' type
		// into it, so the line offers only what works there.
		bindings = append(m.focused().shown().ShortHelp(), g.ForceQuit)
	default:
		bindings = append(m.focused().shown().ShortHelp(), g.Help, g.Quit)
	}
	return fitLine(m.help.ShortHelpView(bindings), m.width)
}

// fitLine cuts or pads s to exactly w cells (none when w <= 0). A cut
// that falls inside a wide character leaves a cell free, which is padded
// too.
func fitLine(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(0, w-sw))
}

// footer is the ':' prompt or the status bar.
func (m *Model) footer() string {
	if m.prompting {
		// The input pads to its width without counting the completion
		// it shows: cut the padding, not the text, with no "…".
		return fitLine(ansi.Truncate(m.prompt.View(), m.width, ""), m.width)
	}
	return m.statusBar()
}

// age says how long ago t was, for people: "just now", "3 min ago".
func age(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return views.Ago(now.Sub(t))
}

// offlineText says what the app shows when the org cannot be reached:
// "offline — showing the cache from 3 h ago".
func (m *Model) offlineText() string {
	if m.status.LastSync.IsZero() {
		return "offline — nothing cached yet: r tries again"
	}
	return "offline — showing the cache from " + age(m.deps.Now(), m.status.LastSync)
}

// statusBar draws: connection, org and user, cache age, API usage, pending
// writes, and the transient message on the right.
func (m *Model) statusBar() string {
	st := m.ctx.Styles
	bar := st.StatusBar
	var conn string
	switch m.sync {
	case syncOnline:
		conn = st.Success.Inherit(bar).Render("● online")
	case syncOffline:
		conn = st.Warn.Inherit(bar).Render("○ offline")
	case syncRunning:
		conn = st.StatusKey.Render(m.spin.View() + " " + m.progressText())
	default:
		conn = bar.Render("◍ cached")
	}
	parts := []string{conn}
	if m.deps.Redact.On() {
		parts = append(parts, st.Warn.Inherit(bar).Render("◼ redacted"))
	}
	if m.status.OrgName != "" {
		org := views.Sanitize(m.status.OrgName)
		if m.status.Username != "" {
			org += " (" + views.Sanitize(m.status.Username) + ")"
		}
		if len(m.deps.Orgs) > 0 && m.deps.Org != "" {
			// Several orgs to switch between (':org'): say which one this is.
			org = views.Sanitize(m.deps.Org) + ": " + org
		}
		parts = append(parts, bar.Render(org))
	}
	parts = append(parts, bar.Render("synced "+age(m.deps.Now(), m.status.LastSync)))
	if m.status.APILimit > 0 {
		parts = append(parts, bar.Render(fmt.Sprintf("API %d/%d", m.status.APIUsed, m.status.APILimit)))
	}
	switch {
	case m.deps.Writer != nil:
		if c := m.writeCounts(); c != "" {
			parts = append(parts, bar.Render(c))
		}
	case m.status.HasOutbox:
		parts = append(parts, bar.Render(fmt.Sprintf("%d pending", m.status.PendingWrites)))
	}
	left := strings.Join(parts, bar.Render(" · "))
	var right string
	if m.flash.text != "" {
		style := bar
		switch m.flash.level {
		case flashWarn:
			style = st.Warn.Inherit(bar)
		case flashError:
			style = st.Error.Inherit(bar)
		}
		right = style.Render(views.Sanitize(m.flash.text))
	}
	lw, rw := lipgloss.Width(left), lipgloss.Width(right)
	switch {
	case lw+1+rw <= m.width:
		return left + bar.Render(strings.Repeat(" ", m.width-lw-rw)) + right
	case rw > 0:
		// The message matters more than the details.
		return bar.Render(fitLine(ansi.Strip(right), m.width))
	default:
		return ansi.Truncate(left, m.width, "…")
	}
}

// helpTitle names what the help's first block is about: the focused
// pane, or the record page open on it.
func (m *Model) helpTitle() string {
	if d := m.focused().detail; d != nil {
		return recordPage(d)
	}
	return m.Focus().String()
}

// helpOverlay draws the full help: the focused pane's keys and the global
// ones, generated from the key map so it never lies.
func (m *Model) helpOverlay(w, h int) string {
	st := m.ctx.Styles
	g := &m.keys.Global
	global := [][]key.Binding{
		m.jumpKeys(),
		{g.NextPane, g.PrevPane, g.Prompt, g.Palette},
		{g.Sync, g.Help, g.Quit, g.ForceQuit},
	}
	innerW := max(1, w-st.Overlay.GetHorizontalFrameSize())
	hm := m.help
	hm.ShowAll = true
	// blocks renders groups side by side when they fit, else two by two,
	// so that narrow terminals lose nothing.
	blocks := func(groups [][]key.Binding) string {
		hm.SetWidth(0)
		if all := hm.FullHelpView(groups); lipgloss.Width(all) <= innerW {
			return all
		}
		hm.SetWidth(innerW)
		var parts []string
		for i := 0; i < len(groups); i += 2 {
			parts = append(parts, hm.FullHelpView(groups[i:min(i+2, len(groups))]))
		}
		return strings.Join(parts, "\n")
	}
	content := st.Title.Render("Keys · " + m.helpTitle())
	groups := m.focused().shown().FullHelp()
	if wh := m.writeHelp(); len(wh) > 0 {
		groups = append(groups, wh)
	}
	if eh := m.editHelp(); len(eh) > 0 {
		groups = append(groups, eh)
	}
	if len(groups) > 0 {
		content += "\n" + blocks(groups)
	}
	content += "\n\n" + st.Title.Render("Everywhere") + "\n" + blocks(global) +
		"\n\n" + st.Muted.Render("esc or ? closes · keys can be rebound in keys.json")
	box := st.Overlay.MaxWidth(w).Render(content)
	placed := lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
	// A terminal too short for the whole help loses the bottom, not the
	// layout.
	if lines := strings.Split(placed, "\n"); len(lines) > h {
		placed = strings.Join(lines[:h], "\n")
	}
	return placed
}
