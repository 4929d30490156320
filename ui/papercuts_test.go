package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// ctrl sends ctrl+r and returns the command.
func ctrl(m *Model, r rune) tea.Cmd {
	_, cmd := m.Update(tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl})
	return cmd
}

// TestHelpSaysHalfPage: ctrl+d moves half a page, and the help says so.
func TestHelpSaysHalfPage(t *testing.T) {
	m, _ := newLoaded(t, 300, 140, 40, true)
	press(m, "2")
	_, h := m.bodySize()
	before := m.opps.Cursor()
	run(m, ctrl(m, 'd'))
	moved := m.opps.Cursor() - before
	if moved <= 1 || moved >= h-2 {
		t.Fatalf("ctrl+d moved %d rows in a body of %d lines, want about half", moved, h)
	}
	press(m, "?")
	s := screen(m)
	if !strings.Contains(s, "½ page down") {
		t.Errorf("help does not call ctrl+d half a page:\n%s", s)
	}
}

// TestRecordPageHelpTitle: the help over a record page is titled with the
// record page, not the pane under it.
func TestRecordPageHelpTitle(t *testing.T) {
	m, _ := newLoaded(t, 300, 140, 40, true)
	press(m, "2")
	run(m, press(m, "enter"))
	press(m, "?")
	s := screen(m)
	if !strings.Contains(s, "Keys · opportunity page") || strings.Contains(s, "Keys · Opportunities") {
		t.Errorf("record page help is not titled with the record page:\n%s", s)
	}
	press(m, "esc")         // closes the help
	run(m, press(m, "esc")) // closes the record page
	press(m, "?")
	if s := screen(m); !strings.Contains(s, "Keys · Opportunities") {
		t.Errorf("pane help is not titled with the pane:\n%s", s)
	}
}
