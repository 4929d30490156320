package views

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// refused gives form the org's verdict on its write, as the root does:
// SetError for each field, message pair. It returns what the form shows
// then, without styles.
func refused(form interface {
	Pane
	SetError(field, msg string)
}, fieldMessages ...string) string {
	for i := 0; i+1 < len(fieldMessages); i += 2 {
		form.SetError(fieldMessages[i], fieldMessages[i+1])
	}
	return ansi.Strip(form.View())
}

// typeText types s one character at a time.
func typeText(t *testing.T, p Pane, s string) []tea.Msg {
	t.Helper()
	var keys []string
	for _, r := range s {
		keys = append(keys, string(r))
	}
	return send(t, p, keys...)
}

// only returns the one message of type M in msgs, failing otherwise.
func only[M any](t *testing.T, msgs []tea.Msg) M {
	t.Helper()
	found := ofType[M](msgs)
	if len(found) != 1 || len(msgs) != 1 {
		var zero M
		t.Fatalf("want exactly one %T, got %#v", zero, msgs)
	}
	return found[0]
}

func testPicklistStages() []StageOption {
	return []StageOption{
		{Value: "Prospecting", Probability: 10},
		{Value: "Qualification", Probability: 20},
		{Value: "Proposal", Label: "Proposal/Price Quote", Probability: 60},
		{Value: "Negotiation", Probability: 80},
		{Value: "Closed Won", Probability: 100, IsClosed: true, IsWon: true},
		{Value: "Closed Lost", Probability: 0, IsClosed: true},
	}
}

func testPickerInput() StagePickerInput {
	return StagePickerInput{
		OpportunityID:      "006000000000001AAA",
		OpportunityName:    "Acme — Platform",
		CurrentStage:       "Qualification",
		Stages:             testPicklistStages(),
		PicklistAsOf:       testNow.Add(-3*time.Hour - 10*time.Minute),
		LossReasonRequired: true,
		LossReasons:        []PicklistOption{{Value: "Price"}, {Value: "Competitor", Label: "Lost to competitor"}, {Value: "No Budget"}},
	}
}

func testTaskInput(call bool) TaskFormInput {
	return TaskFormInput{
		Call:     call,
		WhatID:   "006000000000001AAA",
		WhatName: "Acme — Platform",
		WhatType: "Opportunity",
		Contacts: []ContactOption{
			{ID: "003000000000001AAA", Name: "Maya Chen", Title: "CFO"},
			{ID: "003000000000002AAA", Name: "Lars Berg"},
		},
		Subjects: []string{"Call", "Follow up", "Send quote", "Send letter"},
		Statuses: []PicklistOption{
			{Value: "Not Started", Default: true}, {Value: "In Progress"}, {Value: "Completed", Closed: true},
		},
		Priorities: []PicklistOption{{Value: "High"}, {Value: "Normal", Default: true}, {Value: "Low"}},
		CallTypes:  []PicklistOption{{Value: "Inbound"}, {Value: "Outbound"}, {Value: "Internal"}},
	}
}

func testOutboxEntries() []OutboxEntry {
	q := func(min int) time.Time { return testNow.Add(-time.Duration(min) * time.Minute) }
	return []OutboxEntry{
		{ID: "ob-1", Operation: "update", Object: "Opportunity", RecordID: "006000000000001AAA", RecordName: "Acme — Platform",
			Fields: []string{"StageName"}, State: WritePending, Queued: q(5)},
		{ID: "ob-2", Operation: "update", Object: "Opportunity", RecordID: "006000000000006AAA", RecordName: "Atlas — Lost deal",
			Fields: []string{"StageName", "Loss_Reason__c"}, State: WriteFailed, Queued: q(30),
			Error: "FIELD_CUSTOM_VALIDATION_EXCEPTION: Closed Lost needs a loss reason [Loss_Reason__c]"},
		{ID: "ob-3", Operation: "update", Object: "Opportunity", RecordID: "006000000000002AAA", RecordName: "Acme — Expansion",
			Fields: []string{"StageName", "Amount"}, State: WriteConflict, Queued: q(60),
			Error: "the record changed on the server at 2026-05-14 10:02",
			Conflict: []ConflictField{
				{Field: "StageName", Mine: "Negotiation", Theirs: "Proposal"},
				{Field: "Amount", Mine: "90000", Theirs: "85000"},
				{Field: "CloseDate", Mine: "2026-06-30", Theirs: "2026-06-30"},
			}},
		{ID: "ob-4", Operation: "create", Object: "Task", RecordName: evilName, Fields: []string{"Subject", "WhatId"}, State: WritePending, Queued: q(2)},
	}
}

func pasteMsg(s string) tea.PasteMsg { return tea.PasteMsg{Content: s} }
