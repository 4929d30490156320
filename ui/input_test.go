package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/views"
)

func TestPasteIntoThePrompt(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	press(m, ":")
	m.Update(tea.PasteMsg{Content: "pipe\u202eline\n"})
	if got := m.prompt.Value(); got != "pipeline " {
		t.Fatalf("prompt holds %q after the paste, want %q", got, "pipeline ")
	}
	run(m, press(m, "enter"))
	if m.Focus() != views.PipelinePane {
		t.Fatalf("pasted :pipeline → focus %v", m.Focus())
	}
}

func TestPromptDropsInvisibleKeysAndEchoesNoneOfThem(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	press(m, ":")
	for _, k := range []string{"x", "\u202e", "y", "\u200f", "\u2028"} {
		press(m, k)
	}
	if got := m.prompt.Value(); got != "xy " {
		t.Fatalf("prompt holds %q, want %q", got, "xy ")
	}
	if v := m.View().Content; strings.ContainsAny(v, "\u202e\u200f\u2028") {
		t.Fatal("the screen draws an invisible character from the prompt")
	}
}

func TestPasteIntoTheFilterThroughTheRoot(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	press(m, "/")
	run(m, run1(m, tea.PasteMsg{Content: strings.Repeat("zz", 5000)}))
	if got := len([]rune(m.Accounts().Query())); got == 0 || got > views.InputLimit {
		t.Fatalf("a 10k paste applied a %d-character filter, want 1..%d", got, views.InputLimit)
	}
	for i, l := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(l); w != 100 {
			t.Errorf("line %d is %d cells wide, want 100", i, w)
		}
	}
}

func TestPasteOutsideAnInputDoesNothing(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	focus := m.Focus()
	if isQuit(run1(m, tea.PasteMsg{Content: "q:quit\n"})) || m.prompting || m.Focus() != focus {
		t.Fatal("a paste outside an input was run as keys")
	}
}

// run1 sends msg and returns the command.
func run1(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}
