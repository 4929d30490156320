package views

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
)

// LeadSort is a column the leads list can be sorted by.
type LeadSort int

// The leads list's sort columns, in the order '>' cycles through them.
const (
	SortLeadName LeadSort = iota
	SortLeadCompany
	SortLeadStatus
	SortLeadSource
	SortLeadEmail
	SortLeadCreated
	numLeadSorts
)

// String returns the column's label.
func (s LeadSort) String() string { return leadColumns[s].label }

// LeadIndex is an immutable, searchable snapshot of the leads (see
// recordIndex), whose search keys are the name and company, and which of
// them are open.
type LeadIndex struct {
	recordIndex[LeadSort, book.Lead]
	open  []bool
	nOpen int
}

// NewLeadIndex builds the index of leads.
func NewLeadIndex(leads []book.Lead) *LeadIndex {
	ix := &LeadIndex{open: make([]bool, len(leads))}
	ix.recordIndex = newRecordIndex[LeadSort](leads, leadColumns[:], func(l *book.Lead) (string, string) {
		return l.ID, searchKey(l.Name, l.Company)
	})
	for i := range leads {
		if ix.open[i] = leads[i].Open(); ix.open[i] {
			ix.nOpen++
		}
	}
	return ix
}

// leadColumns are the leads list's sort columns.
var leadColumns = [numLeadSorts]sortColumn[book.Lead]{
	SortLeadName:    textColumn("Name", func(l *book.Lead) string { return l.Name }),
	SortLeadCompany: textColumn("Company", func(l *book.Lead) string { return l.Company }),
	SortLeadStatus:  textColumn("Status", func(l *book.Lead) string { return l.Status }),
	SortLeadSource:  textColumn("Source", func(l *book.Lead) string { return l.LeadSource }),
	SortLeadEmail:   textColumn("Email", func(l *book.Lead) string { return l.Email }),
	SortLeadCreated: timeColumn("Created", func(l *book.Lead) time.Time { return l.CreatedDate }),
}

// LeadsLoadedMsg carries a fresh snapshot of the leads, read and indexed
// by the root off the event loop, to the leads pane. Seq orders the reads:
// an older one that finishes late is dropped.
type LeadsLoadedMsg struct {
	Seq   int
	Index *LeadIndex
	Err   error
}

// LeadsPane is the leads list's pane.
const LeadsPane PaneID = "Leads"

// Leads is the leads list pane: open leads (or all) with their status,
// source and age.
type Leads struct {
	sortedList[*LeadIndex, LeadSort]
	all bool // show converted and closed leads too
}

var _ Pane = (*Leads)(nil)

// NewLeads returns an empty leads pane showing open leads.
func NewLeads(ctx *Context) *Leads {
	k := &ctx.Keys.Leads
	p := &Leads{sortedList: newSortedList(ctx, LeadsPane, LeadRecord, numLeadSorts, NewLeadIndex(nil), 2 /* title, header */, &k.List, &k.Sort)}
	p.rowsOf = p.openRows
	return p
}

// openRows returns the displayed rows: open leads only unless all are
// shown.
func (p *Leads) openRows() []int {
	if p.all {
		return p.sortedRows(nil)
	}
	open := p.index.open
	return p.sortedRows(func(r int) bool { return open[r] })
}

// Selected returns the selected lead.
func (p *Leads) Selected() (book.Lead, bool) { return selectedOf(&p.sortedList, p.index.records) }

// All reports whether closed and converted leads are shown too.
func (p *Leads) All() bool { return p.all }

// Update implements Pane.
func (p *Leads) Update(msg tea.Msg) (Pane, tea.Cmd) {
	if msg, ok := msg.(LeadsLoadedMsg); ok {
		return p, p.load(msg.Seq, msg.Index, msg.Err)
	}
	return p, p.update(msg, p.statusKey)
}

