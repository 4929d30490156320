// Package keytest is test support for the panes and the root model: it
// turns the names of keys, as tests write them, into key presses, and runs
// the commands that follow from a message.
package keytest

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Press returns the press of key k: a named key ("enter", "esc", "tab",
// "shift+tab", "backspace", the arrows "up", "down", "left", "right",
// "ctrl+c", "ctrl+s"), else the typing of k (its first rune is the key).
func Press(k string) tea.KeyPressMsg {
	if kp, ok := namedKeys[k]; ok {
		return kp
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// namedKeys are the presses of the keys Press knows by name.
var namedKeys = map[string]tea.KeyPressMsg{
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEscape},
	"backspace": {Code: tea.KeyBackspace},
	"left":      {Code: tea.KeyLeft},
	"right":     {Code: tea.KeyRight},
	"up":        {Code: tea.KeyUp},
	"down":      {Code: tea.KeyDown},
	"tab":       {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+s":    {Code: 's', Mod: tea.ModCtrl},
}

// Run runs cmd and every command that follows from it: the commands of a
// batch, and the command handle returns for each other message (nil for
// none), in the order the messages come.
func Run(cmd tea.Cmd, handle func(tea.Msg) tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			queue = append(queue, handle(msg))
		}
	}
}

// AssertBlock checks that out fills exactly w×h cells: h lines, each w
// cells wide.
func AssertBlock(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

// EachTheme runs test as the subtests name/dark and name/light, with the
// dark theme or the light one: a golden is rendered in both.
func EachTheme(t *testing.T, name string, test func(t *testing.T, dark bool)) {
	t.Helper()
	for _, dark := range []bool{true, false} {
		theme := "light"
		if dark {
			theme = "dark"
		}
		t.Run(name+"/"+theme, func(t *testing.T) { test(t, dark) })
	}
}
