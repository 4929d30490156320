package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/olebedev/when"
)

// fieldOf is a form's field type F, as a pointer: its formField and what
// it holds now.
type fieldOf[F any] interface {
	*F
	base() *formField
	current() string
}

// base implements fieldOf.
func (f *formField) base() *formField { return f }

// current implements fieldOf: what the field holds.
func (f *formField) current() string { return f.value() }

// form is what the record and task forms share: the fields and the focus
// among them, the errors, the discard question and the size.
type form[F any, P fieldOf[F]] struct {
	ctx        *Context
	fields     []F
	focus      int // index into fields; never a fixed field
	errs       map[string]string
	general    string
	confirming bool // "discard what you typed?"
	paneFocus
	width  int
	height int
	parser *when.Parser // nil until a date needs it
}

// field returns field i's formField.
func (f *form[F, P]) field(i int) *formField { return P(&f.fields[i]).base() }

// SetError shows an error next to the field it names (any other, or "",
// under the form) and moves the cursor there, keeping what was typed.
func (f *form[F, P]) SetError(field, msg string) {
	msg = Sanitize(msg)
	for i := range f.fields {
		if fl := f.field(i); strings.EqualFold(fl.name, field) {
			f.errs[fl.name] = msg
			if fl.kind != fixedField {
				f.setFocus(i)
			}
			return
		}
	}
	f.general = msg
}

// Dirty reports whether the user changed anything since the form opened.
func (f *form[F, P]) Dirty() bool {
	for i := range f.fields {
		if fl := f.field(i); fl.kind != fixedField && P(&f.fields[i]).current() != fl.initial {
			return true
		}
	}
	return false
}

// SetSize implements Pane.
func (f *form[F, P]) SetSize(w, h int) { f.width, f.height = w, h }

// Capturing implements Pane: an open form has every key.
func (f *form[F, P]) Capturing() bool { return true }

func (f *form[F, P]) setFocus(i int) tea.Cmd {
	if cur := f.field(f.focus); cur.kind == textField {
		cur.input.Blur()
	}
	f.focus = i
	if next := f.field(i); next.kind == textField {
		next.input.CursorEnd()
		return next.input.Focus()
	}
	return nil
}

// move goes to the next (+1) or previous (-1) editable field, wrapping.
func (f *form[F, P]) move(dir int) tea.Cmd {
	n := len(f.fields)
	i := f.focus
	for range n {
		i = (i + dir + n) % n
		if f.field(i).kind != fixedField {
			return f.setFocus(i)
		}
	}
	return nil
}

// last reports whether the focus is on the last editable field.
func (f *form[F, P]) last() bool {
	for i := f.focus + 1; i < len(f.fields); i++ {
		if f.field(i).kind != fixedField {
			return false
		}
	}
	return true
}

// answer handles msg while "discard what you typed?" is asked, and
// reports whether it is: yes discards the form (the root is told
// cancelled), no or cancel goes back to it, anything else is dropped.
func (f *form[F, P]) answer(msg tea.Msg, cancelled tea.Msg) (tea.Cmd, bool) {
	if !f.confirming {
		return nil, false
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, true
	}
	k := &f.ctx.Keys.Forms
	switch {
	case key.Matches(kp, k.Yes):
		f.confirming = false
		return requestCmd(cancelled), true
	case key.Matches(kp, k.No), key.Matches(kp, k.Cancel):
		f.confirming = false
	}
	return nil, true
}

// widths lays a form out in a box of up to want cells (see boxWidths):
// the box's outer and inner widths, and those of the label column (up to
// labelMax, a third of the box at most) and of the value column.
func (f *form[F, P]) widths(want, labelMax int) (bw, inner, labelW, valueW int) {
	bw, inner = boxWidths(f.ctx.Styles, f.width, want)
	labelW = min(labelMax, inner/3)
	return bw, inner, labelW, max(1, inner-labelW-2)
}

// keyPress handles what every form handles before its own keys: the
// discard question (see answer; cancelled is what the root is told) and
// a paste, which typed types into a focused text field. It returns the
// key for the form's own keys; isKey is false when msg was handled or is
// no key, and cmd is then the result.
func (f *form[F, P]) keyPress(msg, cancelled tea.Msg, typed func(cur P, msg tea.Msg) tea.Cmd) (kp tea.KeyPressMsg, cmd tea.Cmd, isKey bool) {
	if cmd, asked := f.answer(msg, cancelled); asked {
		return kp, cmd, false
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if cur := P(&f.fields[f.focus]); cur.base().kind == textField {
			return kp, typed(cur, msg), false
		}
	case tea.KeyPressMsg:
		return msg, nil, true
	}
	return kp, nil, false
}

