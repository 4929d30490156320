package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func openOutbox(t *testing.T) *Outbox {
	return openTestPane(NewOutbox(testContext(true)), 100, 20, func(o *Outbox) { o.SetEntries(testOutboxEntries()) })
}

func TestOutboxListsEntriesWithTheirErrors(t *testing.T) {
	o := openOutbox(t)
	out := ansi.Strip(o.View())
	for _, want := range []string{
		"2 pending · 1 failed · 1 conflict",
		"↑ pending", "✗ failed", "≠ conflict",
		"update Opportunity", "Atlas — Lost deal", "StageName, Loss_Reason__c",
		"└ FIELD_CUSTOM_VALIDATION_EXCEPTION: Closed Lost needs a loss reason",
		"└ the record changed on the server",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the outbox does not show %q:\n%s", want, out)
		}
	}
	assertBlock(t, o.View(), 100, 20)
	assertSafe(t, o.View())
}

func TestOutboxEmpty(t *testing.T) {
	o := NewOutbox(testContext(false))
	o.SetSize(80, 10)
	if out := ansi.Strip(o.View()); !strings.Contains(out, "Nothing waits to be sent") {
		t.Errorf("empty outbox:\n%s", out)
	}
	if msgs := send(t, o, "R", "e", "d", "enter", "j"); len(msgs) != 0 {
		t.Errorf("keys on an empty outbox sent %v", msgs)
	}
	only[OutboxClosedMsg](t, send(t, o, "esc"))
}

func TestOutboxRetryEditDiscard(t *testing.T) {
	o := openOutbox(t)
	if got := only[OutboxRetryMsg](t, send(t, o, "j", "R")); got.ID != "ob-2" {
		t.Errorf("retry %q, want ob-2", got.ID)
	}
	if got := only[OutboxEditMsg](t, send(t, o, "e")); got.ID != "ob-2" {
		t.Errorf("edit %q, want ob-2", got.ID)
	}
	// discard asks first; n and esc keep the entry
	for _, answer := range []string{"n", "esc"} {
		if msgs := send(t, o, "d"); len(msgs) != 0 || !o.Capturing() {
			t.Fatalf("d discarded at once: %v", msgs)
		}
		if out := ansi.Strip(o.View()); !strings.Contains(out, "Discard this update of Atlas — Lost deal?") {
			t.Fatalf("no confirmation:\n%s", out)
		}
		if msgs := send(t, o, answer); len(msgs) != 0 || o.Mode() != "list" {
			t.Fatalf("%s: %v, mode %s", answer, msgs, o.Mode())
		}
	}
	send(t, o, "d")
	if got := only[OutboxDiscardMsg](t, send(t, o, "y")); got.ID != "ob-2" {
		t.Errorf("discard %q, want ob-2", got.ID)
	}
}

