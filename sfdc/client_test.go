package sfdc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

const invalidSession = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

func TestNewClientPicksNewestVersion(t *testing.T) {
	var gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/services/data/":
			writeJSON(w, 200, `[{"label":"Winter '26","url":"/services/data/v65.0","version":"65.0"},
				{"label":"Summer '26","url":"/services/data/v67.0","version":"67.0"},
				{"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"}]`)
		default:
			gotPath = r.URL.Path
			writeJSON(w, 200, `{"DailyApiRequests":{"Max":5,"Remaining":4}}`)
		}
	}))
	defer srv.Close()
	c, err := NewClient(ctx, srv.URL+"/", StaticToken("t"), Options{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if c.APIVersion() != "67.0" {
		t.Errorf("APIVersion = %q, want 67.0", c.APIVersion())
	}
	if _, err := c.OrgLimits(ctx); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/services/data/v67.0/limits" {
		t.Errorf("path = %q", gotPath)
	}

	pinned, err := NewClient(ctx, srv.URL, StaticToken("t"), Options{APIVersion: "v60.0", HTTPClient: srv.Client()})
	if err != nil || pinned.APIVersion() != "60.0" || pinned.APICalls() != 0 {
		t.Errorf("pinned client: %v %q calls %d", err, pinned.APIVersion(), pinned.APICalls())
	}
	if _, err := NewClient(ctx, "not a url", StaticToken("t"), Options{}); err == nil {
		t.Error("invalid instance URL accepted")
	}
}

// authServer is an org whose data endpoint accepts only the token it
// last issued; its token endpoint issues "tok-N" for refresh token "rt"
// unless refreshFails.
type authServer struct {
	mu           sync.Mutex
	valid        string
	issued       int
	refreshes    atomic.Int32
	dataCalls    atomic.Int32
	refreshFails bool
	alwaysReject bool
	authHeaders  []string
}

func (a *authServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/services/oauth2/token" {
		a.refreshes.Add(1)
		r.ParseForm()
		if a.refreshFails || r.Form.Get("refresh_token") != "rt" {
			writeJSON(w, 400, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`)
			return
		}
		a.mu.Lock()
		a.issued++
		a.valid = "tok-" + strconv.Itoa(a.issued)
		tok := a.valid
		a.mu.Unlock()
		writeJSON(w, 200, `{"access_token":"`+tok+`","instance_url":"http://x","token_type":"Bearer","issued_at":"1468448630767"}`)
		return
	}
	a.dataCalls.Add(1)
	a.mu.Lock()
	a.authHeaders = append(a.authHeaders, r.Header.Get("Authorization"))
	ok := r.Header.Get("Authorization") == "Bearer "+a.valid && !a.alwaysReject
	a.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, 401, invalidSession)
		return
	}
	writeJSON(w, 200, `{"totalSize":0,"done":true,"records":[]}`)
}

func newAuthClient(t *testing.T, a *authServer) *Client {
	t.Helper()
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	a.valid = "tok-0"
	ts := NewOAuthTokenSource(OAuthConfig{ClientID: "cid", TokenURL: TokenURL(srv.URL), HTTPClient: srv.Client()},
		&oauth2.Token{AccessToken: "expired", RefreshToken: "rt"})
	c, err := NewClient(ctx, srv.URL, ts, Options{APIVersion: "62.0", HTTPClient: srv.Client(), Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRefreshOnceOn401ThenRetry(t *testing.T) {
	a := &authServer{}
	c := newAuthClient(t, a)
	if _, err := c.Query(ctx, "SELECT Id FROM Account"); err != nil {
		t.Fatalf("query after refresh: %v", err)
	}
	if a.refreshes.Load() != 1 || a.dataCalls.Load() != 2 {
		t.Errorf("refreshes %d data calls %d, want 1 and 2", a.refreshes.Load(), a.dataCalls.Load())
	}
	if a.authHeaders[0] != "Bearer expired" || a.authHeaders[1] != "Bearer tok-1" {
		t.Errorf("auth headers %v", a.authHeaders)
	}
	// The new token sticks: no further refresh.
	if _, err := c.Query(ctx, "SELECT Id FROM Account"); err != nil {
		t.Fatal(err)
	}
	if a.refreshes.Load() != 1 {
		t.Errorf("refreshed again")
	}
}

func TestRefreshFailureIsSessionExpired(t *testing.T) {
	a := &authServer{refreshFails: true}
	c := newAuthClient(t, a)
	_, err := c.Query(ctx, "SELECT Id FROM Account")
	if !IsSessionExpired(err) {
		t.Fatalf("IsSessionExpired(%v) = false", err)
	}
	var se *SessionExpiredError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "log in again") {
		t.Errorf("error %T %q", err, err)
	}
	if a.refreshes.Load() != 1 || a.dataCalls.Load() != 1 {
		t.Errorf("refreshes %d data calls %d, want 1 and 1", a.refreshes.Load(), a.dataCalls.Load())
	}
}

func TestSecond401DoesNotLoop(t *testing.T) {
	a := &authServer{alwaysReject: true}
	c := newAuthClient(t, a)
	err := c.Delete(ctx, "Account", "001B000001Lp1G2IAJ")
	if !IsSessionExpired(err) {
		t.Fatalf("IsSessionExpired(%v) = false", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != CodeInvalidSession {
		t.Errorf("underlying API error = %+v", ae)
	}
	if a.refreshes.Load() != 1 || a.dataCalls.Load() != 2 {
		t.Errorf("refreshes %d data calls %d, want 1 and 2", a.refreshes.Load(), a.dataCalls.Load())
	}
}

func TestConcurrent401sRefreshOnce(t *testing.T) {
	a := &authServer{}
	c := newAuthClient(t, a)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Query(ctx, "SELECT Id FROM Account")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := a.refreshes.Load(); n != 1 {
		t.Errorf("%d refreshes for concurrent 401s, want 1", n)
	}
}

// failingThen fails the first n requests with status/body, then succeeds.
func failingThen(n int, status int, body string, calls *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(calls.Add(1)) <= n {
			writeJSON(w, status, body)
			return
		}
		if r.Method == http.MethodPatch || r.Method == http.MethodDelete {
			w.WriteHeader(204)
			return
		}
		writeJSON(w, 200, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Name":"ok"}]}`)
	})
}