// statusKey shows all leads or the open ones when kp is the key that
// toggles it, and reports whether it was.
func (p *Leads) statusKey(kp tea.KeyPressMsg) bool {
	if !key.Matches(kp, p.ctx.Keys.Leads.Status) {
		return false
	}
	p.all = !p.all
	return true
}

// leadAge is how long an open lead has been waiting: whole days since it
// was created ("0d" today), or "" when it is closed or its creation is
// unknown.
func leadAge(l *book.Lead, now time.Time) string {
	if !l.Open() || l.CreatedDate.IsZero() || l.CreatedDate.After(now) {
		return ""
	}
	return fmt.Sprintf("%dd", int(now.Sub(l.CreatedDate)/(24*time.Hour)))
}

// View implements Pane.
func (p *Leads) View() string {
	text := listText{name: "Leads", scope: "open", total: p.index.nOpen, plural: "leads",
		noMatch: "No lead matches the filter.", empty: "No leads in the cache yet."}
	if p.all {
		text.scope, text.total = "all", len(p.index.records)
	}
	if !p.all && len(p.index.records) > 0 {
		text.empty = "No open leads."
	}

	// Name and company share what the others leave; the owner and then
	// the email show when there is room.
	statusW, sourceW, ageW, emailW, ownerW := 20, 16, 5, 28, 16
	if p.width < 140 {
		emailW = 0
	}
	if p.width < 110 {
		ownerW = 0
	}
	rest := p.width - 2 - statusW - sourceW - ageW - 3
	for _, w := range []int{emailW, ownerW} {
		if w > 0 {
			rest -= w + 1
		}
	}
	nameW := max(1, rest/2)
	companyW := max(0, rest-nameW-1)
	cols := func(name, company, status, source, age, email, owner string) string {
		s := "  " + fit(name, nameW) + " " + fit(company, companyW) + " " + fit(status, statusW) + " " + fit(source, sourceW) + " " + fitRight(age, ageW)
		if emailW > 0 {
			s += " " + fit(email, emailW)
		}
		if ownerW > 0 {
			s += " " + fit(owner, ownerW)
		}
		return s
	}
	now := p.ctx.Now()
	return p.view(text, cols("Name", "Company", "Status", "Source", "Age", "Email", "Owner"), func(r int) (string, string) {
		l := &p.index.records[r]
		return l.ID, cols(l.Name, l.Company, l.Status, l.LeadSource, leadAge(l, now), l.Email, l.OwnerName)
	})
}

// ShortHelp implements help.KeyMap.
func (p *Leads) ShortHelp() []key.Binding {
	return p.shortHelp(p.ctx.Keys.Leads.Status, p.sortKeys.SortNext)
}

// FullHelp implements help.KeyMap.
func (p *Leads) FullHelp() [][]key.Binding { return p.fullHelp(p.ctx.Keys.Leads.Status) }

// SetLead shows a lead.
func (p *Detail) SetLead(d book.LeadDetail) {
	d.Activities = newestFirst(d.Activities)
	p.lead, p.loading, p.err = d, false, nil
	p.render()
}

// renderLead lays out a lead's fields, empty ones omitted; the timeline
// follows. An open lead shows its age.
func (p *Detail) renderLead(l []string) []string {
	ld := p.lead.Lead
	l = p.titled(l, ld.Name)
	created := dateOrEmpty(ld.CreatedDate)
	if age := leadAge(&ld, p.ctx.Now()); age != "" {
		created += " (" + age + " ago)"
	}
	return p.fields(l,
		"Company", ld.Company,
		"Title", ld.Title,
		"Status", ld.Status,
		"Lead source", ld.LeadSource,
		"Created", created,
		"Email", ld.Email,
		"Phone", ld.Phone,
		"City", ld.City,
		"Industry", ld.Industry,
		"Owner", ld.OwnerName,
		"Last activity", dateOrEmpty(ld.LastActivityDate),
		"Id", ld.ID,
	)
}
