package sfdc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// decodePageStd is the reference: what queryPage did before splitPage.
func decodePageStd(b []byte) (QueryPage, error) {
	var p QueryPage
	err := json.Unmarshal(b, &p)
	return p, err
}

// checkSplit compares splitPage with encoding/json on b. It returns
// whether splitPage took the fast path.
func checkSplit(t *testing.T, b []byte) bool {
	t.Helper()
	in := bytes.Clone(b)
	got, ok := splitPage(in)
	want, err := decodePageStd(b)
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("splitPage accepted input encoding/json rejects (%v):\n%q", err, b)
	}
	if !json.Valid(b) {
		t.Fatalf("splitPage accepted invalid JSON:\n%q", b)
	}
	checkMembers(t, &got)
	got.spans = nil // what encoding/json does not give
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("splitPage differs from encoding/json on %q:\n got %#v\nwant %#v", b, got, want)
	}
	for i, r := range got.Records {
		if cap(r) != len(r) {
			t.Fatalf("record %d: cap %d > len %d (appending would overwrite the body)", i, cap(r), len(r))
		}
	}
	if !bytes.Equal(in, b) {
		t.Fatalf("splitPage modified its input")
	}
	return true
}

func TestSplitPage(t *testing.T) {
	rec := `{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001"},"Name":"A"}`
	tests := []struct {
		name string
		body string
		fast bool // expect the fast path
	}{
		{"simple", `{"totalSize":1,"done":true,"records":[` + rec + `]}`, true},
		{"empty records", `{"totalSize":0,"done":true,"records":[]}`, true},
		{"empty records with space", `{"totalSize":0,"done":true,"records":[ ]}`, true},
		{"empty object", `{}`, true},
		{"empty object with space", ` { } `, true},
		{"no records key", `{"totalSize":0,"done":true}`, true},
		{"next url before records", `{"totalSize":4000,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gD0000002HU6KIAW-2000","records":[` + rec + `,` + rec + `]}`, true},
		{"records first", `{"records":[` + rec + `],"nextRecordsUrl":"/services/data/v62.0/query/01g-2000","done":false,"totalSize":4000}`, true},
		{"unknown keys", `{"queryLocator":null,"x":[1,2,{"records":[]}],"totalSize":1,"y":{"done":false},"done":true,"z":-1.5e+3,"records":[` + rec + `],"w":"}"}`, true},
		{"whitespace everywhere", " \r\n\t{ \"totalSize\" : 2 ,\n \"done\"\t:\tfalse , \"records\" : [ \n" + rec + " ,\n\t" + rec + "\n ] \n}\n ", true},
		{"braces and brackets in strings", `{"totalSize":1,"done":true,"records":[{"Name":"a}b]c{d[e","Description":"]}],{\"x\":[\"}"}]}`, true},
		{"escaped quotes and backslashes", `{"totalSize":2,"done":true,"records":[{"Name":"say \"hi\" \\"},{"Name":"\\\\\"\\"}]}`, true},
		{"escaped quote then brace", `{"totalSize":1,"done":true,"records":[{"Name":"\"}],\"done\":false"}]}`, true},
		{"unicode escapes", `{"totalSize":1,"done":true,"records":[{"Name":"\u00e9\u4e2d\ud83d\ude00\u0022\u005c","B":"\/\b\f\n\r\t"}]}`, true},
		{"raw utf8", `{"totalSize":1,"done":true,"records":[{"Name":"Société Générale — 中文 😀"}]}`, true},
		{"invalid utf8 in record", "{\"totalSize\":1,\"done\":true,\"records\":[{\"Name\":\"\xff\xfe\"}]}", true},
		{"nested child sets", `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Contacts":{"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g-200","records":[{"Name":"x","Cases":{"totalSize":0,"done":true,"records":[]}},{"Name":"}"}]},"Opportunities":null}]}`, true},
		{"non-object records", `{"totalSize":5,"done":true,"records":[1,-0.5e-7,"s",true,false,null,[],{}]}`, true},
		{"long strings", `{"totalSize":1,"done":true,"records":[{"Description":"` + strings.Repeat(`abcdefgh\"ijk\\lmn\u00e9`, 50) + `"}]}`, true},
		{"next url with escapes", `{"totalSize":1,"done":false,"nextRecordsUrl":"\/services\/data\/v62.0\/query\/01g-2000","records":[]}`, true},
		{"next url invalid utf8", "{\"done\":false,\"nextRecordsUrl\":\"/services/\xff\",\"records\":[]}", true},
		{"negative total", `{"totalSize":-3}`, true},

		// Handed to encoding/json (still decoded, or rejected, by it).
		{"null page", `null`, false},
		{"array page", `[]`, false},
		{"records null", `{"totalSize":0,"done":true,"records":null}`, false},
		{"records object", `{"records":{}}`, false},
		{"done null", `{"done":null}`, false},
		{"total float", `{"totalSize":1.0}`, false},
		{"total exponent", `{"totalSize":1e3}`, false},
		{"total string", `{"totalSize":"1"}`, false},
		{"total huge", `{"totalSize":123456789012345678901234567890}`, false},
		{"duplicate records", `{"records":[1],"records":[2,3]}`, false},
		{"duplicate done", `{"done":true,"done":false}`, false},
		{"case-insensitive key", `{"TotalSize":3,"DONE":true,"Records":[1]}`, false},
		{"unicode fold key", "{\"recordſ\":[1]}", false},
		{"escaped key", `{"\u0072ecords":[1]}`, false},
		{"truncated", `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Acc`, false},
		{"truncated after comma", `{"totalSize":1,"done":true,"records":[{"a":1},`, false},
		{"trailing garbage", `{"totalSize":1,"done":true,"records":[]}x`, false},
		{"two values", `{} {}`, false},
		{"trailing comma", `{"records":[1,]}`, false},
		{"trailing comma object", `{"records":[{"a":1,}]}`, false},
		{"control char in string", "{\"records\":[\"a\tb\"]}", false},
		{"bad escape", `{"records":["\x"]}`, false},
		{"short unicode escape", `{"records":["\u12"]}`, false},
		{"bad number", `{"records":[01]}`, false},
		{"bad number dot", `{"records":[1.]}`, false},
		{"bad number exp", `{"records":[1e]}`, false},
		{"plus number", `{"records":[+1]}`, false},
		{"bad literal", `{"records":[tru]}`, false},
		{"missing colon", `{"records" [1]}`, false},
		{"single quotes", `{'records':[1]}`, false},
		{"bom", "\xef\xbb\xbf{}", false},
		{"empty", ``, false},
		{"deep nesting", `{"records":[` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fast := checkSplit(t, []byte(tt.body)); fast != tt.fast {
				t.Errorf("fast path = %v, want %v", fast, tt.fast)
			}
		})
	}
}

