package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
)

// TasksPane names the tasks pane: the signed-in user's open tasks.
const TasksPane PaneID = "Tasks"

// TaskGroup is where a task's due date falls, relative to today.
type TaskGroup int

// The tasks pane's groups, in the order it shows them.
const (
	GroupOverdue TaskGroup = iota
	GroupToday
	GroupThisWeek
	GroupLater
	GroupNoDate
	numTaskGroups
)

// String returns the group's heading.
func (g TaskGroup) String() string {
	return [...]string{"Overdue", "Today", "This week", "Later", "No date"}[g]
}

// TaskGroupOf returns the group of a task due on due (a date: its
// calendar day counts, zero for none) when it is now. This week runs to
// the coming Sunday: on a Sunday it holds no day after today.
func TaskGroupOf(due, now time.Time) TaskGroup {
	if due.IsZero() {
		return GroupNoDate
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	day := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
	untilSunday := (7 - int(today.Weekday())) % 7
	switch {
	case day.Before(today):
		return GroupOverdue
	case day.Equal(today):
		return GroupToday
	case !day.After(today.AddDate(0, 0, untilSunday)):
		return GroupThisWeek
	}
	return GroupLater
}

// TasksLoadedMsg carries a fresh read of the user's tasks to the tasks
// pane, with where the write of each task with one in the outbox stands
// (a completed task stays listed, marked, until its completion is sent).
// Seq orders the reads: an older one that finishes late is dropped.
type TasksLoadedMsg struct {
	Seq    int
	Tasks  []book.Task
	States map[string]WriteState
	Err    error
}

// TaskCompleteMsg asks the root to complete task ID (x).
type TaskCompleteMsg struct{ ID string }

// TaskRescheduleMsg asks the root to move task ID's due date to Due (a
// UTC midnight; zero clears it).
type TaskRescheduleMsg struct {
	ID  string
	Due time.Time
}

// Tasks is the tasks pane: the user's open tasks grouped by due date
// (overdue, today, this week, later, no date), each with its related
// record. x completes the selected task, d reschedules it (typed as in
// the task form: today, fri, +3d, 2026-12-01), enter opens its related
// record.
type Tasks struct {
	rowList // over lines: a group heading (negative) or a task (its index)
	ctx     *Context
	tasks   []book.Task
	states  map[string]WriteState
	seq     int // of the read shown
	asked   int // of the latest read asked for (NextSeq)
	loaded  bool
	loadErr error
	width   int
	paneH   int
	paneFocus

	// The reschedule prompt (d): open while editing, for task editID.
	editing  bool
	editID   string
	input    textinput.Model
	editErr  string
	editHint string
	// dates parses what is typed, as the task form does.
	dates *TaskForm
}

var _ Pane = (*Tasks)(nil)

// NewTasks returns an empty tasks pane.
func NewTasks(ctx *Context) *Tasks {
	return &Tasks{ctx: ctx, dates: &TaskForm{form: form[formField, *formField]{ctx: ctx}}}
}

// NextSeq numbers a new read of the tasks, for its TasksLoadedMsg.
func (p *Tasks) NextSeq() int {
	p.asked++
	return p.asked
}

// heading is the line of group g.
func heading(g TaskGroup) int { return -1 - int(g) }

// Update implements Pane.
func (p *Tasks) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case TasksLoadedMsg:
		p.load(msg)
		return p, nil
	case tea.PasteMsg:
		if p.editing {
			var cmd tea.Cmd
			p.input, cmd = p.input.Update(msg)
			p.readInput()
			return p, cmd
		}
		return p, nil
	case tea.KeyPressMsg:
		if p.editing {
			return p, p.editKey(msg)
		}
		return p, p.key(msg)
	}
	return p, nil
}

// load shows a read of the tasks unless a newer one is shown, keeping the
// selected task.
func (p *Tasks) load(msg TasksLoadedMsg) {
	if msg.Seq < p.seq {
		return
	}
	p.seq, p.loaded = msg.Seq, true
	if msg.Err != nil {
		p.loadErr = msg.Err
		return
	}
	selected, _ := p.Selected()
	p.loadErr, p.tasks, p.states = nil, msg.Tasks, msg.States
	p.regroupKeeping(selected.ID)
}

