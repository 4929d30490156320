package views

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// editInput passes msg, cleaned (CleanInput), to the text input in and
// reports whether its text changed. A key or paste left with no text is
// dropped.
func editInput(in *textinput.Model, msg tea.Msg) (cmd tea.Cmd, changed bool) {
	msg, ok := CleanInput(msg)
	if !ok {
		return nil, false
	}
	before := in.Value()
	*in, cmd = in.Update(msg)
	return cmd, in.Value() != before
}
