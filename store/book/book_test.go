package book

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// id mints a valid 18-character Id: a key prefix, n in 12 digits and the
// checksum suffix.
func id(prefix string, n int) string {
	return sfdc.MustID(fmt.Sprintf("%s%012d", prefix, n)).String()
}

// The records of the small org the tests put into the cache.
var (
	userAda, userBen     = id("005", 1), id("005", 2)
	acctBlue, acctNorth  = id("001", 1), id("001", 2)
	contMaya, contLars   = id("003", 1), id("003", 2)
	contOmar             = id("003", 3)
	leadKemi             = id("00Q", 1)
	rtRenewal, rtNewBiz  = id("012", 1), id("012", 2)
	rtPartner, rtOld     = id("012", 3), id("012", 4)
	oppPilot, oppRenewal = id("006", 1), id("006", 2)
	oppExpansion         = id("006", 3)
	roleLars, roleMaya   = id("00k", 1), id("00k", 2)
	taskQuote, taskCall  = id("00T", 1), id("00T", 2)
	eventDemo            = id("00U", 1)
)

func testRecords() map[string][]map[string]any {
	return map[string][]map[string]any{
		"Organization": {{"Id": id("00D", 1), "Name": "Acme Corp"}},
		"User": {
			{"Id": userAda, "Name": "Ada Okafor", "Username": "ada@acme.example", "Email": "ada@acme.example", "IsActive": true},
			{"Id": userBen, "Name": "Ben Lindqvist", "Username": "ben@acme.example", "Email": "ben@acme.example", "IsActive": false},
		},
		"Account": {
			{"Id": acctBlue, "Name": "Blue Logistics", "Type": "Customer - Direct", "Industry": "Transportation", "BillingCity": "Berlin",
				"Phone": "+49 30 1234", "Website": "https://blue.example", "OwnerId": userAda, "AnnualRevenue": 2_500_000, "LastActivityDate": "2026-05-01"},
			{"Id": acctNorth, "Name": "North Foods", "OwnerId": userBen, "AnnualRevenue": nil},
		},
		"Contact": {
			{"Id": contMaya, "Name": "Maya Chen", "Title": "CFO", "Email": "maya@blue.example", "Phone": "+49 30 1", "AccountId": acctBlue},
			{"Id": contLars, "Name": "Lars Berg", "Title": "Buyer", "AccountId": acctBlue},
			{"Id": contOmar, "Name": "Omar Rahman", "AccountId": acctNorth},
		},
		"Lead": {
			{"Id": leadKemi, "Name": "Kemi Adeyemi", "Company": "Cedar Labs", "Title": "COO", "Status": "Working - Contacted",
				"Email": "kemi@cedar.example", "Phone": "+1 555 0100", "OwnerId": userBen, "IsConverted": false},
		},
		"RecordType": {
			{"Id": rtRenewal, "Name": "Renewal", "SobjectType": "Opportunity", "IsActive": true},
			{"Id": rtNewBiz, "Name": "New Business", "SobjectType": "Opportunity", "IsActive": true},
			{"Id": rtPartner, "Name": "Partner", "SobjectType": "Account", "IsActive": true},
			{"Id": rtOld, "Name": "Old process", "SobjectType": "Opportunity", "IsActive": false},
		},
		"OpportunityStage": {
			{"Id": id("01J", 1), "ApiName": "Closed Won", "MasterLabel": "Closed Won", "SortOrder": 3, "IsActive": true, "IsClosed": true, "IsWon": true, "DefaultProbability": 100},
			{"Id": id("01J", 2), "ApiName": "Prospecting", "MasterLabel": "Prospecting", "SortOrder": 1, "IsActive": true, "DefaultProbability": 10},
			{"Id": id("01J", 3), "ApiName": "Qualification", "MasterLabel": "Qualification", "SortOrder": 2, "IsActive": true, "DefaultProbability": 20},
			{"Id": id("01J", 4), "ApiName": "Legacy", "MasterLabel": "Legacy", "SortOrder": 4, "IsActive": false},
			{"Id": id("01J", 5), "MasterLabel": "Verbal Commit", "SortOrder": 5, "IsActive": true, "DefaultProbability": 90},
		},
		"Opportunity": {
			{"Id": oppPilot, "Name": "Blue — Pilot", "AccountId": acctBlue, "StageName": "Prospecting", "Amount": 12_500, "CloseDate": "2026-06-30",
				"OwnerId": userAda, "Probability": 10, "IsClosed": false, "IsWon": false, "RecordTypeId": rtNewBiz, "LastActivityDate": "2026-05-12"},
			{"Id": oppRenewal, "Name": "Blue — Renewal", "AccountId": acctBlue, "StageName": "Closed Won", "Amount": nil, "CloseDate": "2026-03-31",
				"OwnerId": userBen, "Probability": 100, "IsClosed": true, "IsWon": true, "RecordTypeId": rtRenewal},
			{"Id": oppExpansion, "Name": "North — Expansion", "AccountId": acctNorth, "StageName": "Qualification", "Amount": 0, "CloseDate": "2026-09-15",
				"OwnerId": userBen, "Probability": 20, "RecordTypeId": rtRenewal},
		},
		"OpportunityContactRole": {
			{"Id": roleLars, "OpportunityId": oppPilot, "ContactId": contLars, "Role": "Evaluator", "IsPrimary": false},
			{"Id": roleMaya, "OpportunityId": oppPilot, "ContactId": contMaya, "Role": "Decision Maker", "IsPrimary": true},
		},
		"Task": {
			{"Id": taskQuote, "Subject": "Send quote", "WhatId": oppPilot, "AccountId": acctBlue, "WhoId": contMaya, "ActivityDate": "2026-05-12",
				"Status": "Completed", "OwnerId": userAda},
			{"Id": taskCall, "Subject": "Call", "WhatId": acctBlue, "AccountId": acctBlue, "WhoId": contLars, "ActivityDate": "2026-05-20",
				"Status": "Not Started", "OwnerId": userBen},
		},
		"Event": {
			{"Id": eventDemo, "Subject": "Demo", "WhatId": oppPilot, "AccountId": acctBlue, "WhoId": leadKemi,
				"StartDateTime": "2026-05-18T14:00:00.000+0000", "ActivityDate": "2026-05-18", "OwnerId": userAda},
		},
	}
}

