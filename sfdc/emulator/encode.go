package emulator

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// appendValue appends v as JSON. Rows keep their key order, which
// encoding/json cannot do for maps.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case float64:
		return appendFloat(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case string:
		return appendString(b, x)
	case *soql.Row:
		if x == nil {
			return append(b, "null"...)
		}
		if len(x.Keys) == 2 && x.Keys[0] == "type" && x.Keys[1] == "url" {
			// attributes, once per record
			t, ok1 := x.Values[0].(string)
			u, ok2 := x.Values[1].(string)
			if ok1 && ok2 {
				b = append(b, `{"type":`...)
				b = appendString(b, t)
				b = append(b, `,"url":`...)
				b = appendString(b, u)
				return append(b, '}')
			}
		}
		return appendRow(b, x)
	case *soql.ChildSet:
		if x == nil {
			return append(b, "null"...)
		}
		b = append(b, `{"totalSize":`...)
		b = strconv.AppendInt(b, int64(x.TotalSize), 10)
		b = append(b, `,"done":`...)
		b = strconv.AppendBool(b, x.Done)
		b = append(b, `,"records":`...)
		b = appendRows(b, x.Records)
		return append(b, '}')
	default:
		enc, err := marshal(x)
		if err != nil {
			return append(b, "null"...)
		}
		return append(b, enc...)
	}
}

func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(b, f, 'E', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

func appendRow(b []byte, r *soql.Row) []byte {
	return appendRowKeys(b, r, nil)
}

// keyCache holds the encoded `"key":` prefixes of the last row's keys;
// rows of one result share their key strings, so encoding them once per
// result saves escaping every key of every row.
type keyCache struct {
	keys []string
	enc  [][]byte
}

// prefix returns the encoded `"k":` for column i.
func (c *keyCache) prefix(i int, k string) []byte {
	if i < len(c.keys) && c.keys[i] == k {
		return c.enc[i]
	}
	enc := append(appendString(nil, k), ':')
	if i < len(c.keys) {
		c.keys[i], c.enc[i] = k, enc
	} else {
		c.keys, c.enc = append(c.keys, k), append(c.enc, enc)
	}
	return enc
}

// appendRowKeys is appendRow with an optional key cache.
func appendRowKeys(b []byte, r *soql.Row, kc *keyCache) []byte {
	b = append(b, '{')
	for i, k := range r.Keys {
		if i > 0 {
			b = append(b, ',')
		}
		if kc != nil {
			b = append(b, kc.prefix(i, k)...)
		} else {
			b = appendString(b, k)
			b = append(b, ':')
		}
		var v any
		if i < len(r.Values) {
			v = r.Values[i]
		}
		b = appendValue(b, v)
	}
	return append(b, '}')
}

func appendRows(b []byte, rows []*soql.Row) []byte {
	b = append(b, '[')
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRow(b, r)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// plainASCII marks bytes that appear in JSON strings unescaped.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a JSON string, escaping control characters
// (terminal escapes in data arrive as \u001b) but not HTML.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	i := 0
	for i < len(s) && plainASCII[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// recordRow builds the wire form of a stored record: attributes first, then
// fields in describe order (or the requested fields, in request order).
func recordRow(def *ObjectDef, rec Record, version string, fields []string) *soql.Row {
	id := str0(rec["Id"])
	attrs := &soql.Row{Keys: []string{"type", "url"}, Values: []any{def.Name, "/services/data/v" + version + "/sobjects/" + def.Name + "/" + id}}
	row := &soql.Row{Keys: []string{"attributes"}, Values: []any{attrs}}
	if fields == nil {
		for _, f := range def.Fields {
			row.Keys = append(row.Keys, f.Name)
			row.Values = append(row.Values, rec[f.Name])
		}
		return row
	}
	for _, name := range fields {
		f, _ := def.Field(name)
		row.Keys = append(row.Keys, f.Name)
		row.Values = append(row.Values, rec[f.Name])
	}
	return row
}

// rowJSON renders a row.
func rowJSON(r *soql.Row) json.RawMessage { return appendRow(nil, r) }
