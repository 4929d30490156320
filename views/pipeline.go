package views

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
)

// pipelineColumn is one stage of the board.
type pipelineColumn struct {
	stage    book.Stage
	cards    []int // indexes into the opportunities, by close date
	total    float64
	weighted float64 // sum of amount × probability
	quarter  float64 // total of the cards closing in the current fiscal quarter
}

// boardKey names one grouping of the board, so switching back and forth
// between record types or owners does not regroup 100k records each time.
type boardKey struct {
	recordType string
	mine       bool
}

// PipelinePane is the pipeline board's pane.
const PipelinePane PaneID = "Pipeline"

// Pipeline is the board pane: one column per stage of the chosen record
// type's sales process, and a bar chart of the open amount by stage with
// what was won and lost this fiscal quarter.
type Pipeline struct {
	ctx         *Context
	index       *OpportunityIndex
	recordTypes []book.RecordType
	rt          int // selected record type
	mine        bool
	columns     []pipelineColumn
	open        float64 // the open stages' total, summed when the columns change
	weighted    float64 // and their weighted total
	col         int     // focused column
	cursor      []int   // selected card per column
	colOffset   int     // first visible column
	built       map[boardKey][]pipelineColumn
	paneFocus
	width  int
	height int
}

var _ Pane = (*Pipeline)(nil)

// NewPipeline returns an empty pipeline pane.
func NewPipeline(ctx *Context) *Pipeline {
	return &Pipeline{ctx: ctx, index: NewOpportunityIndex(nil)}
}

// SetData replaces the opportunities and the record types.
func (p *Pipeline) SetData(ix *OpportunityIndex, rts []book.RecordType) {
	var current string
	if p.rt < len(p.recordTypes) {
		current = p.recordTypes[p.rt].ID
	}
	p.index, p.recordTypes = ix, rts
	p.built = nil
	p.rt = 0
	for i, rt := range rts {
		if rt.ID == current {
			p.rt = i
		}
	}
	p.rebuild()
}

// Refresh regroups the board after a change of the shared context (the
// org's fiscal year).
func (p *Pipeline) Refresh() {
	p.built = nil
	p.rebuild()
}

// RecordType returns the chosen record type.
func (p *Pipeline) RecordType() (book.RecordType, bool) {
	if p.rt >= len(p.recordTypes) {
		return book.RecordType{}, false
	}
	return p.recordTypes[p.rt], true
}

// Mine reports whether only the user's opportunities are shown.
func (p *Pipeline) Mine() bool { return p.mine }

// Column returns the focused column's stage label and its card count.
func (p *Pipeline) Column() (string, int) {
	if p.col >= len(p.columns) {
		return "", 0
	}
	return p.columns[p.col].stage.Label, len(p.columns[p.col].cards)
}

// ClosedThisQuarter returns the closed stages' labels and the amounts
// closed in them in the current fiscal quarter, as the chart shows them.
func (p *Pipeline) ClosedThisQuarter() (labels []string, amounts []float64) {
	for _, c := range p.columns {
		if c.stage.IsClosed {
			labels = append(labels, c.stage.Label)
			amounts = append(amounts, c.quarter)
		}
	}
	return labels, amounts
}

// Totals returns each column's stage label, total and weighted total.
func (p *Pipeline) Totals() (labels []string, totals, weighted []float64) {
	for _, c := range p.columns {
		labels = append(labels, c.stage.Label)
		totals = append(totals, c.total)
		weighted = append(weighted, c.weighted)
	}
	return labels, totals, weighted
}

// rebuild shows the columns of the chosen record type and owner filter,
// grouping them on first use.
func (p *Pipeline) rebuild() {
	p.open, p.weighted = 0, 0
	rt, ok := p.RecordType()
	if !ok {
		p.columns, p.cursor = nil, nil
		return
	}
	k := boardKey{recordType: rt.ID, mine: p.mine}
	if p.built == nil {
		p.built = make(map[boardKey][]pipelineColumn)
	}
	cols, ok := p.built[k]
	if !ok {
		cols = p.group(rt)
		p.built[k] = cols
	}
	p.columns = cols
	for _, c := range cols {
		if !c.stage.IsClosed {
			p.open += c.total
			p.weighted += c.weighted
		}
	}
	p.cursor = make([]int, len(p.columns))
	p.col = clamp(p.col, len(p.columns))
	p.followColumn()
}

