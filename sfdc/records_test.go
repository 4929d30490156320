package sfdc

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestChildSubqueryPagingIsFollowed(t *testing.T) {
	var childCalls int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/services/data/v62.0/query":
			writeJSON(w, 200, `{"totalSize":2,"done":true,"records":[
				{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001B000001PUvQUIA1"},"Id":"001B000001PUvQUIA1","Name":"Big",
				 "Owner":null,
				 "Contacts":{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gCHILD-1","records":[
					{"attributes":{"type":"Contact"},"LastName":"One"}]}},
				{"attributes":{"type":"Account"},"Id":"001B000001PUvQVIA1","Name":"Small","Owner":{"attributes":{"type":"User"},"Name":"Ann"},"Contacts":null}]}`)
		case "/services/data/v62.0/query/01gCHILD-1":
			childCalls++
			writeJSON(w, 200, `{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gCHILD-2","records":[{"attributes":{"type":"Contact"},"LastName":"Two"}]}`)
		case "/services/data/v62.0/query/01gCHILD-2":
			childCalls++
			writeJSON(w, 200, `{"totalSize":3,"done":true,"records":[{"attributes":{"type":"Contact"},"LastName":"Three"}]}`)
		default:
			writeJSON(w, 404, `[{"errorCode":"NOT_FOUND","message":"nope"}]`)
		}
	})
	c, _ := newTestClient(t, h)
	var recs []*Record
	for r, err := range c.QueryRecords(ctx, Query{SOQL: "SELECT Id, Name, Owner.Name, (SELECT LastName FROM Contacts) FROM Account"}) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 2 || childCalls != 2 {
		t.Fatalf("%d records, %d child page calls", len(recs), childCalls)
	}
	kids := recs[0].Children("Contacts")
	var names []string
	for _, k := range kids.Records {
		names = append(names, k.String("LastName"))
	}
	if !slices.Equal(names, []string{"One", "Two", "Three"}) || !kids.Done || kids.NextRecordsURL != "" {
		t.Errorf("children %v done %v", names, kids.Done)
	}
	// Null lookup and null child set.
	if recs[0].Parent("Owner") != nil || recs[0].String("Owner.Name") != "" || !recs[0].IsNull("Owner.Name") {
		t.Errorf("null Owner not handled")
	}
	if v, ok := recs[0].Get("Owner.Name"); v != nil || !ok {
		t.Errorf("Get(Owner.Name) on null lookup = %v %v", v, ok)
	}
	if _, ok := recs[0].Get("Missing"); ok {
		t.Errorf("Get(Missing) ok")
	}
	if recs[1].Children("Contacts") != nil || recs[1].String("Owner.Name") != "Ann" {
		t.Errorf("second record wrong")
	}
}

func TestQueryAllUsesQueryAllResource(t *testing.T) {
	c, _ := newTestClient(t, serveJSON(t, 200, []byte(`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"IsDeleted":true}]}`),
		expectRequest(t, "GET", "/services/data/v62.0/queryAll")))
	res, err := c.QueryAll(ctx, "SELECT IsDeleted FROM Account")
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := res.Records[0].Bool("IsDeleted"); !b || !ok {
		t.Errorf("IsDeleted = %v %v", b, ok)
	}
}

func TestQueryErrorStopsIteration(t *testing.T) {
	c, _ := newTestClient(t, serveJSON(t, 400, []byte(`[{"message":"unexpected token: SELEKT","errorCode":"MALFORMED_QUERY"}]`), nil))
	n := 0
	for p, err := range c.QueryPages(ctx, Query{SOQL: "SELEKT"}) {
		n++
		if p != nil || !hasCode(err, CodeMalformedQuery) || !strings.Contains(err.Error(), "SELEKT") {
			t.Errorf("page %v err %v", p, err)
		}
	}
	if n != 1 {
		t.Errorf("%d yields", n)
	}
}

func TestGetRecordWithFields(t *testing.T) {
	c, _ := newTestClient(t, serveJSON(t, 200, []byte(`{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001B000001PUvQUIA1"},"Name":"Acme","AnnualRevenue":1.5E7}`),
		func(r *http.Request, _ []byte) {
			if r.URL.Path != "/services/data/v62.0/sobjects/Account/001B000001PUvQUIA1" || r.URL.Query().Get("fields") != "Name,AnnualRevenue" {
				t.Errorf("request %s", r.URL)
			}
		}))
	rec, err := c.GetRecord(ctx, "Account", "001B000001PUvQUIA1", "Name", "AnnualRevenue")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := rec.Float("AnnualRevenue"); f != 15000000 || rec.ID() != "001B000001PUvQUIA1" || rec.String("Name") != "Acme" {
		t.Errorf("record %s %v", rec.String("Name"), f)
	}
	if _, err := c.GetRecord(ctx, "Account", "../../limits"); err == nil {
		t.Error("path injection in id accepted")
	}
	if _, err := c.GetRecord(ctx, "Account/../x", "001B000001PUvQUIA1"); err == nil {
		t.Error("path injection in type accepted")
	}
}

