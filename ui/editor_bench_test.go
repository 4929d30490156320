package ui

import (
	"context"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// benchEditor serves an opportunity's form from memory, shaped as
// StoreEditor builds it from the demo org's describe (its 20 updateable
// fields, the record type's stages, an Account lookup with the 5,000
// candidates StoreEditor lists at most): the benchmark times the app's
// share of opening the form.
type benchEditor struct {
	opps     map[string]book.Opportunity
	accounts []views.RecordOption
}

func (e *benchEditor) FormFor(_ context.Context, object, id, _ string) (views.RecordFormInput, error) {
	o := e.opps[id]
	stages := []views.RecordOption{{Value: "Prospecting"}, {Value: "Qualification"}, {Value: "Needs Analysis"}, {Value: "Proposal/Price Quote"}, {Value: "Negotiation/Review"}, {Value: "Closed Won"}, {Value: "Closed Lost"}}
	text := func(name string, n int) views.RecordField {
		return views.RecordField{Name: name, Label: name, Kind: views.RecordText, Type: "string", Length: n}
	}
	in := views.RecordFormInput{Object: object, ID: id, Name: o.Name, Fields: []views.RecordField{
		{Name: "AccountId", Label: "Account ID", Kind: views.RecordLookup, Type: "reference", Value: o.AccountID, ValueLabel: o.AccountName, Options: e.accounts},
		{Name: "RecordTypeId", Label: "Record Type ID", Kind: views.RecordLookup, Type: "reference"},
		{Name: "Name", Label: "Opportunity Name", Kind: views.RecordText, Type: "string", Length: 120, Required: true, Value: o.Name},
		text("Description", 32000),
		{Name: "StageName", Label: "Stage", Kind: views.RecordPicklist, Type: "picklist", Required: true, Value: o.StageName, Options: stages},
		{Name: "Amount", Label: "Amount", Kind: views.RecordNumber, Type: "currency", Value: "120000"},
		{Name: "Probability", Label: "Probability (%)", Kind: views.RecordNumber, Type: "percent", Value: "20"},
		{Name: "CloseDate", Label: "Close Date", Kind: views.RecordDate, Type: "date", Required: true, Value: o.CloseDate.Format("2006-01-02")},
		{Name: "Type", Label: "Opportunity Type", Kind: views.RecordPicklist, Type: "picklist", Options: []views.RecordOption{{Value: "New Customer"}, {Value: "Existing Customer - Upgrade"}}},
		text("NextStep", 255),
		{Name: "LeadSource", Label: "Lead Source", Kind: views.RecordPicklist, Type: "picklist", Options: []views.RecordOption{{Value: "Web"}, {Value: "Webinar"}, {Value: "Partner"}}},
		{Name: "ForecastCategoryName", Label: "Forecast Category", Kind: views.RecordPicklist, Type: "picklist", Options: []views.RecordOption{{Value: "Pipeline"}, {Value: "Best Case"}, {Value: "Commit"}}},
		{Name: "OwnerId", Label: "Owner ID", Kind: views.RecordLookup, Type: "reference", Required: true},
		{Name: "Loss_Reason__c", Label: "Loss Reason", Kind: views.RecordPicklist, Type: "picklist", Options: []views.RecordOption{{Value: "Price"}, {Value: "Timing"}}},
	}}
	return in, nil
}

func (e *benchEditor) Save(context.Context, string, string, map[string]any) (EditResult, error) {
	return EditResult{}, nil
}

// BenchmarkOpenRecordForm measures e → the frame with the record form,
// at 140×40 over 100k opportunities: the key's Update, the editor's read
// (from memory), the result's Update and the View. Target: under 16 ms.
func BenchmarkOpenRecordForm(b *testing.B) {
	d := NewFakeData(1, 100_000, testNow)
	accts, _ := d.Accounts(context.Background())
	opps, _ := d.Opportunities(context.Background())
	ed := &benchEditor{opps: map[string]book.Opportunity{}}
	for _, o := range opps {
		ed.opps[o.ID] = o
	}
	for _, a := range accts[:min(5000, len(accts))] {
		ed.accounts = append(ed.accounts, views.RecordOption{Value: a.ID, Label: a.Name})
	}
	m := loaded(b, Deps{Data: d, Editor: ed, Now: func() time.Time { return testNow }, Dark: true}, 140, 40)
	run(m, press(m, "2"))
	reportLatency(b, timeEach(b, func() {
		_, cmd := m.Update(keyPress("e"))
		m.Update(cmd()) // the editor's read: one message
		_ = m.View()
	}, func() {
		if m.edit.form == nil {
			b.Fatal("no form")
		}
		m.edit.form = nil
	}))
}

// BenchmarkStoreEditorFormFor measures the editor's read behind e over a
// synced demo org (LAZYFORCE_BENCH_SCALE, default 10: ≈16k opportunities, 1,800 accounts): the describe, the
// record, the picklists and the lookups' candidates, in the command.
func BenchmarkStoreEditorFormFor(b *testing.B) {
	st, _ := booktest.Demo(b, booktest.Options{Scale: benchScale(10), Now: func() time.Time { return testNow }, Scope: syncer.DefaultScope()})
	ed := NewStoreEditor(st, nil)
	var id string
	_ = st.ForEach("Opportunity", func(k string, _ []byte) bool { id = k; return false })
	reportLatency(b, timeEach(b, func() {
		if _, err := ed.FormFor(context.Background(), "Opportunity", id, ""); err != nil {
			b.Fatal(err)
		}
	}, nil))
}
