package soql

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

// valueKind says how values of a field compare.
type valueKind int

const (
	kindString   valueKind = iota // text, picklist, email, ...: case-insensitive
	kindID                        // id and reference: 15/18-character aware
	kindNumber                    // currency, double, percent, int: float64
	kindBool                      // boolean
	kindDate                      // "2006-01-02"
	kindDateTime                  // "2006-01-02T15:04:05.000+0000", compared as instants
	kindMulti                     // multipicklist "a;b;c"
)

// kindOf maps a describe field type to its comparison kind.
func kindOf(t FieldType) valueKind {
	switch strings.ToLower(string(t)) {
	case "id", "reference":
		return kindID
	case "currency", "double", "percent", "int", "long", "integer":
		return kindNumber
	case "boolean":
		return kindBool
	case "date":
		return kindDate
	case "datetime":
		return kindDateTime
	case "multipicklist":
		return kindMulti
	}
	return kindString
}

// isNull reports whether v is SOQL null. Salesforce never stores empty
// text (it becomes null), so "" is treated as null too.
func isNull(v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && s == ""
}

// compareFold compares two strings case-insensitively without allocating.
// Like Salesforce for English locales, it orders by the upper-case form
// ("sorting ... uses the UTF-8 values of the uppercase character"), so
// "AB" sorts before "A_".
func compareFold(a, b string) int {
	for i, j := 0, 0; ; {
		if i >= len(a) || j >= len(b) {
			switch {
			case i >= len(a) && j >= len(b):
				return 0
			case i >= len(a):
				return -1
			default:
				return 1
			}
		}
		ca, cb := a[i], b[j]
		if ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			if 'a' <= ca && ca <= 'z' {
				ca -= 'a' - 'A'
			}
			if 'a' <= cb && cb <= 'z' {
				cb -= 'a' - 'A'
			}
			if ca != cb {
				if ca < cb {
					return -1
				}
				return 1
			}
			i++
			j++
			continue
		}
		ra, na := utf8.DecodeRuneInString(a[i:])
		rb, nb := utf8.DecodeRuneInString(b[j:])
		la, lb := unicode.ToUpper(ra), unicode.ToUpper(rb)
		if la != lb {
			if la < lb {
				return -1
			}
			return 1
		}
		i += na
		j += nb
	}
}

// idEqual compares Salesforce ids: 18-character ids case-insensitively, a
// 15-character id against an 18-character one by its case-sensitive prefix.
func idEqual(a, b string) bool {
	switch {
	case len(a) == len(b):
		if len(a) == 18 {
			return strings.EqualFold(a, b)
		}
		return a == b
	case len(a) == 15 && len(b) == 18:
		return b[:15] == a
	case len(a) == 18 && len(b) == 15:
		return a[:15] == b
	}
	return false
}

// idKey normalises an id for set membership: its case-sensitive
// 15-character form.
func idKey(s string) string {
	if len(s) == 18 {
		return s[:15]
	}
	return s
}

// toFloat returns v as float64 if it is numeric.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// normDateTime returns a datetime string in the canonical UTC stored form
// so it compares correctly as a string.
func normDateTime(s string) string {
	if isCanonicalDateTime(s) {
		return s
	}
	if t, ok := parseStoredDateTime(s); ok {
		return formatDateTime(t)
	}
	return s
}

// compareValues orders two non-null values of the given kind.
func compareValues(k valueKind, a, b any) int {
	if fa, ok := toFloat(a); ok {
		if fb, ok := toFloat(b); ok {
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	if ba, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			switch {
			case ba == bb:
				return 0
			case !ba:
				return -1
			}
			return 1
		}
	}
	sa, oka := a.(string)
	sb, okb := b.(string)
	if oka && okb {
		switch k {
		case kindID, kindDate:
			return strings.Compare(sa, sb)
		case kindDateTime:
			return strings.Compare(normDateTime(sa), normDateTime(sb))
		}
		return compareFold(sa, sb)
	}
	return typeRank(a) - typeRank(b)
}

func typeRank(v any) int {
	switch v.(type) {
	case bool:
		return 1
	case float64, int, int64, float32:
		return 2
	case string:
		return 3
	}
	return 4
}

// likeTok is one element of a compiled LIKE pattern.
type likeTok struct {
	any  bool // %: any run of characters
	one  bool // _: exactly one character
	char rune // a literal character, lower case
}

// compileLike compiles a LIKE pattern whose escapes (\_, \%, \\) are still
// in place.
func compileLike(p string) []likeTok {
	var toks []likeTok
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch {
		case r == '\\' && i < len(p):
			e, m := utf8.DecodeRuneInString(p[i:])
			i += m
			toks = append(toks, likeTok{char: unicode.ToLower(e)})
		case r == '%':
			if len(toks) == 0 || !toks[len(toks)-1].any {
				toks = append(toks, likeTok{any: true})
			}
		case r == '_':
			toks = append(toks, likeTok{one: true})
		default:
			toks = append(toks, likeTok{char: unicode.ToLower(r)})
		}
	}
	return toks
}

// likeMatch matches s against a compiled pattern, case-insensitively.
func likeMatch(p []likeTok, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		r, n := utf8.DecodeRuneInString(s[si:])
		if pi < len(p) && !p[pi].any && (p[pi].one || p[pi].char == r || p[pi].char == unicode.ToLower(r)) {
			pi++
			si += n
			continue
		}
		if pi < len(p) && p[pi].any {
			starP, starS = pi, si
			pi++
			continue
		}
		if starP >= 0 {
			_, m := utf8.DecodeRuneInString(s[starS:])
			starS += m
			pi, si = starP+1, starS
			continue
		}
		return false
	}
	for pi < len(p) && p[pi].any {
		pi++
	}
	return pi == len(p)
}

// multiTerms yields the ';'-separated terms of a multipicklist value or
// literal ("a;b;c"), trimmed; "" has none, and a trailing ';' adds none.
func multiTerms(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for s != "" {
			term := s
			if i := strings.IndexByte(s, ';'); i >= 0 {
				term, s = s[:i], s[i+1:]
			} else {
				s = ""
			}
			if !yield(strings.TrimSpace(term)) {
				return
			}
		}
	}
}

// multiContains reports whether the multipicklist value v ("a;b;c")
// contains item, case-insensitively.
func multiContains(v, item string) bool {
	for part := range multiTerms(v) {
		if compareFold(part, item) == 0 {
			return true
		}
	}
	return false
}

// multiIncludes implements INCLUDES for one literal: every ';'-separated
// term of lit must be present in v.
func multiIncludes(v, lit string) bool {
	if strings.TrimSpace(lit) == "" {
		return false
	}
	for term := range multiTerms(lit) {
		if !multiContains(v, term) {
			return false
		}
	}
	return true
}

// picklistRank orders picklist values by their position in setup (as
// Salesforce sorts picklists), case-insensitively.
type picklistRank map[string]int

func newPicklistRank(values []string) picklistRank {
	if len(values) == 0 {
		return nil
	}
	r := make(picklistRank, 2*len(values))
	for i := len(values) - 1; i >= 0; i-- {
		r[values[i]] = i
		r[strings.ToLower(values[i])] = i
	}
	return r
}

// sortValue maps a picklist value to its rank (a float64), so listed values
// sort in setup order before any unlisted value, which keeps its text.
func (r picklistRank) sortValue(v any) any {
	s, ok := v.(string)
	if r == nil || !ok {
		return v
	}
	if i, ok := r[s]; ok {
		return boxInt(i)
	}
	if i, ok := r[strings.ToLower(s)]; ok {
		return boxInt(i)
	}
	return v
}