const rowLock = `[{"message":"unable to obtain exclusive access to this record or 1 records: 001B000001Lp1G2IAJ","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`

func TestRetryRowLockEvenForPatch(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, failingThen(2, 400, rowLock, &calls))
	if err := c.Update(ctx, "Account", "001B000001Lp1G2IAJ", map[string]any{"Name": "x"}, UpdateOptions{}); err != nil {
		t.Fatalf("update after row locks: %v", err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 3", calls.Load())
	}
}

func TestTraceSeesEveryAttempt(t *testing.T) {
	var calls atomic.Int32
	var mu sync.Mutex
	var traces []Trace
	srv := httptest.NewServer(failingThen(1, 400, rowLock, &calls))
	defer srv.Close()
	c, err := NewClient(ctx, srv.URL, StaticToken("t"), Options{APIVersion: "62.0", HTTPClient: srv.Client(), Retry: fastRetry,
		Trace: func(tr Trace) { mu.Lock(); traces = append(traces, tr); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "Account", "001B000001Lp1G2IAJ"); err != nil {
		t.Fatal(err)
	}
	if len(traces) != 2 || traces[0].Status != 400 || traces[0].Attempt != 1 || traces[1].Status != 204 || traces[1].Attempt != 2 ||
		traces[1].Method != "DELETE" || traces[1].Path != "/services/data/v62.0/sobjects/Account/001B000001Lp1G2IAJ" {
		t.Errorf("traces %+v", traces)
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, failingThen(100, 400, rowLock, &calls))
	err := c.Update(ctx, "Account", "001B000001Lp1G2IAJ", map[string]any{"Name": "x"}, UpdateOptions{})
	if !IsRowLock(err) {
		t.Fatalf("IsRowLock(%v) = false", err)
	}
	if calls.Load() != int32(fastRetry.MaxAttempts) {
		t.Errorf("%d calls, want %d", calls.Load(), fastRetry.MaxAttempts)
	}
}

func TestRetry503OnlyForIdempotent(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, failingThen(2, 503, `<html>Service Unavailable</html>`, &calls))
	res, err := c.Query(ctx, "SELECT Name FROM Account")
	if err != nil {
		t.Fatalf("GET after 503s: %v", err)
	}
	if res.Records[0].String("Name") != "ok" || calls.Load() != 3 {
		t.Errorf("calls %d", calls.Load())
	}

	calls.Store(0)
	_, err = c.Create(ctx, "Account", map[string]any{"Name": "x"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 503 || ae.Message != "<html>Service Unavailable</html>" {
		t.Errorf("POST error = %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("POST retried: %d calls", calls.Load())
	}
}

// dropFirst closes the connection without a response for the first n requests.
func dropFirst(t *testing.T, n int, calls *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(calls.Add(1)) <= n {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			return
		}
		writeJSON(w, 201, `{"totalSize":0,"done":true,"records":[],"id":"001B000001Lp1G2IAJ","success":true,"errors":[]}`)
	})
}

func TestRetryDroppedConnectionOnlyForIdempotent(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, dropFirst(t, 1, &calls))
	if _, err := c.Query(ctx, "SELECT Id FROM Account"); err != nil {
		t.Fatalf("GET after a dropped connection: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2", calls.Load())
	}

	calls.Store(0)
	_, err := c.Create(ctx, "Account", map[string]any{"Name": "x"})
	if err == nil {
		t.Fatal("POST over a dropped connection succeeded")
	}
	if calls.Load() != 1 {
		t.Errorf("POST retried after a dropped connection: %d calls", calls.Load())
	}
}

func TestRequestLimitExceededIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Sforce-Limit-Info", "api-usage=15000/15000")
		writeJSON(w, 403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
	}))
	_, err := c.Query(ctx, "SELECT Id FROM Account")
	if !IsLimitExceeded(err) {
		t.Fatalf("IsLimitExceeded(%v) = false", err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls, want 1", calls.Load())
	}
	msg := err.Error()
	if !strings.Contains(msg, "daily API request limit is used up") || !strings.Contains(msg, "15000 of 15000") {
		t.Errorf("message %q does not explain the limit", msg)
	}
	if u := c.Limits(); u.Used != 15000 || u.Max != 15000 || !u.Known {
		t.Errorf("Limits() = %+v", u)
	}
}

