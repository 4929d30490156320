package emulator

import (
	"strings"
	"testing"
)

type compositeResp struct {
	CompositeResponse []struct {
		Body           any               `json:"body"`
		HTTPHeaders    map[string]string `json:"httpHeaders"`
		HTTPStatusCode int               `json:"httpStatusCode"`
		ReferenceID    string            `json:"referenceId"`
	} `json:"compositeResponse"`
}

func TestCompositeReferences(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	body := map[string]any{"allOrNone": true, "compositeRequest": []map[string]any{
		{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "acct", "body": map[string]any{"Name": "Composite Co"}},
		{"method": "POST", "url": v + "/sobjects/Contact", "referenceId": "ct", "body": map[string]any{"LastName": "Ng", "AccountId": "@{acct.id}"}},
		{"method": "GET", "url": v + "/query?q=SELECT+Id,AccountId+FROM+Contact+WHERE+AccountId='@{acct.id}'", "referenceId": "q"},
		{"method": "PATCH", "url": v + "/sobjects/Contact/@{q.records[0].Id}", "referenceId": "upd", "body": map[string]any{"Title": "CFO"}},
	}}
	r := call(t, ts, "POST", v+"/composite", body)
	var out compositeResp
	r.json(t, &out)
	if r.status != 200 || len(out.CompositeResponse) != 4 {
		t.Fatalf("composite: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"records":[{"attributes":{"type":"Contact","url":`) {
		t.Errorf("composite query body lost Salesforce's key order: %s", r.body)
	}
	codes := []int{}
	for _, c := range out.CompositeResponse {
		codes = append(codes, c.HTTPStatusCode)
	}
	if codes[0] != 201 || codes[1] != 201 || codes[2] != 200 || codes[3] != 204 {
		t.Fatalf("status codes %v: %s", codes, r.body)
	}
	acct := out.CompositeResponse[0].Body.(map[string]any)["id"].(string)
	if out.CompositeResponse[0].HTTPHeaders["Location"] != v+"/sobjects/Account/"+acct {
		t.Errorf("Location = %v", out.CompositeResponse[0].HTTPHeaders)
	}
	ct := out.CompositeResponse[1].Body.(map[string]any)["id"].(string)
	_, rec, _ := ts.Record(ct)
	if rec["AccountId"] != acct || rec["Title"] != "CFO" {
		t.Errorf("contact = %v", rec)
	}
	if ts.APICalls() != 1 {
		t.Errorf("composite counted %d API calls, want 1", ts.APICalls())
	}
}

func TestCompositeAllOrNoneRollsBack(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	before := ts.Count("Account")
	body := map[string]any{"allOrNone": true, "compositeRequest": []map[string]any{
		{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "ok", "body": map[string]any{"Name": "Kept?"}},
		{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "bad", "body": map[string]any{"Name": "x", "Nope__c": 1}},
		{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "after", "body": map[string]any{"Name": "Never"}},
	}}
	var out compositeResp
	call(t, ts, "POST", v+"/composite", body).json(t, &out)
	got := []string{}
	for _, c := range out.CompositeResponse {
		errs := c.Body.([]any)
		got = append(got, c.ReferenceID+":"+errs[0].(map[string]any)["errorCode"].(string))
		if c.HTTPStatusCode != 400 {
			t.Errorf("%s status %d", c.ReferenceID, c.HTTPStatusCode)
		}
	}
	if strings.Join(got, ",") != "ok:PROCESSING_HALTED,bad:INVALID_FIELD,after:PROCESSING_HALTED" {
		t.Errorf("results = %v", got)
	}
	if ts.Count("Account") != before {
		t.Errorf("rollback left %d accounts, want %d", ts.Count("Account"), before)
	}
	// Too many subrequests.
	many := []map[string]any{}
	for i := 0; i < 26; i++ {
		many = append(many, map[string]any{"method": "GET", "url": v + "/limits", "referenceId": "r" + strings.Repeat("x", i)})
	}
	if r := call(t, ts, "POST", v+"/composite", map[string]any{"compositeRequest": many}); r.status != 400 {
		t.Errorf("26 subrequests: %d", r.status)
	}
}

func TestSObjectCollections(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	var created []map[string]any
	r := call(t, ts, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []map[string]any{
		{"attributes": map[string]any{"type": "Account"}, "Name": "One"},
		{"attributes": map[string]any{"type": "Contact"}, "LastName": "Two", "Email": "badone"},
		{"attributes": map[string]any{"type": "Account"}, "Name": "Three"},
	}})
	r.json(t, &created)
	if len(created) != 3 || created[0]["success"] != true || created[1]["success"] != false || created[2]["success"] != true {
		t.Fatalf("create collection: %s", r.body)
	}
	e := created[1]["errors"].([]any)[0].(map[string]any)
	if e["statusCode"] != "INVALID_EMAIL_ADDRESS" || e["fields"].([]any)[0] != "Email" {
		t.Errorf("save error uses statusCode: %v", e)
	}
	if _, has := e["errorCode"]; has {
		t.Errorf("save error has errorCode: %v", e)
	}
	one, three := created[0]["id"].(string), created[2]["id"].(string)

	// PATCH with allOrNone: a failure rolls the others back.
	var updated []map[string]any
	call(t, ts, "PATCH", v+"/composite/sobjects", map[string]any{"allOrNone": true, "records": []map[string]any{
		{"attributes": map[string]any{"type": "Account"}, "Id": one, "Name": "One!"},
		{"attributes": map[string]any{"type": "Account"}, "Id": three, "Segment__c": "Huge"},
	}}).json(t, &updated)
	if updated[0]["success"] != false || updated[1]["success"] != false {
		t.Fatalf("allOrNone patch: %v", updated)
	}
	if _, rec, _ := ts.Record(one); rec["Name"] != "One" {
		t.Errorf("allOrNone patch kept Name %v", rec["Name"])
	}

	// jsforce sends a lower-case "id" key.
	call(t, ts, "PATCH", v+"/composite/sobjects", map[string]any{"records": []map[string]any{
		{"attributes": map[string]any{"type": "Account"}, "id": three, "rating": "Hot"},
	}}).json(t, &updated)
	if len(updated) != 1 || updated[0]["success"] != true || updated[0]["id"] != three {
		t.Fatalf("lower-case id update: %v", updated)
	}
	if _, rec, _ := ts.Record(three); rec["Rating"] != "Hot" {
		t.Errorf("lower-case field name not applied: %v", rec["Rating"])
	}

	// GET and the POST retrieve form jsforce uses.
	r = call(t, ts, "GET", v+"/composite/sobjects/Account?ids="+one+","+three+",001Dm0000000000AAA&fields=Id,Name", nil)
	var got []map[string]any
	r.json(t, &got)
	if len(got) != 3 || got[0]["Name"] != "One" || got[2] != nil {
		t.Errorf("GET collection = %s", r.body)
	}
	call(t, ts, "POST", v+"/composite/sobjects/Account", map[string]any{"ids": []string{three}, "fields": []string{"Name"}}).json(t, &got)
	if len(got) != 1 || got[0]["Name"] != "Three" {
		t.Errorf("POST retrieve = %v", got)
	}

	var deleted []map[string]any
	call(t, ts, "DELETE", v+"/composite/sobjects?ids="+one+","+three+"&allOrNone=false", nil).json(t, &deleted)
	if len(deleted) != 2 || deleted[0]["success"] != true || deleted[0]["id"] != one {
		t.Errorf("delete collection = %v", deleted)
	}
	if ts.Count("Account") != 0 {
		t.Errorf("%d accounts left", ts.Count("Account"))
	}
}

