package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

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
	run         func(m *Model, args []string) tea.Cmd
}

// newCommands returns the ':' commands: one per registered pane, which
// focuses it, then the app's own.
func (m *Model) newCommands() []command {
	var cmds []command
	for i, t := range m.tabs {
		cmds = append(cmds, command{names: t.commands, run: func(m *Model, _ []string) tea.Cmd {
			m.setFocus(i)
			return nil
		}})
	}
	if len(m.deps.Orgs) > 0 {
		org := command{names: []string{"org"}, usage: "org ALIAS", run: (*Model).orgCommand}
		for _, a := range m.deps.Orgs {
			org.completions = append(org.completions, "org "+a)
		}
		cmds = append(cmds, org)
	}
	return append(cmds,
		command{names: []string{"sync", "r"}, run: (*Model).syncCommand},
		command{names: []string{"help", "h", "?"}, run: (*Model).helpCommand},
		command{names: []string{"theme"}, usage: "theme dark|light", completions: []string{"theme dark", "theme light"}, run: (*Model).themeCommand},
		command{names: []string{"find", "f"}, run: func(m *Model, _ []string) tea.Cmd { return m.openFind() }},
		command{names: []string{"redact"}, usage: "redact [on|off]", completions: []string{"redact on", "redact off"}, run: (*Model).redactCommand},
		command{names: []string{"quit", "q", "q!", "wq"}, run: func(m *Model, _ []string) tea.Cmd { return m.quit() }},
	)
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

func (m *Model) themeCommand(args []string) tea.Cmd {
	if len(args) != 1 || (args[0] != "dark" && args[0] != "light") {
		return m.setFlash(flashMsg{level: flashError, text: "usage: theme dark|light"})
	}
	m.applyTheme(args[0] == "dark")
	return nil
}

// commandList lists the ':' commands for ":help" and errors: "accounts,
// opportunities, …, theme dark|light, quit".
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
	in := views.NewInput(":", "command (tab completes; help lists them)", dark)
	in.ShowSuggestions = true
	var suggestions []string
	for _, c := range m.commands {
		if len(c.completions) > 0 {
			suggestions = append(suggestions, c.completions...)
		} else {
			suggestions = append(suggestions, c.names[0])
		}
	}
	in.SetSuggestions(suggestions)
	return in
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

// runCommand executes one ':' command line.
func (m *Model) runCommand(line string) tea.Cmd {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil
	}
	name := strings.ToLower(fields[0])
	for _, c := range m.commands {
		for _, n := range c.names {
			if n == name {
				return c.run(m, fields[1:])
			}
		}
	}
	return m.setFlash(flashMsg{level: flashError, text: fmt.Sprintf("unknown command %q (commands: %s)", views.Sanitize(fields[0]), m.commandList())})
}
