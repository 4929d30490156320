package ui

import (
	"fmt"
	"regexp"
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
// can wait on whole screens rather than on the renderer's diffs. Every
// frame is also offered to the frames channel, so waitFor blocks on new
// frames rather than sleeping.
type recorder struct {
	m       *Model
	mu      sync.Mutex
	last    string
	seen    []string // every distinct frame, when keepAll is set
	keepAll bool
	changed chan struct{}
}

func newRecorder(m *Model) *recorder {
	return &recorder{m: m, changed: make(chan struct{}, 1)}
}

func (r *recorder) Init() tea.Cmd { return r.m.Init() }

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.m.Update(msg)
	frame := ansi.Strip(r.m.render())
	r.mu.Lock()
	if r.keepAll && frame != r.last {
		r.seen = append(r.seen, frame)
	}
	r.last = frame
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default: // a wake-up is already pending
	}
	return r, cmd
}

func (r *recorder) View() tea.View { return r.m.View() }

func (r *recorder) frame() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *recorder) waitFor(t *testing.T, what ...string) {
	t.Helper()
	r.waitForWithin(t, 10*time.Second, what...)
}

// waitForWithin waits until one frame shows every string of what.
func (r *recorder) waitForWithin(t *testing.T, d time.Duration, what ...string) {
	t.Helper()
	r.waitUntil(t, d, fmt.Sprintf("%q", what), func(frame string) bool {
		for _, w := range what {
			if !strings.Contains(frame, w) {
				return false
			}
		}
		return true
	})
}

// waitMatch waits until a frame matches the regular expression re.
func (r *recorder) waitMatch(t *testing.T, d time.Duration, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	r.waitUntil(t, d, re, rx.MatchString)
}

// waitUntil waits, at most d, until a frame satisfies ok; it wakes on new
// frames and never sleeps.
func (r *recorder) waitUntil(t *testing.T, d time.Duration, what string, ok func(frame string) bool) {
	t.Helper()
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for {
		if ok(r.frame()) {
			return
		}
		select {
		case <-r.changed:
		case <-timeout.C:
			t.Fatalf("screen never showed %s; last frame:\n%s", what, r.frame())
		}
	}
}

// stepper returns step, which presses k in the program tm and waits until
// its screen (rec) shows every string of want.
func stepper(t *testing.T, tm *teatest.TestModel, rec *recorder) func(k string, want ...string) {
	return func(k string, want ...string) {
		t.Helper()
		tm.Send(keyPress(k))
		rec.waitFor(t, want...)
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
	rec := newRecorder(m)
	tm := teatest.NewTestModel(t, rec,
		teatest.WithInitialTermSize(120, 34),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	step := stepper(t, tm, rec)
	rec.waitFor(t, "Accounts", "sorted by Name", "online")
	step("2", "Opportunities", "Prob.", "Close▲")
	step("z", "stale 30d")
	step("3", "Open pipeline by stage", "New Business")
	step("T", "Renewal")
	step("4", "not available yet")
	step("6", "Contacts", "sorted by Name", "Account")
	step("7", "Leads", "open · sorted by Name", "Source")
	step("tab", "sorted by Name")
	step("enter", "Account · ", "Activity (")
	step("esc", "sorted by Name")
	tm.Type("/")
	tm.Type("north")
	rec.waitFor(t, "sorted by relevance")
	tm.Send(keyPress("esc"))
	tm.Send(keyPress(":"))
	tm.Type("pipeline")
	step("enter", "Open pipeline by stage")
	step("?", "Keys · Pipeline", "Everywhere")
	tm.Send(keyPress("esc"))
	tm.Send(keyPress("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := tm.FinalModel(t).(*recorder)
	if final.m.Focus() != views.PipelinePane {
		t.Fatalf("final focus %v", final.m.Focus())
	}
}
