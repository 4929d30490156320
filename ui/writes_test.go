package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/views"
)

// newWriting returns a model over fake data with a fake Writer, loaded
// and sized w×h, with the outbox read.
func newWriting(t *testing.T, w, h int) (*Model, *fakeWriter) {
	t.Helper()
	fake := NewFakeData(7, 300, testNow)
	fw := newFakeWriter(fake)
	m := loaded(t, Deps{Data: writeData{fake, fw}, Writer: fw, Now: func() time.Time { return testNow }, Dark: true}, w, h)
	drive(m, m.loadWrites())
	return m, fw
}

// drive executes cmd and feeds every message it yields back into m,
// following batches, until nothing is left (timers are dropped). It
// returns the messages that are the runtime's (quit, clipboard).
func drive(m *Model, cmd tea.Cmd) []tea.Msg {
	return runCmd(m, cmd, func(msg tea.Msg) bool { return !strings.HasPrefix(fmtType(msg), "tea.") })
}

// keys presses each key in turn, driving what each one starts.
func keys(m *Model, ks ...string) {
	for _, k := range ks {
		drive(m, press(m, k))
	}
}

// typeText types s one key at a time.
func typeText(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			drive(m, func() tea.Cmd { _, c := m.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}); return c }())
			continue
		}
		keys(m, string(r))
	}
}

func ctrlS(m *Model) {
	_, cmd := m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	drive(m, cmd)
}

// pickOtherStage moves the picker's cursor off the current stage and
// picks, giving a loss reason when asked. It returns the stage picked.
func pickOtherStage(t *testing.T, m *Model, fw *fakeWriter) string {
	t.Helper()
	in, err := fw.StagePicker(t.Context(), m.w.picker.OpportunityID())
	if err != nil {
		t.Fatal(err)
	}
	at := -1
	for i, s := range in.Stages {
		if s.Value == in.CurrentStage {
			at = i
		}
	}
	move, want := "down", at+1
	if at == len(in.Stages)-1 {
		move, want = "up", at-1
	}
	keys(m, move, "enter")
	if m.w.picker != nil && m.w.picker.Step() == "loss reason" {
		keys(m, "enter")
	}
	return in.Stages[want].Value
}

func TestStageKeyOnTheOpportunitiesListChangesTheStage(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	keys(m, "2", "j")
	sel, _ := m.opps.Selected()
	keys(m, "s")
	if m.w.picker == nil || m.w.picker.OpportunityID() != sel.ID {
		t.Fatalf("s opened no picker on %s", sel.ID)
	}
	if out := screen(m); !strings.Contains(out, "Stage · ") || !strings.Contains(out, "• current") {
		t.Fatalf("the picker is not shown:\n%s", out)
	}
	stage := pickOtherStage(t, m, fw)
	if fw.count("ChangeStage") != 1 {
		t.Fatalf("ChangeStage called %d times", fw.count("ChangeStage"))
	}
	if m.w.picker != nil {
		t.Fatal("the picker stays open after the change is queued")
	}
	got, _ := m.opps.Selected()
	if got.ID != sel.ID || got.StageName != stage {
		t.Errorf("the list shows %s in %q, want %s in %q", got.ID, got.StageName, sel.ID, stage)
	}
	if !strings.Contains(m.flash.text, "stage → "+stage) || !strings.Contains(m.flash.text, "sent") {
		t.Errorf("flash %q", m.flash.text)
	}
}

func TestStagePickerEscChangesNothing(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	keys(m, "2", "s", "esc")
	if m.w.picker != nil || fw.count("ChangeStage") != 0 {
		t.Fatalf("esc: picker %v, %d changes", m.w.picker != nil, fw.count("ChangeStage"))
	}
	if m.Focus() != views.OpportunitiesPane {
		t.Errorf("focus moved to %s", m.Focus())
	}
}

