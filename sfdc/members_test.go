package sfdc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

// stdMember is a top-level member of a record as encoding/json's Decoder
// reads it: the key's raw text (between its quotes) and the raw value,
// with their offsets in the record.
type stdMember struct {
	key, val           string
	keyStart, valStart int
}

// stdMembers reads the members of rec, a JSON object, with encoding/json;
// escaped reports whether a key holds escapes.
func stdMembers(t *testing.T, rec []byte) (members []stdMember, escaped bool) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(rec))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("record %q is not an object: %v %v", rec, tok, err)
	}
	for dec.More() {
		before := dec.InputOffset()
		if _, err := dec.Token(); err != nil {
			t.Fatalf("key of %q: %v", rec, err)
		}
		keyEnd := int(dec.InputOffset()) - 1 // at the closing quote
		keyStart := bytes.IndexByte(rec[before:], '"') + int(before) + 1
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("value in %q: %v", rec, err)
		}
		valEnd := int(dec.InputOffset())
		key := rec[keyStart:keyEnd]
		escaped = escaped || bytes.IndexByte(key, '\\') >= 0
		members = append(members, stdMember{string(key), string(v), keyStart, valEnd - len(v)})
	}
	if _, err := dec.Token(); err != nil {
		t.Fatalf("end of %q: %v", rec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("after %q: %v", rec, err)
	}
	return members, escaped
}

// checkMembers checks the members p notes for each of its records against
// encoding/json's reading of the record: every member, in order, at its
// place in the record; and noted for every object record without escaped
// keys that fits memberSpan.
func checkMembers(t *testing.T, p *QueryPage) {
	t.Helper()
	for i, rec := range p.Records {
		m, ok := p.Members(i)
		if len(rec) == 0 || rec[0] != '{' {
			if ok {
				t.Fatalf("record %d %q is no object but has members", i, rec)
			}
			continue
		}
		want, escaped := stdMembers(t, rec)
		if !ok {
			if !escaped && len(rec) <= maxSpanRecord {
				t.Fatalf("record %d %q has no members noted", i, rec)
			}
			continue
		}
		if escaped || len(rec) > maxSpanRecord {
			t.Fatalf("record %d %q has members noted (escaped key %v, %d bytes)", i, rec, escaped, len(rec))
		}
		if m.Len() != len(want) {
			t.Fatalf("record %d %q: %d members, want %d", i, rec, m.Len(), len(want))
		}
		for j, w := range want {
			key, val := m.At(j)
			// Records are capped at their end: a slice's capacity tells
			// where it starts.
			ks, vs := len(rec)-cap(key), len(rec)-cap(val)
			if string(key) != w.key || string(val) != w.val || ks != w.keyStart || vs != w.valStart {
				t.Fatalf("record %d %q member %d: key %q at %d, value %q at %d; want %q at %d, %q at %d",
					i, rec, j, key, ks, val, vs, w.key, w.keyStart, w.val, w.valStart)
			}
		}
	}
	if _, ok := p.Members(len(p.Records)); ok {
		t.Fatalf("members past the last record")
	}
	if _, ok := p.Members(-1); ok {
		t.Fatalf("members before the first record")
	}
}

