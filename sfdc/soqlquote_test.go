package sfdc

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// nameValue parses "SELECT Id FROM Account WHERE Name <op> <lit> AND X = 1"
// with the SOQL parser the cache and the emulator use, and returns the
// value Name is compared with: the literal must end where lit ends, or the
// WHERE clause is not those two conditions.
func nameValue(op, lit string) (string, error) {
	q, err := soql.Parse("SELECT Id FROM Account WHERE Name " + op + " " + lit + " AND X = 1")
	if err != nil {
		return "", err
	}
	and, ok := q.Where.(*soql.BinaryExpr)
	if !ok || and.Op != "AND" {
		return "", fmt.Errorf("WHERE is %#v, want two conditions", q.Where)
	}
	name, ok := and.Left.(*soql.Condition)
	if !ok || strings.Join(name.Left.Path, ".") != "Name" || name.Op != op || name.Value.Kind != soql.ValString {
		return "", fmt.Errorf("first condition is %#v, want Name %s 'string'", and.Left, op)
	}
	if x, ok := and.Right.(*soql.Condition); !ok || strings.Join(x.Left.Path, ".") != "X" || x.Value.Num != 1 {
		return "", fmt.Errorf("second condition is %#v, want X = 1", and.Right)
	}
	return name.Value.Str, nil
}

// printable is s without the control characters Quote drops.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && !strings.ContainsRune("\n\r\t\b\f", r)) || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

