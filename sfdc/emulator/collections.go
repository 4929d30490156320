package emulator

import (
	"net/http"
	"strings"
	"time"
)

// rolledBack is the SaveResult error of records undone by allOrNone.
func rolledBack() *Error {
	return &Error{Status: http.StatusBadRequest, Code: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
		Message: "Record rolled back because not all records were valid and the request was using AllOrNone header", Fields: []string{}}
}

// finishCollection applies allOrNone to a collection's results.
func (s *Server) finishCollection(tx *txn, results []saveResult, errs []*Error) []saveResult {
	anyFailed := false
	for _, e := range errs {
		anyFailed = anyFailed || e != nil
	}
	if tx == nil || !anyFailed {
		return results
	}
	s.org.rollback(tx)
	for i := range results {
		if errs[i] == nil {
			results[i] = failResult("", rolledBack())
		}
	}
	return results
}

// handleCollectionSave serves POST (create) and PATCH (update) composite/sobjects.
func (s *Server) handleCollectionSave(w http.ResponseWriter, r *http.Request, create bool) {
	var req struct {
		AllOrNone bool             `json:"allOrNone"`
		Records   []map[string]any `json:"records"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeErrors(w, err)
		return
	}
	if len(req.Records) == 0 || len(req.Records) > maxCollectionRecords {
		writeErrors(w, errf(http.StatusBadRequest, "INVALID_INPUT", nil, "Provide between 1 and %d records", maxCollectionRecords))
		return
	}
	wr := s.writerFor(r.Context())
	var tx *txn
	if req.AllOrNone {
		tx = &txn{}
		wr.tx = tx
	}
	results := make([]saveResult, len(req.Records))
	errs := make([]*Error, len(req.Records))
	for i, rec := range req.Records {
		attrs, _ := rec["attributes"].(map[string]any)
		typ, _ := attrs["type"].(string)
		var err *Error
		id := ""
		switch {
		case typ == "":
			err = errf(http.StatusBadRequest, "INVALID_TYPE", nil, "No SObject Type defined in the record")
		case create:
			id, err = s.org.create(wr, typ, rec)
		default:
			id = idField(rec)
			if id == "" {
				err = errf(http.StatusBadRequest, "MISSING_ARGUMENT", []string{"Id"}, "Id not specified in an update call")
			} else {
				err = s.org.update(wr, typ, id, rec, time.Time{})
			}
		}
		errs[i] = err
		if err != nil {
			results[i] = failResult("", err)
			if req.AllOrNone {
				// The remaining records are not attempted.
				for k := i + 1; k < len(req.Records); k++ {
					results[k] = failResult("", rolledBack())
					errs[k] = rolledBack()
				}
				break
			}
			continue
		}
		if id, perr := normalizeID(id); perr == nil {
			results[i] = okResult(id)
		}
	}
	writeJSON(w, http.StatusOK, s.finishCollection(tx, results, errs))
}

// handleCollectionDelete serves DELETE composite/sobjects?ids=&allOrNone=.
func (s *Server) handleCollectionDelete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ids := splitList(q.Get("ids"))
	if len(ids) == 0 || len(ids) > maxCollectionRecords {
		writeErrors(w, errf(http.StatusBadRequest, "INVALID_INPUT", nil, "Provide between 1 and %d ids", maxCollectionRecords))
		return
	}
	wr := s.writerFor(r.Context())
	var tx *txn
	if q.Get("allOrNone") == "true" {
		tx = &txn{}
		wr.tx = tx
	}
	results := make([]saveResult, len(ids))
	errs := make([]*Error, len(ids))
	for i, raw := range ids {
		id, perr := normalizeID(raw)
		var err *Error
		if perr != nil {
			err = errMalformedID("Record ID", raw, "Id")
		} else if e, ok := s.org.get(id); !ok {
			err = errf(http.StatusNotFound, "INVALID_CROSS_REFERENCE_KEY", []string{}, "invalid cross reference id")
		} else {
			err = s.org.delete(wr, e.object, id)
		}
		errs[i] = err
		if err != nil {
			results[i] = failResult(raw, err)
			continue
		}
		results[i] = okResult(id)
	}
	writeJSON(w, http.StatusOK, s.finishCollection(tx, results, errs))
}

// handleCollectionGet serves GET composite/sobjects/T?ids=&fields= (and the
// POST form with {"ids","fields"}).
func (s *Server) handleCollectionGet(w http.ResponseWriter, r *http.Request, object string) {
	def, ok := s.lookupObject(w, object)
	if !ok {
		return
	}
	var ids, fieldNames []string
	switch r.Method {
	case http.MethodGet:
		ids, fieldNames = splitList(r.URL.Query().Get("ids")), splitList(r.URL.Query().Get("fields"))
	case http.MethodPost:
		var req struct {
			IDs    []string `json:"ids"`
			Fields []string `json:"fields"`
		}
		if err := decodeBody(r, &req); err != nil {
			writeErrors(w, err)
			return
		}
		ids, fieldNames = req.IDs, req.Fields
	default:
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "POST"))
		return
	}
	if len(fieldNames) == 0 {
		writeErrors(w, errf(http.StatusBadRequest, "MISSING_ARGUMENT", nil, "The fields parameter is required"))
		return
	}
	fields, ferr := parseFieldList(def, strings.Join(fieldNames, ","))
	if ferr != nil {
		writeErrors(w, ferr)
		return
	}
	b := []byte{'['}
	for i, raw := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		id, err := normalizeID(raw)
		obj, rec, found := s.org.Get(id)
		if err != nil || !found || obj != def.Name || rec["IsDeleted"] == true {
			b = append(b, "null"...)
			continue
		}
		b = appendRow(b, recordRow(def, rec, versionOf(r.Context()), fields))
	}
	writeRaw(w, http.StatusOK, append(b, ']'))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// idField returns a record body's Id, whatever its key casing (jsforce
// sends "id"; Salesforce field names are case-insensitive).
func idField(rec map[string]any) string {
	for k, v := range rec {
		if strings.EqualFold(k, "Id") {
			return str0(v)
		}
	}
	return ""
}
