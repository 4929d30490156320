package ask

import (
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

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

// TestKeyContactsCell checks the key contacts cell of organise's tables:
// "Name (Role)" per contact role, bold when primary, joined by ", ", with
// the characters a cell cannot hold replaced as cellText replaces them.
func TestKeyContactsCell(t *testing.T) {
	role := func(name any, r any, primary bool) *soql.Row {
		contact := &soql.Row{Keys: []string{"attributes", "Name"}, Values: []any{nil, name}}
		return &soql.Row{Keys: []string{"attributes", "Contact", "Role", "IsPrimary"}, Values: []any{nil, contact, r, primary}}
	}
	tests := []struct {
		roles []*soql.Row
		want  string
	}{
		{nil, "no contact roles"},
		{[]*soql.Row{role(nil, nil, false)}, "no contact roles"},
		{[]*soql.Row{role("Ann Lee", "Economic Buyer", true), role("Bo Chen", nil, false)}, "**Ann Lee (Economic Buyer)**, Bo Chen"},
		{[]*soql.Row{role(nil, nil, false), role(nil, nil, false)}, ", "},
		{[]*soql.Row{role(nil, nil, true)}, "****"},
		{[]*soql.Row{role("A|B", "x\ty", false), role("bad \xff", "ok", true)}, "A\\|B (x y), **bad \uFFFD (ok)**"},
	}
	for _, tt := range tests {
		var cs *soql.ChildSet
		if tt.roles != nil {
			cs = &soql.ChildSet{TotalSize: len(tt.roles), Done: true, Records: tt.roles}
		}
		var b strings.Builder
		writeKeyContacts(&b, cs)
		if b.String() != tt.want {
			t.Errorf("key contacts %v: %q, want %q", tt.roles, b.String(), tt.want)
		}
	}
}
