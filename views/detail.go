package views

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
)

// Detail shows one record: key fields (empty ones left out), related
// lists and the activity timeline (newest first). It scrolls as a whole;
// ] and [ select a row of its related lists (an account's contacts and
// opportunities, an opportunity's contact roles) or of its timeline, and
// enter opens it: an activity read only in the same view (esc goes back
// to the record), a record in a detail view of its own, which the root
// stacks over this one (esc comes back here).
type Detail struct {
	ctx     *Context
	owner   PaneID // the pane that opened it, and closes it
	kind    RecordKind
	id      string
	title   string
	loading bool
	err     error
	account book.AccountDetail
	opp     book.OpportunityDetail
	contact book.ContactDetail
	lead    book.LeadDetail
	lines   []string // rendered at the current width
	offset  int
	// selected is the selected item (items()), -1 for none; itemLines[i]
	// is the line item i is drawn on.
	selected  int
	itemLines []int
	// opened shows the selected activity instead of the record; back is
	// the record's scroll offset to return to.
	opened bool
	back   int
	paneFocus
	width  int
	height int
}

var _ Pane = (*Detail)(nil)

// NewDetail returns a detail view, opened on pane owner, waiting for the
// record kind/id.
func NewDetail(ctx *Context, owner PaneID, kind RecordKind, id string) *Detail {
	return &Detail{ctx: ctx, owner: owner, kind: kind, id: id, loading: true, selected: -1}
}

// Owner returns the pane the detail view was opened on.
func (p *Detail) Owner() PaneID { return p.owner }

// ID returns the Id of the record shown.
func (p *Detail) ID() string { return p.id }

// Kind returns the kind of record shown.
func (p *Detail) Kind() RecordKind { return p.kind }

// Loading reports that the record has not arrived yet.
func (p *Detail) Loading() bool { return p.loading }

// SetAccount shows an account.
func (p *Detail) SetAccount(d book.AccountDetail) {
	selected := p.selectedItemID()
	d.Activities = newestFirst(d.Activities)
	// Latest close date first, like the activity timeline.
	d.Opportunities = slices.Clone(d.Opportunities)
	slices.SortStableFunc(d.Opportunities, func(a, b book.Opportunity) int { return b.CloseDate.Compare(a.CloseDate) })
	p.account, p.loading, p.err = d, false, nil
	p.reselect(selected)
	p.render()
}

// SetOpportunity shows an opportunity.
func (p *Detail) SetOpportunity(d book.OpportunityDetail) {
	selected := p.selectedItemID()
	d.Activities = newestFirst(d.Activities)
	p.opp, p.loading, p.err = d, false, nil
	p.reselect(selected)
	p.render()
}

// detailItem is a row of the detail that ] and [ select: a related
// record (act -1) or activity act of the timeline.
type detailItem struct {
	kind RecordKind
	id   string
	act  int
}

// items lists the selectable rows in the order they are drawn: an
// account's contacts and opportunities, an opportunity's contact roles,
// then the timeline.
func (p *Detail) items() []detailItem {
	var out []detailItem
	switch p.kind {
	case AccountRecord:
		for _, c := range p.account.Contacts {
			out = append(out, detailItem{ContactRecord, c.ID, -1})
		}
		for _, o := range p.account.Opportunities {
			out = append(out, detailItem{OpportunityRecord, o.ID, -1})
		}
	case OpportunityRecord:
		for _, r := range p.opp.ContactRoles {
			out = append(out, detailItem{ContactRecord, r.ContactID, -1})
		}
	}
	for i, a := range p.activities() {
		out = append(out, detailItem{kind: -1, id: a.ID, act: i})
	}
	return out
}

// Selected returns the selected related record (ok false when nothing,
// or an activity, is selected).
func (p *Detail) Selected() (kind RecordKind, id string, ok bool) {
	items := p.items()
	if p.selected < 0 || p.selected >= len(items) || items[p.selected].act >= 0 {
		return 0, "", false
	}
	return items[p.selected].kind, items[p.selected].id, true
}

// selectedItemID returns the selected item's Id, or "".
func (p *Detail) selectedItemID() string {
	items := p.items()
	if p.selected < 0 || p.selected >= len(items) {
		return ""
	}
	return items[p.selected].id
}

// reselect selects the item id again in new data: the record was
// reloaded (after a sync). When it is gone, nothing is selected and the
// record shows.
func (p *Detail) reselect(id string) {
	p.selected = -1
	for i, it := range p.items() {
		if id != "" && it.id == id {
			p.selected = i
		}
	}
	if _, _, ok := p.Activity(); !ok {
		p.opened = false
	}
}

