package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/lazyforce/lazyforce/ui/theme"
	"github.com/lazyforce/lazyforce/views"
)

// command is one ':' command.
type command struct {
	// names are what the user types; the first is listed and completed,
	// the others are aliases.
	names []string
	// usage is how ':help' and errors list it; names[0] when empty.
	usage string
	// completions are what tab completes to; names[0] when empty.
	completions []string
	// desc says what it does, in the list the prompt shows; one per
	// completion when there are several.
	desc []string
	// key is the key that does the same outside the prompt, or nil.
	key *key.Binding
	run func(m *Model, args []string) tea.Cmd
}

// promptItem is one line of the list the ':' prompt shows: what tab
// completes to, what it does and its key.
type promptItem struct {
	text, desc, key string
}

// promptItems lists every completion of the ':' commands, in order.
func (m *Model) promptItems() []promptItem {
	var items []promptItem
	for _, c := range m.commands {
		texts := c.completions
		if len(texts) == 0 {
			texts = c.names[:1]
		}
		k := ""
		if c.key != nil && c.key.Enabled() {
			k = c.key.Help().Key
		}
		for i, text := range texts {
			it := promptItem{text: text, key: k}
			if i < len(c.desc) {
				it.desc = c.desc[i]
			}
			items = append(items, it)
		}
	}
	return items
}

// newCommands returns the ':' commands: one per tab, which focuses it,
// then the app's own, then one per view that is not a tab.
func (m *Model) newCommands() []command {
	var tabs, others []command
	for i, t := range m.tabs {
		c := command{names: t.commands, desc: []string{"go to " + t.id.String()}, key: t.jump, run: func(m *Model, _ []string) tea.Cmd {
			m.setFocus(i)
			if t.open != nil {
				return t.open(m)
			}
			return nil
		}}
		if t.hidden {
			c.desc = []string{"show " + t.id.String()}
			others = append(others, c)
		} else {
			tabs = append(tabs, c)
		}
	}
	if len(m.deps.Orgs) > 0 {
		org := command{names: []string{"org"}, usage: "org ALIAS", run: (*Model).orgCommand}
		for _, a := range m.deps.Orgs {
			org.completions = append(org.completions, "org "+a)
			org.desc = append(org.desc, "show org "+a)
		}
		tabs = append(tabs, org)
	}
	g := &m.keys.Global
	cmds := append(tabs,
		command{names: []string{"sync", "r"}, desc: []string{"sync now"}, key: &g.Sync, run: (*Model).syncCommand},
		command{names: []string{"help", "h", "?"}, desc: []string{"show the keys"}, key: &g.Help, run: (*Model).helpCommand},
		command{names: []string{"theme"}, usage: "theme dark|light|auto", completions: []string{"theme dark", "theme light", "theme auto"}, desc: []string{"dark theme", "light theme", "follow the terminal"}, run: (*Model).themeCommand},
		command{names: []string{"find", "f"}, desc: []string{"find anyone: accounts, contacts, leads, opportunities"}, key: &g.Find, run: func(m *Model, _ []string) tea.Cmd { return m.openFind() }},
		command{names: []string{"redact"}, usage: "redact [on|off]", completions: []string{"redact on", "redact off"}, desc: []string{"mask personal data", "show personal data"}, run: (*Model).redactCommand},
		command{names: []string{"quit", "q", "q!", "wq"}, desc: []string{"quit lazyforce"}, key: &g.Quit, run: func(m *Model, _ []string) tea.Cmd { return m.quit() }},
	)
	return append(cmds, others...)
}

func (m *Model) syncCommand([]string) tea.Cmd { return m.startSync() }

// orgCommand asks for another configured org: the app ends with
// SwitchOrg set, and the caller reopens it on that org's cache.
func (m *Model) orgCommand(args []string) tea.Cmd {
	if len(args) != 1 {
		return m.setFlash(flashMsg{level: flashError, text: "usage: org ALIAS (orgs: " + strings.Join(m.deps.Orgs, ", ") + ")"})
	}
	alias := args[0]
	if alias == m.deps.Org {
		return m.setFlash(flashMsg{level: flashInfo, text: "already showing org " + views.Sanitize(alias)})
	}
	for _, a := range m.deps.Orgs {
		if a == alias {
			m.switchOrg = alias
			return m.quit()
		}
	}
	return m.setFlash(flashMsg{level: flashError, text: fmt.Sprintf("unknown org %q (orgs: %s)", views.Sanitize(alias), strings.Join(m.deps.Orgs, ", "))})
}

func (m *Model) helpCommand([]string) tea.Cmd {
	m.showHelp = true
	return nil
}

// themeCommand is ':theme dark|light|auto': dark and light stay until
// changed, whatever the terminal reports; auto asks the terminal again.
func (m *Model) themeCommand(args []string) tea.Cmd {
	mode, err := theme.ParseMode(strings.Join(args, " "))
	if len(args) != 1 || err != nil {
		return m.setFlash(flashMsg{level: flashError, text: "usage: theme dark|light|auto"})
	}
	return m.SetThemeMode(mode)
}

// commandList lists the ':' commands for ":help" and errors: "accounts,
// opportunities, …, theme dark|light|auto, quit".
func (m *Model) commandList() string {
	var names []string
	for _, c := range m.commands {
		if c.usage != "" {
			names = append(names, c.usage)
		} else {
			names = append(names, c.names[0])
		}
	}
	return strings.Join(names, ", ")
}

