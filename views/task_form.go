package views

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/olebedev/when"
	"github.com/olebedev/when/rules/common"
	"github.com/olebedev/when/rules/en"
)

// TaskFormPane names the task and call form.
const TaskFormPane PaneID = "Task"

// The Task fields the form fills, by API name; SetError takes these.
const (
	FieldSubject      = "Subject"
	FieldActivityDate = "ActivityDate"
	FieldStatus       = "Status"
	FieldPriority     = "Priority"
	FieldWhoID        = "WhoId"
	FieldWhatID       = "WhatId"
	FieldCallType     = "CallType"
	FieldCallDuration = "CallDurationInSeconds"
	FieldDescription  = "Description"
)

// ContactOption is a person the task can be about (its WhoId).
type ContactOption struct {
	ID    string
	Name  string
	Title string // shown after the name when set
}

// TaskFormInput is everything the task or call form shows: the record it
// is logged on (WhatId, shown and not editable), the people it can be
// about, and the org's picklists.
type TaskFormInput struct {
	Call bool // log a completed call rather than a new task
	// WhatID is the record the task is related to (an account or an
	// opportunity); for a contact or a lead leave it empty and put the
	// person in WhoID and Contacts.
	WhatID   string
	WhatName string
	WhatType string // "Account", "Opportunity", … as shown
	WhoID    string // the person preselected; "" for none
	Contacts []ContactOption
	// Subjects are the Subject picklist's values, offered as completions.
	Subjects   []string
	Statuses   []PicklistOption // TaskStatus values; Default and Closed flags
	Priorities []PicklistOption // Task Priority values; Default flag
	CallTypes  []PicklistOption // CallType values, for calls
}

// TaskSubmittedMsg is a task or call the user saved, validated locally:
// the subject is set and the dates and duration parsed.
type TaskSubmittedMsg struct {
	Call         bool
	WhatID       string
	WhoID        string // "" for none
	Subject      string
	ActivityDate time.Time // the due date, a UTC midnight; zero for none
	Status       string
	Priority     string
	Description  string
	TaskSubtype  string // "Task" or "Call"
	CallType     string // calls only; "" when not given
	// CallDurationInSeconds is nil when not given.
	CallDurationInSeconds *int
}

// TaskCancelledMsg says the user closed the form without saving.
type TaskCancelledMsg struct{ WhatID string }

type fieldKind int

const (
	textField   fieldKind = iota
	choiceField           // one of a list, cycled with ←/→
	fixedField            // shown, not editable, skipped by tab
)

// String names the kind.
func (k fieldKind) String() string {
	switch k {
	case choiceField:
		return "choice"
	case fixedField:
		return "fixed"
	}
	return "text"
}

type choice struct{ value, label string }

type formField struct {
	name    string // API name
	label   string
	kind    fieldKind
	input   textinput.Model
	choices []choice
	choice  int
	initial string // text or choice value when the form opened
	fixed   string // what a fixed field shows
}

func (f *formField) value() string {
	switch f.kind {
	case textField:
		return f.input.Value()
	case choiceField, fixedField:
		if f.choice >= 0 && f.choice < len(f.choices) {
			return f.choices[f.choice].value
		}
	}
	return ""
}

// TaskForm is the form that logs a task or a call on a record. It is a
// pure view: the input comes from NewTaskForm, the result leaves as a
// TaskSubmittedMsg, and the org's verdict comes back through SetError.
type TaskForm struct {
	form[formField, *formField]
	in TaskFormInput
	// hints caches the hint of the due and duration fields by their text:
	// View runs on every keystroke, parsing on every change only.
	hints map[string]fieldHint
}

type fieldHint struct {
	text, hint string
	ok         bool
}

var _ Pane = (*TaskForm)(nil)

