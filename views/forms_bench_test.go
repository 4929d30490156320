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
	for b.Loop() {
		p := NewStagePicker(ctx, in)
		p.SetSize(140, 40)
		_ = p.View()
	}
}

func BenchmarkStagePickerKeystroke(b *testing.B) {
	ctx := testContext(true)
	for _, c := range []struct {
		name string
		keys []string
	}{{"move-j-k", []string{"j", "k"}}, {"filter-type-erase", []string{"c", "backspace"}}} {
		b.Run(c.name, func(b *testing.B) {
			p := NewStagePicker(ctx, benchPickerInput())
			p.SetSize(140, 40)
			i := 0
			for b.Loop() {
				p.Update(keyPress(c.keys[i%len(c.keys)]))
				i++
				_ = p.View()
			}
		})
	}
}

func BenchmarkOpenTaskForm(b *testing.B) {
	ctx := testContext(true)
	in := benchTaskInput()
	for _, call := range []bool{false, true} {
		in.Call = call
		b.Run(fmt.Sprintf("call=%v", call), func(b *testing.B) {
			for b.Loop() {
				f := NewTaskForm(ctx, in)
				f.SetSize(140, 40)
				_ = f.View()
			}
		})
	}
}

func BenchmarkTaskFormKeystroke(b *testing.B) {
	ctx := testContext(true)
	for _, c := range []struct {
		name  string
		setup []string
		keys  []string
	}{
		{"subject-type-erase", nil, []string{"s", "backspace"}},
		{"due-type-erase", []string{"tab", "f", "r"}, []string{"i", "backspace"}},
		{"contact-cycle", []string{"tab", "tab", "tab", "tab"}, []string{"right"}},
		{"tab", nil, []string{"tab"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := NewTaskForm(ctx, benchTaskInput())
			f.SetSize(140, 40)
			for _, k := range c.setup {
				f.Update(keyPress(k))
			}
			i := 0
			for b.Loop() {
				f.Update(keyPress(c.keys[i%len(c.keys)]))
				i++
				_ = f.View()
			}
		})
	}
}
