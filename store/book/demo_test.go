package book

import (
	"context"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// demoNow is the demo org's clock.
var demoNow = time.Date(2026, time.May, 14, 10, 30, 0, 0, time.UTC)

// count returns the number of cached records of object.
func count(t *testing.T, st *store.Store, object string) int {
	t.Helper()
	n, err := st.Count(object)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// soqlCount counts with the cache's own SOQL engine, a second reading of
// the same records.
func soqlCount(t *testing.T, st *store.Store, query string) int {
	t.Helper()
	res, err := st.Query(context.Background(), query, store.QueryOptions{Now: func() time.Time { return demoNow }})
	if err != nil {
		t.Fatal(err)
	}
	return res.TotalSize
}

// TestBookOverASyncedDemoOrg reads a demo org synced over HTTP: every
// cached record is listed with its related names, the record types place
// every opportunity, details agree with the lists, and the status says
// who and where.
func TestBookOverASyncedDemoOrg(t *testing.T) {
	st, c := booktest.Demo(t, booktest.Options{Now: func() time.Time { return demoNow }, Scope: syncer.DefaultScope()})
	b := New(st, Options{OrgName: "demo", APIUsage: func() (int, int) {
		u := c.Limits()
		return u.Used, u.Max
	}})
	ctx := context.Background()

	accts, err := b.Accounts(ctx)
	if err != nil || len(accts) != count(t, st, "Account") || len(accts) == 0 {
		t.Fatalf("accounts: %d of %d, %v", len(accts), count(t, st, "Account"), err)
	}
	for _, a := range accts {
		if a.ID == "" || a.Name == "" || a.OwnerName == "" {
			t.Fatalf("account without Id, Name or owner: %+v", a)
		}
	}

	opps, err := b.Opportunities(ctx)
	if err != nil || len(opps) != count(t, st, "Opportunity") {
		t.Fatalf("opportunities: %d of %d, %v", len(opps), count(t, st, "Opportunity"), err)
	}
	open, won := 0, 0
	for _, o := range opps {
		if !o.IsClosed {
			open++
		}
		if o.IsWon {
			won++
		}
		if o.AccountName == "" || o.OwnerName == "" || o.CloseDate.IsZero() || o.StageName == "" {
			t.Fatalf("opportunity without account, owner, close date or stage: %+v", o)
		}
	}
	if want := soqlCount(t, st, "SELECT COUNT() FROM Opportunity WHERE IsClosed = false"); open != want || open == 0 {
		t.Errorf("%d open opportunities, SOQL counts %d", open, want)
	}
	if want := soqlCount(t, st, "SELECT COUNT() FROM Opportunity WHERE IsWon = true"); won != want || won == 0 {
		t.Errorf("%d won opportunities, SOQL counts %d", won, want)
	}

	leads, err := b.Leads(ctx)
	if err != nil || len(leads) != count(t, st, "Lead") || len(leads) == 0 {
		t.Fatalf("leads: %d of %d, %v", len(leads), count(t, st, "Lead"), err)
	}
	users, err := b.Users(ctx)
	if err != nil || len(users) != count(t, st, "User") {
		t.Fatalf("users: %d of %d, %v", len(users), count(t, st, "User"), err)
	}

	rts, err := b.RecordTypes(ctx)
	if err != nil || len(rts) == 0 {
		t.Fatalf("record types: %v, %v", rts, err)
	}
	stageOf := make(map[string]map[string]bool)
	for _, rt := range rts {
		if len(rt.Stages) == 0 {
			t.Errorf("record type %q has no stages", rt.Name)
		}
		stageOf[rt.ID] = make(map[string]bool)
		for i, s := range rt.Stages {
			stageOf[rt.ID][s.Label] = true
			if i > 0 && s.SortOrder < rt.Stages[i-1].SortOrder {
				t.Errorf("%s: stages out of order", rt.Name)
			}
		}
	}
	for _, o := range opps {
		if !stageOf[o.RecordTypeID][o.StageName] {
			t.Fatalf("opportunity %s is in stage %q, not a column of its record type", o.ID, o.StageName)
		}
	}

	// The lists and the details decode alike.
	for i := 0; i < max(len(opps), len(accts)); i += 7 {
		if i < len(opps) {
			det, err := b.OpportunityDetail(ctx, opps[i].ID)
			if err != nil || det.Opportunity != opps[i] {
				t.Fatalf("list and detail disagree (%v):\nlist   %+v\ndetail %+v", err, opps[i], det.Opportunity)
			}
		}
		if i < len(accts) {
			det, err := b.AccountDetail(ctx, accts[i].ID)
			if err != nil || det.Account != accts[i] {
				t.Fatalf("list and detail disagree (%v):\nlist   %+v\ndetail %+v", err, accts[i], det.Account)
			}
		}
	}

	// An account's detail holds all of its opportunities and contacts.
	acct := opps[0].AccountID
	ad := readDetail(t, b.AccountDetail, acct)
	if want := soqlCount(t, st, "SELECT COUNT() FROM Opportunity WHERE AccountId = '"+acct+"'"); len(ad.Opportunities) != want {
		t.Errorf("account detail: %d opportunities, SOQL counts %d", len(ad.Opportunities), want)
	}
	if want := soqlCount(t, st, "SELECT COUNT() FROM Contact WHERE AccountId = '"+acct+"'"); len(ad.Contacts) != want || want == 0 {
		t.Errorf("account detail: %d contacts, SOQL counts %d", len(ad.Contacts), want)
	}

	roles, acts := 0, 0
	for _, o := range opps[:min(len(opps), 40)] {
		od, err := b.OpportunityDetail(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		roles += len(od.ContactRoles)
		acts += len(od.Activities)
		for _, r := range od.ContactRoles {
			if r.ContactName == "" {
				t.Errorf("contact role without a contact name: %+v", r)
			}
		}
	}
	if roles == 0 || acts == 0 {
		t.Errorf("40 opportunities have %d contact roles and %d activities", roles, acts)
	}

	status, err := b.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if status.OrgName != "Lazyforce Demo Co." || status.Username == "" || status.UserID == "" || status.InstanceURL == "" || status.LastSync.IsZero() || status.APILimit == 0 {
		t.Errorf("status: %+v", status)
	}
}
