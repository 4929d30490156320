package book

import (
	"context"
	"testing"
)

// TestOpportunityPage: an opportunity's page has the fields its list
// leaves out, the record type by name, and its activities their comments.
func TestOpportunityPage(t *testing.T) {
	recs := testRecords()
	pilot := recs["Opportunity"][0]
	pilot["NextStep"], pilot["Type"], pilot["LeadSource"] = "Send the signed quote", "New Customer", "Web"
	pilot["ForecastCategoryName"], pilot["Description"] = "Pipeline", "Two sites.\nPilot in Berlin first."
	recs["Task"][0]["Description"] = "Quote sent by mail."
	b := New(newStore(t, recs), Options{})
	ctx := context.Background()

	det, err := b.OpportunityDetail(ctx, oppPilot)
	if err != nil {
		t.Fatal(err)
	}
	want := OpportunityPage{NextStep: "Send the signed quote", Type: "New Customer", LeadSource: "Web",
		ForecastCategoryName: "Pipeline", RecordTypeName: "New Business", Description: "Two sites.\nPilot in Berlin first."}
	if det.Page != want {
		t.Errorf("page %+v, want %+v", det.Page, want)
	}
	comments := map[string]string{}
	for _, a := range det.Activities {
		comments[a.Subject] = a.Description
	}
	if comments["Send quote"] != "Quote sent by mail." || comments["Demo"] != "" {
		t.Errorf("activity comments %q", comments)
	}

	// An opportunity without them has an empty page but its record type.
	det, err = b.OpportunityDetail(ctx, oppRenewal)
	if err != nil || det.Page != (OpportunityPage{RecordTypeName: "Renewal"}) {
		t.Errorf("renewal page %+v, %v", det.Page, err)
	}
}
