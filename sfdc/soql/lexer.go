package soql

import (
	"strings"
	"unicode/utf8"
)

// tokKind classifies a lexical token.
type tokKind int

const (
	tokEOF      tokKind = iota
	tokIdent            // identifiers and keywords (keywords are matched case-insensitively)
	tokString           // 'quoted' string; text holds the unescaped value
	tokNumber           // 123, 1.5
	tokDate             // 2024-01-31
	tokDateTime         // 2024-01-31T10:00:00Z, 2024-01-31T10:00:00.000+02:00
	tokPunct            // ( ) , . : = != <> < <= > >= - +
	tokIllegal          // a character or construct the lexer cannot read
)

// token is one lexical token with its 1-based position in the statement.
type token struct {
	kind tokKind
	text string // raw text, or the unescaped value for strings
	row  int
	col  int
	off  int // byte offset in the statement
}

// is reports whether t is the keyword or punctuation kw (case-insensitive).
func (t token) is(kw string) bool {
	if t.kind != tokIdent && t.kind != tokPunct {
		return false
	}
	return strings.EqualFold(t.text, kw)
}

// lex splits s into tokens. It never fails: unreadable input becomes a
// tokIllegal token that the parser reports as unexpected.
func lex(s string) []token {
	var toks []token
	row := 1
	// Columns count characters, not bytes; colOff/col advance incrementally.
	colOff, col := 0, 1
	column := func(off int) int {
		col += utf8.RuneCountInString(s[colOff:off])
		colOff = off
		return col
	}
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '\n' {
			row++
			i++
			colOff, col = i, 1
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' {
			i++
			continue
		}
		start := i
		tok := token{row: row, col: column(start), off: start}
		switch {
		case isIdentStart(c):
			for i < len(s) && isIdentPart(s[i]) {
				i++
			}
			tok.kind, tok.text = tokIdent, s[start:i]
		case isDigit(c):
			n := scanDateTime(s[i:])
			if n > 0 {
				tok.kind = tokDate
				if n > 10 {
					tok.kind = tokDateTime
				}
				i += n
			} else {
				tok.kind = tokNumber
				for i < len(s) && isDigit(s[i]) {
					i++
				}
				if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
					i++
					for i < len(s) && isDigit(s[i]) {
						i++
					}
				}
			}
			tok.text = s[start:i]
		case c == '.' && i+1 < len(s) && isDigit(s[i+1]):
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			tok.kind, tok.text = tokNumber, s[start:i]
		case c == '\'':
			val, n, ok := scanString(s[i:])
			i += n
			if ok {
				tok.kind, tok.text = tokString, val
			} else {
				tok.kind, tok.text = tokIllegal, s[start:i]
			}
		case c == '!' || c == '<' || c == '>':
			i++
			if i < len(s) && (s[i] == '=' || (c == '<' && s[i] == '>')) {
				i++
			}
			tok.kind, tok.text = tokPunct, s[start:i]
			if tok.text == "!" {
				tok.kind = tokIllegal
			}
		case strings.IndexByte("(),.:=-+", c) >= 0:
			i++
			tok.kind, tok.text = tokPunct, s[start:i]
		default:
			// Consume one whole UTF-8 sequence so positions stay sane.
			i++
			for i < len(s) && s[i]&0xC0 == 0x80 {
				i++
			}
			tok.kind, tok.text = tokIllegal, s[start:i]
		}
		toks = append(toks, tok)
	}
	toks = append(toks, token{kind: tokEOF, text: "<EOF>", row: row, col: column(len(s)), off: len(s)})
	return toks
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }

// scanDateTime returns the length of a date (YYYY-MM-DD) or datetime
// (YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm|±hhmm)) literal at the start of s, or 0.
func scanDateTime(s string) int {
	if !matchDigits(s, "dddd-dd-dd") {
		return 0
	}
	if len(s) > 10 && isIdentPart(s[10]) && s[10] != 'T' && s[10] != 't' {
		return 0
	}
	if len(s) < 19 || (s[10] != 'T' && s[10] != 't') || !matchDigits(s[11:], "dd:dd:dd") {
		return 10
	}
	n := 19
	if n < len(s) && s[n] == '.' {
		n++
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	}
	if n < len(s) && (s[n] == 'Z' || s[n] == 'z') {
		return n + 1
	}
	if n < len(s) && (s[n] == '+' || s[n] == '-') {
		rest := s[n+1:]
		switch {
		case matchDigits(rest, "dd:dd"):
			return n + 6
		case matchDigits(rest, "dddd"):
			return n + 5
		}
	}
	// A datetime needs a zone; without one the token is malformed. Return
	// just the date so the parser reports the 'T…' part as unexpected.
	return 10
}

// matchDigits reports whether s starts with pattern, where 'd' is any digit
// and other bytes match themselves.
func matchDigits(s, pattern string) bool {
	if len(s) < len(pattern) {
		return false
	}
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == 'd' {
			if !isDigit(s[i]) {
				return false
			}
		} else if s[i] != pattern[i] {
			return false
		}
	}
	return true
}

// scanString reads a single-quoted SOQL string at the start of s (s[0] is
// the quote). It returns the unescaped value, the number of bytes consumed,
// and whether the string was well formed. LIKE escapes \_ and \% are kept
// as backslash sequences so the LIKE matcher can tell them from wildcards.
func scanString(s string) (string, int, bool) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		switch c {
		case '\'':
			return b.String(), i + 1, true
		case '\\':
			if i+1 >= len(s) {
				return "", len(s), false
			}
			e := s[i+1]
			switch e {
			case '\'', '"', '\\':
				if e == '\\' {
					// Keep "\\" recognisable for LIKE: a literal backslash
					// is stored as "\\\\" inside the value marker below.
					b.WriteString(`\\`)
				} else {
					b.WriteByte(e)
				}
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '_', '%':
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				return "", i + 2, false
			}
			i += 2
		case '\n':
			return "", i, false
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", len(s), false
}

// plainString turns a scanned string value (which keeps \\, \_ and \% as
// escape pairs for LIKE) into its literal text for non-LIKE comparisons.
func plainString(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
