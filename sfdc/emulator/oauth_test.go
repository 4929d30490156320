package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func oauthConfig(ts *TestServer) *oauth2.Config {
	return &oauth2.Config{
		ClientID:    "lazyforce-test",
		RedirectURL: "http://127.0.0.1:1717/callback",
		Endpoint: oauth2.Endpoint{
			AuthURL:       ts.URL + "/services/oauth2/authorize",
			TokenURL:      ts.URL + "/services/oauth2/token",
			DeviceAuthURL: ts.URL + "/services/oauth2/token",
			AuthStyle:     oauth2.AuthStyleInParams,
		},
		Scopes: []string{"api", "refresh_token"},
	}
}

// authorize follows the auto-approving authorize endpoint without
// following the redirect and returns the redirect's query.
func authorize(t *testing.T, authURL string) url.Values {
	t.Helper()
	status, loc := redirectOf(t, authURL)
	if status != http.StatusFound {
		t.Fatalf("authorize status = %d", status)
	}
	if !strings.HasPrefix(loc.String(), "http://127.0.0.1:1717/callback?") {
		t.Fatalf("redirected to %s", loc)
	}
	return loc.Query()
}

// pkceCode authorizes with the PKCE challenge of verifier and returns the
// code.
func pkceCode(t *testing.T, cfg *oauth2.Config, verifier string) string {
	t.Helper()
	return authorize(t, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier))).Get("code")
}

// redirectOf GETs u without following a redirect and returns the status
// and the Location.
func redirectOf(t *testing.T, u string) (int, *url.URL) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, loc
}

// revokeStatus POSTs a revoke of token and returns the status.
func revokeStatus(t *testing.T, ts *TestServer, token string) int {
	t.Helper()
	resp, err := http.PostForm(ts.URL+"/services/oauth2/revoke", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var tokenShape = regexp.MustCompile(`^00D[0-9A-Za-z]{12}![.\w]+$`)

func TestOAuthPKCEExchangeAndRefreshWithXOAuth2(t *testing.T) {
	ts := startTest(t, nil)
	cfg := oauthConfig(ts)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	q := authorize(t, cfg.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier)))
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("redirect query = %v", q)
	}
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if !tokenShape.MatchString(tok.AccessToken) || tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("token = %+v", tok)
	}
	if !tok.Expiry.IsZero() {
		t.Errorf("Salesforce sends no expires_in, got expiry %v", tok.Expiry)
	}
	if tok.Extra("instance_url") != ts.URL || !strings.HasSuffix(tok.Extra("id").(string), "/id/"+ts.OrgID()+"/"+ts.UserID()) {
		t.Errorf("instance_url %v id %v", tok.Extra("instance_url"), tok.Extra("id"))
	}
	if issued, _ := tok.Extra("issued_at").(string); !regexp.MustCompile(`^\d{13}$`).MatchString(issued) {
		t.Errorf("issued_at = %v, want epoch millis string", tok.Extra("issued_at"))
	}
	// The new token works on the REST API.
	if r := callWith(t, ts, tok.AccessToken, "GET", v+"/limits", nil); r.status != 200 {
		t.Fatalf("limits with exchanged token: %d %s", r.status, r.body)
	}
	// A code is single-use.
	if _, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Error("second exchange of the same code succeeded")
	}

	// Refresh: x/oauth2 refreshes a token without access token.
	src := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken})
	fresh, err := src.Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || !tokenShape.MatchString(fresh.AccessToken) {
		t.Fatalf("refreshed token = %q", fresh.AccessToken)
	}
	// x/oauth2 keeps the old refresh token because the response has none.
	if fresh.RefreshToken != tok.RefreshToken {
		t.Errorf("refresh token changed: %q", fresh.RefreshToken)
	}
}

