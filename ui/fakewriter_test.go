package ui

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views"
)

// fakeWriter is an in-memory Writer over a FakeData, for Update-level
// tests: it validates a little as the store would (a stage of the record
// type, a loss reason for Closed Lost, a subject), keeps an outbox, and
// makes its writes visible through writeData as the cache would. Online,
// a write is sent at once; offline it stays pending until push.
type fakeWriter struct {
	data *FakeData

	mu      sync.Mutex
	online  bool
	seq     int
	entries []views.OutboxEntry
	stages  map[string]string          // opportunity Id → stage written
	tasks   map[string][]book.Activity // record Id → tasks logged on it
	calls   map[string]int             // method → calls
	fail    error                      // returned by the next write, then cleared
}

var _ Writer = (*fakeWriter)(nil)

func newFakeWriter(data *FakeData) *fakeWriter {
	return &fakeWriter{data: data, online: true, stages: map[string]string{}, tasks: map[string][]book.Activity{}, calls: map[string]int{}}
}

// writeData is the fake cache as the writer changed it.
type writeData struct {
	*FakeData
	w *fakeWriter
}

func (d writeData) Opportunities(ctx context.Context) ([]book.Opportunity, error) {
	opps, err := d.FakeData.Opportunities(ctx)
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	for i := range opps {
		if s, ok := d.w.stages[opps[i].ID]; ok {
			opps[i].StageName = s
		}
	}
	return opps, err
}

func (d writeData) OpportunityDetail(ctx context.Context, id string) (book.OpportunityDetail, error) {
	det, err := d.FakeData.OpportunityDetail(ctx, id)
	d.w.mu.Lock()
	if s, ok := d.w.stages[id]; ok {
		det.Opportunity.StageName = s
	}
	d.w.mu.Unlock()
	det.Activities = append(det.Activities, d.w.logged(id)...)
	return det, err
}

// logged returns the tasks logged on record id.
func (w *fakeWriter) logged(id string) []book.Activity {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tasks[id]
}

func (d writeData) AccountDetail(ctx context.Context, id string) (book.AccountDetail, error) {
	det, err := d.FakeData.AccountDetail(ctx, id)
	det.Activities = append(det.Activities, d.w.logged(id)...)
	return det, err
}

func (d writeData) ContactDetail(ctx context.Context, id string) (book.ContactDetail, error) {
	det, err := d.FakeData.ContactDetail(ctx, id)
	det.Activities = append(det.Activities, d.w.logged(id)...)
	return det, err
}

func (d writeData) LeadDetail(ctx context.Context, id string) (book.LeadDetail, error) {
	det, err := d.FakeData.LeadDetail(ctx, id)
	det.Activities = append(det.Activities, d.w.logged(id)...)
	return det, err
}

func (w *fakeWriter) count(method string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls[method]
}

func (w *fakeWriter) setOnline(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.online = on
}

// push sends every pending entry, as a sync would.
func (w *fakeWriter) push() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.entries {
		if w.entries[i].State == views.WritePending {
			w.entries[i].State = views.WriteSent
		}
	}
}

func (w *fakeWriter) opp(id string) (book.Opportunity, book.RecordType, bool) {
	for _, o := range w.data.opps {
		if o.ID != id {
			continue
		}
		for _, rt := range w.data.recordTypes {
			if rt.ID == o.RecordTypeID {
				return o, rt, true
			}
		}
	}
	return book.Opportunity{}, book.RecordType{}, false
}

func (w *fakeWriter) StagePicker(_ context.Context, oppID string) (views.StagePickerInput, error) {
	w.lock("StagePicker")
	defer w.mu.Unlock()
	o, rt, ok := w.opp(oppID)
	if !ok {
		return views.StagePickerInput{}, fmt.Errorf("opportunity %s is not in the cache", oppID)
	}
	in := views.StagePickerInput{
		OpportunityID: o.ID, OpportunityName: o.Name, CurrentStage: o.StageName, Live: w.online,
		PicklistAsOf: w.data.now.Add(-90 * time.Minute), LossReasonRequired: true,
		LossReasons: []views.PicklistOption{{Value: "Price"}, {Value: "Competitor"}, {Value: "No budget"}},
	}
	if s, ok := w.stages[oppID]; ok {
		in.CurrentStage = s
	}
	for _, s := range rt.Stages {
		in.Stages = append(in.Stages, views.StageOption{Value: s.Label, Probability: s.Probability, IsClosed: s.IsClosed, IsWon: s.IsWon})
	}
	return in, nil
}

func (w *fakeWriter) queue(e views.OutboxEntry) views.OutboxEntry {
	w.seq++
	e.ID = fmt.Sprintf("w%d", w.seq)
	e.Queued = w.data.now
	e.State = views.WritePending
	if w.online {
		e.State = views.WriteSent
	}
	w.entries = append(w.entries, e)
	return e
}

