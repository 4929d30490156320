package store

import (
	"bytes"
	"math"
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
	{`{"Id":"001N","Name":"x","Amount":-0,"Big":12345678901234567,"Exp":1e2,"Lead":007,"Neg":-42,"Bad":-}`, []string{"Amount", "Big", "Exp", "Lead", "Neg"}},
	{`{"Id":"001O","Name":"x","Bad":-}`, []string{"Name", "Bad"}},
	{`{"Id":"001P","Name":"tab` + "\t" + `","Title":"line` + "\n" + `"}`, []string{"Name", "Title"}},
	{`{"Id":"001Q","Name":"x" ,"Title":"y"}`, []string{"Name", "Title"}},
	{`{"Id":"001R","Name":"x","Title":"y"} trailing`, []string{"Name", "Title"}},
	{`{"Id":"001S","Title":"y","Name":"x"}`, []string{"Name", "Title"}},
	{`{"Id":"001T","Name":"x"}`, []string{"Name", "Title"}},
	{`{"Id":"001U","Name":"x",}`, []string{"Name", "Title"}},
	{`{"Id":"001V","Name":"x","Title":`, []string{"Name", "Title"}},
	{`{"Id":"001W","Name":"x","Title":true,"IsWon":nul,"Owner":[]}`, []string{"Name", "Title", "IsWon", "Owner"}},
}

// TestFieldsReadAsDecodeRecord: Fields reads every field as
// DecodeRecord does (the same value, the same kind, a decoding error
// where it has one).
func TestFieldsReadAsDecodeRecord(t *testing.T) {
	for _, c := range fieldsCases {
		sameAsDecodeRecord(t, NewFields(c.fields...), []byte(c.raw), c.fields)
	}
}

// TestFieldsReadAsDecodeRecordAfterOthers: a Fields that read other
// records first (whose keys it remembers by position) reads a record as
// DecodeRecord does.
func TestFieldsReadAsDecodeRecordAfterOthers(t *testing.T) {
	for _, c := range fieldsCases {
		for _, before := range append(fieldsCases, fieldsCases[0]) {
			f := NewFields(c.fields...)
			_ = f.Scan([]byte(before.raw))
			_ = f.Scan([]byte(c.raw))
			sameAsDecodeRecord(t, f, []byte(c.raw), c.fields)
		}
	}
	for _, raw := range benchRecords {
		f := NewFields(fieldsCases[0].fields...)
		for _, before := range benchRecords {
			_ = f.Scan([]byte(before))
		}
		sameAsDecodeRecord(t, f, []byte(raw), fieldsCases[0].fields)
	}
}

// FuzzFields holds Fields to DecodeRecord over any record.
func FuzzFields(f *testing.F) {
	for _, c := range fieldsCases {
		f.Add(c.raw)
	}
	for _, raw := range benchRecords {
		f.Add(raw)
	}
	fields := []string{"Name", "Amount", "IsWon", "Owner", "AccountId", "LastActivityDate"}
	f.Fuzz(func(t *testing.T, raw string) {
		sameAsDecodeRecord(t, NewFields(fields...), []byte(raw), fields)
		after := NewFields(fields...) // having read another record, then raw once
		_ = after.Scan([]byte(benchRecords[0]))
		_ = after.Scan([]byte(raw))
		sameAsDecodeRecord(t, after, []byte(raw), fields)
	})
}

// sameAsDecodeRecord fails the test when Fields reads raw's fields
// otherwise than DecodeRecord.
func sameAsDecodeRecord(t *testing.T, f *Fields, raw []byte, fields []string) {
	t.Helper()
	want, werr := DecodeRecord(raw, fields...)
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
			if n, isNum := got.Number(); !isNum || math.Float64bits(n) != math.Float64bits(w) { // -0 too
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

// benchRecords are records as the demo org's sync stores them: the
// fields a list reads are spread over the whole record, the last ones
// near its end.
var benchRecords = []string{
	`{"attributes":{"type":"Opportunity","url":"/services/data/v66.0/sobjects/Opportunity/006Dm000015ftgHIAQ"},"Id":"006Dm000015ftgHIAQ","SystemModstamp":"2026-03-19T16:50:41.000+0000","IsDeleted":false,"CreatedDate":"2025-11-23T16:08:46.000+0000","CreatedById":"005Dm000015ftgKIAQ","LastModifiedDate":"2026-03-19T16:50:41.000+0000","LastModifiedById":"005Dm000015ftgKIAQ","AccountId":"001Dm000015ftgHIAQ","RecordTypeId":"012Dm000015ftgHIAQ","Name":"Ironwood Robotics Ltd - Training Package","Description":null,"StageName":"Closed Lost","Amount":24000,"Probability":0,"ExpectedRevenue":0,"CloseDate":"2026-03-19","Type":"New Customer","NextStep":null,"LeadSource":"Purchased List","IsClosed":true,"IsWon":false,"ForecastCategory":"Omitted","ForecastCategoryName":"Omitted","OwnerId":"005Dm000015ftgKIAQ","LastStageChangeDate":"2026-03-19T16:50:41.000+0000","FiscalQuarter":1,"FiscalYear":2027,"LastActivityDate":"2025-08-29","Loss_Reason__c":"Other"}`,
	`{"attributes":{"type":"Opportunity","url":"/services/data/v66.0/sobjects/Opportunity/006Dm000015ftgIIAQ"},"Id":"006Dm000015ftgIIAQ","SystemModstamp":"2026-05-04T07:55:08.000+0000","IsDeleted":false,"CreatedDate":"2026-02-21T09:08:28.000+0000","CreatedById":"005Dm000015ftgKIAQ","LastModifiedDate":"2026-05-04T07:55:08.000+0000","LastModifiedById":"005Dm000015ftgKIAQ","AccountId":"001Dm000015ftgHIAQ","RecordTypeId":"012Dm000015ftgHIAQ","Name":"Ironwood Robotics Ltd - Integration Suite","Description":null,"StageName":"Closed Won","Amount":19000,"Probability":100,"ExpectedRevenue":19000,"CloseDate":"2026-05-04","Type":"New Customer","NextStep":null,"LeadSource":"Other","IsClosed":true,"IsWon":true,"ForecastCategory":"Closed","ForecastCategoryName":"Closed","OwnerId":"005Dm000015ftgKIAQ","LastStageChangeDate":"2026-05-04T07:55:08.000+0000","FiscalQuarter":2,"FiscalYear":2027,"LastActivityDate":null,"Loss_Reason__c":null}`,
}

// BenchmarkFieldsScan reads a list's fields of opportunities as stored by
// a sync, one Fields for every record as a list's snapshot does.
func BenchmarkFieldsScan(b *testing.B) {
	f := NewFields("Name", "AccountId", "StageName", "Amount", "CloseDate", "OwnerId", "Probability", "IsClosed", "IsWon", "RecordTypeId", "LastActivityDate")
	raws := [][]byte{[]byte(benchRecords[0]), []byte(benchRecords[1])}
	for i := 0; b.Loop(); i++ {
		if err := f.Scan(raws[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}
