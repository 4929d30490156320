package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
)

// Composite limits.
const (
	maxCompositeSubrequests = 25
	maxCollectionRecords    = 200
)

func (s *Server) dispatchComposite(w http.ResponseWriter, r *http.Request, segs []string) {
	switch {
	case len(segs) == 0:
		if r.Method != http.MethodPost {
			writeErrors(w, errMethodNotAllowed(r.Method, "POST"))
			return
		}
		s.handleComposite(w, r)
	case len(segs) == 1 && segs[0] == "batch":
		if r.Method != http.MethodPost {
			writeErrors(w, errMethodNotAllowed(r.Method, "POST"))
			return
		}
		s.handleBatch(w, r)
	case len(segs) == 1 && segs[0] == "sobjects":
		switch r.Method {
		case http.MethodPost, http.MethodPatch:
			s.handleCollectionSave(w, r, r.Method == http.MethodPost)
		case http.MethodDelete:
			s.handleCollectionDelete(w, r)
		default:
			writeErrors(w, errMethodNotAllowed(r.Method, "POST", "PATCH", "DELETE"))
		}
	case len(segs) == 2 && segs[0] == "tree":
		s.handleTree(w, r, segs[1])
	case len(segs) == 2 && segs[0] == "sobjects":
		s.handleCollectionGet(w, r, segs[1])
	default:
		writeErrors(w, errNotFound())
	}
}

type subrequest struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        any               `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
}

type subresponse struct {
	Body           any               `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    string            `json:"referenceId"`

	decoded any // Body decoded, for @{ref} lookups
}

func haltedBody() []*Error {
	return []*Error{{Status: http.StatusBadRequest, Code: "PROCESSING_HALTED",
		Message: "The transaction was rolled back since another operation in the same transaction failed."}}
}

