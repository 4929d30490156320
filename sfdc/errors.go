package sfdc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Error codes the client treats specially.
const (
	CodeInvalidSession      = "INVALID_SESSION_ID"
	CodeRowLock             = "UNABLE_TO_LOCK_ROW"
	CodeRequestLimit        = "REQUEST_LIMIT_EXCEEDED"
	CodeNotFound            = "NOT_FOUND"
	CodeEntityIsDeleted     = "ENTITY_IS_DELETED"
	CodeProcessingHalted    = "PROCESSING_HALTED"
	CodeMalformedQuery      = "MALFORMED_QUERY"
	CodeInvalidField        = "INVALID_FIELD"
	CodeRestrictedPicklist  = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
	CodeRequiredFieldMiss   = "REQUIRED_FIELD_MISSING"
	CodeMalformedID         = "MALFORMED_ID"
	CodeFieldIntegrity      = "FIELD_INTEGRITY_EXCEPTION"
	CodeFieldCustomValidate = "FIELD_CUSTOM_VALIDATION_EXCEPTION"
)

// ErrorItem is one entry of a Salesforce error array. It decodes both the
// REST form (errorCode) and the SaveResult form (statusCode).
type ErrorItem struct {
	Code    string   `json:"errorCode"`
	Message string   `json:"message"`
	Fields  []string `json:"fields"`
}

// UnmarshalJSON accepts errorCode, statusCode and OAuth's error keys.
func (it *ErrorItem) UnmarshalJSON(b []byte) error {
	var w wireError
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*it = w.item()
	return nil
}

// APIError is an error response from Salesforce. Code, Message and Fields
// are those of the first (primary) error; Errors holds all of them.
type APIError struct {
	Status  int
	Code    string
	Message string
	Fields  []string
	Errors  []ErrorItem

	// Method and Path identify the request that failed (empty for errors
	// decoded from a SaveResult or composite subresponse).
	Method string
	Path   string
	// Usage is the org's API usage reported with the response, if any.
	Usage Usage
}

// Error renders the primary error, how many more there were, and the
// request. REQUEST_LIMIT_EXCEEDED gets a plain-language explanation.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("salesforce")
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSpace(e.Message))
	}
	if len(e.Fields) > 0 {
		fmt.Fprintf(&b, " (fields: %s)", strings.Join(e.Fields, ", "))
	}
	if n := len(e.Errors) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more error", n)
		if n > 1 {
			b.WriteString("s")
		}
		b.WriteString(")")
	}
	if e.Code == CodeRequestLimit {
		b.WriteString(": the org's daily API request limit is used up")
		if e.Usage.Known {
			fmt.Fprintf(&b, " (%d of %d calls used)", e.Usage.Used, e.Usage.Max)
		}
		b.WriteString("; try again later (the limit is a rolling 24 hours)")
	}
	if e.Method != "" {
		fmt.Fprintf(&b, " [%s %s]", e.Method, e.Path)
	}
	return b.String()
}

// has reports whether any of the errors carries code.
func (e *APIError) has(code string) bool {
	if e.Code == code {
		return true
	}
	for _, it := range e.Errors {
		if it.Code == code {
			return true
		}
	}
	return false
}

// ConflictError is returned for 412 Precondition Failed: an update based on
// a LastModifiedDate older than the server's version of the record.
type ConflictError struct {
	SObject string
	ID      ID
	// Since is the LastModifiedDate the update was based on.
	Since time.Time
	// API is the decoded error body (may have an empty Code).
	API *APIError
}

// Error says which record changed on the server.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("conflict: %s %s was modified on the server after %s; reload it before saving",
		e.SObject, e.ID, e.Since.UTC().Format(time.RFC3339))
}

// Unwrap exposes the underlying API error.
func (e *ConflictError) Unwrap() error {
	if e.API == nil {
		return nil
	}
	return e.API
}

// SessionExpiredError means the access token was rejected and could not be
// refreshed: the user must log in again.
type SessionExpiredError struct {
	// Cause is why the refresh failed (or the final 401 error).
	Cause error
}

// Error tells the user what to do.
func (e *SessionExpiredError) Error() string {
	if e.Cause == nil {
		return "salesforce session expired: log in again"
	}
	return "salesforce session expired, log in again: " + e.Cause.Error()
}

