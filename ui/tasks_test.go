package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views"
	"github.com/lazyforce/lazyforce/views/keytest"
)

// fakeTasks is a TaskWriter over a list of tasks: it records the writes
// and, like the outbox, keeps a completed task listed as pending.
type fakeTasks struct {
	mu          sync.Mutex
	tasks       []book.Task
	states      map[string]views.WriteState
	completed   []string
	rescheduled map[string]time.Time
	refuse      string // a message refusing every write, or ""
}

func (f *fakeTasks) MyTasks(context.Context) ([]book.Task, map[string]views.WriteState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	states := make(map[string]views.WriteState, len(f.states))
	for k, v := range f.states {
		states[k] = v
	}
	return append([]book.Task(nil), f.tasks...), states, nil
}

func (f *fakeTasks) write(id string, change func(t *book.Task)) (WriteResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse != "" {
		return WriteResult{Field: "Status", Message: f.refuse}, nil
	}
	for i := range f.tasks {
		if f.tasks[i].ID == id {
			change(&f.tasks[i])
			if f.states == nil {
				f.states = map[string]views.WriteState{}
			}
			f.states[id] = views.WritePending
			return WriteResult{Queued: true}, nil
		}
	}
	return WriteResult{}, fmt.Errorf("no task %s", id)
}

func (f *fakeTasks) Complete(_ context.Context, id string) (WriteResult, error) {
	res, err := f.write(id, func(t *book.Task) { t.Status, t.Closed = "Completed", true })
	if res.Queued {
		f.mu.Lock()
		f.completed = append(f.completed, id)
		f.mu.Unlock()
	}
	return res, err
}

func (f *fakeTasks) Reschedule(_ context.Context, id string, due time.Time) (WriteResult, error) {
	res, err := f.write(id, func(t *book.Task) { t.Due = due })
	if res.Queued {
		f.mu.Lock()
		if f.rescheduled == nil {
			f.rescheduled = map[string]time.Time{}
		}
		f.rescheduled[id] = due
		f.mu.Unlock()
	}
	return res, err
}

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// myTasks are tasks around testNow, Thursday 14 May 2026, in the order
// store/book lists them (by due date, no date last).
func myTasks() []book.Task {
	return []book.Task{
		{ID: "00T000000000001AAA", Subject: "Send Quote", Due: day(time.May, 1), Status: "Not Started", Priority: "High",
			WhatID: "006000000000001AAA", WhatName: "Atlas Motors — Expansion", WhatObject: "Opportunity", WhoName: "Maya Ruiz", WhoObject: "Contact", WhoID: "003000000000001AAA"},
		{ID: "00T000000000002AAA", Subject: "Call back about pricing", Due: day(time.May, 13), Status: "In Progress", Priority: "Normal",
			WhatID: "001000000000001AAA", WhatName: "Blue Foods Inc", WhatObject: "Account"},
		{ID: "00T000000000003AAA", Subject: "Demo prep", Due: day(time.May, 14), Status: "Not Started", Priority: "Normal",
			WhoID: "00Q000000000001AAA", WhoName: "Lee Park", WhoObject: "Lead"},
		{ID: "00T000000000004AAA", Subject: "Follow up", Due: day(time.May, 17), Status: "Not Started", Priority: "Low",
			WhatID: "001000000000002AAA", WhatName: "Cedar Hotels SA", WhatObject: "Account"},
		{ID: "00T000000000005AAA", Subject: "Quarterly review", Due: day(time.May, 18), Status: "Not Started", Priority: "Normal",
			WhatID: "006000000000002AAA", WhatName: "Nova Motors — Pilot", WhatObject: "Opportunity"},
		{ID: "00T000000000006AAA", Subject: "Read the RFP", Status: "Not Started", Priority: "Normal",
			WhatID: "001000000000003AAA", WhatName: "Iron Airlines Inc", WhatObject: "Account"},
	}
}

// withMyTasks returns a loaded model whose TaskWriter is fake, with the
// tasks pane focused.
func withMyTasks(t *testing.T, w, h int, dark bool) (*Model, *fakeTasks) {
	t.Helper()
	fake := NewFakeData(7, 40, testNow)
	tasks := &fakeTasks{tasks: myTasks()}
	m := loaded(t, Deps{Data: fake, Tasks: tasks, Now: func() time.Time { return testNow }, Dark: dark}, w, h)
	press(m, "5")
	if m.Focus() != views.TasksPane {
		t.Fatalf("5 focuses %v", m.Focus())
	}
	return m, tasks
}

// finish runs cmd and feeds back the messages run leaves (the task's
// write result), as the program would.
func finish(m *Model, cmd tea.Cmd) { runFeeding[taskWrittenMsg](m, cmd) }

