package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
)

// This file reads the top level of a record's raw JSON without decoding the
// whole record: sync needs only Id, SystemModstamp and the index fields, and
// offline queries need only the fields they select. Decoding every record
// into map[string]any is what makes naive sync slow.

var errBadJSON = errors.New("malformed JSON record")

// eachField calls fn with every top-level key of the JSON object raw and the
// raw bytes of its value, until fn returns false. Keys are passed without
// quotes (unescaped if they hold escapes) and, like val, are only valid
// during the call: compare them with string(key) == "...", which does not
// allocate.
func eachField(raw []byte, fn func(key, val []byte) bool) error {
	s := fieldScan{raw: raw}
	for {
		key, val, ok := s.next()
		if !ok {
			return s.err
		}
		if !fn(key, val) {
			return nil
		}
	}
}

// fieldScan walks the top-level fields of a JSON object, as eachField
// does, one call of next per field: the loops that read most fields of
// every record (the index entries) use it directly, without a call of a
// closure per field.
type fieldScan struct {
	raw   []byte
	i     int // where the next field, or the separator before it, starts
	state uint8
	err   error
}

// The states of a fieldScan.
const (
	scanStart uint8 = iota // before the opening brace
	scanAfter              // after a field's value
	scanDone               // at the closing brace, or failed (err)
)

// next returns the next field's key (unescaped if it holds escapes) and
// raw value, valid until the next call; ok is false at the end of the
// object or when it is malformed (s.err). What is after a field is only
// read by the call after the one that returns it, as eachField reads it
// only once fn asks for the next field.
func (s *fieldScan) next() (key, val []byte, ok bool) {
	raw, i := s.raw, s.i
	switch s.state {
	case scanStart:
		i = skipSpace(raw, 0)
		if i >= len(raw) || raw[i] != '{' {
			return s.fail(errBadJSON)
		}
		i = skipSpace(raw, i+1)
		if i < len(raw) && raw[i] == '}' {
			s.state = scanDone
			return nil, nil, false
		}
	case scanAfter:
		i = skipSpace(raw, i)
		if i >= len(raw) {
			return s.fail(errBadJSON)
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			s.state = scanDone
			return nil, nil, false
		default:
			return s.fail(errBadJSON)
		}
	default:
		return nil, nil, false
	}
	if i >= len(raw) || raw[i] != '"' {
		return s.fail(errBadJSON)
	}
	end, escaped, good := scanString(raw, i)
	if !good {
		return s.fail(errBadJSON)
	}
	key = raw[i+1 : end-1]
	if escaped {
		k, err := unquote(raw[i:end])
		if err != nil {
			return s.fail(err)
		}
		key = []byte(k)
	}
	i = skipSpace(raw, end)
	if i >= len(raw) || raw[i] != ':' {
		return s.fail(errBadJSON)
	}
	i = skipSpace(raw, i+1)
	vend, err := skipValue(raw, i)
	if err != nil {
		return s.fail(err)
	}
	s.i, s.state = vend, scanAfter
	return key, raw[i:vend], true
}

// fail ends the scan with err.
func (s *fieldScan) fail(err error) (key, val []byte, ok bool) {
	s.state, s.err = scanDone, err
	return nil, nil, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string starting at b[i]=='"'.
func skipString(b []byte, i int) (int, error) {
	end, _, ok := scanString(b, i)
	if !ok {
		return 0, errBadJSON
	}
	return end, nil
}

// SWAR constants: one in every byte, its top bit in every byte.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanString returns the index just past the string starting at
// b[i]=='"', and whether it holds a backslash; ok is false when it does
// not end. A backslash escapes the byte after it, whatever it is: the
// string ends at the first quote after an even run of backslashes (its
// escapes are not checked here; unquote decodes them). It reads 8 bytes at
// a time while none is a quote or a backslash.
func scanString(b []byte, i int) (end int, escaped, ok bool) {
	j := i + 1
	for {
		for j+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[j:])
			q := w ^ (lsb * '"')
			bs := w ^ (lsb * '\\')
			if special := ((q-lsb)&^q | (bs-lsb)&^bs) & msb; special != 0 {
				// Borrows only propagate upwards: the lowest flagged byte
				// is a real quote or backslash.
				j += bits.TrailingZeros64(special) >> 3
				break
			}
			j += 8
		}
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		if j >= len(b) {
			return 0, false, false
		}
		if b[j] == '"' {
			return j + 1, escaped, true
		}
		escaped = true
		j += 2
	}
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errBadJSON
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errBadJSON
	default:
		j := i
		for j < len(b) && !endsScalar[b[j]] {
			j++
		}
		if j == i {
			return 0, errBadJSON
		}
		return j, nil
	}
}

// endsScalar are the bytes that end a number, true, false or null.
var endsScalar = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\n': true, '\r': true}

// unquote decodes a raw JSON string token (with quotes).
func unquote(tok []byte) (string, error) {
	if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
		return "", errBadJSON
	}
	body := tok[1 : len(tok)-1]
	simple := true
	for _, c := range body {
		if c == '\\' || c < 0x20 {
			simple = false
			break
		}
	}
	if simple {
		return string(body), nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return "", fmt.Errorf("decode JSON string: %w", err)
	}
	return s, nil
}

// decodeValue turns a raw JSON value into the types soql.Record uses: nil,
// bool, float64, string, or (for nested objects and arrays) what
// encoding/json produces.
func decodeValue(val []byte) (any, error) {
	if len(val) == 0 {
		return nil, errBadJSON
	}
	switch val[0] {
	case '"':
		return unquote(val)
	case 'n':
		return nil, nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case '{', '[':
		var v any
		if err := json.Unmarshal(val, &v); err != nil {
			return nil, fmt.Errorf("decode JSON value: %w", err)
		}
		return v, nil
	default:
		f, err := strconv.ParseFloat(string(val), 64)
		if err != nil {
			return nil, fmt.Errorf("decode JSON number %q: %w", val, err)
		}
		return f, nil
	}
}

// fieldString reads the string field name of a raw record ("" if it is
// missing or not a string).
func fieldString(raw []byte, name string) (string, error) {
	var s string
	err := eachField(raw, func(key, val []byte) bool {
		if string(key) == name {
			s = stringField(val)
			return false
		}
		return true
	})
	return s, err
}

// stringField returns the string value of a raw value, "" for null or
// non-strings.
func stringField(val []byte) string {
	if len(val) == 0 || val[0] != '"' {
		return ""
	}
	s, err := unquote(val)
	if err != nil {
		return ""
	}
	return s
}
