package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/views"
)

// The cache is read through store/book, whose own tests check what it
// decodes; these check the app over it.

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

// TestStoreDataFiscalYearCurrencyAndNulls: over a cache whose identity
// has a February fiscal year and EUR, with a null and a zero Amount, the
// opportunities pane shows the fiscal quarter, euros, "€0" and "—" (book's
// TestLists and TestStatus check what is decoded).
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
