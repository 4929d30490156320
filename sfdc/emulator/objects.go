package emulator

import (
	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Field constructors. Each returns a createable, updateable, nillable field
// of one type; the modifiers below adjust it.

func fld(name, label string, typ soql.FieldType, length int) FieldDef {
	return FieldDef{Name: name, Label: label, Type: typ, Length: length, Nillable: true, Createable: true, Updateable: true}
}

func str(name, label string, length int) FieldDef { return fld(name, label, "string", length) }
func text(name, label string) FieldDef            { return fld(name, label, "textarea", 32000) }
func email(name, label string) FieldDef           { return fld(name, label, "email", 80) }
func phone(name, label string) FieldDef           { return fld(name, label, "phone", 40) }
func urlField(name, label string) FieldDef        { return fld(name, label, "url", 255) }
func date(name, label string) FieldDef            { return fld(name, label, "date", 0) }
func datetime(name, label string) FieldDef        { return fld(name, label, "datetime", 0) }
func boolean(name, label string) FieldDef {
	f := fld(name, label, "boolean", 0)
	f.Nillable, f.Defaulted, f.DefaultValue = false, true, false
	return f
}
func integer(name, label string, digits int) FieldDef {
	f := fld(name, label, "int", 0)
	f.Digits = digits
	return f
}
func currency(name, label string) FieldDef {
	f := fld(name, label, "currency", 0)
	f.Precision, f.Scale = 18, 2
	return f
}
func percent(name, label string) FieldDef {
	f := fld(name, label, "percent", 0)
	f.Precision, f.Scale = 3, 0
	return f
}
func picklist(name, label string, values []string) FieldDef {
	f := fld(name, label, "picklist", 255)
	for _, v := range values {
		f.Picklist = append(f.Picklist, PicklistValue{Value: v, Label: v})
	}
	return f
}
func combobox(name, label string, values []string) FieldDef {
	f := picklist(name, label, values)
	f.Type = "combobox"
	return f
}
func ref(name, label, relationship string, to ...string) FieldDef {
	f := fld(name, label, "reference", 18)
	f.ReferenceTo, f.RelationshipName = to, relationship
	return f
}

// Modifiers.

func (f FieldDef) required() FieldDef { f.Nillable = false; return f }
func (f FieldDef) readonly() FieldDef {
	f.Createable, f.Updateable = false, false
	return f
}
func (f FieldDef) createOnly() FieldDef { f.Updateable = false; return f }
func (f FieldDef) defaulted(v any) FieldDef {
	f.Defaulted, f.DefaultValue = true, v
	for i := range f.Picklist {
		f.Picklist[i].Default = f.Picklist[i].Value == v
	}
	return f
}
func (f FieldDef) restricted() FieldDef         { f.Restricted = true; return f }
func (f FieldDef) custom() FieldDef             { f.Custom = true; return f }
func (f FieldDef) nameField() FieldDef          { f.NameField = true; return f }
func (f FieldDef) calculated() FieldDef         { f.Calculated = true; return f.readonly() }
func (f FieldDef) children(rel string) FieldDef { f.ChildRelName = rel; return f }
func (f FieldDef) cascade() FieldDef            { f.CascadeDelete = true; return f }

// systemFields are the fields every object has.
func systemFields() []FieldDef {
	id := fld("Id", "Record ID", "id", 18).readonly()
	id.Nillable, id.Defaulted, id.IDLookup = false, true, true
	del := boolean("IsDeleted", "Deleted").readonly()
	stamp := func(f FieldDef) FieldDef {
		f = f.readonly()
		f.Nillable, f.Defaulted = false, true
		return f
	}
	return []FieldDef{
		id, del,
		stamp(datetime("CreatedDate", "Created Date")),
		stamp(ref("CreatedById", "Created By ID", "CreatedBy", "User")),
		stamp(datetime("LastModifiedDate", "Last Modified Date")),
		stamp(ref("LastModifiedById", "Last Modified By ID", "LastModifiedBy", "User")),
		stamp(datetime("SystemModstamp", "System Modstamp")),
	}
}

// ownerField is OwnerId, defaulted to the calling user.
func ownerField(childRel string) FieldDef {
	f := ref("OwnerId", "Owner ID", "Owner", "User").defaulted(nil)
	f.Nillable = false
	if childRel != "" {
		f = f.children(childRel)
	}
	return f
}

func object(name, label, plural, prefix string, fields ...FieldDef) *ObjectDef {
	return &ObjectDef{Name: name, Label: label, LabelPlural: plural, KeyPrefix: prefix,
		Createable: true, Updateable: true, Deletable: true,
		Fields: append(systemFields(), fields...)}
}

func readonlyObject(o *ObjectDef) *ObjectDef {
	o.Createable, o.Updateable, o.Deletable = false, false, false
	for i := range o.Fields {
		o.Fields[i].Createable, o.Fields[i].Updateable = false, false
	}
	return o
}

// stagePicklist builds Opportunity.StageName from the demo org's stages.
func stagePicklist() FieldDef {
	f := picklist("StageName", "Stage", nil).required().restricted()
	for _, s := range demo.Stages() {
		f.Picklist = append(f.Picklist, PicklistValue{Value: s.Name, Label: s.Name, RecordTypes: s.RecordTypes,
			Closed: s.Closed, Won: s.Won, Probability: s.Probability, ForecastName: s.ForecastName})
	}
	return f
}

// standardObjects returns the emulated objects.
func standardObjects() []*ObjectDef {
	name := func(label string) FieldDef { return str("Name", label, 255).required().nameField() }
	fullName := func() FieldDef { return str("Name", "Full Name", 121).nameField().calculated() }
	who := ref("WhoId", "Name ID", "Who", "Contact", "Lead").children("")
	what := ref("WhatId", "Related To ID", "What", "Account", "Opportunity")
	return []*ObjectDef{
		readonlyObject(object("Organization", "Organization", "Organizations", "00D",
			name("Name"), integer("FiscalYearStartMonth", "Fiscal Year Starts In", 2),
			boolean("UsesStartDateAsFiscalYearName", "Fiscal Year Name by Start"),
			str("DefaultCurrencyIsoCode", "Currency", 3), str("InstanceName", "Instance Name", 5),
			boolean("IsSandbox", "Is Sandbox"), str("OrganizationType", "Edition", 40),
			str("NamespacePrefix", "Namespace Prefix", 15), date("TrialExpirationDate", "Trial Expiration Date"),
			str("TimeZoneSidKey", "Default Time Zone", 40), str("LanguageLocaleKey", "Language", 40),
			str("DefaultLocaleSidKey", "Locale", 40), str("Country", "Country", 80), str("City", "City", 40),
			str("PrimaryContact", "Primary Contact", 80))),
		readonlyObject(object("Profile", "Profile", "Profiles", "00e",
			name("Name"), str("UserType", "User Type", 40), str("Description", "Description", 255))),
		readonlyObject(object("User", "User", "Users", "005",
			str("Username", "Username", 80).required(), str("LastName", "Last Name", 80).required(),
			str("FirstName", "First Name", 40), fullName(), email("Email", "Email").required(),
			str("Alias", "Alias", 8).required(), str("Title", "Title", 80), str("Department", "Department", 80),
			str("CompanyName", "Company Name", 80), phone("Phone", "Phone"), boolean("IsActive", "Active"),
			ref("ManagerId", "Manager ID", "Manager", "User"), ref("ProfileId", "Profile ID", "Profile", "Profile").required(),
			str("TimeZoneSidKey", "Time Zone", 40),
			str("LocaleSidKey", "Locale", 40), str("LanguageLocaleKey", "Language", 40),
			str("EmailEncodingKey", "Email Encoding", 40), str("UserType", "User Type", 40))),
		readonlyObject(object("RecordType", "Record Type", "Record Types", "012",
			name("Record Type Name"), str("DeveloperName", "Record Type Name", 80).required(),
			str("SobjectType", "SObject Type Name", 40).required(), boolean("IsActive", "Active"),
			str("Description", "Description", 255), str("NamespacePrefix", "Namespace Prefix", 15))),
		object("Account", "Account", "Accounts", "001",
			name("Account Name"), picklist("Type", "Account Type", demo.AccountTypes()),
			ref("ParentId", "Parent Account ID", "Parent", "Account").children("ChildAccounts"),
			str("BillingStreet", "Billing Street", 255), str("BillingCity", "Billing City", 40),
			str("BillingState", "Billing State/Province", 80), str("BillingPostalCode", "Billing Zip/Postal Code", 20),
			str("BillingCountry", "Billing Country", 80), phone("Phone", "Account Phone"), urlField("Website", "Website"),
			picklist("Industry", "Industry", demo.Industries()), currency("AnnualRevenue", "Annual Revenue"),
			integer("NumberOfEmployees", "Employees", 8), picklist("Rating", "Account Rating", demo.Ratings()),
			picklist("AccountSource", "Account Source", demo.LeadSources()),
			text("Description", "Account Description"), ownerField(""), date("LastActivityDate", "Last Activity").calculated(),
			picklist("Segment__c", "Segment", demo.Segments()).custom().restricted(),
			picklist("Region__c", "Region", demo.Regions()).custom()),
		object("Contact", "Contact", "Contacts", "003",
			ref("AccountId", "Account ID", "Account", "Account").children("Contacts").cascade(),
			str("LastName", "Last Name", 80).required(), str("FirstName", "First Name", 40),
			picklist("Salutation", "Salutation", demo.Salutations()), fullName(), str("Title", "Title", 128),
			str("Department", "Department", 80), email("Email", "Email"), phone("Phone", "Business Phone"),
			phone("MobilePhone", "Mobile Phone"), str("MailingCity", "Mailing City", 40),
			str("MailingState", "Mailing State/Province", 80), str("MailingCountry", "Mailing Country", 80),
			picklist("LeadSource", "Lead Source", demo.LeadSources()), text("Description", "Contact Description"),
			ownerField(""), date("LastActivityDate", "Last Activity").calculated()),
		object("Lead", "Lead", "Leads", "00Q",
			str("LastName", "Last Name", 80).required(), str("FirstName", "First Name", 40),
			picklist("Salutation", "Salutation", demo.Salutations()), fullName(),
			str("Company", "Company", 255).required(), str("Title", "Title", 128), email("Email", "Email"),
			phone("Phone", "Phone"), picklist("Status", "Lead Status", demo.LeadStatuses()).required().defaulted(demo.LeadStatuses()[0]),
			picklist("LeadSource", "Lead Source", demo.LeadSources()), picklist("Industry", "Industry", demo.Industries()),
			picklist("Rating", "Rating", demo.Ratings()), str("City", "City", 40), str("State", "State/Province", 80),
			str("Country", "Country", 80), integer("NumberOfEmployees", "Employees", 8),
			currency("AnnualRevenue", "Annual Revenue"), boolean("IsConverted", "Converted").readonly(),
			text("Description", "Description"), ownerField(""), date("LastActivityDate", "Last Activity").calculated()),
		object("Opportunity", "Opportunity", "Opportunities", "006",
			ref("AccountId", "Account ID", "Account", "Account").children("Opportunities").cascade(),
			ref("RecordTypeId", "Record Type ID", "RecordType", "RecordType").defaulted(nil),
			name("Opportunity Name"), text("Description", "Description"), stagePicklist(),
			currency("Amount", "Amount"), percent("Probability", "Probability (%)").defaulted(nil),
			currency("ExpectedRevenue", "Expected Amount").calculated(), date("CloseDate", "Close Date").required(),
			picklist("Type", "Opportunity Type", demo.OpportunityTypes()), str("NextStep", "Next Step", 255),
			picklist("LeadSource", "Lead Source", demo.LeadSources()),
			boolean("IsClosed", "Closed").readonly(), boolean("IsWon", "Won").readonly(),
			picklist("ForecastCategory", "Forecast Category", []string{"Omitted", "Pipeline", "BestCase", "MostLikely", "Forecast", "Closed"}).readonly(),
			picklist("ForecastCategoryName", "Forecast Category", []string{"Omitted", "Pipeline", "Best Case", "Most Likely", "Commit", "Closed"}).defaulted(nil),
			ownerField(""), datetime("LastStageChangeDate", "Last Stage Change Date").readonly(),
			integer("FiscalQuarter", "Fiscal Quarter", 11).calculated(), integer("FiscalYear", "Fiscal Year", 4).calculated(),
			date("LastActivityDate", "Last Activity").calculated(),
			picklist("Loss_Reason__c", "Loss Reason", demo.LossReasons()).custom().restricted()),
		readonlyObject(object("OpportunityStage", "Opportunity Stage", "Opportunity Stages", "01J",
			str("MasterLabel", "Master Label", 255), str("ApiName", "Api Name", 255), boolean("IsActive", "Is Active"),
			integer("SortOrder", "Sort Order", 9), boolean("IsClosed", "Closed"), boolean("IsWon", "Won"),
			picklist("ForecastCategory", "Forecast Type", []string{"Omitted", "Pipeline", "BestCase", "MostLikely", "Forecast", "Closed"}),
			picklist("ForecastCategoryName", "Forecast Category", []string{"Omitted", "Pipeline", "Best Case", "Most Likely", "Commit", "Closed"}),
			percent("DefaultProbability", "Probability (%)"), str("Description", "Description", 255))),
		object("OpportunityContactRole", "Opportunity Contact Role", "Opportunity Contact Role", "00k",
			ref("OpportunityId", "Opportunity ID", "Opportunity", "Opportunity").required().createOnly().children("OpportunityContactRoles").cascade(),
			ref("ContactId", "Contact ID", "Contact", "Contact").required().children("OpportunityContactRoles").cascade(),
			picklist("Role", "Role", demo.ContactRoles()), boolean("IsPrimary", "Primary")),
		customObject(object("Account_Plan__c", "Account Plan", "Account Plans", "a01",
			name("Account Plan Name"),
			ref("Account__c", "Account", "Account__r", "Account").required().custom().children("Account_Plans__r").cascade(),
			str("Fiscal_Year__c", "Fiscal Year", 4).custom(),
			picklist("Status__c", "Status", demo.PlanStatuses()).custom().restricted().defaulted(demo.PlanStatuses()[0]),
			currency("Target_Revenue__c", "Target Revenue").custom(),
			text("Notes__c", "Notes").custom(), ownerField(""))),
		object("Task", "Task", "Tasks", "00T",
			withChildren(who, "Tasks"), withChildren(what, "Tasks"),
			combobox("Subject", "Subject", demo.TaskSubjects()), date("ActivityDate", "Due Date Only"),
			picklist("Status", "Status", demo.TaskStatuses()).required().defaulted("Not Started"),
			picklist("Priority", "Priority", demo.Priorities()).required().defaulted("Normal"),
			boolean("IsHighPriority", "High Priority").readonly(), ownerField(""), text("Description", "Description"),
			ref("AccountId", "Account ID", "Account", "Account").readonly(), boolean("IsClosed", "Closed").readonly(),
			integer("CallDurationInSeconds", "Call Duration", 8), picklist("CallType", "Call Type", demo.CallTypes()),
			str("CallDisposition", "Call Result", 255), str("CallObject", "Call Object Identifier", 255),
			picklist("TaskSubtype", "Task Subtype", demo.TaskSubtypes()).createOnly(),
			datetime("CompletedDateTime", "Completed Date/Time").readonly(), boolean("IsArchived", "Archived").readonly()),
		object("Event", "Event", "Events", "00U",
			withChildren(who, "Events"), withChildren(what, "Events"),
			combobox("Subject", "Subject", demo.EventSubjects()), str("Location", "Location", 255),
			boolean("IsAllDayEvent", "All-Day Event"), datetime("ActivityDateTime", "Due Date Time"),
			date("ActivityDate", "Due Date Only"), datetime("StartDateTime", "Start Date Time"),
			datetime("EndDateTime", "End Date Time"), integer("DurationInMinutes", "Duration", 8),
			text("Description", "Description"), ref("AccountId", "Account ID", "Account", "Account").readonly(),
			ownerField(""), picklist("ShowAs", "Show Time As", []string{"Busy", "OutOfOffice", "Free"}).defaulted("Busy"),
			picklist("EventSubtype", "Event Subtype", []string{"Event"}).createOnly(), boolean("IsArchived", "Archived").readonly()),
	}
}

func withChildren(f FieldDef, rel string) FieldDef { f.ChildRelName = rel; return f }

// customObject marks o as a custom object.
func customObject(o *ObjectDef) *ObjectDef {
	o.Custom = true
	return o
}