// Unwrap exposes the cause.
func (e *SessionExpiredError) Unwrap() error { return e.Cause }

// IsSessionExpired reports whether err means the session is invalid and
// could not be renewed (INVALID_SESSION_ID, or a failed refresh).
func IsSessionExpired(err error) bool {
	var se *SessionExpiredError
	if errors.As(err, &se) {
		return true
	}
	return hasCode(err, CodeInvalidSession)
}

// IsRowLock reports whether err is UNABLE_TO_LOCK_ROW.
func IsRowLock(err error) bool { return hasCode(err, CodeRowLock) }

// IsLimitExceeded reports whether err is REQUEST_LIMIT_EXCEEDED (the org's
// API request limit is used up).
func IsLimitExceeded(err error) bool { return hasCode(err, CodeRequestLimit) }

// IsNotFound reports whether err says the record or resource does not exist
// (NOT_FOUND, ENTITY_IS_DELETED, or a bare 404).
func IsNotFound(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.has(CodeNotFound) || ae.has(CodeEntityIsDeleted) || (ae.Status == http.StatusNotFound && ae.Code == "")
}

// IsConflict reports whether err is a *ConflictError or any 412
// Precondition Failed (e.g. from a composite subrequest).
func IsConflict(err error) bool {
	var ce *ConflictError
	if errors.As(err, &ce) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusPreconditionFailed
}

func hasCode(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.has(code)
}

// wireError is one error object as Salesforce sends it: errorCode in REST
// error arrays, statusCode inside SaveResults.
type wireError struct {
	Message    string   `json:"message"`
	ErrorCode  string   `json:"errorCode"`
	StatusCode string   `json:"statusCode"`
	Fields     []string `json:"fields"`
	// OAuth endpoints answer {"error","error_description"}.
	OAuthError       string `json:"error"`
	OAuthDescription string `json:"error_description"`
}

func (w wireError) item() ErrorItem {
	it := ErrorItem{Code: w.ErrorCode, Message: w.Message, Fields: w.Fields}
	if it.Code == "" {
		it.Code = w.StatusCode
	}
	if it.Code == "" && w.OAuthError != "" {
		it.Code = w.OAuthError
		it.Message = w.OAuthDescription
	}
	return it
}

// newAPIError builds an APIError from error items; the first is primary.
func newAPIError(status int, items []ErrorItem) *APIError {
	e := &APIError{Status: status, Errors: items}
	if len(items) > 0 {
		e.Code, e.Message, e.Fields = items[0].Code, items[0].Message, items[0].Fields
	}
	return e
}

// decodeErrorBody turns an error response body into an APIError. It
// understands the error array, a single error object, and falls back to the
// body text (e.g. an HTML page from a proxy) or the status text.
func decodeErrorBody(status int, body []byte) *APIError {
	trimmed := bytes.TrimSpace(body)
	var items []ErrorItem
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		var arr []wireError
		if json.Unmarshal(trimmed, &arr) == nil {
			for _, w := range arr {
				items = append(items, w.item())
			}
		}
	case len(trimmed) > 0 && trimmed[0] == '{':
		var w wireError
		if json.Unmarshal(trimmed, &w) == nil {
			if it := w.item(); it.Code != "" || it.Message != "" {
				items = append(items, it)
			}
		}
	}
	if len(items) == 0 {
		msg := http.StatusText(status)
		if text := strings.TrimSpace(string(trimmed)); text != "" && len(trimmed) > 0 && trimmed[0] != '[' && trimmed[0] != '{' {
			if len(text) > 200 {
				text = text[:200] + "…"
			}
			msg = text
		}
		items = []ErrorItem{{Message: msg}}
	}
	return newAPIError(status, items)
}

// errorsFromItems converts SaveResult errors; nil if there are none.
func errorsFromItems(status int, items []ErrorItem) *APIError {
	if len(items) == 0 {
		return nil
	}
	return newAPIError(status, items)
}

// IsNetworkError reports whether err is a transport failure (no HTTP
// response: connection refused or dropped, DNS failure, timeout), i.e. the
// org is unreachable rather than saying no. Offline-first callers treat it
// as "try again later". A cancelled context is not a network error.
func IsNetworkError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return false
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) || transientNetError(err)
}