func TestStageRefusedByTheOrgKeepsThePickerOpenWithTheError(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	keys(m, "2")
	// An opportunity of the first record type, not lost yet: pick Closed
	// Lost with the filter, in an org that does not ask for a reason
	// first — the org's validation rule refuses it.
	for i := range 300 {
		o, _ := m.opps.Selected()
		if o.RecordTypeID == fakeRecordTypes()[0].ID && o.StageName != "Closed Lost" {
			break
		}
		if i == 299 {
			t.Fatal("no open opportunity of the first record type")
		}
		keys(m, "j")
	}
	keys(m, "s")
	in, _ := fw.StagePicker(t.Context(), m.w.picker.OpportunityID())
	in.LossReasonRequired = false
	m.w.picker = views.NewStagePicker(m.ctx, in)
	m.w.picker.SetSize(m.bodySize())
	typeText(m, "closed lost")
	keys(m, "enter")
	if fw.count("ChangeStage") != 1 {
		t.Fatalf("ChangeStage called %d times", fw.count("ChangeStage"))
	}
	if m.w.picker == nil {
		t.Fatal("the picker closed on a refused change")
	}
	if m.w.picker.Step() != "loss reason" {
		t.Errorf("the picker asks for the %s, want the loss reason the error names", m.w.picker.Step())
	}
	if out := screen(m); !strings.Contains(out, "needs a loss reason") || !strings.Contains(out, "FIELD_CUSTOM_VALIDATION_EXCEPTION") {
		t.Errorf("the org's error is not shown next to the field:\n%s", out)
	}
	keys(m, "enter") // the first reason
	if m.w.picker != nil || fw.count("ChangeStage") != 2 {
		t.Fatalf("with a reason: picker open %v, %d changes", m.w.picker != nil, fw.count("ChangeStage"))
	}
}

func TestStageKeyOnAnOpportunityDetail(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	keys(m, "2", "enter")
	d := m.Detail(views.OpportunitiesPane)
	if d == nil {
		t.Fatal("no detail")
	}
	keys(m, "s")
	if m.w.picker == nil || m.w.picker.OpportunityID() != d.ID() {
		t.Fatal("s on the detail opened no picker on its record")
	}
	stage := pickOtherStage(t, m, fw)
	if out := screen(m); !strings.Contains(out, "Stage") || !strings.Contains(out, stage) || !strings.Contains(out, "✓ sent") {
		t.Errorf("the detail does not show the new stage %q and its mark:\n%s", stage, out)
	}
}

func TestStageKeyIsOffOnAnAccount(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	keys(m, "s")
	if m.w.picker != nil || fw.count("StagePicker") != 0 {
		t.Fatal("s on an account opened a stage picker")
	}
}

func TestMoveCardOnThePipeline(t *testing.T) {
	m, fw := newWriting(t, 140, 40)
	keys(m, "3")
	card, ok := m.pipeline.Selected()
	if !ok {
		t.Fatal("no card in the first column")
	}
	first := fakeRecordTypes()[0].Stages
	if rt, _ := m.pipeline.RecordType(); rt.ID != fakeRecordTypes()[0].ID || card.StageName != first[0].Label {
		t.Fatalf("the board starts on %s / %q", rt.Name, card.StageName)
	}
	keys(m, "H")
	if fw.count("ChangeStage") != 0 || !strings.Contains(m.flash.text, "already in the first stage") {
		t.Fatalf("H in the first stage: %d changes, flash %q", fw.count("ChangeStage"), m.flash.text)
	}
	keys(m, "L")
	if fw.count("ChangeStage") != 1 || m.w.picker != nil {
		t.Fatalf("L: %d changes, picker open %v", fw.count("ChangeStage"), m.w.picker != nil)
	}
	if got := fw.stages[card.ID]; got != first[1].Label {
		t.Errorf("L moved the card to %q, want %q", got, first[1].Label)
	}
	keys(m, "l") // the next column holds the card now, marked sent
	if !strings.Contains(screen(m), "✓ ") {
		t.Errorf("no card carries the sent sign:\n%s", screen(m))
	}
}

