package sfdc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SaveResult is the outcome of one create/update/delete, as returned by
// create and by sObject collections.
type SaveResult struct {
	ID      ID          `json:"id,omitempty"`
	Success bool        `json:"success"`
	Errors  []ErrorItem `json:"errors"`
	Created *bool       `json:"created,omitempty"`
}

// Err returns the row's errors as an *APIError (Status 0; Code taken from
// statusCode), or nil when it succeeded.
func (r SaveResult) Err() error {
	if r.Success {
		return nil
	}
	if e := errorsFromItems(0, r.Errors); e != nil {
		return e
	}
	return &APIError{Message: "save failed without an error message"}
}

// recordPath validates the object name and id and builds sobjects/T/id.
func (c *Client) recordPath(sobject string, id ID) (string, error) {
	if err := ValidateName(sobject); err != nil {
		return "", err
	}
	if !validIDChars(string(id)) {
		return "", fmt.Errorf("invalid record id %q", id)
	}
	return c.DataPath("sobjects", sobject, string(id)), nil
}

// validIDChars accepts 15- or 18-character alphanumeric ids without
// checking the checksum (Salesforce reports a bad one as MALFORMED_ID).
func validIDChars(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// GetRecord fetches one record, optionally only the given fields.
func (c *Client) GetRecord(ctx context.Context, sobject string, id ID, fields ...string) (*Record, error) {
	p, err := c.recordPath(sobject, id)
	if err != nil {
		return nil, fmt.Errorf("get record: %w", err)
	}
	var q url.Values
	if len(fields) > 0 {
		for _, f := range fields {
			if !ValidName(f) {
				return nil, fmt.Errorf("get %s %s: invalid field name %q", sobject, id, f)
			}
		}
		q = url.Values{"fields": {strings.Join(fields, ",")}}
	}
	var rec Record
	if err := c.getJSON(ctx, p, q, &rec); err != nil {
		return nil, fmt.Errorf("get %s %s: %w", sobject, id, err)
	}
	return &rec, nil
}

// Create inserts a record and returns its id. fields is anything that
// encodes to a JSON object of field values (e.g. map[string]any).
func (c *Client) Create(ctx context.Context, sobject string, fields any) (ID, error) {
	if err := ValidateName(sobject); err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	var res SaveResult
	if _, err := c.sendJSON(ctx, http.MethodPost, c.DataPath("sobjects", sobject), nil, nil, fields, &res); err != nil {
		return "", fmt.Errorf("create %s: %w", sobject, err)
	}
	if err := res.Err(); err != nil {
		return "", fmt.Errorf("create %s: %w", sobject, err)
	}
	if res.ID == "" {
		return "", fmt.Errorf("create %s: response has no id", sobject)
	}
	return res.ID, nil
}

// UpdateOptions refine Update.
type UpdateOptions struct {
	// IfUnmodifiedSince, if set, makes the update conditional on the
	// record's LastModifiedDate not being later (sent as If-Unmodified-Since);
	// otherwise Salesforce answers 412 and Update returns a *ConflictError.
	IfUnmodifiedSince time.Time
}

// Update changes fields of a record (PATCH, 204).
func (c *Client) Update(ctx context.Context, sobject string, id ID, fields any, opts UpdateOptions) error {
	p, err := c.recordPath(sobject, id)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	var h http.Header
	if !opts.IfUnmodifiedSince.IsZero() {
		h = http.Header{"If-Unmodified-Since": {opts.IfUnmodifiedSince.UTC().Format(http.TimeFormat)}}
	}
	if _, err := c.sendJSON(ctx, http.MethodPatch, p, nil, h, fields, nil); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusPreconditionFailed {
			return &ConflictError{SObject: sobject, ID: id, Since: opts.IfUnmodifiedSince, API: ae}
		}
		return fmt.Errorf("update %s %s: %w", sobject, id, err)
	}
	return nil
}

// Delete deletes a record (204).
func (c *Client) Delete(ctx context.Context, sobject string, id ID) error {
	p, err := c.recordPath(sobject, id)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if _, err := c.do(ctx, request{method: http.MethodDelete, path: p}); err != nil {
		return fmt.Errorf("delete %s %s: %w", sobject, id, err)
	}
	return nil
}
