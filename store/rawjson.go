package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return errBadJSON
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return nil
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return errBadJSON
		}
		end, err := skipString(raw, i)
		if err != nil {
			return err
		}
		key := raw[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			k, err := unquote(raw[i:end])
			if err != nil {
				return err
			}
			key = []byte(k)
		}
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return errBadJSON
		}
		i = skipSpace(raw, i+1)
		vend, err := skipValue(raw, i)
		if err != nil {
			return err
		}
		if !fn(key, raw[i:vend]) {
			return nil
		}
		i = skipSpace(raw, vend)
		if i >= len(raw) {
			return errBadJSON
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return nil
		default:
			return errBadJSON
		}
	}
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
// It jumps from quote to quote (bytes.IndexByte is vectorised); a quote
// preceded by an odd run of backslashes is escaped and skipped.
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, errBadJSON
		}
		end := j + k
		n := 0
		for p := end - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return end + 1, nil
		}
		j = end + 1
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
		for j < len(b) {
			c := b[j]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				break
			}
			j++
		}
		if j == i {
			return 0, errBadJSON
		}
		return j, nil
	}
}

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
