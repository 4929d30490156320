package ui

import (
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/views"
)

// tasksPane stands for a pane added later (tasks, find, outbox).
type tasksPane struct {
	focused bool
	w, h    int
}

var _ views.Pane = (*tasksPane)(nil)

const tasksID views.PaneID = "Tasks"

func (p *tasksPane) Update(tea.Msg) (views.Pane, tea.Cmd) { return p, nil }
func (p *tasksPane) View() string                         { return "my tasks" }
func (p *tasksPane) SetSize(w, h int)                     { p.w, p.h = w, h }
func (p *tasksPane) Focus()                               { p.focused = true }
func (p *tasksPane) Blur()                                { p.focused = false }
func (p *tasksPane) Capturing() bool                      { return false }
func (p *tasksPane) ShortHelp() []key.Binding             { return nil }
func (p *tasksPane) FullHelp() [][]key.Binding            { return nil }

// withTasks returns a loaded model with a fifth pane registered the way
// registerPanes registers the others.
func withTasks(t *testing.T) (*Model, *tasksPane) {
	t.Helper()
	m, _ := newLoaded(t, 40, 120, 30, true)
	// The stand-in replaces the real tasks pane (views.Tasks): what is
	// tested is how any fifth pane is registered.
	m.tabs = slices.DeleteFunc(m.tabs, func(t *tab) bool { return t.id == views.TasksPane })
	tasks := &tasksPane{}
	m.register(tasksID, tasks, nil, "tasks", "t")
	m.commands = m.newCommands()
	m.prompt = m.newPrompt(true)
	m.resize()
	return m, tasks
}

func TestARegisteredPaneGetsTabKeyCommandAndHelp(t *testing.T) {
	m, tasks := withTasks(t)
	if tasks.w != 120 || tasks.h == 0 {
		t.Fatalf("the new pane was not sized: %d×%d", tasks.w, tasks.h)
	}
	if !strings.Contains(screen(m), "5 Tasks") {
		t.Fatalf("no tab for the new pane:\n%s", screen(m))
	}
	press(m, "5")
	if m.Focus() != tasksID || !tasks.focused || !strings.Contains(screen(m), "my tasks") {
		t.Fatalf("5 → focus %v, focused %v", m.Focus(), tasks.focused)
	}
	press(m, "tab")
	if m.Focus() != views.AccountsPane || tasks.focused {
		t.Fatalf("tab from the last pane → %v", m.Focus())
	}
	press(m, "shift+tab")
	if m.Focus() != tasksID {
		t.Fatalf("shift+tab from the first pane → %v", m.Focus())
	}
	press(m, "1")
	// ':' runs and completes its command, and lists it.
	press(m, ":")
	press(m, "t")
	press(m, "a")
	press(m, "tab")
	press(m, "enter")
	if m.Focus() != tasksID {
		t.Fatalf(":ta<tab> → focus %v", m.Focus())
	}
	typeLine(m, "nope")
	run(m, press(m, "enter"))
	if !strings.Contains(m.flash.text, "leads, tasks, sync") {
		t.Fatalf("the command list lacks the new pane: %q", m.flash.text)
	}
	press(m, "?")
	if !strings.Contains(screen(m), "tasks") {
		t.Fatalf("the help lacks the new pane's key:\n%s", screen(m))
	}
}

func TestDetailIsClosedOnThePaneThatOpenedIt(t *testing.T) {
	m, _ := newLoaded(t, 40, 100, 30, true)
	run(m, press(m, "enter"))
	press(m, "3")
	run(m, press(m, "enter"))
	if m.Detail(views.AccountsPane) == nil || m.Detail(views.PipelinePane) == nil {
		t.Fatal("two detail views should be open")
	}
	// The accounts' detail asks to close while the pipeline is focused.
	m.Update(views.CloseDetailMsg{Pane: views.AccountsPane})
	if m.Detail(views.AccountsPane) != nil {
		t.Fatal("the accounts' detail view stayed open")
	}
	if m.Detail(views.PipelinePane) == nil {
		t.Fatal("the focused pipeline's detail view was closed instead")
	}
}
