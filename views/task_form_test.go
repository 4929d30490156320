package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func openForm(t *testing.T, call bool) *TaskForm {
	t.Helper()
	f := NewTaskForm(testContext(true), testTaskInput(call))
	f.SetSize(80, 24)
	f.Focus()
	return f
}

func date2026(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

func TestTaskFormSubmitsWhatWasTyped(t *testing.T) {
	f := openForm(t, false)
	if f.Focused() != FieldSubject || !f.Capturing() {
		t.Fatalf("the cursor starts in %q, want the subject", f.Focused())
	}
	typeText(t, f, "Send quote v2")
	send(t, f, "tab")
	typeText(t, f, "+3d")
	if out := ansi.Strip(f.View()); !strings.Contains(out, "→ Sun 17 May 2026") {
		t.Errorf("the resolved due date is not shown next to the input:\n%s", out)
	}
	send(t, f, "tab", "right", "tab", "left", "tab", "right") // status In Progress, priority High, contact Maya Chen
	send(t, f, "tab")
	typeText(t, f, "bring the jk pricing")
	msg := only[TaskSubmittedMsg](t, send(t, f, "ctrl+s"))
	want := TaskSubmittedMsg{
		WhatID: "006000000000001AAA", WhoID: "003000000000001AAA", Subject: "Send quote v2",
		ActivityDate: date2026(time.May, 17), Status: "In Progress", Priority: "High",
		Description: "bring the jk pricing", TaskSubtype: "Task",
	}
	if msg.CallDurationInSeconds != nil {
		t.Errorf("a task has a call duration: %d", *msg.CallDurationInSeconds)
	}
	if msg != want {
		t.Errorf("submitted\n%+v\nwant\n%+v", msg, want)
	}
}

func TestTaskFormDefaultsToTheOrgsPicklistDefaults(t *testing.T) {
	f := openForm(t, false)
	if f.Value(FieldStatus) != "Not Started" || f.Value(FieldPriority) != "Normal" || f.Value(FieldWhoID) != "" {
		t.Errorf("defaults: status %q, priority %q, who %q", f.Value(FieldStatus), f.Value(FieldPriority), f.Value(FieldWhoID))
	}
	in := testTaskInput(false)
	in.WhoID = "003000000000002AAA"
	g := NewTaskForm(testContext(true), in)
	if g.Value(FieldWhoID) != "003000000000002AAA" {
		t.Errorf("the given person is not preselected: %q", g.Value(FieldWhoID))
	}
	g.SetSize(80, 24)
	if out := ansi.Strip(g.View()); !strings.Contains(out, "Related to") || !strings.Contains(out, "Acme — Platform (Opportunity)") {
		t.Errorf("the record (WhatId) is not shown:\n%s", out)
	}
}

func TestTaskFormTabSkipsTheRelatedRecordAndWraps(t *testing.T) {
	f := openForm(t, false)
	var seen []string
	for i := range 7 {
		seen = append(seen, f.Focused())
		if i < 6 {
			send(t, f, "tab")
		}
	}
	want := []string{FieldSubject, FieldActivityDate, FieldStatus, FieldPriority, FieldWhoID, FieldDescription, FieldSubject}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("tab order %v, want %v", seen, want)
	}
	send(t, f, "shift+tab")
	if f.Focused() != FieldDescription {
		t.Errorf("shift+tab from the subject went to %q", f.Focused())
	}
}

func TestTaskFormEnterMovesOnAndSavesOnTheLastField(t *testing.T) {
	f := openForm(t, false)
	typeText(t, f, "Follow up")
	for i := range 5 {
		if msgs := send(t, f, "enter"); len(msgs) != 0 {
			t.Fatalf("enter %d sent %v before the last field", i, msgs)
		}
	}
	if f.Focused() != FieldDescription {
		t.Fatalf("after five enters the cursor is on %q", f.Focused())
	}
	msg := only[TaskSubmittedMsg](t, send(t, f, "enter"))
	if msg.Subject != "Follow up" || !msg.ActivityDate.IsZero() {
		t.Errorf("submitted %+v", msg)
	}
}

