package emulator

import (
	"net/url"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	ts := startTest(t, nil)
	var out struct {
		SearchRecords []map[string]any `json:"searchRecords"`
	}
	sosl := "FIND {O'Brien} IN ALL FIELDS RETURNING Account(Id, Name WHERE Name != null LIMIT 5), Contact(Id)"
	r := call(t, ts, "GET", v+"/search?q="+url.QueryEscape(sosl), nil)
	if r.status != 200 {
		t.Fatalf("search: %d %s", r.status, r.body)
	}
	r.json(t, &out)
	accounts := 0
	for _, rec := range out.SearchRecords {
		typ := rec["attributes"].(map[string]any)["type"]
		if typ == "Account" {
			accounts++
			if !strings.Contains(rec["Name"].(string), "O'Brien") {
				t.Errorf("unrelated account %v", rec["Name"])
			}
		} else if typ != "Contact" {
			t.Errorf("unexpected type %v", typ)
		}
	}
	if accounts != 1 {
		t.Errorf("found %d O'Brien accounts: %s", accounts, r.body)
	}
	// Prefix wildcard, name scope, default objects.
	call(t, ts, "GET", v+"/search?q="+url.QueryEscape("FIND {Oliv*} IN NAME FIELDS"), nil).json(t, &out)
	if len(out.SearchRecords) == 0 {
		t.Errorf("wildcard search found nothing")
	}
	wantError(t, call(t, ts, "GET", v+"/search?q="+url.QueryEscape("FIND Acme"), nil), 400, "MALFORMED_SEARCH")
	wantError(t, call(t, ts, "GET", v+"/search?q="+url.QueryEscape("FIND {Acme} RETURNING Nope__c"), nil), 400, "INVALID_TYPE")

	call(t, ts, "GET", v+"/parameterizedSearch?q=Brien&sobject=Account&Account.fields=Id,Name&Account.limit=3", nil).json(t, &out)
	if len(out.SearchRecords) != 1 || out.SearchRecords[0]["Name"] != "O'Brien & Sons Construction" {
		t.Errorf("parameterizedSearch = %v", out.SearchRecords)
	}
}

func TestSingleAccess(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	var out map[string]string
	call(t, ts, "GET", "/services/oauth2/singleaccess", nil).json(t, &out)
	if !strings.HasPrefix(out["frontdoor_uri"], ts.URL+"/secur/frontdoor.jsp?otp=") {
		t.Fatalf("frontdoor = %v", out)
	}
	if r := callWith(t, ts, "", "GET", strings.TrimPrefix(out["frontdoor_uri"], ts.URL), nil); r.status != 200 {
		t.Errorf("frontdoor page: %d", r.status)
	}
}
