package ask

// ResidentFields names, per object (describe names), the fields the
// question families read from the cache: what a store.Resident must hold
// (store.Resident.Warm) for a first question of any family to find its
// records decoded. Parent records read through lookups are in
// ResidentParents. TestResidentFieldsCover keeps the list complete.
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

// ResidentParents names the objects whose records the families' parent
// lookups read most (Owner.Name, Account.Name): store.Resident.WarmParents
// reads them all ahead. Contacts (Contact.Name of contact roles) are left
// out: there are too many to hold whole.
func ResidentParents() []string { return []string{"User", "Account"} }