func TestTasksPaneGroupsByDueDate(t *testing.T) {
	m, _ := withMyTasks(t, 120, 30, true)
	got, groups := m.tasksPane().Tasks()
	want := []struct {
		subject string
		group   views.TaskGroup
	}{
		{"Send Quote", views.GroupOverdue},
		{"Call back about pricing", views.GroupOverdue},
		{"Demo prep", views.GroupToday},
		{"Follow up", views.GroupThisWeek},     // Sunday 17 May
		{"Quarterly review", views.GroupLater}, // Monday 18 May: next week
		{"Read the RFP", views.GroupNoDate},
	}
	if len(got) != len(want) {
		t.Fatalf("%d tasks shown, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Subject != w.subject || groups[i] != w.group {
			t.Errorf("row %d: %q in %v, want %q in %v", i, got[i].Subject, groups[i], w.subject, w.group)
		}
	}
	s := screen(m)
	for _, heading := range []string{"Overdue · 2", "Today · 1", "This week · 1", "Later · 1", "No date · 1", "Atlas Motors — Expansion · Maya Ruiz", "Lee Park"} {
		if !strings.Contains(s, heading) {
			t.Errorf("the pane lacks %q:\n%s", heading, s)
		}
	}
	// The cursor starts on the first task, not on a heading.
	if sel, ok := m.tasksPane().Selected(); !ok || sel.Subject != "Send Quote" {
		t.Fatalf("selected %q", sel.Subject)
	}
	// ':tasks' focuses it too.
	press(m, "1")
	typeLine(m, "tasks")
	run(m, press(m, "enter"))
	if m.Focus() != views.TasksPane {
		t.Fatalf(":tasks focuses %v", m.Focus())
	}
}

func TestTasksCursorSkipsHeadings(t *testing.T) {
	m, _ := withMyTasks(t, 120, 30, true)
	for _, want := range []string{"Call back about pricing", "Demo prep", "Follow up", "Quarterly review", "Read the RFP", "Read the RFP"} {
		press(m, "j")
		if sel, _ := m.tasksPane().Selected(); sel.Subject != want {
			t.Fatalf("j → %q, want %q", sel.Subject, want)
		}
	}
	press(m, "k")
	if sel, _ := m.tasksPane().Selected(); sel.Subject != "Quarterly review" {
		t.Fatalf("k → %q", sel.Subject)
	}
	press(m, "g")
	if sel, _ := m.tasksPane().Selected(); sel.Subject != "Send Quote" {
		t.Fatalf("g → %q", sel.Subject)
	}
}

func TestXCompletesTheSelectedTask(t *testing.T) {
	m, tasks := withMyTasks(t, 120, 30, true)
	press(m, "j") // Call back about pricing
	finish(m, press(m, "x"))
	if len(tasks.completed) != 1 || tasks.completed[0] != "00T000000000002AAA" {
		t.Fatalf("completed %v", tasks.completed)
	}
	if !strings.Contains(m.flash.text, "task completed · queued") {
		t.Fatalf("flash %q", m.flash.text)
	}
	// Until it is sent, the task stays listed with its pending mark.
	var line string
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, "Call back about pricing") {
			line = l
		}
	}
	if !strings.Contains(line, "↑") || !strings.Contains(line, "Completed") {
		t.Fatalf("the completed task's row: %q", line)
	}
	// x on it again writes nothing.
	finish(m, press(m, "x"))
	if len(tasks.completed) != 1 {
		t.Fatalf("completed twice: %v", tasks.completed)
	}
}

func TestXRefusedSaysWhy(t *testing.T) {
	m, tasks := withMyTasks(t, 120, 30, true)
	tasks.refuse = "Completed is not a value of the field"
	finish(m, press(m, "x"))
	if m.flash.level != flashError || !strings.Contains(m.flash.text, "Completed is not a value of the field") {
		t.Fatalf("flash %v %q", m.flash.level, m.flash.text)
	}
}

func TestXWithoutATaskWriter(t *testing.T) {
	fake := NewFakeData(7, 40, testNow)
	m := loaded(t, Deps{Data: fake, Now: func() time.Time { return testNow }}, 120, 30)
	press(m, "5")
	// FakeData lists no tasks: the pane says so, and x does nothing.
	if !strings.Contains(screen(m), "Could not read the tasks") {
		t.Fatalf("the pane without tasks:\n%s", screen(m))
	}
	finish(m, press(m, "x"))
}

// typeInto clears the reschedule prompt and types text.
func typeInto(m *Model, text string) {
	for range 20 {
		press(m, "backspace")
	}
	for _, r := range text {
		press(m, string(r))
	}
}

