package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// writeOrg is the app over the demo org with the StoreWriter, as
// `lazyforce demo` runs it: the emulator over HTTP, a synced cache, writes
// pushed at once, and 'r' pushing the outbox before it pulls.
type writeOrg struct {
	ts *emulator.TestServer
	c  *sfdc.Client
	st *store.Store
	sw *StoreWriter
	m  *Model
}

func newWriteOrg(t *testing.T) *writeOrg {
	t.Helper()
	clock := func() time.Time { return testNow }
	ctx := context.Background()
	ts := emulator.StartTest(t, emulator.Options{Seed: 1, Now: clock})
	st, c := booktest.Open(t, ts)
	cfg := syncer.Config{Scope: syncer.DefaultScope(), Now: clock}
	if _, err := syncer.Run(ctx, c, st, cfg); err != nil {
		t.Fatal(err)
	}
	syncNow := func(ctx context.Context, progress func(syncer.Progress)) error {
		unlock, err := st.LockSync(ctx, nil)
		if err != nil {
			return err
		}
		defer unlock()
		cfg := cfg
		cfg.Progress = progress
		_, _, err = syncer.Sync(ctx, c, st, cfg, syncer.PushOptions{Backoff: time.Millisecond})
		return err
	}
	sw := NewStoreWriter(st, StoreWriterOptions{Client: func(context.Context) (*sfdc.Client, error) { return c, nil }, Now: clock})
	data := NewStoreData(st, StoreDataOptions{OrgName: "demo"})
	m := loaded(t, Deps{Data: data, Writer: sw, Sync: syncNow, Now: clock, Dark: true}, 150, 40)
	drive(m, m.loadWrites())
	return &writeOrg{ts: ts, c: c, st: st, sw: sw, m: m}
}

// selectOpen moves the opportunities list to an open opportunity not in
// used.
func (o *writeOrg) selectOpen(t *testing.T, used map[string]bool) book.Opportunity {
	t.Helper()
	for range 500 {
		sel, ok := o.m.opps.Selected()
		if ok && !sel.IsClosed && !used[sel.ID] {
			used[sel.ID] = true
			return sel
		}
		keys(o.m, "j")
	}
	t.Fatal("no open opportunity in the list")
	return book.Opportunity{}
}

// pick moves the open picker's cursor from the current stage to value and
// presses enter.
func (o *writeOrg) pick(t *testing.T, in views.StagePickerInput, value string) {
	t.Helper()
	at, want := -1, -1
	for i, s := range in.Stages {
		if s.Value == in.CurrentStage {
			at = i
		}
		if s.Value == value {
			want = i
		}
	}
	if at < 0 || want < 0 {
		t.Fatalf("stage %q or current %q not in the picker", value, in.CurrentStage)
	}
	for ; at < want; at++ {
		keys(o.m, "down")
	}
	for ; at > want; at-- {
		keys(o.m, "up")
	}
	keys(o.m, "enter")
}

// openStage is an open stage of the picker other than the current one.
func openStage(t *testing.T, in views.StagePickerInput) views.StageOption {
	t.Helper()
	for _, s := range in.Stages {
		if !s.IsClosed && s.Value != in.CurrentStage {
			return s
		}
	}
	t.Fatal("no other open stage")
	return views.StageOption{}
}

func (o *writeOrg) serverStage(t *testing.T, id string) (stage string, prob float64, reason string) {
	t.Helper()
	rec, err := o.c.GetRecord(context.Background(), "Opportunity", sfdc.ID(id), "StageName", "Probability", "Loss_Reason__c")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := rec.Float("Probability")
	return rec.String("StageName"), p, rec.String("Loss_Reason__c")
}

func (o *writeOrg) serverCalls(t *testing.T, whatID string) int {
	t.Helper()
	res, err := o.c.Query(context.Background(), "SELECT Id FROM Task WHERE WhatId = '"+whatID+"' AND TaskSubtype = 'Call' AND Status = 'Completed'")
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Records)
}

func (o *writeOrg) unsent(t *testing.T) []store.OutboxEntry {
	t.Helper()
	all, err := o.st.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	var out []store.OutboxEntry
	for _, e := range all {
		if e.State.Unsent() {
			out = append(out, e)
		}
	}
	return out
}