// newStore opens a cache in t.TempDir() holding recs, put through the
// store's API as a sync would.
func newStore(t *testing.T, recs map[string][]map[string]any) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{Org: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(func(w *store.Writer) error {
		for object, rs := range recs {
			for _, r := range rs {
				raw, err := json.Marshal(r)
				if err != nil {
					return err
				}
				if _, err := w.PutRecord(object, raw); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// sameList reports a list that is not want.
func sameList[T comparable](t *testing.T, what string, got []T, err error, want []T) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}

// readDetail reads the detail of id with read; it fails the test on an
// error.
func readDetail[D any](t *testing.T, read func(context.Context, string) (D, error), id string) D {
	t.Helper()
	d, err := read(t.Context(), id)
	if err != nil {
		t.Fatalf("detail of %s: %v", id, err)
	}
	return d
}

// TestLists: every cached record of a type, in Id order, with the names of
// the records it points at; a null number is null, not 0.
func TestLists(t *testing.T) {
	b := New(newStore(t, testRecords()), Options{})
	ctx := t.Context()

	accts, err := b.Accounts(ctx)
	sameList(t, "accounts", accts, err, []Account{
		{ID: acctBlue, Name: "Blue Logistics", Type: "Customer - Direct", Industry: "Transportation", BillingCity: "Berlin",
			Phone: "+49 30 1234", Website: "https://blue.example", OwnerID: userAda, OwnerName: "Ada Okafor",
			AnnualRevenue: 2_500_000, LastActivity: date("2026-05-01")},
		{ID: acctNorth, Name: "North Foods", OwnerID: userBen, OwnerName: "Ben Lindqvist", AnnualRevenueNull: true},
	})

	opps, err := b.Opportunities(ctx)
	sameList(t, "opportunities", opps, err, []Opportunity{
		{ID: oppPilot, Name: "Blue — Pilot", AccountID: acctBlue, AccountName: "Blue Logistics", StageName: "Prospecting",
			Amount: 12_500, CloseDate: date("2026-06-30"), OwnerID: userAda, OwnerName: "Ada Okafor", Probability: 10,
			RecordTypeID: rtNewBiz, LastActivityDate: date("2026-05-12")},
		{ID: oppRenewal, Name: "Blue — Renewal", AccountID: acctBlue, AccountName: "Blue Logistics", StageName: "Closed Won",
			AmountNull: true, CloseDate: date("2026-03-31"), OwnerID: userBen, OwnerName: "Ben Lindqvist", Probability: 100,
			IsClosed: true, IsWon: true, RecordTypeID: rtRenewal},
		{ID: oppExpansion, Name: "North — Expansion", AccountID: acctNorth, AccountName: "North Foods", StageName: "Qualification",
			CloseDate: date("2026-09-15"), OwnerID: userBen, OwnerName: "Ben Lindqvist", Probability: 20, RecordTypeID: rtRenewal},
	})

	leads, err := b.Leads(ctx)
	sameList(t, "leads", leads, err, []Lead{{ID: leadKemi, Name: "Kemi Adeyemi", Company: "Cedar Labs", Title: "COO",
		Status: "Working - Contacted", Email: "kemi@cedar.example", Phone: "+1 555 0100", OwnerID: userBen, OwnerName: "Ben Lindqvist"}})

	users, err := b.Users(ctx)
	sameList(t, "users", users, err, []User{
		{ID: userAda, Name: "Ada Okafor", Username: "ada@acme.example", Email: "ada@acme.example", IsActive: true},
		{ID: userBen, Name: "Ben Lindqvist", Username: "ben@acme.example", Email: "ben@acme.example"},
	})
}

// TestRecordTypes: the active Opportunity record types by name; New
// Business has its picklist cached, so its own two stages; Renewal has
// none, so every active stage in sort order (a stage without ApiName goes
// by its MasterLabel), not known as its own.
func TestRecordTypes(t *testing.T) {
	st := newStore(t, testRecords())
	pl := `{"picklistFieldValues":{"StageName":{"values":[{"label":"Prospecting","value":"Prospecting"},{"label":"Won","value":"Closed Won"}]},
		"LeadSource":{"values":[{"label":"Web","value":"Web"}]}}}`
	if err := st.PutPicklists("Opportunity", rtNewBiz, []byte(pl), time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := New(st, Options{}).RecordTypes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	prospecting := Stage{Label: "Prospecting", SortOrder: 1, Probability: 10}
	qualification := Stage{Label: "Qualification", SortOrder: 2, Probability: 20}
	won := Stage{Label: "Closed Won", SortOrder: 3, IsClosed: true, IsWon: true, Probability: 100}
	verbal := Stage{Label: "Verbal Commit", SortOrder: 5, Probability: 90}
	want := []RecordType{
		{ID: rtNewBiz, Name: "New Business", Stages: []Stage{prospecting, won}, StagesKnown: true},
		{ID: rtRenewal, Name: "Renewal", Stages: []Stage{prospecting, qualification, won, verbal}},
	}
	if len(got) != len(want) {
		t.Fatalf("record types: got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Name != want[i].Name || got[i].StagesKnown != want[i].StagesKnown || !slices.Equal(got[i].Stages, want[i].Stages) {
			t.Errorf("record type %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// TestRecordTypesWithoutRecordTypes: an org without Opportunity record
// types has one "All opportunities" entry with every active stage.
func TestRecordTypesWithoutRecordTypes(t *testing.T) {
	recs := testRecords()
	delete(recs, "RecordType")
	got, err := New(newStore(t, recs), Options{}).RecordTypes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "" || got[0].Name != "All opportunities" || !got[0].StagesKnown || len(got[0].Stages) != 4 {
		t.Fatalf("record types: %+v", got)
	}
}

// utc normalises the times of activities so they compare with ==.
func utc(acts []Activity) []Activity {
	out := slices.Clone(acts)
	for i := range out {
		out[i].When = out[i].When.UTC()
	}
	slices.SortFunc(out, func(a, b Activity) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// TestDetails: an account's and an opportunity's related records, with
// the names of the records they point at; the record itself as listed.
func TestDetails(t *testing.T) {
	b := New(newStore(t, testRecords()), Options{})
	ctx := t.Context()
	accts, _ := b.Accounts(ctx)
	opps, _ := b.Opportunities(ctx)
	quote := Activity{ID: taskQuote, Kind: TaskActivity, Subject: "Send quote", When: date("2026-05-12"), Status: "Completed", WhoName: "Maya Chen", OwnerName: "Ada Okafor"}
	call := Activity{ID: taskCall, Kind: TaskActivity, Subject: "Call", When: date("2026-05-20"), Status: "Not Started", WhoName: "Lars Berg", OwnerName: "Ben Lindqvist"}
	demo := Activity{ID: eventDemo, Kind: EventActivity, Subject: "Demo", When: time.Date(2026, 5, 18, 14, 0, 0, 0, time.UTC), WhoName: "Kemi Adeyemi", OwnerName: "Ada Okafor"}

	ad := readDetail(t, b.AccountDetail, acctBlue)
	if ad.Account != accts[0] {
		t.Errorf("account: detail %+v, list %+v", ad.Account, accts[0])
	}
	sameList(t, "contacts", ad.Contacts, nil, []Contact{
		{ID: contMaya, Name: "Maya Chen", Title: "CFO", Email: "maya@blue.example", Phone: "+49 30 1", AccountID: acctBlue},
		{ID: contLars, Name: "Lars Berg", Title: "Buyer", AccountID: acctBlue},
	})
	sameList(t, "account opportunities", ad.Opportunities, nil, opps[:2])
	// The call is on the account (WhatId and AccountId: listed once), the
	// quote and the demo on its opportunity (AccountId).
	sameList(t, "account activities", utc(ad.Activities), nil, utc([]Activity{quote, call, demo}))
	north := readDetail(t, b.AccountDetail, acctNorth)
	if len(north.Contacts) != 1 || north.Contacts[0].Name != "Omar Rahman" || len(north.Opportunities) != 1 || len(north.Activities) != 0 {
		t.Errorf("North Foods: %+v", north)
	}

	od := readDetail(t, b.OpportunityDetail, oppPilot)
	if od.Opportunity != opps[0] {
		t.Errorf("opportunity: detail %+v, list %+v", od.Opportunity, opps[0])
	}
	// The primary contact first.
	sameList(t, "contact roles", od.ContactRoles, nil, []ContactRole{
		{ContactID: contMaya, ContactName: "Maya Chen", Role: "Decision Maker", IsPrimary: true},
		{ContactID: contLars, ContactName: "Lars Berg", Role: "Evaluator"},
	})
	// Only activities on the opportunity (WhatId): not the account's call.
	sameList(t, "opportunity activities", utc(od.Activities), nil, utc([]Activity{quote, demo}))
}

func TestDetailsOfRecordsNotCached(t *testing.T) {
	b := New(newStore(t, testRecords()), Options{})
	if _, err := b.AccountDetail(t.Context(), id("001", 99)); err == nil || !strings.Contains(err.Error(), "not in the cache") {
		t.Errorf("missing account: %v", err)
	}
	if _, err := b.OpportunityDetail(t.Context(), id("006", 99)); err == nil || !strings.Contains(err.Error(), "not in the cache") {
		t.Errorf("missing opportunity: %v", err)
	}
}

func TestStatus(t *testing.T) {
	st := newStore(t, testRecords())
	ident := store.Identity{UserID: userAda, OrgID: id("00D", 1), Username: "ada@acme.example", InstanceURL: "https://acme.my.salesforce.com",
		FiscalYearStartMonth: 2, Currency: "EUR"}
	if err := st.SetIdentity(ident); err != nil {
		t.Fatal(err)
	}
	synced := time.Date(2026, 5, 14, 10, 27, 0, 0, time.UTC)
	if err := st.Update(func(w *store.Writer) error { return w.SetLastSync(synced) }); err != nil {
		t.Fatal(err)
	}
	b := New(st, Options{OrgName: "acme-alias", APIUsage: func() (int, int) { return 120, 15000 }, PendingWrites: func() (int, error) { return 3, nil }})
	got, err := b.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := Status{OrgName: "Acme Corp", Username: "ada@acme.example", UserID: userAda, InstanceURL: "https://acme.my.salesforce.com",
		FiscalYearStartMonth: time.February, Currency: "EUR", LastSync: synced, APIUsed: 120, APILimit: 15000, HasOutbox: true, PendingWrites: 3}
	if !got.LastSync.Equal(want.LastSync) {
		t.Errorf("last sync %v, want %v", got.LastSync, want.LastSync)
	}
	got.LastSync = want.LastSync
	if got != want {
		t.Errorf("status:\ngot  %+v\nwant %+v", got, want)
	}

	// Without an Organization record: the alias, else the org's Id.
	recs := testRecords()
	delete(recs, "Organization")
	bare := newStore(t, recs)
	if got, err := New(bare, Options{OrgName: "acme-alias"}).Status(t.Context()); err != nil || got.OrgName != "acme-alias" || got.HasOutbox || got.APILimit != 0 {
		t.Errorf("status with an alias: %+v, %v", got, err)
	}
	if err := bare.SetIdentity(ident); err != nil {
		t.Fatal(err)
	}
	if got, err := New(bare, Options{}).Status(t.Context()); err != nil || got.OrgName != ident.OrgID {
		t.Errorf("status without a name: %+v, %v", got, err)
	}

	failing := New(bare, Options{PendingWrites: func() (int, error) { return 0, errors.New("outbox unreadable") }})
	if _, err := failing.Status(t.Context()); err == nil || !strings.Contains(err.Error(), "outbox unreadable") {
		t.Errorf("unreadable outbox: %v", err)
	}
}

func TestCancelledReadsFail(t *testing.T) {
	b := New(newStore(t, testRecords()), Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := b.Accounts(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("accounts: %v", err)
	}
	if _, err := b.Opportunities(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("opportunities: %v", err)
	}
	if _, err := b.AccountDetail(ctx, acctBlue); !errors.Is(err, context.Canceled) {
		t.Errorf("account detail: %v", err)
	}
}

// TestUndecodableRecord: a record that is not JSON fails the list that
// reads it, naming the record.
func TestUndecodableRecord(t *testing.T) {
	st := newStore(t, testRecords())
	// PutRecordUnindexed stores what it is given (it only reads the Id).
	err := st.Update(func(w *store.Writer) error {
		_, err := w.PutRecordUnindexed("Account", []byte(`{"Id":"`+id("001", 3)+`","Name":"Broken","AnnualRevenue":12x}`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(st, Options{}).Accounts(t.Context()); err == nil || !strings.Contains(err.Error(), id("001", 3)) {
		t.Errorf("accounts over a broken record: %v", err)
	}
}

func TestNarrowStages(t *testing.T) {
	a, b2, c := Stage{Label: "A", SortOrder: 1}, Stage{Label: "B", SortOrder: 2}, Stage{Label: "C", SortOrder: 3}
	rts := []RecordType{
		{ID: "rt1", Name: "Unknown process", Stages: []Stage{a, b2, c}},
		{ID: "rt2", Name: "Known process", Stages: []Stage{a, b2}, StagesKnown: true},
		{ID: "rt3", Name: "No opportunities", Stages: []Stage{a, c}},
	}
	opps := []Opportunity{{RecordTypeID: "rt1", StageName: "C"}, {RecordTypeID: "rt1", StageName: "A"}, {RecordTypeID: "rt2", StageName: "A"}}
	got := NarrowStages(rts, opps)
	if !slices.Equal(got[0].Stages, []Stage{a, c}) {
		t.Errorf("unknown process narrowed to %+v, want A and C", got[0].Stages)
	}
	if !slices.Equal(got[1].Stages, []Stage{a, b2}) {
		t.Errorf("known process changed: %+v", got[1].Stages)
	}
	if !slices.Equal(got[2].Stages, []Stage{a, c}) {
		t.Errorf("a record type without opportunities lost its stages: %+v", got[2].Stages)
	}
	if len(rts[0].Stages) != 3 {
		t.Error("NarrowStages changed its input")
	}
}