// NewTaskForm returns the form for in with the cursor in its first field.
func NewTaskForm(ctx *Context, in TaskFormInput) *TaskForm {
	f := &TaskForm{form: form[formField, *formField]{ctx: ctx, errs: map[string]string{}}, in: in}
	dark := ctx.Styles.IsDark
	text := func(name, label, placeholder, initial string) formField {
		in := NewInput("", placeholder, dark)
		in.SetValue(initial)
		return formField{name: name, label: label, kind: textField, input: in, initial: initial}
	}
	subject := text(FieldSubject, "Subject", "what to do (→ completes)", "")
	subject.input.CharLimit = 255 // Task.Subject's length
	subject.input.ShowSuggestions = true
	subject.input.SetSuggestions(sanitizeAll(in.Subjects))
	// The form accepts a completion itself, in the suggestion's case.
	subject.input.KeyMap.AcceptSuggestion = key.NewBinding(key.WithDisabled())
	if in.Call {
		subject.input.SetValue("Call")
		subject.initial = "Call"
	}
	due := ""
	if in.Call {
		due = "today"
	}
	f.fields = append(f.fields, subject, text(FieldActivityDate, "Due", "today, fri, +3d, 2026-12-01", due))
	if in.Call {
		st := closedStatus(in.Statuses)
		f.fields = append(f.fields, formField{name: FieldStatus, label: "Status", kind: fixedField, fixed: st, choices: []choice{{st, st}}})
	} else {
		f.fields = append(f.fields, choiceFieldOf(FieldStatus, "Status", options(in.Statuses), defaultIndex(in.Statuses)))
	}
	f.fields = append(f.fields, choiceFieldOf(FieldPriority, "Priority", options(in.Priorities), defaultIndex(in.Priorities)))
	who := []choice{{"", "— none —"}}
	whoAt := 0
	for _, c := range in.Contacts {
		label := c.Name
		if c.Title != "" {
			label += " (" + c.Title + ")"
		}
		if c.ID == in.WhoID {
			whoAt = len(who)
		}
		who = append(who, choice{c.ID, label})
	}
	f.fields = append(f.fields, choiceFieldOf(FieldWhoID, "Contact", who, whoAt))
	related := in.WhatName
	if in.WhatType != "" {
		related += " (" + in.WhatType + ")"
	}
	if in.WhatID == "" {
		related = "—"
	}
	f.fields = append(f.fields, formField{name: FieldWhatID, label: "Related to", kind: fixedField, fixed: related})
	if in.Call {
		types := append([]choice{{"", "—"}}, options(in.CallTypes)...)
		f.fields = append(f.fields,
			choiceFieldOf(FieldCallType, "Call type", types, 0),
			text(FieldCallDuration, "Duration", "15m, 1h30m, 90s (a number: minutes)", ""))
	}
	comments := text(FieldDescription, "Comments", "", "")
	comments.input.CharLimit = 32000 // Task.Description's length
	f.fields = append(f.fields, comments)
	f.setFocus(0)
	return f
}

func sanitizeAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = Sanitize(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func options(opts []PicklistOption) []choice {
	out := make([]choice, len(opts))
	for i, o := range opts {
		out[i] = choice{o.Value, o.label()}
	}
	return out
}

func defaultIndex(opts []PicklistOption) int {
	for i, o := range opts {
		if o.Default {
			return i
		}
	}
	return 0
}

// closedStatus is the status of a logged call: the org's default closed
// status, else its first closed one, else "Completed".
func closedStatus(opts []PicklistOption) string {
	first := ""
	for _, o := range opts {
		if o.Closed && o.Default {
			return o.Value
		}
		if o.Closed && first == "" {
			first = o.Value
		}
	}
	if first == "" {
		return "Completed"
	}
	return first
}

func choiceFieldOf(name, label string, cs []choice, at int) formField {
	f := formField{name: name, label: label, kind: choiceField, choices: cs, choice: at}
	if at < len(cs) {
		f.initial = cs[at].value
	}
	return f
}

// Call reports whether the form logs a call.
func (f *TaskForm) Call() bool { return f.in.Call }

// WhatID returns the record the task is logged on.
func (f *TaskForm) WhatID() string { return f.in.WhatID }

// Focused returns the API name of the field with the cursor.
func (f *TaskForm) Focused() string { return f.fields[f.focus].name }

// Value returns what a field holds now (text or choice value), by API
// name; "" for an unknown one.
func (f *TaskForm) Value(field string) string {
	for i := range f.fields {
		if f.fields[i].name == field {
			return f.fields[i].value()
		}
	}
	return ""
}

// Update implements Pane.
func (f *TaskForm) Update(msg tea.Msg) (Pane, tea.Cmd) {
	cancelled := TaskCancelledMsg{WhatID: f.in.WhatID}
	kp, cmd, isKey := f.keyPress(msg, cancelled, f.typed)
	if !isKey {
		return f, cmd
	}
	if cmd, ok := f.moveKey(kp, f.submit); ok {
		return f, cmd
	}
	k := &f.ctx.Keys.Forms
	cur := &f.fields[f.focus]
	switch {
	case key.Matches(kp, k.Cancel):
		return f, f.cancel(cancelled)
	case cur.kind == choiceField:
		f.updateChoice(cur, kp)
	case key.Matches(kp, k.NextValue) && f.complete(cur):
	case cur.kind == textField:
		return f, f.typed(cur, kp)
	}
	return f, nil
}

// complete replaces a text field's value by its current completion when
// the cursor is at its end, and reports whether it did.
func (f *TaskForm) complete(cur *formField) bool {
	s := cur.input.CurrentSuggestion()
	v := cur.input.Value()
	if s == "" || s == v || cur.input.Position() != len([]rune(v)) {
		return false
	}
	cur.input.SetValue(s)
	cur.input.CursorEnd()
	delete(f.errs, cur.name)
	return true
}

// typed passes a key or paste, cleaned, to a text field and forgets its
// error once the user changes it.
func (f *TaskForm) typed(cur *formField, msg tea.Msg) tea.Cmd {
	cmd, changed := editInput(&cur.input, msg)
	if changed {
		delete(f.errs, cur.name)
	}
	return cmd
}

// submit validates locally and emits the task, or shows what is wrong and
// puts the cursor on the first such field.
func (f *TaskForm) submit() tea.Cmd {
	clear(f.errs)
	f.general = ""
	out := TaskSubmittedMsg{Call: f.in.Call, WhatID: f.in.WhatID, TaskSubtype: "Task"}
	if f.in.Call {
		out.TaskSubtype = "Call"
	}
	for i := range f.fields {
		fl := &f.fields[i]
		v := strings.TrimSpace(fl.value())
		switch fl.name {
		case FieldSubject:
			if v == "" {
				f.errs[fl.name] = "a subject is required"
			}
			out.Subject = v
		case FieldActivityDate:
			d, err := f.ParseDue(v)
			if err != nil {
				f.errs[fl.name] = err.Error()
			}
			out.ActivityDate = d
		case FieldStatus:
			out.Status = v
		case FieldPriority:
			out.Priority = v
		case FieldWhoID:
			out.WhoID = v
		case FieldCallType:
			out.CallType = v
		case FieldCallDuration:
			secs, ok, err := parseDuration(v)
			if err != nil {
				f.errs[fl.name] = err.Error()
			} else if ok {
				out.CallDurationInSeconds = &secs
			}
		case FieldDescription:
			out.Description = fl.value()
		}
	}
	for i := range f.fields {
		if _, bad := f.errs[f.fields[i].name]; bad {
			return f.setFocus(i)
		}
	}
	return requestCmd(out)
}

// newDateParser returns the English natural-date parser.
func newDateParser() *when.Parser {
	w := when.New(nil)
	w.Add(en.All...)
	w.Add(common.All...)
	return w
}

var (
	isoDate  = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	relative = regexp.MustCompile(`^\+\s*(\d{1,4})\s*([dwm])$`)
	// numeric is digits and separators that are not an ISO date, such as
	// 12-01 or 12/01: the parser would read a time or guess the order of
	// day and month.
	numeric = regexp.MustCompile(`^[\d\s:./-]+$`)
)

// ParseDue reads a due date as a rep types it: today, tomorrow, fri, next
// week, +3d (+2w, +1m), in 3 days, 2026-12-01. "" is no date. The result
// is a UTC midnight, the way Salesforce stores dates; relative dates count
// from the context's clock in its location.
func (f *TaskForm) ParseDue(s string) (time.Time, error) {
	return parseDay(f.ctx.Now(), &f.parser, s)
}

// parseDay is ParseDue's reading of s at now; *parser is built on first
// use (most dates are caught by the rules before it). The task form and
// the record form share it.
func parseDay(now time.Time, parser **when.Parser, s string) (time.Time, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return time.Time{}, nil
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if m := isoDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Month() != time.Month(mo) || t.Day() != d {
			return time.Time{}, fmt.Errorf("%s is not a day of the calendar", s)
		}
		return t, nil
	}
	if m := relative.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "d":
			return today.AddDate(0, 0, n), nil
		case "w":
			return today.AddDate(0, 0, 7*n), nil
		default:
			return today.AddDate(0, n, 0), nil
		}
	}
	if numeric.MatchString(s) {
		return time.Time{}, fmt.Errorf("cannot read %q as a date: write dates as 2026-12-01", s)
	}
	switch s {
	case "today":
		return today, nil
	case "next week":
		return today.AddDate(0, 0, 7), nil
	}
	if *parser == nil {
		*parser = newDateParser()
	}
	r, err := (*parser).Parse(s, now)
	if err != nil || r == nil || r.Index != 0 || len(r.Text) != len(s) {
		return time.Time{}, fmt.Errorf("cannot read %q as a date: try today, fri, +3d or 2026-12-01", s)
	}
	t := r.Time
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// parseDuration reads a call's length: 15m, 1h30m, 90s, 1:30 (minutes and
// seconds), or a bare number of minutes. ok is false for "".
func parseDuration(s string) (secs int, ok bool, err error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if s == "" {
		return 0, false, nil
	}
	bad := fmt.Errorf("cannot read %q as a duration: try 15m, 1h30m or 90s", s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return 0, false, bad
		}
		return n * 60, true, nil
	}
	if m, sec, found := strings.Cut(s, ":"); found {
		mi, err1 := strconv.Atoi(m)
		se, err2 := strconv.Atoi(sec)
		if err1 != nil || err2 != nil || mi < 0 || se < 0 || se > 59 {
			return 0, false, bad
		}
		return mi*60 + se, true, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, false, bad
	}
	return int(d / time.Second), true, nil
}

