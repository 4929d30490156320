package views

import (
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
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
		{"left-to-right mark", "a\u200eb", "ab"},
		{"right-to-left mark", "a\u200fb", "ab"},
		{"Arabic letter mark", "a\u061cb", "ab"},
		{"bidi isolates", "a\u2066b\u2067c\u2068d\u2069e", "abcde"},
		{"bidi embedding", "a\u202ab\u202bc\u202cd", "abcd"},
		{"zero-width space", "a\u200bb", "ab"},
		{"zero-width non-joiner", "a\u200cb", "ab"},
		{"byte order mark", "\ufeffabc", "abc"},
		{"word joiner", "a\u2060b", "ab"},
		{"soft hyphen", "Wort\u00adtrennung", "Worttrennung"},
		{"Mongolian vowel separator", "a\u180eb", "ab"},
		{"tag characters", "a\U000E0041\U000E007Fb", "ab"},
		{"line separator", "line1\u2028line2", "line1 line2"},
		{"paragraph separator", "para1\u2029para2", "para1 para2"},
		{"CJK", "東京 한국어 ｶﾅ", "東京 한국어 ｶﾅ"},
		{"combining accent", "e\u0301t\u00e9", "e\u0301t\u00e9"},
		{"flag", "\U0001F1EB\U0001F1F7", "\U0001F1EB\U0001F1F7"},
		{"plain emoji", "\U0001F600 ok", "\U0001F600 ok"},
		{"ZWJ family", "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466", "\U0001F468\U0001F469\U0001F467\U0001F466"},
		{"skin tone", "\U0001F44D\U0001F3FD!", "\U0001F44D!"},
		{"emoji presentation selector", "\u2764\ufe0f", "\u2764"},
		{"lone regional indicator", "a\U0001F1EBb", "ab"},
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
				if unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp) {
					t.Errorf("Sanitize(%q) kept invisible %U", tt.in, r)
				}
			}
			assertEvenWidth(t, got)
			if again := Sanitize(got); again != got {
				t.Errorf("Sanitize is not idempotent on %q: %q then %q", tt.in, got, again)
			}
		})
	}
}

// assertEvenWidth fails when s is measured differently by the grapheme
// rule of the layout and the per-code-point wcwidth rule Bubble Tea's
// renderer uses on terminals without grapheme support (tmux).
func assertEvenWidth(t *testing.T, s string) {
	t.Helper()
	if g, wc := ansi.StringWidth(s), ansi.StringWidthWc(s); g != wc {
		t.Errorf("%q is %d cells by grapheme clusters but %d by wcwidth", s, g, wc)
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
	d.SetAccount(book.AccountDetail{Account: testAccounts()[4], Contacts: []book.Contact{{Name: evilName, Title: evilName}},
		Activities: []book.Activity{{Subject: evilName, When: day(-1), WhoName: evilName}}})
	out := d.View()
	assertSafe(t, out)
	if !strings.Contains(out, "Evil Red Title") {
		t.Errorf("the evil name's printable text is missing from the detail:\n%s", out)
	}
}

// wideNames mixes CJK, emoji, ZWJ sequences, skin tones, flags and
// invisible characters, each wider or narrower than its rune count.
var wideNames = []string{
	"東京海上 株式会社 データ分析部",
	"Famille \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 Dupont",
	"\U0001F44D\U0001F3FD Thumbs \U0001F1EB\U0001F1F7 & \u2764\ufe0f love",
	"한국어 \U0001F3F3\ufe0f\u200d\U0001F308 rainbow",
	"Zero\u200bWidth\ufeff Bidi\u202eevil\u202c",
}

func TestWideTextKeepsEveryLineAtThePaneWidth(t *testing.T) {
	ctx := testContext(true)
	accs := testAccounts()
	opps := testOpps()
	for i, name := range wideNames {
		accs[i%len(accs)].Name = name
		accs[i%len(accs)].BillingCity = name
		opps[i%len(opps)].Name = name
		opps[i%len(opps)].AccountName = name
		opps[i%len(opps)].OwnerName = name
	}
	const w, h = 97, 20
	acc := NewAccounts(ctx)
	acc.SetSize(w, h)
	acc.SetData(NewAccountIndex(accs))
	acc.Focus()
	op := NewOpportunities(ctx)
	op.SetSize(w, h)
	op.SetData(NewOpportunityIndex(opps))
	pipe := NewPipeline(ctx)
	pipe.SetSize(w, h)
	pipe.SetData(NewOpportunityIndex(opps), testRecordTypes())
	d := NewDetail(ctx, AccountsPane, AccountRecord, accs[1].ID)
	d.SetSize(w, h)
	d.SetAccount(book.AccountDetail{Account: accs[1], Contacts: []book.Contact{{Name: wideNames[1], Title: wideNames[0]}},
		Opportunities: opps[:3], Activities: []book.Activity{{Subject: wideNames[2], When: day(-1), WhoName: wideNames[3]}}})
	for name, p := range map[string]Pane{"accounts": acc, "opportunities": op, "pipeline": pipe, "detail": d} {
		lines := strings.Split(p.View(), "\n")
		if len(lines) != h {
			t.Errorf("%s: %d lines, want %d", name, len(lines), h)
		}
		for i, l := range lines {
			if g, wc := ansi.StringWidth(l), ansi.StringWidthWc(l); g != w || wc != w {
				t.Errorf("%s line %d is %d cells by grapheme clusters and %d by wcwidth, want %d:\n%s", name, i, g, wc, w, l)
			}
			if strings.ContainsAny(l, "\u200b\u200d\ufeff\u202e\u202c") {
				t.Errorf("%s line %d draws an invisible character: %q", name, i, l)
			}
		}
	}
}

// TestSanitizeLeavesSimpleTextAlone checks the shortcut Sanitize takes for
// common text against the full treatment, for each character the shortcut
// admits, alone and next to others.
func TestSanitizeLeavesSimpleTextAlone(t *testing.T) {
	var simple []rune
	for r := rune(0); r < 0x10000; r++ {
		if simpleRune(r) {
			simple = append(simple, r)
		}
	}
	neighbours := []rune{'a', ' ', 0xe9, 0x2014, 0x3042, 0x30ab, 0x6771, 0xac00, 0xff21, 0x309b, 0x20ac}
	for _, r := range simple {
		for _, s := range []string{string(r), string(r) + string(r)} {
			if got := evenWidths(stripControls(s)); got != s {
				t.Fatalf("%q (%U) is taken as simple, but the full treatment gives %q", s, r, got)
			}
			assertEvenWidth(t, s)
		}
		for _, n := range neighbours {
			s := string(n) + string(r) + string(n)
			if got := evenWidths(stripControls(s)); got != s {
				t.Fatalf("%q is taken as simple, but the full treatment gives %q", s, got)
			}
			if c, _ := ansi.FirstGraphemeCluster(s[len(string(n)):], ansi.GraphemeWidth); c != string(r) {
				t.Fatalf("%U joins its neighbour into the cluster %q", r, c)
			}
		}
	}
}
