package soql

import (
	"errors"
	"testing"
)

// FuzzParse checks that the parser never panics and that every failure is a
// MALFORMED_QUERY *Error with a position inside the statement. Parsed
// queries are also executed against the fixture org: evaluation must not
// panic either, and may only fail with an *Error or a context error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT Id, Name FROM Account",
		"SELECT Name, Account.Owner.Manager.Name FROM Opportunity WHERE Amount > 1000 ORDER BY CloseDate DESC NULLS LAST LIMIT 10",
		"SELECT Name, (SELECT LastName FROM Contacts) FROM Account",
		"SELECT StageName, COUNT(Id) n FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 1",
		"SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE LastName LIKE 'S%')",
		"SELECT Id FROM Opportunity WHERE CloseDate = LAST_N_DAYS:30 AND CreatedDate > 2024-01-01T00:00:00Z",
		"SELECT Id FROM Opportunity WHERE Interests__c INCLUDES ('a;b','c')",
	} {
		f.Add(s)
	}
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
