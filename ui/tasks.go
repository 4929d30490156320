package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views"
)

// The tasks pane (issue 16, "My tasks"): the signed-in user's open tasks,
// completed (x) and rescheduled (d) through the outbox.

// TaskWriter reads the user's tasks and writes their completion and due
// date through the outbox. Every method is called from a tea.Cmd (never
// from Update) with the app's context, may be slow (a push goes to the
// org), and must be safe for concurrent use.
type TaskWriter interface {
	// MyTasks returns the user's open tasks with their related records'
	// names, and those completed whose completion is still in the outbox
	// (so that they stay listed, marked, until it is sent), with the
	// state of each task's write by Id.
	MyTasks(ctx context.Context) ([]book.Task, map[string]views.WriteState, error)
	// Complete validates, queues and (online) pushes Status "Completed"
	// for task id. A value the local checks or the org refuse comes back
	// as a WriteResult with Field and Message set; an error is for
	// everything else.
	Complete(ctx context.Context, id string) (WriteResult, error)
	// Reschedule does the same for task id's ActivityDate (zero clears
	// it).
	Reschedule(ctx context.Context, id string, due time.Time) (WriteResult, error)
}

// openTasksSource is Data that lists the user's open tasks (a
// *book.Book): without a TaskWriter the pane still shows them.
type openTasksSource interface {
	MyOpenTasks(ctx context.Context) ([]book.Task, error)
}

// taskWrittenMsg is how completing or rescheduling task id went.
type taskWrittenMsg struct {
	id   string
	what string // "completed", "rescheduled to Mon 2 Jan"
	res  WriteResult
	err  error
}

// tasksPane returns the tasks pane, or nil when it is not registered.
func (m *Model) tasksPane() *views.Tasks {
	if t := m.tab(views.TasksPane); t != nil {
		p, _ := t.pane.(*views.Tasks)
		return p
	}
	return nil
}

// tasksUpdate handles the tasks pane's requests and results, and reads
// the tasks again after every read of the cache; ok is false for other
// messages.
func (m *Model) tasksUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case dataLoadedMsg:
		cmd := m.dataLoaded(msg)
		if msg.seq == m.loadSeq && msg.err == nil && msg.opps != nil {
			cmd = tea.Batch(cmd, m.loadTasks())
		}
		return cmd, true
	case views.TaskCompleteMsg:
		return m.writeTask(msg.ID, "completed", func(ctx context.Context, w TaskWriter) (WriteResult, error) {
			return w.Complete(ctx, msg.ID)
		}), true
	case views.TaskRescheduleMsg:
		what := "due date cleared"
		if !msg.Due.IsZero() {
			what = "rescheduled to " + msg.Due.Format("Mon 2 Jan")
		}
		return m.writeTask(msg.ID, what, func(ctx context.Context, w TaskWriter) (WriteResult, error) {
			return w.Reschedule(ctx, msg.ID, msg.Due)
		}), true
	case taskWrittenMsg:
		return m.taskWritten(msg), true
	}
	return nil, false
}

// loadTasks reads the user's tasks in a command, masked in redacted mode.
func (m *Model) loadTasks() tea.Cmd {
	p := m.tasksPane()
	if p == nil {
		return nil
	}
	seq, life, w, masker := p.NextSeq(), m.life, m.deps.Tasks, m.deps.Redact
	src, _ := m.find.raw.(openTasksSource)
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		var tasks []book.Task
		var states map[string]views.WriteState
		var err error
		switch {
		case w != nil:
			tasks, states, err = w.MyTasks(ctx)
		case src != nil:
			tasks, err = src.MyOpenTasks(ctx)
		default:
			err = fmt.Errorf("tasks are not available here")
		}
		if err != nil {
			return views.TasksLoadedMsg{Seq: seq, Err: fmt.Errorf("read the tasks: %w", err)}
		}
		if masker.On() {
			for i := range tasks {
				t := &tasks[i]
				t.Subject, t.WhoName = masker.Text(t.Subject), masker.Person(t.WhoName)
			}
		}
		return views.TasksLoadedMsg{Seq: seq, Tasks: tasks, States: states}
	})
}

// writeTask runs a write of task id in a command.
func (m *Model) writeTask(id, what string, do func(context.Context, TaskWriter) (WriteResult, error)) tea.Cmd {
	w, life := m.deps.Tasks, m.life
	if w == nil {
		return m.writesOff()
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(life, writeTimeout)
		defer cancel()
		res, err := do(ctx, w)
		if err != nil {
			err = fmt.Errorf("task %s not %s: %w", id, what, err)
		}
		return taskWrittenMsg{id: id, what: what, res: res, err: err}
	}
}

// taskWritten says how a task's write went and reads the tasks (and the
// open detail views) again: a queued completion stays listed with its
// pending mark until it is sent.
func (m *Model) taskWritten(msg taskWrittenMsg) tea.Cmd {
	switch {
	case msg.err != nil && !msg.res.Queued:
		return m.flashError(msg.err)
	case !msg.res.Queued:
		text := refusal(msg.res)
		if msg.res.Field != "" {
			text = msg.res.Field + ": " + text
		}
		return m.setFlash(flashMsg{level: flashError, text: "task not changed: " + text})
	}
	flash := flashMsg{text: "task " + msg.what + queuedOrSent(msg.res)}
	if msg.err != nil {
		flash = flashMsg{level: flashWarn, text: msg.err.Error()}
	} else if msg.res.Message != "" {
		flash = flashMsg{level: flashWarn, text: "task " + msg.what + " · queued; the org said: " + msg.res.Message}
	}
	return tea.Batch(m.setFlash(flash), m.loadTasks(), m.afterWrite(false))
}

// findTaskKey opens the task or call form on the record selected in the
// find view (its Task and Call keys); ok is false for any other key.
func (m *Model) findTaskKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := &m.keys.Find
	call := key.Matches(msg, k.Call)
	if !call && !key.Matches(msg, k.Task) {
		return nil, false
	}
	f, ok := m.find.view.Selected()
	if !ok {
		return nil, true
	}
	home, known := kindPanes[f.Kind]
	switch {
	case !known:
		return nil, true
	case f.NotCached:
		return m.setFlash(flashMsg{level: flashWarn, text: "open it first (enter): it is not in the cache yet"}), true
	case m.deps.Writer == nil:
		return m.writesOff(), true
	}
	m.find.open = false
	m.find.view.Blur()
	return m.loadForm(writeTarget{kind: home.kind, id: f.ID}, call), true
}