func (w *fakeWriter) ChangeStage(_ context.Context, oppID, stage, lossReason string) (WriteResult, error) {
	w.lock("ChangeStage")
	defer w.mu.Unlock()
	if err := w.fail; err != nil {
		w.fail = nil
		return WriteResult{}, err
	}
	o, rt, ok := w.opp(oppID)
	if !ok {
		return WriteResult{}, fmt.Errorf("opportunity %s is not in the cache", oppID)
	}
	var st *book.Stage
	for i := range rt.Stages {
		if rt.Stages[i].Label == stage {
			st = &rt.Stages[i]
		}
	}
	switch {
	case st == nil:
		return WriteResult{Field: "StageName", Message: fmt.Sprintf("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: %s", stage)}, nil
	case st.IsClosed && !st.IsWon && lossReason == "":
		return WriteResult{Field: "Loss_Reason__c", Message: "FIELD_CUSTOM_VALIDATION_EXCEPTION: a lost deal needs a loss reason"}, nil
	}
	w.stages[oppID] = stage
	e := w.queue(views.OutboxEntry{Operation: "update", Object: "Opportunity", RecordID: oppID, RecordName: o.Name, Fields: []string{"StageName"}})
	return WriteResult{Queued: true, Pushed: e.State == views.WriteSent}, nil
}

func (w *fakeWriter) TaskForm(_ context.Context, kind views.RecordKind, id string, call bool) (views.TaskFormInput, error) {
	w.lock("TaskForm")
	defer w.mu.Unlock()
	in := views.TaskFormInput{
		Call:       call,
		Subjects:   []string{"Call", "Email", "Send quote"},
		Statuses:   []views.PicklistOption{{Value: "Not Started", Default: true}, {Value: "Completed", Closed: true}},
		Priorities: []views.PicklistOption{{Value: "High"}, {Value: "Normal", Default: true}},
		CallTypes:  []views.PicklistOption{{Value: "Outbound"}, {Value: "Inbound"}},
	}
	switch kind {
	case views.ContactRecord, views.LeadRecord:
		in.WhoID = id
		in.Contacts = []views.ContactOption{{ID: id, Name: "the person"}}
	case views.OpportunityRecord:
		in.WhatID, in.WhatType, in.WhatName = id, "Opportunity", id
		if o, _, ok := w.opp(id); ok {
			in.WhatName = o.Name
		}
	default:
		in.WhatID, in.WhatType, in.WhatName = id, "Account", id
	}
	return in, nil
}

func (w *fakeWriter) LogTask(_ context.Context, t views.TaskSubmittedMsg) (WriteResult, error) {
	w.lock("LogTask")
	defer w.mu.Unlock()
	if t.Subject == "Forbidden" {
		return WriteResult{Field: "Subject", Message: "FIELD_CUSTOM_VALIDATION_EXCEPTION: not that subject"}, nil
	}
	on := t.WhatID
	if on == "" {
		on = t.WhoID
	}
	id := fakeID("00T", 500_000+w.seq+1) // the entry queue numbers next
	e := w.queue(views.OutboxEntry{Operation: "create", Object: "Task", RecordID: id, RecordName: t.Subject, Fields: []string{"Subject"}})
	w.tasks[on] = append(w.tasks[on], book.Activity{ID: id, Kind: book.TaskActivity, Subject: t.Subject, Status: t.Status, When: w.data.now})
	return WriteResult{Queued: true, Pushed: e.State == views.WriteSent}, nil
}

func (w *fakeWriter) Outbox(context.Context) ([]views.OutboxEntry, error) {
	w.lock("Outbox")
	defer w.mu.Unlock()
	return slices.Clone(w.entries), nil
}

// lock takes the writer's lock and counts a call of method.
func (w *fakeWriter) lock(method string) {
	w.mu.Lock()
	w.calls[method]++
}

// onEntry counts a call of method and, with the lock held, runs do on
// the index of the outbox entry id; it is an error when there is none.
func (w *fakeWriter) onEntry(method, id string, do func(i int)) error {
	w.lock(method)
	defer w.mu.Unlock()
	i := slices.IndexFunc(w.entries, func(e views.OutboxEntry) bool { return e.ID == id })
	if i < 0 {
		return fmt.Errorf("no entry %s", id)
	}
	do(i)
	return nil
}

func (w *fakeWriter) Retry(_ context.Context, id string) error {
	return w.onEntry("Retry", id, func(i int) {
		w.entries[i].State, w.entries[i].Error = views.WriteSent, ""
	})
}

func (w *fakeWriter) Discard(_ context.Context, id string) error {
	return w.onEntry("Discard", id, func(i int) {
		if e := w.entries[i]; e.Object == "Opportunity" {
			delete(w.stages, e.RecordID)
		}
		w.entries = slices.Delete(w.entries, i, i+1)
	})
}

func (w *fakeWriter) Resolve(_ context.Context, id string, r views.Resolution) error {
	return w.onEntry("Resolve", id, func(i int) {
		if r == views.KeepTheirs {
			w.entries = slices.Delete(w.entries, i, i+1)
			return
		}
		w.entries[i].State, w.entries[i].Conflict = views.WriteSent, nil
	})
}

func (w *fakeWriter) WriteStates(context.Context) (map[string]views.WriteState, error) {
	w.lock("WriteStates")
	defer w.mu.Unlock()
	out := map[string]views.WriteState{}
	for _, e := range w.entries {
		out[e.RecordID] = e.State
	}
	return out, nil
}