func TestDReschedulesWithANaturalDate(t *testing.T) {
	cases := []struct {
		typed string
		want  time.Time
	}{
		{"fri", day(time.May, 15)},
		{"+3d", day(time.May, 17)},
		{"next week", day(time.May, 21)},
		{"2026-06-01", day(time.June, 1)},
		{"", time.Time{}}, // no date
	}
	for _, c := range cases {
		t.Run(c.typed, func(t *testing.T) {
			m, tasks := withMyTasks(t, 120, 30, true)
			press(m, "d")
			if !m.tasksPane().Capturing() {
				t.Fatal("d did not open the prompt")
			}
			// The prompt has the keys: q types, it does not quit.
			if isQuit(press(m, "q")) {
				t.Fatal("q quit while typing a date")
			}
			typeInto(m, c.typed)
			finish(m, press(m, "enter"))
			got, ok := tasks.rescheduled["00T000000000001AAA"]
			if !ok || !got.Equal(c.want) {
				t.Fatalf("%q rescheduled to %v (%v), want %v", c.typed, got, ok, c.want)
			}
			if m.tasksPane().Capturing() {
				t.Fatal("the prompt stayed open")
			}
		})
	}
}

func TestDKeepsTheTextOfADateItCannotRead(t *testing.T) {
	m, tasks := withMyTasks(t, 120, 30, true)
	press(m, "d")
	typeInto(m, "someday")
	finish(m, press(m, "enter"))
	if len(tasks.rescheduled) != 0 || !m.tasksPane().Capturing() {
		t.Fatalf("rescheduled %v; prompt open %v", tasks.rescheduled, m.tasksPane().Capturing())
	}
	if !strings.Contains(screen(m), "cannot read") || !strings.Contains(screen(m), "someday") {
		t.Fatalf("no error shown:\n%s", screen(m))
	}
	press(m, "esc")
	if m.tasksPane().Capturing() || len(tasks.rescheduled) != 0 {
		t.Fatal("esc did not cancel")
	}
	if m.Focus() != views.TasksPane {
		t.Fatal("esc left the pane")
	}
}

func TestEnterOpensTheRelatedRecord(t *testing.T) {
	m, _ := withMyTasks(t, 120, 30, true)
	// The What first: an opportunity.
	run(m, press(m, "enter"))
	d := m.Detail(views.TasksPane)
	if d == nil || d.Kind() != views.OpportunityRecord || d.ID() != "006000000000001AAA" {
		t.Fatalf("enter opened %+v", d)
	}
	run(m, press(m, "esc"))
	if m.Detail(views.TasksPane) != nil {
		t.Fatal("esc did not close the detail")
	}
	// A task on a lead alone opens the lead.
	press(m, "j")
	press(m, "j")
	run(m, press(m, "enter"))
	if d := m.Detail(views.TasksPane); d == nil || d.Kind() != views.LeadRecord || d.ID() != "00Q000000000001AAA" {
		t.Fatalf("enter on the lead's task opened %+v", d)
	}
}

func TestTasksAreMaskedInRedactedMode(t *testing.T) {
	m, _ := withMyTasks(t, 120, 30, true)
	typeLine(m, "redact on")
	run(m, press(m, "enter"))
	s := screen(m)
	for _, clear := range []string{"Maya Ruiz", "Lee Park", "Call back about pricing"} {
		if strings.Contains(s, clear) {
			t.Errorf("redacted mode shows %q:\n%s", clear, s)
		}
	}
	if !strings.Contains(s, "Blue Foods Inc") {
		t.Errorf("account names stay:\n%s", s)
	}
}

func TestGoldenTasks(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {140, 40}} {
		keytest.EachTheme(t, fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T, dark bool) {
			m, tasks := withMyTasks(t, size[0], size[1], dark)
			tasks.states = map[string]views.WriteState{"00T000000000004AAA": views.WritePending}
			run(m, m.loadTasks())
			press(m, "j")
			requireGoldenScreen(t, m.render(), size[0], size[1])
		})
	}
}

func TestFindOpensTheTaskAndCallFormsOnTheSelectedRecord(t *testing.T) {
	for _, c := range []struct {
		key  rune
		call bool
	}{{'t', false}, {'l', true}} {
		m, fw := newWriting(t, 120, 30)
		contacts, err := fw.data.AllContacts(context.Background())
		if err != nil || len(contacts) == 0 {
			t.Fatal(err)
		}
		person := contacts[0]
		drive(m, press(m, "ctrl+f"))
		for _, k := range person.Name {
			drive(m, press(m, string(k)))
		}
		if f, ok := m.find.view.Selected(); !ok || f.ID != person.ID {
			t.Fatalf("find %q selects %+v", person.Name, f)
		}
		drive(m, func() tea.Msg {
			_, cmd := m.Update(tea.KeyPressMsg{Code: c.key, Mod: tea.ModCtrl})
			return cmd()
		})
		if m.find.open || m.w.form == nil {
			t.Fatalf("ctrl+%c: find open %v, form %v", c.key, m.find.open, m.w.form != nil)
		}
		if m.w.form.Call() != c.call || m.w.formKind != views.ContactRecord || m.w.formID != person.ID {
			t.Fatalf("ctrl+%c opened call=%v on %v %s", c.key, m.w.form.Call(), m.w.formKind, m.w.formID)
		}
	}
}
