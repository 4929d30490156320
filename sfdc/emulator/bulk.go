package emulator

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Bulk API 2.0 query jobs (jobs/query). A job runs when it is created; it
// reports UploadComplete in the creation response and JobComplete after
// that. Results are CSV pages addressed by an opaque locator.

// maxBulkJobs bounds the jobs kept; the oldest are forgotten.
const maxBulkJobs = 20

// defaultBulkPage is the result page size when maxRecords is absent.
const defaultBulkPage = 100_000

// bulkJobInfo is a job's JSON, in Salesforce's key order.
type bulkJobInfo struct {
	ID                     string      `json:"id"`
	Operation              string      `json:"operation"`
	Object                 string      `json:"object"`
	CreatedByID            string      `json:"createdById"`
	CreatedDate            string      `json:"createdDate"`
	SystemModstamp         string      `json:"systemModstamp"`
	State                  string      `json:"state"`
	ConcurrencyMode        string      `json:"concurrencyMode"`
	ContentType            string      `json:"contentType"`
	APIVersion             json.Number `json:"apiVersion"`
	LineEnding             string      `json:"lineEnding"`
	ColumnDelimiter        string      `json:"columnDelimiter"`
	NumberRecordsProcessed *int        `json:"numberRecordsProcessed,omitempty"`
	Retries                *int        `json:"retries,omitempty"`
	TotalProcessingTime    *int        `json:"totalProcessingTime,omitempty"`
}

// bulkJob is a query job and its results.
type bulkJob struct {
	info   bulkJobInfo
	header []string
	rows   [][]any // values per header column
}

// handleBulkQuery serves jobs/query[/{id}[/results]].
func (s *Server) handleBulkQuery(w http.ResponseWriter, r *http.Request, segs []string) {
	switch {
	case len(segs) == 0 && r.Method == http.MethodPost:
		s.createBulkJob(w, r)
	case len(segs) == 0 && r.Method == http.MethodGet:
		s.mu.Lock()
		list := []bulkJobInfo{}
		for _, id := range s.bulkOrder {
			list = append(list, s.bulkJobs[id].info)
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"done": true, "records": list, "nextRecordsUrl": nil})
	case len(segs) == 0:
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "POST"))
	default:
		s.mu.Lock()
		job := s.bulkJobs[segs[0]]
		s.mu.Unlock()
		if job == nil {
			writeErrors(w, errf(http.StatusNotFound, "NOT_FOUND", nil, "The requested resource does not exist"))
			return
		}
		switch {
		case len(segs) == 1:
			s.bulkJobOp(w, r, job)
		case len(segs) == 2 && segs[1] == "results" && r.Method == http.MethodGet:
			s.bulkResults(w, r, job)
		default:
			writeErrors(w, errNotFound())
		}
	}
}

