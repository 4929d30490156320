package ui

import (
	"fmt"
	"image/color"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/ui/theme"
)

var (
	darkBackground  = tea.BackgroundColorMsg{Color: color.Black}
	lightBackground = tea.BackgroundColorMsg{Color: color.White}
)

func typeCommand(m *Model, cmd string) {
	run(m, press(m, ":"))
	for _, r := range cmd {
		run(m, press(m, string(r)))
	}
	run(m, press(m, "enter"))
}

func TestThemeModes(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	dark := func() bool { return m.ctx.Styles.IsDark }

	// Auto (the default) follows the terminal.
	m.Update(lightBackground)
	if dark() {
		t.Fatal("auto: a light terminal kept the dark palette")
	}
	m.Update(darkBackground)
	if !dark() {
		t.Fatal("auto: a dark terminal kept the light palette")
	}

	// :theme light stays light whatever the terminal reports.
	typeCommand(m, "theme light")
	if dark() {
		t.Fatal(":theme light kept the dark palette")
	}
	m.Update(darkBackground)
	if dark() {
		t.Fatal("a terminal's answer overrode :theme light")
	}

	// :theme auto asks the terminal again and follows it.
	run(m, press(m, ":"))
	for _, r := range "theme auto" {
		run(m, press(m, string(r)))
	}
	_, cmd := m.Update(keyPress("enter"))
	if !asksBackground(cmd) {
		t.Fatal(":theme auto did not ask the terminal for its background")
	}
	m.Update(darkBackground)
	if !dark() {
		t.Fatal(":theme auto did not follow the terminal")
	}

	// The config's mode, as the app sets it at start.
	m.SetThemeMode(theme.Light)
	m.Update(darkBackground)
	if dark() {
		t.Fatal(`config "theme": "light" overridden by the terminal`)
	}

	typeCommand(m, "theme purple")
	if dark() || m.flash.level != flashError {
		t.Fatalf(":theme purple: flash %+v", m.flash)
	}
}

// asksBackground reports whether cmd, run through its batches, asks the
// terminal for its background colour.
func asksBackground(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			if asksBackground(c) {
				return true
			}
		}
		return false
	}
	return fmt.Sprintf("%T", msg) == fmt.Sprintf("%T", tea.RequestBackgroundColor())
}
