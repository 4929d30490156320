package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lazyforce/lazyforce/sfdc"
)

// Wire formats of date and datetime values.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02T15:04:05.000+0000"
)

// formatDateTime renders a datetime as Salesforce stores it: UTC, whole
// seconds (the milliseconds are always .000).
func formatDateTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(dateTimeLayout) }

// parseDateTime accepts the ISO-8601 forms clients send for datetimes.
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{
		"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano, time.RFC3339,
		"2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z", "2006-01-02T15:04:05", "2006-01-02T15:04:05.000",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// coerce converts a JSON value sent for field f into its stored form, or
// reports the error Salesforce would.
func coerce(f *FieldDef, v any) (any, *Error) {
	if v == nil {
		return nil, nil
	}
	bad := func(kind string) *Error {
		return errJSON(fmt.Sprintf("Cannot deserialize instance of %s from %s value %v or request may be missing a required field", kind, jsonKind(v), v))
	}
	switch f.Type {
	case "boolean":
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
		return nil, bad("boolean")
	case "int", "double", "currency", "percent":
		switch x := v.(type) {
		case float64:
			if f.Type == "int" && x != float64(int64(x)) {
				return nil, bad("int")
			}
			return x, nil
		case string:
			if n, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return n, nil
			}
		}
		return nil, bad(string(f.Type))
	case "date":
		s, ok := v.(string)
		if !ok {
			return nil, bad("date")
		}
		if t, err := time.Parse(dateLayout, s); err == nil {
			return t.Format(dateLayout), nil
		}
		if t, ok := parseDateTime(s); ok {
			return t.Format(dateLayout), nil
		}
		return nil, bad("date")
	case "datetime":
		s, ok := v.(string)
		if !ok {
			return nil, bad("datetime")
		}
		if t, ok := parseDateTime(s); ok {
			return formatDateTime(t), nil
		}
		if t, err := time.Parse(dateLayout, s); err == nil {
			return formatDateTime(t), nil
		}
		return nil, bad("datetime")
	case "reference", "id":
		s, ok := v.(string)
		if !ok {
			return nil, bad("reference")
		}
		if s == "" {
			return nil, nil
		}
		id, err := sfdc.ParseID(s)
		if err != nil {
			return nil, errMalformedID(f.Label, s, f.Name)
		}
		return string(id), nil
	default: // text types
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			s = strconv.FormatBool(x)
		default:
			return nil, bad("string")
		}
		if s == "" {
			return nil, nil
		}
		if f.Length > 0 && utf8.RuneCountInString(s) > f.Length {
			return nil, &Error{Status: http.StatusBadRequest, Code: "STRING_TOO_LONG",
				Message: fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.Label, s, f.Length), Fields: []string{f.Name}}
		}
		if f.Type == "email" && !validEmail(s) {
			return nil, &Error{Status: http.StatusBadRequest, Code: "INVALID_EMAIL_ADDRESS",
				Message: fmt.Sprintf("%s: invalid email address: %s", f.Label, s), Fields: []string{f.Name}}
		}
		if (f.Type == "picklist") && f.Restricted && !inPicklist(f, s) {
			return nil, restrictedPicklistError(f, s)
		}
		return s, nil
	}
}

func restrictedPicklistError(f *FieldDef, s string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
		Message: fmt.Sprintf("%s: bad value for restricted picklist field: %s", f.Label, s), Fields: []string{f.Name}}
}

func inPicklist(f *FieldDef, s string) bool {
	for _, p := range f.Picklist {
		if p.Value == s {
			return true
		}
	}
	return false
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " ,;") && strings.Contains(s[at:], ".")
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "VALUE_STRING"
	case float64:
		return "VALUE_NUMBER_FLOAT"
	case bool:
		return "VALUE_TRUE"
	case []any:
		return "START_ARRAY"
	case map[string]any:
		return "START_OBJECT"
	}
	return "VALUE"
}

// normalizeID returns the 18-character form of a client-supplied id.
func normalizeID(raw string) (string, error) {
	id, err := sfdc.ParseID(raw)
	return string(id), err
}