func TestMembers(t *testing.T) {
	long := `{"Id":"001000000000001AAA","Description":"` + strings.Repeat("x", maxSpanRecord) + `"}`
	for _, tt := range []struct {
		name    string
		records string
		noted   []bool // by record
	}{
		{"plain", `{"attributes":{"type":"Account","url":"/x"},"Id":"001000000000001AAA","Name":"A","N":1.5e3,"B":true,"F":false,"Z":null,"C":{"records":[{"x":1}]},"L":[1,{"a":"}"}]}`, []bool{true}},
		{"space everywhere", " {\n \"Id\" :\t\"a\" , \"Name\"\r\n:\n\"b\\\"c\" ,\"X\" : [ ] , \"Y\" : { } } ", []bool{true}},
		{"empty object", `{},{ }`, []bool{true, true}},
		{"repeated key", `{"Name":"a","Name":"b"}`, []bool{true}},
		{"escaped value", `{"Name":"\u0041\"}"}`, []bool{true}},
		{"escaped key", `{"Id":"a","N\u0061me":"b"},{"Id":"c"}`, []bool{false, true}},
		{"not objects", `1,"s",null,[{"a":1}],true,{"a":1}`, []bool{false, false, false, false, false, true}},
		{"just under 64 KiB", `{"D":"` + strings.Repeat("y", maxSpanRecord-8) + `"}`, []bool{true}},
		{"over 64 KiB", long + `,{"Id":"b"}`, []bool{false, true}},
		{"nested deep", `{"A":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `}`, []bool{true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(`{"totalSize":1,"done":true,"records":[` + tt.records + `]}`)
			p, ok := splitPage(bytes.Clone(body))
			if !ok {
				t.Fatalf("not split: %q", body)
			}
			if len(p.Records) != len(tt.noted) {
				t.Fatalf("%d records, want %d", len(p.Records), len(tt.noted))
			}
			for i, want := range tt.noted {
				if _, ok := p.Members(i); ok != want {
					t.Errorf("record %d: members noted %v, want %v", i, ok, want)
				}
			}
			checkMembers(t, &p)
		})
	}
}

func TestMembersOfRecordsLikeTheLast(t *testing.T) {
	// record skips what lies between two values when it is the same as
	// in the last record noted with members: records that differ from
	// it just there still split as encoding/json decodes them, or fail.
	long := `{"Id":"x","D":"` + strings.Repeat("y", maxSpanRecord) + `"}`
	// Records of two shapes in turn, then of one: record stops comparing
	// after maxDiffer records that differ, for the rest of the page.
	var shapes []string
	for i := range 3 * maxDiffer {
		if i%2 == 0 || i >= 2*maxDiffer {
			shapes = append(shapes, fmt.Sprintf(`{"Id":"%d","Name":"n","Amount":%d}`, i, i))
		} else {
			shapes = append(shapes, fmt.Sprintf(`{"Amount":%d,"Id":"%d","Name":"n"}`, i, i))
		}
	}
	for _, tt := range []struct {
		name, records string
		split         bool
	}{
		{"same keys", `{"Id":"a","N":1,"S":"x"},{"Id":"b","N":2,"S":"y"},{"Id":"c","N":3,"S":"z"}`, true},
		{"space differs", `{"Id":"a","N":1},{"Id" :"b","N":2},{ "Id":"c" , "N":3},{"Id":"d","N":4}`, true},
		{"space in the last", "{ \"Id\" : \"a\" ,\n\"N\":1 },{ \"Id\" : \"b\" ,\n\"N\":2 },{\"Id\":\"c\",\"N\":3}", true},
		{"space before the value", `{"Id": "a","N": 1},{"Id":  "b","N":  2}`, true},
		{"key missing", `{"Id":"a","N":1,"M":2},{"Id":"b","M":2},{"Id":"c","N":1,"M":2}`, true},
		{"key added", `{"Id":"a"},{"Id":"b","N":1},{"Id":"c","N":1,"M":{"N":1}}`, true},
		{"keys reordered", `{"Id":"a","N":1,"M":2},{"N":1,"Id":"b","M":2}`, true},
		{"longer and shorter keys", `{"Na":1,"B":2},{"N":1,"B":2},{"Nam":1,"B":2},{"Na":1,"Bb":2}`, true},
		{"long keys", `{"AVeryLongFieldName_WithMore__c":1,"B":2},{"AVeryLongFieldName_WithMore__c":2,"B":3},{"AVeryLongFieldName_WithMore__d":2,"B":3},{"AVeryLongFieldName_WithMore__c" :2,"B":3}`, true},
		{"keys 24 bytes around", `{"x":0,"A2345678901234567890":1,"A23456789012345678901":2},{"x":0,"A2345678901234567890":1,"A23456789012345678901":2},{"x":0,"A2345678901234567899":1,"A23456789012345678909":2}`, true},
		{"longer number", `{"A":1,"B":2},{"A":12,"B":2},{"A":1.5,"B":2}`, true},
		{"fewer members", `{"Id":"a","N":1},{"Id":"b"},{}`, true},
		{"empty then members", `{},{"Id":"a"},{ },{"Id":"b"}`, true},
		{"repeated key", `{"N":1,"N":2},{"N":1,"N":2,"N":3}`, true},
		{"nested values", `{"A":{"x":1},"B":[1,{"y":"}"}]},{"A":{"x":2},"B":[]},{"A":null,"B":{"A":1}}`, true},
		{"escaped key between", `{"Id":"a","N":1},{"I\u0064":"b","N":1},{"Id":"c","N":1}`, true},
		{"escaped key like the last", `{"I\u0064":"a"},{"I\u0064":"b"},{"Id":"c"}`, true},
		{"not an object between", `{"Id":"a","N":1},[{"Id":"b"}],"Id",{"Id":"c","N":1}`, true},
		{"too long between", `{"Id":"a","D":"b"},` + long + `,{"Id":"c","D":"d"}`, true},
		{"two shapes in turn", strings.Join(shapes, ","), true},
		{"value missing", `{"Id":"a","N":1},{"Id":"b","N":}`, false},
		{"comma missing", `{"Id":"a","N":1},{"Id":"b""N":1}`, false},
		{"unclosed", `{"Id":"a","N":1},{"Id":"b","N":1`, false},
		{"trailing comma", `{"Id":"a","N":1},{"Id":"b","N":1,}`, false},
		{"colon missing", `{"Id":"a","N":1},{"Id":"b","N"1}`, false},
		{"control byte in a key", "{\"Id\":\"a\",\"N\":1},{\"Id\":\"b\",\"N\x01\":1}", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(`{"totalSize":1,"done":true,"records":[` + tt.records + `]}`)
			if split := checkSplit(t, body); split != tt.split {
				t.Fatalf("split %v, want %v: %q", split, tt.split, body)
			}
			if !tt.split && json.Valid(body) {
				t.Fatalf("the test's body is valid JSON: %q", body)
			}
		})
	}
}

func TestSplitPageEndingInAStretch(t *testing.T) {
	// A body cut anywhere, even within a stretch longer than the words
	// record compares first, fails without reading past its end.
	full := `{"records":[{"AVeryLongFieldName_WithMore__c":1,"B":2},{"AVeryLongFieldName_WithMore__c":1,"B":2}]}`
	for n := range len(full) {
		body := []byte(full[:n])
		if _, ok := splitPage(body[:n:n]); ok {
			t.Fatalf("split %q", body)
		}
	}
	if _, ok := splitPage([]byte(full)); !ok {
		t.Fatalf("not split: %q", full)
	}
}

func TestMembersKeepTheDepthLimit(t *testing.T) {
	// A record is as deep as value lets it be, as when records scanned
	// each with value.
	for _, depth := range []int{maxSplitDepth - 2, maxSplitDepth - 1, maxSplitDepth} {
		rec := `{"A":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
		s := pageScanner{b: []byte(rec)}
		want := s.value()
		if _, got := splitPage([]byte(`{"records":[` + rec + `]}`)); got != want {
			t.Errorf("depth %d: split %v, value %v", depth, got, want)
		}
	}
	if _, ok := splitPage([]byte(`{"records":[{"A":` + strings.Repeat("[", maxSplitDepth-2) + strings.Repeat("]", maxSplitDepth-2) + `}]}`)); !ok {
		t.Error("a record within the limit was not split")
	}
}

func TestMembersOfAPageDecodedByEncodingJSON(t *testing.T) {
	// "Records" matches only case-insensitively: encoding/json decodes it.
	p, err := DecodeQueryPage([]byte(`{"Records":[{"Id":"a"}]}`))
	if err != nil || len(p.Records) != 1 {
		t.Fatalf("decode: %v %v", p, err)
	}
	if _, ok := p.Members(0); ok {
		t.Error("a page decoded by encoding/json has members")
	}
}

func TestMembersOfReadAndReleasedPages(t *testing.T) {
	sizes := func(i int) int { return []int{1000, 70000, 5000, 300}[i%4] }
	c := pagedServer(t, 12, sizes, false)
	want := pageRecords(12, sizes)
	i := 0
	for page, err := range c.QueryPages(ctx, Query{SOQL: "SELECT Id, Name FROM Account"}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Records) != 1 || string(page.Records[0]) != want[i] {
			t.Fatalf("page %d is not the one served", i)
		}
		m, ok := page.Members(0)
		if ok != (len(want[i]) <= maxSpanRecord) {
			t.Fatalf("page %d (%d bytes): members noted %v", i, len(want[i]), ok)
		}
		if ok {
			if m.Len() != 3 {
				t.Fatalf("page %d: %d members", i, m.Len())
			}
			if key, val := m.At(1); string(key) != "Id" || string(val) != `"001000000000001AAA"` {
				t.Fatalf("page %d: member 1 is %s: %s", i, key, val)
			}
			if key, val := m.At(2); string(key) != "Name" || string(val) != want[i][strings.Index(want[i], `"Name":`)+7:len(want[i])-1] {
				t.Fatalf("page %d: member 2 is %s", i, key)
			}
		}
		page.Release()
		if _, ok := page.Members(0); ok {
			t.Fatalf("page %d: members after Release", i)
		}
		i++
	}
	if i != 12 {
		t.Fatalf("read %d pages", i)
	}
}

func TestMembersOfTheOpportunityPage(t *testing.T) {
	p, ok := splitPage(opportunityPage(50))
	if !ok {
		t.Fatal("not split")
	}
	for i := range p.Records {
		if _, ok := p.Members(i); !ok {
			t.Fatalf("record %d has no members", i)
		}
	}
	checkMembers(t, &p)
}

// BenchmarkSplitPageSpans splits a 2,000-record Opportunity page as
// QueryPages does, into recycled spans, and as DecodeQueryPage does.
func BenchmarkSplitPageSpans(b *testing.B) {
	body := opportunityPage(2000)
	b.Run("recycled", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		var pool spanPool
		for b.Loop() {
			sp := pool.get()
			p, ok := splitPageSpans(body, sp)
			if !ok || len(p.Records) != 2000 {
				b.Fatal("not split")
			}
			pool.put(sp)
		}
	})
	b.Run("new", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := splitPage(body); !ok {
				b.Fatal("not split")
			}
		}
	})
}

func ExampleQueryPage_Members() {
	page, err := DecodeQueryPage([]byte(`{"totalSize":1,"done":true,"records":[{"Id":"001000000000001AAA","Name":"Acme","Amount":12.5}]}`))
	if err != nil {
		panic(err)
	}
	for i := range page.Records {
		m, ok := page.Members(i)
		if !ok {
			continue // scan page.Records[i] instead
		}
		for j := range m.Len() {
			key, val := m.At(j)
			fmt.Printf("%s=%s\n", key, val)
		}
	}
	// Output:
	// Id="001000000000001AAA"
	// Name="Acme"
	// Amount=12.5
}
