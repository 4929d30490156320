package store

import (
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Reading chosen fields of every record of an object (store/book's lists
// of 100k records, after each sync) through DecodeRecord costs a map, a
// string per value and a boxed number per record. Fields reads the same
// values in the same single scan of the raw JSON (eachField) into a
// reused slice of Values, and ForEachRaw hands out records without a
// string per key: a reader that copies only what it keeps allocates
// nothing per record.

// Value is a top-level field of a raw record as Fields.Scan read it. Its
// text is only valid until the next Scan (it may be the record's bytes).
type Value struct {
	kind byte // 0: missing, or one of the JSON kinds '"', 'n' (null), 'b', '0' (number), '{' (object or array)
	text []byte
	num  float64
	b    bool
}

// Text returns a string value's text ("" for null, missing and other
// kinds, as soql.Record's string fields are read).
func (v *Value) Text() []byte {
	if v.kind != '"' {
		return nil
	}
	return v.text
}

// Number returns a number value; ok is false for null, missing and other
// kinds.
func (v *Value) Number() (f float64, ok bool) { return v.num, v.kind == '0' }

// Bool returns a boolean value (false for null, missing and other kinds).
func (v *Value) Bool() bool { return v.kind == 'b' && v.b }

// Fields reads chosen top-level fields of raw records exactly as
// DecodeRecord(raw, names...) does: Id always, names matched as that
// matches them (exactly, else case-insensitively, which DecodeRecord keeps
// under the record's spelling), the scan stopping once every field was
// seen, the same values (a string unescaped, a number as float64) and an
// error for a value it cannot decode. A Fields is not safe for concurrent
// use.
type Fields struct {
	names     []string
	byLen     [][]int // byLen[n] holds the indexes of the names n bytes long, in order
	remaining int     // what DecodeRecord counts down before it stops
	vals      []Value // vals[0] is Id, vals[i+1] is names[i]
}

// NewFields returns a Fields reading Id and names (without duplicates,
// nor Id).
func NewFields(names ...string) *Fields {
	f := &Fields{names: names, remaining: len(names) + 1, vals: make([]Value, len(names)+1)}
	for i, n := range names {
		for len(f.byLen) <= len(n) {
			f.byLen = append(f.byLen, nil)
		}
		f.byLen[len(n)] = append(f.byLen[len(n)], i)
	}
	return f
}

// Scan reads the fields of raw. Id is the record's "Id" and At(i) its
// field names[i] afterwards, until the next Scan.
func (f *Fields) Scan(raw []byte) error {
	clear(f.vals)
	remaining := f.remaining
	var derr error
	err := eachField(raw, func(key, val []byte) bool {
		slot, ok := f.slot(key)
		if !ok {
			return true
		}
		var v Value
		if v, derr = scanValue(val); derr != nil {
			derr = fmt.Errorf("field %s: %w", key, derr)
			return false
		}
		if slot >= 0 {
			f.vals[slot] = v
		}
		remaining--
		return remaining > 0
	})
	if err != nil {
		return err
	}
	return derr
}

// slot returns where key's value goes (-1: a field DecodeRecord keeps
// under another spelling, which no one reads) and whether it is wanted
// at all.
func (f *Fields) slot(key []byte) (int, bool) {
	if string(key) == "Id" {
		return 0, true
	}
	if len(key) >= len(f.byLen) {
		return -1, false // longer than every name
	}
	same := f.byLen[len(key)] // the only names it can be, or fold to
	for _, i := range same {
		if f.names[i] == string(key) {
			return i + 1, true
		}
	}
	for _, i := range same {
		if strings.EqualFold(f.names[i], string(key)) {
			return -1, true
		}
	}
	return -1, false
}

// ID returns the record's Id field as Scan read it.
func (f *Fields) ID() *Value { return &f.vals[0] }

// At returns field names[i] as Scan read it.
func (f *Fields) At(i int) *Value { return &f.vals[i+1] }

// scanValue reads a raw JSON value as decodeValue does, without
// allocating for a string without escapes, a number or a boolean.
func scanValue(val []byte) (Value, error) {
	if len(val) == 0 {
		return Value{}, errBadJSON
	}
	switch val[0] {
	case '"':
		if len(val) < 2 || val[len(val)-1] != '"' {
			return Value{}, errBadJSON
		}
		body := val[1 : len(val)-1]
		if simpleString(body) {
			return Value{kind: '"', text: body}, nil
		}
		s, err := unquote(val)
		if err != nil {
			return Value{}, err
		}
		return Value{kind: '"', text: []byte(s)}, nil
	case 'n':
		return Value{kind: 'n'}, nil
	case 't':
		return Value{kind: 'b', b: true}, nil
	case 'f':
		return Value{kind: 'b'}, nil
	case '{', '[':
		if _, err := decodeValue(val); err != nil {
			return Value{}, err
		}
		return Value{kind: '{'}, nil
	default:
		n, err := strconv.ParseFloat(string(val), 64)
		if err != nil {
			return Value{}, fmt.Errorf("decode JSON number %q: %w", val, err)
		}
		return Value{kind: '0', num: n}, nil
	}
}

// ForEachRaw is ForEach without a string per record: fn gets each cached
// record of object in Id order, its key and raw JSON valid only during the
// call, until it returns false.
func (s *Store) ForEachRaw(object string, fn func(key, raw []byte) bool) error {
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords).Bucket([]byte(object))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !fn(k, v) {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s records: %w", object, err)
	}
	return nil
}