// handleComposite serves POST composite: up to 25 subrequests with
// @{ref.path} references and allOrNone.
func (s *Server) handleComposite(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AllOrNone          bool         `json:"allOrNone"`
		CollateSubrequests bool         `json:"collateSubrequests"`
		CompositeRequest   []subrequest `json:"compositeRequest"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeErrors(w, err)
		return
	}
	if n := len(req.CompositeRequest); n == 0 || n > maxCompositeSubrequests {
		writeErrors(w, errf(http.StatusBadRequest, "INVALID_INPUT", nil, "The composite request must contain between 1 and %d subrequests", maxCompositeSubrequests))
		return
	}
	var tx *txn
	ctx := r.Context()
	if req.AllOrNone {
		tx = &txn{}
		ctx = context.WithValue(ctx, ctxTxn, tx)
	}
	results := map[string]any{}
	out := make([]subresponse, 0, len(req.CompositeRequest))
	failed := -1
	for i, sub := range req.CompositeRequest {
		if failed >= 0 && req.AllOrNone {
			out = append(out, subresponse{Body: haltedBody(), HTTPHeaders: map[string]string{}, HTTPStatusCode: 400, ReferenceID: sub.ReferenceID})
			continue
		}
		resp := s.runSubrequest(ctx, r, sub, results)
		out = append(out, resp)
		if resp.HTTPStatusCode >= 400 {
			if failed < 0 {
				failed = i
			}
			continue
		}
		results[sub.ReferenceID] = resp.decoded
	}
	if failed >= 0 && req.AllOrNone {
		s.org.rollback(tx)
		for i := range out {
			if i != failed {
				out[i] = subresponse{Body: haltedBody(), HTTPHeaders: map[string]string{}, HTTPStatusCode: 400, ReferenceID: out[i].ReferenceID}
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"compositeResponse": out})
}

// runSubrequest executes one composite subrequest in-process.
func (s *Server) runSubrequest(ctx context.Context, parent *http.Request, sub subrequest, results map[string]any) subresponse {
	fail := func(e *Error) subresponse {
		return subresponse{Body: []*Error{e}, HTTPHeaders: map[string]string{}, HTTPStatusCode: e.Status, ReferenceID: sub.ReferenceID}
	}
	rawURL, err := resolveRefs(sub.URL, results)
	if err != nil {
		return fail(err)
	}
	body, err := resolveRefsIn(sub.Body, results)
	if err != nil {
		return fail(err)
	}
	u, perr := url.Parse(rawURL)
	if perr != nil || !strings.HasPrefix(cleanPath(u.Path), "/services/data/") {
		return fail(errNotFound())
	}
	verSeg, rest, _ := strings.Cut(strings.TrimPrefix(cleanPath(u.Path), "/services/data/"), "/")
	version, ok := s.parseVersion(verSeg)
	if !ok {
		return fail(errNotFound())
	}
	var reader *bytes.Reader
	if body != nil {
		enc, _ := marshal(body)
		reader = bytes.NewReader(enc)
	} else {
		reader = bytes.NewReader(nil)
	}
	method := strings.ToUpper(sub.Method)
	if method == "" {
		method = http.MethodGet
	}
	req, rerr := http.NewRequestWithContext(context.WithValue(ctx, ctxVersion, version), method, u.String(), reader)
	if rerr != nil {
		return fail(errNotFound())
	}
	req.Host = parent.Host
	req.TLS = parent.TLS
	req.Header.Set("Content-Type", "application/json")
	for k, v := range sub.HTTPHeaders {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.dispatch(rec, req, splitPath(rest))
	resp := subresponse{HTTPHeaders: map[string]string{}, HTTPStatusCode: rec.Code, ReferenceID: sub.ReferenceID}
	if loc := rec.Header().Get("Location"); loc != "" {
		resp.HTTPHeaders["Location"] = loc
	}
	if rec.Body.Len() > 0 {
		// The body goes out verbatim (keeping Salesforce's key order);
		// references are resolved against a decoded copy.
		raw := json.RawMessage(append([]byte(nil), rec.Body.Bytes()...))
		resp.Body = raw
		var v any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			resp.decoded = v
		}
	}
	return resp
}

// resolveRefs replaces every @{ref.path} in s.
func resolveRefs(s string, results map[string]any) (string, *Error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "@{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		v, err := lookupRef(s[i+2:i+j], results)
		if err != nil {
			return "", err
		}
		b.WriteString(s[:i])
		b.WriteString(refString(v))
		s = s[i+j+1:]
	}
}

// resolveRefsIn replaces references inside a decoded JSON body. A string
// that is exactly one reference takes the referenced value's type.
func resolveRefsIn(v any, results map[string]any) (any, *Error) {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "@{") && strings.HasSuffix(x, "}") && strings.Count(x, "@{") == 1 {
			return lookupRef(x[2:len(x)-1], results)
		}
		return resolveRefs(x, results)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := resolveRefsIn(e, results)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := resolveRefsIn(e, results)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

func refString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	b, _ := marshal(v)
	return string(b)
}

// lookupRef evaluates "refId.a.b[0].c" against earlier results.
func lookupRef(expr string, results map[string]any) (any, *Error) {
	invalid := func() *Error {
		return errf(http.StatusBadRequest, "PROCESSING_HALTED", nil,
			"Invalid reference specified. No value for %s found. Provided referenceId must be a prior successful subrequest.", expr)
	}
	parts := strings.Split(expr, ".")
	cur, ok := results[parts[0]]
	if !ok {
		return nil, invalid()
	}
	for _, p := range parts[1:] {
		name, idx := p, -1
		if k := strings.IndexByte(p, '['); k >= 0 && strings.HasSuffix(p, "]") {
			n, err := strconv.Atoi(p[k+1 : len(p)-1])
			if err != nil {
				return nil, invalid()
			}
			name, idx = p[:k], n
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, invalid()
		}
		if cur, ok = m[name]; !ok {
			return nil, invalid()
		}
		if idx >= 0 {
			arr, ok := cur.([]any)
			if !ok || idx >= len(arr) {
				return nil, invalid()
			}
			cur = arr[idx]
		}
	}
	return cur, nil
}

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
				err = s.org.update(wr, typ, id, rec, zeroTime)
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
	def, ok := s.schema.Lookup(object)
	if !ok {
		writeErrors(w, errNotFound())
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

// handleBatch serves POST composite/batch: up to 25 independent
// subrequests; with haltOnError the ones after a failure get 412.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		HaltOnError   bool `json:"haltOnError"`
		BatchRequests []struct {
			Method    string `json:"method"`
			URL       string `json:"url"`
			RichInput any    `json:"richInput"`
		} `json:"batchRequests"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeErrors(w, err)
		return
	}
	if n := len(req.BatchRequests); n == 0 || n > maxCompositeSubrequests {
		writeErrors(w, errf(http.StatusBadRequest, "INVALID_INPUT", nil, "The batch request must contain between 1 and %d subrequests", maxCompositeSubrequests))
		return
	}
	type result struct {
		StatusCode int `json:"statusCode"`
		Result     any `json:"result"`
	}
	out := struct {
		HasErrors bool     `json:"hasErrors"`
		Results   []result `json:"results"`
	}{Results: []result{}}
	halted := false
	for _, br := range req.BatchRequests {
		if halted {
			out.Results = append(out.Results, result{StatusCode: http.StatusPreconditionFailed, Result: []*Error{{
				Status: http.StatusPreconditionFailed, Code: "BATCH_PROCESSING_HALTED", Message: "Batch processing halted per request"}}})
			continue
		}
		u := br.URL
		if !strings.HasPrefix(u, "/") {
			u = "/services/data/" + u // batch URLs are relative to /services/data/
		}
		resp := s.runSubrequest(r.Context(), r, subrequest{Method: br.Method, URL: u, Body: br.RichInput}, nil)
		out.Results = append(out.Results, result{StatusCode: resp.HTTPStatusCode, Result: resp.Body})
		if resp.HTTPStatusCode >= 400 {
			out.HasErrors = true
			halted = req.HaltOnError
		}
	}
	writeJSON(w, http.StatusOK, out)
}
