package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/ui/theme"
)

// StagePickerPane names the stage picker.
const StagePickerPane PaneID = "Stage"

// DefaultLossReasonField is the API name of the loss reason field when the
// input names none.
const DefaultLossReasonField = "Loss_Reason__c"

// StageOption is one value of a record type's StageName picklist, with
// what its OpportunityStage says.
type StageOption struct {
	Value       string  // the API value, sent as StageName
	Label       string  // shown; Value when empty
	Probability float64 // default probability, in percent
	IsClosed    bool
	IsWon       bool
}

// PicklistOption is one value of a picklist.
type PicklistOption struct {
	Value   string
	Label   string // shown; Value when empty
	Default bool   // the org's default value
	Closed  bool   // a task status that closes the task (TaskStatus.IsClosed)
}

func (o PicklistOption) label() string {
	if o.Label != "" {
		return o.Label
	}
	return o.Value
}

func (o StageOption) label() string {
	if o.Label != "" {
		return o.Label
	}
	return o.Value
}

// StagePickerInput is everything the stage picker shows: the opportunity,
// the StageName values of its record type, how old that picklist is, and
// the loss reasons when the org requires one for a lost deal.
type StagePickerInput struct {
	OpportunityID   string
	OpportunityName string
	CurrentStage    string // the opportunity's StageName value
	Stages          []StageOption
	// Live says the picklist was just read from the org; otherwise
	// PicklistAsOf is when the cached copy was fetched (zero: unknown).
	Live         bool
	PicklistAsOf time.Time
	// LossReasonRequired asks for a loss reason when a closed, not won
	// stage is picked, from LossReasons (the org's picklist of
	// LossReasonField).
	LossReasonRequired bool
	LossReasonField    string // DefaultLossReasonField when empty
	LossReasons        []PicklistOption
}

// StageChosenMsg is the stage the user picked for an opportunity, with the
// loss reason when one was asked for. The picker stays open: the root
// closes it once the write is queued, or calls SetError.
type StageChosenMsg struct {
	OpportunityID string
	Stage         string // StageName value
	LossReason    string // value of the loss reason field; "" when not asked
}

// StagePickerCancelledMsg says the user closed the picker without a
// change.
type StagePickerCancelledMsg struct{ OpportunityID string }

type pickerStep int

const (
	stepStage pickerStep = iota
	stepReason
)

// String names the step.
func (s pickerStep) String() string { return [...]string{"stage", "loss reason"}[s] }

// StagePicker is the overlay that changes one opportunity's stage. It is a
// pure view: the input comes from NewStagePicker, the choice leaves as a
// StageChosenMsg, and the org's verdict comes back through SetError.
type StagePicker struct {
	ctx       *Context
	in        StagePickerInput
	step      pickerStep
	filter    textinput.Model
	filtering bool     // the filter input has the keys
	lower     []string // lower-cased labels, for the filter
	visible   []int    // indexes into in.Stages that match the filter
	cursor    int      // into visible
	offset    int      // first visible row shown
	chosen    int      // index into in.Stages of the stage being closed lost; -1 none
	reason    int      // cursor in the loss reasons
	errs      map[string]string
	general   string
	paneFocus
	width  int
	height int
}

var _ Pane = (*StagePicker)(nil)

// NewStagePicker returns the picker for in, with the cursor on the current
// stage.
func NewStagePicker(ctx *Context, in StagePickerInput) *StagePicker {
	if in.LossReasonField == "" {
		in.LossReasonField = DefaultLossReasonField
	}
	p := &StagePicker{ctx: ctx, in: in, chosen: -1, errs: map[string]string{}}
	p.filter = NewInput("/ ", "type to filter", ctx.Styles.IsDark)
	p.lower = make([]string, len(in.Stages))
	for i, s := range in.Stages {
		p.lower[i] = strings.ToLower(Sanitize(s.label()))
	}
	p.applyFilter()
	for i, idx := range p.visible {
		if in.Stages[idx].Value == in.CurrentStage {
			p.cursor = i
		}
	}
	return p
}

// OpportunityID returns the Id of the opportunity the picker changes.
func (p *StagePicker) OpportunityID() string { return p.in.OpportunityID }

// SetError shows an error of the org (or of local validation) next to the
// field it names, keeping what the user picked so they can fix it and
// pick again. field is an API name: StageName, the loss reason field, or
// anything else (or "") for an error shown under the list.
func (p *StagePicker) SetError(field, msg string) {
	msg = Sanitize(msg)
	switch {
	case strings.EqualFold(field, "StageName"):
		p.errs["StageName"] = msg
		p.step = stepStage
	case strings.EqualFold(field, p.in.LossReasonField) && len(p.in.LossReasons) > 0:
		p.errs[p.in.LossReasonField] = msg
		if p.chosen < 0 {
			p.chosen = p.highlighted()
		}
		if p.chosen >= 0 {
			p.step = stepReason
		}
	default:
		p.general = msg
	}
}

