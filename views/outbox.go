package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// OutboxPane names the outbox view.
const OutboxPane PaneID = "Outbox"

// OutboxEntry is one write in the outbox, as the view shows it.
type OutboxEntry struct {
	ID         string // the outbox entry's id
	Operation  string // "update", "create", "delete"
	Object     string // "Opportunity", "Task", …
	RecordID   string
	RecordName string
	Fields     []string // the fields the write changes
	State      WriteState
	Error      string // why it failed or conflicted
	Queued     time.Time
	// Conflict is the field-by-field comparison of a conflicted update:
	// what the user wrote and what the server has now.
	Conflict []ConflictField
}

// ConflictField is one field of a conflicted write.
type ConflictField struct {
	Field  string
	Mine   string
	Theirs string
}

// Resolution is what the user chose for a conflict.
type Resolution int

const (
	// ApplyMine sends the user's values anyway, over the server's.
	ApplyMine Resolution = iota
	// KeepTheirs drops the write and keeps the server's values.
	KeepTheirs
)

// String names the resolution.
func (r Resolution) String() string { return [...]string{"apply mine anyway", "keep theirs"}[r] }

// OutboxRetryMsg asks the root to push an entry again.
type OutboxRetryMsg struct{ ID string }

// OutboxEditMsg asks the root to open the entry's write in its form, to
// change it and queue it again.
type OutboxEditMsg struct{ ID string }

// OutboxDiscardMsg asks the root to drop an entry (the user confirmed);
// the cache gets the server's version back.
type OutboxDiscardMsg struct{ ID string }

// OutboxResolveMsg is the user's choice for a conflicted entry.
type OutboxResolveMsg struct {
	ID         string
	Resolution Resolution
}

// OutboxClosedMsg says the user left the outbox view.
type OutboxClosedMsg struct{}

type outboxMode int

const (
	outboxList outboxMode = iota
	outboxConfirmDiscard
	outboxConflict
)

// String names the mode.
func (m outboxMode) String() string {
	switch m {
	case outboxConfirmDiscard:
		return "confirm discard"
	case outboxConflict:
		return "conflict"
	}
	return "list"
}

// conflictChoices are the choices of the conflict view, in order.
var conflictChoices = []string{"apply mine anyway", "keep theirs", "edit"}

// Outbox lists the writes in the outbox with the error of each failed
// one, and lets the user retry, edit, discard or resolve a conflict. It is
// a pure view: entries come through SetEntries, actions leave as messages.
type Outbox struct {
	ctx     *Context
	entries []OutboxEntry
	cursor  int
	offset  int
	mode    outboxMode
	choice  int // highlighted conflict choice
	paneFocus
	width  int
	height int
}

var _ Pane = (*Outbox)(nil)

// NewOutbox returns an empty outbox view.
func NewOutbox(ctx *Context) *Outbox { return &Outbox{ctx: ctx} }

// SetEntries replaces the entries shown (oldest first, as they will be
// pushed), keeping the cursor on the same entry when it is still there.
// A conflict view whose entry is gone (or no longer in conflict) closes.
func (o *Outbox) SetEntries(es []OutboxEntry) {
	keep := ""
	if e, ok := o.Selected(); ok {
		keep = e.ID
	}
	o.entries = es
	o.cursor = clamp(o.cursor, len(es))
	for i, e := range es {
		if e.ID == keep {
			o.cursor = i
		}
	}
	if e, ok := o.Selected(); !ok || e.ID != keep || (o.mode == outboxConflict && e.State != WriteConflict) {
		o.mode = outboxList
	}
}

// Selected returns the entry under the cursor.
func (o *Outbox) Selected() (OutboxEntry, bool) {
	if o.cursor < 0 || o.cursor >= len(o.entries) {
		return OutboxEntry{}, false
	}
	return o.entries[o.cursor], true
}

// Mode returns "list", "confirm discard" or "conflict".
func (o *Outbox) Mode() string { return o.mode.String() }

// SetSize implements Pane.
func (o *Outbox) SetSize(w, h int) { o.width, o.height = w, h }

// Capturing implements Pane: while a question is asked, y/n are the
// view's.
func (o *Outbox) Capturing() bool { return o.mode != outboxList }

