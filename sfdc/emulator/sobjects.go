package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

// maxBody bounds request bodies.
const maxBody = 8 << 20

// decodeBody reads a JSON object body.
func decodeBody(r *http.Request, v any) *Error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return errJSON("could not read request body: " + err.Error())
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errJSON("The HTTP entity body is required, but this request has no entity body.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errJSON(fmt.Sprintf("Unexpected parameter encountered during deserialization: %v", err))
	}
	return nil
}

// saveResult is {"id","success","errors"}.
type saveResult struct {
	ID      *string          `json:"id,omitempty"`
	Success bool             `json:"success"`
	Errors  []map[string]any `json:"errors"`
}

func okResult(id string) saveResult {
	return saveResult{ID: &id, Success: true, Errors: []map[string]any{}}
}

func failResult(id string, e *Error) saveResult {
	r := saveResult{Success: false, Errors: []map[string]any{e.saveError()}}
	if id != "" {
		r.ID = &id
	}
	return r
}

// handleCreate serves POST sobjects/T: 201, Location and {id,success,errors}.
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request, def *ObjectDef) {
	var fields map[string]any
	if err := decodeBody(r, &fields); err != nil {
		writeErrors(w, err)
		return
	}
	id, err := s.org.create(s.writerFor(r.Context()), def.Name, fields)
	if err != nil {
		writeErrors(w, err)
		return
	}
	w.Header().Set("Location", "/services/data/v"+versionOf(r.Context())+"/sobjects/"+def.Name+"/"+id)
	writeJSON(w, http.StatusCreated, okResult(id))
}

// handleSObjectInfo serves GET sobjects/T: basic info and recent items.
func (s *Server) handleSObjectInfo(w http.ResponseWriter, r *http.Request, def *ObjectDef) {
	writeJSON(w, http.StatusOK, map[string]any{
		"objectDescribe": s.describeSummary(def, versionOf(r.Context())),
		"recentItems":    []any{},
	})
}

// handleRecord serves sobjects/T/{id}: GET (?fields=), PATCH, DELETE.
func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request, def *ObjectDef, rawID string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.getRecord(w, r, def, rawID)
	case http.MethodPatch:
		var fields map[string]any
		if err := decodeBody(r, &fields); err != nil {
			writeErrors(w, err)
			return
		}
		var since time.Time
		if h := r.Header.Get("If-Unmodified-Since"); h != "" {
			t, err := http.ParseTime(h)
			if err != nil {
				writeErrors(w, errf(http.StatusBadRequest, "INVALID_HEADER_TYPE", nil, "Invalid If-Unmodified-Since header value: %s", h))
				return
			}
			since = t
		}
		if im := r.Header.Get("If-Match"); im != "" && def.Name == "Account" {
			// ETags are supported on Account records only, as in Salesforce.
			if _, rec, ok := s.org.Get(normalizeOrRaw(rawID)); ok && !etagListMatches(im, recordETag(rec)) {
				writeErrors(w, errf(http.StatusPreconditionFailed, "PRECONDITION_FAILED", nil, "The ETag of the record does not match If-Match"))
				return
			}
		}
		if err := s.org.update(s.writerFor(r.Context()), def.Name, rawID, fields, since); err != nil {
			writeErrors(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		if err := s.org.delete(s.writerFor(r.Context()), def.Name, rawID); err != nil {
			writeErrors(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "PATCH", "DELETE", "HEAD"))
	}
}

