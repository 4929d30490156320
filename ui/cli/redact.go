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
func maskRows(m *redact.Masker, rows []*soql.Row) {
	if !m.On() {
		return
	}
	for _, r := range rows {
		maskRow(m, "", r)
	}
}

func maskRow(m *redact.Masker, object string, r *soql.Row) {
	if r == nil {
		return
	}
	for i, k := range r.Keys {
		if k != "attributes" {
			continue
		}
		if attrs, ok := r.Values[i].(*soql.Row); ok {
			for j, ak := range attrs.Keys {
				if t, ok := attrs.Values[j].(string); ak == "type" && ok && t != "" {
					object = t
				}
			}
		}
	}
	for i, k := range r.Keys {
		switch v := r.Values[i].(type) {
		case *soql.Row:
			if k != "attributes" {
				maskRow(m, k, v)
			}
		case *soql.ChildSet:
			for _, c := range v.Records {
				maskRow(m, k, c)
			}
		default:
			r.Values[i] = m.Field(object, k, v)
		}
	}
}
