package sfdc

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Quote returns s as a SOQL string literal, quotes included, escaping
// backslash, both quote characters, newline, carriage return, tab,
// backspace and form feed. Other control characters cannot be written in
// SOQL and are dropped. The result is safe for =, !=, IN and the like; for
// LIKE patterns use QuoteLike, Contains or StartsWith.
func Quote(s string) string {
	return quote(s, false, "", "")
}

// QuoteLike is Quote that also escapes the LIKE wildcards % and _, so user
// text matches literally inside a LIKE pattern.
func QuoteLike(s string) string { return quote(s, true, "", "") }

// Contains returns a LIKE pattern literal matching values containing s:
// '%s%' with s escaped.
func Contains(s string) LikePattern { return LikePattern(quote(s, true, "%", "%")) }

// StartsWith returns a LIKE pattern literal matching values starting with s.
func StartsWith(s string) LikePattern { return LikePattern(quote(s, true, "", "%")) }

// EndsWith returns a LIKE pattern literal matching values ending with s.
func EndsWith(s string) LikePattern { return LikePattern(quote(s, true, "%", "")) }

// LikePattern is a complete, quoted LIKE pattern literal (see Contains).
type LikePattern string

func quote(s string, like bool, prefix, suffix string) string {
	var b strings.Builder
	b.Grow(len(s) + 2 + len(prefix) + len(suffix))
	b.WriteByte('\'')
	b.WriteString(prefix)
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '%', '_':
			if like {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0x7f {
				continue // not representable in SOQL
			}
			b.WriteRune(r)
		}
	}
	b.WriteString(suffix)
	b.WriteByte('\'')
	return b.String()
}

// ValidName reports whether s is a plausible API name of an object, field
// or relationship: a letter, then letters, digits or single underscores,
// at most 80 characters (e.g. "Account", "ns__Rating__c", "Owner").
func ValidName(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9', c == '_':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	if strings.Contains(s, "___") || s[len(s)-1] == '_' {
		return false
	}
	return true
}

// ValidateName returns an error unless ValidName(s).
func ValidateName(s string) error {
	if !ValidName(s) {
		return fmt.Errorf("invalid Salesforce API name %q", s)
	}
	return nil
}

// ValidFieldPath reports whether s is a field name or a dotted relationship
// path such as "Owner.Name" or "Account.Owner.Profile.Name" (≤ 6 parts).
func ValidFieldPath(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 6 {
		return false
	}
	for _, p := range parts {
		if !ValidName(p) {
			return false
		}
	}
	return true
}

// Ident is an identifier (object, field or dotted field path) for Format;
// it is validated, never quoted.
type Ident string

// Format builds SOQL from a format string with typed arguments, so values
// never reach the query unescaped. Verbs:
//
//	%s  a value: string and ID are quoted (Quote); LikePattern is inserted as
//	    is; nil as null; bool, integers and floats as literals; time.Time as
//	    a UTC datetime literal; Date as a date literal; DateLiteral (e.g.
//	    THIS_QUARTER) validated; []string / []ID as a quoted list for IN
//	%d  an integer
//	%n  an Ident or string validated as a name or field path (not quoted)
//	%%  a literal percent sign
//
// Any other verb, a type mismatch, a missing or extra argument, or an invalid
// name is an error.
//
//	Format("SELECT Id FROM %n WHERE Name = %s AND Amount > %d", Ident("Account"), name, 100)
func Format(format string, args ...any) (string, error) {
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			return "", fmt.Errorf("soql format: trailing %%")
		}
		i++
		verb := format[i]
		if verb == '%' {
			b.WriteByte('%')
			continue
		}
		if next >= len(args) {
			return "", fmt.Errorf("soql format: missing argument for %%%c", verb)
		}
		arg := args[next]
		next++
		var (
			text string
			err  error
		)
		switch verb {
		case 's':
			text, err = formatValue(arg)
		case 'd':
			text, err = formatInt(arg)
		case 'n':
			text, err = formatIdent(arg)
		default:
			err = fmt.Errorf("unknown verb %%%c", verb)
		}
		if err != nil {
			return "", fmt.Errorf("soql format: argument %d: %w", next, err)
		}
		b.WriteString(text)
	}
	if next != len(args) {
		return "", fmt.Errorf("soql format: %d arguments given, %d used", len(args), next)
	}
	return b.String(), nil
}

func formatValue(arg any) (string, error) {
	switch v := arg.(type) {
	case nil:
		return "null", nil
	case Date:
		return FormatDate(time.Time(v)), nil
	case DateLiteral:
		lit := strings.ToUpper(string(v))
		if !dateLiteralRE.MatchString(lit) {
			return "", fmt.Errorf("invalid SOQL date literal %q", string(v))
		}
		return lit, nil
	case string:
		return Quote(v), nil
	case ID:
		return Quote(string(v)), nil
	case LikePattern:
		return string(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case time.Time:
		return FormatDatetime(v), nil
	case float64:
		return formatFloat(v)
	case float32:
		return formatFloat(float64(v))
	case []string:
		return formatList(len(v), func(i int) string { return Quote(v[i]) })
	case []ID:
		return formatList(len(v), func(i int) string { return Quote(string(v[i])) })
	}
	if s, err := formatInt(arg); err == nil {
		return s, nil
	}
	return "", fmt.Errorf("%%s does not accept %T", arg)
}

func formatList(n int, item func(int) string) (string, error) {
	if n == 0 {
		return "", fmt.Errorf("empty list (SOQL IN needs at least one value)")
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = item(i)
	}
	return "(" + strings.Join(parts, ", ") + ")", nil
}

func formatFloat(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("number %v has no SOQL literal", f)
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}

func formatInt(arg any) (string, error) {
	switch arg.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(arg), nil // base 10, as strconv.FormatInt/FormatUint
	}
	return "", fmt.Errorf("%%d needs an integer, got %T", arg)
}

func formatIdent(arg any) (string, error) {
	var s string
	switch v := arg.(type) {
	case Ident:
		s = string(v)
	case string:
		s = v
	default:
		return "", fmt.Errorf("%%n needs an Ident or string, got %T", arg)
	}
	if !ValidFieldPath(s) {
		return "", fmt.Errorf("invalid SOQL identifier %q", s)
	}
	return s, nil
}

// Date is a calendar date for Format's %s, rendered as a SOQL date
// literal (2006-01-02) for date fields such as CloseDate.
type Date time.Time

// DateLiteral is a SOQL relative date literal for Format's %s, such as
// "THIS_QUARTER" or "LAST_N_DAYS:30"; it is validated, never quoted.
type DateLiteral string

var dateLiteralRE = regexp.MustCompile(`^(YESTERDAY|TODAY|TOMORROW|(LAST|THIS|NEXT)_(WEEK|MONTH|QUARTER|YEAR|FISCAL_QUARTER|FISCAL_YEAR)|(LAST|NEXT)_90_DAYS|(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS):[0-9]{1,4}|N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS)_AGO:[0-9]{1,4})$`)

// FormatDatetime renders t as a SOQL datetime literal in UTC
// (2006-01-02T15:04:05Z), also the format for updated/deleted windows.
func FormatDatetime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// FormatDate renders t's calendar date as a SOQL date literal (2006-01-02).
func FormatDate(t time.Time) string { return t.Format("2006-01-02") }
