package emulator

import (
	"context"
	"fmt"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Server-side access for tests: these bypass HTTP, authentication, API
// limits and faults, and act as the org's administrator (not the logged-in
// rep), which is how tests simulate other users changing data.

// adminUserID is the acting user of server-side writes.
func (s *Server) adminUserID() string {
	for _, rec := range s.org.snapshot("User") {
		if rec["Username"] == "dana.whitfield@demo.lazyforce.dev" {
			return str0(rec["Id"])
		}
	}
	return s.meID
}

func (s *Server) adminWriter() writer {
	return writer{now: s.now(), user: s.adminUserID()}
}

// Create inserts a record of object with the same validation as the REST
// API and returns its id. Errors are *Error.
func (s *Server) Create(object string, fields map[string]any) (string, error) {
	id, err := s.org.create(s.adminWriter(), object, fields)
	if err != nil {
		return "", err
	}
	return id, nil
}

// Update changes fields of a record. Errors are *Error.
func (s *Server) Update(object, id string, fields map[string]any) error {
	if err := s.org.update(s.adminWriter(), object, id, fields, time.Time{}); err != nil {
		return err
	}
	return nil
}

// Delete moves a record to the recycle bin (it then shows in /deleted and
// queryAll). Errors are *Error.
func (s *Server) Delete(object, id string) error {
	if err := s.org.delete(s.adminWriter(), object, id); err != nil {
		return err
	}
	return nil
}

// Record returns a copy of the stored record with the given id (deleted
// records included, with IsDeleted=true) and its object name.
func (s *Server) Record(id string) (object string, fields map[string]any, ok bool) {
	obj, rec, ok := s.org.Get(id)
	if !ok {
		return "", nil, false
	}
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		out[k] = v
	}
	return obj, out, true
}

// Count returns the number of live records of object.
func (s *Server) Count(object string) int { return s.org.count(object) }

// Query runs SOQL against the org (like queryAll when all is true) and
// returns the rows as maps, relationships nested, attributes dropped.
func (s *Server) Query(ctx context.Context, q string, all bool) ([]map[string]any, error) {
	parsed, err := soql.Parse(q)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", q, err)
	}
	res, err := soql.Execute(ctx, s.queryEnv(s.APIVersion(), all), parsed)
	if err != nil {
		return nil, fmt.Errorf("execute %q: %w", q, err)
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = rowMap(r)
	}
	return out, nil
}

// rowMap converts a result row to a map without attributes.
func rowMap(r *soql.Row) map[string]any {
	m := make(map[string]any, len(r.Keys))
	for i, k := range r.Keys {
		if k == "attributes" {
			continue
		}
		switch v := r.Values[i].(type) {
		case *soql.Row:
			if v == nil {
				m[k] = nil
			} else {
				m[k] = rowMap(v)
			}
		case *soql.ChildSet:
			if v == nil {
				m[k] = nil
				continue
			}
			kids := make([]map[string]any, len(v.Records))
			for j, c := range v.Records {
				kids[j] = rowMap(c)
			}
			m[k] = kids
		default:
			m[k] = v
		}
	}
	return m
}

// Schema returns the emulated objects (fields, picklists, relationships).
func (s *Server) Schema() *Schema { return s.schema }
