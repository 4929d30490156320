package views

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views/keytest"
)

func testContacts() []book.Contact {
	return []book.Contact{
		{ID: "003000000000001AAA", Name: "Maya Chen", Title: "CFO", Email: "maya@acme.example", AccountID: "001000000000001AAA",
			AccountName: "Acme Logistics", Phone: "+49 30 1", OwnerName: "Ada Okafor", LastActivityDate: day(-2)},
		{ID: "003000000000002AAA", Name: "Lars Berg", Title: "Buyer", Email: "lars@blue.example", AccountID: "001000000000002AAA",
			AccountName: "Blue Harbor Foods", LastActivityDate: day(-40)},
		{ID: "003000000000003AAA", Name: "Omar Rahman", Title: "VP Operations", Email: "omar@cedar.example", AccountID: "001000000000003AAA",
			AccountName: "Cedar Robotics"},
		{ID: "003000000000004AAA", Name: "Zoe Atlas", Title: "Engineer", Email: "zoe@atlas.example", AccountID: "001000000000004AAA",
			AccountName: "Atlas Motors", LastActivityDate: day(-1)},
		{ID: "003000000000005AAA", Name: evilName, Title: evilName, Email: "evil\x1b[2J@x", AccountName: evilName},
	}
}

// testLeads: three open leads (created 12, 3 and 0 days ago, one with
// an unknown creation), one converted and one closed without conversion.
func testLeads() []book.Lead {
	return []book.Lead{
		{ID: "00Q000000000001AAA", Name: "Kemi Adeyemi", Company: "Cedar Labs", Title: "COO", Status: "Working - Contacted",
			LeadSource: "Trade Show", Email: "kemi@cedar.example", OwnerName: "Ben Weber", CreatedDate: day(-12)},
		{ID: "00Q000000000002AAA", Name: "Ana Souza", Company: "Blue Fin", Status: "Open - Not Contacted",
			LeadSource: "Web", Email: "ana@bluefin.example", OwnerName: "Ada Okafor", CreatedDate: testNow.Add(-3*24*60*60*1e9 - 60*1e9)},
		{ID: "00Q000000000003AAA", Name: "Tom Reyes", Company: "Atlas Freight", Status: "Closed - Converted",
			LeadSource: "Partner Referral", IsConverted: true, CreatedDate: day(-90)},
		{ID: "00Q000000000004AAA", Name: "Ivy Holt", Company: "Zenith Labs", Status: "Closed - Not Converted",
			LeadSource: "Web", CreatedDate: day(-60)},
		{ID: "00Q000000000005AAA", Name: evilName, Company: evilName, Status: "Open - Not Contacted", LeadSource: evilName},
	}
}

func newTestContacts(t *testing.T, w, h int) *Contacts {
	return openTestPane(NewContacts(testContext(true)), w, h, func(p *Contacts) { p.Update(ContactsLoadedMsg{Seq: 1, Index: NewContactIndex(testContacts())}) })
}

func newTestLeads(t *testing.T, w, h int) *Leads {
	return openTestPane(NewLeads(testContext(true)), w, h, func(p *Leads) { p.Update(LeadsLoadedMsg{Seq: 1, Index: NewLeadIndex(testLeads())}) })
}

func contactColumn(p *Contacts, of func(c *book.Contact) string) []string {
	return listColumn(&p.sortedList, p.index.records, of)
}

func leadNames(p *Leads) []string {
	return listColumn(&p.sortedList, p.index.records, func(l *book.Lead) string { return Sanitize(l.Name) })
}

