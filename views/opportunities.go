package views

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
)

// OppColumn is a column of the opportunities table.
type OppColumn int

// The table's columns, in display order.
const (
	ColName OppColumn = iota
	ColAccount
	ColStage
	ColAmount
	ColCloseDate
	ColOwner
	ColProbability
	numOppColumns
)

// String returns the column's header.
func (c OppColumn) String() string {
	return [...]string{"Name", "Account", "Stage", "Amount", "Close", "Owner", "Prob."}[c]
}

// StatusFilter is the open/closed quick filter.
type StatusFilter int

// The status filter's values, in the order its key cycles them.
const (
	StatusOpen StatusFilter = iota
	StatusClosed
	StatusAny
)

// String returns the filter's chip label.
func (s StatusFilter) String() string { return [...]string{"open", "closed", "open+closed"}[s] }

// ClosingFilter is the close-date quick filter.
type ClosingFilter int

// The close-date filter's values, in the order its key cycles them.
const (
	ClosingAny ClosingFilter = iota
	ClosingThisMonth
	ClosingThisQuarter
)

// String returns the filter's chip label.
func (c ClosingFilter) String() string {
	return [...]string{"any close date", "closing this month", "closing this quarter"}[c]
}

// ChipOnMark leads an active quick filter's chip.
const ChipOnMark = "✓ "

// StaleAfter is how long without activity makes an opportunity stale.
const StaleAfter = 30 * 24 * time.Hour

// OpportunityIndex is an immutable, searchable snapshot of the
// opportunities with one order per column. Build it in a command; it is
// shared by the opportunities and pipeline panes.
//
// Start-up over 100k opportunities must paint at once, so
// NewOpportunityIndex builds only what the first frame shows (the
// close-date order, the default and the pipeline's, and the quick
// filters' facts); the search keys and the other orders are built on
// first use, or earlier by Warm, which the app runs in a command of its
// own next to the one that delivers the index.
type OpportunityIndex struct {
	Opportunities []book.Opportunity
	rts           []book.RecordType
	facts         []oppFacts
	owners        map[string]int32 // owner Id → its number in facts
	keys          lazy[[]string]   // sanitized, lower-cased name and account
	orders        [numOppColumns]lazy[[]int]
}

// oppFacts is what the quick filters and the amount total read of one
// opportunity, packed apart from the records: a walk over 100k rows in
// sort order then stays within a few megabytes and follows no string.
type oppFacts struct {
	amount       float64
	close        time.Time
	lastActivity time.Time
	owner        int32
	closed       bool
}

// NewOpportunityIndex builds the index of opps. The record types' sales
// processes order the Stage column (see stageOrder); without them stages
// sort by name.
func NewOpportunityIndex(opps []book.Opportunity, rts ...book.RecordType) *OpportunityIndex {
	ix := newOpportunityIndex(opps, rts)
	ix.order(ColCloseDate)
	return ix
}

// newOpportunityIndex is NewOpportunityIndex without the close-date order.
func newOpportunityIndex(opps []book.Opportunity, rts []book.RecordType) *OpportunityIndex {
	ix := &OpportunityIndex{Opportunities: opps, rts: rts, facts: make([]oppFacts, len(opps)),
		owners: make(map[string]int32)}
	for i := range opps {
		o := &opps[i]
		n, ok := ix.owners[o.OwnerID]
		if !ok {
			n = int32(len(ix.owners))
			ix.owners[o.OwnerID] = n
		}
		ix.facts[i] = oppFacts{amount: o.Amount, close: o.CloseDate, lastActivity: o.LastActivityDate, owner: n, closed: o.IsClosed}
	}
	return ix
}

// order returns the indexes of the opportunities in ascending order of
// column c, building it on first use.
func (ix *OpportunityIndex) order(c OppColumn) []int {
	return ix.orders[c].get(func() []int {
		if c == ColStage {
			return stageOrder(ix.Opportunities, ix.rts)
		}
		return oppOrder(ix.Opportunities, c)
	})
}

