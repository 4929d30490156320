package ask

// ResidentFields names, per object (describe names), the fields the
// question families read from the cache: what a store.Resident must hold
// (store.Resident.Warm) for a first question of any family to find its
// records decoded. Parent records read through lookups (Owner.Name,
// Account.Name, Contact.Name) are not included: they are few per answer.
// TestResidentFieldsCover keeps the list complete.
func ResidentFields() map[string][]string {
	return map[string][]string{
		"Account": {"Name", "Type", "Industry", "BillingCity", "BillingState", "BillingCountry", "Phone", "Website",
			"AnnualRevenue", "NumberOfEmployees", "Rating", "OwnerId", "CreatedDate"},
		"Contact":                {"Name", "Title", "Email", "Phone", "AccountId"},
		"Event":                  {"ActivityDate", "Subject", "StartDateTime", "OwnerId", "WhatId"},
		"Opportunity":            {"Name", "AccountId", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon", "OwnerId", "LastModifiedDate"},
		"OpportunityContactRole": {"ContactId", "Role", "IsPrimary", "OpportunityId"},
		"OpportunityStage":       {"ApiName", "SortOrder", "IsClosed", "IsWon"},
		"Task":                   {"ActivityDate", "Subject", "Status", "Priority", "OwnerId", "WhatId", "AccountId", "IsClosed"},
		"User":                   {"Name"},
	}
}
