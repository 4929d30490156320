package views

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/views/keytest"
)

// TestGoldenForms renders the write views (stage picker, task and call
// forms, outbox) at two sizes in both themes, each in a typical state.
// Regenerate with: go test ./views/... -run TestGoldenForms -update
func TestGoldenForms(t *testing.T) {
	views := []struct {
		name  string
		build func(t *testing.T, ctx *Context) Pane
	}{
		{"picker", func(t *testing.T, ctx *Context) Pane {
			p := NewStagePicker(ctx, testPickerInput())
			send(t, p, "j")
			return p
		}},
		{"picker-filter", func(t *testing.T, ctx *Context) Pane {
			in := testPickerInput()
			in.Live = true
			p := NewStagePicker(ctx, in)
			typeText(t, p, "clo")
			p.SetError("StageName", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: bad value for restricted picklist field")
			return p
		}},
		{"picker-loss-reason", func(t *testing.T, ctx *Context) Pane {
			p := NewStagePicker(ctx, testPickerInput())
			send(t, p, "j", "j", "j", "j", "enter", "j")
			p.SetError("Loss_Reason__c", "FIELD_CUSTOM_VALIDATION_EXCEPTION: pick the competitor's name in the description")
			return p
		}},
		{"task", func(t *testing.T, ctx *Context) Pane {
			f := NewTaskForm(ctx, testTaskInput(false))
			typeText(t, f, "Send quote")
			send(t, f, "tab")
			typeText(t, f, "+3d")
			send(t, f, "tab", "right", "tab")
			f.SetError("Subject", "FIELD_CUSTOM_VALIDATION_EXCEPTION: subject must name the product")
			send(t, f, "tab", "tab", "tab")
			return f
		}},
		{"call", func(t *testing.T, ctx *Context) Pane {
			f := NewTaskForm(ctx, testTaskInput(true))
			send(t, f, "tab", "tab", "tab", "right", "tab", "right", "tab")
			typeText(t, f, "25m")
			return f
		}},
		{"task-discard", func(t *testing.T, ctx *Context) Pane {
			f := NewTaskForm(ctx, testTaskInput(false))
			typeText(t, f, "Follow")
			send(t, f, "esc")
			return f
		}},
		{"outbox", func(t *testing.T, ctx *Context) Pane {
			o := NewOutbox(ctx)
			o.SetEntries(testOutboxEntries())
			send(t, o, "j")
			return o
		}},
		{"outbox-conflict", func(t *testing.T, ctx *Context) Pane {
			o := NewOutbox(ctx)
			o.SetEntries(testOutboxEntries())
			send(t, o, "j", "j", "enter", "l")
			return o
		}},
	}
	for _, v := range views {
		for _, size := range [][2]int{{80, 24}, {140, 40}} {
			keytest.EachTheme(t, fmt.Sprintf("%s/%dx%d", v.name, size[0], size[1]), func(t *testing.T, dark bool) {
				p := v.build(t, testContext(dark))
				p.SetSize(size[0], size[1])
				p.Focus()
				out := p.View()
				assertBlock(t, out, size[0], size[1])
				assertSafe(t, out)
				golden.RequireEqual(t, fixedProfile(t, out))
			})
		}
	}
}
