package views

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Acme Corp", "Acme Corp"},
		{"unicode", "Société Générale — 東京", "Société Générale — 東京"},
		{"SGR colour", "Evil\x1b[31mRed\x1b[0m", "EvilRed"},
		{"OSC title with BEL", "a\x1b]0;pwned\x07b", "ab"},
		{"OSC hyperlink with ST", "a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"},
		{"OSC 52 clipboard", "x\x1b]52;c;aGVsbG8=\x07y", "xy"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"carriage return and backspace", "good\rbad\bX", "good badX"},
		{"newline and tab", "line1\nline2\tend", "line1 line2 end"},
		{"C1 CSI", "a\u009b2Jb", "ab"},
		{"C1 OSC with C1 ST", "a\u009d0;t\u009cb", "ab"},
		{"other C1", "a\u0085b\u008dc", "abc"},
		{"DEL and NUL", "a\x7fb\x00c", "abc"},
		{"bidi override", "abc\u202edcba", "abcdcba"},
		{"unterminated CSI", "abc\x1b[31", "abc"},
		{"lone ESC", "abc\x1b", "abc"},
		{"charset designation", "a\x1b(Bb", "ab"},
		{"invalid UTF-8", "a\xffb", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for _, r := range got {
				if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
					t.Errorf("Sanitize(%q) kept control %U", tt.in, r)
				}
			}
		})
	}
}

func TestSanitizeEvilRecordNeverReachesTheScreen(t *testing.T) {
	ctx := testContext(true)
	acc := NewAccounts(ctx)
	acc.SetSize(100, 12)
	acc.SetData(NewAccountIndex(testAccounts()))
	acc.Focus()
	send(t, acc, "j", "j", "j") // the evil account sorts fourth by name and is selected
	assertSafe(t, acc.View())

	opps := NewOpportunities(ctx)
	opps.SetSize(120, 12)
	opps.SetData(NewOpportunityIndex(testOpps()))
	assertSafe(t, opps.View())

	pipe := NewPipeline(ctx)
	pipe.SetSize(120, 30)
	pipe.SetData(NewOpportunityIndex(testOpps()), testRecordTypes())
	assertSafe(t, pipe.View())

	d := NewDetail(ctx, AccountsPane, AccountRecord, "001000000000005AAA")
	d.SetSize(100, 30)
	d.SetAccount(AccountDetail{Account: testAccounts()[4], Contacts: []Contact{{Name: evilName, Title: evilName}},
		Activities: []Activity{{Subject: evilName, When: day(-1), WhoName: evilName}}})
	out := d.View()
	assertSafe(t, out)
	if !strings.Contains(out, "Evil Red Title") {
		t.Errorf("the evil name's printable text is missing from the detail:\n%s", out)
	}
}
