package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/views"
)

// writeTimeout bounds one write: validation, the outbox and, online, the
// push.
const writeTimeout = 2 * time.Minute

// writes is the root's state of the write side (issue 11): the stage
// picker, the task form and the outbox view, shown over the panes, and
// the outbox as last read (for the marks and the status bar's count).
type writes struct {
	picker *views.StagePicker // open, or nil
	// replaces is the outbox entry the picker's change replaces (outbox
	// 'e' on a stage change), or "".
	replaces string
	form     *views.TaskForm // open, or nil
	formKind views.RecordKind
	formID   string // the record the form logs on
	outbox   *views.Outbox
	showBox  bool // the outbox view is open
	entries  []views.OutboxEntry
	loadSeq  int
	counts   map[views.WriteState]int
	// saving is a write on its way (validate, queue, push): a second
	// enter or ctrl+s meanwhile is ignored, so nothing is queued twice.
	saving bool
}

// overlay returns the write overlay shown, or nil: the picker or the form
// (which open from the outbox too) over the outbox view.
func (m *Model) overlay() views.Pane {
	switch {
	case m.w.picker != nil:
		return m.w.picker
	case m.w.form != nil:
		return m.w.form
	case m.w.showBox:
		return m.w.outbox
	}
	return nil
}

// writeTarget is a record a write key applies to.
type writeTarget struct {
	kind views.RecordKind
	id   string
}

// pickerLoadedMsg carries what the stage picker shows for an opportunity.
// move is 0 for 's', -1 or +1 for H and L on a pipeline card.
type pickerLoadedMsg struct {
	oppID    string
	move     int
	replaces string
	in       views.StagePickerInput
	err      error
}

// stageChangedMsg is how a stage change of oppID went.
type stageChangedMsg struct {
	oppID string
	stage string
	res   WriteResult
	err   error
}

// formLoadedMsg carries what the task or call form shows for a record.
type formLoadedMsg struct {
	target writeTarget
	call   bool
	in     views.TaskFormInput
	err    error
}

// taskLoggedMsg is how logging a task on record id went.
type taskLoggedMsg struct {
	id   string
	call bool
	res  WriteResult
	err  error
}

// writesLoadedMsg carries the outbox and the records' write states.
type writesLoadedMsg struct {
	seq     int
	entries []views.OutboxEntry
	states  map[string]views.WriteState
	err     error
}

// outboxDoneMsg is how an outbox action on entry id went.
type outboxDoneMsg struct {
	action string // "retried", "discarded", "resolved"
	id     string
	err    error
}

// writeKeys returns the write keys of what the focused tab shows and the
// record they apply to (id "" when nothing is selected). A pane without
// write keys of its own (contacts, leads) uses the detail view's task and
// call keys.
func (m *Model) writeKeys() (*keymap.Write, writeTarget, bool) {
	t := m.focused()
	if d := t.detail; d != nil {
		return &m.keys.Detail.Write, writeTarget{d.Kind(), d.ID()}, true
	}
	switch p := t.pane.(type) {
	case *views.Opportunities:
		return &m.keys.Opportunities.Write, writeTarget{views.OpportunityRecord, p.SelectedID()}, true
	case *views.Pipeline:
		o, _ := p.Selected()
		return &m.keys.Pipeline.Write, writeTarget{views.OpportunityRecord, o.ID}, true
	case *views.Accounts:
		return &m.keys.Accounts.Write, writeTarget{views.AccountRecord, p.SelectedID()}, true
	case *views.Contacts:
		c, _ := p.Selected()
		return &m.keys.Detail.Write, writeTarget{views.ContactRecord, c.ID}, true
	case *views.Leads:
		l, _ := p.Selected()
		return &m.keys.Detail.Write, writeTarget{views.LeadRecord, l.ID}, true
	}
	return nil, writeTarget{}, false
}

