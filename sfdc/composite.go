package sfdc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MaxCompositeSubrequests is the most subrequests one /composite call takes.
const MaxCompositeSubrequests = 25

// MaxCollectionRecords is the most records one sObject collections call takes.
const MaxCollectionRecords = 200

// Subrequest is one entry of a /composite request. URL is a path such as
// client.DataPath("sobjects", "Task"); Body is encoded as JSON when non-nil.
type Subrequest struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        any               `json:"body,omitempty"`
	HTTPHeaders map[string]string `json:"httpHeaders,omitempty"`
}

// Subresponse is one entry of a /composite response.
type Subresponse struct {
	Body           json.RawMessage   `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    string            `json:"referenceId"`
}

// Err returns the subrequest's failure as an *APIError whose Status is the
// subrequest's status (PROCESSING_HALTED marks a rolled-back one; 412 means
// an If-Unmodified-Since conflict, see IsConflict), or nil on success.
func (s Subresponse) Err() error {
	if s.HTTPStatusCode < 400 {
		return nil
	}
	return decodeErrorBody(s.HTTPStatusCode, s.Body)
}

// ID returns the "id" of a create subresponse body, or "".
func (s Subresponse) ID() ID {
	var r struct {
		ID ID `json:"id"`
	}
	if b := bytes.TrimSpace(s.Body); len(b) == 0 || b[0] != '{' {
		return ""
	}
	if json.Unmarshal(s.Body, &r) != nil {
		return ""
	}
	return r.ID
}

// Composite sends up to 25 subrequests in one call (POST /composite).
// With allOrNone, one failure rolls back all (the others report
// PROCESSING_HALTED). The HTTP call itself succeeds even when subrequests
// fail: check each Subresponse.Err. A call made only of GET subrequests is
// retried on transient failures like a GET.
func (c *Client) Composite(ctx context.Context, allOrNone bool, reqs []Subrequest) ([]Subresponse, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	if len(reqs) > MaxCompositeSubrequests {
		return nil, fmt.Errorf("composite: %d subrequests, at most %d allowed", len(reqs), MaxCompositeSubrequests)
	}
	in := struct {
		AllOrNone        bool         `json:"allOrNone"`
		CompositeRequest []Subrequest `json:"compositeRequest"`
	}{allOrNone, reqs}
	path := c.DataPath("composite")
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("composite: encode body: %w", err)
	}
	// A composite of reads only is as safe to repeat as a GET: after a
	// 502/503/504 or a dropped connection it is retried like one.
	resp, err := c.do(ctx, request{method: http.MethodPost, path: path, body: body, repeatable: readOnly(reqs)})
	if err != nil {
		return nil, fmt.Errorf("composite: %w", err)
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return nil, nil
	}
	// Subresponse bodies (query pages on the sync path) alias resp.body,
	// which is not used again.
	if subs, ok := splitComposite(resp.body); ok {
		return subs, nil
	}
	var out struct {
		CompositeResponse []Subresponse `json:"compositeResponse"`
	}
	if err := decodeJSON(resp, &out); err != nil {
		return nil, fmt.Errorf("composite: %s %s: %w", http.MethodPost, path, err)
	}
	return out.CompositeResponse, nil
}

// readOnly reports whether every subrequest only reads (GET or HEAD).
func readOnly(reqs []Subrequest) bool {
	for _, r := range reqs {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return false
		}
	}
	return true
}

// SObject is a record to save through sObject collections: its type, id
// (for updates) and field values.
type SObject struct {
	Type   string
	ID     ID
	Fields map[string]any
}

// MarshalJSON encodes {"attributes":{"type":T},"id":…,fields…}.
func (s SObject) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(s.Fields)+2)
	for k, v := range s.Fields {
		m[k] = v
	}
	m["attributes"] = Attributes{Type: s.Type}
	if s.ID != "" {
		m["id"] = s.ID
	}
	return json.Marshal(m)
}

func (c *Client) collection(ctx context.Context, method string, allOrNone bool, recs []SObject) ([]SaveResult, error) {
	if len(recs) > MaxCollectionRecords {
		return nil, fmt.Errorf("%d records, at most %d allowed", len(recs), MaxCollectionRecords)
	}
	for i, r := range recs {
		if err := ValidateName(r.Type); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		if method == http.MethodPatch && r.ID == "" {
			return nil, fmt.Errorf("record %d: update needs an id", i)
		}
	}
	in := struct {
		AllOrNone bool      `json:"allOrNone"`
		Records   []SObject `json:"records"`
	}{allOrNone, recs}
	var out []SaveResult
	if _, err := c.sendJSON(ctx, method, c.DataPath("composite", "sobjects"), nil, nil, in, &out); err != nil {
		return nil, err
	}
	if len(out) != len(recs) {
		return out, fmt.Errorf("got %d results for %d records", len(out), len(recs))
	}
	return out, nil
}

// CreateRecords inserts up to 200 records (POST /composite/sobjects) and
// returns one SaveResult per record, in order.
func (c *Client) CreateRecords(ctx context.Context, allOrNone bool, recs []SObject) ([]SaveResult, error) {
	res, err := c.collection(ctx, http.MethodPost, allOrNone, recs)
	if err != nil {
		return res, fmt.Errorf("create records: %w", err)
	}
	return res, nil
}

// UpdateRecords updates up to 200 records by id (PATCH /composite/sobjects).
func (c *Client) UpdateRecords(ctx context.Context, allOrNone bool, recs []SObject) ([]SaveResult, error) {
	res, err := c.collection(ctx, http.MethodPatch, allOrNone, recs)
	if err != nil {
		return res, fmt.Errorf("update records: %w", err)
	}
	return res, nil
}

// DeleteRecords deletes up to 200 records by id (DELETE /composite/sobjects).
func (c *Client) DeleteRecords(ctx context.Context, allOrNone bool, ids []ID) ([]SaveResult, error) {
	if len(ids) > MaxCollectionRecords {
		return nil, fmt.Errorf("delete records: %d ids, at most %d allowed", len(ids), MaxCollectionRecords)
	}
	strs := make([]string, len(ids))
	for i, id := range ids {
		if !validIDChars(string(id)) {
			return nil, fmt.Errorf("delete records: invalid id %q", id)
		}
		strs[i] = string(id)
	}
	q := url.Values{"ids": {strings.Join(strs, ",")}, "allOrNone": {fmt.Sprint(allOrNone)}}
	var out []SaveResult
	if _, err := c.sendJSON(ctx, http.MethodDelete, c.DataPath("composite", "sobjects"), q, nil, nil, &out); err != nil {
		return nil, fmt.Errorf("delete records: %w", err)
	}
	return out, nil
}

// GetRecords fetches up to 200 records of one type by id with the given
// fields (GET /composite/sobjects/T). The result is in id order; an id
// that was not found gives a nil entry.
func (c *Client) GetRecords(ctx context.Context, sobject string, ids []ID, fields []string) ([]*Record, error) {
	if err := ValidateName(sobject); err != nil {
		return nil, fmt.Errorf("get records: %w", err)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("get records %s: no fields given", sobject)
	}
	for _, f := range fields {
		if !ValidName(f) {
			return nil, fmt.Errorf("get records %s: invalid field name %q", sobject, f)
		}
	}
	strs := make([]string, len(ids))
	for i, id := range ids {
		if !validIDChars(string(id)) {
			return nil, fmt.Errorf("get records %s: invalid id %q", sobject, id)
		}
		strs[i] = string(id)
	}
	q := url.Values{"ids": {strings.Join(strs, ",")}, "fields": {strings.Join(fields, ",")}}
	var out []*Record
	if err := c.getJSON(ctx, c.DataPath("composite", "sobjects", sobject), q, &out); err != nil {
		return nil, fmt.Errorf("get records %s: %w", sobject, err)
	}
	return out, nil
}
