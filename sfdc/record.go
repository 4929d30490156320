package sfdc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Attributes is the "attributes" object of every record.
type Attributes struct {
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}

// QueryResult is a decoded query result; also the value of a child
// relationship (subquery) inside a record.
type QueryResult struct {
	TotalSize      int       `json:"totalSize"`
	Done           bool      `json:"done"`
	NextRecordsURL string    `json:"nextRecordsUrl,omitempty"`
	Records        []*Record `json:"records"`
}

// Record is a decoded sObject or AggregateResult row. Field values are nil
// (JSON null), string, bool, json.Number, *Record (a parent relationship),
// *QueryResult (a child relationship) or, for compound fields such as
// addresses, map[string]any / []any. Field names keep the response's order.
type Record struct {
	Attributes Attributes
	names      []string
	values     map[string]any
}

// NewRecord returns an empty record of the given type.
func NewRecord(sobject string) *Record {
	return &Record{Attributes: Attributes{Type: sobject}, values: map[string]any{}}
}

// DecodeRecord decodes one record as found in a query page.
func DecodeRecord(raw []byte) (*Record, error) {
	r := &Record{}
	if err := r.UnmarshalJSON(raw); err != nil {
		return nil, err
	}
	return r, nil
}

// UnmarshalJSON decodes a record, keeping field order.
func (r *Record) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("decode record: not a JSON object")
	}
	*r = Record{values: map[string]any{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("decode record: %w", err)
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("decode record field %s: %w", key, err)
		}
		if key == "attributes" {
			if err := json.Unmarshal(raw, &r.Attributes); err != nil {
				return fmt.Errorf("decode record attributes: %w", err)
			}
			continue
		}
		v, err := decodeValue(raw)
		if err != nil {
			return fmt.Errorf("decode record field %s: %w", key, err)
		}
		r.Set(key, v)
	}
	return nil
}

// decodeValue classifies a field value: a nested record (has attributes),
// a child result set (has records), or a plain JSON value.
func decodeValue(raw json.RawMessage) (any, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &probe); err != nil {
			return nil, err
		}
		if _, ok := probe["attributes"]; ok {
			return DecodeRecord(trimmed)
		}
		_, hasRecords := probe["records"]
		_, hasTotal := probe["totalSize"]
		if hasRecords && hasTotal {
			var qr QueryResult
			if err := json.Unmarshal(trimmed, &qr); err != nil {
				return nil, err
			}
			return &qr, nil
		}
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// MarshalJSON encodes the record as Salesforce does: attributes first,
// then the fields in order.
func (r *Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	attrs, err := json.Marshal(r.Attributes)
	if err != nil {
		return nil, err
	}
	b.WriteString(`"attributes":`)
	b.Write(attrs)
	for _, name := range r.names {
		k, _ := json.Marshal(name)
		v, err := json.Marshal(r.values[name])
		if err != nil {
			return nil, fmt.Errorf("encode field %s: %w", name, err)
		}
		b.WriteByte(',')
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Type is the sObject type (attributes.type), e.g. "Account" or "AggregateResult".
func (r *Record) Type() string { return r.Attributes.Type }

// IsAggregate reports whether r is an AggregateResult row.
func (r *Record) IsAggregate() bool { return r.Attributes.Type == "AggregateResult" }

// ID returns the Id field, or else the id at the end of attributes.url.
func (r *Record) ID() ID {
	if s, ok := r.Get("Id"); ok {
		if id, ok := s.(string); ok && id != "" {
			return ID(id)
		}
	}
	if r.Attributes.URL != "" {
		return ID(path.Base(r.Attributes.URL))
	}
	return ""
}

// Fields returns the field names in response order (without attributes).
func (r *Record) Fields() []string { return append([]string(nil), r.names...) }

// Set sets a field value, appending the name if it is new.
func (r *Record) Set(name string, v any) {
	if r.values == nil {
		r.values = map[string]any{}
	}
	if _, ok := r.values[name]; !ok {
		r.names = append(r.names, name)
	}
	r.values[name] = v
}

// Get returns the value at a dotted path such as "Owner.Name", following
// parent relationships. Names match case-insensitively (SOQL is
// case-insensitive). ok is false if a name is missing; a null parent yields
// (nil, true).
func (r *Record) Get(fieldPath string) (any, bool) {
	cur := r
	parts := strings.Split(fieldPath, ".")
	for i, p := range parts {
		v, ok := cur.lookup(p)
		if !ok {
			return nil, false
		}
		if i == len(parts)-1 {
			return v, true
		}
		next, isRec := v.(*Record)
		if !isRec {
			if v == nil {
				return nil, true // null lookup: the whole path is null
			}
			return nil, false
		}
		cur = next
	}
	return nil, false
}

func (r *Record) lookup(name string) (any, bool) {
	if v, ok := r.values[name]; ok {
		return v, true
	}
	for _, n := range r.names {
		if strings.EqualFold(n, name) {
			return r.values[n], true
		}
	}
	return nil, false
}

// String returns the value at fieldPath as text (ValueText); "" for null
// or missing.
func (r *Record) String(fieldPath string) string {
	v, _ := r.Get(fieldPath)
	return ValueText(v)
}

// ValueText is a field value as text: strings as they are, numbers in plain
// decimal, booleans true/false, "" for null, and anything else (a compound
// field) as JSON without HTML escaping.
func ValueText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Float returns a numeric value; ok is false for null, missing or non-numbers.
func (r *Record) Float(fieldPath string) (float64, bool) {
	v, _ := r.Get(fieldPath)
	n, isNum := v.(json.Number)
	if !isNum {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// Int returns an integral value; ok is false for null, missing, non-numbers
// and numbers with a fraction.
func (r *Record) Int(fieldPath string) (int64, bool) {
	f, ok := r.Float(fieldPath)
	if !ok || f != float64(int64(f)) {
		return 0, false
	}
	return int64(f), true
}

// Bool returns a boolean value; ok is false for null, missing or non-booleans.
func (r *Record) Bool(fieldPath string) (bool, bool) {
	v, _ := r.Get(fieldPath)
	b, ok := v.(bool)
	return b, ok
}

// IsNull reports whether the value at fieldPath is null or missing.
func (r *Record) IsNull(fieldPath string) bool {
	v, _ := r.Get(fieldPath)
	return v == nil
}

// Parent returns the parent record of a relationship (e.g. "Owner"), or nil
// when the lookup is null or was not queried.
func (r *Record) Parent(relationship string) *Record {
	v, _ := r.Get(relationship)
	p, _ := v.(*Record)
	return p
}

// Children returns the child result set of a subquery relationship (e.g.
// "Contacts"), or nil when there are no children (Salesforce sends null).
func (r *Record) Children(relationship string) *QueryResult {
	v, _ := r.Get(relationship)
	q, _ := v.(*QueryResult)
	return q
}
