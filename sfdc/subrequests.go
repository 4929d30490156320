package sfdc

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// QuerySubrequest builds a composite subrequest that fetches the first page
// of q; decode its Subresponse.Body as a QueryPage.
func (c *Client) QuerySubrequest(referenceID string, q Query) Subrequest {
	resource := "query"
	if q.All {
		resource = "queryAll"
	}
	s := Subrequest{
		Method:      http.MethodGet,
		URL:         c.DataPath(resource) + "?" + url.Values{"q": {q.SOQL}}.Encode(),
		ReferenceID: referenceID,
	}
	if q.BatchSize > 0 {
		s.HTTPHeaders = map[string]string{"Sforce-Query-Options": "batchSize=" + strconv.Itoa(q.BatchSize)}
	}
	return s
}

// CreateSubrequest builds a composite subrequest that inserts a record;
// later subrequests can refer to its id as "@{referenceID.id}".
func (c *Client) CreateSubrequest(referenceID, sobject string, fields any) (Subrequest, error) {
	if err := ValidateName(sobject); err != nil {
		return Subrequest{}, fmt.Errorf("create subrequest: %w", err)
	}
	return Subrequest{Method: http.MethodPost, URL: c.DataPath("sobjects", sobject), ReferenceID: referenceID, Body: fields}, nil
}

// UpdateSubrequest builds a composite subrequest that updates a record,
// conditional on opts.IfUnmodifiedSince like Update; a conflict comes back
// as a 412 subresponse (IsConflict(sub.Err()) is true).
func (c *Client) UpdateSubrequest(referenceID, sobject string, id ID, fields any, opts UpdateOptions) (Subrequest, error) {
	p, err := c.recordPath(sobject, id)
	if err != nil {
		return Subrequest{}, fmt.Errorf("update subrequest: %w", err)
	}
	s := Subrequest{Method: http.MethodPatch, URL: p, ReferenceID: referenceID, Body: fields}
	if !opts.IfUnmodifiedSince.IsZero() {
		s.HTTPHeaders = map[string]string{"If-Unmodified-Since": opts.IfUnmodifiedSince.UTC().Format(http.TimeFormat)}
	}
	return s, nil
}

// DeleteSubrequest builds a composite subrequest that deletes a record.
func (c *Client) DeleteSubrequest(referenceID, sobject string, id ID) (Subrequest, error) {
	p, err := c.recordPath(sobject, id)
	if err != nil {
		return Subrequest{}, fmt.Errorf("delete subrequest: %w", err)
	}
	return Subrequest{Method: http.MethodDelete, URL: p, ReferenceID: referenceID}, nil
}

// GetRecordSubrequest builds a composite subrequest that reads a record,
// e.g. right after a write in the same call, to learn its new
// LastModifiedDate and derived fields. id is an Id or a reference to an
// earlier subrequest's result such as "@{ref.id}"; no fields means all.
func (c *Client) GetRecordSubrequest(referenceID, sobject, id string, fields []string) (Subrequest, error) {
	if err := ValidateName(sobject); err != nil {
		return Subrequest{}, fmt.Errorf("get subrequest: %w", err)
	}
	isRef := strings.HasPrefix(id, "@{") && strings.HasSuffix(id, "}") && ValidName(strings.TrimSuffix(strings.TrimPrefix(id, "@{"), ".id}"))
	if !isRef && !validIDChars(id) {
		return Subrequest{}, fmt.Errorf("get subrequest: invalid id %q", id)
	}
	for _, f := range fields {
		if !ValidName(f) {
			return Subrequest{}, fmt.Errorf("get subrequest %s: invalid field name %q", sobject, f)
		}
	}
	u := c.DataPath("sobjects", sobject) + "/" + id
	if len(fields) > 0 {
		u += "?" + url.Values{"fields": {strings.Join(fields, ",")}}.Encode()
	}
	return Subrequest{Method: http.MethodGet, URL: u, ReferenceID: referenceID}, nil
}