// Step returns "stage" or "loss reason": what the picker asks for now.
func (p *StagePicker) Step() string { return p.step.String() }

// SetSize implements Pane.
func (p *StagePicker) SetSize(w, h int) { p.width, p.height = w, h }

// Capturing implements Pane: an open picker has every key.
func (p *StagePicker) Capturing() bool { return true }

// highlighted returns the index into in.Stages under the cursor, or -1.
func (p *StagePicker) highlighted() int {
	if p.cursor < 0 || p.cursor >= len(p.visible) {
		return -1
	}
	return p.visible[p.cursor]
}

// applyFilter recomputes the visible stages, keeping the highlighted one
// when it still matches.
func (p *StagePicker) applyFilter() {
	keep := p.highlighted()
	q := strings.ToLower(strings.TrimSpace(p.filter.Value()))
	if q == "" {
		p.visible = make([]int, len(p.in.Stages))
		for i := range p.visible {
			p.visible[i] = i
		}
	} else {
		p.visible, _ = rankSearch(p.lower, nil, q)
	}
	p.cursor = 0
	for i, idx := range p.visible {
		if idx == keep {
			p.cursor = i
		}
	}
}

// Update implements Pane.
func (p *StagePicker) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if p.step == stepStage {
			p.filtering = true
			p.filter.Focus()
			return p, p.typed(msg)
		}
	case tea.KeyPressMsg:
		if p.step == stepReason {
			return p, p.updateReason(msg)
		}
		return p, p.updateStage(msg)
	}
	return p, nil
}

func (p *StagePicker) updateStage(msg tea.KeyPressMsg) tea.Cmd {
	k := &p.ctx.Keys.Picker
	// While filtering, a key that types text is typed: only keys without
	// text move the cursor.
	typing := p.filtering && msg.Text != ""
	switch {
	case key.Matches(msg, k.Cancel):
		if p.filtering || p.filter.Value() != "" {
			p.filtering = false
			p.filter.Blur()
			p.filter.SetValue("")
			p.applyFilter()
			return nil
		}
		return requestCmd(StagePickerCancelledMsg{OpportunityID: p.in.OpportunityID})
	case key.Matches(msg, k.Pick):
		return p.pick()
	case !typing && key.Matches(msg, k.Up):
		p.cursor = clamp(p.cursor-1, len(p.visible))
	case !typing && key.Matches(msg, k.Down):
		p.cursor = clamp(p.cursor+1, len(p.visible))
	case !p.filtering && key.Matches(msg, k.Filter):
		p.filtering = true
		return p.filter.Focus()
	case p.filtering:
		return p.typed(msg)
	case msg.Text != "":
		// Type-to-filter: any other printable key starts the filter.
		p.filtering = true
		p.filter.Focus()
		return p.typed(msg)
	}
	return nil
}

// typed passes a key or paste, cleaned, to the filter input.
func (p *StagePicker) typed(msg tea.Msg) tea.Cmd {
	cmd, changed := editInput(&p.filter, msg)
	if changed {
		p.applyFilter()
	}
	return cmd
}

// Choose picks the stage with the given value as if the user had moved to
// it and pressed enter: the way H/L on a pipeline card move it, through
// the same checks. A value that is not a stage of the record type is
// refused here (an error on StageName, nothing emitted); a lost stage that
// needs a reason opens the loss reason step (nothing emitted yet).
func (p *StagePicker) Choose(value string) tea.Cmd {
	at := -1
	for i, s := range p.in.Stages {
		if s.Value == value {
			at = i
		}
	}
	if at < 0 {
		p.SetError("StageName", fmt.Sprintf("%q is not a stage of this record type", value))
		return nil
	}
	p.filtering = false
	p.filter.Blur()
	p.filter.SetValue("")
	p.applyFilter()
	p.cursor = at
	p.step = stepStage
	return p.pick()
}

// pick takes the highlighted stage: a lost stage asks for a reason first
// when the org requires one.
func (p *StagePicker) pick() tea.Cmd {
	i := p.highlighted()
	if i < 0 {
		return nil
	}
	s := p.in.Stages[i]
	if s.IsClosed && !s.IsWon && p.in.LossReasonRequired && len(p.in.LossReasons) > 0 {
		if p.chosen != i {
			p.reason = 0
		}
		p.chosen, p.step = i, stepReason
		return nil
	}
	if s.Value == p.in.CurrentStage {
		return requestCmd(StagePickerCancelledMsg{OpportunityID: p.in.OpportunityID})
	}
	p.chosen = i
	p.clearErrors()
	return requestCmd(StageChosenMsg{OpportunityID: p.in.OpportunityID, Stage: s.Value})
}