// newPrompt returns the ':' input, completing the commands with tab.
func (m *Model) newPrompt(dark bool) textinput.Model {
	in := views.NewInput(":", "type a command", dark)
	in.ShowSuggestions = true
	var suggestions []string
	for _, it := range m.promptItems() {
		suggestions = append(suggestions, it.text)
	}
	in.SetSuggestions(suggestions)
	in.SetWidth(max(1, m.width-2-lipgloss.Width(in.Prompt)))
	return in
}

// openPrompt opens the ':' prompt, empty, with the commands listed.
func (m *Model) openPrompt() tea.Cmd {
	m.prompting = true
	m.prompt.SetValue("")
	return m.prompt.Focus()
}

// promptMenu draws the commands what is typed can still become, over the
// bottom of body (w×h cells), just above the prompt: all of them while
// nothing is typed, the one tab completes to highlighted.
func (m *Model) promptMenu(body string, w, h int) string {
	st := m.ctx.Styles
	items := m.promptItems()
	selected := -1
	if typed := m.prompt.Value(); typed != "" {
		matched := map[string]bool{}
		for _, s := range m.prompt.MatchedSuggestions() {
			matched[s] = true
		}
		current := m.prompt.CurrentSuggestion()
		var kept []promptItem
		for _, it := range items {
			if matched[it.text] {
				if it.text == current {
					selected = len(kept)
				}
				kept = append(kept, it)
			}
		}
		items = kept
	}
	textW, descW := 0, 0
	for _, it := range items {
		textW = max(textW, lipgloss.Width(it.text))
		descW = max(descW, lipgloss.Width(it.desc))
	}
	var rows []string
	for i, it := range items {
		row := fmt.Sprintf("%-*s  %-*s  %s", textW, it.text, descW, it.desc, it.key)
		if i == selected {
			rows = append(rows, st.Selected.Render(row))
		} else {
			rows = append(rows, st.Muted.Render(row))
		}
	}
	if len(rows) == 0 {
		rows = []string{st.Muted.Render("no command starts with that: backspace, or esc")}
	}
	frame := st.Overlay.GetVerticalFrameSize()
	if n := h - frame; len(rows) > n {
		rows = rows[:max(0, n)]
	}
	if len(rows) == 0 {
		return body
	}
	box := strings.Split(st.Overlay.MaxWidth(w).Render(strings.Join(rows, "\n")), "\n")
	lines := strings.Split(body, "\n")
	for len(lines) < h {
		lines = append(lines, "")
	}
	at := len(lines) - len(box)
	for i, b := range box {
		if at+i >= 0 {
			lines[at+i] = fitLine(b, w)
		}
	}
	return strings.Join(lines, "\n")
}

// promptHelp is the help line under the open prompt.
func (m *Model) promptHelp() []key.Binding {
	km := m.prompt.KeyMap
	show := func(b key.Binding, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(strings.Join(b.Keys()[:1], ""), desc))
	}
	return []key.Binding{show(km.AcceptSuggestion, "complete"), show(km.NextSuggestion, "next"), m.keys.Prompt.Submit, m.keys.Prompt.Cancel}
}

// promptKey handles a key while the ':' prompt is open.
func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Prompt.Cancel):
		m.prompting = false
		m.prompt.Blur()
		return nil
	case key.Matches(msg, m.keys.Prompt.Submit):
		line := strings.TrimSpace(m.prompt.Value())
		// A prefix runs the command it completes to: ":lim" is ":limits".
		if s := m.prompt.CurrentSuggestion(); line != "" && !m.isCommand(line) && s != "" {
			line = s
		}
		m.prompting = false
		m.prompt.Blur()
		return m.runCommand(line)
	}
	return m.promptInput(msg)
}

// promptInput types a key or a paste into the ':' prompt, cleaned of
// control and invisible characters.
func (m *Model) promptInput(msg tea.Msg) tea.Cmd {
	msg, ok := views.CleanInput(msg)
	if !ok {
		return nil
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(msg)
	return cmd
}

// paste gives pasted text to the input that has the keys: the ':' prompt,
// else the focused pane while it captures keys (a filter); elsewhere a
// paste is dropped rather than run as keys.
func (m *Model) paste(msg tea.PasteMsg) tea.Cmd {
	switch {
	case m.prompting:
		return m.promptInput(msg)
	case m.showHelp:
		return nil
	}
	if p := m.focused().shown(); p.Capturing() {
		_, cmd := p.Update(msg)
		return cmd
	}
	return nil
}

// lookupCommand returns the command that line's first word names (a name
// or an alias), and line's words.
func (m *Model) lookupCommand(line string) (*command, []string) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil, nil
	}
	name := strings.ToLower(fields[0])
	for i := range m.commands {
		for _, n := range m.commands[i].names {
			if n == name {
				return &m.commands[i], fields
			}
		}
	}
	return nil, fields
}

// isCommand reports whether line starts with a command name or alias.
func (m *Model) isCommand(line string) bool {
	c, _ := m.lookupCommand(line)
	return c != nil
}

// runCommand executes one ':' command line.
func (m *Model) runCommand(line string) tea.Cmd {
	c, fields := m.lookupCommand(line)
	switch {
	case c != nil:
		return c.run(m, fields[1:])
	case len(fields) == 0:
		return nil
	}
	return m.setFlash(flashMsg{level: flashError, text: fmt.Sprintf("unknown command %q (commands: %s)", views.Sanitize(fields[0]), m.commandList())})
}