func TestOAuthPKCEVerifierChecked(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	cfg := oauthConfig(ts)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	code := pkceCode(t, cfg, verifier)
	_, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "invalid code verifier" {
		t.Fatalf("wrong verifier: err = %v, want invalid_grant", err)
	}
	code = pkceCode(t, cfg, verifier)
	if _, err := cfg.Exchange(ctx, code); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("missing verifier: err = %v, want invalid_grant", err)
	}
}

func TestOAuthRefreshResponseShape(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	resp, err := http.PostForm(ts.URL+"/services/oauth2/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}, "client_id": {"x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	if err := decodeJSON(resp, &got); err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	fixture(t, "oauth-token-refresh-response.json", &want)
	if gk, wk := strings.Join(sortedKeys(got), ","), strings.Join(sortedKeys(want), ","); gk != wk {
		t.Errorf("refresh response keys\n got %s\nwant %s", gk, wk)
	}
	// Bad refresh token.
	resp2, err := http.PostForm(ts.URL+"/services/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var e map[string]string
	if err := decodeJSON(resp2, &e); err != nil || resp2.StatusCode != 400 || e["error"] != "invalid_grant" {
		t.Fatalf("bad refresh: %d %v %v", resp2.StatusCode, e, err)
	}
}

func TestOAuthDeviceFlowWithXOAuth2(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty, o.DeviceInterval = true, 1 })
	cfg := oauthConfig(ts)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	da, err := cfg.DeviceAuth(ctx, oauth2.SetAuthURLParam("response_type", "device_code"))
	if err != nil {
		t.Fatalf("device auth: %v", err)
	}
	if len(da.UserCode) != 8 || da.VerificationURI != ts.URL+"/setup/connect" || da.Interval != 1 {
		t.Fatalf("device response = %+v", da)
	}
	tok, err := cfg.DeviceAccessToken(ctx, da, oauth2.SetAuthURLParam("grant_type", "device"), oauth2.SetAuthURLParam("code", da.DeviceCode))
	if err != nil {
		t.Fatalf("device token: %v", err)
	}
	if !tokenShape.MatchString(tok.AccessToken) || tok.RefreshToken == "" {
		t.Fatalf("device token = %+v", tok)
	}
}

func TestOAuthDeviceFlowPendingAndMultipart(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty, o.DevicePendingPolls = true, 1 })
	// Step 1 as multipart, the way sfdx-core sends it.
	body := "--b\r\nContent-Disposition: form-data; name=\"response_type\"\r\n\r\ndevice_code\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\nx\r\n--b--\r\n"
	resp, err := http.Post(ts.URL+"/services/oauth2/token", "multipart/form-data; boundary=b", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var start map[string]any
	if err := decodeJSON(resp, &start); err != nil || resp.StatusCode != 200 {
		t.Fatalf("device start: %d %v", resp.StatusCode, err)
	}
	code := start["device_code"].(string)
	poll := func(form url.Values) (int, map[string]any) {
		resp, err := http.PostForm(ts.URL+"/services/oauth2/token", form)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := decodeJSON(resp, &out); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, out
	}
	// Salesforce's form first: pending, then the RFC form succeeds.
	if st, out := poll(url.Values{"grant_type": {"device"}, "code": {code}, "client_id": {"x"}}); st != 400 || out["error"] != "authorization_pending" {
		t.Fatalf("first poll = %d %v", st, out)
	}
	st, out := poll(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {code}})
	if st != 200 || out["access_token"] == nil || out["refresh_token"] == nil {
		t.Fatalf("second poll = %d %v", st, out)
	}
	if _, has := out["expires_in"]; has {
		t.Error("token response has expires_in")
	}
}