// Update implements Pane.
func (o *Outbox) Update(msg tea.Msg) (Pane, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return o, nil
	}
	k := &o.ctx.Keys.Outbox
	e, has := o.Selected()
	switch o.mode {
	case outboxConfirmDiscard:
		switch {
		case key.Matches(kp, k.Yes):
			o.mode = outboxList
			return o, requestCmd(OutboxDiscardMsg{ID: e.ID})
		case key.Matches(kp, k.No), key.Matches(kp, k.Back):
			o.mode = outboxList
		}
		return o, nil
	case outboxConflict:
		switch {
		case key.Matches(kp, k.Back):
			o.mode = outboxList
		case key.Matches(kp, k.Left):
			o.choice = clamp(o.choice-1, len(conflictChoices))
		case key.Matches(kp, k.Right):
			o.choice = clamp(o.choice+1, len(conflictChoices))
		case key.Matches(kp, k.ApplyMine):
			return o, o.resolve(e, 0)
		case key.Matches(kp, k.KeepTheirs):
			return o, o.resolve(e, 1)
		case key.Matches(kp, k.Edit):
			return o, o.resolve(e, 2)
		case key.Matches(kp, k.Open):
			return o, o.resolve(e, o.choice)
		}
		return o, nil
	}
	switch {
	case key.Matches(kp, k.Back):
		return o, requestCmd(OutboxClosedMsg{})
	case key.Matches(kp, k.Up):
		o.cursor = clamp(o.cursor-1, len(o.entries))
	case key.Matches(kp, k.Down):
		o.cursor = clamp(o.cursor+1, len(o.entries))
	case key.Matches(kp, k.Top):
		o.cursor = 0
	case key.Matches(kp, k.Bottom):
		o.cursor = clamp(len(o.entries)-1, len(o.entries))
	case !has:
	case key.Matches(kp, k.Open):
		if e.State == WriteConflict {
			o.mode, o.choice = outboxConflict, 0
		}
	case key.Matches(kp, k.Retry):
		if e.State == WriteFailed || e.State == WriteConflict || e.State == WritePending {
			return o, requestCmd(OutboxRetryMsg{ID: e.ID})
		}
	case key.Matches(kp, k.Edit):
		if e.State != WriteSent {
			return o, requestCmd(OutboxEditMsg{ID: e.ID})
		}
	case key.Matches(kp, k.Discard):
		if e.State != WriteSent {
			o.mode = outboxConfirmDiscard
		}
	}
	return o, nil
}

// resolve takes conflict choice i (see conflictChoices) for e.
func (o *Outbox) resolve(e OutboxEntry, i int) tea.Cmd {
	o.mode = outboxList
	switch i {
	case 0:
		return requestCmd(OutboxResolveMsg{ID: e.ID, Resolution: ApplyMine})
	case 1:
		return requestCmd(OutboxResolveMsg{ID: e.ID, Resolution: KeepTheirs})
	}
	return requestCmd(OutboxEditMsg{ID: e.ID})
}

// View implements Pane.
func (o *Outbox) View() string {
	if o.width <= 0 || o.height <= 0 {
		return ""
	}
	if o.mode == outboxConflict {
		return o.conflictView()
	}
	st := o.ctx.Styles
	w := o.width
	counts := map[WriteState]int{}
	for _, e := range o.entries {
		counts[e.State]++
	}
	summary := fmt.Sprintf("%d pending · %d failed · %d conflict", counts[WritePending], counts[WriteFailed], counts[WriteConflict])
	lines := []string{st.Title.Render(fit("Outbox", w)), st.Muted.Render(fit(summary, w)), ""}
	// footer: a blank line, the question or the help
	rows := max(1, o.height-len(lines)-2)
	if len(o.entries) == 0 {
		lines = append(lines, st.Muted.Render(fit("Nothing waits to be sent: every write reached the org.", w)))
	} else {
		lines = append(lines, o.rows(w, rows)...)
	}
	body := padLines(strings.Join(lines, "\n"), w, o.height-2)
	foot := st.Muted.Render(fit(helpLine(o.ShortHelp(), w), w))
	if o.mode == outboxConfirmDiscard {
		e, _ := o.Selected()
		foot = st.Warn.Render(fit(fmt.Sprintf("Discard this %s of %s? The cache gets the server's version back. y/n", Sanitize(e.Operation), Sanitize(e.RecordName)), w))
	}
	return body + "\n" + strings.Repeat(" ", w) + "\n" + foot
}