// writeKey handles s, t, c (and H, L on a pipeline card); ok is false for
// any other key, which then goes on to the pane.
func (m *Model) writeKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	w, target, ok := m.writeKeys()
	if !ok {
		return nil, false
	}
	move := 0
	_, onBoard := m.focused().shown().(*views.Pipeline)
	switch {
	case target.kind == views.OpportunityRecord && key.Matches(msg, w.Stage):
	case onBoard && key.Matches(msg, m.keys.Pipeline.MoveLeft):
		move = -1
	case onBoard && key.Matches(msg, m.keys.Pipeline.MoveRight):
		move = 1
	case key.Matches(msg, w.Task, w.Call):
		if target.id == "" {
			return nil, true
		}
		if m.deps.Writer == nil {
			return m.writesOff(), true
		}
		return m.loadForm(target, key.Matches(msg, w.Call)), true
	default:
		return nil, false
	}
	if target.id == "" {
		return nil, true
	}
	if m.deps.Writer == nil {
		return m.writesOff(), true
	}
	return m.loadPicker(target.id, move, ""), true
}

// writesOff says why a write key does nothing.
func (m *Model) writesOff() tea.Cmd {
	return m.setFlash(flashMsg{level: flashWarn, text: "changes are not available here: this session only reads the cache"})
}

// overlayKey gives a key to the open write overlay. The outbox view, when
// it asks nothing, leaves the quit key to the app.
func (m *Model) overlayKey(msg tea.KeyPressMsg) tea.Cmd {
	o := m.overlay()
	if o == m.w.outbox && !o.Capturing() && key.Matches(msg, m.keys.Global.Quit) {
		return m.quit()
	}
	_, cmd := o.Update(msg)
	return cmd
}

// overlayPaste gives a paste to the open write overlay; ok is false when
// none is open.
func (m *Model) overlayPaste(msg tea.PasteMsg) (tea.Cmd, bool) {
	o := m.overlay()
	if o == nil {
		return nil, false
	}
	_, cmd := o.Update(msg)
	return cmd, true
}

// updateWrites handles the write side's messages; ok is false for any
// other message.
func (m *Model) updateWrites(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case pickerLoadedMsg:
		return m.pickerLoaded(msg), true
	case views.StageChosenMsg:
		if m.w.picker == nil || m.w.picker.OpportunityID() != msg.OpportunityID || m.w.saving {
			return nil, true
		}
		return m.changeStage(msg), true
	case views.StagePickerCancelledMsg:
		if m.w.picker != nil && m.w.picker.OpportunityID() == msg.OpportunityID {
			m.closePicker()
		}
		return nil, true
	case stageChangedMsg:
		return m.stageChanged(msg), true
	case formLoadedMsg:
		return m.formLoaded(msg), true
	case views.TaskSubmittedMsg:
		if m.w.form == nil || m.w.form.WhatID() != msg.WhatID || m.w.saving {
			return nil, true
		}
		return m.logTask(msg), true
	case views.TaskCancelledMsg:
		if m.w.form != nil && m.w.form.WhatID() == msg.WhatID {
			m.w.form = nil
		}
		return nil, true
	case taskLoggedMsg:
		return m.taskLogged(msg), true
	case writesLoadedMsg:
		return m.writesLoaded(msg), true
	case views.OutboxRetryMsg:
		return m.outboxAction("retried", msg.ID, func(ctx context.Context, w Writer) error { return w.Retry(ctx, msg.ID) }), true
	case views.OutboxDiscardMsg:
		return m.outboxAction("discarded", msg.ID, func(ctx context.Context, w Writer) error { return w.Discard(ctx, msg.ID) }), true
	case views.OutboxResolveMsg:
		return m.outboxAction("resolved", msg.ID, func(ctx context.Context, w Writer) error { return w.Resolve(ctx, msg.ID, msg.Resolution) }), true
	case views.OutboxEditMsg:
		return m.editEntry(msg.ID), true
	case views.OutboxClosedMsg:
		m.w.showBox = false
		return nil, true
	case outboxDoneMsg:
		return m.outboxDone(msg), true
	}
	return nil, false
}

// loadPicker reads what the stage picker shows for oppID.
func (m *Model) loadPicker(oppID string, move int, replaces string) tea.Cmd {
	w, life := m.deps.Writer, m.life
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		in, err := w.StagePicker(ctx, oppID)
		if err != nil {
			err = fmt.Errorf("read the stages of %s: %w", oppID, err)
		}
		return pickerLoadedMsg{oppID: oppID, move: move, replaces: replaces, in: in, err: err}
	})
}

