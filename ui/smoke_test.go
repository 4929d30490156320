package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/lazyforce/lazyforce/views"
)

// recorder wraps the root model and keeps its last full frame, so the test
// can wait on whole screens rather than on the renderer's diffs.
type recorder struct {
	m    *Model
	mu   sync.Mutex
	last string
}

func (r *recorder) Init() tea.Cmd { return r.m.Init() }

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.m.Update(msg)
	frame := ansi.Strip(r.m.render())
	r.mu.Lock()
	r.last = frame
	r.mu.Unlock()
	return r, cmd
}

func (r *recorder) View() tea.View { return r.m.View() }

func (r *recorder) waitFor(t *testing.T, what ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		frame := r.last
		r.mu.Unlock()
		ok := true
		for _, w := range what {
			ok = ok && strings.Contains(frame, w)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q; last frame:\n%s", what, frame)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSmokeProgram runs the real program over the fake org: it starts from
// the cache, syncs in the background, visits every pane, opens a record,
// filters, uses the prompt and help, and quits with q.
func TestSmokeProgram(t *testing.T) {
	fake := NewFakeData(3, 500, testNow)
	m, err := New(Deps{Data: fake, Sync: fake.Sync, SyncOnStart: true, Now: func() time.Time { return testNow }, Dark: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{m: m}
	tm := teatest.NewTestModel(t, rec,
		teatest.WithInitialTermSize(120, 34),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	rec.waitFor(t, "Accounts", "sorted by Name", "online")
	tm.Send(keyPress("2"))
	rec.waitFor(t, "Opportunities", "Prob.", "Close▲")
	tm.Send(keyPress("z"))
	rec.waitFor(t, "stale 30d")
	tm.Send(keyPress("3"))
	rec.waitFor(t, "Open pipeline by stage", "New Business")
	tm.Send(keyPress("T"))
	rec.waitFor(t, "Renewal")
	tm.Send(keyPress("4"))
	rec.waitFor(t, "not available yet")
	tm.Send(keyPress("tab"))
	rec.waitFor(t, "sorted by Name")
	tm.Send(keyPress("enter"))
	rec.waitFor(t, "Account · ", "Activity (")
	tm.Send(keyPress("esc"))
	rec.waitFor(t, "sorted by Name")
	tm.Type("/")
	tm.Type("north")
	rec.waitFor(t, "sorted by relevance")
	tm.Send(keyPress("esc"))
	tm.Send(keyPress(":"))
	tm.Type("pipeline")
	tm.Send(keyPress("enter"))
	rec.waitFor(t, "Open pipeline by stage")
	tm.Send(keyPress("?"))
	rec.waitFor(t, "Keys · Pipeline", "Everywhere")
	tm.Send(keyPress("esc"))
	tm.Send(keyPress("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := tm.FinalModel(t).(*recorder)
	if final.m.Focus() != views.PipelinePane {
		t.Fatalf("final focus %v", final.m.Focus())
	}
}