// rows renders the entries around the cursor, each with its error under
// it, in at most n lines.
func (o *Outbox) rows(w, n int) []string {
	st := o.ctx.Styles
	// each entry takes one line, two with an error: window by entries,
	// counting lines
	height := func(e OutboxEntry) int {
		if e.Error != "" && (e.State == WriteFailed || e.State == WriteConflict) {
			return 2
		}
		return 1
	}
	if o.cursor < o.offset {
		o.offset = o.cursor
	}
	for {
		used := 0
		for i := o.offset; i <= o.cursor; i++ {
			used += height(o.entries[i])
		}
		if used <= n || o.offset >= o.cursor {
			break
		}
		o.offset++
	}
	queuedW, opW := 11, 20
	nameW := max(8, (w-MarkWidth-queuedW-opW-4)/2)
	fieldsW := max(1, w-MarkWidth-queuedW-opW-nameW-4)
	var out []string
	for i := o.offset; i < len(o.entries) && len(out) < n; i++ {
		e := o.entries[i]
		mark := fitStyled(WriteMark(st, e.State), MarkWidth)
		op := Sanitize(e.Operation) + " " + Sanitize(e.Object)
		rest := " " + fit(Ago(o.ctx.Now().Sub(e.Queued)), queuedW) + " " + fit(op, opW) + " " +
			fit(e.RecordName, nameW) + " " + fit(strings.Join(e.Fields, ", "), fieldsW)
		row := mark + rest
		if i == o.cursor {
			row = st.Selected.Render(fitStyled(e.State.Glyph()+" "+e.State.String(), MarkWidth) + rest)
		}
		out = append(out, fitStyled(row, w))
		if height(e) == 2 && len(out) < n {
			out = append(out, strings.Repeat(" ", MarkWidth+1)+st.Error.Render(fit("└ "+e.Error, w-MarkWidth-1)))
			// NOTE: one line per error keeps the windowing simple; the
			// whole text is in the conflict view and `lazyforce outbox`.
		}
	}
	return out
}

// conflictView shows mine and the server's values side by side, field by
// field, and the three choices.
func (o *Outbox) conflictView() string {
	st := o.ctx.Styles
	w := o.width
	e, _ := o.Selected()
	lines := []string{
		st.Title.Render(fit("Conflict · "+Sanitize(e.Operation)+" "+Sanitize(e.Object)+" "+Sanitize(e.RecordName), w)),
		st.Warn.Render(fit("The record changed on the server after you edited it. Nothing was overwritten.", w)),
	}
	if e.Error != "" {
		lines = append(lines, st.Muted.Render(fit(e.Error, w)))
	}
	lines = append(lines, "")
	fieldW := min(24, max(8, w/5))
	colW := max(1, (w-fieldW-4)/2)
	lines = append(lines, st.Header.Render(fit("Field", fieldW)+"  "+fit("Mine", colW)+"  "+fit("Theirs (server now)", colW)))
	for _, c := range e.Conflict {
		mine := fit(c.Mine, colW)
		theirs := fit(c.Theirs, colW)
		if c.Mine != c.Theirs {
			mine, theirs = st.Success.Render(mine), st.Warn.Render(theirs)
		} else {
			mine, theirs = st.Muted.Render(mine), st.Muted.Render(theirs)
		}
		lines = append(lines, st.Text.Render(fit(c.Field, fieldW))+"  "+mine+"  "+theirs)
	}
	lines = append(lines, "")
	var cs []string
	for i, c := range conflictChoices {
		// the arrow marks the choice without colour too
		if i == o.choice {
			cs = append(cs, st.ChipActive.Render("› "+c))
		} else {
			cs = append(cs, st.Chip.Render("  "+c))
		}
	}
	lines = append(lines, fitStyled(strings.Join(cs, " "), w))
	body := padLines(strings.Join(lines, "\n"), w, o.height-2)
	return body + "\n" + strings.Repeat(" ", w) + "\n" + st.Muted.Render(fit(helpLine(o.ShortHelp(), w), w))
}

// ShortHelp implements help.KeyMap.
func (o *Outbox) ShortHelp() []key.Binding {
	k := &o.ctx.Keys.Outbox
	switch o.mode {
	case outboxConfirmDiscard:
		return []key.Binding{k.Yes, k.No}
	case outboxConflict:
		return []key.Binding{k.ApplyMine, k.KeepTheirs, k.Edit, k.Left, k.Right, k.Open, k.Back}
	}
	bs := []key.Binding{k.Up, k.Down}
	if e, ok := o.Selected(); ok {
		if e.State == WriteConflict {
			bs = append(bs, k.Open)
		}
		if e.State != WriteSent {
			bs = append(bs, k.Retry, k.Edit, k.Discard)
		}
	}
	return append(bs, k.Back)
}

// FullHelp implements help.KeyMap.
func (o *Outbox) FullHelp() [][]key.Binding {
	k := &o.ctx.Keys.Outbox
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom},
		{k.Open, k.Retry, k.Edit, k.Discard, k.Back},
		{k.ApplyMine, k.KeepTheirs, k.Left, k.Right},
	}
}