func TestOAuthRevokeAndUserinfo(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	r := call(t, ts, "GET", "/services/oauth2/userinfo", nil)
	if r.status != 200 {
		t.Fatalf("userinfo: %d %s", r.status, r.body)
	}
	var got, want map[string]any
	r.json(t, &got)
	fixture(t, "oauth-userinfo.json", &want)
	for _, k := range sortedKeys(want) {
		if _, ok := got[k]; !ok {
			t.Errorf("userinfo lacks %q", k)
		}
	}
	if got["preferred_username"] != ts.Username || got["user_id"] != ts.UserID() || got["organization_id"] != ts.OrgID() {
		t.Errorf("userinfo identity = %v %v %v", got["preferred_username"], got["user_id"], got["organization_id"])
	}
	urls := got["urls"].(map[string]any)
	if urls["rest"] != ts.URL+"/services/data/v{version}/" {
		t.Errorf("urls.rest = %v", urls["rest"])
	}
	// Identity URL with ?oauth_token= (jsforce's identity()).
	idURL := strings.TrimPrefix(got["sub"].(string), ts.URL)
	r = callWith(t, ts, "", "GET", idURL+"?format=json&oauth_token="+url.QueryEscape(ts.AccessToken), nil)
	var ident map[string]any
	r.json(t, &ident)
	if r.status != 200 || ident["username"] != ts.Username || ident["user_id"] != ts.UserID() {
		t.Fatalf("identity: %d %s", r.status, r.body)
	}

	// Revoking the refresh token kills its access token.
	if st := revokeStatus(t, ts, ts.RefreshToken); st != 200 {
		t.Fatalf("revoke status %d", st)
	}
	wantError(t, call(t, ts, "GET", v+"/limits", nil), 401, "INVALID_SESSION_ID")
	if r := call(t, ts, "GET", "/services/oauth2/userinfo", nil); r.status != 403 {
		t.Errorf("userinfo after revoke: %d", r.status)
	}
	if st := revokeStatus(t, ts, "unknown"); st != 400 {
		t.Errorf("revoke unknown token: %d", st)
	}
}

func TestOAuthUserAgentFlowFragment(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	status, loc := redirectOf(t, ts.URL+"/services/oauth2/authorize?response_type=token&client_id=x&redirect_uri="+
		url.QueryEscape("http://localhost:1717/cb")+"&state=s1")
	frag, _ := url.ParseQuery(loc.Fragment)
	if status != 302 || !tokenShape.MatchString(frag.Get("access_token")) || frag.Get("instance_url") != ts.URL || frag.Get("state") != "s1" {
		t.Fatalf("user-agent flow: %d %s", status, loc)
	}
	if r := callWith(t, ts, frag.Get("access_token"), "GET", v+"/limits", nil); r.status != 200 {
		t.Errorf("fragment token rejected: %d", r.status)
	}
	// A missing redirect_uri is an error, not a redirect.
	if status, _ := redirectOf(t, ts.URL+"/services/oauth2/authorize?response_type=code&client_id=x"); status != 400 {
		t.Errorf("authorize without redirect_uri: %d", status)
	}
}

