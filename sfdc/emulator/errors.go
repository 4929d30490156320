package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Error is one Salesforce REST error: the element of the JSON array
// Salesforce returns, plus the HTTP status.
type Error struct {
	Status  int
	Code    string
	Message string
	// Fields is omitted from the JSON when nil; an empty non-nil slice is
	// sent as [] (Salesforce does both, depending on the error).
	Fields []string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// MarshalJSON writes {"message","errorCode"[,"fields"]} in Salesforce's key order.
func (e *Error) MarshalJSON() ([]byte, error) {
	type withFields struct {
		Message   string   `json:"message"`
		ErrorCode string   `json:"errorCode"`
		Fields    []string `json:"fields"`
	}
	type noFields struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if e.Fields != nil {
		return marshal(withFields{e.Message, e.Code, e.Fields})
	}
	return marshal(noFields{e.Message, e.Code})
}

// saveError is the form of an error inside a SaveResult (statusCode, not errorCode).
func (e *Error) saveError() map[string]any {
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	return map[string]any{"statusCode": e.Code, "message": e.Message, "fields": fields}
}

func errf(status int, code string, fields []string, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...), Fields: fields}
}

// Common errors with Salesforce's real messages.
func errNotFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "The requested resource does not exist"}
}

func errInvalidSession() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}
}

func errEntityDeleted() *Error {
	return &Error{Status: http.StatusNotFound, Code: "ENTITY_IS_DELETED", Message: "entity is deleted", Fields: []string{}}
}

func errMalformedID(label, id string, field string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "MALFORMED_ID",
		Message: label + ": id value of incorrect type: " + id, Fields: []string{field}}
}

func errRequestLimit() *Error {
	return &Error{Status: http.StatusForbidden, Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}
}

func errRowLock(id string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "UNABLE_TO_LOCK_ROW",
		Message: "unable to obtain exclusive access to this record or 1 records: " + id, Fields: []string{}}
}

func errMethodNotAllowed(method string, allowed ...string) *Error {
	return &Error{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED",
		Message: fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", method, strings.Join(allowed, ","))}
}

func errJSON(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "JSON_PARSER_ERROR", Message: msg}
}

// jsonContentType is Salesforce's exact Content-Type for JSON bodies.
const jsonContentType = "application/json;charset=UTF-8"

// writeErrors sends errs as Salesforce's JSON array with the first error's status.
func writeErrors(w http.ResponseWriter, errs ...*Error) {
	status := http.StatusBadRequest
	if len(errs) > 0 {
		status = errs[0].Status
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Token")
	}
	writeJSON(w, status, errs)
}

// writeJSON sends v as JSON with Salesforce's content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := marshal(v)
	if err != nil {
		body = []byte(`[{"message":"internal error encoding response","errorCode":"UNKNOWN_EXCEPTION"}]`)
		status = http.StatusInternalServerError
	}
	writeRaw(w, status, body)
}

// writeRaw sends an already encoded JSON body.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// marshal encodes v as compact JSON without HTML escaping, as Salesforce does.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
