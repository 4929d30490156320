package ask

import "testing"

// TestClean checks what markdown text and table cells are left as they
// are: valid UTF-8 without control characters (C0 but a newline outside
// cells, DEL, C1) and, in cells, without '|'.
func TestClean(t *testing.T) {
	both := []string{"", "Acme Media - Renewal 2026", "Zoë Müller (Decision Maker)", "latin \u00a0 nbsp"}
	textOnly := []string{"a|b", "two\nlines"}
	neither := []string{"tab\there", "del\x7f", "c1 \u0085 next line", "c1 \u009f", "bad \xff byte", "cut \xc3", "\x00"}
	check := func(list []string, text, cell bool) {
		for _, s := range list {
			if got := clean(s, false); got != text {
				t.Errorf("clean(%q, false) = %v, want %v", s, got, text)
			}
			if got := clean(s, true); got != cell {
				t.Errorf("clean(%q, true) = %v, want %v", s, got, cell)
			}
		}
	}
	check(both, true, true)
	check(textOnly, true, false)
	check(neither, false, false)
}
