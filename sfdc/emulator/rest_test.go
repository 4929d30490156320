package emulator

import (
	"strings"
	"testing"
)

func TestVersionsNeedNoAuthAndCarryNoLimitHeader(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	r := callWith(t, ts, "", "GET", "/services/data/", nil)
	if r.status != 200 || r.header.Get("Sforce-Limit-Info") != "" {
		t.Fatalf("versions: %d limit header %q", r.status, r.header.Get("Sforce-Limit-Info"))
	}
	var versions []map[string]string
	r.json(t, &versions)
	last := versions[len(versions)-1]
	if versions[0]["version"] != "20.0" || last["version"] != "66.0" || last["url"] != "/services/data/v66.0" {
		t.Fatalf("versions from %v to %v", versions[0], last)
	}
	for _, want := range []map[string]string{{"version": "65.0", "label": "Winter '26"}, {"version": "51.0", "label": "Spring '21"}} {
		found := false
		for _, got := range versions {
			found = found || got["version"] == want["version"] && got["label"] == want["label"]
		}
		if !found {
			t.Errorf("no version %v", want)
		}
	}
	if ts.APICalls() != 0 {
		t.Errorf("versions list counted as API call")
	}
}

func TestResourcesLimitsAndDoubleSlash(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true; o.DailyAPILimit = 3 })
	r := call(t, ts, "GET", "//services/data/v51.0/", nil)
	if r.status != 200 || r.header.Get("Sforce-Limit-Info") != "api-usage=1/3" {
		t.Fatalf("resources: %d %q %s", r.status, r.header.Get("Sforce-Limit-Info"), r.body)
	}
	var res map[string]string
	r.json(t, &res)
	if res["query"] != "/services/data/v51.0/query" || res["sobjects"] != "/services/data/v51.0/sobjects" ||
		res["identity"] != ts.URL+"/id/"+ts.OrgID()+"/"+ts.UserID() {
		t.Errorf("resources = %v", res)
	}
	r = call(t, ts, "GET", v+"/limits", nil)
	var limits map[string]map[string]int
	r.json(t, &limits)
	if got := limits["DailyApiRequests"]; got["Max"] != 3 || got["Remaining"] != 1 {
		t.Errorf("DailyApiRequests = %v after 2 calls", got)
	}
	var want map[string]any
	fixture(t, "limits.json", &want)
	for k := range want {
		if _, ok := limits[k]; !ok {
			t.Errorf("limits lacks %s", k)
		}
	}
	call(t, ts, "GET", v+"/limits", nil)
	wantError(t, call(t, ts, "GET", v+"/limits", nil), 403, "REQUEST_LIMIT_EXCEEDED")
	if ts.APICalls() != 3 {
		t.Errorf("APICalls = %d, want 3", ts.APICalls())
	}
}

func TestErrorsMatchRecordedSalesforceBodies(t *testing.T) {
	ts := startTest(t, nil)
	var rec struct {
		Cases []struct {
			Case            string           `json:"case"`
			Status          int              `json:"status"`
			WWWAuthenticate *string          `json:"wwwAuthenticate"`
			Body            []map[string]any `json:"body"`
		} `json:"cases"`
	}
	fixture(t, "errors-rest.json", &rec)
	recorded := map[string]map[string]any{}
	statuses := map[string]int{}
	for _, c := range rec.Cases {
		recorded[c.Case] = c.Body[0]
		statuses[c.Case] = c.Status
	}
	acct := firstID(t, ts, "Account")
	if r := call(t, ts, "DELETE", v+"/sobjects/Account/"+acct, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	cases := map[string]response{
		"create-invalid-token":   callWith(t, ts, "00Dbogus!x", "POST", v+"/sobjects/Account", map[string]any{"Name": "Global Media"}),
		"query-malformed-soql":   call(t, ts, "GET", v+"/query?q=SELEKT+Name+FROM+Account", nil),
		"query-unknown-column":   call(t, ts, "GET", v+"/query?q=SELECT+Bacon__c+FROM+Account+LIMIT+2", nil),
		"create-invalid-field":   call(t, ts, "POST", v+"/sobjects/Account", map[string]any{"Name": "x", "FavoritePet__c": "Dog"}),
		"create-unknown-object":  call(t, ts, "POST", v+"/sobjects/PlayingCard__c", map[string]any{"Name": "x"}),
		"delete-already-deleted": call(t, ts, "DELETE", v+"/sobjects/Account/"+acct, nil),
		"get-record-not-found":   call(t, ts, "GET", v+"/sobjects/Account/0014S000007Ny26QAC", nil),
		"update-malformed-id":    call(t, ts, "PATCH", v+"/sobjects/Account/001B000000FSjVUIB1", map[string]any{"Name": "x"}),
	}
	for name, got := range cases {
		t.Run(name, func(t *testing.T) {
			want := recorded[name]
			e := wantError(t, got, statuses[name], want["errorCode"].(string))
			if name == "create-invalid-token" && got.header.Get("WWW-Authenticate") != "Token" {
				t.Errorf("WWW-Authenticate = %q", got.header.Get("WWW-Authenticate"))
			}
			// Same keys as the recording ("fields" present exactly when Salesforce sends it).
			if gk, wk := strings.Join(sortedKeys(e), ","), strings.Join(sortedKeys(want), ","); gk != wk {
				t.Errorf("keys %s, want %s (%s)", gk, wk, got.body)
			}
			switch name {
			case "create-invalid-token", "create-unknown-object", "delete-already-deleted", "get-record-not-found", "query-malformed-soql":
				if e["message"] != want["message"] {
					t.Errorf("message %q, want %q", e["message"], want["message"])
				}
			case "query-unknown-column", "create-invalid-field":
				if e["message"] != want["message"] {
					t.Errorf("message %q\nwant %q", e["message"], want["message"])
				}
			case "update-malformed-id":
				if e["message"] != "Record ID: id value of incorrect type: 001B000000FSjVUIB1" {
					t.Errorf("message %q", e["message"])
				}
			}
		})
	}
}

// firstID returns the id of the first live record of object.
func firstID(t *testing.T, ts *TestServer, object string) string {
	t.Helper()
	for _, rec := range ts.org.snapshot(object) {
		if rec["IsDeleted"] != true {
			return rec["Id"].(string)
		}
	}
	t.Fatalf("no %s records", object)
	return ""
}

func TestAPIVersionRange(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true; o.APIVersion = "62.0" })
	for path, want := range map[string]int{
		"/services/data/v20.0/limits": 200, "/services/data/v62.0/limits": 200,
		"/services/data/v63.0/limits": 404, "/services/data/v19.0/limits": 404, "/services/data/latest/limits": 404,
		"/services/data/v62.0/nothing": 404, "/elsewhere": 404,
	} {
		if r := call(t, ts, "GET", path, nil); r.status != want {
			t.Errorf("GET %s = %d, want %d", path, r.status, want)
		} else if want == 404 {
			wantError(t, r, 404, "NOT_FOUND")
		}
	}
	wantError(t, call(t, ts, "PUT", v+"/sobjects/Account", map[string]any{}), 405, "METHOD_NOT_ALLOWED")
}