func TestOutboxConflictShowsMineAndTheirs(t *testing.T) {
	o := openOutbox(t)
	if msgs := send(t, o, "enter"); len(msgs) != 0 || o.Mode() != "list" {
		t.Fatalf("enter on a pending entry: %v, mode %s", msgs, o.Mode())
	}
	send(t, o, "G", "k", "enter")
	if o.Mode() != "conflict" {
		t.Fatalf("enter on a conflict: mode %s", o.Mode())
	}
	out := ansi.Strip(o.View())
	for _, want := range []string{"Conflict · update Opportunity Acme — Expansion", "Mine", "Theirs (server now)",
		"Negotiation", "Proposal", "90000", "85000", "apply mine anyway", "keep theirs", "edit"} {
		if !strings.Contains(out, want) {
			t.Errorf("the conflict view does not show %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "StageName") && !(strings.Index(line, "Negotiation") < strings.Index(line, "Proposal")) {
			t.Errorf("mine is not left of theirs: %q", line)
		}
	}
	assertBlock(t, o.View(), 100, 20)
	send(t, o, "esc")

	for _, c := range []struct {
		keys []string
		want Resolution
	}{{[]string{"m"}, ApplyMine}, {[]string{"t"}, KeepTheirs}, {[]string{"enter"}, ApplyMine}, {[]string{"l", "enter"}, KeepTheirs}} {
		send(t, o, "enter")
		got := only[OutboxResolveMsg](t, send(t, o, c.keys...))
		if got != (OutboxResolveMsg{ID: "ob-3", Resolution: c.want}) {
			t.Errorf("%v: %+v", c.keys, got)
		}
	}
	send(t, o, "enter")
	if got := only[OutboxEditMsg](t, send(t, o, "l", "l", "l", "enter")); got.ID != "ob-3" {
		t.Errorf("edit from the conflict view: %q", got.ID)
	}
	send(t, o, "enter")
	if got := only[OutboxEditMsg](t, send(t, o, "e")); got.ID != "ob-3" {
		t.Errorf("e in the conflict view: %q", got.ID)
	}
	send(t, o, "enter", "esc")
	if o.Mode() != "list" {
		t.Errorf("esc left the conflict view in mode %s", o.Mode())
	}
}

func TestOutboxSetEntriesKeepsTheCursorOnItsEntry(t *testing.T) {
	o := openOutbox(t)
	send(t, o, "j", "j", "enter") // ob-3's conflict
	es := testOutboxEntries()
	o.SetEntries(append(es[1:2:2], es[2:]...)) // ob-1 was sent and left
	if e, _ := o.Selected(); e.ID != "ob-3" || o.Mode() != "conflict" {
		t.Errorf("selected %q in mode %s, want ob-3's conflict", e.ID, o.Mode())
	}
	o.SetEntries(es[3:]) // the conflict was resolved elsewhere
	if e, _ := o.Selected(); e.ID != "ob-4" || o.Mode() != "list" {
		t.Errorf("selected %q in mode %s, want ob-4 in the list", e.ID, o.Mode())
	}
}

func TestOutboxScrollsKeepingTheCursorShown(t *testing.T) {
	o := NewOutbox(testContext(true))
	o.SetSize(90, 12)
	var es []OutboxEntry
	for i := range 30 {
		e := testOutboxEntries()[1]
		e.ID, e.RecordName = "ob-"+string(rune('a'+i%26))+string(rune('a'+i/26)), "Deal "+string(rune('A'+i%26))+string(rune('a'+i/26))
		es = append(es, e)
	}
	o.SetEntries(es)
	for range 29 {
		send(t, o, "j")
	}
	out := ansi.Strip(o.View())
	if !strings.Contains(out, "Deal Db") {
		t.Errorf("the last entry is not shown at the bottom:\n%s", out)
	}
	assertBlock(t, o.View(), 90, 12)
}

func TestWriteMarks(t *testing.T) {
	st := testContext(true).Styles
	for s, want := range map[WriteState]string{WritePending: "↑ pending", WriteSent: "✓ sent", WriteFailed: "✗ failed", WriteConflict: "≠ conflict", WriteNone: ""} {
		if got := ansi.Strip(WriteMark(st, s)); got != want {
			t.Errorf("WriteMark(%v) = %q, want %q", s, got, want)
		}
		if got := ParseWriteState(s.String()); got != s {
			t.Errorf("ParseWriteState(%q) = %v", s.String(), got)
		}
		if w := ansi.StringWidth(WriteMark(st, s)); w > MarkWidth {
			t.Errorf("%v is %d cells wide, more than MarkWidth", s, w)
		}
		if g := ansi.Strip(WriteGlyph(st, s)); ansi.StringWidth(g) != min(1, len(want)) {
			t.Errorf("WriteGlyph(%v) = %q", s, g)
		}
	}
	if ParseWriteState("Failed") != WriteFailed || ParseWriteState("bogus") != WriteNone {
		t.Error("ParseWriteState ignores case or accepts nonsense")
	}
}
