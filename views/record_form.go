package views

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// RecordFieldKind is the input a record form gives a field.
type RecordFieldKind int

const (
	RecordText     RecordFieldKind = iota // text, with the field's length limit
	RecordNumber                          // int, double, currency, percent
	RecordDate                            // a date as a rep types it (today, fri, +3d, 2026-12-01)
	RecordCheckbox                        // true or false, toggled
	RecordPicklist                        // one of the record type's values (dependent: those valid for the controller's)
	RecordLookup                          // another record, picked from the cached ones by name
)

// String names the kind.
func (k RecordFieldKind) String() string {
	return [...]string{"text", "number", "date", "checkbox", "picklist", "lookup"}[k]
}

// RecordOption is a picklist value or a lookup's candidate record.
type RecordOption struct {
	Value string // the picklist value, or the record's Id
	Label string // shown; Value when empty
	// ValidFor are the controlling field's values this dependent picklist
	// value is valid for (nil: independent).
	ValidFor []string
}

func (o RecordOption) label() string {
	if o.Label != "" {
		return o.Label
	}
	return o.Value
}

// RecordField is one field of a record form, from the cached describe.
type RecordField struct {
	Name     string // API name
	Label    string
	Kind     RecordFieldKind
	Type     string // the describe's type (currency, percent, email, …), shown as a hint
	Length   int    // text: at most this many characters (0: no limit)
	Required bool   // cannot be left empty
	// Value is the record's value as text: a date as 2006-01-02, a
	// checkbox "true" or "false", a lookup the record's Id.
	Value string
	// ValueLabel is a lookup's current record's name.
	ValueLabel string
	// Options are a picklist's values (of the record's record type) or a
	// lookup's candidates.
	Options []RecordOption
	// Controller is a dependent picklist's controlling field.
	Controller string
}

// RecordFormInput is what the record form shows: a record to edit (ID
// set) or to create (ID "").
type RecordFormInput struct {
	Object string // API name: Account, Contact, Opportunity, …
	ID     string
	Name   string // the record's name, for the title
	Fields []RecordField
}

// RecordSubmittedMsg asks the app to validate, queue and push a record's
// changed values (an edit) or its values (a create). A value is a string
// (text, number, date as 2006-01-02, picklist, Id), a bool (checkbox) or
// nil (cleared).
type RecordSubmittedMsg struct {
	Object string
	ID     string
	Fields map[string]any
}

// RecordCancelledMsg says the record form was closed without saving.
type RecordCancelledMsg struct{ Object, ID string }

// recordField is a form field and its editing state.
type recordField struct {
	RecordField
	formField // the text input (text, number, date, lookup filter) and choices (picklist, checkbox)
	// matches are a lookup's candidates matching its filter (indexes
	// into Options); pick is the highlighted one, -1 none.
	matches     []int
	pick        int
	picked      string // a lookup's chosen Id
	pickedLabel string // and its name
}

// RecordForm edits the fields of a record or fills those of a new one. It
// is a pure view: the input comes from NewRecordForm, the result leaves as
// a RecordSubmittedMsg, and refusals come back through SetError, next to
// their field with everything typed kept.
type RecordForm struct {
	form[recordField, *recordField]
	in RecordFormInput
}

var _ Pane = (*RecordForm)(nil)

// maxMatches is how many lookup candidates the picker lists.
const maxMatches = 5