func TestOAuthAuthorizeDenied(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty, o.DenyAuthorize = true, true })
	cfg := oauthConfig(ts)
	q := authorize(t, cfg.AuthCodeURL("st8", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if q.Get("error") != "access_denied" || q.Get("error_description") != "end-user denied authorization" || q.Get("state") != "st8" || q.Has("code") {
		t.Fatalf("denied redirect query = %v", q)
	}
}

// devicePoller starts a device flow and polls it by hand.
type devicePoller struct {
	t    *testing.T
	ts   *TestServer
	code string
	user string
}

func startDevice(t *testing.T, ts *TestServer) *devicePoller {
	t.Helper()
	resp, err := http.PostForm(ts.URL+"/services/oauth2/token", url.Values{"response_type": {"device_code"}, "client_id": {"x"}, "scope": {"api refresh_token"}})
	if err != nil {
		t.Fatal(err)
	}
	var start map[string]any
	if err := decodeJSON(resp, &start); err != nil || resp.StatusCode != 200 {
		t.Fatalf("device start: %d %v", resp.StatusCode, err)
	}
	return &devicePoller{t: t, ts: ts, code: start["device_code"].(string), user: start["user_code"].(string)}
}

func (d *devicePoller) poll() (int, map[string]any) {
	d.t.Helper()
	resp, err := http.PostForm(d.ts.URL+"/services/oauth2/token", url.Values{"grant_type": {"device"}, "code": {d.code}, "client_id": {"x"}})
	if err != nil {
		d.t.Fatal(err)
	}
	var out map[string]any
	if err := decodeJSON(resp, &out); err != nil {
		d.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// want polls and checks the answer's status and, unless errCode is "", its
// error code.
func (d *devicePoller) want(status int, errCode string) map[string]any {
	d.t.Helper()
	st, out := d.poll()
	if st != status || (errCode != "" && out["error"] != errCode) {
		d.t.Fatalf("poll = %d %v, want %d %s", st, out, status, errCode)
	}
	return out
}

func TestOAuthDeviceManualApproveDenyExpire(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty, o.DeviceManualApproval = true, true })

	approved := startDevice(t, ts)
	approved.want(400, "authorization_pending")
	approved.want(400, "authorization_pending")
	if err := ts.ApproveDevice(strings.ToLower(approved.user)); err != nil {
		t.Fatal(err)
	}
	out := approved.want(200, "")
	if !tokenShape.MatchString(out["access_token"].(string)) || out["refresh_token"] == nil {
		t.Fatalf("approved device token = %v", out)
	}
	// The device code is spent.
	approved.want(400, "invalid_grant")
	if err := ts.ApproveDevice(approved.user); err == nil {
		t.Error("approving a spent device code succeeded")
	}

	denied := startDevice(t, ts)
	if err := ts.DenyDevice(denied.user); err != nil {
		t.Fatal(err)
	}
	denied.want(400, "access_denied")

	expired := startDevice(t, ts)
	if err := ts.ExpireDevice(expired.user); err != nil {
		t.Fatal(err)
	}
	expired.want(400, "expired_token")
}

func TestOAuthDeviceCodeExpiresOnTheClock(t *testing.T) {
	now := fixedClock()
	ts := startTest(t, func(o *Options) {
		o.Empty, o.DeviceManualApproval = true, true
		o.Now = func() time.Time { return now }
	})
	d := startDevice(t, ts)
	d.want(400, "authorization_pending")
	now = now.Add(11 * time.Minute)
	d.want(400, "expired_token")
}

func TestOAuthDeviceSlowDown(t *testing.T) {
	now := fixedClock()
	ts := startTest(t, func(o *Options) {
		o.Empty, o.DeviceEnforceInterval, o.DevicePendingPolls, o.DeviceInterval = true, true, 2, 5
		o.Now = func() time.Time { return now }
	})
	d := startDevice(t, ts)
	d.want(400, "authorization_pending")
	now = now.Add(2 * time.Second) // of a 5 s interval
	d.want(400, "slow_down")
	now = now.Add(5 * time.Second)
	if out := d.want(200, ""); out["access_token"] == nil {
		t.Fatalf("poll after the interval = %v", out)
	}
}

func TestOAuthRevokedTokensFail(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	cfg := oauthConfig(ts)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	tok, err := cfg.Exchange(ctx, pkceCode(t, cfg, verifier), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	revoke := func(token string) {
		t.Helper()
		// GET ?token= works like POST.
		resp, err := http.Get(ts.URL + "/services/oauth2/revoke?token=" + url.QueryEscape(token))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
	}
	// Revoking the access token leaves the refresh token usable.
	revoke(tok.AccessToken)
	wantError(t, callWith(t, ts, tok.AccessToken, "GET", v+"/limits", nil), 401, "INVALID_SESSION_ID")
	fresh, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh after revoking the access token: %v", err)
	}
	// Revoking the refresh token ends refresh and its access tokens.
	revoke(tok.RefreshToken)
	wantError(t, callWith(t, ts, fresh.AccessToken, "GET", v+"/limits", nil), 401, "INVALID_SESSION_ID")
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.Response.StatusCode != 400 {
		t.Fatalf("refresh with a revoked refresh token: %v, want invalid_grant", err)
	}
}
