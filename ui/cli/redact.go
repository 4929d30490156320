package cli

import (
	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store/book/redact"
)

// Masker returns the run's masker of personal data: on with --redact, one
// per run so that a value gets the same alias in every output of it.
func (f *Factory) Masker() *redact.Masker {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.masker == nil {
		f.masker = redact.New(f.Redact)
	}
	return f.masker
}

// maskRows masks personal data in query rows (in place) when --redact is
// on: each row by its attributes.type, related records and subqueries by
// theirs.
func maskRows(m *redact.Masker, rows []*soql.Row) { m.Rows("", rows) }
