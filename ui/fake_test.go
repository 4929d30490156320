package ui

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// FakeData is an in-memory Data with believable, deterministic records: a
// few users (the first is "me"), accounts, opportunities over two record
// types with different sales processes, and contacts, contact roles and
// activities generated on demand. It is test support only: the goldens and
// the model's tests use it (its Sync can be made to fail); benchmarks and
// the store tests read a real cache through store/book.
type FakeData struct {
	now         time.Time
	seed        uint64
	users       []fakeUser
	accounts    []book.Account
	opps        []book.Opportunity
	recordTypes []book.RecordType

	mu       sync.Mutex
	lastSync time.Time
	apiUsed  int
	offline  bool
}

type fakeUser struct{ id, name string }

var _ Data = (*FakeData)(nil)

// fakeID returns a valid 18-character Id with the given key prefix: 15
// characters and Salesforce's case-checksum suffix (sfdc.ParseID's).
func fakeID(prefix string, n int) string {
	return sfdc.MustID(fmt.Sprintf("%s%012d", prefix, n)).String()
}

var (
	fakeFirst    = []string{"Ada", "Ben", "Chloé", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara"}
	fakeLast     = []string{"Okafor", "Lindqvist", "Moreau", "Petrov", "García", "Haddad", "Hopper", "Tanaka", "Silva", "Weber", "Adeyemi", "Berg", "Chen", "Novak", "Rahman", "Patel", "Byrne", "Rossi", "Larsen", "Singh"}
	fakeAdj      = []string{"Blue", "North", "Summit", "Bright", "Iron", "Silver", "Cedar", "Harbor", "Golden", "Red", "Prime", "Swift", "Atlas", "Nova", "Evergreen", "Granite", "Pioneer", "Lumen", "Vertex", "Crescent"}
	fakeNoun     = []string{"Logistics", "Foods", "Health", "Robotics", "Energy", "Analytics", "Textiles", "Pharma", "Airlines", "Media", "Retail", "Biotech", "Motors", "Finance", "Software", "Freight", "Hotels", "Mining", "Labs", "Foundry"}
	fakeSuffix   = []string{"Inc", "GmbH", "Ltd", "SA", "Corp", "Group", "AG", "LLC"}
	fakeCities   = []string{"Berlin", "Lyon", "Austin", "Osaka", "Toronto", "Lagos", "Madrid", "Oslo", "Chicago", "Pune", "Dublin", "Milan", "Seattle", "Lisbon", "Denver"}
	fakeTypes    = []string{"Customer - Direct", "Customer - Channel", "Prospect", "Partner", "Other"}
	fakeIndustry = []string{"Manufacturing", "Healthcare", "Technology", "Retail", "Energy", "Finance", "Transportation", "Media"}
	fakeProducts = []string{"Platform licence", "Expansion", "Pilot", "Support renewal", "Data add-on", "Onboarding", "Multi-year deal", "Upgrade"}
	fakeSubjects = []string{"Call", "Send quote", "Follow up on proposal", "Demo", "Email", "Contract review", "Kick-off meeting", "QBR", "Pricing discussion", "Intro call"}
	fakeRoles    = []string{"Decision Maker", "Economic Buyer", "Technical Buyer", "Evaluator", "Influencer", "Executive Sponsor"}
)

// fakeRecordTypes are the two sales processes of the fake org.
func fakeRecordTypes() []book.RecordType {
	return []book.RecordType{
		{ID: fakeID("012", 1), Name: "New Business", StagesKnown: true, Stages: []book.Stage{
			{Label: "Prospecting", SortOrder: 1, Probability: 10},
			{Label: "Qualification", SortOrder: 2, Probability: 20},
			{Label: "Needs Analysis", SortOrder: 3, Probability: 30},
			{Label: "Proposal/Price Quote", SortOrder: 4, Probability: 60},
			{Label: "Negotiation/Review", SortOrder: 5, Probability: 80},
			{Label: "Closed Won", SortOrder: 6, IsClosed: true, IsWon: true, Probability: 100},
			{Label: "Closed Lost", SortOrder: 7, IsClosed: true, Probability: 0},
		}},
		{ID: fakeID("012", 2), Name: "Renewal", StagesKnown: true, Stages: []book.Stage{
			{Label: "Renewal Identified", SortOrder: 1, Probability: 20},
			{Label: "Quote Sent", SortOrder: 2, Probability: 60},
			{Label: "Verbal Commit", SortOrder: 3, Probability: 90},
			{Label: "Closed Won", SortOrder: 4, IsClosed: true, IsWon: true, Probability: 100},
			{Label: "Closed Lost", SortOrder: 5, IsClosed: true, Probability: 0},
		}},
	}
}

// NewFakeData generates an org with about nOpps opportunities (at least 40)
// around the instant now. The same seed gives the same org.
func NewFakeData(seed uint64, nOpps int, now time.Time) *FakeData {
	nOpps = max(40, nOpps)
	r := rand.New(rand.NewPCG(seed, 0x1a2f))
	f := &FakeData{now: now, seed: seed, recordTypes: fakeRecordTypes(), lastSync: now.Add(-3 * time.Minute), apiUsed: 1234}
	for i := range 8 {
		f.users = append(f.users, fakeUser{id: fakeID("005", i+1), name: fakeFirst[(i*7)%len(fakeFirst)] + " " + fakeLast[(i*3)%len(fakeLast)]})
	}
	nAcc := max(12, nOpps/8)
	day := 24 * time.Hour
	for i := range nAcc {
		owner := f.users[r.IntN(len(f.users))]
		name := fmt.Sprintf("%s %s %s", fakeAdj[r.IntN(len(fakeAdj))], fakeNoun[r.IntN(len(fakeNoun))], fakeSuffix[r.IntN(len(fakeSuffix))])
		a := book.Account{
			ID: fakeID("001", i+1), Name: name,
			Type: fakeTypes[r.IntN(len(fakeTypes))], Industry: fakeIndustry[r.IntN(len(fakeIndustry))],
			BillingCity: fakeCities[r.IntN(len(fakeCities))],
			Phone:       fmt.Sprintf("+1 555 %04d", r.IntN(10000)),
			Website:     fmt.Sprintf("https://www.example-%d.com", i+1),
			OwnerID:     owner.id, OwnerName: owner.name,
			AnnualRevenue: float64(r.IntN(5000)+10) * 100000,
		}
		if r.IntN(10) > 0 {
			a.LastActivity = now.Add(-time.Duration(r.IntN(200)) * day).Truncate(day)
		}
		f.accounts = append(f.accounts, a)
	}
	for i := range nOpps {
		acc := f.accounts[r.IntN(nAcc)]
		owner := f.users[r.IntN(len(f.users))]
		rt := f.recordTypes[0]
		if r.IntN(3) == 0 {
			rt = f.recordTypes[1]
		}
		st := rt.Stages[r.IntN(len(rt.Stages))]
		close := now.AddDate(0, 0, r.IntN(545)-365).Truncate(day)
		if !st.IsClosed && close.Before(now) {
			close = now.AddDate(0, 0, r.IntN(180)).Truncate(day)
		}
		o := book.Opportunity{
			ID: fakeID("006", i+1), Name: acc.Name + " — " + fakeProducts[r.IntN(len(fakeProducts))],
			AccountID: acc.ID, AccountName: acc.Name, StageName: st.Label,
			Amount: float64(r.IntN(400)+1) * 1250, CloseDate: close,
			OwnerID: owner.id, OwnerName: owner.name, Probability: st.Probability,
			IsClosed: st.IsClosed, IsWon: st.IsWon, RecordTypeID: rt.ID,
		}
		if r.IntN(5) > 0 {
			o.LastActivityDate = now.Add(-time.Duration(r.IntN(90)) * day).Truncate(day)
		}
		f.opps = append(f.opps, o)
	}
	return f
}

// Me returns the Id of the fake signed-in user.
func (f *FakeData) Me() string { return f.users[0].id }

// SetOffline makes Sync fail as an unreachable org would.
func (f *FakeData) SetOffline(offline bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offline = offline
}

// ErrOffline is returned by FakeData.Sync while offline.
var ErrOffline = errors.New("org unreachable (offline)")

// Sync simulates a sync: it reports progress on the accounts and the
// opportunities, records the time and spends a few API calls.
func (f *FakeData) Sync(ctx context.Context, progress func(syncer.Progress)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if progress != nil {
		progress(syncer.Progress{Object: "Account", Phase: syncer.PhaseFetch, Pages: 1, Records: len(f.accounts), Total: len(f.accounts)})
		progress(syncer.Progress{Object: "Opportunity", Phase: syncer.PhaseFetch, Pages: 1, Records: len(f.opps), Total: len(f.opps)})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.offline {
		return ErrOffline
	}
	f.lastSync = f.now
	f.apiUsed += 7
	return nil
}

// Accounts implements Data.
func (f *FakeData) Accounts(context.Context) ([]book.Account, error) {
	return append([]book.Account(nil), f.accounts...), nil
}

// Opportunities implements Data.
func (f *FakeData) Opportunities(context.Context) ([]book.Opportunity, error) {
	return append([]book.Opportunity(nil), f.opps...), nil
}

// RecordTypes implements Data.
func (f *FakeData) RecordTypes(context.Context) ([]book.RecordType, error) {
	return fakeRecordTypes(), nil
}

// Status implements Data.
func (f *FakeData) Status(context.Context) (Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Status{
		OrgName: "Acme Demo", Username: "ada@acme.example", UserID: f.users[0].id,
		InstanceURL: "https://acme.my.salesforce.com", LastSync: f.lastSync,
		APIUsed: f.apiUsed, APILimit: 15000,
	}, nil
}

// recordRand returns a generator seeded by a record, so related lists are
// stable without being stored.
func (f *FakeData) recordRand(n int) *rand.Rand {
	return rand.New(rand.NewPCG(f.seed, uint64(n)*7919+13))
}

func (f *FakeData) activities(r *rand.Rand, n int, base int, who string) []book.Activity {
	day := 24 * time.Hour
	var out []book.Activity
	for i := range n {
		a := book.Activity{
			ID:        fakeID("00T", base*10+i),
			Subject:   fakeSubjects[r.IntN(len(fakeSubjects))],
			When:      f.now.Add(time.Duration(r.IntN(400)-300) * day).Truncate(day),
			OwnerName: f.users[r.IntN(len(f.users))].name,
			WhoName:   who,
		}
		if r.IntN(3) == 0 {
			a.Kind = book.EventActivity
			a.ID = fakeID("00U", base*10+i)
			a.When = a.When.Add(time.Duration(9+r.IntN(8)) * time.Hour)
		} else if a.When.Before(f.now) {
			a.Status = "Completed"
		} else {
			a.Status = "Not Started"
		}
		out = append(out, a)
	}
	return out
}

func (f *FakeData) contacts(r *rand.Rand, accIndex int) []book.Contact {
	n := 1 + r.IntN(5)
	var out []book.Contact
	for i := range n {
		first, last := fakeFirst[r.IntN(len(fakeFirst))], fakeLast[r.IntN(len(fakeLast))]
		out = append(out, book.Contact{
			ID: fakeID("003", accIndex*10+i), Name: first + " " + last,
			Title: []string{"VP Sales", "CFO", "Head of IT", "Buyer", "COO", "Engineer"}[r.IntN(6)],
			Email: fmt.Sprintf("%s.%d@example.com", first, accIndex), Phone: fmt.Sprintf("+1 555 %04d", r.IntN(10000)),
		})
	}
	return out
}

// AccountDetail implements Data.
func (f *FakeData) AccountDetail(_ context.Context, id string) (book.AccountDetail, error) {
	for i, a := range f.accounts {
		if a.ID != id {
			continue
		}
		r := f.recordRand(i)
		d := book.AccountDetail{Account: a, Contacts: f.contacts(r, i)}
		for _, o := range f.opps {
			if o.AccountID == id {
				d.Opportunities = append(d.Opportunities, o)
			}
		}
		d.Activities = f.activities(r, 2+r.IntN(6), i, d.Contacts[0].Name)
		return d, nil
	}
	return book.AccountDetail{}, fmt.Errorf("account %s is not in the cache", id)
}

// OpportunityDetail implements Data.
func (f *FakeData) OpportunityDetail(_ context.Context, id string) (book.OpportunityDetail, error) {
	for i, o := range f.opps {
		if o.ID != id {
			continue
		}
		r := f.recordRand(1_000_000 + i)
		d := book.OpportunityDetail{Opportunity: o}
		for j := range 1 + r.IntN(3) {
			d.ContactRoles = append(d.ContactRoles, book.ContactRole{
				ContactID:   fakeID("003", 9_000_000+i*3+j),
				ContactName: fakeFirst[r.IntN(len(fakeFirst))] + " " + fakeLast[r.IntN(len(fakeLast))],
				Role:        fakeRoles[r.IntN(len(fakeRoles))], IsPrimary: j == 0,
			})
		}
		d.Activities = f.activities(r, 1+r.IntN(5), 1_000_000+i, d.ContactRoles[0].ContactName)
		return d, nil
	}
	return book.OpportunityDetail{}, fmt.Errorf("opportunity %s is not in the cache", id)
}

// AllContacts implements Data: every account's contacts (as its detail
// lists them) with the account's name and owner.
func (f *FakeData) AllContacts(context.Context) ([]book.Contact, error) {
	var out []book.Contact
	for i, a := range f.accounts {
		r := f.recordRand(i)
		for j, c := range f.contacts(r, i) {
			c.AccountID, c.AccountName, c.OwnerID, c.OwnerName = a.ID, a.Name, a.OwnerID, a.OwnerName
			if (i+j)%4 > 0 {
				c.LastActivityDate = a.LastActivity
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// ContactDetail implements Data.
func (f *FakeData) ContactDetail(ctx context.Context, id string) (book.ContactDetail, error) {
	contacts, _ := f.AllContacts(ctx)
	for i, c := range contacts {
		if c.ID == id {
			r := f.recordRand(2_000_000 + i)
			return book.ContactDetail{Contact: c, Activities: f.activities(r, r.IntN(5), 2_000_000+i, c.Name)}, nil
		}
	}
	return book.ContactDetail{}, fmt.Errorf("contact %s is not in the cache", id)
}

// fakeLeadStatuses are the standard lead statuses.
var fakeLeadStatuses = []string{"Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"}

// Leads implements Data: 60 leads created over the past 200 days.
func (f *FakeData) Leads(context.Context) ([]book.Lead, error) {
	r := f.recordRand(3_000_000)
	day := 24 * time.Hour
	var out []book.Lead
	for i := range 60 {
		first, last := fakeFirst[r.IntN(len(fakeFirst))], fakeLast[r.IntN(len(fakeLast))]
		owner := f.users[r.IntN(len(f.users))]
		status := fakeLeadStatuses[r.IntN(len(fakeLeadStatuses))]
		out = append(out, book.Lead{
			ID: fakeID("00Q", i+1), Name: first + " " + last,
			Company: fakeAdj[r.IntN(len(fakeAdj))] + " " + fakeNoun[r.IntN(len(fakeNoun))],
			Title:   []string{"VP Sales", "CFO", "Head of IT", "Buyer", "COO", "Engineer"}[r.IntN(6)],
			Status:  status, IsConverted: status == "Closed - Converted",
			Email:      fmt.Sprintf("%s.%s@example.org", first, last),
			Phone:      fmt.Sprintf("+1 555 %04d", r.IntN(10000)),
			LeadSource: []string{"Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Word of mouth"}[r.IntN(5)],
			City:       fakeCities[r.IntN(len(fakeCities))], Industry: fakeIndustry[r.IntN(len(fakeIndustry))],
			OwnerID: owner.id, OwnerName: owner.name,
			CreatedDate: f.now.Add(-time.Duration(r.IntN(200*24)) * time.Hour).Truncate(time.Hour),
		})
		if r.IntN(3) > 0 {
			out[i].LastActivityDate = f.now.Add(-time.Duration(r.IntN(30)) * day).Truncate(day)
		}
	}
	return out, nil
}

// LeadDetail implements Data.
func (f *FakeData) LeadDetail(ctx context.Context, id string) (book.LeadDetail, error) {
	leads, _ := f.Leads(ctx)
	for i, l := range leads {
		if l.ID == id {
			r := f.recordRand(4_000_000 + i)
			return book.LeadDetail{Lead: l, Activities: f.activities(r, r.IntN(4), 4_000_000+i, l.Name)}, nil
		}
	}
	return book.LeadDetail{}, fmt.Errorf("lead %s is not in the cache", id)
}
