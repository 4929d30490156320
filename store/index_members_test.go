package store

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
)

// setEntries lists the entries of s, by index, in the order they were
// added.
func setEntries(s *IndexSet) [numKinds][]string {
	var out [numKinds][]string
	for kind := range s.refs {
		for _, run := range append(slices.Clone(s.runs[kind]), s.refs[kind]) {
			for _, r := range run {
				out[kind] = append(out[kind], string(s.arena.chunks[r.chunk][r.off:r.off+r.len]))
			}
		}
	}
	return out
}

// checkAddMembers adds each record of a page of records to one IndexSet
// with Add and to another with AddMembers (when the page split noted its
// members), as each object, and fails unless both hold the same entries,
// or fail with the same error. It returns how many records had members.
func checkAddMembers(t *testing.T, records ...[]byte) int {
	t.Helper()
	body := []byte(`{"totalSize":1,"done":true,"records":[` + string(bytes.Join(records, []byte(","))) + `]}`)
	page, err := sfdc.DecodeQueryPage(body)
	if err != nil || len(page.Records) != len(records) {
		return 0 // not records of a page
	}
	noted := 0
	for _, object := range []string{"Account", "Contact", "Opportunity", "Task"} {
		var scanned, spanned IndexSet
		for i, raw := range page.Records {
			m, ok := page.Members(i)
			if !ok {
				continue
			}
			if object == "Account" {
				noted++
			}
			errScan := scanned.Add(object, raw)
			errSpan := spanned.AddMembers(object, m)
			if fmt.Sprint(errScan) != fmt.Sprint(errSpan) {
				t.Fatalf("%s record %q: Add: %v, AddMembers: %v", object, raw, errScan, errSpan)
			}
		}
		if scanned.Len() != spanned.Len() || fmt.Sprintf("%q", setEntries(&scanned)) != fmt.Sprintf("%q", setEntries(&spanned)) {
			t.Fatalf("%s records %q:\nAdd        %q\nAddMembers %q", object, records, setEntries(&scanned), setEntries(&spanned))
		}
	}
	return noted
}

func TestAddMembersMatchesAdd(t *testing.T) {
	var records [][]byte
	for i := range 300 {
		records = append(records, benchContact(i), benchOpportunity(i))
	}
	records = append(records,
		[]byte(`{"attributes":{"type":"Contact"},"Id":"003000000000001AAA","Name":"  Ünïcode Nàme ","Phone":"+1 (555) 010-1234","OtherPhone":"+1 (555) 010-1234","Email":" Ann+News@Example.COM ","AccountId":"001000000000001AAA","Bad__c":"001000000000001AAB","Other__c":"not an id x","StageName":"Closed \"Won\"","Subject":"ignored"}`),
		[]byte(`{"Subject":"Call \u00e9","Id":"00T000000000001AAA","WhoId":"003000000000001\u0041AA","WhatId":null}`),
		[]byte(`{"Id":"001000000000001AAA","Name":"","Subject":"Fallback","Name":"Second"}`),
		[]byte(`{"Id":"","Name":"x"}`),
		[]byte(`{"Id":null,"Name":"x"}`),
		[]byte(`{"Id":12,"Name":"x"}`),
		[]byte(`{"Name":"no id"}`),
		[]byte(`{}`),
		[]byte(`{"Id":"001000000000001AAA","Id":"001000000000002AAA","Name":{"x":[1,"}"]}}`),
		[]byte(` { "Id" : "001000000000003AAA" , "Email" : "a@b.co" , "Phone" : "12" } `),
	)
	if n := checkAddMembers(t, records...); n != len(records) {
		t.Fatalf("%d of %d records had members", n, len(records))
	}
	// And one record at a time, so that an error does not hide the
	// records after it.
	for _, raw := range records {
		checkAddMembers(t, raw)
	}
}

func TestAddMembersMatchesAddOnRecordedPages(t *testing.T) {
	for _, f := range []string{"query-aggregate-expr0.json", "query-child-subquery.json", "query-page1-nextRecordsUrl.json", "query-parent-relationship.json"} {
		page, err := sfdc.DecodeQueryPage(readFixture(t, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var records [][]byte
		for _, r := range page.Records {
			records = append(records, r)
		}
		if n := checkAddMembers(t, records...); n != len(records) {
			t.Errorf("%s: %d of %d records had members", f, n, len(records))
		}
	}
}

func FuzzAddMembersMatchesAdd(f *testing.F) {
	f.Add(benchContact(1))
	f.Add(benchOpportunity(2))
	f.Add([]byte(`{"Subject":"Call \u00e9","Id":"00T000000000001AAA","WhoId":"003000000000001\u0041AA","Phone":"+1 555","Email":"a+b@c.d"}`))
	f.Add([]byte(`{"Id":null}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkAddMembers(t, raw)
	})
}

// BenchmarkIndexSetAddMembers is BenchmarkIndexSetAdd from where the page
// split found the records' fields (AddMembers), and by scanning (Add).
func BenchmarkIndexSetAddMembers(b *testing.B) {
	for _, object := range []string{"Opportunity", "Contact"} {
		var pages []*sfdc.QueryPage
		for _, records := range benchPages(object, 20) {
			body := []byte(`{"totalSize":40000,"done":true,"records":[` + string(bytes.Join(records, []byte(","))) + `]}`)
			page, err := sfdc.DecodeQueryPage(body)
			if err != nil {
				b.Fatal(err)
			}
			pages = append(pages, page)
		}
		for _, spans := range []bool{true, false} {
			name := object + "/scan"
			if spans {
				name = object + "/members"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					for _, page := range pages {
						var set IndexSet
						for i, raw := range page.Records {
							var err error
							if m, ok := page.Members(i); ok && spans {
								err = set.AddMembers(object, m)
							} else {
								err = set.Add(object, raw)
							}
							if err != nil {
								b.Fatal(err)
							}
						}
					}
				}
			})
		}
	}
}

func TestNotIndexedFieldIsNotIndexed(t *testing.T) {
	for _, key := range []string{"CreatedById", "LastModifiedById", "OwnerId", "AccountId", "createdById", "CreatedBy", "LastModifiedByIdX", "Id", ""} {
		if got := notIndexedField([]byte(key)); got != notIndexed[key] {
			t.Errorf("notIndexedField(%q) = %v, notIndexed has %v", key, got, notIndexed[key])
		}
	}
	for key := range notIndexed {
		if !notIndexedField([]byte(key)) {
			t.Errorf("notIndexedField(%q) = false", key)
		}
	}
}
