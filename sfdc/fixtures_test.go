package sfdc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fixtureTests maps every file in shared/fixtures/salesforce to a test that
// serves it over HTTP and decodes it with the real client method.
// TestFixtures fails if a fixture has no entry here.
var fixtureTests = map[string]func(t *testing.T, body []byte){
	"composite-allornone-failure.json":         fixtureCompositeFailure,
	"composite-success.json":                   fixtureCompositeSuccess,
	"create-201.json":                          fixtureCreate,
	"describe-contact-v42-trimmed.json":        fixtureDescribeContact,
	"describe-opportunity-soqlmetadata.json":   fixtureDescribeOpportunity,
	"describe-task-soqlmetadata-trimmed.json":  fixtureDescribeTask,
	"errors-rest.json":                         fixtureErrors,
	"limits.json":                              fixtureLimits,
	"oauth-token-refresh-response.json":        fixtureTokenRefresh,
	"oauth-userinfo.json":                      fixtureUserInfo,
	"query-aggregate-expr0.json":               fixtureQueryAggregate,
	"query-child-subquery.json":                fixtureQueryChildren,
	"query-page1-nextRecordsUrl.json":          fixtureQueryPaging,
	"query-parent-relationship.json":           fixtureQueryParent,
	"sobject-collections-patch-mixed.json":     fixtureCollectionsPatch,
	"sobject-deleted.json":                     fixtureDeleted,
	"sobject-updated.json":                     fixtureUpdated,
	"ui-api-picklist-values-account-type.json": fixturePicklist,
}

func TestFixtures(t *testing.T) {
	dir := fixtureDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s (err %v)", dir, err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		test, ok := fixtureTests[name]
		if !ok {
			t.Errorf("fixture %s has no conformance test: add one to fixtureTests", name)
			continue
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) { test(t, body) })
	}
	for name := range fixtureTests {
		if !seen[name] {
			t.Errorf("fixtureTests names %s, which is not in %s", name, dir)
		}
	}
}

var ctx = context.Background()