func TestCompositeBatch(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	var out struct {
		HasErrors bool `json:"hasErrors"`
		Results   []struct {
			StatusCode int `json:"statusCode"`
			Result     any `json:"result"`
		} `json:"results"`
	}
	call(t, ts, "POST", v+"/composite/batch", map[string]any{"haltOnError": true, "batchRequests": []map[string]any{
		{"method": "POST", "url": "v62.0/sobjects/Account", "richInput": map[string]any{"Name": "Batch Co"}},
		{"method": "GET", "url": "v62.0/sobjects/Account/001Dm0000000000AAA"},
		{"method": "GET", "url": "v62.0/limits"},
	}}).json(t, &out)
	if !out.HasErrors || len(out.Results) != 3 || out.Results[0].StatusCode != 201 || out.Results[1].StatusCode != 400 || out.Results[2].StatusCode != 412 {
		t.Fatalf("batch = %+v", out)
	}
	if ts.Count("Account") != 1 {
		t.Errorf("batch create not saved")
	}
}

func TestCompositeTree(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	tree := func(contactEmail string) response {
		return call(t, ts, "POST", v+"/composite/tree/Account", map[string]any{"records": []map[string]any{{
			"attributes": map[string]any{"type": "Account", "referenceId": "a1"}, "Name": "Tree Co",
			"Contacts": map[string]any{"records": []map[string]any{
				{"attributes": map[string]any{"type": "Contact", "referenceId": "c1"}, "LastName": "Leaf", "Email": contactEmail},
			}},
		}}})
	}
	r := tree("bad")
	var out struct {
		HasErrors bool `json:"hasErrors"`
		Results   []struct {
			ReferenceID string           `json:"referenceId"`
			ID          string           `json:"id"`
			Errors      []map[string]any `json:"errors"`
		} `json:"results"`
	}
	r.json(t, &out)
	if r.status != 400 || !out.HasErrors || out.Results[0].ReferenceID != "c1" || out.Results[0].Errors[0]["statusCode"] != "INVALID_EMAIL_ADDRESS" {
		t.Fatalf("failing tree: %d %s", r.status, r.body)
	}
	if ts.Count("Account") != 0 {
		t.Fatal("failed tree left its account")
	}
	r = tree("leaf@example.com")
	r.json(t, &out)
	if r.status != 201 || out.HasErrors || len(out.Results) != 2 {
		t.Fatalf("tree: %d %s", r.status, r.body)
	}
	_, c, _ := ts.Record(out.Results[1].ID)
	if c["AccountId"] != out.Results[0].ID {
		t.Errorf("child not linked: %v", c["AccountId"])
	}
}

// TestCompositeRowLockHitsSubrequests: a row lock inside /composite comes
// back per write subrequest, the call itself answering 200.
func TestCompositeRowLockHitsSubrequests(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	ts.SetFaults(Faults{RowLock: true, Times: 1})
	body := map[string]any{"allOrNone": false, "compositeRequest": []map[string]any{
		{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "acct", "body": map[string]any{"Name": "Locked Co"}},
		{"method": "GET", "url": v + "/limits", "referenceId": "lim"},
	}}
	r := call(t, ts, "POST", v+"/composite", body)
	var out compositeResp
	r.json(t, &out)
	if r.status != 200 || len(out.CompositeResponse) != 2 {
		t.Fatalf("composite: %d %s", r.status, r.body)
	}
	if out.CompositeResponse[0].HTTPStatusCode != 400 || !strings.Contains(string(r.body), "UNABLE_TO_LOCK_ROW") || out.CompositeResponse[1].HTTPStatusCode != 200 {
		t.Fatalf("subresponses: %s", r.body)
	}
	r = call(t, ts, "POST", v+"/composite", body)
	if r.json(t, &out); out.CompositeResponse[0].HTTPStatusCode != 201 {
		t.Fatalf("after the fault: %s", r.body)
	}
}