// ownerNumber returns the number of owner id in facts, or -1 when no
// opportunity has that owner.
func (ix *OpportunityIndex) ownerNumber(id string) int32 {
	if n, ok := ix.owners[id]; ok {
		return n
	}
	return -1
}

// Warm builds the search keys and every column's order, concurrently (at
// 100k opportunities each costs tens of milliseconds). Run it in a
// command: it is what makes the first sort or search keystroke instant.
func (ix *OpportunityIndex) Warm() {
	var wg sync.WaitGroup
	wg.Go(func() { ix.searchKeys() })
	for c := range numOppColumns {
		wg.Go(func() { ix.order(c) })
	}
	wg.Wait()
}

// stageOrder returns the indexes of opps in the order of the sales
// process, as Salesforce's ORDER BY StageName does (by the stage's
// OpportunityStage SortOrder, not its name): by the SortOrder of the stage
// in the opportunity's record type (or, for a stage its record type does
// not list, in any record type), then by stage name for stages that share
// a SortOrder or are unknown (those come last), then by close date, then
// by position.
func stageOrder(opps []book.Opportunity, rts []book.RecordType) []int {
	type rtStage struct{ rt, label string }
	own := make(map[rtStage]int)
	byLabel := make(map[string]int)
	for _, rt := range rts {
		for _, s := range rt.Stages {
			own[rtStage{rt.ID, s.Label}] = s.SortOrder
			if o, ok := byLabel[s.Label]; !ok || s.SortOrder < o {
				byLabel[s.Label] = s.SortOrder
			}
		}
	}
	// Each record type's stage is looked up once: the opportunities' stages
	// and record types are numbered, and their pairs.
	n := len(opps)
	stageIDs, stages, _ := dedup(n, func(i int) string { return opps[i].StageName }, false)
	rtIDs, _, _ := dedup(n, func(i int) string { return opps[i].RecordTypeID }, false)
	nameRank, _ := foldedRanks(len(stages), func(j int) string { return stages[j] })
	type pair struct{ rt, stage int32 }
	type stageKey struct {
		sortOrder float64 // compared as a float64, as before
		name      int32   // the stage name's rank
	}
	pairIDs := make(map[pair]int32)
	var keys []stageKey // by pair number
	of := make([]int32, n)
	last := pair{-1, -1}
	lastID := int32(-1)
	for i := range opps {
		p := pair{rtIDs[i], stageIDs[i]}
		if p != last {
			id, ok := pairIDs[p]
			if !ok {
				o := &opps[i]
				so, ok := own[rtStage{o.RecordTypeID, o.StageName}]
				if !ok {
					if so, ok = byLabel[o.StageName]; !ok {
						so = math.MaxInt
					}
				}
				id = int32(len(keys))
				pairIDs[p] = id
				keys = append(keys, stageKey{float64(so), nameRank[p.stage]})
			}
			last, lastID = p, id
		}
		of[i] = lastID
	}
	// The pairs' ranks by SortOrder, then stage name.
	byKey := make([]int32, len(keys))
	for j := range byKey {
		byKey[j] = int32(j)
	}
	compare := func(a, b int32) int {
		return cmp.Or(cmp.Compare(keys[a].sortOrder, keys[b].sortOrder), cmp.Compare(keys[a].name, keys[b].name))
	}
	slices.SortFunc(byKey, compare)
	rank := make([]int32, len(keys))
	r := int32(-1)
	for j, p := range byKey {
		if j == 0 || compare(p, byKey[j-1]) != 0 {
			r++
		}
		rank[p] = r
	}
	for i, p := range of {
		of[i] = rank[p]
	}
	// By close date first, then (stably) by the pairs' ranks; ties stay by
	// position.
	order := sortedOrder(timeKeys(opps, func(o *book.Opportunity) int64 { return o.CloseDate.Unix() }))
	return countingSortBy(order, of, int(r+1))
}

