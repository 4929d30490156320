package ui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/views"
)

// warmingAsker is a fakeAsker that can be warmed up: it records each
// warm-up's context.
type warmingAsker struct {
	fakeAsker
	wmu   sync.Mutex
	warms []context.Context
	err   error // what Warm returns
}

func (w *warmingAsker) Warm(ctx context.Context) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.warms = append(w.warms, ctx)
	return w.err
}

func (w *warmingAsker) warmed() []context.Context {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return append([]context.Context(nil), w.warms...)
}

// warmedMsgs returns the warm-ups' results among msgs.
func warmedMsgs(msgs []tea.Msg) []askWarmedMsg {
	var out []askWarmedMsg
	for _, msg := range msgs {
		if w, ok := msg.(askWarmedMsg); ok {
			out = append(out, w)
		}
	}
	return out
}

// TestAskPaneWarmsUpWhenShown: showing the Ask pane starts one warm-up in
// a command (none before, none while it runs, none when shown again with
// the same data), another after a reload that read other data, under the
// app's context; a question asked meanwhile is answered.
func TestAskPaneWarmsUpWhenShown(t *testing.T) {
	wf := &watchedFake{FakeData: NewFakeData(7, 40, testNow)}
	fake := &warmingAsker{fakeAsker: fakeAsker{answer: &ask.Answer{Understood: true, Source: "cache", Markdown: "ok"}}}
	m := loaded(t, Deps{Data: wf, Ask: fake, Now: func() time.Time { return testNow }, Dark: true}, 120, 40)
	if n := len(fake.warmed()); n != 0 {
		t.Fatalf("%d warm-ups before the Ask pane was shown", n)
	}
	// Shown: one warm-up, off the event loop (Update returns a command).
	cmd := press(m, "4")
	if m.Focus() != views.AskPane {
		t.Fatalf("focus on %s", m.Focus())
	}
	if n := len(fake.warmed()); n != 0 {
		t.Fatal("Update ran the warm-up itself")
	}
	// Shown again while it runs: no second one.
	run(m, press(m, "1"))
	run(m, press(m, "4"))
	msgs := run(m, cmd)
	done := warmedMsgs(msgs)
	if len(done) != 1 || len(fake.warmed()) != 1 {
		t.Fatalf("%d warm-ups, %d results after showing the pane twice", len(fake.warmed()), len(done))
	}
	// A question asked before the warm-up's result arrives is answered.
	askText(m, "my pipeline")
	if len(fake.asked) != 1 {
		t.Fatalf("asked %q during the warm-up", fake.asked)
	}
	m.Update(done[0])
	// Shown again, same data: nothing to do.
	run(m, press(m, "1"))
	if got := warmedMsgs(run(m, press(m, "4"))); len(got) != 0 || len(fake.warmed()) != 1 {
		t.Fatalf("warmed again without a change (%d)", len(fake.warmed()))
	}
	// Another process writes; the poll reads the cache again while the
	// Ask pane is shown: a second warm-up.
	m.pollEvery = time.Millisecond
	wf.write("Renamed")
	msgs = poll(t, m)
	if n := len(fake.warmed()); n != 2 {
		t.Fatalf("%d warm-ups after a reload with other data, want 2", n)
	}
	if got := warmedMsgs(msgs); len(got) != 1 {
		t.Fatalf("%d warm-up results after the reload", len(got))
	} else {
		m.Update(got[0])
	}
	// The warm-ups run under the app's context: quitting cancels them.
	ctxs := fake.warmed()
	if ctxs[1].Err() != nil {
		t.Fatal("the warm-up's context is cancelled before quitting")
	}
	run(m, m.quit())
	for _, ctx := range ctxs {
		if ctx.Err() == nil {
			t.Fatal("quitting did not cancel the warm-up's context")
		}
	}
}

// TestAskPaneWarmUpFailureIsNotRetriedAtOnce: a warm-up that fails (a
// damaged cache, say) is not started again by the next message, which
// would loop for as long as the failure lasts; the question asked then
// still goes to the engine, which reports the failure itself.
func TestAskPaneWarmUpFailureIsNotRetriedAtOnce(t *testing.T) {
	fake := &warmingAsker{
		fakeAsker: fakeAsker{answer: &ask.Answer{Understood: true, Source: "cache", Markdown: "ok"}},
		err:       errors.New("cache file is damaged"),
	}
	m := loaded(t, Deps{Data: NewFakeData(7, 40, testNow), Ask: fake, Now: func() time.Time { return testNow }, Dark: true}, 120, 40)
	done := warmedMsgs(run(m, press(m, "4")))
	if len(done) != 1 || done[0].err == nil {
		t.Fatalf("warm-up results %+v, want one failure", done)
	}
	if _, cmd := m.Update(done[0]); cmd != nil {
		if again := warmedMsgs(run(m, cmd)); len(again) != 0 {
			t.Fatal("the failed warm-up's result started another warm-up")
		}
	}
	run(m, press(m, "1"))
	run(m, press(m, "4"))
	if n := len(fake.warmed()); n != 1 {
		t.Fatalf("%d warm-ups after a failure and showing the pane again, want 1", n)
	}
	askText(m, "my pipeline")
	if len(fake.asked) != 1 {
		t.Fatalf("asked %q after the failed warm-up", fake.asked)
	}
}
