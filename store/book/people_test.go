package book

import (
	"strings"
	"testing"
	"time"
)

// peopleRecords is the test org with more of a contact's and a lead's
// fields filled in.
func peopleRecords() map[string][]map[string]any {
	recs := testRecords()
	maya := recs["Contact"][0]
	maya["Department"], maya["MobilePhone"], maya["MailingCity"] = "Finance", "+49 170 1", "Berlin"
	maya["LeadSource"], maya["OwnerId"], maya["LastActivityDate"] = "Web", userAda, "2026-05-12"
	kemi := recs["Lead"][0]
	kemi["LeadSource"], kemi["City"], kemi["Industry"] = "Trade Show", "Lagos", "Biotechnology"
	kemi["CreatedDate"], kemi["LastActivityDate"] = "2026-04-02T09:30:00.000+0000", "2026-05-18"
	return recs
}

// TestAllContacts: every contact, in Id order, with its account's and
// owner's names; the same contact as its detail shows it.
func TestAllContacts(t *testing.T) {
	b := New(newStore(t, peopleRecords()), Options{})
	ctx := t.Context()
	maya := Contact{ID: contMaya, Name: "Maya Chen", Title: "CFO", Email: "maya@blue.example", Phone: "+49 30 1",
		AccountID: acctBlue, AccountName: "Blue Logistics", Department: "Finance", MobilePhone: "+49 170 1",
		MailingCity: "Berlin", LeadSource: "Web", OwnerID: userAda, OwnerName: "Ada Okafor", LastActivityDate: date("2026-05-12")}
	contacts, err := b.AllContacts(ctx)
	sameList(t, "contacts", contacts, err, []Contact{
		maya,
		{ID: contLars, Name: "Lars Berg", Title: "Buyer", AccountID: acctBlue, AccountName: "Blue Logistics"},
		{ID: contOmar, Name: "Omar Rahman", AccountID: acctNorth, AccountName: "North Foods"},
	})

	det, err := b.ContactDetail(ctx, contMaya)
	if err != nil {
		t.Fatal(err)
	}
	if det.Contact != maya {
		t.Errorf("contact: detail %+v, want %+v", det.Contact, maya)
	}
	// The quote names Maya (WhoId); the call names Lars.
	quote := Activity{ID: taskQuote, Kind: TaskActivity, Subject: "Send quote", When: date("2026-05-12"), Status: "Completed", WhoName: "Maya Chen", OwnerName: "Ada Okafor"}
	sameList(t, "contact activities", utc(det.Activities), nil, []Activity{quote})
}

// TestLeadDetail: a lead with its source, creation time and activity, as
// the list shows it.
func TestLeadDetail(t *testing.T) {
	b := New(newStore(t, peopleRecords()), Options{})
	ctx := t.Context()
	kemi := Lead{ID: leadKemi, Name: "Kemi Adeyemi", Company: "Cedar Labs", Title: "COO", Status: "Working - Contacted",
		Email: "kemi@cedar.example", Phone: "+1 555 0100", OwnerID: userBen, OwnerName: "Ben Lindqvist",
		LeadSource: "Trade Show", City: "Lagos", Industry: "Biotechnology",
		CreatedDate: time.Date(2026, 4, 2, 9, 30, 0, 0, time.UTC), LastActivityDate: date("2026-05-18")}
	leads, err := b.Leads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != 1 || !leads[0].CreatedDate.Equal(kemi.CreatedDate) {
		t.Fatalf("leads: %+v", leads)
	}
	leads[0].CreatedDate = leads[0].CreatedDate.UTC()
	sameList(t, "leads", leads, nil, []Lead{kemi})

	det, err := b.LeadDetail(ctx, leadKemi)
	if err != nil {
		t.Fatal(err)
	}
	det.Lead.CreatedDate = det.Lead.CreatedDate.UTC()
	if det.Lead != kemi {
		t.Errorf("lead: detail %+v, want %+v", det.Lead, kemi)
	}
	demo := Activity{ID: eventDemo, Kind: EventActivity, Subject: "Demo", When: time.Date(2026, 5, 18, 14, 0, 0, 0, time.UTC), WhoName: "Kemi Adeyemi", OwnerName: "Ada Okafor"}
	sameList(t, "lead activities", utc(det.Activities), nil, []Activity{demo})
}

func TestPeopleNotCached(t *testing.T) {
	b := New(newStore(t, testRecords()), Options{})
	if _, err := b.ContactDetail(t.Context(), id("003", 99)); err == nil || !strings.Contains(err.Error(), "contact") || !strings.Contains(err.Error(), "not in the cache") {
		t.Errorf("missing contact: %v", err)
	}
	if _, err := b.LeadDetail(t.Context(), id("00Q", 99)); err == nil || !strings.Contains(err.Error(), "lead") || !strings.Contains(err.Error(), "not in the cache") {
		t.Errorf("missing lead: %v", err)
	}
}
