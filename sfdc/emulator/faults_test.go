package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// noRetryClient never reuses connections, so Go's transport does not
// silently retry a request whose connection was dropped.
func noRetryClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
}

// try sends GET path with the rep's token and returns status and body, or
// the transport error.
func try(ts *TestServer, method, path, body string) (int, string, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, ts.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+ts.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := noRetryClient().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), err
}

func admin(t *testing.T, ts *TestServer, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+"/__emulator/faults", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := noRetryClient().Do(req)
	if err != nil {
		t.Fatalf("admin: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestOutageOverAdminEndpoint(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	if st := admin(t, ts, "wrong", `{"outage":true}`); st != 401 {
		t.Fatalf("wrong admin token: %d", st)
	}
	if st := admin(t, ts, ts.AdminToken, `{"outage":true}`); st != 200 {
		t.Fatalf("set outage: %d", st)
	}
	for _, p := range []string{v + "/limits", "/services/data/", "/services/oauth2/userinfo"} {
		if _, _, err := try(ts, "GET", p, ""); err == nil {
			t.Errorf("GET %s succeeded during outage", p)
		}
	}
	if st := admin(t, ts, ts.AdminToken, `{"outage":false}`); st != 200 {
		t.Fatalf("clear outage: %d", st)
	}
	if st, _, err := try(ts, "GET", v+"/limits", ""); err != nil || st != 200 {
		t.Fatalf("after outage: %d %v", st, err)
	}
	if st := admin(t, ts, ts.AdminToken, `{"outrage":true}`); st != 400 {
		t.Errorf("unknown admin field accepted: %d", st)
	}
}

func TestCountLimitedFaults(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	ts.SetFaults(Faults{Status5xx: 503, Times: 2})
	for i := 0; i < 2; i++ {
		st, body, err := try(ts, "GET", v+"/limits", "")
		if err != nil || st != 503 || !strings.Contains(body, `"errorCode":"SERVER_UNAVAILABLE"`) {
			t.Fatalf("request %d: %d %s %v", i, st, body, err)
		}
	}
	if st, _, _ := try(ts, "GET", v+"/limits", ""); st != 200 {
		t.Fatalf("third request: %d", st)
	}
	if f := ts.Faults(); f.Status5xx != 0 {
		t.Errorf("faults still armed: %+v", f)
	}

	ts.SetFaults(Faults{RequestLimitExceeded: true, Times: 1})
	if st, body, _ := try(ts, "GET", v+"/limits", ""); st != 403 || !strings.Contains(body, "REQUEST_LIMIT_EXCEEDED") {
		t.Errorf("limit fault: %d %s", st, body)
	}
	if st, _, _ := try(ts, "GET", v+"/limits", ""); st != 200 {
		t.Errorf("after limit fault: %d", st)
	}

	// Row locks hit writes only; reads do not use up the count.
	ts.SetFaults(Faults{RowLock: true, Times: 1})
	if st, _, _ := try(ts, "GET", v+"/limits", ""); st != 200 {
		t.Errorf("read under row lock: %d", st)
	}
	st, body, _ := try(ts, "POST", v+"/sobjects/Account", `{"Name":"Locked"}`)
	if st != 400 || !strings.Contains(body, "UNABLE_TO_LOCK_ROW") {
		t.Errorf("write under row lock: %d %s", st, body)
	}
	if st, _, _ := try(ts, "POST", v+"/sobjects/Account", `{"Name":"Locked"}`); st != 201 {
		t.Errorf("write after row lock: %d", st)
	}

	ts.SetFaults(Faults{DropConnections: true, Times: 1})
	if _, _, err := try(ts, "GET", v+"/limits", ""); err == nil {
		t.Error("dropped connection returned a response")
	}
	if st, _, err := try(ts, "GET", v+"/limits", ""); err != nil || st != 200 {
		t.Errorf("after drop: %d %v", st, err)
	}
}

func TestTruncatedBodiesAndLatency(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	ts.SetFaults(Faults{TruncateBodies: true, Times: 1})
	_, _, err := try(ts, "GET", v+"/sobjects", "")
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body: err = %v", err)
	}
	ts.SetFaults(Faults{Latency: 80 * time.Millisecond})
	start := time.Now()
	if st, _, _ := try(ts, "GET", v+"/limits", ""); st != 200 || time.Since(start) < 80*time.Millisecond {
		t.Errorf("latency: %d after %v", st, time.Since(start))
	}
	ts.SetFaults(Faults{})
}

