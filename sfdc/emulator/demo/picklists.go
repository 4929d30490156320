package demo

// Picklist values the demo org's schema declares and the generator uses.
// They are functions so callers cannot mutate shared state.

// Industries are Account.Industry and Lead.Industry values.
func Industries() []string {
	return []string{"Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
		"Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering", "Entertainment",
		"Environmental", "Finance", "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance",
		"Machinery", "Manufacturing", "Media", "Not For Profit", "Recreation", "Retail", "Shipping",
		"Technology", "Telecommunications", "Transportation", "Utilities", "Other"}
}

// Segments are Account.Segment__c values.
func Segments() []string { return []string{"SMB", "Mid-Market", "Enterprise"} }

// Regions are Account.Region__c values.
func Regions() []string { return []string{"North America", "EMEA", "APAC", "LATAM"} }

// AccountTypes are Account.Type values.
func AccountTypes() []string {
	return []string{"Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
		"Installation Partner", "Technology Partner", "Other"}
}

// Ratings are Account.Rating and Lead.Rating values.
func Ratings() []string { return []string{"Hot", "Warm", "Cold"} }

// LeadSources are LeadSource values.
func LeadSources() []string {
	return []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show", "Webinar", "Other"}
}

// LeadStatuses are Lead.Status values; the first is the default.
func LeadStatuses() []string {
	return []string{"Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"}
}

// OpportunityTypes are Opportunity.Type values.
func OpportunityTypes() []string {
	return []string{"New Customer", "Existing Customer - Upgrade", "Existing Customer - Replacement", "Existing Customer - Downgrade"}
}

// ContactRoles are OpportunityContactRole.Role values.
func ContactRoles() []string {
	return []string{"Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker", "Evaluator",
		"Executive Sponsor", "Influencer", "Technical Buyer", "Other"}
}

// TaskStatuses are Task.Status values; the first is the default.
func TaskStatuses() []string {
	return []string{"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"}
}

// Priorities are Task.Priority values.
func Priorities() []string { return []string{"High", "Normal", "Low"} }

// TaskSubtypes are Task.TaskSubtype values.
func TaskSubtypes() []string {
	return []string{"Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"}
}

// TaskSubjects are the Task.Subject combobox suggestions.
func TaskSubjects() []string { return []string{"Call", "Email", "Send Letter", "Send Quote", "Other"} }

// EventSubjects are the Event.Subject combobox suggestions.
func EventSubjects() []string {
	return []string{"Call", "Email", "Meeting", "Send Letter/Quote", "Other"}
}

// CallTypes are Task.CallType values.
func CallTypes() []string { return []string{"Internal", "Inbound", "Outbound"} }

// Salutations are Contact/Lead Salutation values.
func Salutations() []string { return []string{"Mr.", "Ms.", "Mrs.", "Dr.", "Prof."} }

// PlanStatuses are the custom Account_Plan__c.Status__c values; the first is
// the default.
func PlanStatuses() []string { return []string{"Draft", "Active", "Closed"} }