// pickerLoaded opens the stage picker; for H/L it picks the next stage
// through the picker's own checks (Choose).
func (m *Model) pickerLoaded(msg pickerLoadedMsg) tea.Cmd {
	if msg.err != nil {
		return m.flashError(msg.err)
	}
	if m.w.form != nil {
		return nil // the user went on to a form meanwhile
	}
	p := views.NewStagePicker(m.ctx, msg.in)
	m.openOverlay(p)
	if msg.move == 0 {
		m.w.picker, m.w.replaces = p, msg.replaces
		return nil
	}
	at := -1
	for i, s := range msg.in.Stages {
		if s.Value == msg.in.CurrentStage {
			at = i
		}
	}
	next := at + msg.move
	if at < 0 || next < 0 || next >= len(msg.in.Stages) {
		where := "last"
		if msg.move < 0 {
			where = "first"
		}
		if at < 0 {
			where = "no stage of its record type"
			return m.setFlash(flashMsg{level: flashWarn, text: fmt.Sprintf("%s is in %s: s picks one", views.Sanitize(msg.in.OpportunityName), where)})
		}
		return m.setFlash(flashMsg{level: flashInfo, text: fmt.Sprintf("%s is already in the %s stage", views.Sanitize(msg.in.OpportunityName), where)})
	}
	m.w.picker, m.w.replaces = p, ""
	return p.Choose(msg.in.Stages[next].Value)
}

// closePicker closes the stage picker.
func (m *Model) closePicker() {
	m.w.picker, m.w.replaces = nil, ""
}

// changeStage queues (and, online, pushes) the stage the user picked.
// When the picker replaces an outbox entry, that entry is discarded once
// the new change is queued.
func (m *Model) changeStage(msg views.StageChosenMsg) tea.Cmd {
	w, life, replaces := m.deps.Writer, m.life, m.w.replaces
	m.w.saving = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(life, writeTimeout)
		defer cancel()
		res, err := w.ChangeStage(ctx, msg.OpportunityID, msg.Stage, msg.LossReason)
		if err != nil {
			err = fmt.Errorf("change the stage of %s: %w", msg.OpportunityID, err)
		} else if res.Queued && replaces != "" {
			if derr := w.Discard(ctx, replaces); derr != nil {
				err = fmt.Errorf("the new stage is queued, but the write it replaces is not discarded: %w", derr)
			}
		}
		return stageChangedMsg{oppID: msg.OpportunityID, stage: msg.Stage, res: res, err: err}
	}
}

// stageChanged closes the picker once the change is queued, or shows the
// refusal next to its field with the picker still open.
func (m *Model) stageChanged(msg stageChangedMsg) tea.Cmd {
	m.w.saving = false
	open := m.w.picker != nil && m.w.picker.OpportunityID() == msg.oppID
	switch {
	case msg.err != nil && !msg.res.Queued:
		if open {
			m.w.picker.SetError("", msg.err.Error())
			return nil
		}
		return m.flashError(msg.err)
	case !msg.res.Queued:
		text := refusal(msg.res)
		if open {
			m.w.picker.SetError(msg.res.Field, text)
			return nil
		}
		return m.setFlash(flashMsg{level: flashError, text: "stage not changed: " + text})
	}
	if open {
		m.closePicker()
	}
	flash := flashMsg{text: "stage → " + msg.stage + queuedOrSent(msg.res)}
	if msg.err != nil {
		flash = flashMsg{level: flashWarn, text: msg.err.Error()}
	}
	return tea.Batch(m.setFlash(flash), m.afterWrite(true))
}

// refusal is what a refused write says.
func refusal(r WriteResult) string {
	if r.Message != "" {
		return r.Message
	}
	return "the change was refused"
}

// queuedOrSent says where a queued write stands.
func queuedOrSent(r WriteResult) string {
	if r.Pushed {
		return " · sent"
	}
	return " · queued"
}

// afterWrite re-reads what a write changed in the cache: the records'
// write states and the open detail views, and the lists when lists
// changed (a stage; a task changes only timelines).
func (m *Model) afterWrite(lists bool) tea.Cmd {
	cmds := []tea.Cmd{m.loadWrites()}
	if lists {
		cmds = append(cmds, m.loadData())
	}
	for _, t := range m.tabs {
		if d := t.detail; d != nil {
			cmds = append(cmds, m.loadDetail(t.id, d.Kind(), d.ID()))
		}
	}
	return tea.Batch(cmds...)
}