var adversarial = []string{
	"O'Brien",
	"' OR Name LIKE '%",
	`\' OR Id != null OR Name = \'`,
	`\`,
	`\\'`,
	"trailing backslash \\",
	"multi\nline\r\ntab\there",
	"'; DELETE FROM Account; --",
	`"double" 'single' \back\`,
	"50% off_sale",
	"nul\x00byte and bell\x07",
	"ünïcødé ✓ 日本語",
	"",
	"'",
	"''",
	"%",
	"_",
}

func TestQuoteRoundTripsAdversarialInput(t *testing.T) {
	for _, in := range adversarial {
		q := Quote(in)
		val, err := nameValue("=", q)
		if err != nil {
			t.Errorf("Quote(%q) = %s: %v", in, q, err)
			continue
		}
		if want := printable(in); val != want {
			t.Errorf("Quote(%q) decodes to %q, want %q", in, val, want)
		}
	}
	if got := Quote("O'Brien"); got != `'O\'Brien'` {
		t.Errorf("Quote(O'Brien) = %s", got)
	}
	if got := Quote(`a\b`); got != `'a\\b'` {
		t.Errorf(`Quote(a\b) = %s`, got)
	}
}

func TestLikeEscapesWildcards(t *testing.T) {
	for _, in := range adversarial {
		p := string(Contains(in))
		val, err := nameValue("LIKE", p)
		if err != nil {
			t.Fatalf("Contains(%q) = %s: %v", in, p, err)
		}
		if want := "%" + printable(in) + "%"; val != want {
			t.Errorf("Contains(%q) decodes to %q, want %q", in, val, want)
		}
		// Inside, every % and _ from the input is escaped; only the outer
		// wildcards are bare.
		if !strings.HasPrefix(p, "'%") || !strings.HasSuffix(p, "%'") {
			t.Errorf("Contains(%q) = %s lacks the outer wildcards", in, p)
			continue
		}
		inner := p[2 : len(p)-2]
		for i := 0; i < len(inner); i++ {
			if inner[i] == '\\' {
				i++
				continue
			}
			if inner[i] == '%' || inner[i] == '_' {
				t.Errorf("Contains(%q) = %s has a bare wildcard", in, p)
			}
		}
	}
	if got := string(StartsWith("50%_x")); got != `'50\%\_x%'` {
		t.Errorf("StartsWith = %s", got)
	}
	if got := string(EndsWith("a")); got != `'%a'` {
		t.Errorf("EndsWith = %s", got)
	}
	if got := QuoteLike("100%"); got != `'100\%'` {
		t.Errorf("QuoteLike = %s", got)
	}
	// A backslash next to a wildcard stays a literal backslash.
	if got := string(Contains(`a\%`)); got != `'%a\\\%%'` {
		t.Errorf(`Contains(a\%%) = %s`, got)
	}
}

func TestFormat(t *testing.T) {
	when := time.Date(2026, 11, 21, 14, 0, 0, 0, time.FixedZone("X", 2*3600))
	got, err := Format("SELECT %n, %n FROM %n WHERE Name = %s AND Amount > %d AND Probability >= %s AND IsWon = %s AND LastModifiedDate > %s AND Id IN %s AND Name LIKE %s AND Pct = 10%%",
		Ident("Id"), "Owner.Name", Ident("Opportunity"), "O'Brien", 1000, 12.5, true, when, []ID{"006B0000002SiedIAC", "006B0000002SieeIAC"}, Contains("a_b"))
	if err != nil {
		t.Fatal(err)
	}
	want := `SELECT Id, Owner.Name FROM Opportunity WHERE Name = 'O\'Brien' AND Amount > 1000 AND Probability >= 12.5 AND IsWon = true AND LastModifiedDate > 2026-11-21T12:00:00Z AND Id IN ('006B0000002SiedIAC', '006B0000002SieeIAC') AND Name LIKE '%a\_b%' AND Pct = 10%`
	if got != want {
		t.Errorf("Format =\n%s\nwant\n%s", got, want)
	}

	got, err = Format("WHERE CloseDate = %s AND CloseDate > %s AND CreatedDate = %s AND AccountId = %s",
		DateLiteral("THIS_QUARTER"), Date(time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)), DateLiteral("last_n_days:30"), nil)
	if err != nil || got != "WHERE CloseDate = THIS_QUARTER AND CloseDate > 2026-03-31 AND CreatedDate = LAST_N_DAYS:30 AND AccountId = null" {
		t.Errorf("dates: %q %v", got, err)
	}

	injection := "' OR Name LIKE '%"
	got, err = Format("SELECT Id FROM Account WHERE Name = %s LIMIT 5", injection)
	if err != nil {
		t.Fatal(err)
	}
	q, err := soql.Parse(got)
	if err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if c, ok := q.Where.(*soql.Condition); !ok || c.Value.Str != injection || q.Limit != 5 {
		t.Errorf("injection escaped the literal: %s", got)
	}
}

// TestFormatIntegers: every integer type is a decimal literal, for %d and
// for %s; a named integer type is refused.
func TestFormatIntegers(t *testing.T) {
	type count int
	for _, tc := range []struct {
		arg  any
		want string
	}{
		{int(-7), "-7"}, {int8(-128), "-128"}, {int16(32767), "32767"}, {int32(-5), "-5"},
		{int64(math.MinInt64), "-9223372036854775808"}, {uint(7), "7"}, {uint8(255), "255"},
		{uint16(65535), "65535"}, {uint32(4294967295), "4294967295"}, {uint64(math.MaxUint64), "18446744073709551615"},
	} {
		for _, verb := range []string{"%d", "%s"} {
			if got, err := Format("LIMIT "+verb, tc.arg); err != nil || got != "LIMIT "+tc.want {
				t.Errorf("Format(%q, %T(%v)) = %q, %v; want %q", verb, tc.arg, tc.arg, got, err, "LIMIT "+tc.want)
			}
		}
	}
	if got, err := Format("LIMIT %d", count(3)); err == nil {
		t.Errorf("a named integer type: %q, want an error", got)
	}
}

func TestFormatRejectsBadInput(t *testing.T) {
	bad := []struct {
		format string
		args   []any
	}{
		{"SELECT Id FROM %n", []any{Ident("Account; DELETE")}},
		{"SELECT Id FROM %n", []any{"Account WHERE Name != null"}},
		{"SELECT %n FROM Account", []any{Ident("Name,(SELECT Id FROM Contacts)")}},
		{"SELECT %n FROM Account", []any{Ident("")}},
		{"SELECT %n FROM Account", []any{Ident("1Name")}},
		{"SELECT %n FROM Account", []any{Ident("Name__")}},
		{"SELECT %n FROM Account", []any{Ident("Owner..Name")}},
		{"SELECT Id FROM %n", []any{123}},
		{"WHERE Amount > %d", []any{"1 OR 1=1"}},
		{"WHERE Amount > %d", []any{1.5}},
		{"WHERE Name = %s", []any{struct{}{}}},
		{"WHERE Name = %s", nil},
		{"WHERE Name = %s", []any{"a", "b"}},
		{"WHERE Name = %q", []any{"a"}},
		{"WHERE Id IN %s", []any{[]string{}}},
		{"WHERE Amount = %s", []any{math.Inf(1)}},
		{"trailing %", nil},
		{"WHERE CloseDate = %s", []any{DateLiteral("TODAY OR Name != null")}},
		{"WHERE CloseDate = %s", []any{DateLiteral("LAST_N_DAYS")}},
		{"WHERE CloseDate = %s", []any{DateLiteral("LAST_N_DAYS:30\n")}},
	}
	for _, tc := range bad {
		if got, err := Format(tc.format, tc.args...); err == nil {
			t.Errorf("Format(%q, %v) = %q, want an error", tc.format, tc.args, got)
		}
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"Account", "Id", "ns__Rating__c", "Custom_Object__c", "expr0", "Account__r"} {
		if !ValidName(ok) {
			t.Errorf("ValidName(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "_x", "1x", "a b", "a.b", "a'b", "a-b", "Name__", "x___y", "../x", "a/b", strings.Repeat("a", 81), "ünï"} {
		if ValidName(bad) {
			t.Errorf("ValidName(%q) = true", bad)
		}
	}
	if !ValidFieldPath("Account.Owner.Name") || ValidFieldPath("a.b.c.d.e.f.g") || ValidFieldPath("Owner.") {
		t.Error("ValidFieldPath wrong")
	}
}
