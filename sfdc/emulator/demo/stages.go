package demo

// Opportunity record type developer names of the demo org.
const (
	RecordTypeNewBusiness = "New_Business"
	RecordTypeRenewal     = "Renewal"
)

// FiscalYearStartMonth is the demo org's fiscal year start (February), chosen
// so that fiscal quarters differ from calendar quarters.
const FiscalYearStartMonth = 2

// Stage is one Opportunity stage: a StageName picklist value and its
// OpportunityStage setup record.
type Stage struct {
	Name             string
	Probability      float64
	ForecastCategory string // API value: Omitted, Pipeline, BestCase, MostLikely, Forecast, Closed
	ForecastName     string // label: Omitted, Pipeline, Best Case, Most Likely, Commit, Closed
	Closed, Won      bool
	RecordTypes      []string // record types whose sales process offers this stage
}

// Stages returns the demo org's opportunity stages in sort order. The two
// record types share some stages and differ in others.
func Stages() []Stage {
	both := []string{RecordTypeNewBusiness, RecordTypeRenewal}
	nb := []string{RecordTypeNewBusiness}
	rn := []string{RecordTypeRenewal}
	return []Stage{
		{"Prospecting", 10, "Pipeline", "Pipeline", false, false, nb},
		{"Qualification", 10, "Pipeline", "Pipeline", false, false, both},
		{"Needs Analysis", 20, "Pipeline", "Pipeline", false, false, nb},
		{"Value Proposition", 50, "Pipeline", "Pipeline", false, false, nb},
		{"Id. Decision Makers", 60, "Pipeline", "Pipeline", false, false, nb},
		{"Renewal Review", 40, "Pipeline", "Pipeline", false, false, rn},
		{"Perception Analysis", 70, "Pipeline", "Pipeline", false, false, nb},
		{"Proposal/Price Quote", 75, "BestCase", "Best Case", false, false, both},
		{"Negotiation/Review", 90, "Forecast", "Commit", false, false, both},
		{"Closed Won", 100, "Closed", "Closed", true, true, both},
		{"Closed Lost", 0, "Omitted", "Omitted", true, false, both},
	}
}

// StageByName returns the stage with the given name.
func StageByName(name string) (Stage, bool) {
	for _, s := range Stages() {
		if s.Name == name {
			return s, true
		}
	}
	return Stage{}, false
}

// LossReasons are the values of the custom field Opportunity.Loss_Reason__c,
// which a validation rule requires on Closed Lost.
func LossReasons() []string {
	return []string{"Price", "Competitor", "No Budget", "Timing", "No Decision", "Product Fit", "Other"}
}
