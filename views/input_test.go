package views

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/views/keytest"
)

// settle runs cmd and what follows from it like drain, and counts the
// searches (fuzzy matches over the keys) that ran.
func settle(p Pane, cmd tea.Cmd) (searches int) {
	keytest.Run(cmd, func(msg tea.Msg) tea.Cmd {
		switch msg.(type) {
		case filterDoneMsg:
			searches++
		case filterTickMsg:
		default:
			return nil
		}
		_, next := p.Update(msg)
		return next
	})
	return searches
}

func filteringAccounts(t *testing.T) *Accounts {
	acc := openTestPane(NewAccounts(testContext(true)), 100, 12, func(acc *Accounts) { acc.SetData(NewAccountIndex(testAccounts())) })
	send(t, acc, "/")
	if !acc.Capturing() {
		t.Fatal("the filter did not open")
	}
	return acc
}

func TestPasteIntoTheFilterIsSanitizedAndSearchesOnce(t *testing.T) {
	acc := filteringAccounts(t)
	_, cmd := acc.Update(tea.PasteMsg{Content: "acme\nlogi\x1b[31mstics\u202e\u200b"})
	if n := settle(acc, cmd); n != 1 {
		t.Errorf("a paste ran %d searches, want 1", n)
	}
	if got := acc.filter.input.Value(); got != "acme logistics" {
		t.Errorf("filter input holds %q after the paste, want %q", got, "acme logistics")
	}
	if got := acc.Query(); got != "acme logistics" {
		t.Errorf("applied filter %q, want %q", got, "acme logistics")
	}
	out := acc.View()
	if !strings.Contains(out, "Acme Logistics") || strings.Contains(out, "Blue Harbor") {
		t.Errorf("the pasted filter did not narrow the list:\n%s", out)
	}
	assertSafe(t, out)
}

func TestHugePasteIsCappedAndSettlesAtOnce(t *testing.T) {
	acc := filteringAccounts(t)
	_, cmd := acc.Update(tea.PasteMsg{Content: strings.Repeat("acme ", 2000)}) // 10,000 characters
	if n := settle(acc, cmd); n != 1 {
		t.Errorf("a 10k paste ran %d searches, want 1", n)
	}
	if got := len([]rune(acc.filter.input.Value())); got == 0 || got > InputLimit {
		t.Errorf("filter input holds %d characters after a 10k paste, want 1..%d", got, InputLimit)
	}
	// Typing on at the limit changes nothing, so nothing is searched.
	_, cmd = acc.Update(keyPress("x"))
	if n := settle(acc, cmd); n != 0 {
		t.Errorf("a key past the limit ran %d searches", n)
	}
	for i, l := range strings.Split(acc.View(), "\n") {
		if w := ansi.StringWidth(l); w != 100 {
			t.Errorf("line %d is %d cells wide, want 100", i, w)
		}
	}
}

func TestInvisibleKeysAreNotTypedIntoTheFilter(t *testing.T) {
	acc := filteringAccounts(t)
	send(t, acc, "\u202e", "a", "\u200b", "\u2066", "c", "\ufeff")
	if got := acc.filter.input.Value(); got != "ac" {
		t.Errorf("filter input holds %q, want %q", got, "ac")
	}
	if out := acc.View(); strings.ContainsAny(out, "\u202e\u200b\u2066\ufeff") {
		t.Errorf("the filter line echoes an invisible character: %q", out)
	}
}

func TestPasteIsIgnoredWhenNoInputIsOpen(t *testing.T) {
	acc := NewAccounts(testContext(true))
	acc.SetSize(100, 12)
	acc.SetData(NewAccountIndex(testAccounts()))
	acc.Focus()
	_, cmd := acc.Update(tea.PasteMsg{Content: "/acme"})
	if n := settle(acc, cmd); n != 0 || acc.Capturing() || acc.Query() != "" {
		t.Errorf("a paste outside the filter acted: %d searches, capturing %v, query %q", n, acc.Capturing(), acc.Query())
	}
}