// SetError shows why the record could not be loaded.
func (p *Detail) SetError(err error) {
	p.err, p.loading = err, false
	p.render()
}

func newestFirst(acts []book.Activity) []book.Activity {
	out := slices.Clone(acts)
	slices.SortStableFunc(out, func(a, b book.Activity) int { return b.When.Compare(a.When) })
	return out
}

// SetSize implements Pane.
func (p *Detail) SetSize(w, h int) {
	p.width, p.height = w, h
	p.render()
}

// Capturing implements Pane.
func (p *Detail) Capturing() bool { return false }

// activities returns the timeline, newest first.
func (p *Detail) activities() []book.Activity {
	switch p.kind {
	case OpportunityRecord:
		return p.opp.Activities
	case ContactRecord:
		return p.contact.Activities
	case LeadRecord:
		return p.lead.Activities
	}
	return p.account.Activities
}

// Activity returns the selected activity and whether it is open.
func (p *Detail) Activity() (a book.Activity, open, ok bool) {
	items := p.items()
	if p.selected < 0 || p.selected >= len(items) || items[p.selected].act < 0 {
		return book.Activity{}, false, false
	}
	return p.activities()[items[p.selected].act], p.opened, true
}

// Update implements Pane.
func (p *Detail) Update(msg tea.Msg) (Pane, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	k := &p.ctx.Keys.Detail
	maxOff := max(0, len(p.lines)-p.height)
	shownID := p.id
	if a, open, ok := p.Activity(); ok && open && a.ID != "" {
		shownID = a.ID
	}
	switch {
	case key.Matches(kp, k.Back):
		if p.opened {
			p.opened = false
			p.render()
			p.offset = min(p.back, max(0, len(p.lines)-p.height))
			return p, nil
		}
		return p, requestCmd(CloseDetailMsg{Pane: p.owner})
	case key.Matches(kp, k.Up):
		p.offset = max(0, p.offset-1)
	case key.Matches(kp, k.Down):
		p.offset = min(maxOff, p.offset+1)
	case key.Matches(kp, k.Top):
		p.offset = 0
	case key.Matches(kp, k.Bottom):
		p.offset = maxOff
	case key.Matches(kp, k.NextItem, k.PrevItem):
		n := len(p.items())
		if p.opened || p.loading || p.err != nil || n == 0 {
			return p, nil
		}
		if key.Matches(kp, k.NextItem) {
			p.selected = min(n-1, p.selected+1)
		} else {
			p.selected = max(0, p.selected-1)
		}
		p.render()
		p.showSelected()
	case key.Matches(kp, k.Open):
		if kind, id, ok := p.Selected(); ok && !p.opened && id != "" {
			return p, requestCmd(OpenRecordMsg{From: p.owner, Kind: kind, ID: id})
		}
		if _, _, ok := p.Activity(); ok && !p.opened {
			p.opened, p.back = true, p.offset
			p.offset = 0
			p.render()
		}
	case key.Matches(kp, k.Browser):
		return p, requestCmd(BrowseMsg{ID: shownID})
	case key.Matches(kp, k.Copy):
		return p, requestCmd(CopyMsg{ID: shownID})
	case p.kind == AccountRecord && !p.loading && p.err == nil && key.Matches(kp, k.People):
		return p, requestCmd(ShowContactsMsg{AccountID: p.id, AccountName: p.account.Account.Name})
	}
	return p, nil
}

// showSelected scrolls the selected activity into view.
func (p *Detail) showSelected() {
	if p.selected < 0 || p.selected >= len(p.itemLines) {
		return
	}
	line := p.itemLines[p.selected]
	if line < p.offset {
		p.offset = line
	}
	if line >= p.offset+p.height {
		p.offset = line - p.height + 1
	}
	p.offset = max(0, min(p.offset, len(p.lines)-p.height))
}

