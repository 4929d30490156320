package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestSObjectCRUD(t *testing.T) {
	ts := startTest(t, nil)
	acct := firstID(t, ts, "Account")
	r := call(t, ts, "POST", v+"/sobjects/Opportunity", map[string]any{
		"Name": "Test Deal", "StageName": "Prospecting", "CloseDate": "2026-07-01", "Amount": 25000, "AccountId": acct,
	})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var created map[string]any
	r.json(t, &created)
	id := created["id"].(string)
	if created["success"] != true || len(created["errors"].([]any)) != 0 || len(id) != 18 || !strings.HasPrefix(id, "006") {
		t.Fatalf("create result %s", r.body)
	}
	if loc := r.header.Get("Location"); loc != v+"/sobjects/Opportunity/"+id {
		t.Errorf("Location = %q", loc)
	}

	r = call(t, ts, "GET", v+"/sobjects/Opportunity/"+id, nil)
	var rec map[string]any
	r.json(t, &rec)
	attrs := rec["attributes"].(map[string]any)
	if r.status != 200 || attrs["type"] != "Opportunity" || attrs["url"] != v+"/sobjects/Opportunity/"+id {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	// Server-maintained fields.
	if rec["IsClosed"] != false || rec["Probability"] != 10.0 || rec["ForecastCategoryName"] != "Pipeline" ||
		rec["ExpectedRevenue"] != 2500.0 || rec["OwnerId"] != ts.UserID() || rec["CreatedDate"] == nil ||
		rec["RecordTypeId"] == nil || rec["FiscalYear"] != 2027.0 || rec["FiscalQuarter"] != 2.0 {
		t.Errorf("derived fields wrong: %s", r.body)
	}
	if cd := rec["CreatedDate"].(string); !strings.HasSuffix(cd, ".000+0000") {
		t.Errorf("CreatedDate %s has sub-second precision", cd)
	}
	if !strings.HasPrefix(string(r.body), `{"attributes":{"type":"Opportunity","url":`) {
		t.Errorf("attributes not first: %.80s", r.body)
	}
	// ?fields= selects and orders fields.
	r = call(t, ts, "GET", v+"/sobjects/Opportunity/"+id+"?fields=StageName,Name", nil)
	if want := `"StageName":"Prospecting","Name":"Test Deal"}`; !strings.HasSuffix(string(r.body), want) {
		t.Errorf("?fields body = %s", r.body)
	}

	lm := rec["LastModifiedDate"].(string)
	r = call(t, ts, "PATCH", v+"/sobjects/Opportunity/"+id, map[string]any{"StageName": "Closed Won"})
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	_, after, _ := ts.Record(id)
	if after["IsWon"] != true || after["Probability"] != 100.0 || after["LastModifiedDate"].(string) <= lm ||
		after["SystemModstamp"] != after["LastModifiedDate"] {
		t.Errorf("after win: IsWon %v prob %v LM %v (before %v)", after["IsWon"], after["Probability"], after["LastModifiedDate"], lm)
	}

	if r := call(t, ts, "DELETE", v+"/sobjects/Opportunity/"+id, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, call(t, ts, "GET", v+"/sobjects/Opportunity/"+id, nil), 404, "NOT_FOUND")
	wantError(t, call(t, ts, "PATCH", v+"/sobjects/Opportunity/"+id, map[string]any{"Name": "x"}), 404, "ENTITY_IS_DELETED")
	// queryAll sees the deleted row, query does not.
	q := url.QueryEscape("SELECT Id, IsDeleted FROM Opportunity WHERE Id = '" + id + "'")
	var res struct {
		TotalSize int              `json:"totalSize"`
		Records   []map[string]any `json:"records"`
	}
	call(t, ts, "GET", v+"/query?q="+q, nil).json(t, &res)
	if res.TotalSize != 0 {
		t.Errorf("query sees deleted record: %+v", res)
	}
	call(t, ts, "GET", v+"/queryAll?q="+q, nil).json(t, &res)
	if res.TotalSize != 1 || res.Records[0]["IsDeleted"] != true {
		t.Errorf("queryAll = %+v", res)
	}
}

func TestDMLValidationErrors(t *testing.T) {
	ts := startTest(t, nil)
	opp := firstID(t, ts, "Opportunity")
	cases := []struct {
		name, method, path string
		body               map[string]any
		status             int
		code, message      string
		fields             []string
	}{
		{"restricted picklist", "PATCH", "/sobjects/Opportunity/" + opp, map[string]any{"StageName": "Won-ish"},
			400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Stage: bad value for restricted picklist field: Won-ish", []string{"StageName"}},
		{"validation rule", "PATCH", "/sobjects/Opportunity/" + opp, map[string]any{"StageName": "Closed Lost", "Loss_Reason__c": nil},
			400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "", []string{"Loss_Reason__c"}},
		{"required missing", "POST", "/sobjects/Opportunity", map[string]any{"Name": "x"},
			400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [StageName, CloseDate]", []string{"StageName", "CloseDate"}},
		{"unknown field", "PATCH", "/sobjects/Opportunity/" + opp, map[string]any{"Bogus__c": 1},
			400, "INVALID_FIELD", "No such column 'Bogus__c' on sobject of type Opportunity", nil},
		{"read-only field", "PATCH", "/sobjects/Opportunity/" + opp, map[string]any{"IsWon": true},
			400, "INVALID_FIELD_FOR_INSERT_UPDATE", "", []string{"IsWon"}},
		{"bad email", "POST", "/sobjects/Contact", map[string]any{"LastName": "X", "Email": "badone"},
			400, "INVALID_EMAIL_ADDRESS", "Email: invalid email address: badone", []string{"Email"}},
		{"wrong lookup type", "PATCH", "/sobjects/Opportunity/" + opp, map[string]any{"AccountId": ts.UserID()},
			400, "FIELD_INTEGRITY_EXCEPTION", "", []string{"AccountId"}},
		{"bad date", "PATCH", "/sobjects/Opportunity/" + opp, map[string]any{"CloseDate": "2026-13-45"},
			400, "JSON_PARSER_ERROR", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := wantError(t, call(t, ts, c.method, v+c.path, c.body), c.status, c.code)
			if c.message != "" && e["message"] != c.message {
				t.Errorf("message %q, want %q", e["message"], c.message)
			}
			if c.fields != nil {
				got, _ := e["fields"].([]any)
				if len(got) != len(c.fields) {
					t.Fatalf("fields %v, want %v", got, c.fields)
				}
				for i := range got {
					if got[i] != c.fields[i] {
						t.Errorf("fields %v, want %v", got, c.fields)
					}
				}
			}
		})
	}
	// Closed Lost with a reason is fine.
	if r := call(t, ts, "PATCH", v+"/sobjects/Opportunity/"+opp, map[string]any{"StageName": "Closed Lost", "Loss_Reason__c": "Price"}); r.status != 204 {
		t.Fatalf("closed lost with reason: %d %s", r.status, r.body)
	}
}

func TestConditionalRequests(t *testing.T) {
	c := &clock{t: testNow}
	ts := startTest(t, func(o *Options) { o.Now = c.now })
	id, err := ts.Create("Account", map[string]any{"Name": "Conditional Co"})
	if err != nil {
		t.Fatal(err)
	}
	before := testNow.Add(-time.Hour).Format(http.TimeFormat)
	after := testNow.Add(time.Hour).Format(http.TimeFormat)
	if r := call(t, ts, "GET", v+"/sobjects/Account/"+id, nil, "If-Modified-Since", after); r.status != 304 {
		t.Errorf("If-Modified-Since after LM: %d", r.status)
	}
	if r := call(t, ts, "GET", v+"/sobjects/Account/"+id, nil, "If-Modified-Since", before); r.status != 200 {
		t.Errorf("If-Modified-Since before LM: %d", r.status)
	}
	wantError(t, call(t, ts, "PATCH", v+"/sobjects/Account/"+id, map[string]any{"Name": "Changed"}, "If-Unmodified-Since", before), 412, "PRECONDITION_FAILED")
	if _, rec, _ := ts.Record(id); rec["Name"] != "Conditional Co" {
		t.Errorf("412 still wrote: %v", rec["Name"])
	}
	if r := call(t, ts, "PATCH", v+"/sobjects/Account/"+id, map[string]any{"Name": "Changed"}, "If-Unmodified-Since", after); r.status != 204 {
		t.Errorf("If-Unmodified-Since after LM: %d %s", r.status, r.body)
	}
	// Account ETags.
	etag := call(t, ts, "GET", v+"/sobjects/Account/"+id, nil).header.Get("ETag")
	if etag == "" {
		t.Fatal("Account GET without ETag")
	}
	if r := call(t, ts, "GET", v+"/sobjects/Account/"+id, nil, "If-None-Match", etag); r.status != 304 {
		t.Errorf("If-None-Match: %d", r.status)
	}
	wantError(t, call(t, ts, "PATCH", v+"/sobjects/Account/"+id, map[string]any{"Name": "Again"}, "If-Match", `"stale"`), 412, "PRECONDITION_FAILED")
	if r := call(t, ts, "PATCH", v+"/sobjects/Account/"+id, map[string]any{"Name": "Again"}, "If-Match", etag); r.status != 204 {
		t.Errorf("If-Match current: %d %s", r.status, r.body)
	}
	if r := call(t, ts, "GET", v+"/sobjects/Account/"+id, nil, "If-None-Match", etag); r.status != 200 {
		t.Errorf("If-None-Match after change: %d", r.status)
	}
}

func TestUpdatedAndDeleted(t *testing.T) {
	c := &clock{t: testNow}
	ts := startTest(t, func(o *Options) { o.Now = c.now })
	c.t = testNow.Add(time.Minute)
	acct := firstID(t, ts, "Account")
	if err := ts.Update("Account", acct, map[string]any{"Phone": "(415) 555-0100"}); err != nil {
		t.Fatal(err)
	}
	created, err := ts.Create("Account", map[string]any{"Name": "New Co"})
	if err != nil {
		t.Fatal(err)
	}
	gone := ts.org.snapshot("Account")[5]["Id"].(string)
	if err := ts.Delete("Account", gone); err != nil {
		t.Fatal(err)
	}
	c.t = testNow.Add(2*time.Minute + 30*time.Second)
	// Written in the current minute: after latestDateCovered, so not listed yet.
	late, err := ts.Create("Account", map[string]any{"Name": "Late Co"})
	if err != nil {
		t.Fatal(err)
	}
	start := url.QueryEscape(testNow.Format(time.RFC3339))
	end := url.QueryEscape(testNow.Add(10 * time.Minute).Format(time.RFC3339))
	var upd struct {
		IDs               []string `json:"ids"`
		LatestDateCovered string   `json:"latestDateCovered"`
	}
	r := call(t, ts, "GET", v+"/sobjects/Account/updated/?start="+start+"&end="+end, nil)
	r.json(t, &upd)
	if strings.Join(upd.IDs, ",") != acct+","+created || upd.LatestDateCovered != "2026-06-10T15:32:00.000+0000" || strings.Contains(string(r.body), late) {
		t.Fatalf("updated = %s (want %s,%s)", r.body, acct, created)
	}
	var del struct {
		DeletedRecords []struct {
			ID          string `json:"id"`
			DeletedDate string `json:"deletedDate"`
		} `json:"deletedRecords"`
		EarliestDateAvailable string `json:"earliestDateAvailable"`
		LatestDateCovered     string `json:"latestDateCovered"`
	}
	r = call(t, ts, "GET", v+"/sobjects/Account/deleted/?start="+start+"&end="+end, nil)
	r.json(t, &del)
	// Deleting an account cascades to its contacts and opportunities, but
	// the account's own deletion is what /Account/deleted reports.
	if len(del.DeletedRecords) != 1 || del.DeletedRecords[0].ID != gone || del.EarliestDateAvailable == "" {
		t.Fatalf("deleted = %s", r.body)
	}
	wantError(t, call(t, ts, "GET", v+"/sobjects/Account/updated/?start=yesterday&end="+end, nil), 400, "INVALID_REPLICATION_DATE")
	old := url.QueryEscape(testNow.AddDate(0, 0, -31).Format(time.RFC3339))
	wantError(t, call(t, ts, "GET", v+"/sobjects/Account/deleted/?start="+old+"&end="+end, nil), 400, "INVALID_REPLICATION_DATE")
}

func TestServerSideWritesActAsAnotherUser(t *testing.T) {
	ts := startTest(t, nil)
	opp := firstID(t, ts, "Opportunity")
	if err := ts.Update("Opportunity", opp, map[string]any{"StageName": "No Such Stage"}); err == nil {
		t.Fatal("server-side update skipped validation")
	} else if e, ok := err.(*Error); !ok || e.Code != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" {
		t.Fatalf("err = %v", err)
	}
	if err := ts.Update("Opportunity", opp, map[string]any{"NextStep": "Call the CFO"}); err != nil {
		t.Fatal(err)
	}
	_, rec, _ := ts.Record(opp)
	if rec["LastModifiedById"] == ts.UserID() || rec["NextStep"] != "Call the CFO" {
		t.Errorf("LastModifiedById %v (rep %v), NextStep %v", rec["LastModifiedById"], ts.UserID(), rec["NextStep"])
	}
	if ts.APICalls() != 0 {
		t.Errorf("server-side writes counted %d API calls", ts.APICalls())
	}
}

func TestLastActivityDate(t *testing.T) {
	ts := startTest(t, nil)
	if _, err := ts.Query(context.Background(), "SELECT Id FROM Opportunity WHERE LastActivityDate = LAST_N_DAYS:30", false); err != nil {
		t.Fatalf("LastActivityDate not queryable: %v", err)
	}
	withActivity := 0
	for _, rec := range ts.org.snapshot("Opportunity") {
		if d, _ := rec["LastActivityDate"].(string); d != "" {
			withActivity++
			if d > "2026-06-10" {
				t.Fatalf("LastActivityDate %s is in the future", d)
			}
		}
	}
	if withActivity < ts.Count("Opportunity")/3 {
		t.Errorf("only %d of %d opportunities have a LastActivityDate", withActivity, ts.Count("Opportunity"))
	}
	// Logging a completed call today moves it on the opportunity and its account.
	opp := firstID(t, ts, "Opportunity")
	_, before, _ := ts.Record(opp)
	r := call(t, ts, "POST", v+"/sobjects/Task", map[string]any{"Subject": "Call", "WhatId": opp, "Status": "Completed", "ActivityDate": "2026-06-10", "TaskSubtype": "Call"})
	if r.status != 201 {
		t.Fatalf("log call: %d %s", r.status, r.body)
	}
	_, after, _ := ts.Record(opp)
	_, acct, _ := ts.Record(after["AccountId"].(string))
	if after["LastActivityDate"] != "2026-06-10" || acct["LastActivityDate"] != "2026-06-10" {
		t.Errorf("LastActivityDate opp %v account %v", after["LastActivityDate"], acct["LastActivityDate"])
	}
	if after["SystemModstamp"] != before["SystemModstamp"] {
		t.Errorf("LastActivityDate bumped SystemModstamp")
	}
}

func TestEventDates(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	wantError(t, call(t, ts, "POST", v+"/sobjects/Event", map[string]any{"Subject": "Meeting"}), 400, "REQUIRED_FIELD_MISSING")
	r := call(t, ts, "POST", v+"/sobjects/Event", map[string]any{"Subject": "Demo", "StartDateTime": "2026-06-11T16:00:00Z", "DurationInMinutes": 45})
	var out map[string]any
	r.json(t, &out)
	if r.status != 201 {
		t.Fatalf("create event: %d %s", r.status, r.body)
	}
	_, ev, _ := ts.Record(out["id"].(string))
	if ev["EndDateTime"] != "2026-06-11T16:45:00.000+0000" || ev["ActivityDate"] != "2026-06-11" || ev["ActivityDateTime"] != "2026-06-11T16:00:00.000+0000" {
		t.Errorf("derived event times: %v %v %v", ev["EndDateTime"], ev["ActivityDate"], ev["ActivityDateTime"])
	}
	wantError(t, call(t, ts, "PATCH", v+"/sobjects/Event/"+out["id"].(string), map[string]any{"EndDateTime": "2026-06-11T15:00:00Z"}), 400, "FIELD_INTEGRITY_EXCEPTION")
}
