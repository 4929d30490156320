package book

import "time"

// The plain domain types reps work with. They carry no behaviour beyond
// small helpers; text fields come straight from Salesforce and are
// sanitized by whoever renders them.

// Account is one Account record.
type Account struct {
	ID            string
	Name          string
	Type          string
	Industry      string
	BillingCity   string
	Phone         string
	Website       string
	OwnerID       string
	OwnerName     string
	AnnualRevenue float64
	// AnnualRevenueNull is true when Salesforce has no annual revenue
	// (null), which is shown as "—", unlike 0.
	AnnualRevenueNull bool
	LastActivity      time.Time // zero when the account has no activity
}

// Opportunity is one Opportunity record with its account and owner names.
type Opportunity struct {
	ID               string
	Name             string
	AccountID        string
	AccountName      string
	StageName        string
	Amount           float64
	AmountNull       bool // Salesforce has no amount (null): shown as "—", unlike 0
	CloseDate        time.Time
	OwnerID          string
	OwnerName        string
	Probability      float64 // percent, 0–100
	IsClosed         bool
	IsWon            bool
	RecordTypeID     string
	LastActivityDate time.Time // zero when there is no activity
}

// Lead is one Lead record with its owner's name.
type Lead struct {
	ID          string
	Name        string
	Company     string
	Title       string
	Status      string
	Email       string
	Phone       string
	OwnerID     string
	OwnerName   string
	IsConverted bool
	LeadSource  string
	City        string
	Industry    string
	// CreatedDate is when the lead was created: its age is counted from
	// it.
	CreatedDate      time.Time
	LastActivityDate time.Time // zero when there is no activity
}

// User is one User record.
type User struct {
	ID       string
	Name     string
	Username string
	Email    string
	IsActive bool
}

// Stage is one stage of a sales process (an OpportunityStage as used by a
// record type's business process).
type Stage struct {
	Label       string
	SortOrder   int
	IsClosed    bool
	IsWon       bool
	Probability float64 // default probability, percent
}

// RecordType is an Opportunity record type with the stages of its sales
// process, in sort order.
type RecordType struct {
	ID     string
	Name   string
	Stages []Stage
	// StagesKnown is true when Stages is this record type's own sales
	// process; false when the cache does not know it and Stages lists every
	// active stage (the app then keeps the stages its opportunities use).
	StagesKnown bool
}

// NarrowStages returns rts where every record type whose stages are not
// known keeps only the stages some of its opportunities are in. rts is not
// changed.
func NarrowStages(rts []RecordType, opps []Opportunity) []RecordType {
	used := make(map[string]map[string]bool)
	for i := range opps {
		o := &opps[i]
		if used[o.RecordTypeID] == nil {
			used[o.RecordTypeID] = make(map[string]bool)
		}
		used[o.RecordTypeID][o.StageName] = true
	}
	out := make([]RecordType, len(rts))
	for i, rt := range rts {
		out[i] = rt
		if rt.StagesKnown {
			continue
		}
		var stages []Stage
		for _, s := range rt.Stages {
			if used[rt.ID][s.Label] {
				stages = append(stages, s)
			}
		}
		if len(stages) > 0 {
			out[i].Stages = stages
		}
	}
	return out
}

// Contact is a contact of an account. AccountName and OwnerName are
// filled by the lists and details of contacts (AllContacts,
// ContactDetail), not by an account's own contacts (Contacts).
type Contact struct {
	ID               string
	Name             string
	Title            string
	Email            string
	Phone            string
	AccountID        string
	AccountName      string
	Department       string
	MobilePhone      string
	MailingCity      string
	LeadSource       string
	OwnerID          string
	OwnerName        string
	LastActivityDate time.Time // zero when there is no activity
}

// ActivityKind tells a task from an event.
type ActivityKind int

const (
	// TaskActivity is a Task record.
	TaskActivity ActivityKind = iota
	// EventActivity is an Event record.
	EventActivity
)

// String returns "Task" or "Event".
func (k ActivityKind) String() string {
	if k == EventActivity {
		return "Event"
	}
	return "Task"
}

// Activity is a task or an event; When is the task's ActivityDate or the
// event's StartDateTime.
type Activity struct {
	ID        string
	Kind      ActivityKind
	Subject   string
	When      time.Time
	Status    string
	WhoName   string
	OwnerName string
	// Description is the task's or event's comments (free text, may span
	// lines).
	Description string
}

// ContactRole is an OpportunityContactRole with the contact's name.
type ContactRole struct {
	ContactID   string
	ContactName string
	Role        string
	IsPrimary   bool
}

// AccountDetail is an account with its related records.
type AccountDetail struct {
	Account       Account
	Contacts      []Contact
	Opportunities []Opportunity
	Activities    []Activity
}

// OpportunityDetail is an opportunity with its related records.
type OpportunityDetail struct {
	Opportunity  Opportunity
	Page         OpportunityPage
	ContactRoles []ContactRole
	Activities   []Activity
}

// OpportunityPage is what only an opportunity's own page shows. It is not
// part of Opportunity, which the lists decode for every record: a
// Description can be long, and 100k of them would be read for nothing.
type OpportunityPage struct {
	NextStep             string
	Type                 string
	LeadSource           string
	ForecastCategoryName string
	RecordTypeName       string // the record type's Name
	Description          string // free text, may span lines
}

// Status is the org, identity and sync state of the cache.
type Status struct {
	OrgName     string // e.g. "Acme Corp"
	Username    string // the signed-in user's username
	UserID      string // the signed-in user's Id, for "mine" filters
	InstanceURL string // e.g. https://acme.my.salesforce.com, for 'o'
	// FiscalYearStartMonth is the org's first fiscal month (0: January),
	// for "this quarter".
	FiscalYearStartMonth time.Month
	// Currency is the org's ISO currency code ("": USD), for amounts.
	Currency string
	LastSync time.Time
	// APIUsed and APILimit come from the last Sforce-Limit-Info header
	// (api-usage=USED/LIMIT); APILimit 0 means unknown.
	APIUsed  int
	APILimit int
	// HasOutbox is false until the outbox exists; then PendingWrites is
	// the number of writes waiting to be pushed.
	HasOutbox     bool
	PendingWrites int
}
