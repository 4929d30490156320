package emulator

import (
	"net/http"
	"strings"
)

// handleTree serves POST composite/tree/{SObject}: a tree of records with
// nested children under their child relationship names, saved all or none.
func (s *Server) handleTree(w http.ResponseWriter, r *http.Request, object string) {
	if r.Method != http.MethodPost {
		writeErrors(w, errMethodNotAllowed(r.Method, "POST"))
		return
	}
	def, ok := s.schema.Lookup(object)
	if !ok {
		writeErrors(w, errNotFound())
		return
	}
	var req struct {
		Records []map[string]any `json:"records"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeErrors(w, err)
		return
	}
	type result struct {
		ReferenceID string           `json:"referenceId"`
		ID          string           `json:"id,omitempty"`
		Errors      []map[string]any `json:"errors,omitempty"`
	}
	wr := s.writerFor(r.Context())
	wr.tx = &txn{}
	var results []result
	count := 0
	var failed *result
	var save func(def *ObjectDef, rec map[string]any, parentField, parentID string)
	save = func(def *ObjectDef, rec map[string]any, parentField, parentID string) {
		if failed != nil {
			return
		}
		count++
		attrs, _ := rec["attributes"].(map[string]any)
		ref, _ := attrs["referenceId"].(string)
		fields := map[string]any{}
		var kids []struct {
			rel  string
			recs []any
		}
		for k, v := range rec {
			if k == "attributes" {
				continue
			}
			if m, isObj := v.(map[string]any); isObj {
				list, _ := m["records"].([]any)
				kids = append(kids, struct {
					rel  string
					recs []any
				}{k, list})
				continue
			}
			fields[k] = v
		}
		if parentField != "" {
			fields[parentField] = parentID
		}
		id, err := s.org.create(wr, def.Name, fields)
		if err != nil {
			failed = &result{ReferenceID: ref, Errors: []map[string]any{err.saveError()}}
			return
		}
		results = append(results, result{ReferenceID: ref, ID: id})
		for _, k := range kids {
			var rel *struct{ object, field string }
			for _, c := range def.Children {
				if strings.EqualFold(c.Name, k.rel) {
					rel = &struct{ object, field string }{c.Object, c.Field}
				}
			}
			if rel == nil {
				failed = &result{ReferenceID: ref, Errors: []map[string]any{errf(http.StatusBadRequest, "INVALID_FIELD", nil,
					"No such relationship '%s' on sobject of type %s", k.rel, def.Name).saveError()}}
				return
			}
			childDef, _ := s.schema.Lookup(rel.object)
			for _, c := range k.recs {
				if cm, ok := c.(map[string]any); ok {
					save(childDef, cm, rel.field, id)
				}
			}
		}
	}
	for _, rec := range req.Records {
		save(def, rec, "", "")
	}
	if count > maxCollectionRecords {
		s.org.rollback(wr.tx)
		writeErrors(w, errf(http.StatusBadRequest, "LIMIT_EXCEEDED", nil, "A tree request can save at most %d records", maxCollectionRecords))
		return
	}
	if failed != nil {
		s.org.rollback(wr.tx)
		writeJSON(w, http.StatusBadRequest, map[string]any{"hasErrors": true, "results": []result{*failed}})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"hasErrors": false, "results": results})
}
