package views

import "github.com/lazyforce/lazyforce/store/book"

// The domain types the panes display live in store/book, decoded from the
// cache once. These aliases keep the panes compiling while they are being
// restructured: the lead will inline them (views.Account → book.Account,
// …) after the merge and delete this file.

type (
	// Account is book.Account.
	Account = book.Account
	// Opportunity is book.Opportunity.
	Opportunity = book.Opportunity
	// Stage is book.Stage.
	Stage = book.Stage
	// RecordType is book.RecordType.
	RecordType = book.RecordType
	// Contact is book.Contact.
	Contact = book.Contact
	// ActivityKind is book.ActivityKind.
	ActivityKind = book.ActivityKind
	// Activity is book.Activity.
	Activity = book.Activity
	// ContactRole is book.ContactRole.
	ContactRole = book.ContactRole
	// AccountDetail is book.AccountDetail.
	AccountDetail = book.AccountDetail
	// OpportunityDetail is book.OpportunityDetail.
	OpportunityDetail = book.OpportunityDetail
)

const (
	// TaskActivity is book.TaskActivity.
	TaskActivity = book.TaskActivity
	// EventActivity is book.EventActivity.
	EventActivity = book.EventActivity
)

// NarrowStages is book.NarrowStages.
func NarrowStages(rts []RecordType, opps []Opportunity) []RecordType {
	return book.NarrowStages(rts, opps)
}
