package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/views"
)

// RecordEditor edits and creates records from their cached describe,
// through the same validation, outbox and push as every other write.
// Every method is called from a tea.Cmd with the app's context, may be
// slow (a push goes to the org) and must be safe for concurrent use.
type RecordEditor interface {
	// FormFor returns the form for record id of object: the fields the
	// user may edit, with their values. id "" is a new record: its
	// required fields, and a lookup to from's account when from (the
	// record the user is on: an account, or a record on one) is set.
	FormFor(ctx context.Context, object, id, from string) (views.RecordFormInput, error)
	// Save validates, queues and (online) pushes the values of an edit
	// (id set) or a create. Refusals (local checks or the org's) come
	// back in EditResult.Errors with nothing queued; an error is for
	// everything else.
	Save(ctx context.Context, object, id string, fields map[string]any) (EditResult, error)
}

// EditResult is how an edit or create went: Queued (in the outbox, and
// in the cache as pending), Pushed (the org has it), ID the record's Id
// (a create's placeholder until pushed), or the per-field refusals.
type EditResult struct {
	Queued bool
	Pushed bool
	// Conflict: the record changed on the server since the cached copy;
	// nothing was overwritten, the outbox view settles it.
	Conflict bool
	ID       string
	Errors   []FieldRefusal
}

// FieldRefusal is one refused value; Field "" is the record as a whole.
type FieldRefusal struct{ Field, Message string }

// edits is the root's state of the record form.
type edits struct {
	form   *views.RecordForm // open, or nil
	saving bool
}

// recordFormLoadedMsg carries the record form's input.
type recordFormLoadedMsg struct {
	in  views.RecordFormInput
	err error
}

// recordSavedMsg is how saving the record form went.
type recordSavedMsg struct {
	object, id string
	res        EditResult
	err        error
}

// objectOf names the object of a record kind.
func objectOf(k views.RecordKind) string {
	return [...]string{"Account", "Opportunity", "Contact", "Lead"}[k]
}

// editKey handles e (edit what is shown or selected) and n (a new record
// of the pane's type); ok is false for any other key.
func (m *Model) editKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	w, target, ok := m.writeKeys()
	if !ok || !(key.Matches(msg, w.Edit) || key.Matches(msg, w.New)) {
		return nil, false
	}
	if m.deps.Editor == nil {
		return m.setFlash(flashMsg{level: flashWarn, text: "editing records is not available here"}), true
	}
	if key.Matches(msg, w.Edit) {
		if target.id == "" {
			return m.setFlash(flashMsg{level: flashWarn, text: "no record selected"}), true
		}
		return m.loadRecordForm(objectOf(target.kind), target.id, ""), true
	}
	// n: an account from the accounts list; else a record on the account
	// the user is on: an opportunity, or a contact from a contact (or a
	// contact row of an account's detail).
	object, from := "Opportunity", target.id
	switch {
	case m.focused().detail == nil && target.kind == views.AccountRecord:
		object, from = "Account", ""
	case target.kind == views.ContactRecord:
		object = "Contact"
	case target.kind == views.LeadRecord:
		object, from = "Lead", ""
	}
	if d := m.focused().detail; d != nil {
		if kind, _, ok := d.Selected(); ok && kind == views.ContactRecord {
			object = "Contact"
		}
	}
	return m.loadRecordForm(object, "", from), true
}

// loadRecordForm reads the record form's input.
func (m *Model) loadRecordForm(object, id, from string) tea.Cmd {
	ed, life := m.deps.Editor, m.life
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		in, err := ed.FormFor(ctx, object, id, from)
		if err != nil {
			err = fmt.Errorf("prepare the form: %w", err)
		}
		return recordFormLoadedMsg{in: in, err: err}
	})
}

// updateEdits handles the record form's messages; ok is false for any
// other message.
func (m *Model) updateEdits(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case recordFormLoadedMsg:
		if msg.err != nil {
			return m.flashError(msg.err), true
		}
		m.edit.form = views.NewRecordForm(m.ctx, msg.in)
		m.openOverlay(m.edit.form)
		return nil, true
	case views.RecordCancelledMsg:
		m.edit.form = nil
		return nil, true
	case views.RecordSubmittedMsg:
		if m.edit.saving {
			return nil, true
		}
		m.edit.saving = true
		ed, life := m.deps.Editor, m.life
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(life, writeTimeout)
			defer cancel()
			res, err := ed.Save(ctx, msg.Object, msg.ID, msg.Fields)
			return recordSavedMsg{object: msg.Object, id: msg.ID, res: res, err: err}
		}, true
	case recordSavedMsg:
		return m.recordSaved(msg), true
	}
	return nil, false
}

// recordSaved closes the form once the write is queued, or shows the
// refusals next to their fields with the form still open.
func (m *Model) recordSaved(msg recordSavedMsg) tea.Cmd {
	m.edit.saving = false
	f := m.edit.form
	open := f != nil && f.Object() == msg.object && f.ID() == msg.id
	if msg.err != nil && msg.res.Queued {
		// Queued, but the push failed: the outbox keeps it.
		if open {
			m.edit.form = nil
		}
		return tea.Batch(m.setFlash(flashMsg{level: flashWarn, text: msg.object + " queued: " + msg.err.Error()}), m.afterWrite(true))
	}
	if msg.err != nil || !msg.res.Queued {
		text := "not saved"
		if msg.err != nil {
			text = msg.err.Error()
		}
		if !open {
			for _, r := range msg.res.Errors {
				text += "; " + r.Field + ": " + r.Message
			}
			return m.setFlash(flashMsg{level: flashError, text: text})
		}
		if msg.err != nil {
			f.SetError("", text)
		}
		// The first refused field gets the cursor: set it last.
		for i := len(msg.res.Errors) - 1; i >= 0; i-- {
			f.SetError(msg.res.Errors[i].Field, msg.res.Errors[i].Message)
		}
		return nil
	}
	if open {
		m.edit.form = nil
	}
	what := msg.object + " saved"
	if msg.id == "" {
		what = "new " + msg.object + " saved"
	}
	switch {
	case msg.res.Conflict:
		return tea.Batch(m.setFlash(flashMsg{level: flashWarn, text: msg.object + " changed on the server since your copy: nothing was overwritten; :outbox compares them"}), m.afterWrite(true))
	case msg.res.Pushed:
		what += " · sent"
	default:
		what += " · queued"
	}
	return tea.Batch(m.setFlash(flashMsg{text: what}), m.afterWrite(true))
}

// editOver draws the record form over the focused pane, whose lines show
// around the box.
func (m *Model) editOver(w int) string {
	return drawOver(m.focused().shown().View(), m.edit.form.View(), w)
}

// editHelp returns e and n for the full help when an Editor is set.
func (m *Model) editHelp() []key.Binding {
	w, _, ok := m.writeKeys()
	if !ok || m.deps.Editor == nil {
		return nil
	}
	return []key.Binding{w.Edit, w.New}
}