// parseFieldList validates ?fields=a,b against def.
func parseFieldList(def *ObjectDef, list string) ([]string, *Error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var out []string
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		f, ok := def.Field(name)
		if !ok {
			return nil, errf(http.StatusBadRequest, "INVALID_FIELD", nil, "No such column '%s' on sobject of type %s", name, def.Name)
		}
		out = append(out, f.Name)
	}
	return out, nil
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, def *ObjectDef, rawID string) {
	fields, ferr := parseFieldList(def, r.URL.Query().Get("fields"))
	if ferr != nil {
		writeErrors(w, ferr)
		return
	}
	id, err := sfdc.ParseID(rawID)
	if err != nil {
		if looksLikeID(rawID) {
			writeErrors(w, errMalformedID("Record ID", rawID, "Id"))
		} else {
			writeErrors(w, errNotFound())
		}
		return
	}
	obj, rec, ok := s.org.Get(string(id))
	if !ok || obj != def.Name {
		writeErrors(w, errNotFound())
		return
	}
	if d, _ := rec["IsDeleted"].(bool); d {
		writeErrors(w, errNotFound())
		return
	}
	lm, _ := parseDateTime(str0(rec["LastModifiedDate"]))
	if h := r.Header.Get("If-Modified-Since"); h != "" {
		if t, err := http.ParseTime(h); err == nil && !lm.Truncate(time.Second).After(t) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if h := r.Header.Get("If-Unmodified-Since"); h != "" {
		if t, err := http.ParseTime(h); err == nil && lm.Truncate(time.Second).After(t) {
			writeErrors(w, errf(http.StatusPreconditionFailed, "PRECONDITION_FAILED", nil, "The requested resource has been modified since %s", h))
			return
		}
	}
	if def.Name == "Account" {
		etag := recordETag(rec)
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagListMatches(inm, etag) {
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
	}
	w.Header().Set("Last-Modified", lm.UTC().Format(http.TimeFormat))
	writeRaw(w, http.StatusOK, rowJSON(recordRow(def, rec, versionOf(r.Context()), fields)))
}

// replicationWindow parses ?start=&end= of updated/deleted.
func replicationWindow(r *http.Request, now time.Time) (time.Time, time.Time, *Error) {
	q := r.URL.Query()
	start, ok1 := parseDateTime(q.Get("start"))
	end, ok2 := parseDateTime(q.Get("end"))
	if !ok1 || !ok2 {
		return start, end, errf(http.StatusBadRequest, "INVALID_REPLICATION_DATE", nil,
			"start and end must be ISO 8601 datetimes, e.g. 2024-01-02T15:04:05+00:00")
	}
	if !end.After(start) {
		return start, end, errf(http.StatusBadRequest, "INVALID_REPLICATION_DATE", nil, "start date must be before end date")
	}
	// Salesforce keeps 30 days of replication history (message unverified).
	if start.Before(now.AddDate(0, 0, -30).Truncate(time.Minute)) {
		return start, end, errf(http.StatusBadRequest, "INVALID_REPLICATION_DATE", nil, "startDate cannot be more than 30 days ago")
	}
	if end.After(now) {
		end = now
	}
	// "The API truncates the seconds portion of the start and end values."
	return start.Truncate(time.Minute), end.Truncate(time.Minute), nil
}

// inWindow reports whether a record's timestamp field lies in [start, end).
func inWindow(rec Record, field string, start, end time.Time) (time.Time, bool) {
	t, ok := parseDateTime(str0(rec[field]))
	return t, ok && !t.Before(start) && t.Before(end)
}

// handleUpdated serves GET sobjects/T/updated?start=&end=.
func (s *Server) handleUpdated(w http.ResponseWriter, r *http.Request, def *ObjectDef) {
	hits, end, err := s.replicationHits(r, def, false)
	if err != nil {
		writeErrors(w, err)
		return
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ids":               ids,
		"latestDateCovered": formatDateTime(end),
	})
}

// handleDeleted serves GET sobjects/T/deleted?start=&end=.
func (s *Server) handleDeleted(w http.ResponseWriter, r *http.Request, def *ObjectDef) {
	hits, end, err := s.replicationHits(r, def, true)
	if err != nil {
		writeErrors(w, err)
		return
	}
	type deleted struct {
		ID          string `json:"id"`
		DeletedDate string `json:"deletedDate"`
	}
	out := make([]deleted, len(hits))
	for i, h := range hits {
		out[i] = deleted{ID: h.id, DeletedDate: formatDateTime(h.at)}
	}
	earliest := s.now().AddDate(0, 0, -30)
	writeJSON(w, http.StatusOK, map[string]any{
		"deletedRecords":        out,
		"earliestDateAvailable": formatDateTime(earliest.Truncate(time.Minute)),
		"latestDateCovered":     formatDateTime(end),
	})
}

// replicationHit is a record changed or deleted in a replication window.
type replicationHit struct {
	id string
	at time.Time // its SystemModstamp
}

// replicationHits returns def's records, the deleted ones or the others,
// whose SystemModstamp lies in the request's replication window, oldest
// first, and the window's end.
func (s *Server) replicationHits(r *http.Request, def *ObjectDef, deleted bool) ([]replicationHit, time.Time, *Error) {
	start, end, err := replicationWindow(r, s.now())
	if err != nil {
		return nil, end, err
	}
	var hits []replicationHit
	for _, rec := range s.org.snapshot(def.Name) {
		if d, _ := rec["IsDeleted"].(bool); d != deleted {
			continue
		}
		if t, ok := inWindow(rec, "SystemModstamp", start, end); ok {
			hits = append(hits, replicationHit{str0(rec["Id"]), t})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].at.Before(hits[j].at) })
	return hits, end, nil
}

// looksLikeID reports whether s has the shape of an id (15 or 18
// alphanumerics), so a failed parse means a bad checksum.
func looksLikeID(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// recordETag is a strong ETag of a record version.
func recordETag(rec Record) string {
	sum := sha256.Sum256([]byte(str0(rec["Id"]) + "@" + str0(rec["SystemModstamp"])))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// etagListMatches reports whether an If-Match/If-None-Match list names etag.
func etagListMatches(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
		if e == "*" || e == etag {
			return true
		}
	}
	return false
}

// normalizeOrRaw returns the 18-character id, or raw when it does not parse.
func normalizeOrRaw(raw string) string {
	if id, err := normalizeID(raw); err == nil {
		return id
	}
	return raw
}
