package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func testRecordForm() *RecordForm {
	return NewRecordForm(testContext(true), RecordFormInput{Object: "Opportunity", ID: "006000000000001AAA", Name: "Big deal", Fields: []RecordField{
		{Name: "Name", Label: "Name", Kind: RecordText, Length: 10, Required: true, Value: "Big deal"},
		{Name: "Amount", Label: "Amount", Kind: RecordNumber, Type: "currency", Value: "1000"},
		{Name: "CloseDate", Label: "Close Date", Kind: RecordDate, Required: true, Value: "2026-06-01"},
		{Name: "Private__c", Label: "Private", Kind: RecordCheckbox, Value: "false"},
		{Name: "StageName", Label: "Stage", Kind: RecordPicklist, Required: true, Value: "Qualification",
			Options: []RecordOption{{Value: "Prospecting"}, {Value: "Qualification"}, {Value: "Closed Won"}}},
	}})
}

func TestRecordFormSendsOnlyWhatChanged(t *testing.T) {
	f := testRecordForm()
	f.SetSize(100, 30)
	send(t, f, "tab", "backspace", "backspace", "backspace", "backspace")
	typeText(t, f, "2500")
	send(t, f, "tab", "ctrl+u")
	typeText(t, f, "+3d")
	send(t, f, "tab", "space", "tab", "right")
	msgs := send(t, f, "ctrl+s")
	if len(msgs) != 1 {
		t.Fatalf("ctrl+s sent %v", msgs)
	}
	got := msgs[0].(RecordSubmittedMsg)
	want := map[string]any{"Amount": "2500", "CloseDate": day(3).Format("2006-01-02"), "Private__c": true, "StageName": "Closed Won"}
	if len(got.Fields) != len(want) {
		t.Fatalf("sent %v, want %v", got.Fields, want)
	}
	for k, v := range want {
		if got.Fields[k] != v {
			t.Errorf("%s = %v, want %v", k, got.Fields[k], v)
		}
	}
}

func TestRecordFormRefusesAndKeepsInput(t *testing.T) {
	f := testRecordForm()
	f.SetSize(100, 30)
	send(t, f, "ctrl+u") // the name emptied
	typeText(t, f, "")
	send(t, f, "tab", "ctrl+u")
	typeText(t, f, "lots")
	if msgs := send(t, f, "ctrl+s"); len(msgs) != 0 {
		t.Fatalf("saved with errors: %v", msgs)
	}
	if f.Error("Name") != "required" || !strings.Contains(f.Error("Amount"), "not a number") || f.Focused() != "Name" {
		t.Fatalf("errors %q %q, focus %s", f.Error("Name"), f.Error("Amount"), f.Focused())
	}
	// The org's verdict, next to its field, with the input kept.
	out := refused(f, "Amount", "too large")
	if !strings.Contains(out, "too large") || f.Value("Amount") != "lots" || f.Focused() != "Amount" {
		t.Fatalf("SetError: focus %s, value %q:\n%s", f.Focused(), f.Value("Amount"), out)
	}
	// Text stops at the field's length.
	send(t, f, "shift+tab")
	typeText(t, f, "abcdefghijklmnop")
	if f.Value("Name") != "abcdefghij" {
		t.Fatalf("Name holds %q, want its 10 characters", f.Value("Name"))
	}
	// esc asks before dropping what was typed.
	if msgs := send(t, f, "esc"); len(msgs) != 0 || !strings.Contains(ansi.Strip(f.View()), "Discard what you typed?") {
		t.Fatalf("esc with changes: %v", msgs)
	}
	if msgs := send(t, f, "y"); len(msgs) != 1 || msgs[0] != (RecordCancelledMsg{Object: "Opportunity", ID: "006000000000001AAA"}) {
		t.Fatalf("y sent %v", msgs)
	}
}