func byLower(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

func TestContactsSortCyclesColumnsAndReverses(t *testing.T) {
	p := newTestContacts(t, 100, 20)
	if names := contactColumn(p, func(c *book.Contact) string { return Sanitize(c.Name) }); !slices.IsSortedFunc(names, byLower) {
		t.Fatalf("default order is not by name: %q", names)
	}
	send(t, p, ">")
	if s, _ := p.Sort(); s != SortContactAccount {
		t.Fatalf("> sorted by %v, want Account", s)
	}
	want := []string{"Acme Logistics", "Atlas Motors", "Blue Harbor Foods", "Cedar Robotics"}
	if got := contactColumn(p, func(c *book.Contact) string { return c.AccountName }); !slices.Equal(got[:4], want) {
		t.Fatalf("by account: %q", got)
	}
	send(t, p, "-")
	if got := contactColumn(p, func(c *book.Contact) string { return c.AccountName }); got[len(got)-1] != "Acme Logistics" {
		t.Fatalf("- did not reverse: %q", got)
	}
	send(t, p, "<", "<")
	if s, desc := p.Sort(); s != SortContactActivity || !desc {
		t.Fatalf("< < from Account: %v desc %v, want Last activity descending", s, desc)
	}
	// Newest activity first; no activity last.
	got := contactColumn(p, func(c *book.Contact) string { return c.Name })
	if got[0] != "Zoe Atlas" || got[1] != "Maya Chen" || got[2] != "Lars Berg" {
		t.Fatalf("by last activity, newest first: %q", got)
	}
	send(t, p, "<")
	if s, _ := p.Sort(); s != SortContactEmail {
		t.Fatalf("< from Last activity: %v, want Email", s)
	}
	if !strings.Contains(ansi.Strip(p.View()), "sorted by Email ↓") {
		t.Fatalf("title does not say the order:\n%s", ansi.Strip(p.View()))
	}
}

func TestContactsFilterMatchesNameOrAccount(t *testing.T) {
	p := newTestContacts(t, 100, 20)
	send(t, p, "/", "c", "e", "d", "a", "r")
	if !p.Capturing() {
		t.Fatal("/ did not start the filter")
	}
	got := contactColumn(p, func(c *book.Contact) string { return c.Name })
	if len(got) == 0 || got[0] != "Omar Rahman" {
		t.Fatalf("filter cedar: %q, want Omar Rahman (of Cedar Robotics) first", got)
	}
	if !strings.Contains(ansi.Strip(p.View()), "sorted by relevance") {
		t.Errorf("a filtered list does not say it is sorted by relevance")
	}
	send(t, p, "enter")
	msgs := send(t, p, "enter")
	want := OpenRecordMsg{From: ContactsPane, Kind: ContactRecord, ID: "003000000000003AAA"}
	if len(msgs) != 1 || msgs[0] != want {
		t.Fatalf("enter on Omar: %v, want %v", msgs, want)
	}
	send(t, p, "esc")
	if p.Query() != "" || p.Rows() != len(testContacts()) {
		t.Fatalf("esc did not clear the filter: %q, %d rows", p.Query(), p.Rows())
	}
	sel, _ := p.Selected()
	if msgs := send(t, p, "y"); len(msgs) != 1 || msgs[0] != (CopyMsg{ID: sel.ID}) {
		t.Fatalf("y: %v, want a copy of %s", msgs, sel.ID)
	}
}

func TestContactsIgnoresAnOlderSnapshotAndShowsErrors(t *testing.T) {
	p := newTestContacts(t, 100, 20)
	p.Update(ContactsLoadedMsg{Seq: 3, Index: NewContactIndex(testContacts()[:2])})
	p.Update(ContactsLoadedMsg{Seq: 2, Index: NewContactIndex(testContacts())})
	if p.Rows() != 2 {
		t.Fatalf("an older read replaced a newer one: %d rows", p.Rows())
	}
	p.Update(ContactsLoadedMsg{Seq: 4, Err: errors.New("disk on fire")})
	if out := ansi.Strip(p.View()); !strings.Contains(out, "Could not read the contacts: disk on fire") {
		t.Fatalf("no error shown:\n%s", out)
	}
	p.Update(ContactsLoadedMsg{Seq: 5, Index: NewContactIndex(testContacts())})
	if out := ansi.Strip(p.View()); strings.Contains(out, "disk on fire") || p.Rows() != len(testContacts()) {
		t.Fatalf("a good read did not clear the error:\n%s", out)
	}
}

func TestLeadsShowOpenLeadsWithStatusSourceAndAge(t *testing.T) {
	p := newTestLeads(t, 80, 20)
	names := leadNames(p)
	if len(names) != 3 || slices.Contains(names, "Tom Reyes") || slices.Contains(names, "Ivy Holt") {
		t.Fatalf("open leads: %q, want the three open ones", names)
	}
	out := ansi.Strip(p.View())
	if !strings.Contains(out, "Leads 3 of 3 · open · sorted by Name ↑") {
		t.Errorf("title:\n%s", out)
	}
	for _, want := range []struct{ name, cells string }{
		{"Kemi Adeyemi", "Working - Contacted  Trade Show         12d"},
		{"Ana Souza", "Open - Not Contacted Web                 3d"},
	} {
		line := lineWith(out, want.name)
		if !strings.Contains(line, want.cells) {
			t.Errorf("%s's row %q lacks %q", want.name, line, want.cells)
		}
	}
	send(t, p, "x")
	if !p.All() || p.Rows() != len(testLeads()) {
		t.Fatalf("x: all %v, %d rows", p.All(), p.Rows())
	}
	out = ansi.Strip(p.View())
	if !strings.Contains(out, "5 of 5 · all") {
		t.Errorf("title after x:\n%s", out)
	}
	// A closed lead has no age.
	if line := lineWith(out, "Tom Reyes"); !strings.Contains(line, "Closed - Converted") || strings.Contains(line, "90d") {
		t.Errorf("converted lead's row: %q", line)
	}
}

func TestLeadsSortByCreatedAndOpen(t *testing.T) {
	p := newTestLeads(t, 140, 20)
	send(t, p, "x", "<")
	if s, _ := p.Sort(); s != SortLeadCreated {
		t.Fatalf("< from Name: %v, want Created", s)
	}
	// Oldest first; an unknown creation date first of all.
	want := []string{Sanitize(evilName), "Tom Reyes", "Ivy Holt", "Kemi Adeyemi", "Ana Souza"}
	if got := leadNames(p); !slices.Equal(got, want) {
		t.Fatalf("by created: %q, want %q", got, want)
	}
	send(t, p, "G")
	msgs := send(t, p, "enter")
	if len(msgs) != 1 || msgs[0] != (OpenRecordMsg{From: LeadsPane, Kind: LeadRecord, ID: "00Q000000000002AAA"}) {
		t.Fatalf("enter: %v", msgs)
	}
	// Back to open leads only: the selection stays on Ana.
	send(t, p, "x")
	if l, ok := p.Selected(); !ok || l.Name != "Ana Souza" {
		t.Fatalf("x lost the selection: %+v", l)
	}
	send(t, p, "/", "z", "e", "n", "i", "t", "h")
	if p.Rows() != 0 || !strings.Contains(ansi.Strip(p.View()), "No lead matches the filter.") {
		t.Fatalf("a closed lead matched while showing open leads: %q", leadNames(p))
	}
}

func TestPeopleDetails(t *testing.T) {
	d := NewDetail(testContext(true), ContactsPane, ContactRecord, testContacts()[0].ID)
	d.SetSize(100, 30)
	d.SetContact(book.ContactDetail{Contact: testContacts()[0], Activities: []book.Activity{
		{Subject: "Old call", When: day(-30)},
		{Subject: "Next meeting", When: day(3), Kind: book.EventActivity},
	}})
	out := ansi.Strip(d.View())
	assertShows(t, out, "contact detail lacks", "Contact · Maya Chen", "Acme Logistics", "CFO", "maya@acme.example", "+49 30 1", "Ada Okafor", "Activity (2)")
	if strings.Contains(out, "Department") || strings.Contains(out, "Mobile") {
		t.Errorf("empty fields are shown:\n%s", out)
	}
	if strings.Index(out, "Next meeting") > strings.Index(out, "Old call") {
		t.Errorf("timeline not newest first:\n%s", out)
	}

	d = NewDetail(testContext(true), LeadsPane, LeadRecord, testLeads()[0].ID)
	d.SetSize(100, 30)
	d.SetLead(book.LeadDetail{Lead: testLeads()[0]})
	out = ansi.Strip(d.View())
	assertShows(t, out, "lead detail lacks", "Lead · Kemi Adeyemi", "Cedar Labs", "Working - Contacted", "Trade Show", day(-12).Format("2006-01-02")+" (12d ago)", "No tasks or events.")
	if msgs := send(t, d, "esc"); len(msgs) != 1 || msgs[0] != (CloseDetailMsg{Pane: LeadsPane}) {
		t.Errorf("esc: %v", msgs)
	}
}

func TestPeopleAreSanitized(t *testing.T) {
	for _, w := range []int{80, 140} {
		c := newTestContacts(t, w, 20)
		assertSafe(t, c.View())
		l := newTestLeads(t, w, 20)
		assertSafe(t, l.View())
		d := NewDetail(testContext(true), ContactsPane, ContactRecord, "x")
		d.SetSize(w, 30)
		d.SetContact(book.ContactDetail{Contact: testContacts()[4], Activities: []book.Activity{{Subject: evilName, WhoName: evilName}}})
		assertSafe(t, d.View())
		d = NewDetail(testContext(true), LeadsPane, LeadRecord, "x")
		d.SetSize(w, 30)
		d.SetLead(book.LeadDetail{Lead: testLeads()[4]})
		assertSafe(t, d.View())
	}
}

// TestGoldenPeople renders the contacts and leads lists and their details
// at two sizes in both themes. Regenerate with: go test ./views/... -update
func TestGoldenPeople(t *testing.T) {
	panes := map[string]func(ctx *Context) Pane{
		"contacts": func(ctx *Context) Pane {
			p := NewContacts(ctx)
			p.Update(ContactsLoadedMsg{Seq: 1, Index: NewContactIndex(testContacts())})
			return p
		},
		"leads": func(ctx *Context) Pane {
			p := NewLeads(ctx)
			p.Update(LeadsLoadedMsg{Seq: 1, Index: NewLeadIndex(testLeads())})
			return p
		},
		"contact-detail": func(ctx *Context) Pane {
			d := NewDetail(ctx, ContactsPane, ContactRecord, testContacts()[0].ID)
			c := testContacts()[0]
			c.Department, c.MobilePhone, c.MailingCity, c.LeadSource = "Finance", "+49 170 1", "Berlin", "Web"
			d.SetContact(book.ContactDetail{Contact: c, Activities: []book.Activity{
				{Kind: book.TaskActivity, Subject: "Send quote", When: day(-2), Status: "Completed", WhoName: "Maya Chen"},
				{Kind: book.EventActivity, Subject: "Demo", When: day(4).Add(14 * 60 * 60 * 1e9), WhoName: "Maya Chen"},
			}})
			return d
		},
		"lead-detail": func(ctx *Context) Pane {
			d := NewDetail(ctx, LeadsPane, LeadRecord, testLeads()[0].ID)
			d.SetLead(book.LeadDetail{Lead: testLeads()[0], Activities: []book.Activity{
				{Kind: book.TaskActivity, Subject: "Intro call", When: day(-5), Status: "Completed", WhoName: "Kemi Adeyemi"},
			}})
			return d
		},
	}
	for _, name := range []string{"contacts", "leads", "contact-detail", "lead-detail"} {
		for _, size := range [][2]int{{80, 24}, {140, 40}} {
			keytest.EachTheme(t, fmt.Sprintf("%s/%dx%d", name, size[0], size[1]), func(t *testing.T, dark bool) {
				p := panes[name](testContext(dark))
				p.SetSize(size[0], size[1])
				p.Focus()
				out := p.View()
				assertBlock(t, out, size[0], size[1])
				golden.RequireEqual(t, fixedProfile(t, out))
			})
		}
	}
}

// TestPeopleListsFitEveryWidth: every line of both lists is exactly the
// pane's width, whichever columns fit.
func TestPeopleListsFitEveryWidth(t *testing.T) {
	for w := 40; w <= 200; w += 7 {
		c := newTestContacts(t, w, 12)
		assertBlock(t, c.View(), w, 12)
		l := newTestLeads(t, w, 12)
		send(t, l, "x")
		assertBlock(t, l.View(), w, 12)
	}
	l := newTestLeads(t, 120, 12)
	header := lineWith(ansi.Strip(l.View()), "Company")
	if !strings.Contains(header, "Owner") || strings.Contains(header, "Email") {
		t.Errorf("at 120 cells the leads show the owner, not yet the email: %q", header)
	}
}

func TestContactsOfAnAccount(t *testing.T) {
	p := newTestContacts(t, 100, 20)
	send(t, p, "G")
	p.Update(ShowContactsMsg{AccountID: "001000000000001AAA", AccountName: "Acme Logistics"})
	if got := contactColumn(p, func(c *book.Contact) string { return c.Name }); !slices.Equal(got, []string{"Maya Chen"}) || p.Account() != "001000000000001AAA" {
		t.Fatalf("Acme's contacts: %q", got)
	}
	if out := ansi.Strip(p.View()); !strings.Contains(out, "Contacts of Acme Logistics 1 of 1 · sorted by Name ↑") {
		t.Fatalf("title:\n%s", out)
	}
	// esc clears a filter first, then shows every contact again.
	send(t, p, "/", "z", "o", "e", "enter")
	if p.Rows() != 0 {
		t.Fatalf("a filter over Acme's contacts found another account's: %d rows", p.Rows())
	}
	send(t, p, "esc")
	if p.Query() != "" || p.Account() == "" || p.Rows() != 1 {
		t.Fatalf("first esc: query %q, account %q, %d rows", p.Query(), p.Account(), p.Rows())
	}
	send(t, p, "esc")
	if p.Account() != "" || p.Rows() != len(testContacts()) {
		t.Fatalf("second esc: account %q, %d rows", p.Account(), p.Rows())
	}
	p.Update(ShowContactsMsg{AccountID: "001000000000009AAA", AccountName: "Nobody Inc"})
	if out := ansi.Strip(p.View()); !strings.Contains(out, "The account has no contacts in the cache.") {
		t.Fatalf("an account without contacts:\n%s", out)
	}
}

func TestAccountDetailShowsItsContacts(t *testing.T) {
	d := NewDetail(testContext(true), AccountsPane, AccountRecord, testAccounts()[0].ID)
	d.SetSize(100, 30)
	if msgs := send(t, d, "C"); len(msgs) != 0 {
		t.Fatalf("C before the account arrived: %v", msgs)
	}
	d.SetAccount(book.AccountDetail{Account: testAccounts()[0], Contacts: testContacts()[:1]})
	want := ShowContactsMsg{AccountID: testAccounts()[0].ID, AccountName: "Acme Logistics"}
	if msgs := send(t, d, "C"); len(msgs) != 1 || msgs[0] != want {
		t.Fatalf("C: %v, want %v", msgs, want)
	}
	if !slices.ContainsFunc(d.ShortHelp(), func(b key.Binding) bool { return b.Help().Key == "C" }) {
		t.Error("the account's help does not offer C")
	}
	o := NewDetail(testContext(true), OpportunitiesPane, OpportunityRecord, testOpps()[0].ID)
	o.SetSize(100, 30)
	o.SetOpportunity(book.OpportunityDetail{Opportunity: testOpps()[0]})
	if msgs := send(t, o, "C"); len(msgs) != 0 {
		t.Fatalf("C on an opportunity: %v", msgs)
	}
	if slices.ContainsFunc(o.ShortHelp(), func(b key.Binding) bool { return b.Help().Key == "C" }) {
		t.Error("an opportunity's help offers C")
	}
}
