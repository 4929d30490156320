package syncer

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
)

// lookupFields are lookups whose index answers TestKillMidIndexRebuildThenResume
// checks, per object.
var lookupFields = map[string][]string{
	"Contact":     {"AccountId", "OwnerId"},
	"Opportunity": {"AccountId", "OwnerId"},
	"Task":        {"WhatId", "WhoId", "OwnerId"},
}

// TestKillMidIndexRebuildThenResume kills a first sync (a child process,
// this test binary again) after the last page of an object is committed and
// one bounded step of its index rebuild with it: the index is half built.
// A reader then gets the answers the records give (not half an index), and
// the resumed sync, after the org changed a lookup, ends with the cache
// equal to the server and the index equal to its records.
func TestKillMidIndexRebuildThenResume(t *testing.T) {
	if os.Getenv("LAZYFORCE_INDEX_CHILD") != "" {
		runChildIndexSync()
		return
	}
	for _, killAt := range []string{"Contact", "Task"} {
		t.Run(killAt, func(t *testing.T) {
			ctx := context.Background()
			org := newTestOrg(t, emulator.Options{Seed: 11})
			path := filepath.Join(t.TempDir(), "org.db")
			killChildIndexSync(t, org, path, killAt)

			st := openStore(t, path)
			wm, ok, err := st.Watermark(killAt)
			if err != nil || !ok || wm.Complete {
				t.Fatalf("%s not left mid-way by the kill: %+v %v %v", killAt, wm, ok, err)
			}
			if ready, err := st.IndexesReady(killAt); err != nil || ready {
				t.Fatalf("IndexesReady(%s) = %v, %v after a kill mid-rebuild, want false", killAt, ready, err)
			}
			assertIndexMatchesRecords(t, st, killAt)

			// The org changes a lookup of the object while the sync is down:
			// a record takes the parent of another.
			field := lookupFields[killAt][0]
			var moved, parent, from string
			err = st.ForEach(killAt, func(id string, raw []byte) bool {
				var rec map[string]any
				if err := json.Unmarshal(raw, &rec); err != nil {
					t.Fatal(err)
				}
				p, _ := rec[field].(string)
				switch {
				case p == "":
				case moved == "":
					moved, from = id, p
				case p != from:
					parent = p
					return false
				}
				return true
			})
			if err != nil || parent == "" {
				t.Fatalf("no two %s records with different %s: %v", killAt, field, err)
			}
			if err := org.c.Update(ctx, killAt, sfdc.ID(moved), map[string]any{field: parent}, sfdc.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}

			if _, err := Run(ctx, org.c, st, killConfig()); err != nil {
				t.Fatal(err)
			}
			assertCacheEqualsServer(t, org.c, st, killConfig())
			for _, object := range []string{"Contact", "Opportunity", "Task"} {
				if ready, err := st.IndexesReady(object); err != nil || !ready {
					t.Errorf("IndexesReady(%s) = %v, %v after the resumed sync", object, ready, err)
				}
				assertIndexMatchesRecords(t, st, object)
			}
		})
	}
}

// assertIndexMatchesRecords checks that, for each lookup of object in
// lookupFields, Related lists exactly the cached records pointing at each
// parent (20 of them, and one with no records).
func assertIndexMatchesRecords(t *testing.T, st *store.Store, object string) {
	t.Helper()
	for _, field := range lookupFields[object] {
		want := map[string][]string{}
		err := st.ForEach(object, func(id string, raw []byte) bool {
			var rec map[string]any
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatal(err)
			}
			if parent, _ := rec[field].(string); parent != "" {
				want[parent] = append(want[parent], id)
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("%s has no %s: the check proves nothing", object, field)
		}
		// Every parent would cost a scan each while the index is stale:
		// check 20 of them, in a fixed order, and a parent with nothing.
		parents := slices.Sorted(maps.Keys(want))
		parents = append(parents[:min(len(parents), 20)], "001000000000000AAA")
		for _, parent := range parents {
			ids := want[parent]
			got, err := st.Related(field, parent, object)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(ids)
			if !slices.Equal(got, ids) {
				t.Errorf("Related(%s, %s, %s) = %d records, the cache's records say %d", field, parent, object, len(got), len(ids))
			}
		}
	}
}

// killChildIndexSync runs a first sync of org into path in a child process
// and SIGKILLs it once it has committed the first step of killAt's index
// rebuild and is stopped there (the child waits for the kill).
func killChildIndexSync(t *testing.T, org *testOrg, path, killAt string) {
	t.Helper()
	killChild(t, "TestKillMidIndexRebuildThenResume", "LAZYFORCE_INDEX_CHILD", org, path, killAt, killAt+"'s index")
}

// runChildIndexSync is the child side of TestKillMidIndexRebuildThenResume:
// a first sync whose index steps are small, which says "stopped" after the
// first committed index step of the given object and waits to be killed.
func runChildIndexSync() {
	runChild("LAZYFORCE_INDEX_CHILD", func(cfg *Config, killAt string, stop func()) {
		cfg.indexBudget = 1000
		cfg.afterIndexStep = func(object string) {
			if object == killAt {
				stop()
			}
		}
	})
}