func TestCollections(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "GET" && r.URL.Path == "/services/data/v62.0/composite/sobjects/Account":
			if r.URL.Query().Get("ids") != "001B000001PUvQUIA1,001B000001PUvQVIA1" || r.URL.Query().Get("fields") != "Id,Name" {
				t.Errorf("GET query %v", r.URL.Query())
			}
			writeJSON(w, 200, `[{"attributes":{"type":"Account"},"Id":"001B000001PUvQUIA1","Name":"A"},null]`)
		case r.Method == "DELETE" && r.URL.Path == "/services/data/v62.0/composite/sobjects":
			if r.URL.Query().Get("ids") != "001B000001PUvQUIA1" || r.URL.Query().Get("allOrNone") != "true" {
				t.Errorf("DELETE query %v", r.URL.Query())
			}
			writeJSON(w, 200, `[{"id":"001B000001PUvQUIA1","success":true,"errors":[]}]`)
		case r.Method == "POST" && r.URL.Path == "/services/data/v62.0/composite/sobjects":
			var in struct{ Records []map[string]any }
			json.NewDecoder(r.Body).Decode(&in)
			if len(in.Records) != 1 || in.Records[0]["Subject"] != "Call" || in.Records[0]["id"] != nil {
				t.Errorf("POST body %v", in)
			}
			writeJSON(w, 200, `[{"id":"00TB000000AbcdEIAR","success":true,"errors":[]}]`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	})
	c, _ := newTestClient(t, h)
	recs, err := c.GetRecords(ctx, "Account", []ID{"001B000001PUvQUIA1", "001B000001PUvQVIA1"}, []string{"Id", "Name"})
	if err != nil || len(recs) != 2 || recs[0].String("Name") != "A" || recs[1] != nil {
		t.Errorf("GetRecords = %v, %v", recs, err)
	}
	del, err := c.DeleteRecords(ctx, true, []ID{"001B000001PUvQUIA1"})
	if err != nil || len(del) != 1 || del[0].Err() != nil {
		t.Errorf("DeleteRecords = %v, %v", del, err)
	}
	cr, err := c.CreateRecords(ctx, false, []SObject{{Type: "Task", Fields: map[string]any{"Subject": "Call"}}})
	if err != nil || cr[0].ID != "00TB000000AbcdEIAR" {
		t.Errorf("CreateRecords = %v, %v", cr, err)
	}
	if _, err := c.UpdateRecords(ctx, false, []SObject{{Type: "Task", Fields: map[string]any{"Subject": "x"}}}); err == nil {
		t.Error("update without id accepted")
	}
	if _, err := c.Composite(ctx, false, make([]Subrequest, 26)); err == nil {
		t.Error("26 subrequests accepted")
	}
}

func TestPicklistsAllFieldsWithStageAttributes(t *testing.T) {
	body := `{"eTag":"abc","picklistFieldValues":{"StageName":{"controllerValues":{},"defaultValue":null,"eTag":"e1","url":"/x",
		"values":[{"attributes":{"closed":false,"defaultProbability":25.0,"forecastCategoryName":"Pipeline","picklistAtrributesValueType":"OpportunityStage","won":false},"label":"Qualification","validFor":[],"value":"Qualification"},
		          {"attributes":{"closed":true,"defaultProbability":100.0,"forecastCategoryName":"Closed","picklistAtrributesValueType":"OpportunityStage","won":true},"label":"Closed Won","validFor":[],"value":"Closed Won"}]},
		"LeadSource":{"controllerValues":{"Web":0},"defaultValue":{"attributes":null,"label":"Web","validFor":[],"value":"Web"},"eTag":"e2","url":"/y","values":[{"attributes":null,"label":"Web","validFor":[0],"value":"Web"}]}}}`
	c, _ := newTestClient(t, serveJSON(t, 200, []byte(body),
		expectRequest(t, "GET", "/services/data/v62.0/ui-api/object-info/Opportunity/picklist-values/012B0000000gTkqIAE")))
	p, err := c.Picklists(ctx, "Opportunity", "012B0000000gTkqIAE")
	if err != nil {
		t.Fatal(err)
	}
	stage := p.Fields["StageName"]
	won := stage.Value("Closed Won")
	if won == nil || won.Attributes == nil || !won.Attributes.Won || !won.Attributes.Closed || won.Attributes.DefaultProbability != 100 ||
		won.Attributes.ForecastCategoryName != "Closed" || won.Attributes.ValueType != "OpportunityStage" {
		t.Errorf("Closed Won = %+v", won)
	}
	if q := stage.Value("Qualification").Attributes; q.Won || q.Closed || q.DefaultProbability != 25 {
		t.Errorf("Qualification = %+v", q)
	}
	ls := p.Fields["LeadSource"]
	if ls.DefaultValue == nil || ls.DefaultValue.Value != "Web" || ls.ControllerValues["Web"] != 0 || !slices.Equal(ls.Values[0].ValidFor, []int{0}) {
		t.Errorf("LeadSource = %+v", ls)
	}
	if p.ETag != "abc" {
		t.Errorf("eTag %q", p.ETag)
	}
}

