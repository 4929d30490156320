package ask

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

type rowLike = *soql.Row

// str reads a text field (dotted paths walk relationships).
func str(r rowLike, key string) string {
	v, _ := r.Get(key)
	return text(v)
}

// text is a field's value as str reads it.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// num reads a number field.
func num(r rowLike, key string) (float64, bool) {
	v, _ := r.Get(key)
	return number(v)
}

// number is a field's value as num reads it.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// at returns r's value of key (not a dotted path), looked for first at
// position i, where the query that made r puts it.
func at(r rowLike, i int, key string) any {
	if i < len(r.Keys) && r.Keys[i] == key {
		return r.Values[i]
	}
	v, _ := r.Get(key)
	return v
}

func boolean(r rowLike, key string) bool {
	v, _ := r.Get(key)
	b, _ := v.(bool)
	return b
}

var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$"}

// money formats an amount in the org's currency: whole amounts without
// decimals, others with two.
func (e *Engine) money(v float64) string {
	neg := v < 0
	v = math.Abs(v)
	var s string
	if v == math.Trunc(v) {
		s = group(strconv.FormatFloat(v, 'f', 0, 64))
	} else {
		whole := strconv.FormatFloat(v, 'f', 2, 64)
		i := strings.IndexByte(whole, '.')
		s = group(whole[:i]) + whole[i:]
	}
	sym, ok := currencySymbols[e.currency]
	switch {
	case ok:
		s = sym + s
	case e.currency != "":
		s = s + " " + e.currency
	default:
		s = "$" + s
	}
	if neg {
		s = "-" + s
	}
	return s
}

// group puts thousands separators into a string of digits.
func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return group(strconv.Itoa(n)) + " " + many
}

func percent(f float64) string {
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}

// cellText makes a value safe inside a markdown table cell.
func cellText(s string) string {
	if s == "" {
		return "—"
	}
	if clean(s, true) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 {
			return ' '
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, "|", "\\|")
	if s == "" {
		return "—"
	}
	return s
}

// clean reports whether s is valid UTF-8 holding no control character (C0
// but newline, DEL, C1) and, when cell is set, no newline and no '|':
// what sanitize and cellText leave as it is.
func clean(s string, cell bool) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ' ' <= c && c < 127 && c != '|' {
			continue // most bytes: printable ASCII
		}
		switch {
		case c == '\n':
			if cell {
				return false
			}
		case c < 32, c == 127, cell && c == '|':
			return false
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] < 0xa0: // U+0080–U+009F
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s)
}

// table writes a markdown table.
func table(b *strings.Builder, head []string, rows [][]string) {
	tableHead(b, head)
	// Grow once for the rows (their cells as given, about what is written)
	// rather than doubling through a large table.
	n := 0
	for _, r := range rows {
		n += 4
		for _, c := range r {
			n += len(c) + 4
		}
	}
	b.Grow(n)
	for _, r := range rows {
		if len(r) == 0 {
			b.WriteString("|  |\n")
			continue
		}
		b.WriteString("|")
		for _, c := range r {
			writeCell(b, c)
		}
		b.WriteString("\n")
	}
}

// tableHead writes a markdown table's head row and rule.
func tableHead(b *strings.Builder, head []string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
}

// writeCell writes " cellText(s) |": a cell of a table row after its
// first "|".
func writeCell(b *strings.Builder, s string) {
	b.WriteString(" ")
	if s != "" && clean(s, true) {
		b.WriteString(s) // most cells: no copy
	} else {
		b.WriteString(cellText(s))
	}
	b.WriteString(" |")
}

// writeCellPart writes s as part of a cell: as cellText writes it, but
// with nothing for "". cellText of parts joined by ASCII text without '|'
// or control characters is the parts written this way, joined by it, as
// it changes text rune by rune (unless all of it is empty).
func writeCellPart(b *strings.Builder, s string) {
	if clean(s, true) {
		b.WriteString(s)
		return
	}
	b.WriteString(cellText(s))
}

// barChart writes a small text bar chart of bars in a code block.
func barChart(b *strings.Builder, bars []Bar, format func(float64) string) {
	if len(bars) == 0 {
		return
	}
	const width = 24
	maxV, labelW, valW := 0.0, 0, 0
	vals := make([]string, len(bars))
	for i, br := range bars {
		maxV = math.Max(maxV, math.Abs(br.Value))
		labelW = max(labelW, min(28, utf8.RuneCountInString(br.Label)))
		vals[i] = format(br.Value)
		valW = max(valW, utf8.RuneCountInString(vals[i]))
	}
	b.WriteString("```text\n")
	eighths := []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}
	for i, br := range bars {
		label := br.Label
		if label == "" {
			label = "(none)"
		}
		if utf8.RuneCountInString(label) > 28 {
			label = string([]rune(label)[:27]) + "…"
		}
		n := 0
		if maxV > 0 {
			n = int(math.Round(math.Abs(br.Value) / maxV * width * 8))
		}
		bar := strings.Repeat("█", n/8) + eighths[n%8]
		fmt.Fprintf(b, "%-*s %-*s %*s\n", labelW, label, width, bar, valW, vals[i])
	}
	b.WriteString("```\n")
}

func day(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// children flattens the child subquery rel of rows.
func children(rows []rowLike, rel string) []rowLike {
	var out []rowLike
	for _, r := range rows {
		v, _ := r.Get(rel)
		if cs, ok := v.(*soql.ChildSet); ok && cs != nil {
			out = append(out, cs.Records...)
		}
	}
	return out
}