// TestSplitPageFixtures checks the splitter against encoding/json on every
// captured query response.
func TestSplitPageFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir(t), "query-*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no query fixtures (err %v)", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			if !checkSplit(t, b) {
				t.Errorf("fixture did not take the fast path")
			}
			// Every prefix is invalid and must not take the fast path.
			for n := range len(b) {
				if _, ok := splitPage(b[:n]); ok && len(bytes.TrimSpace(b[n:])) > 0 {
					t.Fatalf("prefix of %d bytes accepted", n)
				}
			}
		})
	}
}

// TestDecodePageErrors checks that bodies the splitter rejects still fail
// (or succeed) exactly as they did with encoding/json.
func TestDecodePageErrors(t *testing.T) {
	for _, body := range []string{
		`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Acc`,
		`{"totalSize":"1"}`,
		`<html>Service Unavailable</html>`,
		``,
	} {
		resp := &response{status: 200, body: []byte(body)}
		_, err := decodePage(resp)
		var p QueryPage
		want := decodeJSON(&response{status: 200, body: []byte(body)}, &p)
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("decodePage(%q) error %v, want %v", body, err, want)
		}
	}
}

func FuzzSplitPage(f *testing.F) {
	for _, s := range []string{
		`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Name":"a\"}b"}]}`,
		`{"records":[{"C":{"totalSize":1,"done":true,"records":[{"x":"\u00e9"}]}}],"nextRecordsUrl":"/services/data/v62.0/query/01g-2","done":false,"totalSize":3}`,
		`{"totalSize":0,"done":true,"records":[]}`,
		`{"TotalSize":1,"records":null,"x":[1.5e3,-0,true,null]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := splitPage(bytes.Clone(b))
		if !ok {
			return // encoding/json decides
		}
		want, err := decodePageStd(b)
		if err != nil || !json.Valid(b) {
			t.Fatalf("splitPage accepted %q, encoding/json: %v", b, err)
		}
		checkMembers(t, &got)
		got.spans = nil // what encoding/json does not give
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("splitPage(%q):\n got %#v\nwant %#v", b, got, want)
		}
	})
}

// FuzzSplitSimilarRecords splits pages whose records are a and b in
// turn: mostly alike, as a page's records are, so that record compares
// each with what it noted of the one before.
func FuzzSplitSimilarRecords(f *testing.F) {
	f.Add([]byte(`{"attributes":{"type":"Task"},"Id":"00T","N":1,"S":"x"}`), []byte(`{"attributes":{"type":"Task"},"Id":"00U","N":12,"S":"y"}`))
	f.Add([]byte(`{"Id":"a","LongerFieldName_WithSuffix__c":null}`), []byte(`{"Id":"b","LongerFieldName_WithSuffix__c" :"\u0041"}`))
	f.Add([]byte(`{ "A" : 1 , "B":[2]}`), []byte(`{"A":1,"B":[2],"C":{}}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var page bytes.Buffer
		page.WriteString(`{"totalSize":4,"done":true,"records":[`)
		for i, rec := range [][]byte{a, b, a, b, b} {
			if i > 0 {
				page.WriteByte(',')
			}
			page.Write(rec)
		}
		page.WriteString(`]}`)
		checkSplit(t, page.Bytes())
	})
}

