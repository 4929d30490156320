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

// decodeSubrequests decodes the body of a composite or batch request (kind)
// into req and checks that count(), its number of subrequests, is 1 to 25.
func decodeSubrequests(r *http.Request, req any, kind string, count func() int) *Error {
	if err := decodeBody(r, req); err != nil {
		return err
	}
	if n := count(); n == 0 || n > maxCompositeSubrequests {
		return errf(http.StatusBadRequest, "INVALID_INPUT", nil, "The %s request must contain between 1 and %d subrequests", kind, maxCompositeSubrequests)
	}
	return nil
}

// handleComposite serves POST composite: up to 25 subrequests with
// @{ref.path} references and allOrNone.
func (s *Server) handleComposite(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AllOrNone          bool         `json:"allOrNone"`
		CollateSubrequests bool         `json:"collateSubrequests"`
		CompositeRequest   []subrequest `json:"compositeRequest"`
	}
	if err := decodeSubrequests(r, &req, "composite", func() int { return len(req.CompositeRequest) }); err != nil {
		writeErrors(w, err)
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
	if method != http.MethodGet && method != http.MethodHead && s.takeFault(req, func(f *Faults) bool { return f.RowLock }) {
		return fail(errRowLock(lastSegment(u.Path)))
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