func TestUpdateConflict412(t *testing.T) {
	since := time.Date(2026, 11, 20, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	var header string
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = r.Header.Get("If-Unmodified-Since")
		if header != "" {
			writeJSON(w, 412, `[{"message":"The requested resource has been modified since the given date.","errorCode":"PRECONDITION_FAILED"}]`)
			return
		}
		w.WriteHeader(204)
	}))
	err := c.Update(ctx, "Opportunity", "006B0000002SiedIAC", map[string]any{"StageName": "Closed Won"}, UpdateOptions{IfUnmodifiedSince: since})
	if header != "Fri, 20 Nov 2026 08:30:00 GMT" {
		t.Errorf("If-Unmodified-Since = %q", header)
	}
	var ce *ConflictError
	if !errors.As(err, &ce) || !IsConflict(err) {
		t.Fatalf("error %T %v is not a conflict", err, err)
	}
	if ce.SObject != "Opportunity" || ce.ID != "006B0000002SiedIAC" || !ce.Since.Equal(since) || ce.API.Status != 412 {
		t.Errorf("conflict = %+v", ce)
	}
	if msg := err.Error(); !strings.Contains(msg, "Opportunity 006B0000002SiedIAC was modified on the server after 2026-11-20T08:30:00Z") {
		t.Errorf("conflict message %q", msg)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "PRECONDITION_FAILED" {
		t.Errorf("conflict does not unwrap to the API error: %v", ae)
	}
	if err := c.Update(ctx, "Opportunity", "006B0000002SiedIAC", map[string]any{"StageName": "Closed Won"}, UpdateOptions{}); err != nil || header != "" {
		t.Errorf("unconditional update: %v, header %q", err, header)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(failingThen(100, 503, "down", &calls))
	defer srv.Close()
	c, err := NewClient(ctx, srv.URL, StaticToken("t"), Options{APIVersion: "62.0", HTTPClient: srv.Client(),
		Retry: RetryPolicy{MaxAttempts: 10, BaseDelay: time.Hour, MaxDelay: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Query(cctx, "SELECT Id FROM Account")
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("err %v after %v", err, time.Since(start))
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls", calls.Load())
	}
}

func TestRetryDelayIsCappedAndJittered(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 1; n <= 10; n++ {
		full := min(100*time.Millisecond<<(n-1), time.Second)
		for range 20 {
			d := p.delay(n)
			if d < full/2 || d > full {
				t.Fatalf("delay(%d) = %v, want in [%v, %v]", n, d, full/2, full)
			}
		}
	}
	if (RetryPolicy{}).attempts() != 4 {
		t.Errorf("default attempts")
	}
}

func TestOAuthTokenSourceRefreshesWhenOnlyRefreshTokenStored(t *testing.T) {
	a := &authServer{}
	srv := httptest.NewServer(a)
	defer srv.Close()
	ts := NewOAuthTokenSource(OAuthConfig{ClientID: "cid", TokenURL: TokenURL(srv.URL), HTTPClient: srv.Client()}, &oauth2.Token{RefreshToken: "rt"})
	c, err := NewClient(ctx, srv.URL, ts, Options{APIVersion: "62.0", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(ctx, "SELECT Id FROM Account"); err != nil {
		t.Fatal(err)
	}
	if a.refreshes.Load() != 1 || a.dataCalls.Load() != 1 || a.authHeaders[0] != "Bearer tok-1" {
		t.Errorf("refreshes %d data calls %d headers %v", a.refreshes.Load(), a.dataCalls.Load(), a.authHeaders)
	}
	empty := NewOAuthTokenSource(OAuthConfig{TokenURL: TokenURL(srv.URL)}, nil)
	if _, err := empty.Token(ctx); !IsSessionExpired(err) {
		t.Errorf("token without credentials: %v", err)
	}
}

func TestCallGenericResource(t *testing.T) {
	c, _ := newTestClient(t, serveJSON(t, 200, []byte(`{"searchRecords":[{"attributes":{"type":"Account"},"Id":"001B000001PUvQUIA1"}]}`), func(r *http.Request, _ []byte) {
		if r.URL.Path != "/services/data/v62.0/search" || r.URL.Query().Get("q") != "FIND {Acme}" {
			t.Errorf("request %s", r.URL)
		}
	}))
	var out struct{ SearchRecords []*Record }
	status, err := c.Call(ctx, "GET", c.DataPath("search"), map[string][]string{"q": {"FIND {Acme}"}}, nil, &out)
	if err != nil || status != 200 || len(out.SearchRecords) != 1 || out.SearchRecords[0].ID() != "001B000001PUvQUIA1" {
		t.Errorf("Call = %d %v %+v", status, err, out)
	}
	if _, err := c.Call(ctx, "GET", "services/data", nil, nil, nil); err == nil {
		t.Error("relative path accepted")
	}
}

func TestUserInfo403BadOAuthTokenRefreshes(t *testing.T) {
	a := &authServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/oauth2/userinfo" {
			a.dataCalls.Add(1)
			a.mu.Lock()
			ok := r.Header.Get("Authorization") == "Bearer "+a.valid
			a.mu.Unlock()
			if !ok {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(403)
				w.Write([]byte("Bad_OAuth_Token"))
				return
			}
			writeJSON(w, 200, `{"user_id":"005B0000008UC2PIAW","organization_id":"00DB0000000TEST"}`)
			return
		}
		a.ServeHTTP(w, r)
	}))
	defer srv.Close()
	a.valid = "tok-0"
	ts := NewOAuthTokenSource(OAuthConfig{ClientID: "cid", TokenURL: TokenURL(srv.URL), HTTPClient: srv.Client()}, &oauth2.Token{AccessToken: "expired", RefreshToken: "rt"})
	c, err := NewClient(ctx, srv.URL, ts, Options{APIVersion: "62.0", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.UserInfo(ctx)
	if err != nil || id.UserID != "005B0000008UC2PIAW" {
		t.Fatalf("userinfo after 403: %+v %v", id, err)
	}
	if a.refreshes.Load() != 1 || a.dataCalls.Load() != 2 {
		t.Errorf("refreshes %d calls %d", a.refreshes.Load(), a.dataCalls.Load())
	}
	// A 403 on the data API is a permission problem, not an expired token.
	a.refreshes.Store(0)
	c2, _ := newTestClient(t, serveJSON(t, 403, []byte(`[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}]`), nil))
	if err := c2.Delete(ctx, "Account", "001B000001Lp1G2IAJ"); IsSessionExpired(err) || !hasCode(err, "INSUFFICIENT_ACCESS_OR_READONLY") {
		t.Errorf("data 403: %v", err)
	}
}

func TestMalformedTokenIsReportedNotSent(t *testing.T) {
	for name, tc := range map[string]struct {
		tok, why string
	}{
		"CR LF":  {"00Dx0000000SECRET!tok\r\nX-Evil: 1", "control characters"},
		"escape": {"00Dx0000000SECRET!\x1b[2Jtok", "control characters"},
		"NUL":    {"00Dx0000000SECRET!\x00tok", "control characters"},
		"C1":     {"00Dx0000000SECRET!\u0085tok", "control characters"},
		"tab":    {"00Dx0000000SECRET!\ttok", "control characters"},
		"DEL":    {"00Dx0000000SECRET!\x7ftok", "control characters"},
	} {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			c, _ := newTestClientTokens(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				writeJSON(w, 200, `{}`)
			}), StaticToken(tc.tok))
			_, err := c.OrgLimits(ctx)
			var mt *MalformedTokenError
			if !errors.As(err, &mt) {
				t.Fatalf("err = %v, want a *MalformedTokenError", err)
			}
			msg := err.Error()
			for _, want := range []string{"access token is malformed", tc.why, "lazyforce login"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			if strings.Contains(msg, "SECRET") || strings.Contains(msg, "header") {
				t.Errorf("error %q prints the token or the transport's complaint", msg)
			}
			if n := calls.Load(); n != 0 {
				t.Errorf("the server got %d requests with a malformed token", n)
			}
		})
	}
}
