package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func openPicker(t *testing.T, in StagePickerInput) *StagePicker {
	t.Helper()
	p := NewStagePicker(testContext(true), in)
	p.SetSize(80, 24)
	p.Focus()
	return p
}

func TestStagePickerStartsOnTheCurrentStageAndPicks(t *testing.T) {
	p := openPicker(t, testPickerInput())
	out := ansi.Strip(p.View())
	assertShows(t, out, "the picker does not show", "Stage · Acme — Platform", "picklist from 3 h ago", "Qualification", "20%", "• current", "closed · won", "closed · lost", "Proposal/Price Quote")
	if !p.Capturing() {
		t.Error("an open picker does not capture the keys")
	}
	msg := only[StageChosenMsg](t, send(t, p, "j", "j", "k", "down", "enter"))
	if msg != (StageChosenMsg{OpportunityID: "006000000000001AAA", Stage: "Negotiation"}) {
		t.Errorf("picked %+v, want Negotiation", msg)
	}
}

func TestStagePickerPickingTheCurrentStageChangesNothing(t *testing.T) {
	p := openPicker(t, testPickerInput())
	only[StagePickerCancelledMsg](t, send(t, p, "enter"))
}

func TestStagePickerEscCancels(t *testing.T) {
	p := openPicker(t, testPickerInput())
	msg := only[StagePickerCancelledMsg](t, send(t, p, "esc"))
	if msg.OpportunityID != "006000000000001AAA" {
		t.Errorf("cancel names %q", msg.OpportunityID)
	}
}

func TestStagePickerTypeToFilter(t *testing.T) {
	p := openPicker(t, testPickerInput())
	// Typing starts the filter; j and k are then typed, not moves.
	if msgs := typeText(t, p, "neg"); len(msgs) != 0 {
		t.Fatalf("typing sent %v", msgs)
	}
	out := ansi.Strip(p.View())
	if !strings.Contains(out, "Negotiation") || strings.Contains(out, "Prospecting") || strings.Contains(out, "Closed Won") {
		t.Errorf("the filter \"neg\" did not narrow the list to Negotiation:\n%s", out)
	}
	only[StageChosenMsg](t, send(t, p, "enter"))

	p = openPicker(t, testPickerInput())
	typeText(t, p, "clo")
	typeText(t, p, "k") // "clok" matches nothing: typed, not a move
	if out := ansi.Strip(p.View()); !strings.Contains(out, "no stage matches") {
		t.Errorf("k was not typed into the filter:\n%s", out)
	}
	send(t, p, "backspace")
	// arrows still move while filtering: Closed Won, then Closed Lost
	msgs := send(t, p, "down")
	if len(msgs) != 0 {
		t.Fatalf("down sent %v", msgs)
	}
	if p.Step() != "stage" {
		t.Fatalf("step %q", p.Step())
	}
	send(t, p, "enter")
	if p.Step() != "loss reason" {
		t.Fatalf("picking Closed Lost through the filter went to step %q, want the loss reason", p.Step())
	}

	// esc clears the filter first, then cancels.
	p = openPicker(t, testPickerInput())
	typeText(t, p, "won")
	if msgs := send(t, p, "esc"); len(msgs) != 0 {
		t.Fatalf("esc with a filter sent %v", msgs)
	}
	if out := ansi.Strip(p.View()); !strings.Contains(out, "Prospecting") {
		t.Errorf("esc did not clear the filter:\n%s", out)
	}
	only[StagePickerCancelledMsg](t, send(t, p, "esc"))
}

func TestStagePickerSlashOpensTheFilter(t *testing.T) {
	p := openPicker(t, testPickerInput())
	send(t, p, "/")
	typeText(t, p, "jk")
	if out := ansi.Strip(p.View()); !strings.Contains(out, "/ jk") {
		t.Errorf("after / the keys j and k are not typed:\n%s", out)
	}
}

func TestStagePickerClosedLostAsksForTheReasonInTheSameFlow(t *testing.T) {
	p := openPicker(t, testPickerInput())
	if msgs := send(t, p, "j", "j", "j", "j", "enter"); len(msgs) != 0 {
		t.Fatalf("picking Closed Lost sent %v before asking for a reason", msgs)
	}
	out := ansi.Strip(p.View())
	if p.Step() != "loss reason" || !strings.Contains(out, "Closed Lost needs a loss reason") || !strings.Contains(out, "Lost to competitor") {
		t.Fatalf("no loss reason step:\n%s", out)
	}
	// esc goes back to the stages, keeping the cursor on Closed Lost
	send(t, p, "esc")
	if p.Step() != "stage" {
		t.Fatalf("esc left the picker in step %q", p.Step())
	}
	send(t, p, "enter")
	msg := only[StageChosenMsg](t, send(t, p, "j", "enter"))
	want := StageChosenMsg{OpportunityID: "006000000000001AAA", Stage: "Closed Lost", LossReason: "Competitor"}
	if msg != want {
		t.Errorf("got %+v, want %+v", msg, want)
	}
}

