package views

import (
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// InputLimit caps what a one-line input (a filter, the ':' prompt) holds, in
// characters: no filter or command needs more, and a huge paste must not
// cost a search or a render per character.
const InputLimit = 256

// Sanitize makes text safe to print and to measure. Escape sequences (CSI,
// OSC, DCS, …) are removed whole; other C0 and C1 control characters, DEL,
// invalid UTF-8 and every invisible format character (Unicode category Cf:
// bidi controls and isolates, zero-width spaces and joiners, the byte order
// mark, soft hyphens, tags) are dropped; tabs and line or paragraph breaks
// become spaces, so one field stays on one line. Last, every character is
// given a width the terminal agrees on (see evenWidths).
func Sanitize(s string) string {
	if plain(s) {
		return s
	}
	return evenWidths(stripControls(s))
}

// plain reports text that Sanitize leaves as it is without looking closer:
// every character is printable and a grapheme cluster of its own, of one
// width by every rule (see simpleRune).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return plainRunes(s[i:])
		}
	}
	return true
}

func plainRunes(s string) bool {
	for _, r := range s {
		if !simpleRune(r) {
			return false
		}
	}
	return true
}

// simpleRune reports a character common in record text that is printable,
// visible, never joins its neighbours into a grapheme cluster, and has one
// width by every rule: Latin (below the combining marks at U+0300, soft
// hyphen excepted), general punctuation such as dashes and quotes, currency
// signs, kana, CJK ideographs, Hangul syllables and full-width forms.
func simpleRune(r rune) bool {
	switch {
	case r >= 0x20 && r < 0x7f, r >= 0xa0 && r < 0x300 && r != 0xad:
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e, r >= 0x20a0 && r <= 0x20c0:
		return true
	case r >= 0x3041 && r <= 0x3096, r >= 0x30a1 && r <= 0x30fa:
		return true
	case r >= 0x4e00 && r <= 0x9fff, r >= 0xac00 && r <= 0xd7a3, r >= 0xff01 && r <= 0xff60:
		return true
	}
	return false
}

// stripControls removes escape sequences, control and format characters.
func stripControls(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i = skipEscape(rs, i)
		case r == 0x9b: // C1 CSI
			i = skipCSI(rs, i+1)
		case r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f || r == 0x98: // C1 OSC, DCS, PM, APC, SOS
			i = skipString(rs, i+1)
		case r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == utf8.RuneError:
			// other control characters and invalid bytes are dropped
		case unicode.Is(unicode.Cf, r):
			// invisible: bidi controls could reorder what the terminal
			// shows, the others hide text or change its width
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// evenWidths keeps only characters whose width the terminal and lazyforce
// agree on. Bubble Tea's renderer counts a grapheme cluster's cells by
// wcwidth (each code point) unless the terminal declares grapheme support
// (mode 2027, which tmux lacks), while the layout measures clusters whole;
// the two disagree on emoji sequences: an emoji with a skin tone or a
// presentation selector (and the ZWJ sequences stripControls breaks into
// their emoji). Such a cluster is reduced to its first character, which
// both count alike (a lone regional indicator, that neither shows well, is
// dropped), so a row measures the same under both rules.
func evenWidths(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for s != "" {
		cluster, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		s = s[len(cluster):]
		if len(cluster) == 1 || w == ansi.StringWidthWc(cluster) {
			b.WriteString(cluster)
			continue
		}
		first, _ := utf8.DecodeRuneInString(cluster)
		if f := string(first); ansi.StringWidth(f) == ansi.StringWidthWc(f) {
			b.WriteString(f)
		}
	}
	return b.String()
}

// skipEscape returns the index of the last rune of the escape sequence that
// starts with ESC at rs[i].
func skipEscape(rs []rune, i int) int {
	if i+1 >= len(rs) {
		return i
	}
	switch rs[i+1] {
	case '[':
		return skipCSI(rs, i+2)
	case ']', 'P', '^', '_', 'X':
		return skipString(rs, i+2)
	default:
		// two-character sequence such as ESC c or ESC 7, or ESC ( B
		if rs[i+1] >= 0x20 && rs[i+1] <= 0x2f && i+2 < len(rs) {
			return i + 2
		}
		return i + 1
	}
}

// skipCSI skips parameter and intermediate bytes up to the final byte.
func skipCSI(rs []rune, i int) int {
	for ; i < len(rs); i++ {
		if rs[i] >= 0x40 && rs[i] <= 0x7e {
			return i
		}
		if rs[i] < 0x20 || rs[i] > 0x3f && rs[i] < 0x40 {
			return i
		}
	}
	return len(rs) - 1
}

// skipString skips a control string up to its terminator: BEL, ST (ESC \)
// or C1 ST.
func skipString(rs []rune, i int) int {
	for ; i < len(rs); i++ {
		switch rs[i] {
		case 0x07, 0x9c:
			return i
		case 0x1b:
			if i+1 < len(rs) && rs[i+1] == '\\' {
				return i + 1
			}
			return i
		}
	}
	return len(rs) - 1
}

// CleanInput makes what msg would type into a text input safe: a key's text
// or a paste goes through Sanitize (line breaks become spaces, control and
// format characters go). ok is false when a key or paste had text and none
// is left, so the input should not see it. Other messages pass unchanged.
func CleanInput(msg tea.Msg) (clean tea.Msg, ok bool) {
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		if m.Text == "" {
			return m, true
		}
		m.Text = Sanitize(m.Text)
		return m, m.Text != ""
	case tea.PasteMsg:
		m.Content = Sanitize(m.Content)
		return m, m.Content != ""
	}
	return msg, true
}

// fit sanitizes s and pads or truncates it to exactly w cells.
func fit(s string, w int) string {
	return fitStyled(Sanitize(s), w)
}

// fitStyled pads or truncates s, already styled and made of sanitized
// text, to exactly w cells. Unlike fit it keeps the styles: Sanitize would
// strip them as escape sequences.
func fitStyled(s string, w int) string {
	s, pad := truncate(s, w)
	return s + pad
}

// fitRight is fit aligned to the right.
func fitRight(s string, w int) string {
	s, pad := truncate(Sanitize(s), w)
	return pad + s
}

// truncate cuts s, made of sanitized text, to at most w cells; pad is the
// spaces that fill it to exactly w. Both are empty when w <= 0. Widths are
// the terminal's: grapheme clusters, wide East Asian characters and emoji
// count two cells (ansi.StringWidth), whatever their runes or bytes.
func truncate(s string, w int) (cut, pad string) {
	if w <= 0 {
		return "", ""
	}
	if printableASCII(s) {
		// one byte, one cell: the common case, measured without
		// segmenting grapheme clusters (a table cell per column per row
		// per frame)
		if len(s) > w {
			return s[:w-1] + "…", ""
		}
		return s, strings.Repeat(" ", w-len(s))
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s, strings.Repeat(" ", max(0, w-sw))
}

// printableASCII reports whether s is only printable ASCII characters.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
