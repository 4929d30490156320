package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/booktest"
)

// plainData is a Data and nothing more: an app over it builds its indexes.
type plainData struct{ Data }

// TestStartupFromKeptIndexes: after PrepareStartup (what `lazyforce sync`
// runs after a change), a start-up over the cache installs the kept sort
// orders and search keys, so no command is left to build them, and every
// sort, quick filter and search then shows what an app that built them
// shows.
func TestStartupFromKeptIndexes(t *testing.T) {
	st, _ := booktest.Demo(t, booktest.Options{Now: func() time.Time { return testNow },
		Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Opportunity"}})
	b := book.New(st, book.Options{OrgName: "demo"})
	if err := PrepareStartup(t.Context(), b); err != nil {
		t.Fatal(err)
	}

	m, err := New(Deps{Data: b, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	m.Update(m.loadStatus()())
	for _, half := range m.loadData()().(tea.BatchMsg) {
		msg := half().(dataLoadedMsg)
		if msg.err != nil {
			t.Fatal(msg.err)
		}
		if msg.warmAccounts != nil || msg.warmOpps != nil {
			t.Fatal("an index is still to be built after PrepareStartup")
		}
		run(m, func() tea.Msg { return msg })
	}
	ref := loaded(t, Deps{Data: plainData{b}, Now: func() time.Time { return testNow }}, 140, 40)

	same := func(step string) {
		t.Helper()
		if got, want := m.View().Content, ref.View().Content; got != want {
			t.Fatalf("after %s, the app over kept indexes shows\n%s\nwhere building them shows\n%s", step, got, want)
		}
	}
	same("start-up")
	for _, k := range []string{"1", ">", ">", ">", ">", "-", ">", "2", ">", ">", ">", ">", ">", ">", "-", ">",
		"m", "x", "z", "m", "x", "z", "3", "T", "m", "2", "/", "a", "c", "enter"} {
		run(m, press(m, k))
		run(ref, press(ref, k))
		same(k)
	}
}
