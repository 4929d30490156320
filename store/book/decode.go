package book

import (
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// One decoder per type: each reads the fields of its list (and only those,
// with store.DecodeRecord, which stops scanning a record once it has them:
// several times faster than encoding/json, and start-up over a cache of
// 100k opportunities is mostly this decoding, docs/benchmarks.md) into the
// domain type. Lists and details use the same decoder, so they cannot
// disagree. Names of related records (owner, account, contact) are filled
// in by the caller, which knows whether it has a map of them or looks
// each one up.
var (
	nameFields        = []string{"Name"}
	accountFields     = []string{"Name", "Type", "Industry", "BillingCity", "Phone", "Website", "OwnerId", "AnnualRevenue", "LastActivityDate"}
	opportunityFields = []string{"Name", "AccountId", "StageName", "Amount", "CloseDate", "OwnerId", "Probability", "IsClosed", "IsWon", "RecordTypeId", "LastActivityDate"}
	leadFields        = []string{"Name", "Company", "Title", "Status", "Email", "Phone", "OwnerId", "IsConverted", "LeadSource", "City", "Industry", "CreatedDate", "LastActivityDate"}
	userFields        = []string{"Name", "Username", "Email", "IsActive"}
	contactFields     = []string{"Name", "Title", "Email", "Phone", "AccountId", "Department", "MobilePhone", "MailingCity", "LeadSource", "OwnerId", "LastActivityDate"}
	stageFields       = []string{"ApiName", "MasterLabel", "SortOrder", "IsActive", "IsClosed", "IsWon", "DefaultProbability"}
	recordTypeFields  = []string{"Name", "SobjectType", "IsActive"}
	activityFields    = []string{"Subject", "ActivityDate", "ActivityDateTime", "StartDateTime", "Status", "WhoId", "OwnerId", "Description"}
	oppPageFields     = []string{"NextStep", "Type", "LeadSource", "ForecastCategoryName", "Description"}
	contactRoleFields = []string{"ContactId", "Role", "IsPrimary"}
)

// nameFunc returns the Name of the cached record id ("" when it has
// none): how a decoder names the records its record points at (owner,
// account).
type nameFunc func(id string) string

// noName is the nameFunc that names nothing.
func noName(string) string { return "" }

// accountOf decodes an account with its owner's name.
func accountOf(key string, r soql.Record, name nameFunc) Account {
	a := Account{
		ID: recordID(key, r), Name: str(r, "Name"), Type: str(r, "Type"), Industry: str(r, "Industry"),
		BillingCity: str(r, "BillingCity"), Phone: str(r, "Phone"), Website: str(r, "Website"),
		OwnerID: str(r, "OwnerId"), LastActivity: parseDate(str(r, "LastActivityDate")),
	}
	a.OwnerName = name(a.OwnerID)
	var ok bool
	if a.AnnualRevenue, ok = num(r, "AnnualRevenue"); !ok {
		a.AnnualRevenueNull = true
	}
	return a
}

// opportunityOf decodes an opportunity with its account's and owner's
// names.
func opportunityOf(key string, r soql.Record, name nameFunc) Opportunity {
	o := Opportunity{
		ID: recordID(key, r), Name: str(r, "Name"), AccountID: str(r, "AccountId"), StageName: str(r, "StageName"),
		CloseDate: parseDate(str(r, "CloseDate")), OwnerID: str(r, "OwnerId"),
		IsClosed: boolean(r, "IsClosed"), IsWon: boolean(r, "IsWon"), RecordTypeID: str(r, "RecordTypeId"),
		LastActivityDate: parseDate(str(r, "LastActivityDate")),
	}
	var ok bool
	if o.Amount, ok = num(r, "Amount"); !ok {
		o.AmountNull = true
	}
	o.Probability, _ = num(r, "Probability")
	o.AccountName, o.OwnerName = name(o.AccountID), name(o.OwnerID)
	return o
}

// opportunityPageOf decodes the fields of an opportunity's page (without
// its record type's name).
func opportunityPageOf(r soql.Record) OpportunityPage {
	return OpportunityPage{
		NextStep: str(r, "NextStep"), Type: str(r, "Type"), LeadSource: str(r, "LeadSource"),
		ForecastCategoryName: str(r, "ForecastCategoryName"), Description: str(r, "Description"),
	}
}

// leadOf decodes a lead with its owner's name.
func leadOf(key string, r soql.Record, name nameFunc) Lead {
	l := Lead{
		ID: recordID(key, r), Name: str(r, "Name"), Company: str(r, "Company"), Title: str(r, "Title"),
		Status: str(r, "Status"), Email: str(r, "Email"), Phone: str(r, "Phone"), OwnerID: str(r, "OwnerId"),
		IsConverted: boolean(r, "IsConverted"), LeadSource: str(r, "LeadSource"), City: str(r, "City"),
		Industry: str(r, "Industry"), CreatedDate: parseDate(str(r, "CreatedDate")),
		LastActivityDate: parseDate(str(r, "LastActivityDate")),
	}
	l.OwnerName = name(l.OwnerID)
	return l
}

// userOf decodes a user.
func userOf(key string, r soql.Record) User {
	return User{ID: recordID(key, r), Name: str(r, "Name"), Username: str(r, "Username"), Email: str(r, "Email"), IsActive: boolean(r, "IsActive")}
}

// contactOf decodes a contact with its account's and owner's names.
func contactOf(key string, r soql.Record, name nameFunc) Contact {
	c := Contact{
		ID: recordID(key, r), Name: str(r, "Name"), Title: str(r, "Title"), Email: str(r, "Email"), Phone: str(r, "Phone"),
		AccountID: str(r, "AccountId"), Department: str(r, "Department"), MobilePhone: str(r, "MobilePhone"),
		MailingCity: str(r, "MailingCity"), LeadSource: str(r, "LeadSource"), OwnerID: str(r, "OwnerId"),
		LastActivityDate: parseDate(str(r, "LastActivityDate")),
	}
	c.AccountName, c.OwnerName = name(c.AccountID), name(c.OwnerID)
	return c
}

// stageOf decodes an OpportunityStage; active is its IsActive.
func stageOf(r soql.Record) (s Stage, active bool) {
	s = Stage{Label: str(r, "ApiName"), IsClosed: boolean(r, "IsClosed"), IsWon: boolean(r, "IsWon")}
	if s.Label == "" {
		s.Label = str(r, "MasterLabel")
	}
	order, _ := num(r, "SortOrder")
	s.SortOrder = int(order)
	s.Probability, _ = num(r, "DefaultProbability")
	return s, boolean(r, "IsActive")
}

// recordTypeOf decodes a RecordType (without stages); object is its
// SobjectType and active its IsActive.
func recordTypeOf(key string, r soql.Record) (rt RecordType, object string, active bool) {
	return RecordType{ID: recordID(key, r), Name: str(r, "Name")}, str(r, "SobjectType"), boolean(r, "IsActive")
}

// activityOf decodes a Task or an Event (object) without names; whoID and
// ownerID are the Ids to name.
func activityOf(object, key string, r soql.Record) (a Activity, whoID, ownerID string) {
	a = Activity{ID: recordID(key, r), Subject: str(r, "Subject"), Status: str(r, "Status"), Description: str(r, "Description")}
	if object == "Event" {
		a.Kind = EventActivity
		a.When = parseDate(str(r, "StartDateTime"))
		if a.When.IsZero() {
			a.When = parseDate(str(r, "ActivityDateTime"))
		}
	}
	if a.When.IsZero() {
		a.When = parseDate(str(r, "ActivityDate"))
	}
	return a, str(r, "WhoId"), str(r, "OwnerId")
}

// contactRoleOf decodes an OpportunityContactRole (without the contact's
// name).
func contactRoleOf(r soql.Record) ContactRole {
	return ContactRole{ContactID: str(r, "ContactId"), Role: str(r, "Role"), IsPrimary: boolean(r, "IsPrimary")}
}

// parseDate reads a Salesforce date or datetime; "" and junk give zero.
func parseDate(s string) time.Time {
	switch len(s) {
	case 0:
		return time.Time{}
	case len(time.DateOnly): // the common case: a date field
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// str returns a string field of r, "" when null or not a string.
func str(r soql.Record, field string) string {
	s, _ := r[field].(string)
	return s
}

// num returns a number field of r; ok is false when it is null.
func num(r soql.Record, field string) (v float64, ok bool) {
	v, ok = r[field].(float64)
	return v, ok
}

// boolean returns a checkbox field of r.
func boolean(r soql.Record, field string) bool {
	b, _ := r[field].(bool)
	return b
}

// recordID is the record's own Id, else the key it is cached under.
func recordID(key string, r soql.Record) string {
	if id := str(r, "Id"); id != "" {
		return id
	}
	return key
}