// NewRecordForm returns the form for in with the cursor on its first
// field.
func NewRecordForm(ctx *Context, in RecordFormInput) *RecordForm {
	f := &RecordForm{form: form[recordField, *recordField]{ctx: ctx, errs: map[string]string{}}, in: in}
	dark := ctx.Styles.IsDark
	for _, rf := range in.Fields {
		fl := recordField{RecordField: rf, pick: -1}
		fl.name, fl.formField.label = rf.Name, rf.Label
		switch rf.Kind {
		case RecordCheckbox:
			fl.kind = choiceField
			fl.choices = []choice{{"false", "☐ no"}, {"true", "☑ yes"}}
			if rf.Value == "true" {
				fl.choice = 1
			}
			fl.initial = fl.choices[fl.choice].value
		case RecordPicklist:
			fl.kind = choiceField
			fl.initial = rf.Value
		default:
			fl.kind = textField
			placeholder := ""
			switch rf.Kind {
			case RecordDate:
				placeholder = "today, fri, +3d, 2026-12-01"
			case RecordNumber:
				placeholder = rf.Type
			case RecordLookup:
				placeholder = "type to find a record"
			}
			fl.input = NewInput("", placeholder, dark)
			if rf.Kind == RecordText && rf.Length > 0 {
				fl.input.CharLimit = rf.Length
			}
			if rf.Kind == RecordLookup {
				fl.picked, fl.pickedLabel = rf.Value, rf.ValueLabel
				fl.input.SetValue(Sanitize(rf.ValueLabel))
				fl.initial = rf.Value
			} else {
				fl.input.SetValue(rf.Value)
				fl.initial = rf.Value
			}
		}
		f.fields = append(f.fields, fl)
	}
	for i := range f.fields {
		if f.fields[i].Kind == RecordPicklist {
			f.refreshChoices(i, f.fields[i].Value)
		}
	}
	if len(f.fields) > 0 {
		f.setFocus(0)
	}
	return f
}

// refreshChoices sets picklist i's choices: its values valid for its
// controller's current value, keeping want selected when it is one of
// them (else the empty choice, or the first value of a required field).
func (f *RecordForm) refreshChoices(i int, want string) {
	fl := &f.fields[i]
	var cs []choice
	if !fl.Required {
		cs = append(cs, choice{"", "— none —"})
	}
	ctl := ""
	dependent := fl.Controller != ""
	if dependent {
		ctl = f.Value(fl.Controller)
	}
	for _, o := range fl.Options {
		if dependent && !slices.Contains(o.ValidFor, ctl) {
			continue
		}
		cs = append(cs, choice{o.Value, o.label()})
	}
	fl.choices, fl.choice = cs, 0
	for j, c := range cs {
		if c.value == want {
			fl.choice = j
		}
	}
}

// Object returns the API name of the record's object.
func (f *RecordForm) Object() string { return f.in.Object }

// ID returns the record's Id ("" for a new record).
func (f *RecordForm) ID() string { return f.in.ID }

// Fields returns the API names of the form's fields, in order.
func (f *RecordForm) Fields() []string {
	out := make([]string, len(f.fields))
	for i := range f.fields {
		out[i] = f.fields[i].Name
	}
	return out
}

// Choices returns the values a picklist field offers now ("" is none).
func (f *RecordForm) Choices(field string) []string {
	for i := range f.fields {
		if f.fields[i].Name == field {
			var out []string
			for _, c := range f.fields[i].choices {
				out = append(out, c.value)
			}
			return out
		}
	}
	return nil
}

// Focused returns the API name of the field with the cursor.
func (f *RecordForm) Focused() string {
	if len(f.fields) == 0 {
		return ""
	}
	return f.fields[f.focus].Name
}

// Error returns the error shown next to a field ("" for the form's own).
func (f *RecordForm) Error(field string) string {
	if field == "" {
		return f.general
	}
	return f.errs[field]
}

// Value returns what a field holds now: text, a picklist value, "true" or
// "false", a lookup's Id. "" for an unknown field.
func (f *RecordForm) Value(field string) string {
	for i := range f.fields {
		if f.fields[i].Name == field {
			return f.fields[i].current()
		}
	}
	return ""
}

func (fl *recordField) current() string {
	if fl.Kind == RecordLookup {
		return fl.picked
	}
	return fl.value()
}