// oppOrder returns the indexes of opps in ascending order of column c
// (every column but Stage: see stageOrder).
func oppOrder(opps []book.Opportunity, c OppColumn) []int {
	var keys []float64
	switch c {
	case ColName:
		return textOrder(len(opps), func(i int) string { return opps[i].Name })
	case ColAccount:
		return textOrder(len(opps), func(i int) string { return opps[i].AccountName })
	case ColOwner:
		return textOrder(len(opps), func(i int) string { return opps[i].OwnerName })
	case ColAmount:
		keys = make([]float64, len(opps))
		for i := range opps {
			keys[i] = opps[i].Amount
		}
	case ColProbability:
		keys = make([]float64, len(opps))
		for i := range opps {
			keys[i] = opps[i].Probability
		}
	case ColCloseDate:
		keys = timeKeys(opps, func(o *book.Opportunity) int64 { return o.CloseDate.Unix() })
	}
	return sortedOrder(keys)
}

// Search returns the opportunities whose name and account match query,
// best first (see rankSearch); when within is not nil only those are
// searched.
func (ix *OpportunityIndex) Search(query string, within []int) []int {
	matches, _ := rankSearch(ix.searchKeys(), within, query)
	return matches
}

// searchKeys implements listIndex, building the keys on first use.
func (ix *OpportunityIndex) searchKeys() []string {
	return ix.keys.get(func() []string { return oppSearchKeys(ix.Opportunities) })
}

// oppSearchKeys returns each opportunity's search key, the sanitized,
// lower-cased name and account: strings.ToLower(Sanitize(name + " " +
// account)). Keys of printable ASCII (which Sanitize leaves as they are,
// and which lower-case byte by byte) are written into one buffer,
// without a string or two per opportunity.
func oppSearchKeys(opps []book.Opportunity) []string {
	keys := make([]string, len(opps))
	size := 0
	for i := range opps {
		size += len(opps[i].Name) + 1 + len(opps[i].AccountName)
	}
	buf := make([]byte, 0, size)
	ends := make([]int, len(opps)) // where key i ends in buf; 0: not there
	for i := range opps {
		o := &opps[i]
		if !printableASCII(o.Name) || !printableASCII(o.AccountName) {
			keys[i] = strings.ToLower(Sanitize(o.Name + " " + o.AccountName))
			continue
		}
		buf = appendLowerASCII(buf, o.Name)
		buf = append(buf, ' ')
		buf = appendLowerASCII(buf, o.AccountName)
		ends[i] = len(buf)
	}
	all, start := string(buf), 0
	for i, end := range ends {
		if end > 0 {
			keys[i], start = all[start:end], end
		}
	}
	return keys
}

// id implements listIndex.
func (ix *OpportunityIndex) id(r int) string { return ix.Opportunities[r].ID }

// OpportunitiesPane is the opportunities table's pane.
const OpportunitiesPane PaneID = "Opportunities"

// Opportunities is the opportunities table pane.
type Opportunities struct {
	sortedList[*OpportunityIndex, OppColumn]
	mine    bool
	status  StatusFilter
	closing ClosingFilter
	stale   bool
	total   float64 // the displayed opportunities' amount, summed when they change
}

var _ Pane = (*Opportunities)(nil)

// NewOpportunities returns an empty opportunities pane showing open
// opportunities of every owner, by close date.
func NewOpportunities(ctx *Context) *Opportunities {
	k := &ctx.Keys.Opportunities
	p := &Opportunities{sortedList: newSortedList(ctx, OpportunitiesPane, OpportunityRecord, numOppColumns, NewOpportunityIndex(nil), 3 /* title, chips, header */, &k.List, &k.Sort)}
	p.rowsOf = p.filteredRows
	p.sort = ColCloseDate
	return p
}

// SetQuickFilters sets the quick filters (used by tests and the ':' prompt).
func (p *Opportunities) SetQuickFilters(mine bool, status StatusFilter, closing ClosingFilter, stale bool) {
	p.mine, p.status, p.closing, p.stale = mine, status, closing, stale
	p.refresh()
}

// QuickFilters returns the quick filters.
func (p *Opportunities) QuickFilters() (mine bool, status StatusFilter, closing ClosingFilter, stale bool) {
	return p.mine, p.status, p.closing, p.stale
}

// SortColumn returns the sort column and whether it is descending.
func (p *Opportunities) SortColumn() (OppColumn, bool) { return p.Sort() }

