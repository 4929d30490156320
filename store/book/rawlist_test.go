package book

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/store"
)

// oddRecords are records the demo org does not have, written next to
// its own: escapes in names and Ids they point at, nulls, missing fields,
// values of the wrong kind, keys in another case, a repeated key, dates
// that do not parse and datetimes in other zones.
var oddRecords = map[string][]string{
	"Account": {
		`{"Id":"001ZZ0000000001AAA","Name":"O\"Brien \\ Sons \u00e9\ud83d\ude00 \/ \n","Type":null,"BillingCity":"","Phone":{"a":[1,"x"]},` +
			`"website":"lower-case key","OwnerId":"005ZZ0000000009AAA","AnnualRevenue":"12","LastActivityDate":"2026-02-30"}`,
		`{"Id":"001ZZ0000000002AAA","Name":"Plain","AnnualRevenue":-0,"LastActivityDate":"2026-01-31T23:59:59.000-0700","Industry":"\u0000"}`,
		`{"Id":"001ZZ0000000003AAA","AnnualRevenue":1.5e3,"LastActivityDate":null,"OwnerId":null}`,
	},
	"Opportunity": {
		`{"Id":"006ZZ0000000001AAA","Name":"Tab\there","AccountId":"001ZZ0000000001AAA","StageName":"Prospecting","StageName":"Closed Won",` +
			`"Amount":null,"IsClosed":"true","IsWon":true,"CloseDate":"2026-03-01T10:00:00.000+0000","LastActivityDate":""}`,
		`{"Id":"006ZZ0000000002AAA","AccountId":"001ZZ0000000002AAA","Amount":0,"Probability":12.5,"CloseDate":"2026-13-01",` +
			`"RecordTypeId":"012ZZ0000000001AAA","ownerid":"005ZZ0000000009AAA","OwnerId":"005ZZ0000000009AAA"}`,
		`{"Id":"006ZZ0000000003AAA"}`,
		// Every field, one seen twice: the scan stops before the last.
		`{"Id":"006ZZ0000000004AAA","Name":"All","stagename":"x","AccountId":"001ZZ0000000002AAA","StageName":"Qualification",` +
			`"Amount":5,"CloseDate":"2026-06-30","OwnerId":"005ZZ0000000009AAA","Probability":10,"IsClosed":false,"IsWon":false,` +
			`"RecordTypeId":"012ZZ0000000001AAA","LastActivityDate":"2026-06-01"}`,
	},
	"Contact": {
		`{"Id":"003ZZ0000000001AAA","Name":"Zo\u00eb \"Z\" Smith","AccountId":"001ZZ0000000001AAA","Email":null,"Department":[],` +
			`"LastActivityDate":"2024-02-29"}`,
		`{"Id":"003ZZ0000000002AAA","AccountId":"001ZZNOTCACHED0AAA","OwnerId":"","LastActivityDate":"2023-02-29"}`,
	},
	"Lead": {
		`{"Id":"00QZZ0000000001AAA","Name":"Lead \\u0041","IsConverted":true,"CreatedDate":"2026-05-19T12:58:07.000+0200",` +
			`"LastActivityDate":"2026-05-19"}`,
		`{"Id":"00QZZ0000000002AAA","IsConverted":null,"CreatedDate":"2026-05-19T12:58:07Z","Company":"x","company":"y"}`,
	},
}

// writeOddRecords writes oddRecords into st, as a sync would.
func writeOddRecords(t *testing.T, st *store.Store) {
	t.Helper()
	err := st.Update(func(w *store.Writer) error {
		for object, recs := range oddRecords {
			for _, raw := range recs {
				if _, err := w.PutRecordUnindexed(object, []byte(raw)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRawListsMatchRecords: the snapshots built straight from the raw
// records (encodeAccounts…) are, byte for byte, the lists read through
// store.DecodeRecord's soql.Records and decode.go's decoders and encoded
// from their types, over the demo org and odd records.
func TestRawListsMatchRecords(t *testing.T) {
	st, b := listsDemo(t)
	writeOddRecords(t, st)
	ctx := t.Context()
	sameSnapshot(t, b, "accounts", b.encodeAccounts, b.readAccounts, putAccount, getAccount)
	sameSnapshot(t, b, "opportunities", b.encodeOpportunities, b.readOpportunities, putOpportunity, getOpportunity)
	sameSnapshot(t, b, "contacts", b.encodeContacts, b.readContacts, putContact, getContact)
	sameSnapshot(t, b, "leads", b.encodeLeads, b.readLeads, putLead, getLead)

	// The odd records are in the lists as the records' reading has them.
	opps, err := b.Opportunities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	odd := opps[len(opps)-4]
	if odd.Name != "Tab\there" || odd.AccountName != "O\"Brien \\ Sons é😀 / \n" || odd.StageName != "Closed Won" ||
		!odd.AmountNull || odd.IsClosed || !odd.IsWon || odd.CloseDate.IsZero() {
		t.Fatalf("odd opportunity: %+v", odd)
	}
}

// sameSnapshot fails the test when the snapshot of the list what built
// from the raw records is not the one encoded from the records' reading.
func sameSnapshot[T any](t *testing.T, b *Book, what string, build buildFunc,
	read func(context.Context) ([]T, error), put func(*encoder, *T), get func(*decoder) T) {
	t.Helper()
	enc, err := build(t.Context(), &listBuilder{b: b})
	if err != nil {
		t.Fatalf("%s from the raw records: %v", what, err)
	}
	got := enc.data
	list := readRecords(t, what, read)
	want := encodeList(list, put)
	if bytes.Equal(got, want) {
		return
	}
	gotList, err := decodeList(string(got), get)
	if err != nil {
		t.Fatalf("%s: the snapshot from the raw records does not decode: %v", what, err)
	}
	for i := range min(len(gotList), len(list)) {
		if !reflect.DeepEqual(gotList[i], list[i]) {
			t.Fatalf("%s: record %d from the raw records is\n%+v\nread through soql.Records\n%+v", what, i, gotList[i], list[i])
		}
	}
	t.Fatalf("%s: %d records from the raw records, %d read through soql.Records (%d and %d bytes)", what, len(gotList), len(list), len(got), len(want))
}

// TestRawListsFailAsRecords: a record whose listed field does not decode
// fails its list, as reading it through soql.Records does.
func TestRawListsFailAsRecords(t *testing.T) {
	st, b := listsDemo(t)
	bad := `{"Id":"006ZZ0000000009AAA","Name":"Bad","Amount":12x}`
	if err := st.Update(func(w *store.Writer) error {
		_, err := w.PutRecordUnindexed("Opportunity", []byte(bad))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_, want := b.readOpportunities(t.Context())
	_, got := b.encodeOpportunities(t.Context(), &listBuilder{b: b})
	if want == nil || got == nil || !strings.Contains(got.Error(), "006ZZ0000000009AAA") {
		t.Fatalf("a bad record: %v from the raw records, %v through soql.Records", got, want)
	}
	if _, err := b.Opportunities(t.Context()); err == nil {
		t.Fatal("the list of opportunities reads with a bad record")
	}
}
