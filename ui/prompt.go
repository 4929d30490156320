package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/views"
)

// promptCommands lists the ':' commands for ":help" and errors.
const promptCommands = "accounts, opportunities, pipeline, ask, sync, help, theme dark|light, quit"

// promptSuggestions complete ':' commands with tab.
var promptSuggestions = []string{"accounts", "opportunities", "pipeline", "ask", "sync", "help", "theme dark", "theme light", "quit"}

// newPrompt returns the ':' input, completing commands with tab.
func newPrompt(dark bool) textinput.Model {
	in := views.NewInput(":", "command (tab completes; help lists them)", dark)
	in.ShowSuggestions = true
	in.SetSuggestions(slices.Clone(promptSuggestions))
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
	if p := m.pane(m.focus); p.Capturing() {
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
	switch strings.ToLower(fields[0]) {
	case "accounts", "account", "a":
		m.setFocus(views.AccountsPane)
	case "opportunities", "opportunity", "opps", "o":
		m.setFocus(views.OpportunitiesPane)
	case "pipeline", "p":
		m.setFocus(views.PipelinePane)
	case "ask":
		m.setFocus(views.AskPane)
	case "sync", "r":
		return m.startSync()
	case "help", "h", "?":
		m.showHelp = true
	case "theme":
		if len(fields) != 2 || (fields[1] != "dark" && fields[1] != "light") {
			return m.setFlash(flashMsg{level: flashError, text: "usage: theme dark|light"})
		}
		m.applyTheme(fields[1] == "dark")
	case "quit", "q", "q!", "wq":
		m.quitting = true
		return tea.Quit
	default:
		return m.setFlash(flashMsg{level: flashError, text: fmt.Sprintf("unknown command %q (commands: %s)", views.Sanitize(fields[0]), promptCommands)})
	}
	return nil
}