// render lays the record out at the current width.
func (p *Detail) render() {
	if p.width <= 0 {
		return
	}
	st := p.ctx.Styles
	w := p.width
	var l []string
	section := func(name string, n int) {
		l = append(l, "", st.Title.Render(fit(fmt.Sprintf("%s (%d)", name, n), w)))
	}
	// field shows a labelled value; a field Salesforce left empty is left
	// out (amounts are not: "—" says there is none).
	field := func(label, value string) {
		if strings.TrimSpace(Sanitize(value)) == "" {
			return
		}
		labelW := min(16, w/3)
		l = append(l, st.Muted.Render(fit(label, labelW))+" "+fit(value, w-labelW-1))
	}
	p.itemLines = nil
	// row appends a selectable row: marked when it is the selection.
	row := func(text string) {
		i := len(p.itemLines)
		p.itemLines = append(p.itemLines, len(l))
		if i == p.selected {
			line := "▌ " + text
			if p.focused {
				line = st.Selected.Render(line)
			}
			l = append(l, line)
			return
		}
		l = append(l, "  "+text)
	}
	switch {
	case p.loading:
		l = append(l, st.Muted.Render("Loading…"))
	case p.err != nil:
		l = append(l, st.Error.Render(fit("Could not load the record: "+p.err.Error(), w)), st.Muted.Render("esc goes back"))
	case p.opened:
		a, _, _ := p.Activity()
		l = append(l, st.Title.Render(fit(a.Kind.String()+" · "+a.Subject, w)))
		when := a.When.Format("2006-01-02")
		if a.Kind == book.EventActivity {
			when = a.When.Format("2006-01-02 15:04")
		}
		if a.When.IsZero() {
			when = ""
		}
		field("Subject", a.Subject)
		field(map[book.ActivityKind]string{book.TaskActivity: "Due", book.EventActivity: "Starts"}[a.Kind], when)
		field("Status", a.Status)
		field("Name", a.WhoName)
		field("Assigned to", a.OwnerName)
		field("Id", a.ID)
		if lines := wrapText(a.Description, w-2); len(lines) > 0 {
			l = append(l, "", st.Title.Render(fit("Comments", w)))
			for _, line := range lines {
				l = append(l, "  "+line)
			}
		}
		l = append(l, "", st.Muted.Render(fit("esc goes back to the record", w)))
	case p.kind == AccountRecord:
		a := p.account.Account
		l = p.titled(l, a.Name)
		field("Type", a.Type)
		field("Industry", a.Industry)
		field("City", a.BillingCity)
		field("Phone", a.Phone)
		field("Website", a.Website)
		field("Owner", a.OwnerName)
		field("Annual revenue", p.ctx.Amount(a.AnnualRevenue, a.AnnualRevenueNull))
		field("Id", a.ID)
		section("Contacts", len(p.account.Contacts))
		for _, c := range p.account.Contacts {
			row(fit(c.Name, w/4) + " " + fit(c.Title, w/4) + " " + fit(c.Email, w/4) + " " + fit(c.Phone, max(0, w-3*(w/4)-5)))
		}
		section("Opportunities", len(p.account.Opportunities))
		for _, o := range p.account.Opportunities {
			row(fit(o.Name, w/2) + " " + fit(o.StageName, w/5) + " " + fitRight(p.ctx.Amount(o.Amount, o.AmountNull), 9) + " " + fit(date(o.CloseDate), max(0, w-w/2-w/5-13)))
		}
		p.timeline(&l)
	case p.kind == ContactRecord:
		l = p.renderContact(l)
		p.timeline(&l)
	case p.kind == LeadRecord:
		l = p.renderLead(l)
		p.timeline(&l)
	default:
		o, pg := p.opp.Opportunity, p.opp.Page
		l = p.titled(l, o.Name)
		// What a rep acts on first: where the deal is and what is next.
		field("Account", o.AccountName)
		field("Stage", o.StageName)
		field("Next step", pg.NextStep)
		field("Amount", p.ctx.Amount(o.Amount, o.AmountNull))
		field("Probability", fmt.Sprintf("%.0f%%", o.Probability))
		field("Close date", date(o.CloseDate))
		field("Forecast", pg.ForecastCategoryName)
		field("Type", pg.Type)
		field("Record type", pg.RecordTypeName)
		field("Lead source", pg.LeadSource)
		field("Owner", o.OwnerName)
		field("Last activity", dateOrEmpty(o.LastActivityDate))
		field("Id", o.ID)
		if lines := wrapText(pg.Description, w-2); len(lines) > 0 {
			l = append(l, "", st.Title.Render(fit("Description", w)))
			for _, line := range lines {
				l = append(l, "  "+line)
			}
		}
		section("Contact roles", len(p.opp.ContactRoles))
		for _, r := range p.opp.ContactRoles {
			primary := ""
			if r.IsPrimary {
				primary = "primary"
			}
			row(fit(r.ContactName, w/3) + " " + fit(r.Role, w/3) + " " + fit(primary, max(0, w-2*(w/3)-4)))
		}
		p.timeline(&l)
	}
	if mark := p.ctx.Mark(p.id); mark != WriteNone && !p.loading && p.err == nil && !p.opened && len(l) > 0 && w > MarkWidth+2 {
		// The record's write mark at the end of its title line.
		l[0] = st.Title.Render(fit(p.kindName()+" · "+p.title, w-MarkWidth-1)) + " " + fitStyled(WriteMark(st, mark), MarkWidth)
	}
	p.lines = l
	p.offset = min(p.offset, max(0, len(l)-p.height))
}