// loadForm reads what the task (or call) form shows for target.
func (m *Model) loadForm(target writeTarget, call bool) tea.Cmd {
	w, life := m.deps.Writer, m.life
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		in, err := w.TaskForm(ctx, target.kind, target.id, call)
		if err != nil {
			err = fmt.Errorf("prepare the form for %s: %w", target.id, err)
		}
		return formLoadedMsg{target: target, call: call, in: in, err: err}
	})
}

// formLoaded opens the task or call form.
func (m *Model) formLoaded(msg formLoadedMsg) tea.Cmd {
	if msg.err != nil {
		return m.flashError(msg.err)
	}
	if m.w.picker != nil {
		return nil // the user went on to the picker meanwhile
	}
	f := views.NewTaskForm(m.ctx, msg.in)
	m.openOverlay(f)
	m.w.form, m.w.formKind, m.w.formID = f, msg.target.kind, msg.target.id
	return nil
}

// logTask queues (and, online, pushes) the task the user saved.
func (m *Model) logTask(task views.TaskSubmittedMsg) tea.Cmd {
	w, life, id := m.deps.Writer, m.life, m.w.formID
	m.w.saving = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(life, writeTimeout)
		defer cancel()
		res, err := w.LogTask(ctx, task)
		if err != nil {
			err = fmt.Errorf("log the task: %w", err)
		}
		return taskLoggedMsg{id: id, call: task.Call, res: res, err: err}
	}
}

// taskLogged closes the form once the task is queued and shows it in the
// record's timeline, or shows the refusal next to its field with the form
// still open and its input kept.
func (m *Model) taskLogged(msg taskLoggedMsg) tea.Cmd {
	m.w.saving = false
	open := m.w.form != nil && m.w.formID == msg.id
	switch {
	case msg.err != nil && !msg.res.Queued:
		if open {
			m.w.form.SetError("", msg.err.Error())
			return nil
		}
		return m.flashError(msg.err)
	case !msg.res.Queued:
		if open {
			m.w.form.SetError(msg.res.Field, refusal(msg.res))
			return nil
		}
		return m.setFlash(flashMsg{level: flashError, text: "not logged: " + refusal(msg.res)})
	}
	if open {
		m.w.form = nil
	}
	what := "task"
	if msg.call {
		what = "call"
	}
	return tea.Batch(m.setFlash(flashMsg{text: what + " logged" + queuedOrSent(msg.res)}), m.afterWrite(false))
}

// loadWrites reads the outbox and the records' write states.
func (m *Model) loadWrites() tea.Cmd {
	if m.deps.Writer == nil {
		return nil
	}
	m.w.loadSeq++
	w, life, seq := m.deps.Writer, m.life, m.w.loadSeq
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		entries, err := w.Outbox(ctx)
		if err != nil {
			return writesLoadedMsg{seq: seq, err: fmt.Errorf("read the outbox: %w", err)}
		}
		states, err := w.WriteStates(ctx)
		if err != nil {
			return writesLoadedMsg{seq: seq, err: fmt.Errorf("read the write states: %w", err)}
		}
		return writesLoadedMsg{seq: seq, entries: entries, states: states}
	})
}

// writesLoaded shows a fresh read of the outbox: the marks of lists and
// detail views, the status bar's count and the outbox view.
func (m *Model) writesLoaded(msg writesLoadedMsg) tea.Cmd {
	if msg.seq != m.w.loadSeq {
		return nil
	}
	if msg.err != nil {
		return m.flashError(msg.err)
	}
	m.w.entries = msg.entries
	m.w.counts = map[views.WriteState]int{}
	for _, e := range msg.entries {
		m.w.counts[e.State]++
	}
	m.ctx.Marks = msg.states
	m.w.outbox.SetEntries(msg.entries)
	// Detail views cache their lines: draw the marks.
	w, h := m.bodySize()
	for _, t := range m.tabs {
		if t.detail != nil {
			t.detail.SetSize(w, h)
		}
	}
	return nil
}

// openOutbox is ':outbox'.
func (m *Model) openOutbox([]string) tea.Cmd {
	if m.deps.Writer == nil {
		return m.writesOff()
	}
	m.w.showBox = true
	m.openOverlay(m.w.outbox)
	return m.loadWrites()
}

