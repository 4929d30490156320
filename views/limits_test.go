package views

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/views/keytest"
)

func testLimits() []Limit {
	return []Limit{
		{Name: "DataStorageMB", Max: 5, Remaining: 1},
		{Name: "DailyBulkApiRequests", Max: 5000, Remaining: 5000},
		{Name: "DailyApiRequests", Max: 15000, Remaining: 13766},
		{Name: "HourlyODataCallout", Max: 10000, Remaining: 2400},
		{Name: "PermissionSets", Max: 0, Remaining: 0},
		{Name: evilName, Max: 10, Remaining: 9},
	}
}

// TestLimitsOrderAndScroll: the daily API requests come first, then the
// most used; the view scrolls within its height.
func TestLimitsOrderAndScroll(t *testing.T) {
	p := NewLimits(testContext(true))
	p.SetSize(80, 6) // three head lines, three rows
	p.SetLimits(testLimits(), testNow)
	var names []string
	for _, l := range p.Rows() {
		names = append(names, l.Name)
	}
	want := []string{"DailyApiRequests", "DataStorageMB", "HourlyODataCallout", evilName, "DailyBulkApiRequests", "PermissionSets"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("order %q, want %q", names, want)
	}
	for range 10 {
		p.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	if v := ansi.Strip(p.View()); !strings.Contains(v, "PermissionSets") || strings.Contains(v, "DailyApiRequests") {
		t.Errorf("scrolled to the bottom:\n%s", v)
	}
	if msg := func() tea.Msg { _, cmd := p.Update(tea.KeyPressMsg{Code: 'R', Text: "R"}); return cmd() }(); msg != (LimitsReloadMsg{}) {
		t.Errorf("R sent %#v", msg)
	}
	p.SetError(errors.New("boom"))
	if v := ansi.Strip(p.View()); !strings.Contains(v, "could not fetch the limits: boom") {
		t.Errorf("error:\n%s", v)
	}
}

// TestGoldenLimits renders the limits view at two widths in both themes.
func TestGoldenLimits(t *testing.T) {
	for _, size := range [][2]int{{60, 10}, {120, 12}} {
		keytest.EachTheme(t, fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T, dark bool) {
			p := NewLimits(testContext(dark))
			p.SetSize(size[0], size[1])
			p.SetLimits(testLimits(), testNow)
			out := p.View()
			assertBlock(t, out, size[0], size[1])
			if strings.ContainsAny(ansi.Strip(out), "\x1b\x07\u009b") {
				t.Errorf("raw control characters: %q", ansi.Strip(out))
			}
			golden.RequireEqual(t, fixedProfile(t, out))
		})
	}
}