// filteredRows returns the displayed rows, and sums their amount: walk the sort
// order once and keep what passes the quick filters and the text filter,
// the most relevant matches first (filter.rank).
func (p *Opportunities) filteredRows() []int {
	now := p.ctx.Now()
	// Close dates are dates (UTC midnights): compare with the UTC
	// midnights of today's calendar month and the org's fiscal quarter.
	monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	monthEnd := monthStart.AddDate(0, 1, 0)
	qStart, qEnd := p.ctx.FiscalQuarter(now)
	staleBefore := now.Add(-StaleAfter)
	me := p.index.ownerNumber(p.ctx.Me)
	facts := p.index.facts
	keep := func(i int) bool {
		f := &facts[i]
		if p.mine && f.owner != me {
			return false
		}
		switch p.status {
		case StatusOpen:
			if f.closed {
				return false
			}
		case StatusClosed:
			if !f.closed {
				return false
			}
		}
		switch p.closing {
		case ClosingThisMonth:
			if f.close.Before(monthStart) || !f.close.Before(monthEnd) {
				return false
			}
		case ClosingThisQuarter:
			if f.close.Before(qStart) || !f.close.Before(qEnd) {
				return false
			}
		}
		if p.stale && !f.lastActivity.IsZero() && !f.lastActivity.Before(staleBefore) {
			return false
		}
		return true
	}
	rows := p.sortedRows(keep)
	p.total = 0
	for _, r := range rows {
		p.total += facts[r].amount
	}
	return rows
}

// Refresh recomputes the rows after a change of the shared context (the
// org's fiscal year).
func (p *Opportunities) Refresh() { p.refresh() }

// closingLabel is the close-date chip: the quarter names its months, as
// it is the org's fiscal quarter.
func (p *Opportunities) closingLabel() string {
	if p.closing == ClosingThisQuarter {
		return "closing " + p.ctx.QuarterLabel(p.ctx.Now())
	}
	return p.closing.String()
}

// Selected returns the selected opportunity.
func (p *Opportunities) Selected() (book.Opportunity, bool) {
	return selectedOf(&p.sortedList, p.index.Opportunities)
}

// Rows returns the displayed opportunities, in order.
func (p *Opportunities) Rows() []book.Opportunity {
	out := make([]book.Opportunity, len(p.rows))
	for i, r := range p.rows {
		out[i] = p.index.Opportunities[r]
	}
	return out
}

// Update implements Pane.
func (p *Opportunities) Update(msg tea.Msg) (Pane, tea.Cmd) {
	return p, p.update(msg, p.quickFilterKey)
}

// quickFilterKey applies kp when it is a quick filter's key, and reports
// whether it was.
func (p *Opportunities) quickFilterKey(kp tea.KeyPressMsg) bool {
	k := &p.ctx.Keys.Opportunities
	switch {
	case key.Matches(kp, k.Mine):
		p.mine = !p.mine
	case key.Matches(kp, k.Status):
		p.status = (p.status + 1) % 3
	case key.Matches(kp, k.Closing):
		p.closing = (p.closing + 1) % 3
	case key.Matches(kp, k.Stale):
		p.stale = !p.stale
	default:
		return false
	}
	return true
}

// oppWidths returns the width of every column for a table width w; 0 hides
// a column. Name and account share what the fixed columns leave.
func oppWidths(w int) [numOppColumns]int {
	var c [numOppColumns]int
	c[ColStage], c[ColAmount], c[ColCloseDate], c[ColOwner], c[ColProbability] = 16, 9, 10, 14, 5
	if w < 110 {
		c[ColOwner] = 0
	}
	if w < 70 {
		c[ColProbability], c[ColStage] = 0, 12
	}
	fixed := 2 // cursor gutter
	for col, cw := range c {
		if cw > 0 && col != int(ColName) && col != int(ColAccount) {
			fixed += cw + 1
		}
	}
	rest := max(0, w-fixed-2)
	c[ColName] = max(4, rest*55/100)
	c[ColAccount] = max(4, rest-c[ColName])
	return c
}