// Update implements Pane.
func (f *RecordForm) Update(msg tea.Msg) (Pane, tea.Cmd) {
	if len(f.fields) == 0 {
		if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, f.ctx.Keys.Forms.Cancel) {
			return f, requestCmd(RecordCancelledMsg{Object: f.in.Object, ID: f.in.ID})
		}
		return f, nil
	}
	cancelled := RecordCancelledMsg{Object: f.in.Object, ID: f.in.ID}
	kp, cmd, isKey := f.keyPress(msg, cancelled, f.typed)
	if !isKey {
		return f, cmd
	}
	k := &f.ctx.Keys.Forms
	cur := &f.fields[f.focus]
	switch {
	case key.Matches(kp, k.Cancel):
		if cur.Kind == RecordLookup && cur.matches != nil {
			cur.matches, cur.pick = nil, -1 // close the picker first
			return f, nil
		}
		return f, f.cancel(cancelled)
	case key.Matches(kp, k.Submit) && cur.Kind == RecordLookup && cur.pick >= 0:
		f.choose(cur)
		return f, nil
	}
	if cmd, ok := f.moveKey(kp, f.submit); ok {
		return f, cmd
	}
	switch {
	case cur.kind == choiceField:
		before := cur.value()
		if cur.Kind == RecordCheckbox && kp.String() == "space" {
			cur.choice = 1 - cur.choice
		} else {
			f.updateChoice(&cur.formField, kp)
		}
		if cur.value() != before {
			delete(f.errs, cur.Name)
			f.controllerChanged(cur.Name)
		}
	case cur.Kind == RecordLookup && (kp.Code == tea.KeyDown || kp.Code == tea.KeyUp):
		if n := len(cur.matches); n > 0 {
			step := 1
			if kp.Code == tea.KeyUp {
				step = -1
			}
			cur.pick = (cur.pick + step + n) % n
		}
	case cur.kind == textField:
		return f, f.typed(cur, kp)
	}
	return f, nil
}

// controllerChanged narrows the dependent picklists of field name to the
// values valid for its new value.
func (f *RecordForm) controllerChanged(name string) {
	for i := range f.fields {
		if f.fields[i].Controller == name {
			f.refreshChoices(i, f.fields[i].value())
			f.controllerChanged(f.fields[i].Name)
		}
	}
}

// typed passes a key or paste to a text field; a lookup's text filters
// its candidates.
func (f *RecordForm) typed(cur *recordField, msg tea.Msg) tea.Cmd {
	cmd, changed := editInput(&cur.input, msg)
	if changed {
		delete(f.errs, cur.Name)
		if cur.Kind == RecordLookup {
			f.filterLookup(cur, cur.input.Value())
		}
	}
	return cmd
}

// filterLookup lists the candidates whose name contains text.
func (f *RecordForm) filterLookup(cur *recordField, text string) {
	cur.matches, cur.pick = cur.matches[:0], -1
	if cur.matches == nil {
		cur.matches = []int{}
	}
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" {
		// An emptied lookup clears the field.
		cur.picked, cur.pickedLabel = "", ""
		cur.matches = nil
		return
	}
	for i, o := range cur.Options {
		if strings.Contains(strings.ToLower(o.label()), t) {
			cur.matches = append(cur.matches, i)
			if len(cur.matches) == maxMatches {
				break
			}
		}
	}
	if len(cur.matches) > 0 {
		cur.pick = 0
	}
}

// choose takes the highlighted candidate of a lookup.
func (f *RecordForm) choose(cur *recordField) {
	o := cur.Options[cur.matches[cur.pick]]
	cur.picked, cur.pickedLabel = o.Value, o.label()
	cur.input.SetValue(Sanitize(o.label()))
	cur.input.CursorEnd()
	cur.matches, cur.pick = nil, -1
	delete(f.errs, cur.Name)
}

// submit checks what the form can check itself (required fields, numbers,
// dates, a lookup typed but not picked) and emits the values: for an edit
// only the changed ones.
func (f *RecordForm) submit() tea.Cmd {
	clear(f.errs)
	f.general = ""
	out := RecordSubmittedMsg{Object: f.in.Object, ID: f.in.ID, Fields: map[string]any{}}
	for i := range f.fields {
		fl := &f.fields[i]
		v := strings.TrimSpace(fl.current())
		if fl.Kind == RecordLookup && v == "" && strings.TrimSpace(fl.input.Value()) != "" {
			f.errs[fl.Name] = "pick a record from the list (↓ ↑, enter)"
			continue
		}
		if fl.Required && v == "" && fl.Kind != RecordCheckbox {
			f.errs[fl.Name] = "required"
			continue
		}
		var val any = v
		switch fl.Kind {
		case RecordDate:
			if v != "" {
				d, err := parseDay(f.ctx.Now(), &f.parser, v)
				if err != nil {
					f.errs[fl.Name] = err.Error()
					continue
				}
				val = d.Format("2006-01-02")
				v = val.(string)
			}
		case RecordCheckbox:
			val = v == "true"
		case RecordNumber:
			if v != "" && !isNumber(v) {
				f.errs[fl.Name] = fmt.Sprintf("%q is not a number", v)
				continue
			}
		case RecordText:
			v = fl.current() // text is sent as typed
			val = v
		}
		if f.in.ID != "" && v == fl.initial {
			continue // unchanged
		}
		if v == "" && fl.Kind != RecordCheckbox {
			if f.in.ID == "" {
				continue // a new record's empty field is not sent
			}
			val = nil
		}
		out.Fields[fl.Name] = val
	}
	for i := range f.fields {
		if _, bad := f.errs[f.fields[i].Name]; bad {
			return f.setFocus(i)
		}
	}
	if f.in.ID != "" && len(out.Fields) == 0 {
		f.general = "nothing changed"
		return nil
	}
	return requestCmd(out)
}

