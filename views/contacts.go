package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/ui/theme"
)

// ContactSort is a column the contacts list can be sorted by.
type ContactSort int

// The contacts list's sort columns, in the order '>' cycles through them.
const (
	SortContactName ContactSort = iota
	SortContactAccount
	SortContactTitle
	SortContactEmail
	SortContactActivity
	numContactSorts
)

// String returns the column's label.
func (s ContactSort) String() string {
	return [...]string{"Name", "Account", "Title", "Email", "Last activity"}[s]
}

// ContactIndex is an immutable, searchable snapshot of the contacts: the
// records, their sanitized search keys (name and account) and one
// precomputed order per sort column. Build it in a command; Update then
// only walks slices.
type ContactIndex struct {
	Contacts []book.Contact
	keys     []string
	orders   [numContactSorts][]int
}

// NewContactIndex builds the index of contacts.
func NewContactIndex(contacts []book.Contact) *ContactIndex {
	ix := &ContactIndex{Contacts: contacts, keys: make([]string, len(contacts))}
	for i := range contacts {
		ix.keys[i] = searchKey(contacts[i].Name, contacts[i].AccountName)
	}
	for s := range numContactSorts {
		var keys []float64
		switch s {
		case SortContactName:
			keys = stringRanks(len(contacts), func(i int) string { return contacts[i].Name })
		case SortContactAccount:
			keys = stringRanks(len(contacts), func(i int) string { return contacts[i].AccountName })
		case SortContactTitle:
			keys = stringRanks(len(contacts), func(i int) string { return contacts[i].Title })
		case SortContactEmail:
			keys = stringRanks(len(contacts), func(i int) string { return contacts[i].Email })
		case SortContactActivity:
			keys = timeKeys(contacts, func(c *book.Contact) int64 {
				if c.LastActivityDate.IsZero() {
					return 0
				}
				return c.LastActivityDate.Unix()
			})
		}
		ix.orders[s] = sortedOrder(keys)
	}
	return ix
}

// searchKeys implements searchIndex.
func (ix *ContactIndex) searchKeys() []string { return ix.keys }

// searchKey is what a person's filter matches: their name, then their
// account or company, sanitized and lower-cased as rankKey expects.
func searchKey(name, org string) string {
	if org == "" {
		return strings.ToLower(Sanitize(name))
	}
	return strings.ToLower(Sanitize(name) + " · " + Sanitize(org))
}

// ContactsLoadedMsg carries a fresh snapshot of the contacts, read and
// indexed by the root off the event loop, to the contacts pane. Seq orders
// the reads: an older one that finishes late is dropped.
type ContactsLoadedMsg struct {
	Seq   int
	Index *ContactIndex
	Err   error
}

// ShowContactsMsg asks the root to focus the contacts pane on the
// contacts of one account; the root then passes it to the pane.
type ShowContactsMsg struct {
	AccountID   string
	AccountName string
}

// ContactsPane is the contacts list's pane.
const ContactsPane PaneID = "Contacts"

// Contacts is the contacts list pane: every contact with their account.
type Contacts struct {
	filteredList[*ContactIndex]
	ctx     *Context
	sort    ContactSort
	desc    bool
	seq     int   // of the snapshot shown
	loadErr error // why the last read failed
	// account, when not empty, limits the list to that account's
	// contacts (ShowContactsMsg); esc shows every contact again.
	account     string
	accountName string
	inAccount   int // contacts of account, for the title
}

var _ Pane = (*Contacts)(nil)

// NewContacts returns an empty contacts pane.
func NewContacts(ctx *Context) *Contacts {
	p := &Contacts{ctx: ctx}
	p.filteredList = filteredList[*ContactIndex]{
		index:  NewContactIndex(nil),
		filter: newFilter(ContactsPane),
		chrome: 2, // title, header
		rowsOf: p.rowsOf,
		idOf:   func(ix *ContactIndex, r int) string { return ix.Contacts[r].ID },
	}
	return p
}

