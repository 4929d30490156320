package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// AskPane is the question pane.
const AskPane PaneID = "Ask"

// Ask is the question pane. Its engine (store/ask) is a separate piece of
// work; until it exists the pane says so plainly.
type Ask struct {
	ctx     *Context
	focused bool
	width   int
	height  int
}

var _ Pane = (*Ask)(nil)

// NewAsk returns the question pane.
func NewAsk(ctx *Context) *Ask { return &Ask{ctx: ctx} }

// SetSize implements Pane.
func (p *Ask) SetSize(w, h int) { p.width, p.height = w, h }

// Focus implements Pane.
func (p *Ask) Focus() { p.focused = true }

// Blur implements Pane.
func (p *Ask) Blur() { p.focused = false }

// Capturing implements Pane.
func (p *Ask) Capturing() bool { return false }

// Update implements Pane.
func (p *Ask) Update(tea.Msg) (Pane, tea.Cmd) { return p, nil }

// View implements Pane.
func (p *Ask) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.ctx.Styles
	lines := []string{
		st.Title.Render("Ask"),
		"",
		st.Warn.Render(fit("Asking questions is not available yet.", p.width)),
		"",
		st.Muted.Render(fit("The question engine (questions answered from the cache, such as", p.width)),
		st.Muted.Render(fit("\"my open opportunities closing this quarter\") is still being built.", p.width)),
		st.Muted.Render(fit("Meanwhile: lazyforce query \"SELECT …\" runs SOQL on the cache.", p.width)),
	}
	return padLines(strings.Join(lines, "\n"), p.width, p.height)
}

// ShortHelp implements help.KeyMap.
func (p *Ask) ShortHelp() []key.Binding { return nil }

// FullHelp implements help.KeyMap.
func (p *Ask) FullHelp() [][]key.Binding { return nil }
