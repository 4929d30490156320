package cli

import (
	"path/filepath"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
)

// TestSyncWarmsTheListSnapshots: after 'lazyforce sync' the app's
// start-up lists are stored as current snapshots, so the next start-up
// does not read every record (issue 14).
func TestSyncWarmsTheListSnapshots(t *testing.T) {
	home, _ := loggedIn(t, emulator.Options{Seed: 3}, "--alias", "demo")
	current := func(step string) {
		t.Helper()
		st, err := store.Open(filepath.Join(home, "cache", "demo.db"), store.Options{Org: "demo", ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for _, name := range []string{"accounts", "opportunities", "contacts", "leads"} {
			_, ok, err := st.Snapshot("book.v1."+name, func([]byte) error { return nil })
			if err != nil || !ok {
				t.Errorf("%s: no current %s snapshot (%v)", step, name, err)
			}
		}
	}
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	current("after the first sync")
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("second sync: %d %q", code, errs)
	}
	current("after an incremental sync")
}
