package ui

import (
	"context"
	"regexp"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// TestSmokeDemo runs the program on the real demo path, as `lazyforce
// demo` does: the emulator's demo org over HTTP, an empty cache in a
// temporary directory holding only the identity, the background sync
// through store/syncer (with its progress in the status bar), and the
// StoreData adapter. It visits every pane, opens an account and an
// opportunity, and quits. Every wait is bounded and wakes on new frames.
func TestSmokeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the demo org")
	}
	clock := func() time.Time { return testNow }
	st, c := demoCache(t)
	syncNow := func(ctx context.Context, progress func(syncer.Progress)) error {
		_, err := syncer.Run(ctx, c, st, syncer.Config{Scope: syncer.DefaultScope(), Now: clock, Progress: progress})
		return err
	}
	data := NewStoreData(st, StoreDataOptions{OrgName: "demo", APIUsage: func() (int, int) {
		l := c.Limits()
		return l.Used, l.Max
	}})
	m, err := New(Deps{Data: data, Sync: syncNow, SyncOnStart: true, Now: clock, Dark: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(m)
	rec.keepAll = true
	tm := teatest.NewTestModel(t, rec,
		teatest.WithInitialTermSize(140, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	// If a wait fails, stop the program before the cache closes.
	t.Cleanup(func() { _ = tm.Quit() })

	// The cache starts empty; the background sync fills it.
	rec.waitForWithin(t, 2*time.Minute, "online", "synced just now")
	rec.waitMatch(t, time.Minute, `Accounts [1-9][\d,]* of`)
	rec.mu.Lock()
	var progressShown bool
	for _, f := range rec.seen {
		progressShown = progressShown || regexp.MustCompile(`syncing [A-Z][A-Za-z]+`).MatchString(f)
	}
	rec.mu.Unlock()
	if !progressShown {
		t.Error("the status bar never showed the sync's progress")
	}

	step := stepper(t, tm, rec)
	tm.Send(keyPress("2"))
	rec.waitMatch(t, time.Minute, `Opportunities [1-9][\d,]* of [\d,]+ · \$`)
	tm.Send(keyPress("d"))
	tm.Send(keyPress("d"))
	// The demo org's fiscal year starts in February.
	rec.waitFor(t, "closing this fiscal quarter (May–Jul)")
	step("enter", "Opportunity · ", "Contact roles (", "Activity (")
	step("esc", "Prob.")
	step("3", "Open pipeline by stage", "Closed this fiscal quarter (May–Jul)", "New Business")
	step("T", "Renewal")
	step("4", "not available yet")
	tm.Send(keyPress("6"))
	rec.waitMatch(t, time.Minute, `Contacts [1-9][\d,]* of`)
	step("enter", "Contact · ", "Account ", "Activity (")
	tm.Send(keyPress("esc"))
	tm.Send(keyPress("7"))
	rec.waitMatch(t, time.Minute, `Leads [1-9][\d,]* of [\d,]+ · open`)
	step("enter", "Lead · ", "Lead source ", "Activity (")
	tm.Send(keyPress("esc"))
	step("tab", "sorted by Name")
	tm.Send(keyPress("j"))
	step("enter", "Account · ", "Contacts (", "Activity (")
	step("esc", "sorted by Name")
	tm.Send(keyPress("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(*recorder)
	if final.m.Focus() != views.AccountsPane {
		t.Fatalf("final focus %v", final.m.Focus())
	}
}