func (s *Server) createBulkJob(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Operation       string `json:"operation"`
		Query           string `json:"query"`
		ContentType     string `json:"contentType"`
		ColumnDelimiter string `json:"columnDelimiter"`
		LineEnding      string `json:"lineEnding"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeErrors(w, err)
		return
	}
	if req.Operation != "query" && req.Operation != "queryAll" {
		writeErrors(w, errf(http.StatusBadRequest, "INVALIDJOB", nil, "Invalid operation: %s", req.Operation))
		return
	}
	if (req.ColumnDelimiter != "" && req.ColumnDelimiter != "COMMA") || (req.LineEnding != "" && req.LineEnding != "LF") ||
		(req.ContentType != "" && req.ContentType != "CSV") {
		writeErrors(w, errf(http.StatusBadRequest, "INVALIDJOB", nil, "Only CSV with COMMA delimiters and LF line endings is supported"))
		return
	}
	parsed, err := soql.Parse(req.Query)
	if err != nil {
		writeErrors(w, queryError(err))
		return
	}
	def, ok := s.schema.Lookup(parsed.From)
	if !ok {
		writeErrors(w, unknownTypeError(req.Query, parsed.From))
		return
	}
	var header [][]string
	for _, it := range stripAlias(parsed) {
		if it.Subquery != nil || it.Func != "" || it.DateFunc != "" || it.Fields != "" {
			writeErrors(w, errf(http.StatusBadRequest, "API_ERROR", nil,
				"Bulk API 2.0 query does not support aggregate queries, child relationship subqueries or FIELDS()"))
			return
		}
		header = append(header, s.describePath(def, it.Path))
	}
	res, err := soql.Execute(r.Context(), s.queryEnv(versionOf(r.Context()), req.Operation == "queryAll"), parsed)
	if err != nil {
		writeErrors(w, queryError(err))
		return
	}
	job := &bulkJob{}
	for _, h := range header {
		job.header = append(job.header, strings.Join(h, "."))
	}
	for _, row := range res.Records {
		vals := make([]any, len(header))
		for i, h := range header {
			vals[i] = rowValue(row, h)
		}
		job.rows = append(job.rows, vals)
	}
	now := formatDateTime(s.now())
	se := sessionOf(r.Context())
	s.mu.Lock()
	s.querySeq++
	id := string(sfdc.NewID("750", "Dm", 1_000_000+s.querySeq))
	job.info = bulkJobInfo{ID: id, Operation: req.Operation, Object: def.Name, CreatedByID: se.userID,
		CreatedDate: now, SystemModstamp: now, State: "UploadComplete", ConcurrencyMode: "Parallel",
		ContentType: "CSV", APIVersion: json.Number(versionOf(r.Context())), LineEnding: "LF", ColumnDelimiter: "COMMA"}
	s.bulkJobs[id] = job
	s.bulkOrder = append(s.bulkOrder, id)
	if len(s.bulkOrder) > maxBulkJobs {
		delete(s.bulkJobs, s.bulkOrder[0])
		s.bulkOrder = s.bulkOrder[1:]
	}
	info := job.info
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
}

// bulkJobOp serves GET (status), PATCH {"state":"Aborted"} and DELETE of a job.
func (s *Server) bulkJobOp(w http.ResponseWriter, r *http.Request, job *bulkJob) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		if job.info.State == "UploadComplete" {
			n, zero, ms := len(job.rows), 0, 12
			job.info.State = "JobComplete"
			job.info.NumberRecordsProcessed, job.info.Retries, job.info.TotalProcessingTime = &n, &zero, &ms
			job.info.SystemModstamp = formatDateTime(s.now())
		}
		info := job.info
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, info)
	case http.MethodPatch:
		var req struct {
			State string `json:"state"`
		}
		if err := decodeBody(r, &req); err != nil {
			writeErrors(w, err)
			return
		}
		if req.State != "Aborted" {
			writeErrors(w, errf(http.StatusBadRequest, "INVALIDJOBSTATE", nil, "Invalid state: %s", req.State))
			return
		}
		s.mu.Lock()
		if job.info.State != "JobComplete" {
			job.info.State = "Aborted"
		}
		info := job.info
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, info)
	case http.MethodDelete:
		s.mu.Lock()
		delete(s.bulkJobs, job.info.ID)
		for i, id := range s.bulkOrder {
			if id == job.info.ID {
				s.bulkOrder = append(s.bulkOrder[:i:i], s.bulkOrder[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "PATCH", "DELETE"))
	}
}

// bulkResults serves GET jobs/query/{id}/results?locator=&maxRecords= as CSV.
func (s *Server) bulkResults(w http.ResponseWriter, r *http.Request, job *bulkJob) {
	s.mu.Lock()
	state := job.info.State
	s.mu.Unlock()
	if state != "JobComplete" {
		writeErrors(w, errf(http.StatusPreconditionFailed, "JOB_NOT_COMPLETE", nil,
			"can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: %s",
			strings.ToUpper(state)))
		return
	}
	offset := 0
	if loc := r.URL.Query().Get("locator"); loc != "" && loc != "null" {
		raw, err := base64.RawStdEncoding.DecodeString(loc)
		n, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || n < 0 || n > len(job.rows) {
			writeErrors(w, errf(http.StatusBadRequest, "INVALIDLOCATOR", nil, "Invalid locator: %s", loc))
			return
		}
		offset = n
	}
	page := defaultBulkPage
	if n, err := strconv.Atoi(r.URL.Query().Get("maxRecords")); err == nil && n > 0 {
		page = n
	}
	end := min(len(job.rows), offset+page)
	var b strings.Builder
	for i, h := range job.header {
		if i > 0 {
			b.WriteByte(',')
		}
		writeCSVCell(&b, h)
	}
	b.WriteByte('\n')
	for _, row := range job.rows[offset:end] {
		for i, v := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			if v != nil {
				writeCSVCell(&b, sfdc.ValueText(v))
			}
		}
		b.WriteByte('\n')
	}
	next := "null"
	if end < len(job.rows) {
		next = base64.RawStdEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-offset))
	w.Header().Set("Sforce-Locator", next)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}

func writeCSVCell(b *strings.Builder, s string) {
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `""`))
	b.WriteByte('"')
}

// describePath converts a select path to describe casing (as written when
// it does not resolve).
func (s *Server) describePath(def *ObjectDef, path []string) []string {
	out := make([]string, len(path))
	copy(out, path)
	cur := def
	for i, p := range path {
		if cur == nil {
			break
		}
		if i == len(path)-1 {
			if f, ok := cur.Field(p); ok {
				out[i] = f.Name
			}
			break
		}
		rel, target := s.relationship(cur, p)
		if rel != "" {
			out[i] = rel
		}
		cur = target
	}
	return out
}

// rowValue walks a result row along path (case-insensitively).
func rowValue(r *soql.Row, path []string) any {
	for i, p := range path {
		var v any
		found := false
		for k, key := range r.Keys {
			if strings.EqualFold(key, p) {
				v, found = r.Values[k], true
				break
			}
		}
		if !found || i == len(path)-1 {
			if sub, ok := v.(*soql.Row); ok && sub == nil {
				return nil
			}
			return v
		}
		next, ok := v.(*soql.Row)
		if !ok || next == nil {
			return nil
		}
		r = next
	}
	return nil
}
