package emulator

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

type queryPageJSON struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`
}

func query(t *testing.T, ts *TestServer, soql string, headers ...string) queryPageJSON {
	t.Helper()
	r := call(t, ts, "GET", v+"/query?q="+url.QueryEscape(soql), nil, headers...)
	if r.status != 200 {
		t.Fatalf("query %q: %d %s", soql, r.status, r.body)
	}
	var p queryPageJSON
	r.json(t, &p)
	return p
}

var locatorURL = regexp.MustCompile(`^/services/data/v62\.0/query/01g[0-9A-Za-z]{15}-(\d+)$`)

func TestQueryPagingWithBatchSize(t *testing.T) {
	ts := startTest(t, nil)
	want := ts.Count("Task")
	page := query(t, ts, "SELECT Id, Subject FROM Task", "Sforce-Query-Options", "batchSize=700")
	if page.TotalSize != want || page.Done || len(page.Records) != 700 {
		t.Fatalf("first page: total %d (want %d) done %v records %d", page.TotalSize, want, page.Done, len(page.Records))
	}
	seen := map[string]bool{}
	pages := 1
	for {
		for _, r := range page.Records {
			id := r["Id"].(string)
			if seen[id] {
				t.Fatalf("record %s served twice", id)
			}
			seen[id] = true
		}
		if page.Done {
			if page.NextRecordsURL != "" {
				t.Errorf("done page has nextRecordsUrl %q", page.NextRecordsURL)
			}
			break
		}
		m := locatorURL.FindStringSubmatch(page.NextRecordsURL)
		if m == nil || m[1] != strconv.Itoa(len(seen)) {
			t.Fatalf("nextRecordsUrl %q after %d records", page.NextRecordsURL, len(seen))
		}
		// jsforce takes the last path segment as locator and rebuilds the URL.
		locator := page.NextRecordsURL[strings.LastIndex(page.NextRecordsURL, "/")+1:]
		r := call(t, ts, "GET", v+"/query/"+locator, nil)
		if r.status != 200 {
			t.Fatalf("query more: %d %s", r.status, r.body)
		}
		page = queryPageJSON{}
		r.json(t, &page)
		pages++
	}
	if len(seen) != want || pages != (want+699)/700 {
		t.Errorf("paged %d records in %d pages, want %d", len(seen), pages, want)
	}
	// Batch size is clamped to [200, 2000] and defaults to 2000.
	if p := query(t, ts, "SELECT Id FROM Task", "Sforce-Query-Options", "batchSize=10"); len(p.Records) != 200 {
		t.Errorf("batchSize=10 gave %d records", len(p.Records))
	}
	if p := query(t, ts, "SELECT Id FROM Task"); len(p.Records) != 2000 {
		t.Errorf("default batch gave %d records", len(p.Records))
	}
	wantError(t, call(t, ts, "GET", v+"/query/01gDm0000000000AAA-2000", nil), 400, "INVALID_QUERY_LOCATOR")
}

func TestQueryShapes(t *testing.T) {
	ts := startTest(t, nil)
	p := query(t, ts, "SELECT Name, Owner.Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'O\\'Brien & Sons Construction'")
	if p.TotalSize != 1 {
		t.Fatalf("apostrophe account: %+v", p)
	}
	rec := p.Records[0]
	owner := rec["Owner"].(map[string]any)
	if owner["Name"] != "Riley Parker" || owner["attributes"].(map[string]any)["type"] != "User" {
		t.Errorf("Owner = %v", owner)
	}
	kids := rec["Contacts"].(map[string]any)
	if kids["done"] != true || kids["totalSize"].(float64) < 1 {
		t.Errorf("Contacts = %v", kids)
	}
	// Booleans are never null, even ones the generator does not set.
	if n := query(t, ts, "SELECT COUNT() FROM Task WHERE IsArchived = false").TotalSize; n != ts.Count("Task") {
		t.Errorf("IsArchived = false matches %d of %d tasks", n, ts.Count("Task"))
	}
	// Aggregates come back as AggregateResult rows with expr0.
	p = query(t, ts, "SELECT StageName, COUNT(Id) FROM Opportunity GROUP BY StageName")
	if len(p.Records) < 5 || p.Records[0]["attributes"].(map[string]any)["type"] != "AggregateResult" || p.Records[0]["expr0"] == nil {
		t.Errorf("aggregate = %+v", p.Records[:1])
	}
	// The Salesforce CLI's login queries.
	p = query(t, ts, "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, FiscalYearStartMonth, DefaultCurrencyIsoCode FROM Organization")
	if p.TotalSize != 1 || p.Records[0]["FiscalYearStartMonth"] != 2.0 || p.Records[0]["DefaultCurrencyIsoCode"] != "USD" {
		t.Errorf("Organization = %+v", p.Records)
	}
	e := wantError(t, call(t, ts, "GET", v+"/query?q="+url.QueryEscape("SELECT Id FROM ScratchOrgInfo limit 1"), nil), 400, "INVALID_TYPE")
	if !strings.Contains(e["message"].(string), "sObject type 'ScratchOrgInfo' is not supported") ||
		!strings.Contains(e["message"].(string), "ERROR at Row:1:Column:16") {
		t.Errorf("INVALID_TYPE message %q", e["message"])
	}
	// sf org display user asks for the profile name.
	p = query(t, ts, "SELECT Name FROM Profile WHERE Id IN (SELECT ProfileId FROM User WHERE Username = '"+ts.Username+"')")
	if p.TotalSize != 1 || p.Records[0]["Name"] != "Standard User" {
		t.Errorf("rep's profile = %+v", p.Records)
	}
	// The CLI reads the User's Username.
	r := call(t, ts, "GET", "/services/data/v51.0/sobjects/User/"+ts.UserID(), nil)
	var user map[string]any
	r.json(t, &user)
	if user["Username"] != ts.Username {
		t.Errorf("User.Username = %v", user["Username"])
	}
}

func TestQueryColumnsForSalesforceCLI(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	r := call(t, ts, "GET", v+"/query?q="+url.QueryEscape("SELECT Id, Name, Owner.Name, Owner.Email, (SELECT LastName FROM Contacts), COUNT(Id) cnt FROM Account")+"&columns=true", nil)
	if r.status != 200 {
		t.Fatalf("columns: %d %s", r.status, r.body)
	}
	var got columnsResponse
	r.json(t, &got)
	if got.EntityName != "Account" || !got.IDSelected || got.KeyPrefix == nil || *got.KeyPrefix != "001" {
		t.Errorf("header = %+v", got)
	}
	names := []string{}
	for _, c := range got.ColumnMetadata {
		names = append(names, c.ColumnName)
	}
	if strings.Join(names, ",") != "Id,Name,Owner,Contacts,cnt" {
		t.Fatalf("columns = %v", names)
	}
	id, owner, contacts, cnt := got.ColumnMetadata[0], got.ColumnMetadata[2], got.ColumnMetadata[3], got.ColumnMetadata[4]
	if id.ApexType == nil || *id.ApexType != "Id" || id.JoinColumns == nil || id.Aggregate {
		t.Errorf("Id column = %+v", id)
	}
	if len(owner.JoinColumns) != 2 || owner.JoinColumns[0].DisplayName != "Owner.Name" || owner.JoinColumns[1].ColumnName != "Email" {
		t.Errorf("Owner column = %+v", owner)
	}
	if !contacts.Aggregate || len(contacts.JoinColumns) != 1 || contacts.JoinColumns[0].ColumnName != "LastName" {
		t.Errorf("Contacts column = %+v", contacts)
	}
	if !cnt.Aggregate || cnt.DisplayName != "COUNT(Id)" {
		t.Errorf("aggregate column = %+v", cnt)
	}
}

func TestSameSeedServesSameOrg(t *testing.T) {
	soql := url.QueryEscape("SELECT Id, Name, StageName, Amount, CloseDate, Owner.Name, Account.Name FROM Opportunity ORDER BY Id LIMIT 300")
	body := func(seed int64) string {
		ts := startTest(t, func(o *Options) { o.Seed = seed })
		r := call(t, ts, "GET", v+"/query?q="+soql, nil)
		if r.status != 200 {
			t.Fatalf("query: %d %s", r.status, r.body)
		}
		return string(r.body)
	}
	a, b, c := body(11), body(11), body(12)
	if a != b {
		t.Error("same seed served different opportunities")
	}
	if a == c {
		t.Error("different seeds served the same opportunities")
	}
}

func TestQueryLocatorAtAnyOffset(t *testing.T) {
	ts := startTest(t, nil)
	soql := "SELECT Id FROM Task ORDER BY Id"
	all := query(t, ts, soql) // first 2,000
	p := query(t, ts, soql, "Sforce-Query-Options", "batchSize=200")
	id := p.NextRecordsURL[strings.LastIndex(p.NextRecordsURL, "/")+1 : strings.LastIndex(p.NextRecordsURL, "-")]
	// A locator in the middle of a chunk spans two encoded chunks.
	r := call(t, ts, "GET", v+"/query/"+id+"-250", nil)
	var page queryPageJSON
	r.json(t, &page)
	if r.status != 200 || len(page.Records) != 200 || !strings.HasSuffix(page.NextRecordsURL, "-450") {
		t.Fatalf("offset 250: %d, %d records, next %q", r.status, len(page.Records), page.NextRecordsURL)
	}
	for i, rec := range page.Records {
		if rec["Id"] != all.Records[250+i]["Id"] {
			t.Fatalf("row %d = %v, want %v", 250+i, rec["Id"], all.Records[250+i]["Id"])
		}
	}
	// The end of the result is an empty, done page.
	r = call(t, ts, "GET", v+"/query/"+id+"-"+strconv.Itoa(p.TotalSize), nil)
	r.json(t, &page)
	if r.status != 200 || !page.Done || len(page.Records) != 0 {
		t.Errorf("offset at the end: %d %s", r.status, r.body)
	}
}
