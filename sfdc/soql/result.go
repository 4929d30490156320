package soql

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Get returns the value stored under key, matching the key exactly first
// and then case-insensitively. A dotted key ("Account.Name") walks nested
// parent records.
func (r *Row) Get(key string) (any, bool) {
	if r == nil {
		return nil, false
	}
	for i, k := range r.Keys {
		if k == key {
			return r.Values[i], true
		}
	}
	for i, k := range r.Keys {
		if strings.EqualFold(k, key) {
			return r.Values[i], true
		}
	}
	if head, rest, ok := strings.Cut(key, "."); ok {
		v, found := r.Get(head)
		if !found {
			return nil, false
		}
		sub, isRow := v.(*Row)
		if !isRow || sub == nil {
			// An empty lookup: the path exists but its value is null.
			return nil, v == nil
		}
		return sub.Get(rest)
	}
	return nil, false
}

// marshalWith returns what write writes: the MarshalJSON of a type that
// writes its own JSON.
func marshalWith(write func(*bytes.Buffer) error) ([]byte, error) {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// MarshalJSON writes the row as a JSON object with keys in order.
func (r *Row) MarshalJSON() ([]byte, error) {
	if r == nil {
		return []byte("null"), nil
	}
	return marshalWith(r.writeJSON)
}

func (r *Row) writeJSON(b *bytes.Buffer) error {
	if len(r.Keys) != len(r.Values) {
		return fmt.Errorf("soql: row has %d keys and %d values", len(r.Keys), len(r.Values))
	}
	b.WriteByte('{')
	for i, k := range r.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSONValue(b, k); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := writeJSONValue(b, r.Values[i]); err != nil {
			return fmt.Errorf("soql: field %s: %w", k, err)
		}
	}
	b.WriteByte('}')
	return nil
}

// MarshalJSON writes {"totalSize":N,"done":true,"records":[...]}.
func (c *ChildSet) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	return marshalWith(c.writeJSON)
}

func (c *ChildSet) writeJSON(b *bytes.Buffer) error {
	fmt.Fprintf(b, `{"totalSize":%d,"done":%t,"records":[`, c.TotalSize, c.Done)
	for i, r := range c.Records {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSONValue(b, r); err != nil {
			return err
		}
	}
	b.WriteString("]}")
	return nil
}

// writeJSONValue writes one value without HTML escaping.
func writeJSONValue(b *bytes.Buffer, v any) error {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
		return nil
	case *Row:
		if t == nil {
			b.WriteString("null")
			return nil
		}
		return t.writeJSON(b)
	case *ChildSet:
		if t == nil {
			b.WriteString("null")
			return nil
		}
		return t.writeJSON(b)
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	// Encode adds a newline.
	b.Truncate(b.Len() - 1)
	return nil
}