// headerCell renders a column header of w cells: the label, cut when it
// must be (an abbreviation first loses its dot: "Prob▲"), then the sort
// arrow (if any), which is never cut.
func headerCell(label, arrow string, w int, right bool) string {
	if ansi.StringWidth(label+arrow) > w {
		label = strings.TrimSuffix(label, ".")
	}
	label, _ = truncate(Sanitize(label), w-ansi.StringWidth(arrow))
	if right {
		return fitRight(label+arrow, w)
	}
	return fit(label+arrow, w)
}

// View implements Pane.
func (p *Opportunities) View() string {
	if p.width <= 0 || p.paneH <= 0 {
		return ""
	}
	st := p.ctx.Styles
	var b strings.Builder
	relevance := ""
	if p.filter.active() {
		relevance = " · sorted by relevance"
	}
	title := "Opportunities " + st.Muted.Render(fmt.Sprintf("%s of %s · %s%s",
		formatInt(int64(len(p.rows))), formatInt(int64(len(p.index.Opportunities))), p.ctx.Money(p.total), relevance))
	b.WriteString(fitStyled(st.Title.Render(title), p.width))
	b.WriteByte('\n')

	// An active chip carries a mark as well as its colour, so that it
	// reads on a monochrome terminal too.
	chip := func(on bool, label string) string {
		if on {
			return st.ChipActive.Render(ChipOnMark + label)
		}
		return st.Chip.Render(label)
	}
	owner := "all owners"
	if p.mine {
		owner = "mine"
	}
	b.WriteString(chip(p.mine, owner) + chip(p.status != StatusAny, p.status.String()) +
		chip(p.closing != ClosingAny, p.closingLabel()) + chip(p.stale, "stale 30d"))
	b.WriteByte('\n')
	if line, ok := p.filter.line(st); ok {
		b.WriteString(line)
		b.WriteByte('\n')
	}

	widths := oppWidths(p.width)
	var hdr strings.Builder
	hdr.WriteString("  ")
	for c := range numOppColumns {
		w := widths[c]
		if w == 0 {
			continue
		}
		arrow := ""
		if c == p.sort {
			arrow = "▲"
			if p.desc {
				arrow = "▼"
			}
		}
		cell := headerCell(c.String(), arrow, w, c == ColAmount || c == ColProbability)
		if c == p.sort {
			cell = st.HeaderSort.Render(cell)
		} else {
			cell = st.Header.Render(cell)
		}
		hdr.WriteString(cell + " ")
	}
	b.WriteString(hdr.String())
	b.WriteByte('\n')

	if len(p.rows) == 0 {
		b.WriteString(st.Muted.Render("  No opportunity matches these filters."))
	}
	p.writeRows(&b, func(i int) string {
		o := &p.index.Opportunities[p.rows[i]]
		var row strings.Builder
		gutter := p.ctx.markGutter(o.ID, "  ", i != p.cursor || !p.focused)
		if i == p.cursor {
			gutter = "▌" + gutter[1:]
		}
		row.WriteString(gutter)
		cells := [numOppColumns]string{o.Name, o.AccountName, o.StageName, p.ctx.Amount(o.Amount, o.AmountNull), date(o.CloseDate),
			o.OwnerName, fmt.Sprintf("%.0f%%", o.Probability)}
		for c := range numOppColumns {
			w := widths[c]
			if w == 0 {
				continue
			}
			if c == ColAmount || c == ColProbability {
				row.WriteString(fitRight(cells[c], w) + " ")
			} else {
				row.WriteString(fit(cells[c], w) + " ")
			}
		}
		if i == p.cursor && p.focused {
			return st.Selected.Render(row.String())
		}
		return row.String()
	})
	return padLines(b.String(), p.width, p.paneH)
}

// ShortHelp implements help.KeyMap.
func (p *Opportunities) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Opportunities
	return p.shortHelp(k.SortNext, k.Mine, k.Status, k.Closing, k.Stale)
}

// FullHelp implements help.KeyMap.
func (p *Opportunities) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Opportunities
	return p.fullHelp(k.Mine, k.Status, k.Closing, k.Stale)
}