// Refresh regroups the tasks (the day changed).
func (p *Tasks) Refresh() {
	selected, _ := p.Selected()
	p.regroupKeeping(selected.ID)
}

// regroupKeeping regroups the tasks, keeping task id selected when it is
// still there, else selecting the first task.
func (p *Tasks) regroupKeeping(id string) {
	p.regroup()
	for i, r := range p.rows {
		if r >= 0 && p.tasks[r].ID == id {
			p.setCursor(i)
			return
		}
	}
	p.onTask(1)
}

// regroup lays the tasks out under their groups' headings, in their
// order within each group.
func (p *Tasks) regroup() {
	now := p.ctx.Now()
	var groups [numTaskGroups][]int
	for i := range p.tasks {
		g := TaskGroupOf(p.tasks[i].Due, now)
		groups[g] = append(groups[g], i)
	}
	var rows []int
	for g, ix := range groups {
		if len(ix) == 0 {
			continue
		}
		rows = append(rows, heading(TaskGroup(g)))
		rows = append(rows, ix...)
	}
	p.setRows(rows)
	p.layout()
}

// onTask moves the cursor off a heading, in direction dir (then the
// other way at an end).
func (p *Tasks) onTask(dir int) {
	if len(p.rows) == 0 {
		return
	}
	for _, d := range []int{dir, -dir} {
		for i := p.cursor; i >= 0 && i < len(p.rows); i += d {
			if p.rows[i] >= 0 {
				p.setCursor(i)
				p.showHeading()
				return
			}
		}
	}
}

// showHeading scrolls up one line when the heading of the cursor's group
// is just above the window.
func (p *Tasks) showHeading() {
	if p.cursor > 0 && p.offset == p.cursor && p.rows[p.cursor-1] < 0 {
		p.offset--
	}
}

// layout sizes the window: title and column header above, the prompt's
// line below while it is open.
func (p *Tasks) layout() {
	h := p.paneH - 2
	if p.editing {
		h--
	}
	p.setHeight(h)
}

// Selected returns the selected task.
func (p *Tasks) Selected() (book.Task, bool) {
	if len(p.rows) == 0 || p.rows[p.cursor] < 0 {
		return book.Task{}, false
	}
	return p.tasks[p.rows[p.cursor]], true
}

// Tasks returns the tasks shown, in display order, with their groups.
func (p *Tasks) Tasks() (tasks []book.Task, groups []TaskGroup) {
	g := GroupOverdue
	for _, r := range p.rows {
		if r < 0 {
			g = TaskGroup(-1 - r)
			continue
		}
		tasks, groups = append(tasks, p.tasks[r]), append(groups, g)
	}
	return tasks, groups
}

// Editing reports whether the reschedule prompt is open.
func (p *Tasks) Editing() bool { return p.editing }

// key handles a key of the list.
func (p *Tasks) key(kp tea.KeyPressMsg) tea.Cmd {
	k := &p.ctx.Keys.Tasks
	before := p.cursor
	if p.move(kp, &k.List) {
		dir := 1
		if p.cursor < before {
			dir = -1
		}
		p.onTask(dir)
		return nil
	}
	t, ok := p.Selected()
	switch {
	case key.Matches(kp, k.Complete):
		if !ok || t.Closed {
			return nil
		}
		return requestCmd(TaskCompleteMsg{ID: t.ID})
	case key.Matches(kp, k.Reschedule):
		if !ok {
			return nil
		}
		return p.startEdit(t)
	case key.Matches(kp, k.Open):
		if !ok {
			return nil
		}
		kind, id, found := relatedRecord(t)
		if !found {
			return nil
		}
		return requestCmd(OpenRecordMsg{From: TasksPane, Kind: kind, ID: id})
	case key.Matches(kp, k.Browser):
		if ok {
			return requestCmd(BrowseMsg{ID: t.ID})
		}
	case key.Matches(kp, k.Copy):
		if ok {
			return requestCmd(CopyMsg{ID: t.ID})
		}
	}
	return nil
}

