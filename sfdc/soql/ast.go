package soql

import (
	"context"
	"errors"
)

// Query is a parsed SOQL statement.
//
// Contract fields used outside this package (the emulator builds column
// metadata from them): Text, From, Select. The parser may add more.
type Query struct {
	Text   string       // the statement as given
	From   string       // object name as written
	Select []SelectItem // in SELECT order
}

// SelectItem is one entry of the SELECT list.
type SelectItem struct {
	Path     []string // field path as written, e.g. ["Owner","Name"]; nil for aggregates and subqueries
	Func     string   // aggregate function, upper case ("COUNT", "SUM", ...); "" for plain fields
	Alias    string   // alias as written, "" if none
	Subquery *Query   // child subquery, nil otherwise
}

// Parse parses a SOQL statement. Syntax errors are *Error with Code
// MALFORMED_QUERY and Salesforce's row/column message.
func Parse(s string) (*Query, error) {
	return nil, errors.New("soql: parser not implemented yet")
}

func execute(ctx context.Context, env Env, q *Query) (*Result, error) {
	return nil, errors.New("soql: evaluator not implemented yet")
}