// group sorts the opportunities of record type rt into its stage columns.
func (p *Pipeline) group(rt book.RecordType) []pipelineColumn {
	var columns []pipelineColumn
	stages := slices.Clone(rt.Stages)
	slices.SortStableFunc(stages, func(a, b book.Stage) int { return a.SortOrder - b.SortOrder })
	byLabel := make(map[string]int, len(stages))
	for i, s := range stages {
		columns = append(columns, pipelineColumn{stage: s})
		byLabel[s.Label] = i
	}
	qStart, qEnd := p.ctx.FiscalQuarter(p.ctx.Now())
	// First the records in their own order, which memory follows well
	// at 100k records: what each adds to its column, packed. Then the
	// close-date order, so cards come out sorted (and the sums add up in
	// that order), reading only the packed facts.
	opps := p.index.Opportunities
	type card struct {
		col              int32 // -1: not on this board
		inQuarter        bool
		amount, weighted float64
	}
	cards := make([]card, len(opps))
	for i := range opps {
		o := &opps[i]
		cards[i].col = -1
		if o.RecordTypeID != rt.ID || (p.mine && o.OwnerID != p.ctx.Me) {
			continue
		}
		c, ok := byLabel[o.StageName]
		if !ok {
			continue
		}
		cards[i] = card{col: int32(c), inQuarter: !o.CloseDate.Before(qStart) && o.CloseDate.Before(qEnd),
			amount: o.Amount, weighted: o.Amount * o.Probability / 100}
	}
	for _, i := range p.index.order(ColCloseDate) {
		k := &cards[i]
		if k.col < 0 {
			continue
		}
		col := &columns[k.col]
		col.cards = append(col.cards, i)
		col.total += k.amount
		col.weighted += k.weighted
		if k.inQuarter {
			col.quarter += k.amount
		}
	}
	return columns
}

// SetSize implements Pane.
func (p *Pipeline) SetSize(w, h int) {
	p.width, p.height = w, h
	p.followColumn()
}

// Capturing implements Pane; the board has no text input.
func (p *Pipeline) Capturing() bool { return false }

// selectedID returns the selected card's opportunity Id.
func (p *Pipeline) selectedID() string {
	if p.col >= len(p.columns) {
		return ""
	}
	c := p.columns[p.col]
	if len(c.cards) == 0 {
		return ""
	}
	return p.index.Opportunities[c.cards[p.cursor[p.col]]].ID
}

// Selected returns the selected card's opportunity.
func (p *Pipeline) Selected() (book.Opportunity, bool) {
	if p.col >= len(p.columns) || len(p.columns[p.col].cards) == 0 {
		return book.Opportunity{}, false
	}
	c := p.columns[p.col]
	return p.index.Opportunities[c.cards[p.cursor[p.col]]], true
}

// Update implements Pane.
func (p *Pipeline) Update(msg tea.Msg) (Pane, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || len(p.columns) == 0 && !key.Matches(kp, p.ctx.Keys.Pipeline.RecordType, p.ctx.Keys.Pipeline.Mine) {
		return p, nil
	}
	k := &p.ctx.Keys.Pipeline
	n := 0
	if p.col < len(p.columns) {
		n = len(p.columns[p.col].cards)
	}
	switch {
	case key.Matches(kp, k.Left):
		p.col = clamp(p.col-1, len(p.columns))
	case key.Matches(kp, k.Right):
		p.col = clamp(p.col+1, len(p.columns))
	case key.Matches(kp, k.Up):
		p.cursor[p.col] = clamp(p.cursor[p.col]-1, n)
	case key.Matches(kp, k.Down):
		p.cursor[p.col] = clamp(p.cursor[p.col]+1, n)
	case key.Matches(kp, k.Top):
		p.cursor[p.col] = 0
	case key.Matches(kp, k.Bottom):
		p.cursor[p.col] = clamp(n-1, n)
	case key.Matches(kp, k.RecordType):
		if len(p.recordTypes) > 0 {
			p.rt = (p.rt + 1) % len(p.recordTypes)
			p.col = 0
			p.rebuild()
		}
	case key.Matches(kp, k.Mine):
		p.mine = !p.mine
		p.rebuild()
	default:
		cmd, _ := recordKeys(kp, &k.List, PipelinePane, OpportunityRecord, p.selectedID())
		return p, cmd
	}
	p.followColumn()
	return p, nil
}

// visibleColumns is how many stage columns fit the width.
func (p *Pipeline) visibleColumns() int {
	return max(1, min(len(p.columns), p.width/minColumnWidth))
}

// followColumn scrolls the board sideways so that the focused column is
// visible and the window is full: after a resize or a switch to a record
// type with fewer stages the window never starts past the last full one.
func (p *Pipeline) followColumn() {
	visible := p.visibleColumns()
	if p.col < p.colOffset {
		p.colOffset = p.col
	}
	if p.col >= p.colOffset+visible {
		p.colOffset = p.col - visible + 1
	}
	p.colOffset = max(0, min(p.colOffset, len(p.columns)-visible))
}

