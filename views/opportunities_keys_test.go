package views

import (
	"slices"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/store/book"
)

// TestOppSearchKeys: every opportunity's search key is its name and
// account, sanitized and lower-cased, whatever they hold (ASCII, other
// letters, controls, escape sequences, nothing).
func TestOppSearchKeys(t *testing.T) {
	texts := []string{"", "Acme Corp", "ACME - Renewal 2027", "Zoë Ünal", "İstanbul Ltd", "tab\there", "\x1b[31mRED\x1b[0m",
		"a\u0301ccent", "日本 Holdings", "Ωmega", "x\x7fy", "KELVIN \u212a", string([]byte{'b', 'a', 'd', 0xff})}
	var opps []book.Opportunity
	for _, n := range texts {
		for _, a := range texts {
			opps = append(opps, book.Opportunity{Name: n, AccountName: a})
		}
	}
	for i, got := range oppSearchKeys(opps) {
		o := opps[i]
		if want := strings.ToLower(Sanitize(o.Name + " " + o.AccountName)); got != want {
			t.Fatalf("%q and %q: key %q, want %q", o.Name, o.AccountName, got, want)
		}
	}
}

// TestLowerInPlace: every value comes back as strings.ToLower has it.
func TestLowerInPlace(t *testing.T) {
	values := []string{"", "Acme", "ACME", "already lower", "Zoë Ünal", "İstanbul", "tab\tHERE", "\x1b[31mRED", "KELVIN \u212a",
		string([]byte{'B', 'a', 'd', 0xff}), "Ωmega", "x"}
	lower := slices.Clone(values)
	lowerInPlace(lower)
	for j, got := range lower {
		if want := strings.ToLower(values[j]); got != want {
			t.Fatalf("%q: %q, want %q", values[j], got, want)
		}
	}
}