// spoken formats seconds as "1 h 5 min", "25 min", "90 s".
func spoken(secs int) string {
	switch {
	case secs < 60 || secs%60 != 0 && secs < 600:
		if secs >= 60 {
			return fmt.Sprintf("%d min %d s", secs/60, secs%60)
		}
		return fmt.Sprintf("%d s", secs)
	case secs < 3600:
		return fmt.Sprintf("%d min", secs/60)
	case secs%3600 < 60:
		return fmt.Sprintf("%d h", secs/3600)
	}
	return fmt.Sprintf("%d h %d min", secs/3600, secs%3600/60)
}

// hint is what the form shows after a field: the resolved due date or
// duration.
func (f *TaskForm) hint(fl *formField) (string, bool) {
	v := strings.TrimSpace(fl.value())
	if h, ok := f.hints[fl.name]; ok && h.text == v {
		return h.hint, h.ok
	}
	hint, ok := f.computeHint(fl.name, v)
	if f.hints == nil {
		f.hints = map[string]fieldHint{}
	}
	f.hints[fl.name] = fieldHint{v, hint, ok}
	return hint, ok
}

func (f *TaskForm) computeHint(name, v string) (string, bool) {
	switch name {
	case FieldActivityDate:
		if v == "" {
			return "no due date", true
		}
		d, err := f.ParseDue(v)
		if err != nil {
			return "?", false
		}
		return "→ " + d.Format("Mon 2 Jan 2006"), true
	case FieldCallDuration:
		secs, ok, err := parseDuration(v)
		if err != nil {
			return "?", false
		}
		if ok {
			return "→ " + spoken(secs), true
		}
	}
	return "", true
}

// View implements Pane.
func (f *TaskForm) View() string {
	if f.width <= 0 || f.height <= 0 {
		return ""
	}
	st := f.ctx.Styles
	bw, inner, labelW, valueW := f.widths(76, 12)
	title := "New task"
	if f.in.Call {
		title = "Log a call"
	}
	if f.in.WhatID != "" {
		title += " · " + f.in.WhatName
	}
	lines := []string{st.Title.Render(fit(title, inner)), ""}
	for i := range f.fields {
		fl := &f.fields[i]
		lines = append(lines, f.fieldLine(i, fl.label, labelW, f.fieldValue(fl, i == f.focus, valueW)))
		lines = append(lines, f.fieldErrors(fl.name, labelW, valueW)...)
	}
	lines = append(lines, f.foot(inner)...)
	return overlayBox(st, lines, bw, f.width, f.height)
}

// fieldValue renders a field's value cell, exactly w cells wide.
func (f *TaskForm) fieldValue(fl *formField, focused bool, w int) string {
	if cell, ok := f.valueCell(fl, focused, w); ok {
		return cell
	}
	st := f.ctx.Styles
	hint, ok := f.hint(fl)
	hs := st.Success
	if !ok {
		hs = st.Error
	}
	if hint == "no due date" {
		hs = st.Muted
	}
	return inputCell(fl, w, hint, hs)
}
