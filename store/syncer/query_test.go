package syncer

import (
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

func TestQueries(t *testing.T) {
	d := &sfdc.SObjectDescribe{Name: "Task", Queryable: true, Fields: []sfdc.Field{
		{Name: "Id", Type: "id"}, {Name: "Subject", Type: "string"}, {Name: "IsDeleted", Type: "boolean"},
		{Name: "IsArchived", Type: "boolean"}, {Name: "SystemModstamp", Type: "datetime"},
		{Name: "Location__c", Type: "location"}, {Name: "Blob", Type: "base64"},
	}}
	base, hasWhere, hasDeleted, skip := baseQuery(d, "(ActivityDate = null)")
	want := "SELECT Id, SystemModstamp, Subject, IsDeleted, IsArchived FROM Task WHERE ((ActivityDate = null)) AND IsArchived = false"
	if base != want || !hasWhere || !hasDeleted || skip != "" {
		t.Fatalf("baseQuery = %q %v %v %q\nwant %q", base, hasWhere, hasDeleted, skip, want)
	}

	pl := &plan{object: "Task", base: base, hasWhere: true, hasDeleted: true, bulk: true}
	if got := pl.soql(); got != base+" ORDER BY Id ASC" || pl.queryAll() {
		t.Errorf("new full pass: %q all=%v", got, pl.queryAll())
	}
	pl.wm = store.Watermark{Cursor: "00T000000000001AAA"}
	if got := pl.soql(); got != base+" AND Id > '00T000000000001AAA' ORDER BY Id ASC" {
		t.Errorf("resumed full pass: %q", got)
	}
	pl.bulk = false
	pl.wm = store.Watermark{Modstamp: "2026-11-21T10:00:30.000+0000", Complete: true}
	if got := pl.soql(); got != base+" AND SystemModstamp >= 2026-11-21T09:59:30Z ORDER BY SystemModstamp ASC" || !pl.queryAll() {
		t.Errorf("incremental: %q all=%v", got, pl.queryAll())
	}

	// Without a scope the first condition starts the WHERE clause.
	d.Fields = d.Fields[:3]
	d.Fields = append(d.Fields, sfdc.Field{Name: "SystemModstamp", Type: "datetime"})
	base, hasWhere, _, _ = baseQuery(d, "")
	pl = &plan{object: "Task", base: base, hasWhere: hasWhere, wm: store.Watermark{Modstamp: "2026-11-21T10:00:30.000+0000"}}
	if got := pl.soql(); got != "SELECT Id, SystemModstamp, Subject, IsDeleted FROM Task WHERE SystemModstamp >= 2026-11-21T09:59:30Z ORDER BY SystemModstamp ASC" {
		t.Errorf("incremental without scope: %q", got)
	}
	if _, _, _, skip := baseQuery(&sfdc.SObjectDescribe{Name: "X", Queryable: false}, ""); skip == "" {
		t.Error("unqueryable object not skipped")
	}
}
