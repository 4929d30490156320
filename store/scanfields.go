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
	// order is the keys of the records scanned so far, by position, with
	// where their values go: the records of an object come with the same
	// keys in the same order, so a key is looked up among the names only
	// when it is not the one at its position last time.
	order []keySlot
}

// keySlot is a key at its position in a record and what Fields.slot
// returns for it.
type keySlot struct {
	key    string
	slot   int
	wanted bool
	// member is the key as a compact record has it, quoted, with the
	// colon after it; "" when key holds a quote or a backslash (its raw
	// text is not key).
	member string
}

// newKeySlot returns the keySlot of key.
func newKeySlot(key []byte, slot int, wanted bool) keySlot {
	k := keySlot{key: string(key), slot: slot, wanted: wanted}
	if plainKey(key) {
		k.member = `"` + k.key + `":`
	}
	return k
}

// maxOrder bounds how many keys a Fields remembers by position.
const maxOrder = 512

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
	if f.scanCompact(raw) {
		return nil
	}
	clear(f.vals)
	remaining := f.remaining
	s := fieldScan{raw: raw}
	for k := 0; ; k++ {
		key, val, ok := s.next()
		if !ok {
			return s.err
		}
		slot, wanted := f.slotAt(k, key)
		if !wanted {
			continue
		}
		v, err := scanValue(val)
		if err != nil {
			return fmt.Errorf("field %s: %w", key, err)
		}
		if slot >= 0 {
			f.vals[slot] = v
		}
		if remaining--; remaining == 0 {
			return nil
		}
	}
}

// scanCompact is Scan for a record as the cache holds them (compact JSON:
// no space between tokens, keys without escapes, the wanted values
// decoding): it reads the same values, and most keys only by comparing
// them with the key at the same position in the last record. It returns
// false, for Scan to read raw the general way, for anything else
// (another layout, escapes in a key or a wanted string, a value that does
// not decode, malformed JSON), having read nothing that counts.
func (f *Fields) scanCompact(raw []byte) bool {
	if len(raw) < 2 || raw[0] != '{' || raw[1] == '}' {
		return false
	}
	clear(f.vals)
	remaining := f.remaining
	i := 1 // at the key's opening quote
	for k := 0; ; k++ {
		if i >= len(raw) || raw[i] != '"' {
			return false
		}
		var (
			slot   int
			wanted bool
			at     int // where the value starts
		)
		if o := f.orderAt(k); o != nil && o.member != "" && len(raw)-i > len(o.member) &&
			string(raw[i:i+len(o.member)]) == o.member {
			// The key is o.key (its raw text holds no quote: its
			// string ends right after it), then the colon.
			slot, wanted, at = o.slot, o.wanted, i+len(o.member)
		} else {
			end, escaped, ok := scanString(raw, i)
			if !ok || escaped {
				return false
			}
			slot, wanted = f.slotAt(k, raw[i+1:end-1])
			if end+1 >= len(raw) || raw[end] != ':' {
				return false
			}
			at = end + 1
		}
		var end int // just past the value
		switch c := raw[at]; {
		case c == '"' && wanted:
			n := plainStringLen(raw[at+1:])
			if n < 0 {
				return false
			}
			end = at + 2 + n
			if slot >= 0 {
				f.vals[slot] = Value{kind: '"', text: raw[at+1 : at+1+n]}
			}
		case c == '"':
			e, _, ok := scanString(raw, at)
			if !ok {
				return false
			}
			end = e
		case c == '{' || c == '[':
			e, err := skipValue(raw, at)
			if err != nil {
				return false
			}
			end = e
			if wanted {
				v, err := scanValue(raw[at:e])
				if err != nil {
					return false
				}
				if slot >= 0 {
					f.vals[slot] = v
				}
			}
		default:
			end = at
			for end < len(raw) && !endsScalar[raw[end]] {
				end++
			}
			if end == at {
				return false
			}
			if !wanted {
				break
			}
			var v Value
			switch c {
			case 'n': // what scanValue reads from the first byte
				v = Value{kind: 'n'}
			case 't':
				v = Value{kind: 'b', b: true}
			case 'f':
				v = Value{kind: 'b'}
			default:
				var ok bool
				if v, ok = scanScalar(raw[at:end]); !ok {
					return false
				}
			}
			if slot >= 0 {
				f.vals[slot] = v
			}
		}
		if wanted {
			if remaining--; remaining == 0 {
				return true
			}
		}
		if end >= len(raw) {
			return false
		}
		switch raw[end] {
		case ',':
			i = end + 1
		case '}':
			return true
		default:
			return false
		}
	}
}

// orderAt returns the key remembered at position k, or nil.
func (f *Fields) orderAt(k int) *keySlot {
	if k < len(f.order) {
		return &f.order[k]
	}
	return nil
}

// scanScalar is scanValue for a number, boolean or null; a whole number
// of up to 15 digits is read without strconv (as exactly: it is a
// float64 as it is). ok is false for a value that does not decode.
func scanScalar(val []byte) (Value, bool) {
	digits, neg := val, false
	if digits[0] == '-' {
		digits, neg = digits[1:], true
	}
	if len(digits) > 0 && len(digits) <= 15 {
		n := uint64(0)
		for _, c := range digits {
			if c < '0' || c > '9' {
				n = 1 << 63 // not a whole number
				break
			}
			n = n*10 + uint64(c-'0')
		}
		if n < 1<<63 {
			num := float64(n)
			if neg {
				num = -num
			}
			return Value{kind: '0', num: num}, true
		}
	}
	v, err := scanValue(val)
	return v, err == nil
}

// slotAt is slot for the k-th key of a record, remembered by position.
func (f *Fields) slotAt(k int, key []byte) (int, bool) {
	if k < len(f.order) && f.order[k].key == string(key) {
		return f.order[k].slot, f.order[k].wanted
	}
	slot, wanted := f.slot(key)
	switch {
	case k < len(f.order):
		f.order[k] = newKeySlot(key, slot, wanted)
	case k == len(f.order) && k < maxOrder:
		f.order = append(f.order, newKeySlot(key, slot, wanted))
	}
	return slot, wanted
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

// plainKey reports whether key holds neither a quote nor a backslash.
func plainKey(key []byte) bool {
	for _, c := range key {
		if c == '"' || c == '\\' {
			return false
		}
	}
	return true
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