func (p *StagePicker) clearErrors() {
	clear(p.errs)
	p.general = ""
}

func (p *StagePicker) updateReason(msg tea.KeyPressMsg) tea.Cmd {
	k := &p.ctx.Keys.Picker
	n := len(p.in.LossReasons)
	switch {
	case key.Matches(msg, k.Cancel):
		p.step = stepStage
	case key.Matches(msg, k.Up):
		p.reason = clamp(p.reason-1, n)
	case key.Matches(msg, k.Down):
		p.reason = clamp(p.reason+1, n)
	case key.Matches(msg, k.Pick):
		if p.chosen < 0 || n == 0 {
			return nil
		}
		p.clearErrors()
		return requestCmd(StageChosenMsg{
			OpportunityID: p.in.OpportunityID,
			Stage:         p.in.Stages[p.chosen].Value,
			LossReason:    p.in.LossReasons[p.reason].Value,
		})
	}
	return nil
}

// boxWidths are an overlay's outer width within the space w (want at
// most) and its inner width, within the frame of st's overlay.
func boxWidths(st *theme.Styles, w, want int) (bw, inner int) {
	bw = max(1, min(w, want))
	return bw, max(1, bw-st.Overlay.GetHorizontalFrameSize())
}

// overlayBox frames lines, each exactly inner cells wide, with the
// theme's overlay border and padding into a box bw cells wide, and centres
// it in a w×h block. It draws the frame itself rather than through
// lipgloss.Style.Render and Place, which measure every cell again: this
// runs on every keystroke of a form.
func overlayBox(st *theme.Styles, lines []string, bw, w, h int) string {
	o := st.Overlay
	b := o.GetBorderStyle()
	edge := lipgloss.NewStyle().Foreground(o.GetBorderTopForeground())
	inner := max(0, bw-o.GetHorizontalFrameSize())
	padL := strings.Repeat(" ", o.GetPaddingLeft())
	padR := strings.Repeat(" ", o.GetPaddingRight())
	left, right := edge.Render(b.Left), edge.Render(b.Right)
	box := make([]string, 0, len(lines)+2)
	box = append(box, edge.Render(b.TopLeft+strings.Repeat(b.Top, max(0, bw-2))+b.TopRight))
	for _, l := range lines {
		box = append(box, left+padL+fitStyled(l, inner)+padR+right)
	}
	box = append(box, edge.Render(b.BottomLeft+strings.Repeat(b.Bottom, max(0, bw-2))+b.BottomRight))
	if len(box) > h {
		box = box[:h]
	}
	lm := max(0, (w-bw)/2)
	marginL, marginR := strings.Repeat(" ", lm), strings.Repeat(" ", max(0, w-bw-lm))
	blank := strings.Repeat(" ", w)
	top := max(0, (h-len(box))/2)
	out := make([]string, 0, h)
	for range top {
		out = append(out, blank)
	}
	for _, l := range box {
		out = append(out, marginL+l+marginR)
	}
	for len(out) < h {
		out = append(out, blank)
	}
	return strings.Join(out, "\n")
}

// picklistAge says how old a picklist is: "live picklist", "picklist
// from 3 h ago".
func picklistAge(now time.Time, live bool, asOf time.Time) string {
	if live {
		return "live picklist"
	}
	if asOf.IsZero() {
		return "cached picklist"
	}
	return "picklist from " + Ago(now.Sub(asOf))
}

// Ago formats an age for people: "just now", "12 min ago", "3 h ago",
// "5 days ago".
func Ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	default:
		return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
	}
}

// View implements Pane.
func (p *StagePicker) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.ctx.Styles
	bw, inner := boxWidths(st, p.width, 64)
	// rows the list may use: the box minus its frame, title, age, filter,
	// blank, error and help lines
	rows := max(1, p.height-st.Overlay.GetVerticalFrameSize()-7)
	var lines []string
	lines = append(lines,
		st.Title.Render(fit("Stage · "+p.in.OpportunityName, inner)),
		st.Muted.Render(fit(picklistAge(p.ctx.Now(), p.in.Live, p.in.PicklistAsOf), inner)))
	if p.step == stepReason {
		lines = append(lines, p.reasonLines(inner, rows)...)
	} else {
		lines = append(lines, p.stageLines(inner, rows)...)
	}
	if p.general != "" {
		lines = append(lines, errorLines(st.Error, p.general, inner)...)
	}
	lines = append(lines, "", st.Muted.Render(fit(helpLine(p.ShortHelp(), inner), inner)))
	return overlayBox(st, lines, bw, p.width, p.height)
}