// titled appends the record's title line, its kind and name, and keeps
// the name as the title (for the write mark, see render).
func (p *Detail) titled(l []string, name string) []string {
	p.title = name
	return append(l, p.ctx.Styles.Title.Render(fit(p.kindName()+" · "+name, p.width)))
}

// kindName names the kind of record shown, as its title line does.
func (p *Detail) kindName() string {
	return [...]string{"Account", "Opportunity", "Contact", "Lead"}[p.kind]
}

// timeline appends the activity timeline, newest first.
func (p *Detail) timeline(l *[]string) {
	st := p.ctx.Styles
	w := p.width
	acts := p.activities()
	title := fmt.Sprintf("Activity (%d)", len(acts))
	if len(acts) > 0 {
		title += st.Muted.Render(" · ] [ select, enter opens")
	}
	*l = append(*l, "", fitStyled(st.Title.Render(title), w))
	if len(acts) == 0 {
		*l = append(*l, st.Muted.Render("  No tasks or events."))
	}
	first := len(p.itemLines) // the timeline's items follow the related rows
	for i, a := range acts {
		p.itemLines = append(p.itemLines, len(*l))
		when := a.When.Format("2006-01-02")
		if a.Kind == book.EventActivity {
			when = a.When.Format("2006-01-02 15:04")
		}
		kind := fit(a.Kind.String(), 5)
		rest := max(0, w-2-16-1-5-1)
		subject := a.Subject
		if a.Status != "" {
			subject += " · " + a.Status
		}
		if a.WhoName != "" {
			subject += " · " + a.WhoName
		}
		if mark := p.ctx.Mark(a.ID); mark != WriteNone {
			// A task just logged: pending until pushed, then sent.
			subject = mark.Glyph() + " " + mark.String() + " · " + subject
		}
		if first+i == p.selected {
			line := "▌ " + fit(when, 16) + " " + kind + " " + fit(subject, rest)
			if p.focused {
				line = st.Selected.Render(line)
			}
			*l = append(*l, line)
			continue
		}
		*l = append(*l, "  "+st.Muted.Render(fit(when, 16))+" "+kind+" "+fit(subject, rest))
	}
}

// wrapText breaks free text (a description, a task's comments) into
// sanitized lines of at most w cells: its own line breaks are kept, escape
// sequences and control characters are not, and blank lines at either end
// are dropped. Empty text gives no lines.
func wrapText(s string, w int) []string {
	w = max(1, w)
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		para = strings.TrimRight(Sanitize(para), " ")
		if para == "" {
			out = append(out, "")
			continue
		}
		for _, line := range strings.Split(ansi.Wrap(para, w, ""), "\n") {
			out = append(out, fit(line, w))
		}
	}
	for len(out) > 0 && strings.TrimSpace(out[0]) == "" {
		out = out[1:]
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	return out
}

// View implements Pane.
func (p *Detail) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	end := min(len(p.lines), p.offset+p.height)
	return padLines(strings.Join(p.lines[p.offset:end], "\n"), p.width, p.height)
}

// ShortHelp implements help.KeyMap.
func (p *Detail) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Detail
	if p.kind == AccountRecord {
		return []key.Binding{k.Back, k.Up, k.Down, k.People, k.Browser, k.Copy}
	}
	// The timeline's title says how to select and open an activity: the
	// line has no room for it at 80 cells.
	return []key.Binding{k.Back, k.Up, k.Down, k.Browser, k.Copy}
}

// FullHelp implements help.KeyMap.
func (p *Detail) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Detail
	if p.kind == AccountRecord {
		return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.NextItem, k.PrevItem, k.Open}, {k.Back, k.People, k.Browser, k.Copy}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.NextItem, k.PrevItem, k.Open}, {k.Back, k.Browser, k.Copy}}
}