func TestTaskFormRequiresASubject(t *testing.T) {
	f := openForm(t, false)
	send(t, f, "tab")
	typeText(t, f, "tomorrow")
	if msgs := send(t, f, "ctrl+s"); len(msgs) != 0 {
		t.Fatalf("saved without a subject: %v", msgs)
	}
	if f.Focused() != FieldSubject {
		t.Errorf("the cursor is on %q, want the subject", f.Focused())
	}
	out := ansi.Strip(f.View())
	if !strings.Contains(out, "✗ a subject is required") {
		t.Errorf("no inline error:\n%s", out)
	}
	if f.Value(FieldActivityDate) != "tomorrow" {
		t.Errorf("the due date lost its input: %q", f.Value(FieldActivityDate))
	}
	typeText(t, f, "x")
	if strings.Contains(ansi.Strip(f.View()), "required") {
		t.Error("the error stays once the subject is typed")
	}
}

func TestTaskFormShowsADateItCannotRead(t *testing.T) {
	f := openForm(t, false)
	typeText(t, f, "Call back")
	send(t, f, "tab")
	typeText(t, f, "someday")
	if out := ansi.Strip(f.View()); !strings.Contains(out, "?") {
		t.Errorf("an unreadable date is not flagged while typing:\n%s", out)
	}
	send(t, f, "tab")
	if msgs := send(t, f, "ctrl+s"); len(msgs) != 0 {
		t.Fatalf("saved with an unreadable date: %v", msgs)
	}
	if f.Focused() != FieldActivityDate {
		t.Errorf("the cursor is on %q, want the due date", f.Focused())
	}
	if out := ansi.Strip(f.View()); !strings.Contains(out, `cannot read "someday" as a date`) {
		t.Errorf("no inline date error:\n%s", out)
	}
}

func TestParseDue(t *testing.T) {
	f := openForm(t, false) // testNow is Thursday 2026-05-14
	for in, want := range map[string]time.Time{
		"":           {},
		"today":      date2026(time.May, 14),
		"Tomorrow":   date2026(time.May, 15),
		"fri":        date2026(time.May, 15),
		"monday":     date2026(time.May, 18),
		"+3d":        date2026(time.May, 17),
		"+ 2w":       date2026(time.May, 28),
		"+1m":        date2026(time.June, 14),
		"next week":  date2026(time.May, 21),
		"in 3 days":  date2026(time.May, 17),
		"2026-12-01": date2026(time.December, 1),
		"2027-1-5":   time.Date(2027, time.January, 5, 0, 0, 0, 0, time.UTC),
	} {
		got, err := f.ParseDue(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDue(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"someday", "2026-02-30", "2026-13-01", "fri or so", "+3x", "12-01"} {
		if got, err := f.ParseDue(bad); err == nil {
			t.Errorf("ParseDue(%q) = %v, want an error", bad, got)
		}
	}
}

func TestTaskFormEscAsksFirstWhenSomethingWasTyped(t *testing.T) {
	f := openForm(t, false)
	only[TaskCancelledMsg](t, send(t, f, "esc"))

	f = openForm(t, false)
	typeText(t, f, "Draft")
	if msgs := send(t, f, "esc"); len(msgs) != 0 {
		t.Fatalf("esc after typing closed the form: %v", msgs)
	}
	if out := ansi.Strip(f.View()); !strings.Contains(out, "Discard what you typed? y/n") {
		t.Fatalf("no question:\n%s", out)
	}
	if msgs := send(t, f, "n"); len(msgs) != 0 || f.Value(FieldSubject) != "Draft" {
		t.Fatalf("n: %v, subject %q", msgs, f.Value(FieldSubject))
	}
	// n was the answer, not typed
	send(t, f, "esc")
	only[TaskCancelledMsg](t, send(t, f, "y"))

	// A changed choice counts as typed too.
	f = openForm(t, false)
	send(t, f, "tab", "tab", "right", "esc")
	if !strings.Contains(ansi.Strip(f.View()), "Discard what you typed?") {
		t.Error("a changed status closes the form without asking")
	}
}

func TestTaskFormSubjectSuggestions(t *testing.T) {
	f := openForm(t, false)
	typeText(t, f, "se")
	if out := ansi.Strip(f.View()); !strings.Contains(out, "send quote") {
		t.Errorf("no completion shown for \"se\":\n%s", out)
	}
	send(t, f, "right")
	if got := f.Value(FieldSubject); got != "Send quote" {
		t.Errorf("→ completed to %q, want %q", got, "Send quote")
	}
}

func TestCallFormLogsACompletedCall(t *testing.T) {
	f := openForm(t, true)
	out := ansi.Strip(f.View())
	assertShows(t, out, "the call form does not show", "Log a call · Acme — Platform", "Completed", "Call type", "Duration", "→ Thu 14 May 2026")
	// The subject starts as "Call": nothing typed yet.
	only[TaskCancelledMsg](t, send(t, f, "esc"))

	f = openForm(t, true)
	send(t, f, "tab", "tab", "tab", "right", "tab", "o") // due, priority, contact → Maya Chen, call type → Outbound
	send(t, f, "tab")
	typeText(t, f, "1h5m")
	msg := only[TaskSubmittedMsg](t, send(t, f, "ctrl+s"))
	if msg.TaskSubtype != "Call" || !msg.Call || msg.Status != "Completed" || msg.Subject != "Call" ||
		!msg.ActivityDate.Equal(date2026(time.May, 14)) || msg.WhoID != "003000000000001AAA" || msg.CallType != "Outbound" {
		t.Errorf("submitted %+v", msg)
	}
	if msg.CallDurationInSeconds == nil || *msg.CallDurationInSeconds != 3900 {
		t.Errorf("duration %v, want 3900 s", msg.CallDurationInSeconds)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]int{"15": 900, "15m": 900, "90s": 90, "1h30m": 5400, "2:05": 125, " 1 h ": 3600} {
		got, ok, err := parseDuration(in)
		if err != nil || !ok || got != want {
			t.Errorf("parseDuration(%q) = %d, %v, %v; want %d", in, got, ok, err, want)
		}
	}
	if _, ok, err := parseDuration(""); ok || err != nil {
		t.Error("an empty duration is not 'not given'")
	}
	for _, bad := range []string{"soon", "-5", "1:75", "-1m"} {
		if _, _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) gave no error", bad)
		}
	}
}