func TestTaskKeysOpenTheFormOnEachRecord(t *testing.T) {
	cases := []struct {
		name   string
		keys   []string
		key    string
		call   bool
		target func(m *Model) (views.RecordKind, string)
	}{
		{"account list t", nil, "t", false, func(m *Model) (views.RecordKind, string) { return views.AccountRecord, m.accounts.SelectedID() }},
		{"opportunity list c", []string{"2"}, "c", true, func(m *Model) (views.RecordKind, string) {
			return views.OpportunityRecord, m.opps.SelectedID()
		}},
		{"pipeline card t", []string{"3"}, "t", false, func(m *Model) (views.RecordKind, string) {
			o, _ := m.pipeline.Selected()
			return views.OpportunityRecord, o.ID
		}},
		{"contact list c", []string{"6"}, "c", true, func(m *Model) (views.RecordKind, string) {
			c, _ := m.tab(views.ContactsPane).pane.(*views.Contacts).Selected()
			return views.ContactRecord, c.ID
		}},
		{"lead list t", []string{"7"}, "t", false, func(m *Model) (views.RecordKind, string) {
			l, _ := m.tab(views.LeadsPane).pane.(*views.Leads).Selected()
			return views.LeadRecord, l.ID
		}},
		{"account detail c", []string{"enter"}, "c", true, func(m *Model) (views.RecordKind, string) {
			return views.AccountRecord, m.Detail(views.AccountsPane).ID()
		}},
		{"lead detail t", []string{"7", "enter"}, "t", false, func(m *Model) (views.RecordKind, string) {
			return views.LeadRecord, m.Detail(views.LeadsPane).ID()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fw := newWriting(t, 120, 30)
			keys(m, c.keys...)
			kind, id := c.target(m)
			if id == "" {
				t.Fatal("nothing selected")
			}
			keys(m, c.key)
			f := m.w.form
			if f == nil || fw.count("TaskForm") != 1 {
				t.Fatalf("%s opened no form", c.key)
			}
			if m.w.formKind != kind || m.w.formID != id || f.Call() != c.call {
				t.Errorf("form on %v %s (call %v), want %v %s (call %v)", m.w.formKind, m.w.formID, f.Call(), kind, id, c.call)
			}
			if f.Focused() != views.FieldSubject {
				t.Errorf("the cursor is in %s, want the subject", f.Focused())
			}
			keys(m, "esc")
			if c.call { // the call form has "Call" typed: esc asks first
				keys(m, "y")
			}
			if m.w.form != nil {
				t.Error("esc did not close the form")
			}
		})
	}
}

func TestTaskShowsInTheTimelinePendingThenSent(t *testing.T) {
	m, fw := newWriting(t, 140, 40)
	fw.setOnline(false)
	keys(m, "enter") // the first account's detail
	keys(m, "t")
	typeText(m, "Send the deck")
	ctrlS(m)
	if m.w.form != nil || fw.count("LogTask") != 1 {
		t.Fatalf("save: form open %v, %d tasks logged", m.w.form != nil, fw.count("LogTask"))
	}
	m.flash = flashMsg{} // the status bar gives way to a message
	out := screen(m)
	if !strings.Contains(out, "↑ pending · Send the deck") {
		t.Fatalf("the task is not in the timeline, pending:\n%s", out)
	}
	if !strings.Contains(out, "1 pending") {
		t.Errorf("the status bar does not count the pending write:\n%s", out)
	}
	// The org is back: a sync pushes the outbox.
	fw.push()
	_, cmd := m.Update(syncDoneMsg{})
	drive(m, cmd)
	m.flash = flashMsg{}
	out = screen(m)
	if !strings.Contains(out, "✓ sent · Send the deck") {
		t.Errorf("the task is not marked sent after the push:\n%s", out)
	}
	if strings.Contains(out, "1 pending") {
		t.Errorf("the status bar still counts it:\n%s", out)
	}
}

