package views

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/views/keytest"
)

func paletteItems() []PaletteItem {
	return []PaletteItem{
		{Title: "Go to Accounts", Key: "1"},
		{Title: "Go to Pipeline", Key: "3"},
		{Title: "Sync now", Key: "r"},
		{Title: "Pipeline: next record type", Key: "T"},
		{Title: "Opportunities: stale (30 days)", Key: "z"},
		{Title: evilName, Key: "x\x1b[2J"},
	}
}

func typeInto(p *Palette, s string) {
	for _, r := range s {
		p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// TestPaletteRanksAndRuns: the query ranks the items fuzzily, best first;
// the arrows move; enter asks to run the selected item, esc to close.
func TestPaletteRanksAndRuns(t *testing.T) {
	p := NewPalette(testContext(true), paletteItems())
	p.SetSize(60, 12)
	if got := len(p.Matches()); got != len(paletteItems()) {
		t.Fatalf("an empty query offers %d items, want all %d", got, len(paletteItems()))
	}
	typeInto(p, "pipe")
	got := p.Matches()
	if len(got) < 2 || got[0].Title != "Go to Pipeline" && got[0].Title != "Pipeline: next record type" {
		t.Fatalf("\"pipe\" matches %+v", got)
	}
	for _, it := range got {
		if it.Title == "Sync now" {
			t.Errorf("\"pipe\" matches %q", it.Title)
		}
	}
	first := p.Selected()
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if p.Selected() == first {
		t.Error("down did not move the selection")
	}
	msg := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})()
	if run, ok := msg.(PaletteRunMsg); !ok || run.Index != p.Selected() {
		t.Errorf("enter sent %#v, want PaletteRunMsg{%d}", msg, p.Selected())
	}
	typeInto(p, "zzzz")
	if p.Selected() != -1 || p.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) != nil {
		t.Error("with nothing matching, enter still runs something")
	}
	if msg := p.Update(tea.KeyPressMsg{Code: tea.KeyEscape})(); msg != (PaletteCloseMsg{}) {
		t.Errorf("esc sent %#v", msg)
	}
}

// TestGoldenPalette renders the palette at two sizes in both themes; the
// box stays within its size and shows no raw control characters.
func TestGoldenPalette(t *testing.T) {
	for _, size := range [][2]int{{40, 8}, {100, 20}} {
		keytest.EachTheme(t, fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T, dark bool) {
			p := NewPalette(testContext(dark), paletteItems())
			p.SetSize(size[0], size[1])
			out := p.View()
			lines := strings.Split(out, "\n")
			if len(lines) > size[1] {
				t.Errorf("%d lines, want at most %d", len(lines), size[1])
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("line %d is %d cells, more than %d", i, w, size[0])
				}
			}
			if strings.ContainsAny(ansi.Strip(out), "\x1b\x07\u009b") {
				t.Errorf("raw control characters: %q", ansi.Strip(out))
			}
			golden.RequireEqual(t, fixedProfile(t, out))
		})
	}
}