func fixtureCompositeSuccess(t *testing.T, body []byte) {
	var sent struct {
		AllOrNone        bool
		CompositeRequest []Subrequest
	}
	c, _ := newTestClient(t, serveJSON(t, 200, body, func(r *http.Request, in []byte) {
		expectRequest(t, "POST", "/services/data/v62.0/composite")(r, in)
		if err := json.Unmarshal(in, &sent); err != nil {
			t.Errorf("request body: %v", err)
		}
	}))
	reqs := []Subrequest{
		{Method: "POST", URL: c.DataPath("sobjects", "blng__Payment__c"), ReferenceID: "NewPayment1", Body: map[string]any{"Amount__c": 1}},
		{Method: "POST", URL: c.DataPath("sobjects", "blng__Payment__c"), ReferenceID: "NewPayment2", Body: map[string]any{"Amount__c": 2}},
	}
	res, err := c.Composite(ctx, true, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if !sent.AllOrNone || len(sent.CompositeRequest) != 2 || sent.CompositeRequest[1].URL != "/services/data/v62.0/sobjects/blng__Payment__c" {
		t.Errorf("sent %+v", sent)
	}
	if len(res) != 2 {
		t.Fatalf("got %d subresponses", len(res))
	}
	if res[0].HTTPStatusCode != 201 || res[0].ReferenceID != "NewPayment1" || res[0].Err() != nil {
		t.Errorf("sub 0 = %+v err %v", res[0], res[0].Err())
	}
	if got := res[1].ID(); got != "a1V3E000000EXomUAG" {
		t.Errorf("sub 1 id = %q", got)
	}
	if loc := res[0].HTTPHeaders["Location"]; loc != "/services/data/v41.0/sobjects/blng__Payment__c/a1V3E000000EXomUAM" {
		t.Errorf("Location = %q", loc)
	}
}

func fixtureCompositeFailure(t *testing.T, body []byte) {
	c, _ := newTestClient(t, serveJSON(t, 200, body, nil))
	res, err := c.Composite(ctx, true, []Subrequest{{Method: "POST", URL: "/x", ReferenceID: "NewPayment1"}, {Method: "POST", URL: "/y", ReferenceID: "NewPayment2"}})
	if err != nil {
		t.Fatal(err)
	}
	var a0, a1 *APIError
	if !errors.As(res[0].Err(), &a0) || a0.Code != CodeProcessingHalted || a0.Status != 400 {
		t.Errorf("sub 0 err = %v", res[0].Err())
	}
	if !errors.As(res[1].Err(), &a1) || a1.Code != "INVALID_FIELD" ||
		!strings.HasPrefix(a1.Message, "Foreign key external ID: 0116 not found") {
		t.Errorf("sub 1 err = %v", res[1].Err())
	}
	if res[1].ID() != "" {
		t.Errorf("failed sub has id %q", res[1].ID())
	}
}

func fixtureCreate(t *testing.T, body []byte) {
	var sent map[string]any
	c, _ := newTestClient(t, serveJSON(t, 201, body, func(r *http.Request, in []byte) {
		expectRequest(t, "POST", "/services/data/v62.0/sobjects/Movie__c")(r, in)
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		json.Unmarshal(in, &sent)
	}))
	id, err := c.Create(ctx, "Movie__c", map[string]any{"Name": "Star Wars Episode V: The Empire Strikes Back", "Rating__c": "Excellent"})
	if err != nil {
		t.Fatal(err)
	}
	if id != "a00B000000FSkcvIAD" {
		t.Errorf("id = %q", id)
	}
	if sent["Rating__c"] != "Excellent" {
		t.Errorf("sent %v", sent)
	}
	if u := c.Limits(); !u.Known || u.Used != 51 || u.Max != 100000 {
		t.Errorf("Limits() = %+v", u)
	}
}

func describeFixture(t *testing.T, body []byte, object string) *SObjectDescribe {
	t.Helper()
	c, _ := newTestClient(t, serveJSON(t, 200, body, expectRequest(t, "GET", "/services/data/v62.0/sobjects/"+object+"/describe")))
	d, err := c.Describe(ctx, object)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fixtureDescribeContact(t *testing.T, body []byte) {
	d := describeFixture(t, body, "Contact")
	if d.Name != "Contact" || d.KeyPrefix != "003" || d.LabelPlural != "Contacts" || !d.Createable || d.Custom {
		t.Errorf("top level = %+v", d)
	}
	if len(d.Fields) != 14 {
		t.Errorf("%d fields", len(d.Fields))
	}
	pl := d.Field("picklist_field__c")
	if pl == nil || pl.Type != "picklist" || !pl.RestrictedPicklist || !pl.Custom || !pl.Nillable || pl.Length != 255 {
		t.Fatalf("picklist_field__c = %+v", pl)
	}
	var vals []string
	for _, v := range pl.ActivePicklistValues() {
		vals = append(vals, v.Value)
	}
	if !slices.Equal(vals, []string{"Red", "Blue", "Green"}) {
		t.Errorf("picklist values %v", vals)
	}
	acc := d.Field("accountid")
	if acc == nil || acc.Type != "reference" || !slices.Equal(acc.ReferenceTo, []string{"Account"}) || acc.RelationshipName != "Account" || !acc.Updateable {
		t.Errorf("AccountId = %+v", acc)
	}
	if d.FieldByRelationship("Owner").Name != "OwnerId" {
		t.Errorf("Owner relationship not found")
	}
	ln := d.Field("LastName")
	if ln.Nillable || ln.Length != 80 || !ln.Createable || ln.Type != "string" {
		t.Errorf("LastName = %+v", ln)
	}
	if d.Field("Id").Createable || d.Field("Id").Type != "id" {
		t.Errorf("Id = %+v", d.Field("Id"))
	}
	rt := d.DefaultRecordType()
	if rt == nil || rt.RecordTypeID != MasterRecordTypeID || !rt.Master || rt.Name != "Master" {
		t.Errorf("record type = %+v", rt)
	}
	cr := d.ChildRelationship("Tasks")
	if cr == nil || cr.ChildSObject != "Task" || cr.Field != "WhoId" {
		t.Errorf("Tasks relationship = %+v", cr)
	}
	if len(d.ChildRelationships) != 3 {
		t.Errorf("%d child relationships", len(d.ChildRelationships))
	}
}

func fixtureDescribeOpportunity(t *testing.T, body []byte) {
	d := describeFixture(t, body, "Opportunity")
	stage := d.Field("StageName")
	if stage == nil || stage.Type != "picklist" || stage.Nillable {
		t.Fatalf("StageName = %+v", stage)
	}
	var vals []string
	for _, v := range stage.PicklistValues {
		vals = append(vals, v.Value)
	}
	want := []string{"Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
		"Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}
	if !slices.Equal(vals, want) {
		t.Errorf("StageName values %v", vals)
	}
	fc := d.Field("ForecastCategory")
	if fc == nil || len(fc.PicklistValues) != 6 || fc.PicklistValues[0].Value != "Omitted" {
		t.Errorf("ForecastCategory = %+v", fc)
	}
	acc := d.Field("AccountId")
	if acc.RelationshipName != "Account" || !slices.Equal(acc.ReferenceTo, []string{"Account"}) {
		t.Errorf("AccountId = %+v", acc)
	}
	if d.Field("Amount").Type != "currency" || d.Field("CloseDate").Type != "date" {
		t.Errorf("Amount/CloseDate types %s %s", d.Field("Amount").Type, d.Field("CloseDate").Type)
	}
	if len(d.Fields) != 41 || !d.Queryable {
		t.Errorf("%d fields, queryable %v", len(d.Fields), d.Queryable)
	}
}

func fixtureDescribeTask(t *testing.T, body []byte) {
	d := describeFixture(t, body, "Task")
	subj := d.Field("Subject")
	if subj.Type != "combobox" || len(subj.PicklistValues) != 5 || subj.PicklistValues[0].Value != "Call" {
		t.Errorf("Subject = %+v", subj)
	}
	status := d.Field("Status")
	if status.DefaultString() != "Not Started" || d.Field("Priority").DefaultString() != "Normal" || subj.DefaultString() != "" {
		t.Errorf("defaults: Status %q Priority %q Subject %q", status.DefaultString(), d.Field("Priority").DefaultString(), subj.DefaultString())
	}
	var def string
	for _, v := range status.PicklistValues {
		if v.DefaultValue {
			def = v.Value
		}
	}
	if def != "Not Started" {
		t.Errorf("Status default picklist value %q", def)
	}
	who := d.Field("WhoId")
	if !slices.Equal(who.ReferenceTo, []string{"Contact", "Lead"}) || who.RelationshipName != "Who" {
		t.Errorf("WhoId = %+v", who)
	}
	if d.Field("CallDurationInSeconds").Type != "int" || d.Field("ActivityDate").Type != "date" {
		t.Errorf("types wrong")
	}
	if len(d.ChildRelationships) != 0 {
		t.Errorf("child relationships %v", d.ChildRelationships)
	}
}

// errorCase is one entry of errors-rest.json.
type errorCase struct {
	Case    string
	Request struct {
		Method string
		Path   string
		Q      *string
		Body   json.RawMessage
	}
	Status          int
	ContentType     string
	WWWAuthenticate *string
	Body            json.RawMessage
}

func fixtureErrors(t *testing.T, body []byte) {
	var file struct{ Cases []errorCase }
	if err := json.Unmarshal(body, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 10 {
		t.Fatalf("only %d cases", len(file.Cases))
	}
	for _, tc := range file.Cases {
		t.Run(tc.Case, func(t *testing.T) {
			var wire []struct {
				Message   string   `json:"message"`
				ErrorCode string   `json:"errorCode"`
				Fields    []string `json:"fields"`
			}
			if err := json.Unmarshal(tc.Body, &wire); err != nil || len(wire) == 0 {
				t.Fatalf("case body: %v", err)
			}
			calls := 0
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				if r.Method != tc.Request.Method {
					t.Errorf("method %s, want %s", r.Method, tc.Request.Method)
				}
				w.Header().Set("Content-Type", tc.ContentType)
				w.Header().Set("Sforce-Limit-Info", "api-usage=7/15000")
				if tc.WWWAuthenticate != nil {
					w.Header().Set("WWW-Authenticate", *tc.WWWAuthenticate)
				}
				w.WriteHeader(tc.Status)
				w.Write(tc.Body)
			})
			c, _ := newTestClient(t, h)
			err := callForCase(c, tc)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.Status == 401 {
				// A static token cannot be refreshed: the session is over.
				if !IsSessionExpired(err) {
					t.Errorf("IsSessionExpired(%v) = false", err)
				}
				if calls != 1 {
					t.Errorf("%d calls, want 1", calls)
				}
				return
			}
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %T %v is not an *APIError", err, err)
			}
			w0 := wire[0]
			if ae.Status != tc.Status || ae.Code != w0.ErrorCode || ae.Message != w0.Message || !slices.Equal(ae.Fields, w0.Fields) {
				t.Errorf("APIError = %+v, want status %d %+v", ae, tc.Status, w0)
			}
			if !strings.Contains(err.Error(), w0.ErrorCode) {
				t.Errorf("message %q lacks the code", err)
			}
			if got, want := IsNotFound(err), tc.Status == 404; got != want {
				t.Errorf("IsNotFound = %v, want %v", got, want)
			}
			if IsSessionExpired(err) || IsRowLock(err) || IsLimitExceeded(err) || IsConflict(err) {
				t.Errorf("wrong classification of %v", err)
			}
			if calls != 1 {
				t.Errorf("%d calls for a non-transient error, want 1", calls)
			}
		})
	}
}

// callForCase makes the client call that matches the recorded request.
func callForCase(c *Client, tc errorCase) error {
	parts := strings.Split(strings.TrimPrefix(tc.Request.Path, "/"), "/") // services data vNN sobjects T [id]
	switch {
	case strings.HasSuffix(tc.Request.Path, "/query"):
		_, err := c.Query(ctx, *tc.Request.Q)
		return err
	case tc.Request.Method == "POST":
		_, err := c.Create(ctx, parts[4], tc.Request.Body)
		return err
	case tc.Request.Method == "PATCH":
		return c.Update(ctx, parts[4], ID(parts[5]), tc.Request.Body, UpdateOptions{})
	case tc.Request.Method == "DELETE":
		return c.Delete(ctx, parts[4], ID(parts[5]))
	case tc.Request.Method == "GET":
		_, err := c.GetRecord(ctx, parts[4], ID(parts[5]))
		return err
	}
	return errors.New("unhandled case")
}

func fixtureLimits(t *testing.T, body []byte) {
	c, _ := newTestClient(t, serveJSON(t, 200, body, expectRequest(t, "GET", "/services/data/v62.0/limits")))
	l, err := c.OrgLimits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := l["DailyApiRequests"]; d.Max != 15000 || d.Remaining != 14998 || d.Used() != 2 {
		t.Errorf("DailyApiRequests = %+v", d)
	}
	if h := l["HourlyODataCallout"]; h.Max != 10000 || h.Remaining != 9999 {
		t.Errorf("HourlyODataCallout = %+v", h)
	}
	if len(l) != 23 {
		t.Errorf("%d limits", len(l))
	}
}

func fixtureTokenRefresh(t *testing.T, body []byte) {
	var form map[string]string
	srv := serveJSON(t, 200, body, func(r *http.Request, in []byte) {
		expectRequest(t, "POST", "/services/oauth2/token")(r, in)
		r.Body.Close()
		form = map[string]string{}
		for _, kv := range strings.Split(string(in), "&") {
			k, v, _ := strings.Cut(kv, "=")
			form[k] = v
		}
	})
	_, hs := newTestClient(t, srv)
	var persisted string
	ts := NewOAuthTokenSource(OAuthConfig{ClientID: "cid", ClientSecret: "sec", TokenURL: TokenURL(hs.URL), HTTPClient: hs.Client(),
		OnRefresh: func(tk *oauth2.Token) { persisted = tk.AccessToken }},
		&oauth2.Token{AccessToken: "old", RefreshToken: "5Aep861"})
	tok, err := ts.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "00D36000001HDi3!REDACTED" || persisted != tok {
		t.Errorf("token %q, persisted %q", tok, persisted)
	}
	if form["grant_type"] != "refresh_token" || form["refresh_token"] != "5Aep861" || form["client_id"] != "cid" {
		t.Errorf("form %v", form)
	}
	cur := ts.Current()
	if cur.RefreshToken != "5Aep861" {
		t.Errorf("refresh token not kept: %q", cur.RefreshToken)
	}
	if cur.Extra("instance_url") != "https://naXX.salesforce.com" {
		t.Errorf("instance_url %v", cur.Extra("instance_url"))
	}
	if got, _ := ts.Token(ctx); got != tok {
		t.Errorf("Token() = %q after refresh", got)
	}
}

func fixtureUserInfo(t *testing.T, body []byte) {
	c, _ := newTestClient(t, serveJSON(t, 200, body, expectRequest(t, "GET", "/services/oauth2/userinfo")))
	id, err := c.UserInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id.UserID != "005Em000000HMlhIAG" || id.OrganizationID != "00DEm0000001sxdMAA" ||
		id.PreferredUsername != "wyang@jihulab.com.test" || id.Name != "Salesforce Test" ||
		id.Email != "wyang@jihulab.com" || id.ZoneInfo != "Asia/Shanghai" || id.UTCOffset != 28800000 || !id.Active {
		t.Errorf("identity = %+v", id)
	}
	if !strings.HasSuffix(id.URLs["rest"], "/services/data/v{version}/") {
		t.Errorf("urls.rest = %q", id.URLs["rest"])
	}
}

func fixtureQueryAggregate(t *testing.T, body []byte) {
	soql := "SELECT CampaignId, AVG(Amount) FROM Opportunity GROUP BY CampaignId"
	c, _ := newTestClient(t, serveJSON(t, 200, body, func(r *http.Request, in []byte) {
		expectRequest(t, "GET", "/services/data/v62.0/query")(r, in)
		if r.URL.Query().Get("q") != soql {
			t.Errorf("q = %q", r.URL.Query().Get("q"))
		}
	}))
	var recs []*Record
	for rec, err := range c.QueryRecords(ctx, Query{SOQL: soql}) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	if len(recs) != 3 {
		t.Fatalf("%d rows", len(recs))
	}
	want := []float64{300, 100, 400}
	for i, r := range recs {
		if !r.IsAggregate() {
			t.Errorf("row %d type %q", i, r.Type())
		}
		if f, ok := r.Float("expr0"); !ok || f != want[i] {
			t.Errorf("row %d expr0 = %v %v", i, f, ok)
		}
	}
	if recs[0].String("CampaignId") != "701E0000000JuFHIA0" || !recs[2].IsNull("CampaignId") {
		t.Errorf("CampaignId values wrong")
	}
	if n, ok := recs[2].Int("expr0"); !ok || n != 400 {
		t.Errorf("Int(expr0) = %d %v", n, ok)
	}
	if recs[0].ID() != "" {
		t.Errorf("aggregate row has id %q", recs[0].ID())
	}
	if !slices.Equal(recs[0].Fields(), []string{"CampaignId", "expr0"}) {
		t.Errorf("fields %v", recs[0].Fields())
	}
}

func fixtureQueryChildren(t *testing.T, body []byte) {
	c, _ := newTestClient(t, serveJSON(t, 200, body, nil))
	res, err := c.Query(ctx, "SELECT Account.Name, (SELECT Contact.FirstName, Contact.LastName FROM Account.Contacts) FROM Account LIMIT 5")
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalSize != 5 || len(res.Records) != 5 || !res.Done {
		t.Fatalf("result %+v", res)
	}
	third := res.Records[2]
	if third.String("Name") != "United Oil & Gas, Singapore" || third.ID() != "0017Q00000EZlbxQAD" {
		t.Errorf("third = %s %s", third.String("Name"), third.ID())
	}
	kids := third.Children("Contacts")
	if kids == nil || kids.TotalSize != 2 || len(kids.Records) != 2 {
		t.Fatalf("Contacts = %+v", kids)
	}
	if kids.Records[1].String("LastName") != "D'Cruz" || kids.Records[1].Type() != "Contact" {
		t.Errorf("child = %s %s", kids.Records[1].Type(), kids.Records[1].String("LastName"))
	}
	// Round trip: re-encoding keeps Salesforce's shape.
	b, err := json.Marshal(third)
	if err != nil {
		t.Fatal(err)
	}
	var orig struct{ Records []json.RawMessage }
	json.Unmarshal(body, &orig)
	if !jsonEqual(t, b, orig.Records[2]) {
		t.Errorf("re-encoded record differs:\n%s\n%s", b, orig.Records[2])
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func fixtureQueryPaging(t *testing.T, body []byte) {
	page2 := []byte(`{"totalSize":10000,"done":true,"records":[{"attributes":{"type":"random__c","url":"/services/data/v51.0/sobjects/random__c/a01B0000009ZjApIAK"},"RANDOM_1__c":"LAST","RANDOM_2__c":null}]}`)
	var paths []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		if got := r.Header.Get("Sforce-Query-Options"); got != "batchSize=500" {
			t.Errorf("Sforce-Query-Options = %q", got)
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/services/data/v62.0/query":
			if r.URL.Query().Get("q") != "SELECT RANDOM_1__c, RANDOM_2__c FROM Random__c" {
				t.Errorf("q = %q", r.URL.Query().Get("q"))
			}
			w.Write(body)
		case "/services/data/v51.0/query/01gB000003OCxSPIA1-2000":
			w.Write(page2)
		default:
			w.WriteHeader(404)
			w.Write([]byte(`[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`))
		}
	})
	c, _ := newTestClient(t, h)
	var pages []*QueryPage
	for p, err := range c.QueryPages(ctx, Query{SOQL: "SELECT RANDOM_1__c, RANDOM_2__c FROM Random__c", BatchSize: 500}) {
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	if len(pages) != 2 || len(pages[0].Records) != 3 || len(pages[1].Records) != 1 {
		t.Fatalf("pages %d", len(pages))
	}
	if pages[0].TotalSize != 10000 || pages[0].Done || pages[0].NextRecordsURL != "/services/data/v51.0/query/01gB000003OCxSPIA1-2000" {
		t.Errorf("page 1 = %+v", pages[0])
	}
	// Raw records are Salesforce's bytes, untouched.
	if !strings.Contains(string(pages[0].Records[0]), `"RANDOM_2__c": null`) {
		t.Errorf("raw record %s", pages[0].Records[0])
	}
	rec, err := DecodeRecord(pages[0].Records[1])
	if err != nil {
		t.Fatal(err)
	}
	if rec.Type() != "random__c" || rec.String("RANDOM_2__c") != "HCLUHVKNUJ" || rec.ID() != "a01B0000009ZjAnIAK" {
		t.Errorf("record %s %s %s", rec.Type(), rec.String("RANDOM_2__c"), rec.ID())
	}
	if c.APICalls() != 2 || len(paths) != 2 {
		t.Errorf("APICalls %d paths %v", c.APICalls(), paths)
	}
	// Stopping the iteration early makes no further request.
	for range c.QueryPages(ctx, Query{SOQL: "SELECT RANDOM_1__c, RANDOM_2__c FROM Random__c", BatchSize: 500}) {
		break
	}
	if len(paths) != 3 {
		t.Errorf("early break made %d requests", len(paths)-2)
	}
}

func fixtureQueryParent(t *testing.T, body []byte) {
	c, _ := newTestClient(t, serveJSON(t, 200, body, nil))
	res, err := c.Query(ctx, "SELECT Name, Owner.Name from Account LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	r := res.Records[0]
	if r.String("Owner.Name") != "Guy Smiley" || r.String("owner.name") != "Guy Smiley" {
		t.Errorf("Owner.Name = %q", r.String("Owner.Name"))
	}
	owner := r.Parent("Owner")
	if owner == nil || owner.Type() != "User" || owner.ID() != "005B0000008UC2PIAW" {
		t.Errorf("owner = %+v", owner)
	}
	if r.String("Name") != "TestAccount5" || r.ID() != "001B000001PUvQUIA1" {
		t.Errorf("account %s %s", r.String("Name"), r.ID())
	}
}

func fixtureCollectionsPatch(t *testing.T, body []byte) {
	var sent struct {
		AllOrNone bool
		Records   []map[string]any
	}
	c, _ := newTestClient(t, serveJSON(t, 200, body, func(r *http.Request, in []byte) {
		expectRequest(t, "PATCH", "/services/data/v62.0/composite/sobjects")(r, in)
		json.Unmarshal(in, &sent)
	}))
	res, err := c.UpdateRecords(ctx, false, []SObject{
		{Type: "Account", ID: "0014S000007NxmlQAC", Fields: map[string]any{"Name": "ok"}},
		{Type: "Account", ID: "0014S000007Nx5BQAS", Fields: map[string]any{"email_field__c": "badone"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sent.AllOrNone || len(sent.Records) != 2 || sent.Records[1]["id"] != "0014S000007Nx5BQAS" ||
		sent.Records[1]["attributes"].(map[string]any)["type"] != "Account" || sent.Records[1]["email_field__c"] != "badone" {
		t.Errorf("sent %+v", sent)
	}
	if res[0].Err() != nil || res[0].ID != "0014S000007NxmlQAC" {
		t.Errorf("row 0 = %+v", res[0])
	}
	var ae *APIError
	if !errors.As(res[1].Err(), &ae) || ae.Code != "INVALID_EMAIL_ADDRESS" || ae.Message != "email_field: invalid email address: badone" ||
		!slices.Equal(ae.Fields, []string{"email_field__c"}) {
		t.Errorf("row 1 err = %v", res[1].Err())
	}
}

func fixtureDeleted(t *testing.T, body []byte) {
	start := time.Date(2013, 5, 3, 0, 0, 0, 0, time.UTC)
	end := time.Date(2013, 5, 9, 0, 0, 0, 0, time.UTC)
	c, _ := newTestClient(t, serveJSON(t, 200, body, func(r *http.Request, in []byte) {
		expectRequest(t, "GET", "/services/data/v62.0/sobjects/Whizbang__c/deleted/")(r, in)
		if q := r.URL.Query(); q.Get("start") != "2013-05-03T00:00:00Z" || q.Get("end") != "2013-05-09T00:00:00Z" {
			t.Errorf("query %v", q)
		}
	}))
	d, err := c.DeletedSince(ctx, "Whizbang__c", start, end)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.DeletedRecords) != 1 || d.DeletedRecords[0].ID != "a00D0000008pQRAIA2" ||
		!d.DeletedRecords[0].DeletedDate.Equal(time.Date(2013, 5, 7, 22, 7, 19, 0, time.UTC)) {
		t.Errorf("deleted = %+v", d.DeletedRecords)
	}
	if !d.EarliestDateAvailable.Equal(time.Date(2013, 5, 3, 15, 57, 0, 0, time.UTC)) ||
		!d.LatestDateCovered.Equal(time.Date(2013, 5, 8, 21, 20, 0, 0, time.UTC)) {
		t.Errorf("window %v %v", d.EarliestDateAvailable, d.LatestDateCovered)
	}
}

func fixtureUpdated(t *testing.T, body []byte) {
	c, _ := newTestClient(t, serveJSON(t, 200, body, expectRequest(t, "GET", "/services/data/v62.0/sobjects/Contact/updated/")))
	u, err := c.UpdatedSince(ctx, "Contact", time.Now().Add(-time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(u.IDs) != 7 || u.IDs[0] != "003q000000KvQ1tAAF" || u.IDs[6] != "003q000000KwYFaAAN" {
		t.Errorf("ids %v", u.IDs)
	}
	if !u.LatestDateCovered.Equal(time.Date(2015, 8, 19, 8, 17, 0, 0, time.UTC)) {
		t.Errorf("latest %v", u.LatestDateCovered)
	}
	for _, id := range u.IDs {
		if _, err := ParseID(string(id)); err != nil {
			t.Errorf("id %s: %v", id, err)
		}
	}
}

func fixturePicklist(t *testing.T, body []byte) {
	c, _ := newTestClient(t, serveJSON(t, 200, body,
		expectRequest(t, "GET", "/services/data/v62.0/ui-api/object-info/Account/picklist-values/012000000000000AAA/Type")))
	p, err := c.FieldPicklist(ctx, "Account", MasterRecordTypeID, "Type")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Values) != 7 || p.Values[1].Label != "Customer - Direct" || p.Values[6].Value != "Other" {
		t.Errorf("values %+v", p.Values)
	}
	if p.ETag != "8c7c1b7d2a22b6e10fe50bed9f0e9204" || p.DefaultValue != nil || p.Values[0].Attributes != nil {
		t.Errorf("picklist %+v", p)
	}
	if p.Value("Technology Partner") == nil || p.Value("Nope") != nil {
		t.Errorf("Value lookup wrong")
	}
}
