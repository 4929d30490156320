package store

import (
	"bytes"
	"testing"
)

// fieldsCases are raw records and the fields read of them: escapes,
// nulls, missing fields, every kind of value, keys in another case or
// repeated, a scan that stops early, and values that do not decode.
var fieldsCases = []struct {
	raw    string
	fields []string
}{
	{`{"Id":"001A","Name":"Acme","Amount":12.5,"IsWon":true,"IsClosed":false,"Owner":null}`, []string{"Name", "Amount", "IsWon", "IsClosed", "Owner", "Missing"}},
	{`{"attributes":{"type":"Account"},"Name":"O\"Brien \\ \u00e9\ud83d\ude00\/\n","Id":"001B"}`, []string{"Name"}},
	{` { "Name" : "spaced" , "Amount" : -1e3 , "Id" : "001C" } `, []string{"Name", "Amount"}},
	{`{"name":"lower","Name":"exact","NAME":"upper","Id":"001D"}`, []string{"Name"}},
	{`{"Name":"first","Name":"second","Type":"t","Id":"001E","Last":"x"}`, []string{"Name", "Type", "Last"}},
	{`{"Id":"001F","Name":{"a":[1,"}"]},"List":[1,2],"Num":"12","Str":12}`, []string{"Name", "List", "Num", "Str"}},
	{`{"Id":"001G","Amount":12x}`, []string{"Amount"}},
	{`{"Id":"001H","Amount":12x}`, []string{"Name"}},
	{`{"Id":"001I","Name":"bad \q escape"}`, []string{"Name"}},
	{`{"Id":"001J","Name":"raw` + "\x01" + `control"}`, []string{"Name"}},
	{`{"Id":"001K","Name":{"a":}}`, []string{"Name"}},
	{`{"Id":"001L","Nam\u0065":"escaped key"}`, []string{"Name"}},
	{`{}`, []string{"Name"}},
	{`[1]`, []string{"Name"}},
	{`{"Id":"001M","Name":"x"`, []string{"Name", "Other"}},
}

// TestFieldsReadAsDecodeRecord: Fields reads every field as
// DecodeRecord does (the same value, the same kind, a decoding error
// where it has one).
func TestFieldsReadAsDecodeRecord(t *testing.T) {
	for _, c := range fieldsCases {
		sameAsDecodeRecord(t, []byte(c.raw), c.fields)
	}
}

// FuzzFields holds Fields to DecodeRecord over any record.
func FuzzFields(f *testing.F) {
	for _, c := range fieldsCases {
		f.Add(c.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		sameAsDecodeRecord(t, []byte(raw), []string{"Name", "Amount", "IsWon", "Owner"})
	})
}

// sameAsDecodeRecord fails the test when Fields reads raw's fields
// otherwise than DecodeRecord.
func sameAsDecodeRecord(t *testing.T, raw []byte, fields []string) {
	t.Helper()
	want, werr := DecodeRecord(raw, fields...)
	f := NewFields(fields...)
	gerr := f.Scan(raw)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: Fields error %v, DecodeRecord error %v", raw, gerr, werr)
	}
	if werr != nil {
		return
	}
	same := func(name string, got *Value) {
		t.Helper()
		v, ok := want[name]
		switch w := v.(type) {
		case string:
			if got.kind != '"' || !bytes.Equal(got.Text(), []byte(w)) {
				t.Fatalf("%s: %s is %q (kind %c), DecodeRecord has %q", raw, name, got.Text(), got.kind, w)
			}
		case float64:
			if n, isNum := got.Number(); !isNum || n != w {
				t.Fatalf("%s: %s is %v (kind %c), DecodeRecord has %v", raw, name, n, got.kind, w)
			}
		case bool:
			if got.kind != 'b' || got.Bool() != w {
				t.Fatalf("%s: %s is %v (kind %c), DecodeRecord has %v", raw, name, got.Bool(), got.kind, w)
			}
		case nil:
			if ok && got.kind != 'n' || !ok && got.kind != 0 {
				t.Fatalf("%s: %s has kind %c, DecodeRecord has it %v (null)", raw, name, got.kind, ok)
			}
		default: // an object or array
			if got.kind != '{' || got.Text() != nil || got.Bool() {
				t.Fatalf("%s: %s has kind %c, DecodeRecord has %T", raw, name, got.kind, v)
			}
		}
	}
	same("Id", f.ID())
	for i, name := range fields {
		same(name, f.At(i))
	}
}