func (p *StagePicker) stageLines(inner, rows int) []string {
	st := p.ctx.Styles
	var l []string
	if p.filtering || p.filter.Value() != "" {
		p.filter.SetWidth(max(1, inner-3))
		l = append(l, fitStyled(p.filter.View(), inner))
	} else {
		l = append(l, st.Muted.Render(fit("type to filter", inner)))
	}
	if msg := p.errs["StageName"]; msg != "" {
		l = append(l, errorLines(st.Error, msg, inner)...)
	}
	if len(p.visible) == 0 {
		return append(l, st.Muted.Render(fit("no stage matches", inner)))
	}
	p.offset = scrollOffset(p.offset, p.cursor, rows, len(p.visible))
	end := min(len(p.visible), p.offset+rows)
	for i := p.offset; i < end; i++ {
		s := p.in.Stages[p.visible[i]]
		l = append(l, p.stageRow(s, i == p.cursor, inner))
	}
	return l
}

// stageRow renders one stage: cursor, label, probability, closed/won and
// the current-stage mark.
func (p *StagePicker) stageRow(s StageOption, selected bool, inner int) string {
	st := p.ctx.Styles
	cur := "  "
	if selected {
		cur = "› "
	}
	flags := ""
	switch {
	case s.IsWon:
		flags = "closed · won"
	case s.IsClosed:
		flags = "closed · lost"
	}
	mark := ""
	if s.Value == p.in.CurrentStage {
		mark = "• current"
	}
	prob := fmt.Sprintf("%4.0f%%", s.Probability)
	tail := fmt.Sprintf(" %s  %-13s %-9s", prob, flags, mark)
	labelW := max(1, inner-2-ansi.StringWidth(tail))
	row := cur + fit(s.label(), labelW) + tail
	row = fit(row, inner)
	if selected {
		return st.Selected.Render(row)
	}
	if s.Value == p.in.CurrentStage {
		return st.Title.Render(row)
	}
	return st.Text.Render(row)
}

func (p *StagePicker) reasonLines(inner, rows int) []string {
	st := p.ctx.Styles
	stage := ""
	if p.chosen >= 0 {
		stage = p.in.Stages[p.chosen].label()
	}
	l := []string{st.Warn.Render(fit(stage+" needs a loss reason", inner))}
	if msg := p.errs[p.in.LossReasonField]; msg != "" {
		l = append(l, errorLines(st.Error, msg, inner)...)
	}
	off := scrollOffset(0, p.reason, rows, len(p.in.LossReasons))
	end := min(len(p.in.LossReasons), off+rows)
	for i := off; i < end; i++ {
		r := p.in.LossReasons[i]
		if i == p.reason {
			l = append(l, st.Selected.Render(fit("› "+r.label(), inner)))
		} else {
			l = append(l, st.Text.Render(fit("  "+r.label(), inner)))
		}
	}
	return l
}

// scrollOffset returns the first row to show so that cursor is among the
// rows shown, moving the previous offset as little as possible.
func scrollOffset(offset, cursor, rows, n int) int {
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+rows {
		offset = cursor - rows + 1
	}
	return max(0, min(offset, n-rows))
}

// helpLine renders the enabled bindings as "key desc · key desc", as many
// whole ones as fit in w cells.
func helpLine(bs []key.Binding, w int) string {
	out := ""
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		part := Sanitize(h.Key + " " + h.Desc)
		if out != "" {
			part = " · " + part
		}
		if ansi.StringWidth(out+part) > w {
			break
		}
		out += part
	}
	return out
}

// errorLines renders an error as up to three lines of w cells, wrapped at
// words, with its sign.
func errorLines(st lipgloss.Style, msg string, w int) []string {
	lines := strings.Split(ansi.Wrap("✗ "+Sanitize(msg), max(1, w), " "), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
		lines[2] = ansi.Truncate(lines[2], w-1, "") + "…"
	}
	for i, l := range lines {
		lines[i] = st.Render(fitStyled(l, w))
	}
	return lines
}

// ShortHelp implements help.KeyMap.
func (p *StagePicker) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Picker
	if p.step == stepReason {
		back := k.Cancel
		back.SetHelp(k.Cancel.Help().Key, "back to stages")
		return []key.Binding{k.Up, k.Down, k.Pick, back}
	}
	if p.filtering {
		// letters are typed into the filter: only the arrows move
		up, down, clr := k.Up, k.Down, k.Cancel
		up.SetHelp("↑", up.Help().Desc)
		down.SetHelp("↓", down.Help().Desc)
		clr.SetHelp(clr.Help().Key, "clear filter")
		return []key.Binding{up, down, k.Pick, clr}
	}
	return []key.Binding{k.Up, k.Down, k.Pick, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (p *StagePicker) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Picker
	return [][]key.Binding{{k.Up, k.Down, k.Filter}, {k.Pick, k.Cancel}}
}
