package sfdc

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// soslReserved are the characters SOSL reserves in a search term; each is
// escaped with a backslash to be searched for literally.
const soslReserved = `?&|!{}[]()^~*:\"'+-`

// EscapeSOSL escapes SOSL's reserved characters (? & | ! { } [ ] ( ) ^ ~
// * : \ " ' + -) in user text with a backslash, so that it is searched
// for as typed: it cannot end the FIND {…} clause, add wildcards or
// operators. Control characters become spaces.
func EscapeSOSL(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		case strings.ContainsRune(soslReserved, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FindSOSL returns a SOSL search for text as typed (escaped, as a
// phrase) in all fields, returning the given objects with their fields,
// e.g. FindSOSL("O'Brien", "Account(Id, Name)", "Contact(Id, Name)").
func FindSOSL(text string, returning ...string) string {
	q := `FIND {"` + EscapeSOSL(strings.TrimSpace(text)) + `"} IN ALL FIELDS`
	if len(returning) > 0 {
		q += " RETURNING " + strings.Join(returning, ", ")
	}
	return q
}

// Search runs a SOSL search (GET search?q=…) and returns the records found,
// of every object searched, in the order Salesforce ranked them.
func (c *Client) Search(ctx context.Context, sosl string) ([]*Record, error) {
	var out struct {
		SearchRecords []*Record `json:"searchRecords"`
	}
	if _, err := c.Call(ctx, "GET", c.DataPath("search"), url.Values{"q": {sosl}}, nil, &out); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out.SearchRecords, nil
}
