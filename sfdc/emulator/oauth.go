package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// grant is what a refresh token stands for.
type grant struct {
	refreshToken string
	userID       string
	scope        string
	revoked      bool
}

// session is one access token.
type session struct {
	token  string
	userID string
	grant  *grant
	issued time.Time
}

// authCode is an authorization code from /services/oauth2/authorize.
type authCode struct {
	clientID, redirectURI, challenge, method, scope string
	expires                                         time.Time
}

// deviceGrant is a pending device-flow authorization.
type deviceGrant struct {
	userCode string
	scope    string
	polls    int
	state    deviceState
	expires  time.Time
	lastPoll time.Time
}

// deviceState is where a device code stands in its user's hands.
type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDenied
	deviceExpired
)

// deviceCodeLifetime is how long a device code can be approved.
const deviceCodeLifetime = 10 * time.Minute

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

// randomString returns n random characters of the token alphabet.
func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("emulator: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = tokenAlphabet[int(b[i])%len(tokenAlphabet)]
	}
	return string(b)
}

func randomAlnum(n int) string {
	s := []byte(randomString(n))
	for i, c := range s {
		if c == '.' || c == '_' {
			s[i] = 'Q'
		}
	}
	return string(s)
}

// newGrant creates a refresh-token grant for the logged-in rep.
func (s *Server) newGrant(scope, fixed string) *grant {
	g := &grant{refreshToken: fixed, userID: s.meID, scope: scope}
	if g.refreshToken == "" {
		g.refreshToken = "5Aep861" + randomString(80)
	}
	s.mu.Lock()
	s.grants[g.refreshToken] = g
	s.mu.Unlock()
	return g
}

// newSession issues an access token under g, shaped like Salesforce's
// (00D<org15>!<opaque>) so the Salesforce CLI accepts it.
func (s *Server) newSession(g *grant, fixed string) *session {
	se := &session{token: fixed, userID: g.userID, grant: g, issued: s.now()}
	if se.token == "" {
		se.token = s.orgID[:15] + "!AQ" + randomString(94)
	}
	s.mu.Lock()
	s.sessions[se.token] = se
	s.mu.Unlock()
	return se
}

// bearer extracts the access token from the Authorization header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, p := range []string{"Bearer ", "OAuth "} {
		if len(h) > len(p) && strings.EqualFold(h[:len(p)], p) {
			return strings.TrimSpace(h[len(p):])
		}
	}
	return ""
}

// authenticate returns the session of the request's access token, or nil.
func (s *Server) authenticate(r *http.Request) *session {
	tok := bearer(r)
	if tok == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	se := s.sessions[tok]
	if se == nil || se.grant.revoked {
		return nil
	}
	if s.opts.SessionTimeout > 0 && s.now().Sub(se.issued) > s.opts.SessionTimeout {
		delete(s.sessions, tok)
		return nil
	}
	return se
}

// ExpireSessions invalidates every access token issued so far, as when
// sessions time out; refresh tokens stay valid.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = map[string]*session{}
}

// oauthError writes {"error","error_description"} with status 400.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, desc})
}

