package views

import (
	"fmt"
	"testing"
)

// The write views take plain inputs (a record type's stages, an account's
// contacts, picklists), never the opportunities: opening them costs the
// same with 10 or 100k opportunities in the cache. These benchmarks time
// keystroke → Update → View at 140×40; the root's part (reading the
// picklist and contacts from the store) is measured in package ui once it
// is wired.

func benchPickerInput() StagePickerInput {
	in := testPickerInput()
	for i := range 14 { // 20 stages: a large sales process
		in.Stages = append(in.Stages, StageOption{Value: fmt.Sprintf("Custom stage %d", i), Probability: float64(5 * i)})
	}
	return in
}

func benchTaskInput() TaskFormInput {
	in := testTaskInput(false)
	for i := range 200 { // a big account's contacts
		in.Contacts = append(in.Contacts, ContactOption{ID: fmt.Sprintf("003%015d", i), Name: fmt.Sprintf("Contact %d", i)})
	}
	return in
}

func BenchmarkOpenStagePicker(b *testing.B) {
	ctx := testContext(true)
	in := benchPickerInput()
	benchOpen(b, func() Pane { return NewStagePicker(ctx, in) })
}

func BenchmarkStagePickerKeystroke(b *testing.B) {
	ctx := testContext(true)
	benchKeystrokeCases(b, func() Pane { return NewStagePicker(ctx, benchPickerInput()) }, []keystrokeCase{
		{"move-j-k", nil, []string{"j", "k"}},
		{"filter-type-erase", nil, []string{"c", "backspace"}},
	})
}

func BenchmarkOpenTaskForm(b *testing.B) {
	ctx := testContext(true)
	in := benchTaskInput()
	for _, call := range []bool{false, true} {
		in.Call = call
		b.Run(fmt.Sprintf("call=%v", call), func(b *testing.B) {
			benchOpen(b, func() Pane { return NewTaskForm(ctx, in) })
		})
	}
}

func BenchmarkTaskFormKeystroke(b *testing.B) {
	ctx := testContext(true)
	benchKeystrokeCases(b, func() Pane { return NewTaskForm(ctx, benchTaskInput()) }, []keystrokeCase{
		{"subject-type-erase", nil, []string{"s", "backspace"}},
		{"due-type-erase", []string{"tab", "f", "r"}, []string{"i", "backspace"}},
		{"contact-cycle", []string{"tab", "tab", "tab", "tab"}, []string{"right"}},
		{"tab", nil, []string{"tab"}},
	})
}

// benchOpen times opening a view (open) and rendering it at 140×40.
func benchOpen(b *testing.B, open func() Pane) {
	for b.Loop() {
		p := open()
		p.SetSize(140, 40)
		_ = p.View()
	}
}

// keystrokeCase is a keystroke benchmark: the keys pressed once before
// timing (setup) and those pressed in turn while timing.
type keystrokeCase struct {
	name        string
	setup, keys []string
}

// benchKeystrokeCases runs each case as a sub-benchmark of
// benchKeystrokes on a view open returns.
func benchKeystrokeCases(b *testing.B, open func() Pane, cases []keystrokeCase) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchKeystrokes(b, open(), c.setup, c.keys) })
	}
}

// benchKeystrokes times keystroke → Update → View on p at 140×40: after
// the setup keys, each round presses the next of keys, in turn.
func benchKeystrokes(b *testing.B, p Pane, setup, keys []string) {
	p.SetSize(140, 40)
	for _, k := range setup {
		p.Update(keyPress(k))
	}
	i := 0
	for b.Loop() {
		p.Update(keyPress(keys[i%len(keys)]))
		i++
		_ = p.View()
	}
}
