package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// demoCache starts the emulator's demo org and opens a fresh cache for it
// that holds only the signed-in identity, as `lazyforce demo` does before
// its first sync. It returns the cache and the client.
func demoCache(t *testing.T) (*store.Store, *sfdc.Client) {
	t.Helper()
	ctx := context.Background()
	ts := emulator.StartTest(t, emulator.Options{Seed: 1, Now: func() time.Time { return testNow }})
	c, err := sfdc.NewClient(ctx, ts.URL, sfdc.StaticToken(ts.AccessToken), sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ident, err := syncer.ReadIdentity(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetIdentity(ident); err != nil {
		t.Fatal(err)
	}
	return st, c
}

// syncedDemo syncs the emulator's demo org into a fresh cache, as
// `lazyforce demo` does, and returns the cache and the client.
func syncedDemo(t *testing.T) (*store.Store, *sfdc.Client) {
	t.Helper()
	st, c := demoCache(t)
	if _, err := syncer.Run(context.Background(), c, st, syncer.Config{Scope: syncer.DefaultScope(), Now: func() time.Time { return testNow }}); err != nil {
		t.Fatal(err)
	}
	return st, c
}

func TestStoreDataOverASyncedDemoOrg(t *testing.T) {
	st, c := syncedDemo(t)
	d := NewStoreData(st, StoreDataOptions{OrgName: "demo", APIUsage: func() (int, int) {
		u := c.Limits()
		return u.Used, u.Max
	}})
	ctx := context.Background()

	accts, err := d.Accounts(ctx)
	if err != nil || len(accts) == 0 {
		t.Fatalf("accounts: %d, %v", len(accts), err)
	}
	withOwner := 0
	for _, a := range accts {
		if a.ID == "" || a.Name == "" {
			t.Fatalf("account without Id or Name: %+v", a)
		}
		if a.OwnerName != "" {
			withOwner++
		}
	}
	if withOwner == 0 {
		t.Error("no account has an owner name")
	}

	opps, err := d.Opportunities(ctx)
	if err != nil || len(opps) == 0 {
		t.Fatalf("opportunities: %d, %v", len(opps), err)
	}
	var open, closed, named int
	for _, o := range opps {
		if o.IsClosed {
			closed++
		} else {
			open++
		}
		if o.AccountName != "" && o.OwnerName != "" && !o.CloseDate.IsZero() && o.StageName != "" {
			named++
		}
	}
	if open == 0 || closed == 0 || named < len(opps)/2 {
		t.Errorf("opportunities: %d open, %d closed, %d with account/owner/close/stage", open, closed, named)
	}

	rts, err := d.RecordTypes(ctx)
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
	unplaced := 0
	rts = views.NarrowStages(rts, opps)
	for _, rt := range rts {
		t.Logf("record type %q (stages known: %v): %d stages", rt.Name, rt.StagesKnown, len(rt.Stages))
	}
	for _, o := range opps {
		if !stageOf[o.RecordTypeID][o.StageName] {
			unplaced++
		}
	}
	if unplaced > 0 {
		t.Errorf("%d of %d opportunities have a stage outside their record type's columns", unplaced, len(opps))
	}

	// An account with opportunities shows them, its contacts and activity.
	var acct string
	for _, o := range opps {
		if o.AccountID != "" {
			acct = o.AccountID
			break
		}
	}
	ad, err := d.AccountDetail(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if ad.Account.Name == "" || len(ad.Opportunities) == 0 {
		t.Errorf("account detail: %q with %d opportunities", ad.Account.Name, len(ad.Opportunities))
	}
	t.Logf("account %q: %d contacts, %d opportunities, %d activities", ad.Account.Name, len(ad.Contacts), len(ad.Opportunities), len(ad.Activities))

	roles, acts := 0, 0
	for _, o := range opps[:min(len(opps), 40)] {
		od, err := d.OpportunityDetail(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if od.Opportunity.Name != o.Name || od.Opportunity.AccountName != o.AccountName {
			t.Fatalf("opportunity detail %q/%q, list %q/%q", od.Opportunity.Name, od.Opportunity.AccountName, o.Name, o.AccountName)
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

	status, err := d.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if status.Username == "" || status.UserID == "" || status.InstanceURL == "" || status.OrgName == "" || status.LastSync.IsZero() || status.APILimit == 0 {
		t.Errorf("status: %+v", status)
	}

	if _, err := d.AccountDetail(ctx, "001000000000000AAA"); err == nil || !strings.Contains(err.Error(), "not in the cache") {
		t.Errorf("missing account: %v", err)
	}
}

func TestAppOverTheStore(t *testing.T) {
	st, _ := syncedDemo(t)
	m, err := New(Deps{Data: NewStoreData(st, StoreDataOptions{OrgName: "demo"}), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	m.flashTTL = time.Millisecond
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	run(m, m.loadStatus())
	run(m, m.loadData())
	if m.Accounts().Rows() == 0 {
		t.Fatal("no accounts on screen")
	}
	run(m, press(m, "enter"))
	if d := m.Detail(views.AccountsPane); d == nil || d.Loading() || !strings.Contains(screen(m), "Account · ") {
		t.Fatalf("account detail over the store:\n%s", screen(m))
	}
	press(m, "3")
	if !strings.Contains(screen(m), "Open pipeline by stage") {
		t.Fatalf("pipeline over the store:\n%s", screen(m))
	}
}

// TestStoreDataFiscalYearCurrencyAndNulls: the status carries the org's
// fiscal year start and currency from the cached identity, a null Amount
// or AnnualRevenue is decoded as null (not 0), and the root hands the
// fiscal year and currency to the panes.
func TestStoreDataFiscalYearCurrencyAndNulls(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{Org: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SetIdentity(store.Identity{UserID: "005000000000001AAA", OrgID: "00D000000000001AAA", Username: "u@x", InstanceURL: "https://x", FiscalYearStartMonth: 2, Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	recs := map[string][]string{
		"Account": {
			`{"attributes":{"type":"Account"},"Id":"001000000000001AAA","Name":"Null rev","AnnualRevenue":null,"SystemModstamp":"2026-05-01T00:00:00.000+0000"}`,
			`{"attributes":{"type":"Account"},"Id":"001000000000002AAA","Name":"Zero rev","AnnualRevenue":0,"SystemModstamp":"2026-05-01T00:00:00.000+0000"}`,
		},
		"Opportunity": {
			`{"attributes":{"type":"Opportunity"},"Id":"006000000000001AAA","Name":"Null deal","AccountId":"001000000000001AAA","StageName":"Prospecting","Amount":null,"CloseDate":"2026-06-01","SystemModstamp":"2026-05-01T00:00:00.000+0000"}`,
			`{"attributes":{"type":"Opportunity"},"Id":"006000000000002AAA","Name":"Zero deal","AccountId":"001000000000001AAA","StageName":"Prospecting","Amount":0,"CloseDate":"2026-06-01","SystemModstamp":"2026-05-01T00:00:00.000+0000"}`,
		},
	}
	err = st.Update(func(w *store.Writer) error {
		for object, raws := range recs {
			for _, raw := range raws {
				if _, err := w.PutRecord(object, []byte(raw)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d := NewStoreData(st, StoreDataOptions{})
	ctx := context.Background()
	status, err := d.Status(ctx)
	if err != nil || status.FiscalYearStartMonth != time.February || status.Currency != "EUR" {
		t.Fatalf("status: %+v, %v", status, err)
	}
	accts, err := d.Accounts(ctx)
	if err != nil || len(accts) != 2 {
		t.Fatalf("accounts: %+v, %v", accts, err)
	}
	for _, a := range accts {
		if a.AnnualRevenueNull != (a.Name == "Null rev") {
			t.Errorf("%s: AnnualRevenueNull %v", a.Name, a.AnnualRevenueNull)
		}
	}
	opps, err := d.Opportunities(ctx)
	if err != nil || len(opps) != 2 {
		t.Fatalf("opportunities: %+v, %v", opps, err)
	}
	for _, o := range opps {
		if o.AmountNull != (o.Name == "Null deal") {
			t.Errorf("%s: AmountNull %v", o.Name, o.AmountNull)
		}
	}

	m, err := New(Deps{Data: d, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	run(m, m.loadData())
	m.Update(m.loadStatus()())
	press(m, "2")
	press(m, "x") // open + closed
	press(m, "x")
	press(m, "d") // closing this month
	press(m, "d") // closing this quarter
	out := screen(m)
	for _, want := range []string{"closing this fiscal quarter (May–Jul)", "€0", "—"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "$") {
		t.Errorf("screen shows dollars for a EUR org:\n%s", out)
	}
}

// TestListsDecodeLikeDetails: the lists read only the fields they need
// with store.DecodeRecord; they must hold the same values as the detail
// views, which decode whole records.
func TestListsDecodeLikeDetails(t *testing.T) {
	st, _ := syncedDemo(t)
	d := NewStoreData(st, StoreDataOptions{})
	ctx := context.Background()
	opps, err := d.Opportunities(ctx)
	if err != nil || len(opps) == 0 {
		t.Fatalf("opportunities: %d, %v", len(opps), err)
	}
	for i := 0; i < len(opps); i += 7 {
		det, err := d.OpportunityDetail(ctx, opps[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if det.Opportunity != opps[i] {
			t.Fatalf("list and detail disagree:\nlist   %+v\ndetail %+v", opps[i], det.Opportunity)
		}
	}
	accts, err := d.Accounts(ctx)
	if err != nil || len(accts) == 0 {
		t.Fatalf("accounts: %d, %v", len(accts), err)
	}
	for i := 0; i < len(accts); i += 7 {
		det, err := d.AccountDetail(ctx, accts[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if det.Account != accts[i] {
			t.Fatalf("list and detail disagree:\nlist   %+v\ndetail %+v", accts[i], det.Account)
		}
	}
}