// tokenResponse is Salesforce's token response; no expires_in.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Signature    string `json:"signature"`
	Scope        string `json:"scope"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	TokenType    string `json:"token_type"`
	IssuedAt     string `json:"issued_at"`
}

func (s *Server) identityURL(r *http.Request, userID string) string {
	return instanceURL(r) + "/id/" + s.orgID + "/" + userID
}

func (s *Server) tokenResponse(r *http.Request, se *session, withRefresh bool) tokenResponse {
	issued := strconv.FormatInt(se.issued.UnixMilli(), 10)
	id := s.identityURL(r, se.userID)
	mac := hmac.New(sha256.New, []byte(s.adminToken))
	mac.Write([]byte(id + issued))
	tr := tokenResponse{
		AccessToken: se.token, Signature: base64.StdEncoding.EncodeToString(mac.Sum(nil)), Scope: se.grant.scope,
		InstanceURL: instanceURL(r), ID: id, TokenType: "Bearer", IssuedAt: issued,
	}
	scopes := " " + se.grant.scope + " "
	if withRefresh && (strings.Contains(scopes, " refresh_token ") || strings.Contains(scopes, " offline_access ")) {
		tr.RefreshToken = se.grant.refreshToken
	}
	return tr
}

// grantScope is the scope granted for a requested one.
func grantScope(requested string) string {
	if strings.TrimSpace(requested) == "" {
		return "api refresh_token web"
	}
	return strings.Join(strings.Fields(requested), " ")
}

// handleToken serves POST /services/oauth2/token for every grant type.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusBadRequest, "invalid_request", "must use HTTP POST")
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "malformed multipart body")
			return
		}
	} else if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	gt := r.FormValue("grant_type")
	if gt == "" && r.FormValue("response_type") == "device_code" {
		s.deviceStart(w, r)
		return
	}
	switch gt {
	case "authorization_code":
		s.exchangeCode(w, r)
	case "refresh_token":
		s.mu.Lock()
		g := s.grants[r.FormValue("refresh_token")]
		s.mu.Unlock()
		if g == nil || g.revoked {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "expired access/refresh token")
			return
		}
		se := s.newSession(g, "")
		writeJSON(w, http.StatusOK, s.tokenResponse(r, se, false))
	case "device", "urn:ietf:params:oauth:grant-type:device_code":
		s.devicePoll(w, r)
	case "password":
		if !strings.EqualFold(r.FormValue("username"), s.username) || r.FormValue("password") == "" {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "authentication failure")
			return
		}
		se := s.newSession(s.newGrant(grantScope(r.FormValue("scope")), ""), "")
		writeJSON(w, http.StatusOK, s.tokenResponse(r, se, false))
	case "client_credentials":
		se := s.newSession(s.newGrant("api", ""), "")
		writeJSON(w, http.StatusOK, s.tokenResponse(r, se, false))
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
	}
}

func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request) {
	code := r.FormValue("code")
	s.mu.Lock()
	ac := s.codes[code]
	delete(s.codes, code)
	s.mu.Unlock()
	if ac == nil || s.now().After(ac.expires) {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "invalid authorization code")
		return
	}
	if ac.redirectURI != "" && r.FormValue("redirect_uri") != "" && r.FormValue("redirect_uri") != ac.redirectURI {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri must match configuration")
		return
	}
	if ac.challenge != "" {
		verifier := r.FormValue("code_verifier")
		if verifier == "" {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "invalid code verifier")
			return
		}
		got := verifier
		if !strings.EqualFold(ac.method, "plain") {
			sum := sha256.Sum256([]byte(verifier))
			got = base64.RawURLEncoding.EncodeToString(sum[:])
		}
		if got != ac.challenge {
			// Salesforce's documentation says invalid_request here, but real
			// orgs answer invalid_grant "invalid code verifier" (seen in
			// salesforce.stackexchange.com question 330168).
			oauthError(w, http.StatusBadRequest, "invalid_grant", "invalid code verifier")
			return
		}
	}
	se := s.newSession(s.newGrant(grantScope(ac.scope), ""), "")
	writeJSON(w, http.StatusOK, s.tokenResponse(r, se, true))
}

func (s *Server) deviceStart(w http.ResponseWriter, r *http.Request) {
	dg := &deviceGrant{userCode: strings.ToUpper(randomAlnum(8)), scope: grantScope(r.FormValue("scope")),
		expires: s.now().Add(deviceCodeLifetime)}
	deviceCode := "M9" + randomAlnum(60)
	s.mu.Lock()
	s.devices[deviceCode] = dg
	s.mu.Unlock()
	interval := s.deviceInterval()
	writeJSON(w, http.StatusOK, struct {
		DeviceCode      string `json:"device_code"`
		UserCode        string `json:"user_code"`
		VerificationURI string `json:"verification_uri"`
		Interval        int    `json:"interval"`
	}{deviceCode, dg.userCode, instanceURL(r) + "/setup/connect", interval})
}

// deviceInterval is the announced polling interval in seconds.
func (s *Server) deviceInterval() int {
	if s.opts.DeviceInterval <= 0 {
		return 5
	}
	return s.opts.DeviceInterval
}

// devicePoll answers a device-flow poll: authorization_pending until the
// user approves (after DevicePendingPolls polls, or by ApproveDevice),
// access_denied, expired_token, or slow_down when polled too fast.
func (s *Server) devicePoll(w http.ResponseWriter, r *http.Request) {
	code := r.FormValue("code")
	if code == "" {
		code = r.FormValue("device_code")
	}
	now := s.now()
	s.mu.Lock()
	dg := s.devices[code]
	var state deviceState
	tooFast := false
	if dg != nil {
		dg.polls++
		tooFast = s.opts.DeviceEnforceInterval && !dg.lastPoll.IsZero() &&
			now.Sub(dg.lastPoll) < time.Duration(s.deviceInterval())*time.Second
		dg.lastPoll = now
		if dg.state == devicePending && now.After(dg.expires) {
			dg.state = deviceExpired
		}
		if dg.state == devicePending && !s.opts.DeviceManualApproval && dg.polls > s.opts.DevicePendingPolls {
			dg.state = deviceApproved
		}
		state = dg.state
		if state != devicePending {
			delete(s.devices, code)
		}
	}
	s.mu.Unlock()
	switch {
	case dg == nil:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "invalid device code")
	case state == deviceDenied:
		oauthError(w, http.StatusBadRequest, "access_denied", "end-user denied authorization")
	case state == deviceExpired:
		oauthError(w, http.StatusBadRequest, "expired_token", "device code expired")
	case tooFast && state == devicePending:
		oauthError(w, http.StatusBadRequest, "slow_down", "polling too frequently")
	case state == devicePending:
		oauthError(w, http.StatusBadRequest, "authorization_pending", "authorization pending")
	default:
		se := s.newSession(s.newGrant(dg.scope, ""), "")
		writeJSON(w, http.StatusOK, s.tokenResponse(r, se, true))
	}
}

// ApproveDevice approves the pending device code shown as userCode, as the
// user would on the verification page; the next poll gets the token.
func (s *Server) ApproveDevice(userCode string) error {
	return s.settleDevice(userCode, deviceApproved)
}

// DenyDevice denies the pending device code shown as userCode; the next
// poll gets access_denied.
func (s *Server) DenyDevice(userCode string) error {
	return s.settleDevice(userCode, deviceDenied)
}

// ExpireDevice lets the pending device code shown as userCode expire; the
// next poll gets expired_token.
func (s *Server) ExpireDevice(userCode string) error {
	return s.settleDevice(userCode, deviceExpired)
}

func (s *Server) settleDevice(userCode string, to deviceState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, dg := range s.devices {
		if strings.EqualFold(dg.userCode, userCode) && dg.state == devicePending {
			dg.state = to
			return nil
		}
	}
	return fmt.Errorf("emulator: no pending device code %q", userCode)
}

// handleAuthorize auto-approves: it redirects straight back with a code
// (response_type=code) or a token in the fragment (response_type=token).
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err == nil {
			q = r.Form
		}
	}
	redirect := q.Get("redirect_uri")
	target, err := url.Parse(redirect)
	if redirect == "" || err != nil || !target.IsAbs() {
		oauthError(w, http.StatusBadRequest, "redirect_uri_mismatch", "redirect_uri must match configuration")
		return
	}
	if s.opts.DenyAuthorize {
		// The user clicked Deny on the approval page.
		v := target.Query()
		v.Set("error", "access_denied")
		v.Set("error_description", "end-user denied authorization")
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		target.RawQuery = v.Encode()
		http.Redirect(w, r, target.String(), http.StatusFound)
		return
	}
	switch q.Get("response_type") {
	case "code":
		code := "aPrx" + randomString(60)
		method := q.Get("code_challenge_method")
		if method == "" {
			method = "S256"
		}
		s.mu.Lock()
		s.codes[code] = &authCode{clientID: q.Get("client_id"), redirectURI: redirect, challenge: q.Get("code_challenge"),
			method: method, scope: q.Get("scope"), expires: s.now().Add(15 * time.Minute)}
		s.mu.Unlock()
		v := target.Query()
		v.Set("code", code)
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		target.RawQuery = v.Encode()
	case "token":
		se := s.newSession(s.newGrant(grantScope(q.Get("scope")), ""), "")
		tr := s.tokenResponse(r, se, false)
		v := url.Values{}
		v.Set("access_token", tr.AccessToken)
		v.Set("instance_url", tr.InstanceURL)
		v.Set("id", tr.ID)
		v.Set("issued_at", tr.IssuedAt)
		v.Set("signature", tr.Signature)
		v.Set("scope", tr.Scope)
		v.Set("token_type", tr.TokenType)
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		target.Fragment, target.RawFragment = "", ""
		http.Redirect(w, r, target.String()+"#"+v.Encode(), http.StatusFound)
		return
	default:
		v := target.Query()
		v.Set("error", "unsupported_response_type")
		v.Set("error_description", "response type not supported")
		target.RawQuery = v.Encode()
	}
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// handleRevoke revokes an access token, or a refresh token and its access tokens.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	tok := r.FormValue("token")
	s.mu.Lock()
	found := false
	if se, ok := s.sessions[tok]; ok {
		delete(s.sessions, se.token)
		found = true
	}
	if g, ok := s.grants[tok]; ok {
		g.revoked = true
		delete(s.grants, tok)
		for k, se := range s.sessions {
			if se.grant == g {
				delete(s.sessions, k)
			}
		}
		found = true
	}
	s.mu.Unlock()
	if !found {
		oauthError(w, http.StatusBadRequest, "unsupported_token_type", "this token type is not supported")
		return
	}
	w.WriteHeader(http.StatusOK)
}