func TestTaskFormSetErrorKeepsTheInput(t *testing.T) {
	f := openForm(t, false)
	typeText(t, f, "Send quote")
	send(t, f, "tab")
	typeText(t, f, "fri")
	only[TaskSubmittedMsg](t, send(t, f, "ctrl+s"))
	out := refused(f, "Subject", "FIELD_CUSTOM_VALIDATION_EXCEPTION: subject must name the product",
		"OwnerId", "INSUFFICIENT_ACCESS_OR_READONLY")
	assertShows(t, out, "missing", "✗ FIELD_CUSTOM_VALIDATION_EXCEPTION", "✗ INSUFFICIENT_ACCESS_OR_READONLY", "Send quote", "fri")
	if f.Focused() != FieldSubject {
		t.Errorf("the cursor is on %q, want the field in error", f.Focused())
	}
	typeText(t, f, " X")
	msg := only[TaskSubmittedMsg](t, send(t, f, "ctrl+s"))
	if msg.Subject != "Send quote X" || !msg.ActivityDate.Equal(date2026(time.May, 15)) {
		t.Errorf("resubmitted %+v", msg)
	}
}

func TestTaskFormSanitizesAndFits(t *testing.T) {
	in := testTaskInput(true)
	in.WhatName = evilName
	in.Contacts = append(in.Contacts, ContactOption{ID: "003x", Name: evilName, Title: evilName})
	in.Subjects = append(in.Subjects, evilName)
	in.CallTypes = append(in.CallTypes, PicklistOption{Value: evilName})
	for _, size := range [][2]int{{80, 24}, {40, 12}, {140, 40}} {
		f := NewTaskForm(testContext(false), in)
		f.SetSize(size[0], size[1])
		send(t, f, "tab", "tab", "tab", "left", "tab", "left")
		out := f.View()
		assertSafe(t, out)
		assertBlock(t, out, size[0], size[1])
		f.SetError("Subject", evilName)
		assertSafe(t, f.View())
	}
	f := NewTaskForm(testContext(false), in)
	f.SetSize(80, 24)
	f.Update(pasteMsg("a\x1b[31mb\nc"))
	if got := f.Value(FieldSubject); got != "Callab c" {
		t.Errorf("a paste typed %q", got)
	}
}

func TestTaskFormValueOfTheFixedStatus(t *testing.T) {
	if got := openForm(t, true).Value(FieldStatus); got != "Completed" {
		t.Errorf("a call's status is %q, want Completed", got)
	}
	in := testTaskInput(true)
	in.Statuses = []PicklistOption{{Value: "Open", Default: true}, {Value: "Done", Closed: true}, {Value: "Finished", Closed: true, Default: true}}
	if got := NewTaskForm(testContext(true), in).Value(FieldStatus); got != "Finished" {
		t.Errorf("a call's status is %q, want the default closed one", got)
	}
}
