package ui

import (
	"context"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views"
)

// benchWriter serves the picker's and the form's input from memory, as a
// Writer over the cache reads them by key: the benchmark times the app's
// share of opening them.
type benchWriter struct {
	fakeWriterStub
	opps        map[string]book.Opportunity
	recordTypes map[string]book.RecordType
}

// fakeWriterStub refuses every write: the benchmark only opens overlays.
type fakeWriterStub struct{}

func (fakeWriterStub) ChangeStage(context.Context, string, string, string) (WriteResult, error) {
	return WriteResult{Message: "benchmark"}, nil
}
func (fakeWriterStub) LogTask(context.Context, views.TaskSubmittedMsg) (WriteResult, error) {
	return WriteResult{Message: "benchmark"}, nil
}
func (fakeWriterStub) Outbox(context.Context) ([]views.OutboxEntry, error)     { return nil, nil }
func (fakeWriterStub) Retry(context.Context, string) error                     { return nil }
func (fakeWriterStub) Discard(context.Context, string) error                   { return nil }
func (fakeWriterStub) Resolve(context.Context, string, views.Resolution) error { return nil }
func (fakeWriterStub) WriteStates(context.Context) (map[string]views.WriteState, error) {
	return nil, nil
}

func newBenchWriter(d *memData) *benchWriter {
	w := &benchWriter{opps: map[string]book.Opportunity{}, recordTypes: map[string]book.RecordType{}}
	for _, o := range d.opps {
		w.opps[o.ID] = o
	}
	for _, rt := range d.recordTypes {
		w.recordTypes[rt.ID] = rt
	}
	return w
}

func (w *benchWriter) StagePicker(_ context.Context, id string) (views.StagePickerInput, error) {
	o := w.opps[id]
	in := views.StagePickerInput{OpportunityID: id, OpportunityName: o.Name, CurrentStage: o.StageName, PicklistAsOf: testNow.Add(-time.Hour)}
	for _, s := range w.recordTypes[o.RecordTypeID].Stages {
		in.Stages = append(in.Stages, views.StageOption{Value: s.Label, Probability: s.Probability, IsClosed: s.IsClosed, IsWon: s.IsWon})
	}
	return in, nil
}

func (w *benchWriter) TaskForm(_ context.Context, _ views.RecordKind, id string, call bool) (views.TaskFormInput, error) {
	o := w.opps[id]
	return views.TaskFormInput{
		Call: call, WhatID: id, WhatName: o.Name, WhatType: "Opportunity",
		Subjects:   []string{"Call", "Email", "Send quote", "Send letter"},
		Statuses:   []views.PicklistOption{{Value: "Not Started", Default: true}, {Value: "Completed", Closed: true}},
		Priorities: []views.PicklistOption{{Value: "High"}, {Value: "Normal", Default: true}, {Value: "Low"}},
	}, nil
}

// BenchmarkOpenWriteOverlay measures a write key → the frame with its
// overlay, at 140×40 over the demo org's 100k opportunities: the key's
// Update, the Writer's read (from memory), the result's Update and the
// View. Target: under 16 ms.
func BenchmarkOpenWriteOverlay(b *testing.B) {
	d := newMemData(b, benchOppsScale)
	m := loaded(b, Deps{Data: d, Writer: newBenchWriter(d), Now: func() time.Time { return testNow }, Dark: true}, 140, 40)
	for _, c := range []struct{ name, pane, key string }{
		{"opportunities/stage-picker", "2", "s"},
		{"opportunities/task-form", "2", "t"},
		{"opportunities/call-form", "2", "c"},
		{"pipeline/stage-picker", "3", "s"},
	} {
		b.Run(c.name, func(b *testing.B) {
			run(m, press(m, c.pane))
			reportLatency(b, timeEach(b, func() {
				_, cmd := m.Update(keyPress(c.key))
				m.Update(cmd()) // the Writer's read: one message
				_ = m.View()
			}, func() {
				if m.overlay() == nil {
					b.Fatal("no overlay")
				}
				m.w.picker, m.w.form = nil, nil
			}))
		})
	}
}