// outboxAction runs an outbox action on entry id.
func (m *Model) outboxAction(action, id string, do func(context.Context, Writer) error) tea.Cmd {
	w, life := m.deps.Writer, m.life
	if w == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(life, writeTimeout)
		defer cancel()
		err := do(ctx, w)
		if err != nil {
			err = fmt.Errorf("outbox entry %s: %w", id, err)
		}
		return outboxDoneMsg{action: action, id: id, err: err}
	}
}

// outboxDone reports an outbox action and re-reads what it changed (a
// discard restores the server's version of the record).
func (m *Model) outboxDone(msg outboxDoneMsg) tea.Cmd {
	flash := flashMsg{text: "write " + msg.action}
	if msg.err != nil {
		flash = flashMsg{level: flashError, text: msg.err.Error()}
	}
	return tea.Batch(m.setFlash(flash), m.afterWrite(true))
}

// editEntry opens an outbox entry's write to change it: a stage change
// opens the stage picker on its opportunity, and the new stage replaces
// the entry.
func (m *Model) editEntry(id string) tea.Cmd {
	for _, e := range m.w.entries {
		if e.ID != id {
			continue
		}
		if strings.EqualFold(e.Object, "Opportunity") && e.RecordID != "" && m.deps.Writer != nil {
			return m.loadPicker(e.RecordID, 0, e.ID)
		}
		return m.setFlash(flashMsg{level: flashWarn, text: "only a stage change can be edited here: discard this write (d) and make it again"})
	}
	return nil
}

// writeCounts is the status bar's count of the writes waiting or needing
// the user: "2 pending · 1 failed".
func (m *Model) writeCounts() string {
	var parts []string
	for _, s := range []views.WriteState{views.WritePending, views.WriteFailed, views.WriteConflict} {
		if n := m.w.counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, " · ")
}

// writeCommand is ':outbox'.
func writeCommand() command {
	return command{names: []string{"outbox"}, run: (*Model).openOutbox}
}

// resizeWrites hands the write overlays the panes' size.
func (m *Model) resizeWrites(w, h int) {
	if m.w.picker != nil {
		m.w.picker.SetSize(w, h)
	}
	if m.w.form != nil {
		m.w.form.SetSize(w, h)
	}
	if m.w.outbox != nil {
		m.w.outbox.SetSize(w, h)
	}
}

// overlayOver draws the stage picker or the task form over the focused
// pane: their views are a w×h block with the box centred on blanks, and
// each line's blank margins show the pane's line instead. The outbox
// takes the whole body.
func (m *Model) overlayOver(w int) string {
	o := m.overlay()
	if o == m.w.outbox {
		return o.View()
	}
	return drawOver(m.focused().shown().View(), o.View(), w)
}

// drawOver draws box, a view of blank lines around a box, over under:
// each line of the box replaces the cells it covers, and under shows
// around it.
func drawOver(under, box string, w int) string {
	lines := strings.Split(under, "\n")
	over := strings.Split(box, "\n")
	for i, l := range over {
		if i >= len(lines) {
			break
		}
		box := strings.TrimLeft(l, " ")
		left := len(l) - len(box)
		box = strings.TrimRight(box, " ")
		if box == "" {
			over[i] = lines[i]
			continue
		}
		right := left + ansi.StringWidth(box)
		over[i] = ansi.Cut(lines[i], 0, left) + "\x1b[m" + box + ansi.Cut(lines[i], right, w)
	}
	return strings.Join(over, "\n")
}

// writeHelp returns the write keys that apply to what the focused tab
// shows, for the full help; none without a Writer (they only say so).
func (m *Model) writeHelp() []key.Binding {
	w, target, ok := m.writeKeys()
	if !ok || m.deps.Writer == nil {
		return nil
	}
	var bs []key.Binding
	if target.kind == views.OpportunityRecord {
		bs = append(bs, w.Stage)
	}
	if _, onBoard := m.focused().shown().(*views.Pipeline); onBoard {
		bs = append(bs, m.keys.Pipeline.MoveLeft, m.keys.Pipeline.MoveRight)
	}
	return append(bs, w.Task, w.Call)
}