// TestWritesOverTheDemoOrg changes stages and logs calls from the keys,
// against the emulator's demo org over HTTP, and checks the server.
func TestWritesOverTheDemoOrg(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the demo org")
	}
	o := newWriteOrg(t)
	m := o.m
	used := map[string]bool{}
	keys(m, "2")

	t.Run("s changes the stage on the server and the screen", func(t *testing.T) {
		opp := o.selectOpen(t, used)
		keys(m, "s")
		if m.w.picker == nil || m.w.picker.OpportunityID() != opp.ID {
			t.Fatalf("s opened no picker on %s", opp.ID)
		}
		in, err := o.sw.StagePicker(t.Context(), opp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.PicklistAsOf.IsZero() && !in.Live {
			t.Error("the picker does not say how old its stages are")
		}
		want := openStage(t, in)
		calls := o.ts.APICalls()
		o.pick(t, in, want.Value)
		if m.w.picker != nil {
			t.Fatalf("the picker stays open:\n%s", screen(m))
		}
		if n := o.ts.APICalls() - calls; n != 1 {
			t.Errorf("the stage change cost %d API calls, want 1", n)
		}
		stage, prob, _ := o.serverStage(t, opp.ID)
		if stage != want.Value || prob != want.Probability {
			t.Errorf("server: %q at %v%%, want %q at %v%%", stage, prob, want.Value, want.Probability)
		}
		if !strings.Contains(m.flash.text, "stage → "+want.Value+" · sent") {
			t.Errorf("flash %q", m.flash.text)
		}
		if sel, _ := m.opps.Selected(); sel.ID != opp.ID || sel.StageName != want.Value {
			t.Errorf("the list shows %s in %q", sel.ID, sel.StageName)
		}
		if out := screen(m); !strings.Contains(out, want.Value) {
			t.Errorf("the screen does not show %q:\n%s", want.Value, out)
		}
		if u := o.unsent(t); len(u) != 0 {
			t.Errorf("unsent after the push: %+v", u)
		}
	})

	t.Run("c logs a call on the server", func(t *testing.T) {
		sel, _ := m.opps.Selected()
		before := o.serverCalls(t, sel.ID)
		keys(m, "c")
		if m.w.form == nil || !m.w.form.Call() {
			t.Fatal("c opened no call form")
		}
		ctrlS(m)
		if m.w.form != nil {
			t.Fatalf("the form stays open:\n%s", screen(m))
		}
		if got := o.serverCalls(t, sel.ID); got != before+1 {
			t.Errorf("the server has %d completed calls on %s, want %d", got, sel.ID, before+1)
		}
		if !strings.Contains(m.flash.text, "call logged · sent") {
			t.Errorf("flash %q", m.flash.text)
		}
		keys(m, "enter") // the opportunity's timeline shows the call
		if out := screen(m); !strings.Contains(out, "✓ sent · Call") {
			t.Errorf("the call is not in the timeline, sent:\n%s", out)
		}
		keys(m, "esc")
	})

	t.Run("t logs a task on an account", func(t *testing.T) {
		keys(m, "1")
		acct := m.accounts.SelectedID()
		keys(m, "t")
		if m.w.form == nil || m.w.form.Call() {
			t.Fatal("t opened no task form")
		}
		typeText(m, "Send the deck")
		ctrlS(m)
		if m.w.form != nil || !strings.Contains(m.flash.text, "task logged · sent") {
			t.Fatalf("save: form open %v, flash %q\n%s", m.w.form != nil, m.flash.text, screen(m))
		}
		res, err := o.c.Query(t.Context(), "SELECT Id, Status, TaskSubtype FROM Task WHERE WhatId = '"+acct+"' AND Subject = 'Send the deck'")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) != 1 || res.Records[0].String("Status") != "Not Started" {
			t.Errorf("the server has %d such tasks: %+v", len(res.Records), res.Records)
		}
		keys(m, "2")
	})

	t.Run("closed lost without a reason shows the org's error and keeps the input", func(t *testing.T) {
		opp := o.selectOpen(t, used)
		keys(m, "s")
		in, err := o.sw.StagePicker(t.Context(), opp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.LossReasonRequired || len(in.LossReasons) == 0 {
			t.Fatalf("loss reasons: required %v, %d values", in.LossReasonRequired, len(in.LossReasons))
		}
		o.pick(t, in, "Closed Lost")
		if m.w.picker == nil {
			t.Fatal("the picker closed on a refused change")
		}
		if m.w.picker.Step() != "loss reason" {
			t.Errorf("the picker asks for the %s, want the loss reason", m.w.picker.Step())
		}
		if out := screen(m); !strings.Contains(out, "Select a Loss Reason") {
			t.Errorf("the org's error is not shown:\n%s", out)
		}
		if stage, _, _ := o.serverStage(t, opp.ID); stage == "Closed Lost" {
			t.Fatal("the server took Closed Lost without a reason")
		}
		keys(m, "enter") // the first reason
		if m.w.picker != nil {
			t.Fatalf("the picker stays open with a reason:\n%s", screen(m))
		}
		stage, _, reason := o.serverStage(t, opp.ID)
		if stage != "Closed Lost" || reason != in.LossReasons[0].Value {
			t.Errorf("server: %q for %q, want Closed Lost for %q", stage, reason, in.LossReasons[0].Value)
		}
		if u := o.unsent(t); len(u) != 0 {
			t.Errorf("the refused write was not replaced by the fixed one: %+v", u)
		}
		// From now on the picker asks for the reason first.
		if in, _ := o.sw.StagePicker(t.Context(), opp.ID); !in.LossReasonRequired {
			t.Error("the picker does not ask for the reason after the org required one")
		}
	})

	t.Run("H and L move a pipeline card through the same path", func(t *testing.T) {
		keys(m, "3")
		card, ok := m.pipeline.Selected()
		if !ok {
			t.Fatal("no card selected")
		}
		in, err := o.sw.StagePicker(t.Context(), card.ID)
		if err != nil {
			t.Fatal(err)
		}
		at := slices.IndexFunc(in.Stages, func(s views.StageOption) bool { return s.Value == in.CurrentStage })
		key, want := "L", at+1
		if want >= len(in.Stages) || in.Stages[want].IsClosed && !in.Stages[want].IsWon {
			key, want = "H", at-1
		}
		keys(m, key)
		if stage, _, _ := o.serverStage(t, card.ID); stage != in.Stages[want].Value {
			t.Errorf("%s moved %s to %q on the server, want %q (%s)", key, card.ID, stage, in.Stages[want].Value, m.flash.text)
		}
		used[card.ID] = true
		keys(m, "2")
	})

	t.Run("a conflict is kept, compared and resolved", func(t *testing.T) {
		opp := o.selectOpen(t, used)
		in, err := o.sw.StagePicker(t.Context(), opp.ID)
		if err != nil {
			t.Fatal(err)
		}
		var open []string
		for _, s := range in.Stages {
			if !s.IsClosed && s.Value != in.CurrentStage {
				open = append(open, s.Value)
			}
		}
		if len(open) < 2 {
			t.Fatalf("too few open stages: %v", open)
		}
		theirs, mine := open[0], open[1]
		// Someone else moves the deal on the server; the cache still has
		// the old version.
		if err := o.c.Update(t.Context(), "Opportunity", sfdc.ID(opp.ID), map[string]any{"StageName": theirs}, sfdc.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		keys(m, "s")
		o.pick(t, in, mine)
		if !strings.Contains(m.flash.text, "changed on the server") {
			t.Errorf("flash %q", m.flash.text)
		}
		if stage, _, _ := o.serverStage(t, opp.ID); stage != theirs {
			t.Fatalf("the server has %q: the conflicting write overwrote it", stage)
		}
		entries, err := o.sw.Outbox(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var e views.OutboxEntry
		for _, x := range entries {
			if x.RecordID == opp.ID && x.State == views.WriteConflict {
				e = x
			}
		}
		want := []views.ConflictField{{Field: "StageName", Mine: mine, Theirs: theirs}}
		if !slices.Equal(e.Conflict, want) {
			t.Fatalf("conflict entry %+v, want the fields %+v", e, want)
		}
		if m.ctx.Marks[opp.ID] != views.WriteConflict {
			t.Errorf("the record is marked %v", m.ctx.Marks[opp.ID])
		}
		_, cmd := m.Update(views.OutboxResolveMsg{ID: e.ID, Resolution: views.ApplyMine})
		drive(m, cmd)
		if stage, _, _ := o.serverStage(t, opp.ID); stage != mine {
			t.Errorf("after apply mine the server has %q, want %q (%s)", stage, mine, m.flash.text)
		}
		if u := o.unsent(t); len(u) != 0 {
			t.Errorf("unsent after the resolution: %+v", u)
		}
	})

	t.Run("a write while a sync holds the turn is queued, then pushed by a sync", func(t *testing.T) {
		opp := o.selectOpen(t, used)
		in, err := o.sw.StagePicker(t.Context(), opp.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := openStage(t, in)
		unlock, err := o.st.LockSync(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		wait := o.sw.opts.PushWait
		o.sw.opts.PushWait = 50 * time.Millisecond
		res, err := o.sw.ChangeStage(t.Context(), opp.ID, want.Value, "")
		o.sw.opts.PushWait = wait
		unlock()
		if err != nil || !res.Queued || res.Pushed {
			t.Fatalf("with the turn taken: %+v, %v", res, err)
		}
		m.sync = syncRunning
		drive(m, m.runSync())
		if stage, _, _ := o.serverStage(t, opp.ID); stage != want.Value {
			t.Errorf("server stage %q after the sync, want %q", stage, want.Value)
		}
	})

	t.Run("offline writes wait and are pushed once after the outage", func(t *testing.T) {
		opp := o.selectOpen(t, used)
		before, _, _ := o.serverStage(t, opp.ID)
		calls := o.serverCalls(t, opp.ID)
		o.ts.SetFaults(emulator.Faults{Outage: true})
		keys(m, "s")
		in, err := o.sw.StagePicker(t.Context(), opp.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := openStage(t, in)
		o.pick(t, in, want.Value)
		if m.w.picker != nil || !strings.Contains(m.flash.text, "queued") {
			t.Fatalf("offline stage change: picker open %v, flash %q", m.w.picker != nil, m.flash.text)
		}
		keys(m, "c")
		ctrlS(m)
		if m.w.form != nil || !strings.Contains(m.flash.text, "queued") {
			t.Fatalf("offline call: form open %v, flash %q", m.w.form != nil, m.flash.text)
		}
		if sel, _ := m.opps.Selected(); sel.StageName != want.Value {
			t.Errorf("the list shows %q offline, want the queued %q", sel.StageName, want.Value)
		}
		m.flash = flashMsg{}
		if out := screen(m); !strings.Contains(out, "2 pending") {
			t.Errorf("the status bar does not count the queued writes:\n%s", out)
		}
		o.ts.SetFaults(emulator.Faults{})
		if stage, _, _ := o.serverStage(t, opp.ID); stage != before {
			t.Fatalf("the server has %q before the push", stage)
		}
		// The org is back: a sync pushes the outbox, then pulls.
		for range 2 {
			m.sync = syncRunning
			drive(m, m.runSync())
			if m.sync != syncOnline {
				t.Fatalf("sync: %v (%s)", m.sync, m.flash.text)
			}
		}
		if stage, _, _ := o.serverStage(t, opp.ID); stage != want.Value {
			t.Errorf("server stage %q after the outage, want %q", stage, want.Value)
		}
		if got := o.serverCalls(t, opp.ID); got != calls+1 {
			t.Errorf("the server has %d calls on %s, want exactly %d", got, opp.ID, calls+1)
		}
		if u := o.unsent(t); len(u) != 0 {
			t.Errorf("unsent after the sync: %+v", u)
		}
		m.flash = flashMsg{}
		if out := screen(m); strings.Contains(out, "pending") {
			t.Errorf("the status bar still counts pending writes:\n%s", out)
		}
	})
}

// BenchmarkStoreWriterReads measures what a write key reads from the
// cache before its overlay opens, over the demo org synced into bbolt
// (LAZYFORCE_BENCH_SCALE, default 1): the stage picker's input (the
// opportunity, its record type's picklists, the loss reasons) and the
// call form's (the opportunity, its account's contacts, Task's
// picklists). BenchmarkOpenWriteOverlay times the rest of the frame.
func BenchmarkStoreWriterReads(b *testing.B) {
	st, _ := booktest.Demo(b, booktest.Options{Scale: benchScale(1), Now: func() time.Time { return testNow }, Scope: syncer.DefaultScope()})
	sw := NewStoreWriter(st, StoreWriterOptions{})
	opps, err := book.New(st, book.Options{}).Opportunities(b.Context())
	if err != nil || len(opps) == 0 {
		b.Fatalf("%d opportunities: %v", len(opps), err)
	}
	for _, c := range []struct {
		name string
		read func(id string) error
	}{
		{"stage-picker", func(id string) error { _, err := sw.StagePicker(b.Context(), id); return err }},
		{"call-form", func(id string) error {
			_, err := sw.TaskForm(b.Context(), views.OpportunityRecord, id, true)
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			reportLatency(b, timeEach(b, func() {
				if err := c.read(opps[i%len(opps)].ID); err != nil {
					b.Fatal(err)
				}
				i++
			}, nil))
		})
	}
}