// rowsOf returns the displayed rows: sorted or by relevance, of one
// account when the list is limited to it.
func (p *Contacts) rowsOf() []int {
	rows := sortedRows(&p.filter, p.index.orders[p.sort], p.desc)
	if p.account == "" {
		return rows
	}
	p.inAccount = 0
	for i := range p.index.Contacts {
		if p.index.Contacts[i].AccountID == p.account {
			p.inAccount++
		}
	}
	out := make([]int, 0, p.inAccount)
	for _, r := range rows {
		if p.index.Contacts[r].AccountID == p.account {
			out = append(out, r)
		}
	}
	return out
}

// Account returns the Id of the account the list is limited to, or "".
func (p *Contacts) Account() string { return p.account }

// sortedRows returns a list's displayed rows: the filter's matches ranked
// by relevance (as every list ranks them), each rank in the sort's order;
// without a filter, the sort's order (reversed when desc).
func sortedRows(f *filter, order []int, desc bool) []int {
	return f.rank(order, desc, nil)
}

// Selected returns the selected contact.
func (p *Contacts) Selected() (book.Contact, bool) {
	if len(p.rows) == 0 {
		return book.Contact{}, false
	}
	return p.index.Contacts[p.rows[p.cursor]], true
}

// Rows returns how many contacts are displayed.
func (p *Contacts) Rows() int { return len(p.rows) }

// Query returns the applied filter text.
func (p *Contacts) Query() string { return p.filter.query }

// Sort returns the sort column and whether it is descending.
func (p *Contacts) Sort() (ContactSort, bool) { return p.sort, p.desc }

// Update implements Pane.
func (p *Contacts) Update(msg tea.Msg) (Pane, tea.Cmd) {
	k := &p.ctx.Keys.Contacts
	switch msg := msg.(type) {
	case ContactsLoadedMsg:
		return p, p.loaded(msg)
	case ShowContactsMsg:
		p.filter.clear()
		p.account, p.accountName = msg.AccountID, msg.AccountName
		p.cursor = 0
		p.refresh()
		return p, nil
	case tea.KeyPressMsg:
		// esc leaves an account's contacts once no filter is left to clear.
		if p.account != "" && !p.filter.editing && !p.filter.active() && key.Matches(msg, k.Back) {
			p.account, p.accountName = "", ""
			p.refresh()
			return p, nil
		}
	}
	if cmd, ok := p.update(p.ctx, msg, &k.List); ok {
		return p, cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	switch {
	case key.Matches(kp, k.SortNext):
		p.sort = (p.sort + 1) % numContactSorts
	case key.Matches(kp, k.SortPrev):
		p.sort = (p.sort + numContactSorts - 1) % numContactSorts
	case key.Matches(kp, k.Reverse):
		p.desc = !p.desc
	default:
		cmd, _ := recordKeys(kp, &k.List, ContactsPane, ContactRecord, p.selectedID())
		return p, cmd
	}
	p.refresh()
	return p, nil
}

// loaded shows a snapshot unless a newer one is shown.
func (p *Contacts) loaded(msg ContactsLoadedMsg) tea.Cmd {
	if msg.Seq < p.seq {
		return nil
	}
	p.seq = msg.Seq
	if msg.Err != nil {
		p.loadErr = msg.Err
		return nil
	}
	p.loadErr = nil
	return p.SetData(msg.Index)
}

// View implements Pane.
func (p *Contacts) View() string {
	if p.width <= 0 || p.paneH <= 0 {
		return ""
	}
	st := p.ctx.Styles
	var b strings.Builder
	name, total := "Contacts", len(p.index.Contacts)
	if p.account != "" {
		name, total = "Contacts of "+Sanitize(p.accountName), p.inAccount
	}
	b.WriteString(listTitle(st, name, "", len(p.rows), total, &p.filter, p.sort.String(), p.desc, p.width))
	if line, ok := p.filter.line(st); ok {
		b.WriteString(line)
		b.WriteByte('\n')
	}

	// Name and account share what the others leave; email shows when
	// there is room.
	titleW, emailW, actW := 22, 30, 13
	actLabel := "Last activity"
	if p.width < 120 {
		emailW = 0
		titleW = 18
	}
	rest := p.width - 2 - titleW - emailW - actW - 4
	if emailW == 0 {
		rest++
	}
	if rest < 30 {
		actW, actLabel = 10, "Activity"
		rest += 3
	}
	nameW := max(1, rest/2)
	acctW := max(0, rest-nameW)
	cols := func(name, acct, title, email, act string) string {
		s := "  " + fit(name, nameW) + " " + fit(acct, acctW) + " " + fit(title, titleW) + " "
		if emailW > 0 {
			s += fit(email, emailW) + " "
		}
		return s + fit(act, actW)
	}
	b.WriteString(st.Header.Render(cols("Name", "Account", "Title", "Email", actLabel)))
	b.WriteByte('\n')

	switch {
	case p.loadErr != nil:
		b.WriteString(st.Error.Render(fit("  Could not read the contacts: "+p.loadErr.Error(), p.width)))
	case len(p.rows) == 0 && (p.filter.active() || p.filter.editing):
		b.WriteString(st.Muted.Render("  No contact matches the filter."))
	case len(p.rows) == 0 && p.account != "":
		b.WriteString(st.Muted.Render("  The account has no contacts in the cache."))
	case len(p.rows) == 0:
		b.WriteString(st.Muted.Render("  No contacts in the cache yet."))
	}
	p.writeRows(&b, func(i int) string {
		c := &p.index.Contacts[p.rows[i]]
		line := cols(c.Name, c.AccountName, c.Title, c.Email, date(c.LastActivityDate))
		return p.row(st, i, p.ctx.markGutter(c.ID, line, i != p.cursor || !p.focused))
	})
	return padLines(b.String(), p.width, p.paneH)
}

// row marks line as the selected one when i is the cursor's row.
func (l *filteredList[I]) row(st *theme.Styles, i int, line string) string {
	if i != l.cursor {
		return line
	}
	line = "▌" + line[len(" "):]
	if l.focused {
		line = st.Selected.Render(line)
	}
	return line
}

// listTitle renders a list's title line: its name, what is shown (scope,
// e.g. "open", may be empty) out of how many, and the order, followed by a
// line break.
func listTitle(st *theme.Styles, name, scope string, shown, total int, f *filter, sortLabel string, desc bool, width int) string {
	order := sortLabel + " ↑"
	if desc {
		order = sortLabel + " ↓"
	}
	if f.active() {
		order = "relevance"
	}
	if scope != "" {
		scope += " · "
	}
	title := fmt.Sprintf("%s %s", name, st.Muted.Render(fmt.Sprintf("%s of %s · %ssorted by %s",
		formatInt(int64(shown)), formatInt(int64(total)), scope, order)))
	return fitStyled(st.Title.Render(title), width) + "\n"
}

// ShortHelp implements help.KeyMap.
func (p *Contacts) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Contacts
	return p.shortHelp(p.ctx, &k.List, k.SortNext)
}