// moveKey handles the keys that save or go from field to field: save
// (submit), next, previous, and submit, which on the last field saves. It
// reports whether kp was one of them.
func (f *form[F, P]) moveKey(kp tea.KeyPressMsg, submit func() tea.Cmd) (tea.Cmd, bool) {
	k := &f.ctx.Keys.Forms
	switch {
	case key.Matches(kp, k.Save):
		return submit(), true
	case key.Matches(kp, k.Next):
		return f.move(1), true
	case key.Matches(kp, k.Prev):
		return f.move(-1), true
	case key.Matches(kp, k.Submit):
		if f.last() {
			return submit(), true
		}
		return f.move(1), true
	}
	return nil, false
}

// cancel closes the form (the root is told cancelled), asking first when
// something was typed.
func (f *form[F, P]) cancel(cancelled tea.Msg) tea.Cmd {
	if f.Dirty() {
		f.confirming = true
		return nil
	}
	return requestCmd(cancelled)
}

// updateChoice cycles a choice with ←/→, or jumps to the next choice that
// starts with the typed letter.
func (f *form[F, P]) updateChoice(cur *formField, msg tea.KeyPressMsg) {
	k := &f.ctx.Keys.Forms
	n := len(cur.choices)
	if n == 0 {
		return
	}
	switch {
	case key.Matches(msg, k.PrevValue):
		cur.choice = (cur.choice - 1 + n) % n
	case key.Matches(msg, k.NextValue):
		cur.choice = (cur.choice + 1) % n
	case msg.Text != "":
		t := strings.ToLower(msg.Text)
		for j := 1; j <= n; j++ {
			c := (cur.choice + j) % n
			if strings.HasPrefix(strings.ToLower(Sanitize(cur.choices[c].label)), t) {
				cur.choice = c
				return
			}
		}
	}
}

// fieldLine is field i's line: its label in labelW+2 cells (marked when
// focused), then its value.
func (f *form[F, P]) fieldLine(i int, label string, labelW int, value string) string {
	st := f.ctx.Styles
	cur, labelStyle := "  ", st.Muted
	if i == f.focus {
		cur, labelStyle = "› ", st.Prompt
	}
	return labelStyle.Render(fit(cur+label, labelW+2)) + value
}

// fieldErrors are the lines of field name's error, under its value.
func (f *form[F, P]) fieldErrors(name string, labelW, valueW int) []string {
	var lines []string
	if msg := f.errs[name]; msg != "" {
		for _, e := range errorLines(f.ctx.Styles.Error, msg, valueW) {
			lines = append(lines, strings.Repeat(" ", labelW+2)+e)
		}
	}
	return lines
}

// foot is the form's last lines, inner cells wide: its own error, then
// the discard question or its keys.
func (f *form[F, P]) foot(inner int) []string {
	st := f.ctx.Styles
	var foot []string
	if f.general != "" {
		foot = append(foot, "")
		foot = append(foot, errorLines(st.Error, f.general, inner)...)
	}
	foot = append(foot, "")
	if f.confirming {
		return append(foot, st.Warn.Render(fit("Discard what you typed? y/n", inner)))
	}
	return append(foot, st.Muted.Render(fit(helpLine(f.ShortHelp(), inner), inner)))
}

// valueCell renders a fixed or choice field's value cell, exactly w
// cells wide; ok is false for a text field (see inputCell).
func (f *form[F, P]) valueCell(fl *formField, focused bool, w int) (string, bool) {
	st := f.ctx.Styles
	switch fl.kind {
	case fixedField:
		return st.Muted.Render(fit(fl.fixed, w)), true
	case choiceField:
		label := ""
		if fl.choice < len(fl.choices) {
			label = fl.choices[fl.choice].label
		}
		if focused {
			return st.Text.Render(fit("‹ "+Sanitize(label)+" ›", w)), true
		}
		return st.Text.Render(fit("  "+Sanitize(label), w)), true
	}
	return "", false
}

// inputCell renders a text field's input, exactly w cells wide, followed
// by hint (if any) in style hs.
func inputCell(fl *formField, w int, hint string, hs lipgloss.Style) string {
	hintW := 0
	if hint != "" {
		hintW = min(w/2, lipgloss.Width(hint)+1)
	}
	fl.input.SetWidth(max(1, w-hintW-1))
	out := fitStyled(fl.input.View(), w-hintW)
	if hintW > 0 {
		out += hs.Render(fit(" "+hint, hintW))
	}
	return out
}

// ShortHelp implements help.KeyMap.
func (f *form[F, P]) ShortHelp() []key.Binding {
	k := &f.ctx.Keys.Forms
	if f.confirming {
		return []key.Binding{k.Yes, k.No}
	}
	bs := []key.Binding{k.Next, k.Prev, k.Save, k.Cancel}
	if len(f.fields) > 0 && f.field(f.focus).kind == choiceField {
		bs = append(bs, k.PrevValue, k.NextValue)
	}
	return bs
}

// FullHelp implements help.KeyMap.
func (f *form[F, P]) FullHelp() [][]key.Binding {
	k := &f.ctx.Keys.Forms
	return [][]key.Binding{{k.Next, k.Prev, k.Submit}, {k.Save, k.Cancel}, {k.PrevValue, k.NextValue}}
}