// opportunityPage builds a realistic query page of n Opportunity records
// (compact JSON, as Salesforce sends it).
func opportunityPage(n int) []byte {
	stages := []string{"Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Negotiation/Review", "Closed Won", "Closed Lost"}
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"totalSize":%d,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/0r8xx3YBUVXBZzAAE-%d","records":[`, 3*n, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := fmt.Sprintf("006Dm00000%08dAAA", i)
		acc := fmt.Sprintf("001Dm00000%08dAAB", i/3)
		stage := stages[i%len(stages)]
		fmt.Fprintf(&b, `{"attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/%s"},`+
			`"Id":"%s","Name":"Acme Corp \"North\" %d - Renewal FY26","AccountId":"%s",`+
			`"Account":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/%s"},"Name":"Société Générale %d"},`+
			`"StageName":"%s","Amount":%d.5,"Probability":%d,"CloseDate":"2026-%02d-%02d","IsClosed":%v,"IsWon":%v,`+
			`"Type":"Existing Customer - Upgrade","LeadSource":"Web","ForecastCategoryName":"Pipeline","NextStep":null,`+
			`"Description":"Line one\nLine two: {budget} [approved] \u2014 see \\\\share\\deals","Loss_Reason__c":null,`+
			`"OwnerId":"005Dm000001Xyz1AAC","RecordTypeId":"012Dm0000004AbcIAE","HasOpenActivity":true,`+
			`"LastActivityDate":"2026-11-02","CreatedDate":"2025-03-14T09:26:53.000+0000",`+
			`"LastModifiedDate":"2026-11-20T17:02:11.000+0000","SystemModstamp":"2026-11-20T17:02:11.000+0000","IsDeleted":false}`,
			id, id, i, acc, acc, i/3, stage, 1000+i*37, (i*13)%100, 1+i%12, 1+i%28, i%7 >= 5, i%7 == 5)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func TestOpportunityPage(t *testing.T) {
	if !checkSplit(t, opportunityPage(50)) {
		t.Fatal("benchmark page did not take the fast path")
	}
}

// BenchmarkDecodePage decodes a 2,000-record Opportunity page the old way
// (encoding/json into QueryPage) and with splitPage (decodePage).
func BenchmarkDecodePage(b *testing.B) {
	body := opportunityPage(2000)
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodePageStd(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("split", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodePage(&response{status: 200, body: body}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// checkSplitComposite compares splitComposite with encoding/json on b and
// returns whether it took the fast path.
func checkSplitComposite(t *testing.T, b []byte) bool {
	t.Helper()
	got, ok := splitComposite(bytes.Clone(b))
	if !ok {
		return false
	}
	var want struct {
		CompositeResponse []Subresponse `json:"compositeResponse"`
	}
	if err := json.Unmarshal(b, &want); err != nil || !json.Valid(b) {
		t.Fatalf("splitComposite accepted %q, encoding/json: %v", b, err)
	}
	if !reflect.DeepEqual(got, want.CompositeResponse) {
		t.Fatalf("splitComposite(%q):\n got %#v\nwant %#v", b, got, want.CompositeResponse)
	}
	for i, r := range got {
		if cap(r.Body) != len(r.Body) {
			t.Fatalf("subresponse %d: body cap %d > len %d", i, cap(r.Body), len(r.Body))
		}
	}
	return true
}

func TestSplitComposite(t *testing.T) {
	page := string(opportunityPage(3))
	tests := []struct {
		name string
		body string
		fast bool
	}{
		{"query pages", `{"compositeResponse":[{"body":` + page + `,"httpHeaders":{},"httpStatusCode":200,"referenceId":"Opportunity"},{"body":{"totalSize":0,"done":true,"records":[]},"httpHeaders":{},"httpStatusCode":200,"referenceId":"Account"}]}`, true},
		{"key order and space", "{ \"compositeResponse\" : [ { \"referenceId\" : \"a\\\"}\" , \"httpStatusCode\":404, \"body\" : [ {\"errorCode\":\"NOT_FOUND\",\"message\":\"}]\"} ] , \"httpHeaders\" : {\"X\":\"y\"} } ] , \"extra\": [1] }", true},
		{"null body and headers", `{"compositeResponse":[{"body":null,"httpHeaders":null,"httpStatusCode":204,"referenceId":"d"}]}`, true},
		{"empty", `{"compositeResponse":[]}`, true},
		{"no key", `{}`, true},
		{"escaped reference", `{"compositeResponse":[{"body":1,"referenceId":"\u0041\n"}]}`, true},

		{"null response", `{"compositeResponse":null}`, false},
		{"null element", `{"compositeResponse":[null]}`, false},
		{"duplicate body", `{"compositeResponse":[{"body":1,"body":2}]}`, false},
		{"folded key", `{"compositeResponse":[{"Body":1}]}`, false},
		{"folded top key", `{"CompositeResponse":[]}`, false},
		{"status string", `{"compositeResponse":[{"httpStatusCode":"200"}]}`, false},
		{"header number", `{"compositeResponse":[{"httpHeaders":{"a":1}}]}`, false},
		{"truncated", `{"compositeResponse":[{"body":{"totalSize":1,"done":true,"records":[{"Id":"0`, false},
		{"trailing", `{"compositeResponse":[]}]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fast := checkSplitComposite(t, []byte(tt.body)); fast != tt.fast {
				t.Errorf("fast path = %v, want %v", fast, tt.fast)
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(fixtureDir(t), "composite-*.json"))
	if len(files) == 0 {
		t.Fatal("no composite fixtures")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !checkSplitComposite(t, b) {
			t.Errorf("%s did not take the fast path", filepath.Base(f))
		}
	}
}

func FuzzSplitComposite(f *testing.F) {
	f.Add([]byte(`{"compositeResponse":[{"body":{"totalSize":1,"done":true,"records":[{"Id":"a"}]},"httpHeaders":{"Location":"/x"},"httpStatusCode":200,"referenceId":"r"}]}`))
	f.Add([]byte(`{"compositeResponse":[{"body":[{"errorCode":"X"}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"\u0072"}],"x":null}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkSplitComposite(t, b) })
}

// BenchmarkDecodeComposite decodes a /composite response of 10 query pages
// of 200 Opportunity records, the old way and with splitComposite.
func BenchmarkDecodeComposite(b *testing.B) {
	var body bytes.Buffer
	body.WriteString(`{"compositeResponse":[`)
	for i := range 10 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"body":%s,"httpHeaders":{},"httpStatusCode":200,"referenceId":"q%d"}`, opportunityPage(200), i)
	}
	body.WriteString(`]}`)
	raw := body.Bytes()
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				CompositeResponse []Subresponse `json:"compositeResponse"`
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("split", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := splitComposite(raw); !ok {
				b.Fatal("fallback")
			}
		}
	})
}

// TestSplitPageStringOffsets puts escapes, quotes and control characters at
// every offset of strings around the 8-byte steps of the string scanner.
func TestSplitPageStringOffsets(t *testing.T) {
	for _, x := range []string{`\"`, `\\`, `\u00e9`, `\n`, "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xff", `"`, `\`, `\u12`, `\x`} {
		for k := range 20 {
			for _, m := range []int{0, 1, 7, 8, 9} {
				s := `"` + strings.Repeat("a", k) + x + strings.Repeat("b", m) + `"`
				body := `{"totalSize":1,"done":true,"records":[` + s + `,{"k":` + s + `}]}`
				_, err := decodePageStd([]byte(body))
				if fast := checkSplit(t, []byte(body)); fast != (err == nil) {
					t.Errorf("%q: fast path %v, encoding/json error %v", body, fast, err)
				}
			}
		}
	}
}

// TestSplitPageNesting checks the bit stack of open objects and arrays
// across its 64-bit words: objects and arrays nested in turn close in the
// right order up to the depth limit, a closer of the wrong kind at any
// depth fails, and deeper input goes to encoding/json.
func TestSplitPageNesting(t *testing.T) {
	nest := func(depth int, swapAt int) string {
		var open, closing strings.Builder
		for d := range depth {
			if d%2 == 0 {
				open.WriteString(`{"k":`)
			} else {
				open.WriteString(`[1,`)
			}
		}
		for d := depth - 1; d >= 0; d-- {
			object := d%2 == 0
			if d == swapAt {
				object = !object
			}
			if object {
				closing.WriteString(`}`)
			} else {
				closing.WriteString(`]`)
			}
		}
		return `{"totalSize":1,"done":true,"records":[` + open.String() + `null` + closing.String() + `]}`
	}
	for _, depth := range []int{1, 2, 63, 64, 65, 128, 129, 511, maxSplitDepth} {
		if !checkSplit(t, []byte(nest(depth, -1))) {
			t.Errorf("depth %d: not the fast path", depth)
		}
		for _, at := range []int{0, depth / 2, depth - 1} {
			if _, ok := splitPage([]byte(nest(depth, at))); ok {
				t.Errorf("depth %d, wrong closer at %d: accepted", depth, at)
			}
		}
	}
	if _, ok := splitPage([]byte(nest(maxSplitDepth+1, -1))); ok {
		t.Errorf("depth %d: took the fast path", maxSplitDepth+1)
	}
}
