package store

import (
	"bytes"
	"fmt"
	"testing"
)

// eachFieldBefore is eachField as it was before it scanned strings 8 bytes
// at a time (fieldScan): the reference its strictness is held to.
func eachFieldBefore(raw []byte, fn func(key, val []byte) bool) error {
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
		end, err := skipStringBefore(raw, i)
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
		vend, err := skipValueBefore(raw, i)
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

func skipStringBefore(b []byte, i int) (int, error) {
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

func skipValueBefore(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errBadJSON
	}
	switch b[i] {
	case '"':
		return skipStringBefore(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipStringBefore(b, j)
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

// fieldTrace is what eachField-like fn saw, stopping after stop fields
// (0: never), and the error.
func fieldTrace(each func([]byte, func(key, val []byte) bool) error, raw []byte, stop int) string {
	var b bytes.Buffer
	n := 0
	err := each(raw, func(key, val []byte) bool {
		fmt.Fprintf(&b, "%q=%q;", key, val)
		n++
		return n != stop
	})
	fmt.Fprintf(&b, "err=%v", err)
	return b.String()
}

var eachFieldSeeds = []string{
	``, `{}`, ` { } `, `[]`, `{"a":}`, `{"a":"x"`, `{"a" "x"}`, `{"a":"x\"}`, `{"a":"x"}trailing`,
	` { "a" : "x\"y" , "b":{"c":[1,"}"]}, "d\u0041":-1.5e3,"e":null,"f":true }`,
	`{"p":"c:\\dir\\","q":"say \"hi\"","r":"\\\""}`,
	`{"attributes":{"type":"Contact","url":"/services/data/v66.0/sobjects/Contact/003"},"Id":"0034S000000000001AAA","Name":"Ann \"Q\" N","Email":"a@b.c"}`,
	`{"a\"b":1,"c\\":2,"\u00e9t\u00e9":"ok","x":"1234567\\","y":"12345678\"9"}`,
	`{"a":"\\\\\\\\\\\\\\\\\\\\"}`, `{"a":"\\\\\\\\\\\\\\\\\\\"}`, `{"a":[}`, `{"a":{]}`, `{"a":"x",}`,
	`{"a":"x" "b":1}`, `{"a":tru,"b":nul}`, `{"bad\q":1}`, `{"a":"\`, `{"a":"12345678\`, `{"k":"v"`,
}

// fieldScan reads what eachField read before it scanned 8 bytes at a time,
// field for field, and fails where it failed.
func TestEachFieldMatchesTheByteScan(t *testing.T) {
	for _, raw := range eachFieldSeeds {
		for stop := range 4 {
			want := fieldTrace(eachFieldBefore, []byte(raw), stop)
			if got := fieldTrace(eachField, []byte(raw), stop); got != want {
				t.Errorf("eachField(%q), stopping after %d:\n got %s\nwant %s", raw, stop, got, want)
			}
		}
	}
}

func FuzzEachField(f *testing.F) {
	for _, raw := range eachFieldSeeds {
		f.Add([]byte(raw), 0)
	}
	f.Fuzz(func(t *testing.T, raw []byte, stop int) {
		want := fieldTrace(eachFieldBefore, raw, stop)
		if got := fieldTrace(eachField, raw, stop); got != want {
			t.Errorf("eachField(%q), stopping after %d:\n got %s\nwant %s", raw, stop, got, want)
		}
	})
}

// BenchmarkEachFieldBefore is BenchmarkEachField's scan as it was.
func BenchmarkEachFieldBefore(b *testing.B) {
	page := benchPages("Opportunity", 1)[0]
	n := 0
	for b.Loop() {
		for _, raw := range page {
			if err := eachFieldBefore(raw, func(key, val []byte) bool { n += len(val); return true }); err != nil {
				b.Fatal(err)
			}
		}
	}
}