// isNumber accepts what a rep types as a number: 1200, 1,200.50, 15%.
func isNumber(s string) bool {
	s = strings.TrimSuffix(strings.ReplaceAll(s, ",", ""), "%")
	var x float64
	_, err := fmt.Sscanf(s, "%g", &x)
	return err == nil && strings.Trim(s, "0123456789.-+eE") == ""
}

// View implements Pane.
func (f *RecordForm) View() string {
	if f.width <= 0 || f.height <= 0 {
		return ""
	}
	st := f.ctx.Styles
	bw, inner, labelW, valueW := f.widths(80, 18)
	title := "New " + f.in.Object
	if f.in.ID != "" {
		title = "Edit " + f.in.Object + " · " + f.in.Name
	}
	head := []string{st.Title.Render(fit(title, inner)), ""}
	var body []string
	focusLine := 0
	for i := range f.fields {
		fl := &f.fields[i]
		if i == f.focus {
			focusLine = len(body)
		}
		label := fl.Label
		if fl.Required {
			label += "*"
		}
		body = append(body, f.fieldLine(i, label, labelW, f.fieldValue(fl, i == f.focus, valueW)))
		if i == f.focus && fl.Kind == RecordLookup {
			for j, m := range fl.matches {
				line := fit("  "+Sanitize(fl.Options[m].label()), valueW)
				if j == fl.pick {
					line = st.Selected.Render(fit("▌ "+Sanitize(fl.Options[m].label()), valueW))
				}
				body = append(body, strings.Repeat(" ", labelW+2)+line)
			}
			if fl.matches != nil && len(fl.matches) == 0 {
				body = append(body, strings.Repeat(" ", labelW+2)+st.Muted.Render(fit("no cached record matches", valueW)))
			}
		}
		body = append(body, f.fieldErrors(fl.Name, labelW, valueW)...)
	}
	foot := f.foot(inner)
	if len(f.fields) == 0 {
		body = append(body, st.Muted.Render(fit("You may not edit any field of this record.", inner)))
	}
	// Scroll the fields so the focused one (and its picker) shows: the
	// window follows the focus, so View keeps no scroll state.
	room := max(1, f.height-st.Overlay.GetVerticalFrameSize()-len(head)-len(foot))
	if len(body) > room {
		top := 0
		if focusLine+maxMatches >= room {
			top = min(focusLine, focusLine+maxMatches-room+1)
		}
		top = max(0, min(top, len(body)-room))
		body = body[top : top+room]
	}
	lines := append(append(head, body...), foot...)
	return overlayBox(st, lines, bw, f.width, f.height)
}

// fieldValue renders a field's value cell, exactly w cells wide.
func (f *RecordForm) fieldValue(fl *recordField, focused bool, w int) string {
	if cell, ok := f.valueCell(&fl.formField, focused, w); ok {
		return cell
	}
	st := f.ctx.Styles
	hint := ""
	switch fl.Kind {
	case RecordDate:
		if v := strings.TrimSpace(fl.input.Value()); v != "" {
			if d, err := parseDay(f.ctx.Now(), &f.parser, v); err == nil {
				hint = "→ " + d.Format("Mon 2 Jan 2006")
			} else {
				hint = "?"
			}
		}
	case RecordNumber:
		if fl.Type == "percent" {
			hint = "%"
		} else if fl.Type == "currency" {
			hint = f.ctx.Currency
		}
	}
	hs := st.Muted
	if hint == "?" {
		hs = st.Error
	}
	return inputCell(&fl.formField, w, hint, hs)
}