// shownColumns returns the range [start, end) of the columns the board
// shows; the header names the same range.
func (p *Pipeline) shownColumns() (start, end int) {
	return p.colOffset, min(len(p.columns), p.colOffset+p.visibleColumns())
}

// minColumnWidth is the narrowest a stage column gets before the board
// scrolls sideways.
const minColumnWidth = 24

// View implements Pane.
func (p *Pipeline) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.ctx.Styles
	rt, ok := p.RecordType()
	if !ok {
		return padLines(st.Title.Render("Pipeline")+"\n"+st.Muted.Render("No opportunity record types in the cache yet."), p.width, p.height)
	}
	owner := "all owners"
	if p.mine {
		owner = "mine"
	}
	more := ""
	if start, end := p.shownColumns(); end-start < len(p.columns) {
		more = fmt.Sprintf(" · stages %d–%d/%d", start+1, end, len(p.columns))
	}
	title := "Pipeline " + st.Muted.Render(fmt.Sprintf("%s%s · %s · open %s · weighted %s",
		Sanitize(rt.Name), more, owner, p.ctx.Money(p.open), p.ctx.Money(p.weighted)))
	header := fitStyled(st.Title.Render(title), p.width)

	chart := p.chart()
	chartH := lipgloss.Height(chart)
	boardH := p.height - 1 - chartH - 1
	if boardH < 8 { // too short for both: the board wins
		chart, chartH = "", 0
		boardH = p.height - 1
	}
	parts := []string{header, p.board(boardH)}
	if chartH > 0 {
		parts = append(parts, "", chart)
	}
	return padLines(strings.Join(parts, "\n"), p.width, p.height)
}