func TestTaskRefusedKeepsTheFormAndItsInput(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	keys(m, "2", "t")
	typeText(m, "Forbidden")
	ctrlS(m)
	if fw.count("LogTask") != 1 || m.w.form == nil {
		t.Fatalf("%d tasks logged, form open %v", fw.count("LogTask"), m.w.form != nil)
	}
	if v := m.w.form.Value(views.FieldSubject); v != "Forbidden" {
		t.Errorf("the subject lost its input: %q", v)
	}
	if out := screen(m); !strings.Contains(out, "not that subject") {
		t.Errorf("the org's error is not shown:\n%s", out)
	}
}

func TestWriteKeysWithoutAWriterSaySo(t *testing.T) {
	m, _ := newLoaded(t, 300, 120, 30, true)
	for _, k := range []string{"s", "t", "c"} {
		keys(m, "2", k)
		if m.overlay() != nil || !strings.Contains(m.flash.text, "not available") {
			t.Errorf("%s without a Writer: overlay %v, flash %q", k, m.overlay() != nil, m.flash.text)
		}
	}
	keys(m, ":")
	typeText(m, "outbox")
	keys(m, "enter")
	if m.overlay() != nil || !strings.Contains(m.flash.text, "not available") {
		t.Errorf(":outbox without a Writer: overlay %v, flash %q", m.overlay() != nil, m.flash.text)
	}
}

func TestOutboxRetryDiscardResolve(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	fw.entries = []views.OutboxEntry{
		{ID: "a", Operation: "update", Object: "Opportunity", RecordID: fakeID("006", 1), RecordName: "first", Fields: []string{"StageName"}, State: views.WriteFailed, Error: "UNABLE_TO_LOCK_ROW"},
		{ID: "b", Operation: "update", Object: "Opportunity", RecordID: fakeID("006", 2), RecordName: "second", Fields: []string{"StageName"}, State: views.WriteConflict,
			Conflict: []views.ConflictField{{Field: "StageName", Mine: "Qualification", Theirs: "Closed Won"}}},
		{ID: "c", Operation: "create", Object: "Task", RecordID: fakeID("00T", 3), RecordName: "third", State: views.WritePending},
	}
	keys(m, ":")
	typeText(m, "outbox")
	keys(m, "enter")
	if !m.w.showBox {
		t.Fatal(":outbox did not open the outbox")
	}
	out := screen(m)
	for _, want := range []string{"Outbox", "first", "UNABLE_TO_LOCK_ROW", "second", "third", "1 pending · 1 failed · 1 conflict"} {
		if !strings.Contains(out, want) {
			t.Errorf("the outbox does not show %q:\n%s", want, out)
		}
	}
	keys(m, "R") // retry the failed one
	if fw.count("Retry") != 1 || fw.entries[0].State != views.WriteSent {
		t.Fatalf("R: %d retries", fw.count("Retry"))
	}
	keys(m, "j", "enter", "t") // the conflict: keep theirs
	if fw.count("Resolve") != 1 || len(fw.entries) != 2 {
		t.Fatalf("keep theirs: %d resolves, %d entries", fw.count("Resolve"), len(fw.entries))
	}
	keys(m, "G", "d", "y") // discard the task
	if fw.count("Discard") != 1 || len(fw.entries) != 1 {
		t.Fatalf("discard: %d discards, %d entries", fw.count("Discard"), len(fw.entries))
	}
	if c := m.writeCounts(); c != "" {
		t.Errorf("the status bar counts %q, want nothing left", c)
	}
	keys(m, "esc")
	if m.w.showBox {
		t.Error("esc did not close the outbox")
	}
}

