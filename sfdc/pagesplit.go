package sfdc

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// splitPage decodes a query response body in one validating pass: it reads
// the top-level totalSize, done and nextRecordsUrl and slices each element
// of records out of b as its own json.RawMessage (no copy: the elements
// alias b, capped so that appending to one cannot overwrite the next).
//
// It accepts only input that encoding/json accepts and decodes the same
// way. Anything unusual (invalid JSON, a top level that is not an object,
// duplicate keys, keys that match a field only case-insensitively or with
// escapes, null or non-integer values, excessive nesting…) returns
// ok=false and the caller decodes with encoding/json instead, which also
// produces the error.
//
// It also notes where the top-level members of each record are (see
// QueryPage.Members), in spans when given, else in new memory.
func splitPage(b []byte) (p QueryPage, ok bool) { return splitPageSpans(b, nil) }

// splitPageSpans is splitPage noting the records' members in sp (nil: a
// new recordSpans), which the page then holds.
func splitPageSpans(b []byte, sp *recordSpans) (p QueryPage, ok bool) {
	var present uint8 // bits of the pageFields seen
	if sp == nil {
		sp = &recordSpans{}
	}
	sp.reset()
	s := pageScanner{b: b, spans: sp}
	s.space()
	good := s.members(func(key []byte, escaped bool) bool {
		return !escaped && s.field(key, pageFields[:], &present, func(f int) (good bool) {
			switch f {
			case fieldTotalSize:
				p.TotalSize, good = s.integer()
			case fieldDone:
				p.Done, good = s.boolean()
			case fieldNextRecordsURL:
				p.NextRecordsURL, good = s.string()
			case fieldRecords:
				p.Records, good = s.records()
			}
			return good
		})
	})
	if !good || !s.end() {
		return QueryPage{}, false
	}
	if len(sp.bounds) == len(p.Records)+1 {
		p.spans = sp
	}
	return p, true
}

// The fields of a query page that splitPage reads, by index in pageFields.
const (
	fieldTotalSize = iota
	fieldDone
	fieldNextRecordsURL
	fieldRecords
)

var pageFields = [...]string{"totalSize", "done", "nextRecordsUrl", "records"}

// field scans the value of key: when it is one of names, as fn decodes
// the names[i] it is given, else skipped. Like encoding/json's, a key
// matching a name only case-insensitively would set that field, and a
// repeated key is last-wins: both fail, for encoding/json to decode by its
// own rules. present holds one bit per name seen (at most 8 names).
func (s *pageScanner) field(key []byte, names []string, present *uint8, fn func(i int) bool) bool {
	for i, name := range names {
		if string(key) == name {
			bit := uint8(1) << i
			if *present&bit != 0 {
				return false
			}
			*present |= bit
			return fn(i)
		}
		if bytes.EqualFold(key, []byte(name)) {
			return false
		}
	}
	return s.value()
}

// maxSplitDepth bounds nesting; deeper input goes to encoding/json (whose
// own limit is 10000).
const maxSplitDepth = 512

// pageScanner is a validating JSON scanner over b. Its methods return
// false on anything encoding/json would reject (and on a few things it
// would accept, which the caller then hands to encoding/json).
type pageScanner struct {
	b     []byte
	i     int
	depth int
	spans *recordSpans // where records notes the records' members (splitPageSpans sets it)
	// stretches are what lies before each value of a record noted with
	// members (see record); differ counts the records in a row that did
	// not match them, up to maxDiffer, when record stops noting them.
	stretches []stretch
	differ    int
}

// maxDiffer is how many records in a row may differ from the stretches
// of the one before: beyond, their keys are no longer compared (records
// of many shapes would cost more to compare and note than to scan).
const maxDiffer = 8

// stretch is what lies between two values of a record (or its '{' and
// its first value), the n bytes of `,"Name":` at b[at:]: where the key's
// text is in it, and its first 24 bytes as words (little-endian) with
// masks of the bytes that are its (a longer one is then compared whole).
type stretch struct {
	w, m        [3]uint64
	at, n       int
	key, keyEnd int
}