// board renders the visible stage columns at height h.
func (p *Pipeline) board(h int) string {
	st := p.ctx.Styles
	visible := p.visibleColumns()
	colW := p.width / visible
	lastW := p.width - colW*(visible-1) // the last column takes the remainder
	frameW := st.Column.GetHorizontalFrameSize()
	frameH := st.Column.GetVerticalFrameSize()
	innerW := max(1, colW-frameW)
	innerH := max(1, h-frameH)
	var cols []string
	start, end := p.shownColumns()
	for ci := start; ci < end; ci++ {
		c := p.columns[ci]
		focusedCol := ci == p.col && p.focused
		var lines []string
		lines = append(lines, st.Title.Render(fit(c.stage.Label, innerW)))
		lines = append(lines, st.Muted.Render(fit(p.columnFigures(c, innerW), innerW)))
		cardH := 2
		slots := max(0, (innerH-len(lines))/cardH)
		off := 0
		if len(c.cards) > 0 {
			off = scroll(p.cursor[ci], 0, slots, len(c.cards))
		}
		for j := off; j < min(len(c.cards), off+slots); j++ {
			o := &p.index.Opportunities[c.cards[j]]
			name := fit(dealLabel(o.Name, o.AccountName, innerW), innerW)
			if s := p.ctx.Mark(o.ID); s != WriteNone && innerW > 2 {
				// The card's write sign, plain: the card may be drawn
				// in the selection's style.
				name = s.Glyph() + " " + fit(dealLabel(o.Name, o.AccountName, innerW-2), innerW-2)
			}
			meta := fit(cardFigures(p.ctx.Amount(o.Amount, o.AmountNull), date(o.CloseDate), innerW), innerW)
			if j == p.cursor[ci] && ci == p.col {
				if focusedCol {
					name = st.Selected.Render(name)
					meta = st.Selected.Render(meta)
				} else {
					name = st.Text.Bold(true).Render(name)
				}
			} else {
				meta = st.Muted.Render(meta)
			}
			lines = append(lines, name, meta)
		}
		if len(c.cards) == 0 {
			lines = append(lines, st.Muted.Render(fit("no opportunities", innerW)))
		}
		body := padLines(strings.Join(lines, "\n"), innerW, innerH)
		style := st.Column
		if ci == p.col {
			style = st.ColumnFocus
		}
		w := colW
		if ci == start+visible-1 {
			w = lastW
			body = padLines(body, max(1, lastW-frameW), innerH)
		}
		cols = append(cols, style.Width(w).Height(h).Render(body))
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

// columnFigures returns a column's figures as they fit w cells: its card
// count, total and weighted total, dropping the weighted total, then the
// total, rather than cutting a number.
func (p *Pipeline) columnFigures(c pipelineColumn, w int) string {
	count := formatInt(int64(len(c.cards)))
	total, weighted := p.ctx.Money(c.total), p.ctx.Money(c.weighted)
	for _, s := range []string{
		count + " · " + total + " · w " + weighted,
		count + " · " + total,
	} {
		if ansi.StringWidth(s) <= w {
			return s
		}
	}
	return count
}

// cardFigures is a card's second line in w cells: the amount and the close
// date, or the amount alone rather than a cut date.
func cardFigures(amount, closeDate string, w int) string {
	if s := amount + " · " + closeDate; ansi.StringWidth(s) <= w {
		return s
	}
	return amount
}

// dealSeparators join an account's name to the rest of a deal's name:
// "Acme - Expansion", "Acme — Platform", "Acme: Renewal".
const dealSeparators = " -–—:·|/"

// dealLabel is a card's name line in w cells: deal names usually start
// with their account's name ("Riverside Hospitality - Expansion"), so a
// name cut to fit would leave the cards of one account looking the same.
// When the name does not fit, the part that tells the deals apart comes
// first, then the account; a name that does not start with its account's
// stays as it is.
func dealLabel(name, account string, w int) string {
	if ansi.StringWidth(Sanitize(name)) <= w {
		return name
	}
	if rest, ok := afterAccount(name, account); ok {
		return rest + " · " + account
	}
	return name
}

// afterAccount returns the part of a deal's name after its account's name
// (or after a first part that begins the account's name: "Acme — Platform"
// under "Acme Logistics"); ok is false when there is none.
func afterAccount(name, account string) (rest string, ok bool) {
	if account == "" {
		return "", false
	}
	startsWith := func(s, prefix string) bool {
		return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
	}
	// The whole account name, then a separator.
	if startsWith(name, account) && len(name) > len(account) && strings.ContainsRune(dealSeparators, firstRune(name[len(account):])) {
		rest = strings.TrimLeft(name[len(account):], dealSeparators)
		return rest, rest != ""
	}
	// A first part the account's name begins with, as a whole word.
	for _, sep := range []string{" — ", " – ", " - ", ": "} {
		head, tail, found := strings.Cut(name, sep)
		if !found || head == "" || !startsWith(account, head) {
			continue
		}
		if len(account) > len(head) && account[len(head)] != ' ' {
			continue
		}
		tail = strings.TrimLeft(tail, dealSeparators)
		return tail, tail != ""
	}
	return "", false
}

// chart renders horizontal bar charts of the pipeline: the amount in each
// open stage, then the amount won and lost in the current fiscal quarter.
// All-time closed totals would dwarf the open stages and say nothing about
// the pipeline, so they stay on the board only. One scale for every bar.
func (p *Pipeline) chart() string {
	st := p.ctx.Styles
	if len(p.columns) == 0 {
		return ""
	}
	type bar struct {
		label  string
		amount float64
	}
	var open, closed []bar
	labelW := 0
	var peak float64
	for _, c := range p.columns {
		b := bar{c.stage.Label, c.total}
		if c.stage.IsClosed {
			b.amount = c.quarter
			closed = append(closed, b)
		} else {
			open = append(open, b)
		}
		labelW = max(labelW, ansi.StringWidth(Sanitize(b.label)))
		peak = max(peak, b.amount)
	}
	labelW = min(labelW, p.width/4)
	valueW := 8 // amounts are never cut: the widest sets the column
	for _, c := range p.columns {
		amount := c.total
		if c.stage.IsClosed {
			amount = c.quarter
		}
		valueW = max(valueW, ansi.StringWidth(p.ctx.Money(amount)))
	}
	barW := max(1, p.width-labelW-valueW-3)
	var lines []string
	rows := func(title string, bars []bar) {
		lines = append(lines, st.Header.Render(fit(title, p.width)))
		for _, b := range bars {
			n := 0
			if peak > 0 {
				n = int(b.amount / peak * float64(barW))
			}
			if n == 0 && b.amount > 0 {
				n = 1
			}
			drawn := st.Bar.Render(strings.Repeat("█", n)) + strings.Repeat(" ", barW-n)
			lines = append(lines, fit(b.label, labelW)+" "+drawn+" "+fitRight(p.ctx.Money(b.amount), valueW))
		}
	}
	if len(open) > 0 {
		rows("Open pipeline by stage", open)
	}
	if len(closed) > 0 {
		rows("Closed "+p.ctx.QuarterLabel(p.ctx.Now()), closed)
	}
	return strings.Join(lines, "\n")
}

// ShortHelp implements help.KeyMap.
func (p *Pipeline) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Pipeline
	return []key.Binding{k.Left, k.Right, k.Up, k.Down, k.Open, k.RecordType, k.Mine}
}

// FullHelp implements help.KeyMap.
func (p *Pipeline) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Pipeline
	return [][]key.Binding{
		{k.Left, k.Right, k.Up, k.Down, k.Top, k.Bottom},
		{k.Open, k.RecordType, k.Mine, k.Browser, k.Copy},
	}
}
