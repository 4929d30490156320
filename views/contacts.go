package views

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
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
func (s ContactSort) String() string { return contactColumns[s].label }

// ContactIndex is an immutable, searchable snapshot of the contacts (see
// recordIndex); the search keys are the name and the account.
type ContactIndex struct {
	recordIndex[ContactSort, book.Contact]
}

// NewContactIndex builds the index of contacts.
func NewContactIndex(contacts []book.Contact) *ContactIndex {
	return &ContactIndex{newRecordIndex[ContactSort](contacts, contactColumns[:], func(c *book.Contact) (string, string) {
		return c.ID, searchKey(c.Name, c.AccountName)
	})}
}

// contactColumns are the contacts list's sort columns.
var contactColumns = [numContactSorts]sortColumn[book.Contact]{
	SortContactName:     textColumn("Name", func(c *book.Contact) string { return c.Name }),
	SortContactAccount:  textColumn("Account", func(c *book.Contact) string { return c.AccountName }),
	SortContactTitle:    textColumn("Title", func(c *book.Contact) string { return c.Title }),
	SortContactEmail:    textColumn("Email", func(c *book.Contact) string { return c.Email }),
	SortContactActivity: timeColumn("Last activity", func(c *book.Contact) time.Time { return c.LastActivityDate }),
}

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
	sortedList[*ContactIndex, ContactSort]
	// account, when not empty, limits the list to that account's
	// contacts (ShowContactsMsg); esc shows every contact again.
	account     string
	accountName string
	inAccount   int // contacts of account, for the title
}

var _ Pane = (*Contacts)(nil)

// NewContacts returns an empty contacts pane.
func NewContacts(ctx *Context) *Contacts {
	k := &ctx.Keys.Contacts
	p := &Contacts{sortedList: newSortedList(ctx, ContactsPane, ContactRecord, numContactSorts, NewContactIndex(nil), 2 /* title, header */, &k.List, &k.Sort)}
	p.rowsOf = p.ofAccount
	return p
}

// ofAccount returns the displayed rows of the account the list is
// limited to, if any.
func (p *Contacts) ofAccount() []int {
	if p.account == "" {
		return p.sortedRows(nil)
	}
	contacts := p.index.records
	p.inAccount = 0
	for i := range contacts {
		if contacts[i].AccountID == p.account {
			p.inAccount++
		}
	}
	return p.sortedRows(func(r int) bool { return contacts[r].AccountID == p.account })
}

// Account returns the Id of the account the list is limited to, or "".
func (p *Contacts) Account() string { return p.account }

// Selected returns the selected contact.
func (p *Contacts) Selected() (book.Contact, bool) {
	return selectedOf(&p.sortedList, p.index.records)
}

// Update implements Pane.
func (p *Contacts) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case ContactsLoadedMsg:
		return p, p.load(msg.Seq, msg.Index, msg.Err)
	case ShowContactsMsg:
		p.filter.clear()
		p.account, p.accountName = msg.AccountID, msg.AccountName
		p.cursor = 0
		p.refresh()
		return p, nil
	case tea.KeyPressMsg:
		// esc leaves an account's contacts once no filter is left to clear.
		if p.account != "" && !p.filter.editing && !p.filter.active() && key.Matches(msg, p.keys.Back) {
			p.account, p.accountName = "", ""
			p.refresh()
			return p, nil
		}
	}
	return p, p.update(msg, nil)
}

// View implements Pane.
func (p *Contacts) View() string {
	text := listText{name: "Contacts", total: len(p.index.records), plural: "contacts",
		noMatch: "No contact matches the filter.", empty: "No contacts in the cache yet."}
	if p.account != "" {
		text.name, text.total = "Contacts of "+Sanitize(p.accountName), p.inAccount
		text.empty = "The account has no contacts in the cache."
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
	return p.view(text, cols("Name", "Account", "Title", "Email", actLabel), func(r int) (string, string) {
		c := &p.index.records[r]
		return c.ID, cols(c.Name, c.AccountName, c.Title, c.Email, date(c.LastActivityDate))
	})
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
	l = p.titled(l, c.Name)
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