func TestFaultRate(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	ts.SetFaults(Faults{Status5xx: 500, Rate: 0.5})
	failed := 0
	for i := 0; i < 40; i++ {
		if st, _, _ := try(ts, "GET", v+"/limits", ""); st == 500 {
			failed++
		}
	}
	if failed < 8 || failed > 32 {
		t.Errorf("rate 0.5 failed %d of 40", failed)
	}
}

func TestExpiredSessionsRefresh(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	if st := admin(t, ts, ts.AdminToken, `{"expire_sessions":true}`); st != 200 {
		t.Fatal(st)
	}
	st, body, _ := try(ts, "GET", v+"/limits", "")
	if st != 401 || !strings.Contains(body, "INVALID_SESSION_ID") {
		t.Fatalf("expired session: %d %s", st, body)
	}
	wantRefreshWorks(t, ts, "after expiry")
}

// wantRefreshWorks refreshes ts's refresh token and checks that the new
// access token is accepted; when says after what, for failures.
func wantRefreshWorks(t *testing.T, ts *TestServer, when string) {
	t.Helper()
	resp, err := http.PostForm(ts.URL+"/services/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}})
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	if err := decodeJSON(resp, &tok); err != nil || resp.StatusCode != 200 {
		t.Fatalf("refresh %s: %d %v", when, resp.StatusCode, err)
	}
	if r := callWith(t, ts, tok["access_token"].(string), "GET", v+"/limits", nil); r.status != 200 {
		t.Errorf("refreshed token %s: %d", when, r.status)
	}
}

func TestFaultMatchAndSkip(t *testing.T) {
	ts := startTest(t, nil)
	// Fail the second continuation page of a query, once.
	ts.SetFaults(Faults{Status5xx: 503, Match: "/query/", Skip: 1, Times: 1})
	first := query(t, ts, "SELECT Id FROM Task", "Sforce-Query-Options", "batchSize=1000")
	next := first.NextRecordsURL
	var pages []int
	for i := 0; i < 3 && next != ""; i++ {
		st, body, err := try(ts, "GET", next, "")
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, st)
		if st == 200 {
			var p queryPageJSON
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatal(err)
			}
			next = p.NextRecordsURL
		}
	}
	if len(pages) != 3 || pages[0] != 200 || pages[1] != 503 || pages[2] != 200 {
		t.Errorf("continuation statuses = %v, want [200 503 200]", pages)
	}
	// Admin endpoint accepts match and skip.
	if st := admin(t, ts, ts.AdminToken, `{"outage":true,"match":"/sobjects/"}`); st != 200 {
		t.Fatal(st)
	}
	if _, _, err := try(ts, "GET", v+"/sobjects/Account/describe", ""); err == nil {
		t.Error("matched request survived the outage")
	}
	if st, _, err := try(ts, "GET", v+"/limits", ""); err != nil || st != 200 {
		t.Errorf("unmatched request during outage: %d %v", st, err)
	}
}

func TestSessionTimeout(t *testing.T) {
	c := &clock{t: testNow}
	ts := startTest(t, func(o *Options) { o.Empty, o.Now, o.SessionTimeout = true, c.now, 2*time.Hour })
	if r := call(t, ts, "GET", v+"/limits", nil); r.status != 200 {
		t.Fatalf("fresh token: %d", r.status)
	}
	c.t = testNow.Add(3 * time.Hour)
	wantError(t, call(t, ts, "GET", v+"/limits", nil), 401, "INVALID_SESSION_ID")
	wantRefreshWorks(t, ts, "after a session timeout")
}
