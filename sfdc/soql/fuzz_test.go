package soql

import (
	"errors"
	"testing"
)

// FuzzParse checks that the parser never panics and that every failure is a
// MALFORMED_QUERY *Error with a position inside the statement. Parsed
// queries are also executed against the fixture org: evaluation must not
// panic either, and may only fail with an *Error or a context error. The
// seed corpus is testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	env := testEnv()
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeMalformedQuery {
				t.Fatalf("Parse(%q) = %v, want MALFORMED_QUERY", s, err)
			}
			return
		}
		if q.Text != s {
			t.Fatalf("Text = %q, want %q", q.Text, s)
		}
		if _, err := Execute(t.Context(), env, q); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Execute(%q) = %v, want *Error", s, err)
			}
		}
	})
}