func TestOutboxEditReopensTheStagePicker(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	fw.setOnline(false)
	keys(m, "2")
	sel, _ := m.opps.Selected()
	keys(m, "s")
	pickOtherStage(t, m, fw)
	if len(fw.entries) != 1 || fw.entries[0].State != views.WritePending {
		t.Fatalf("entries %+v", fw.entries)
	}
	keys(m, ":")
	typeText(m, "outbox")
	keys(m, "enter", "e")
	if m.w.picker == nil || m.w.picker.OpportunityID() != sel.ID {
		t.Fatal("e on a stage change opened no picker on its opportunity")
	}
	old := fw.entries[0].ID
	pickOtherStage(t, m, fw)
	if len(fw.entries) != 1 || fw.entries[0].ID == old {
		t.Errorf("the edit did not replace the entry: %+v", fw.entries)
	}
}

func TestMarksInListsAndStatusBar(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	fw.setOnline(false)
	keys(m, "2", "j")
	keys(m, "s")
	pickOtherStage(t, m, fw)
	m.flash = flashMsg{} // the status bar gives way to a message
	keys(m, "k")         // the marked row is no longer the cursor's: its sign shows coloured
	lines := strings.Split(screen(m), "\n")
	sel := ""
	for _, l := range lines {
		if strings.HasPrefix(l, " ↑") {
			sel = l
		}
	}
	if sel == "" {
		t.Errorf("no row carries the pending sign:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[len(lines)-1], "1 pending") {
		t.Errorf("status bar %q", lines[len(lines)-1])
	}
}

// TestGoldenWriteOverlays renders the stage picker and the task form
// opened over the opportunities pane.
func TestGoldenWriteOverlays(t *testing.T) {
	for _, c := range []struct {
		name string
		keys []string
	}{{"stage-picker", []string{"2", "s"}}, {"task-form", []string{"2", "t"}}} {
		for _, size := range [][2]int{{80, 24}, {140, 40}} {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				m, _ := newWriting(t, size[0], size[1])
				keys(m, c.keys...)
				if m.overlay() == nil {
					t.Fatal("no overlay")
				}
				requireGoldenScreen(t, m.render(), size[0], size[1])
			})
		}
	}
}

func TestHelpListsTheWriteKeysOnlyWithAWriter(t *testing.T) {
	m, _ := newWriting(t, 140, 40)
	keys(m, "3", "?")
	out := screen(m)
	for _, want := range []string{"change stage", "move card a stage left", "new task", "log a call"} {
		if !strings.Contains(out, want) {
			t.Errorf("the pipeline's help does not list %q:\n%s", want, out)
		}
	}
	keys(m, "esc", "1", "?")
	if out := screen(m); strings.Contains(out, "change stage") || !strings.Contains(out, "new task") {
		t.Errorf("the accounts' help:\n%s", out)
	}
	r, _ := newLoaded(t, 300, 140, 40, true)
	keys(r, "3", "?")
	if out := screen(r); strings.Contains(out, "new task") {
		t.Errorf("the help lists write keys without a Writer:\n%s", out)
	}
}

func TestASecondSaveWhileSavingQueuesNothing(t *testing.T) {
	m, fw := newWriting(t, 120, 30)
	keys(m, "2", "t")
	typeText(m, "Once")
	// Two ctrl+s before the first write's result arrives.
	var pending []tea.Cmd
	for range 2 {
		_, cmd := m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
		if msg := cmd(); msg != nil {
			_, next := m.Update(msg)
			pending = append(pending, next)
		}
	}
	for _, c := range pending {
		drive(m, c)
	}
	if n := fw.count("LogTask"); n != 1 {
		t.Errorf("LogTask called %d times, want once", n)
	}
}

func TestPasteGoesToTheOpenForm(t *testing.T) {
	m, _ := newWriting(t, 120, 30)
	keys(m, "2", "t")
	_, cmd := m.Update(tea.PasteMsg{Content: "Pasted subject"})
	drive(m, cmd)
	if v := m.w.form.Value(views.FieldSubject); v != "Pasted subject" {
		t.Errorf("subject %q after a paste", v)
	}
}