func TestStagePickerClosedLostWithoutARequiredReason(t *testing.T) {
	in := testPickerInput()
	in.LossReasonRequired = false
	p := openPicker(t, in)
	msg := only[StageChosenMsg](t, send(t, p, "j", "j", "j", "j", "enter"))
	if msg.Stage != "Closed Lost" || msg.LossReason != "" {
		t.Errorf("got %+v, want Closed Lost without a reason", msg)
	}
	// The org refuses it naming the loss reason: the picker asks for it,
	// keeping Closed Lost, and shows the org's words.
	out := refused(p, "Loss_Reason__c", "Closed Lost needs a loss reason")
	if p.Step() != "loss reason" || !strings.Contains(out, "✗ Closed Lost needs a loss reason") {
		t.Fatalf("the org's error is not shown at the loss reason:\n%s", out)
	}
	msg = only[StageChosenMsg](t, send(t, p, "enter"))
	if msg.Stage != "Closed Lost" || msg.LossReason != "Price" {
		t.Errorf("retry sent %+v", msg)
	}
	if strings.Contains(ansi.Strip(p.View()), "✗") {
		t.Error("the error stays after the retry")
	}
}

func TestStagePickerSetErrorOnTheStageKeepsTheInput(t *testing.T) {
	p := openPicker(t, testPickerInput())
	typeText(t, p, "neg")
	only[StageChosenMsg](t, send(t, p, "enter"))
	out := refused(p, "StageName", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: bad value for restricted picklist field: Negotiation",
		"", "UNABLE_TO_LOCK_ROW: try again")
	assertShows(t, out, "missing", "✗ INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "✗ UNABLE_TO_LOCK_ROW", "/ neg", "Negotiation")
	msg := only[StageChosenMsg](t, send(t, p, "enter"))
	if msg.Stage != "Negotiation" {
		t.Errorf("retry picked %q", msg.Stage)
	}
}

func TestStagePickerSaysHowOldThePicklistIs(t *testing.T) {
	for _, c := range []struct {
		live bool
		age  time.Duration
		want string
	}{
		{true, 0, "live picklist"},
		{false, 3*time.Hour + 59*time.Minute, "picklist from 3 h ago"},
		{false, 12 * time.Minute, "picklist from 12 min ago"},
		{false, 5 * 24 * time.Hour, "picklist from 5 days ago"},
	} {
		in := testPickerInput()
		in.Live, in.PicklistAsOf = c.live, testNow.Add(-c.age)
		if out := ansi.Strip(openPicker(t, in).View()); !strings.Contains(out, c.want) {
			t.Errorf("live %v age %v: no %q in\n%s", c.live, c.age, c.want, out)
		}
	}
}

func TestStagePickerSanitizesAndFits(t *testing.T) {
	in := testPickerInput()
	in.OpportunityName = evilName
	in.Stages = append(in.Stages, StageOption{Value: "x", Label: evilName})
	in.LossReasons = append(in.LossReasons, PicklistOption{Value: "y", Label: evilName})
	for _, size := range [][2]int{{80, 24}, {40, 10}, {140, 40}} {
		p := NewStagePicker(testContext(false), in)
		p.SetSize(size[0], size[1])
		out := p.View()
		assertSafe(t, out)
		assertBlock(t, out, size[0], size[1])
		p.SetError("Loss_Reason__c", evilName)
		assertSafe(t, p.View())
	}
}

func TestStagePickerScrollsLongPicklists(t *testing.T) {
	in := testPickerInput()
	in.Stages = nil
	for i := range 40 {
		in.Stages = append(in.Stages, StageOption{Value: "Stage " + string(rune('A'+i%26)) + string(rune('a'+i/26))})
	}
	p := openPicker(t, in)
	send(t, p, "G") // not a picker key: typed into the filter
	send(t, p, "esc")
	for range 39 {
		send(t, p, "j")
	}
	out := ansi.Strip(p.View())
	if !strings.Contains(out, "› Stage Nb") {
		t.Errorf("the cursor row is not shown after scrolling:\n%s", out)
	}
	assertBlock(t, out, 80, 24)
}

func TestStagePickerChooseTakesTheSamePath(t *testing.T) {
	p := openPicker(t, testPickerInput())
	typeText(t, p, "won")
	msgs := drain(p, p.Choose("Proposal"))
	if got := only[StageChosenMsg](t, msgs); got.Stage != "Proposal" || got.LossReason != "" {
		t.Errorf("Choose(Proposal) sent %+v", got)
	}
	if msgs := drain(p, p.Choose("Closed Lost")); len(msgs) != 0 || p.Step() != "loss reason" {
		t.Fatalf("Choose(Closed Lost) sent %v in step %q, want the loss reason asked first", msgs, p.Step())
	}
	if got := only[StageChosenMsg](t, send(t, p, "enter")); got.Stage != "Closed Lost" || got.LossReason != "Price" {
		t.Errorf("after the reason: %+v", got)
	}
	// A stage of another record type is refused before anything is sent.
	if msgs := drain(p, p.Choose("Quote Sent")); len(msgs) != 0 {
		t.Fatalf("Choose(Quote Sent) sent %v", msgs)
	}
	if out := ansi.Strip(p.View()); !strings.Contains(out, `"Quote Sent" is not a stage of this record type`) {
		t.Errorf("no refusal shown:\n%s", out)
	}
}
