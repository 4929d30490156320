package sfdc

import (
	"fmt"
	"strings"
	"time"
)

// Salesforce datetime layouts: the REST API writes
// "2013-05-07T22:07:19.000+0000"; SOQL and other sources use RFC 3339.
var timeLayouts = []string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02",
}

// ParseTime parses a Salesforce datetime (or date) value.
func ParseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid Salesforce datetime %q", s)
}

// Time is a time.Time that decodes Salesforce's datetime formats and
// encodes as "2006-01-02T15:04:05.000+0000"; JSON null is the zero time.
type Time struct{ time.Time }

// UnmarshalJSON decodes a quoted datetime or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		t.Time = time.Time{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return fmt.Errorf("invalid Salesforce datetime %s", s)
	}
	v, err := ParseTime(strings.Trim(s, `"`))
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON encodes as Salesforce does, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05.000-0700") + `"`), nil
}