func TestErrorBodyForms(t *testing.T) {
	multi := decodeErrorBody(400, []byte(`[{"message":"first","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":[]},{"message":"second","errorCode":"REQUIRED_FIELD_MISSING","fields":["Loss_Reason__c"]}]`))
	if multi.Code != "FIELD_CUSTOM_VALIDATION_EXCEPTION" || multi.Message != "first" || len(multi.Errors) != 2 ||
		multi.Errors[1].Code != CodeRequiredFieldMiss || multi.Errors[1].Fields[0] != "Loss_Reason__c" {
		t.Errorf("multi = %+v", multi)
	}
	if !strings.Contains(multi.Error(), "and 1 more error") {
		t.Errorf("multi message %q", multi.Error())
	}
	single := decodeErrorBody(400, []byte(`{"message":"No such column 'Foo' on sobject of type Account","errorCode":"INVALID_FIELD"}`))
	if single.Code != CodeInvalidField || !strings.HasPrefix(single.Message, "No such column") {
		t.Errorf("single = %+v", single)
	}
	save := decodeErrorBody(400, []byte(`[{"statusCode":"INVALID_EMAIL_ADDRESS","message":"bad","fields":["Email"]}]`))
	if save.Code != "INVALID_EMAIL_ADDRESS" || save.Fields[0] != "Email" {
		t.Errorf("statusCode form = %+v", save)
	}
	html := decodeErrorBody(502, []byte("<html><body>Bad Gateway</body></html>"))
	if html.Status != 502 || html.Code != "" || !strings.Contains(html.Message, "Bad Gateway") {
		t.Errorf("html = %+v", html)
	}
	empty := decodeErrorBody(503, nil)
	if empty.Message != "Service Unavailable" {
		t.Errorf("empty = %+v", empty)
	}
	oauth := decodeErrorBody(400, []byte(`{"error":"invalid_grant","error_description":"authentication failure"}`))
	if oauth.Code != "invalid_grant" || oauth.Message != "authentication failure" {
		t.Errorf("oauth = %+v", oauth)
	}
	if !IsRowLock(&APIError{Code: "X", Errors: []ErrorItem{{Code: "X"}, {Code: CodeRowLock}}}) {
		t.Error("row lock in a secondary error not detected")
	}
	if IsNotFound(errors.New("plain")) || IsSessionExpired(nil) {
		t.Error("plain errors misclassified")
	}
}

func TestParseLimitInfo(t *testing.T) {
	cases := map[string]Usage{
		"api-usage=16/100000": {16, 100000, true},
		"api-usage=4177/15000; per-app-api-usage=17/250(appName=x)": {4177, 15000, true},
		"per-app-api-usage=17/250(appName=x); api-usage=5/10":       {5, 10, true},
		"api-bursts=1/750": {},
		"api-usage=abc/10": {},
		"":                 {},
	}
	for in, want := range cases {
		got, _ := parseLimitInfo(in)
		if got != want {
			t.Errorf("parseLimitInfo(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestRecordMarshalOrderAndSet(t *testing.T) {
	r := NewRecord("Task")
	r.Set("Subject", "Call")
	r.Set("ActivityDate", "2026-11-21")
	r.Set("Subject", "Email")
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"attributes":{"type":"Task"},"Subject":"Email","ActivityDate":"2026-11-21"}` {
		t.Errorf("marshal = %s", b)
	}
}

// TestValueText: a field value as text, the way lists, forms and CSV show
// it (a compound address as JSON, "&" not escaped).
func TestValueText(t *testing.T) {
	addr := map[string]any{"city": "Ghent", "street": "Kerk & Co 1"}
	for v, want := range map[any]string{nil: "", "Acme": "Acme", true: "true", 1e21: "1000000000000000000000", 12.5: "12.5", json.Number("7"): "7"} {
		if got := ValueText(v); got != want {
			t.Errorf("ValueText(%#v) = %q, want %q", v, got, want)
		}
	}
	if got := ValueText(addr); got != `{"city":"Ghent","street":"Kerk & Co 1"}` {
		t.Errorf("ValueText(address) = %q", got)
	}
}