// relatedRecord is the record enter opens for t: its What when the app
// has a view of it (an account, an opportunity), else its Who (a contact,
// a lead).
func relatedRecord(t book.Task) (RecordKind, string, bool) {
	kinds := map[string]RecordKind{"Account": AccountRecord, "Opportunity": OpportunityRecord, "Contact": ContactRecord, "Lead": LeadRecord}
	if k, ok := kinds[t.WhatObject]; ok && t.WhatID != "" {
		return k, t.WhatID, true
	}
	if k, ok := kinds[t.WhoObject]; ok && t.WhoID != "" {
		return k, t.WhoID, true
	}
	return 0, "", false
}

// startEdit opens the reschedule prompt on t, holding its due date.
func (p *Tasks) startEdit(t book.Task) tea.Cmd {
	p.editing, p.editID, p.editErr = true, t.ID, ""
	p.input = NewInput("due: ", "today, fri, +3d, 2026-12-01 (empty: no date)", p.ctx.Styles.IsDark)
	p.input.SetWidth(max(1, p.width/2))
	if !t.Due.IsZero() {
		p.input.SetValue(t.Due.Format(time.DateOnly))
	}
	p.readInput()
	p.layout()
	return p.input.Focus()
}

// editKey handles a key while the reschedule prompt is open: enter
// submits (a date that cannot be read stays, with the error), esc
// cancels, anything else types.
func (p *Tasks) editKey(kp tea.KeyPressMsg) tea.Cmd {
	pk := &p.ctx.Keys.Prompt
	switch {
	case key.Matches(kp, pk.Cancel):
		p.closeEdit()
		return nil
	case key.Matches(kp, pk.Submit):
		due, err := p.dates.ParseDue(p.input.Value())
		if err != nil {
			p.editErr = err.Error()
			return nil
		}
		id := p.editID
		p.closeEdit()
		return requestCmd(TaskRescheduleMsg{ID: id, Due: due})
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(kp)
	p.readInput()
	return cmd
}

func (p *Tasks) closeEdit() {
	p.editing, p.editID, p.editErr = false, "", ""
	p.input.Blur()
	p.layout()
}

// SetSize implements Pane.
func (p *Tasks) SetSize(w, h int) {
	p.width, p.paneH = w, h
	p.input.SetWidth(max(1, w/2))
	p.layout()
}

// Capturing implements Pane: the reschedule prompt takes every key.
func (p *Tasks) Capturing() bool { return p.editing }

// mark returns where task id's latest write stands.
func (p *Tasks) mark(id string) WriteState {
	if s, ok := p.states[id]; ok && s != WriteNone {
		return s
	}
	return p.ctx.Mark(id)
}

// dueLabel is how a due date reads in its group: overdue and later by
// date, this week by day name.
func dueLabel(t time.Time, g TaskGroup) string {
	switch g {
	case GroupNoDate:
		return "—"
	case GroupToday:
		return "today"
	case GroupThisWeek:
		return t.Format("Mon 2 Jan")
	}
	return t.Format(time.DateOnly)
}

// related is the task's related record as shown: "What (Who)".
func related(t *book.Task) string {
	switch {
	case t.WhatName != "" && t.WhoName != "":
		return t.WhatName + " · " + t.WhoName
	case t.WhatName != "":
		return t.WhatName
	}
	return t.WhoName
}

// View implements Pane.
func (p *Tasks) View() string {
	if p.width <= 0 || p.paneH <= 0 {
		return ""
	}
	st := p.ctx.Styles
	var b strings.Builder
	open := 0
	for i := range p.tasks {
		if !p.tasks[i].Closed {
			open++
		}
	}
	b.WriteString(fitStyled(st.Title.Render("My tasks "+st.Muted.Render(fmt.Sprintf("%s open · by due date", formatInt(int64(open))))), p.width))
	b.WriteByte('\n')

	dueW, statusW, prioW := 11, 12, 0
	relW := 28
	if p.width >= 110 {
		statusW, prioW, relW = 16, 8, 44
	}
	subjectW := max(1, p.width-2-dueW-1-relW-1-statusW-1)
	if prioW > 0 {
		subjectW -= prioW + 1
	}
	cols := func(due, subject, rel, status, prio string) string {
		s := "  " + fit(due, dueW) + " " + fit(subject, subjectW) + " " + fit(rel, relW) + " " + fit(status, statusW)
		if prioW > 0 {
			s += " " + fit(prio, prioW)
		}
		return s
	}
	b.WriteString(st.Header.Render(cols("Due", "Subject", "Related to", "Status", "Priority")))
	b.WriteByte('\n')

	switch {
	case p.loadErr != nil:
		b.WriteString(st.Error.Render(fit("  Could not read the tasks: "+p.loadErr.Error(), p.width)))
	case !p.loaded:
		b.WriteString(st.Muted.Render("  Reading the tasks…"))
	case len(p.rows) == 0:
		b.WriteString(st.Muted.Render("  No open tasks: nothing to do."))
	}
	now := p.ctx.Now()
	p.writeRows(&b, func(i int) string {
		r := p.rows[i]
		if r < 0 {
			g := TaskGroup(-1 - r)
			n := 0
			for j := i + 1; j < len(p.rows) && p.rows[j] >= 0; j++ {
				n++
			}
			label := st.Title
			if g == GroupOverdue {
				label = st.Error
			}
			return fitStyled(label.Render(g.String())+st.Muted.Render(fmt.Sprintf(" · %d", n)), p.width)
		}
		t := &p.tasks[r]
		line := cols(dueLabel(t.Due, TaskGroupOf(t.Due, now)), t.Subject, related(t), t.Status, t.Priority)
		selected := i == p.cursor
		if s := p.mark(t.ID); s != WriteNone {
			g := s.Glyph()
			if !selected || !p.focused {
				g = WriteGlyph(st, s)
			}
			line = " " + g + line[2:]
		}
		if !selected {
			return line
		}
		line = "▌" + line[len(" "):]
		if p.focused {
			line = st.Selected.Render(line)
		}
		return line
	})
	if p.editing {
		return padLines(b.String(), p.width, p.paneH-1) + "\n" + p.editLine()
	}
	return padLines(b.String(), p.width, p.paneH)
}

// editLine is the reschedule prompt's line at the bottom of the pane,
// with what the date reads as (or why it cannot be read).
func (p *Tasks) editLine() string {
	st := p.ctx.Styles
	hint := st.Muted.Render(p.editHint)
	if p.editErr != "" {
		hint = st.Error.Render(p.editErr)
	}
	return fitStyled(st.Prompt.Render("reschedule ")+p.input.View()+"  "+hint, p.width)
}

// readInput updates the hint after the prompt's text: the date it reads
// as. It runs in Update, so View only draws it.
func (p *Tasks) readInput() {
	p.editErr = ""
	v := strings.TrimSpace(p.input.Value())
	if v == "" {
		p.editHint = "no due date"
		return
	}
	if d, err := p.dates.ParseDue(v); err == nil {
		p.editHint = "→ " + d.Format("Mon 2 Jan 2006")
	} else {
		p.editHint = "?"
	}
}

// ShortHelp implements help.KeyMap.
func (p *Tasks) ShortHelp() []key.Binding {
	if p.editing {
		return []key.Binding{p.ctx.Keys.Prompt.Submit, p.ctx.Keys.Prompt.Cancel}
	}
	k := &p.ctx.Keys.Tasks
	return []key.Binding{k.Up, k.Down, k.Complete, k.Reschedule, k.Open}
}

// FullHelp implements help.KeyMap.
func (p *Tasks) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Tasks
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
		{k.Complete, k.Reschedule, k.Open, k.Browser, k.Copy},
	}
}
