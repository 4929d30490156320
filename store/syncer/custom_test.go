package syncer

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
)

// TestCustomObjectSync configures a custom object (the demo org's
// Account_Plan__c, with a custom lookup and custom fields) on top of the
// defaults and proves it syncs like a standard one: all readable fields,
// creates/updates/deletes on the server reflected incrementally, and its
// relationship usable from offline SOQL.
func TestCustomObjectSync(t *testing.T) {
	ctx := context.Background()
	org := newTestOrg(t, emulator.Options{Seed: 5})
	st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
	cfg := defaultConfig()
	cfg.Objects = append(slices.Clone(DefaultObjects), "Account_Plan__c")

	res, err := Run(ctx, org.c, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Objects["Account_Plan__c"] == nil || res.Objects["Account_Plan__c"].Fetched == 0 {
		t.Fatalf("Account_Plan__c not fetched: %+v", res.Objects["Account_Plan__c"])
	}
	assertCacheEqualsServer(t, org.c, st, cfg)

	// Every custom field the describe lists came along.
	var id string
	err = st.ForEach("Account_Plan__c", func(k string, raw []byte) bool {
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"Account__c", "Fiscal_Year__c", "Status__c", "Target_Revenue__c", "Notes__c"} {
			if _, ok := rec[f]; !ok {
				t.Errorf("cached Account_Plan__c %s lacks custom field %s", k, f)
			}
		}
		id = k
		return false
	})
	if err != nil || id == "" {
		t.Fatalf("no cached account plan (%v)", err)
	}

	// Server-side changes by someone else, then an incremental sync.
	acct := firstID(t, org.c, "SELECT Id FROM Account ORDER BY Id LIMIT 1")
	created, err := org.emu.Create("Account_Plan__c", map[string]any{"Name": "FY27 Expansion Plan", "Account__c": string(acct), "Target_Revenue__c": 250000.0})
	if err != nil {
		t.Fatal(err)
	}
	if err := org.emu.Update("Account_Plan__c", id, map[string]any{"Notes__c": "Renewal risk: champion left"}); err != nil {
		t.Fatal(err)
	}
	deleted := firstID(t, org.c, "SELECT Id FROM Account_Plan__c WHERE Id != '"+id+"' AND Id != '"+created+"' ORDER BY Id LIMIT 1")
	if err := org.emu.Delete("Account_Plan__c", string(deleted)); err != nil {
		t.Fatal(err)
	}
	res, err = Run(ctx, org.c, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Objects["Account_Plan__c"]; o.Fetched != 2 || o.Deleted != 1 {
		t.Errorf("incremental Account_Plan__c: %+v, want 2 fetched (create+update), 1 deleted", o)
	}
	assertCacheEqualsServer(t, org.c, st, cfg)

	// Offline SOQL follows the custom relationship through the cache and
	// answers like the org.
	q := "SELECT Name, Account__r.Name, Target_Revenue__c FROM Account_Plan__c WHERE Id = '" + created + "'"
	off, err := st.Query(ctx, q, store.QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	live, err := org.c.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if off.TotalSize != 1 || live.TotalSize != 1 {
		t.Fatalf("offline %d rows, live %d rows", off.TotalSize, live.TotalSize)
	}
	gotName, _ := off.Records[0].Get("Account__r.Name")
	if want := live.Records[0].String("Account__r.Name"); gotName != want || want == "" {
		t.Errorf("Account__r.Name offline %v, live %q", gotName, want)
	}
}