func (s *pageScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *pageScanner) next(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *pageScanner) space() { s.i = skipSpace(s.b, s.i) }

// end reports whether only whitespace is left.
func (s *pageScanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// boolean scans true or false.
func (s *pageScanner) boolean() (v, ok bool) {
	switch {
	case s.literal("true"):
		return true, true
	case s.literal("false"):
		return false, true
	}
	return false, false
}

func (s *pageScanner) literal(lit string) bool {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// records scans the array of the records key into raw elements.
func (s *pageScanner) records() ([]json.RawMessage, bool) {
	if !s.next('[') {
		return nil, false
	}
	s.space()
	if s.next(']') {
		return []json.RawMessage{}, true
	}
	var recs []json.RawMessage
	// Only the last records key counts (a repeated one fails anyway).
	s.spans.reset()
	s.stretches, s.differ = s.stretches[:0], 0
	for {
		start := s.i
		if !s.record() {
			return nil, false
		}
		if recs == nil {
			// Guess the count from the first element's size to avoid
			// regrowing.
			n := (len(s.b) - start) / max(s.i-start+1, 1)
			recs = make([]json.RawMessage, 0, min(max(n+1, 1), 1<<16))
			sp := s.spans
			sp.members = slices.Grow(sp.members, min((n+1)*len(sp.members), 1<<20))
			sp.bounds = slices.Grow(sp.bounds, cap(recs)+1)
		}
		recs = append(recs, json.RawMessage(s.b[start:s.i:s.i]))
		s.space()
		if s.next(',') {
			s.space()
			continue
		}
		if !s.next(']') {
			return nil, false
		}
		return recs, true
	}
}

// record scans one element of records like value, noting in s.spans
// where the members of an object are. A record with an escaped
// key, or too long for a memberSpan's offsets, or that is no object, is
// noted without members.
//
// The records of a page repeat their keys in the same order, so record
// first compares what lies before each value (`{"Id":`, `,"Name":`…)
// with the same stretch of an earlier record, s.stretches: equal bytes
// were validated there, and mean the same key here, so only a different
// stretch is scanned. A record noted with members that differed from
// them gives its stretches to the next (see maxDiffer).
func (s *pageScanner) record() bool {
	sp := s.spans
	b := s.b
	start, first := s.i, len(sp.members)
	if start >= len(b) || b[start] != '{' {
		sp.skip()
		return s.value()
	}
	known := s.stretches // none after the first member that differs
	plain, same := true, true
	i := start // at the '{' or after a member's value
	for j := 0; ; j++ {
		var key, keyEnd, val int
		if j < len(known) && i <= len(b)-24 {
			t := &known[j]
			x := b[i : i+24]
			d := (binary.LittleEndian.Uint64(x[:8])^t.w[0])&t.m[0] |
				(binary.LittleEndian.Uint64(x[8:16])^t.w[1])&t.m[1] |
				(binary.LittleEndian.Uint64(x[16:24])^t.w[2])&t.m[2]
			if d == 0 && (t.n <= 24 || t.n <= len(b)-i && string(b[i:i+t.n]) == string(b[t.at:t.at+t.n])) {
				key, keyEnd = i+t.key, i+t.keyEnd
				val = skipSpace(b, i+t.n) // this record may have more
				goto value
			}
		}
		// As value scans an object's members, one level down.
		if j == 0 {
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
		} else {
			i = skipSpace(b, i)
			if i >= len(b) {
				return false
			}
			if b[i] == '}' {
				i++
				break
			}
			if b[i] != ',' {
				return false
			}
			i = skipSpace(b, i+1)
		}
		{
			if i >= len(b) || b[i] != '"' {
				return false
			}
			end, escaped, ok := skipStr(b, i)
			if !ok {
				return false
			}
			key, keyEnd = i+1, end-1
			plain, same, known = plain && !escaped, false, nil
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return false
			}
			val = skipSpace(b, i+1)
		}
	value:
		if val >= len(b) {
			return false
		}
		var ok bool
		switch b[val] {
		case '"':
			i, _, ok = skipStr(b, val)
		case '{', '[':
			s.i = val
			s.depth++
			ok = s.value()
			s.depth--
			i = s.i
		default:
			i, ok = skipScalar(b, val)
		}
		if !ok {
			return false
		}
		// Offsets past 64 KiB wrap: the record is then noted without
		// members, below.
		sp.members = append(sp.members, memberSpan{
			key: uint16(key - start), keyEnd: uint16(keyEnd - start),
			val: uint16(val - start), valEnd: uint16(i - start),
		})
	}
	s.i = i
	if !plain || i-start > maxSpanRecord {
		sp.members = sp.members[:first]
		sp.skip()
		return true
	}
	sp.bounds = append(sp.bounds, uint32(len(sp.members)))
	switch {
	case same && len(s.stretches) == len(sp.members)-first:
		s.differ = 0
	case s.differ < maxDiffer:
		s.differ++
		s.noteStretches(start, sp.members[first:])
	default:
		s.stretches = s.stretches[:0]
	}
	return true
}

// noteStretches notes in s.stretches what lies before each value of the
// record at b[start:], whose members are ms.
func (s *pageScanner) noteStretches(start int, ms []memberSpan) {
	st := slices.Grow(s.stretches[:0], len(ms))
	at := start // where the stretch starts: the '{', then the end of a value
	for _, m := range ms {
		t := stretch{at: at, n: start + int(m.val) - at, key: start + int(m.key) - at, keyEnd: start + int(m.keyEnd) - at}
		// A longer one's first 24 bytes are compared as words, then all.
		for k := range t.w {
			from := at + 8*k
			n := min(max(at+t.n-from, 0), 8) // its bytes in word k
			t.m[k] = ^uint64(0) >> (64 - 8*n)
			if from+8 <= len(s.b) {
				t.w[k] = binary.LittleEndian.Uint64(s.b[from:from+8]) & t.m[k]
				continue
			}
			for c := range n {
				t.w[k] |= uint64(s.b[from+c]) << (8 * c)
			}
		}
		st = append(st, t)
		at = start + int(m.valEnd)
	}
	s.stretches = st
}

// skipScalar validates and skips the number, true, false or null at b[i].
func skipScalar(b []byte, i int) (int, bool) {
	switch b[i] {
	case 't':
		if len(b)-i < 4 || string(b[i:i+4]) != "true" {
			return 0, false
		}
		return i + 4, true
	case 'f':
		if len(b)-i < 5 || string(b[i:i+5]) != "false" {
			return 0, false
		}
		return i + 5, true
	case 'n':
		if len(b)-i < 4 || string(b[i:i+4]) != "null" {
			return 0, false
		}
		return i + 4, true
	}
	return skipNumber(b, i)
}

// elements scans the array at s.i, calling fn with s.i at the start of
// each element; fn must scan the element.
func (s *pageScanner) elements(fn func() bool) bool { return s.items('[', ']', fn) }

// members scans the object at s.i, calling fn with each key (raw, and
// whether it has escapes) and s.i at the start of its value; fn must scan
// the value.
func (s *pageScanner) members(fn func(key []byte, escaped bool) bool) bool {
	return s.items('{', '}', func() bool {
		if s.peek() != '"' {
			return false
		}
		ks := s.i + 1
		esc, ok := s.str()
		if !ok {
			return false
		}
		key := s.b[ks : s.i-1]
		s.space()
		if !s.next(':') {
			return false
		}
		s.space()
		return fn(key, esc)
	})
}

// items scans the comma-separated items between opening and closing at s.i,
// calling item with s.i at the start of each; item must scan it.
func (s *pageScanner) items(opening, closing byte, item func() bool) bool {
	if !s.next(opening) {
		return false
	}
	s.space()
	if s.next(closing) {
		return true
	}
	for {
		if !item() {
			return false
		}
		s.space()
		if s.next(',') {
			s.space()
			continue
		}
		return s.next(closing)
	}
}

// nested scans a nested object or array with scan, failing beyond
// maxSplitDepth.
func (s *pageScanner) nested(scan func() bool) bool {
	if s.depth++; s.depth > maxSplitDepth {
		return false
	}
	ok := scan()
	s.depth--
	return ok
}

// integer scans a number that encoding/json would store in an int: only
// digits with an optional minus sign, at most 18 of them.
func (s *pageScanner) integer() (int, bool) {
	neg := s.next('-')
	digits := s.i
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		n = n*10 + int(s.b[s.i]-'0')
		s.i++
	}
	nd := s.i - digits
	if nd == 0 || nd > 18 || (nd > 1 && s.b[digits] == '0') {
		return 0, false
	}
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// value validates and skips one JSON value at s.i (no leading space). It
// is one loop over the tokens of the value (the records of a page are
// most of a sync's input), keeping the open objects and arrays in a bit
// stack instead of recursing.
func (s *pageScanner) value() bool {
	b := s.b
	i := s.i
	// Bit d-1 of open is set when the container at local depth d is an
	// object, clear when it is an array.
	var open [maxSplitDepth / 64]uint64
	depth := 0
	for {
		// i is at the start of a value.
		if i >= len(b) {
			return false
		}
		switch c := b[i]; c {
		case '"':
			var ok bool
			if i, _, ok = skipStr(b, i); !ok {
				return false
			}
		case '{', '[':
			if s.depth+depth >= maxSplitDepth {
				return false
			}
			w, bit := depth>>6, uint64(1)<<(depth&63)
			depth++
			i = skipSpace(b, i+1)
			if c == '[' {
				open[w] &^= bit
				if i < len(b) && b[i] == ']' {
					i++
					depth--
					break
				}
				continue
			}
			open[w] |= bit
			if i < len(b) && b[i] == '}' {
				i++
				depth--
				break
			}
			var ok bool
			if i, ok = skipKey(b, i); !ok {
				return false
			}
			continue
		case 't':
			if len(b)-i < 4 || string(b[i:i+4]) != "true" {
				return false
			}
			i += 4
		case 'f':
			if len(b)-i < 5 || string(b[i:i+5]) != "false" {
				return false
			}
			i += 5
		case 'n':
			if len(b)-i < 4 || string(b[i:i+4]) != "null" {
				return false
			}
			i += 4
		default:
			var ok bool
			if i, ok = skipNumber(b, i); !ok {
				return false
			}
		}
		// A value ends at i: close the containers it ends, find the next
		// value.
		for {
			if depth == 0 {
				s.i = i
				return true
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return false
			}
			object := open[(depth-1)>>6]&(1<<((depth-1)&63)) != 0
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
				if object {
					var ok bool
					if i, ok = skipKey(b, i); !ok {
						return false
					}
				}
			case '}':
				if !object {
					return false
				}
				i++
				depth--
				continue
			case ']':
				if object {
					return false
				}
				i++
				depth--
				continue
			default:
				return false
			}
			break
		}
	}
}