// FullHelp implements help.KeyMap.
func (p *Contacts) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Contacts
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
		{k.Open, k.Filter, k.Back, k.SortNext, k.SortPrev, k.Reverse},
		{k.Browser, k.Copy},
	}
}

// SetContact shows a contact.
func (p *Detail) SetContact(d book.ContactDetail) {
	d.Activities = newestFirst(d.Activities)
	p.contact, p.loading, p.err = d, false, nil
	p.render()
}

// renderContact lays out a contact's fields, empty ones omitted; the
// timeline follows.
func (p *Detail) renderContact(l []string) []string {
	c := p.contact.Contact
	p.title = c.Name
	l = append(l, p.ctx.Styles.Title.Render(fit("Contact · "+c.Name, p.width)))
	return p.fields(l,
		"Account", c.AccountName,
		"Title", c.Title,
		"Department", c.Department,
		"Email", c.Email,
		"Phone", c.Phone,
		"Mobile", c.MobilePhone,
		"City", c.MailingCity,
		"Lead source", c.LeadSource,
		"Owner", c.OwnerName,
		"Last activity", dateOrEmpty(c.LastActivityDate),
		"Id", c.ID,
	)
}

// fields appends label, value pairs as the detail's field lines, leaving
// out empty values.
func (p *Detail) fields(l []string, pairs ...string) []string {
	st := p.ctx.Styles
	labelW := min(16, p.width/3)
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			continue
		}
		l = append(l, st.Muted.Render(fit(pairs[i], labelW))+" "+fit(pairs[i+1], p.width-labelW-1))
	}
	return l
}

// dateOrEmpty formats a date as 2006-01-02, or "" when it is zero.
func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return date(t)
}