// skipKey skips an object's key, the colon and the space around it at
// b[i], returning the index of the value.
func skipKey(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	i, _, ok := skipStr(b, i)
	if !ok {
		return 0, false
	}
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return 0, false
	}
	return skipSpace(b, i+1), true
}

// skipSpace returns the index of the first byte at or after b[i] that is
// not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipNumber validates the number
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at b[i] and returns the
// index after it.
func skipNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i, _ = skipDigits(b, i)
	default:
		return 0, false
	}
	var ok bool
	if i < len(b) && b[i] == '.' {
		if i, ok = skipDigits(b, i+1); !ok {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, ok = skipDigits(b, i); !ok {
			return 0, false
		}
	}
	return i, true
}

// skipDigits returns the index after the ASCII digits at b[i:], and whether
// there was at least one.
func skipDigits(b []byte, i int) (int, bool) {
	start := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i, i > start
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// str validates and skips the string at s.i (b[s.i] == '"'), reporting
// whether it contains escapes.
func (s *pageScanner) str() (escaped, ok bool) {
	var i int
	if i, escaped, ok = skipStr(s.b, s.i); ok {
		s.i = i
	}
	return escaped, ok
}

// skipStr validates the string at b[i] (b[i] == '"') and returns the index
// after it and whether it contains escapes. Like encoding/json it rejects
// control characters and bad escapes but not invalid UTF-8.
func skipStr(b []byte, i int) (end int, escaped, ok bool) {
	i++
	for {
		// Skip 8 bytes at a time while none is '"', '\\' or < 0x20.
		for i >= 0 && i <= len(b)-8 {
			w := binary.LittleEndian.Uint64(b[i : i+8])
			if special := stringSpecial(w); special != 0 {
				// Borrows only propagate upwards, so the lowest flagged
				// byte is a real '"', '\\' or control character.
				i += bits.TrailingZeros64(special) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			return 0, false, false
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return 0, false, false
					}
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		default:
			i++
		}
	}
}

// stringSpecial flags (bit 7 of its byte) the lowest byte of w, read
// little-endian, that is '"', '\\' or a control character, and maybe
// bytes above it; it is zero when there is none. Flipping bit 1 turns
// '"' (0x22) into 0x20 and keeps the control characters below it, so
// one comparison with 0x21 finds both; borrows only propagate upwards.
func stringSpecial(w uint64) uint64 {
	z := w ^ (lsb * 0x02)
	bs := w ^ (lsb * '\\')
	return ((z - lsb*0x21) | (bs - lsb)) &^ w & msb
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// splitComposite decodes a /composite response body like encoding/json
// decodes it into struct{CompositeResponse []Subresponse}, in one
// validating pass: each subresponse body (often a whole query page) is
// sliced out of b instead of being scanned twice and copied. The small
// httpHeaders objects and escaped strings go through encoding/json. As with
// splitPage, ok=false hands b to encoding/json.
func splitComposite(b []byte) (out []Subresponse, ok bool) {
	s := pageScanner{b: b}
	seen := false
	good := s.fields(func(key []byte) bool {
		if string(key) != "compositeResponse" {
			if bytes.EqualFold(key, []byte("compositeResponse")) {
				return false
			}
			return s.value()
		}
		if seen {
			return false
		}
		seen = true
		out = []Subresponse{}
		return s.elements(func() bool {
			var sub Subresponse
			if s.peek() != '{' || !s.subresponse(&sub) {
				return false
			}
			out = append(out, sub)
			return true
		})
	})
	return out, good && s.end()
}

// subresponse scans one compositeResponse element into sub.
func (s *pageScanner) subresponse(sub *Subresponse) bool {
	var present uint8
	return s.fields(func(key []byte) bool {
		return s.field(key, subresponseFields[:], &present, func(f int) (good bool) {
			start := s.i
			switch f {
			case 0: // body
				good = s.value()
				sub.Body = json.RawMessage(s.b[start:s.i:s.i])
			case 1: // httpHeaders
				good = s.value() && json.Unmarshal(s.b[start:s.i], &sub.HTTPHeaders) == nil
			case 2: // httpStatusCode
				sub.HTTPStatusCode, good = s.integer()
			case 3: // referenceId
				sub.ReferenceID, good = s.string()
			}
			return good
		})
	})
}

var subresponseFields = [...]string{"body", "httpHeaders", "httpStatusCode", "referenceId"}

// fields scans the object at s.i, calling fn with each key (unescaped keys
// only; an escaped key fails) and s.i at the start of its value; fn must
// scan the value.
func (s *pageScanner) fields(fn func(key []byte) bool) bool {
	s.space()
	if s.peek() != '{' {
		return false
	}
	return s.nested(func() bool {
		return s.members(func(key []byte, escaped bool) bool { return !escaped && fn(key) })
	})
}

// string scans a JSON string value into a Go string as encoding/json would.
func (s *pageScanner) string() (string, bool) {
	if s.peek() != '"' {
		return "", false
	}
	start := s.i
	esc, ok := s.str()
	if !ok {
		return "", false
	}
	raw := s.b[start:s.i]
	if esc || !utf8.Valid(raw) {
		// Rare: let encoding/json unescape (or replace invalid UTF-8).
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return "", false
		}
		return v, true
	}
	return string(raw[1 : len(raw)-1]), true
}
