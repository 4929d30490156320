// Package auth signs lazyforce in to Salesforce: the OAuth 2.0 web-server
// flow with PKCE on a loopback port, Salesforce's device flow, import from
// the Salesforce CLI (through its commands only), refresh, revoke, and
// credential storage (OS keychain, else a file only the user can read).
//
// Tokens never appear in output: Token and Credentials redact them in every
// fmt verb and in JSON, and no error message carries one.
package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Login hosts.
const (
	ProductionURL = "https://login.salesforce.com"
	SandboxURL    = "https://test.salesforce.com"
)

// DefaultScopes are requested when Config.Scopes is empty: API access and
// a refresh token that outlives the session.
var DefaultScopes = []string{"api", "refresh_token", "offline_access"}

var myDomainRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*(--[A-Za-z0-9-]+)?$`)

// LoginURL picks the login host from the command-line choices: an explicit
// loginURL, a My Domain name (domain "acme" → https://acme.my.salesforce.com,
// a full host or URL is accepted too), the sandbox host, or production.
// At most one may be given.
func LoginURL(sandbox bool, domain, loginURL string) (string, error) {
	n := 0
	for _, set := range []bool{sandbox, domain != "", loginURL != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return "", errors.New("choose one of --sandbox, --domain and --login-url")
	}
	switch {
	case loginURL != "":
		return normalizeURL(loginURL)
	case domain != "":
		if strings.Contains(domain, "://") {
			return normalizeURL(domain)
		}
		if strings.Contains(domain, ".") {
			return normalizeURL("https://" + domain)
		}
		if !myDomainRE.MatchString(domain) {
			return "", fmt.Errorf("invalid My Domain name %q: use the part before .my.salesforce.com", domain)
		}
		return "https://" + strings.ToLower(domain) + ".my.salesforce.com", nil
	case sandbox:
		return SandboxURL, nil
	}
	return ProductionURL, nil
}

// normalizeURL checks a login or instance URL and returns its scheme://host.
func normalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("invalid login URL %q: want https://HOST", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// Config is the connected app (or External Client App) and login host a
// flow talks to.
type Config struct {
	// LoginURL is the login host, e.g. ProductionURL or a My Domain URL
	// (see LoginURL). Refresh and revoke may also use the instance URL.
	LoginURL string
	// ClientID is the app's consumer key.
	ClientID string
	// ClientSecret is empty for public clients (PKCE, device flow).
	ClientSecret string
	// Scopes requested; nil means DefaultScopes.
	Scopes []string
	// HTTPClient sends every request; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
}

func (c Config) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func (c Config) scopes() []string {
	if len(c.Scopes) == 0 {
		return DefaultScopes
	}
	return c.Scopes
}

func (c Config) check() error {
	if c.ClientID == "" {
		return errors.New("no client id: pass --client-id, set LAZYFORCE_CLIENT_ID or client_id in config.json")
	}
	if _, err := normalizeURL(c.LoginURL); err != nil {
		return err
	}
	return nil
}

// endpoint is the OAuth endpoint of host (a login or instance URL).
func endpoint(host string) oauth2.Endpoint {
	host = strings.TrimRight(host, "/")
	return oauth2.Endpoint{
		AuthURL:       host + "/services/oauth2/authorize",
		TokenURL:      host + "/services/oauth2/token",
		DeviceAuthURL: host + "/services/oauth2/token",
		AuthStyle:     oauth2.AuthStyleInParams,
	}
}

func (c Config) oauth2(redirectURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Endpoint:     endpoint(c.LoginURL),
		RedirectURL:  redirectURL,
		Scopes:       c.scopes(),
	}
}

// Token is a signed-in session: where the org is, who the user is, and the
// tokens. Its String, GoString, Format and MarshalJSON never show the
// tokens.
type Token struct {
	AccessToken  string
	RefreshToken string // empty when the app grants none
	InstanceURL  string // e.g. https://acme.my.salesforce.com
	ID           string // identity URL .../id/<orgId>/<userId>
	IssuedAt     time.Time
	Scope        string
	Username     string
	UserID       string
	OrgID        string
}

func redacted(s string) string {
	if s == "" {
		return "none"
	}
	return "redacted"
}

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("auth.Token{instance: %s, user: %s, access token: %s, refresh token: %s}",
		t.InstanceURL, t.Username, redacted(t.AccessToken), redacted(t.RefreshToken))
}

// GoString is String, for %#v.
func (t Token) GoString() string { return t.String() }

// Format makes every fmt verb print String.
func (t Token) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// MarshalJSON writes the token's public fields only.
func (t Token) MarshalJSON() ([]byte, error) {
	return marshalPublic(t)
}

// tokenFromOAuth2 converts an x/oauth2 token with Salesforce's extra fields.
func tokenFromOAuth2(t *oauth2.Token) *Token {
	tok := &Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken}
	tok.InstanceURL, _ = t.Extra("instance_url").(string)
	tok.ID, _ = t.Extra("id").(string)
	tok.Scope, _ = t.Extra("scope").(string)
	if s, ok := t.Extra("issued_at").(string); ok {
		tok.IssuedAt = parseMillis(s)
	}
	tok.OrgID, tok.UserID = idParts(tok.ID)
	return tok
}

// idParts splits an identity URL .../id/<org>/<user>.
func idParts(id string) (org, user string) {
	i := strings.LastIndex(id, "/id/")
	if i < 0 {
		return "", ""
	}
	parts := strings.Split(strings.Trim(id[i+len("/id/"):], "/"), "/")
	if len(parts) != 2 {
		return "", ""
	}
	return parts[0], parts[1]
}

func parseMillis(s string) time.Time {
	var ms int64
	if _, err := fmt.Sscan(s, &ms); err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// ErrLoginRequired means the stored session cannot be renewed (the refresh
// token was revoked or expired): the user must log in again. Match it with
// errors.Is; the error itself is a *LoginRequiredError.
var ErrLoginRequired = errors.New("login required")

// LoginRequiredError says which org needs a new login and how.
type LoginRequiredError struct {
	Alias string
	// FromSF is the Salesforce CLI's alias of an imported org: logging
	// the CLI in again is enough.
	FromSF string
	// Reason is Salesforce's error code and description, e.g.
	// "invalid_grant: expired access/refresh token"; never a token.
	Reason string
}

// Error tells the user the command to run.
func (e *LoginRequiredError) Error() string {
	login := "lazyforce login"
	if e.Alias != "" {
		login += " --alias " + e.Alias
	}
	msg := "the session has expired or was revoked: log in again with `" + login + "`"
	if e.FromSF != "" {
		// lazyforce asks the CLI for a token each time: logging the CLI in
		// again is enough.
		msg = "the Salesforce CLI's session has expired or was revoked: log it in again with `sf org login web --alias " +
			e.FromSF + "` (or run `" + login + "`)"
	}
	if e.Alias != "" {
		msg = "org " + e.Alias + ": " + msg
	}
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Is makes errors.Is(err, ErrLoginRequired) true.
func (e *LoginRequiredError) Is(target error) bool { return target == ErrLoginRequired }

// Errors of the interactive flows.
var (
	// ErrDenied: the user denied access on the approval page or device page.
	ErrDenied = errors.New("access denied: the request was not approved")
	// ErrExpired: the device code expired before the user approved it.
	ErrExpired = errors.New("the device code expired before it was approved: run the login again")
	// ErrStateMismatch: the callback's state is not the one sent, so it
	// does not answer our request (a forged or stale redirect).
	ErrStateMismatch = errors.New("the login callback's state does not match the request: login aborted")
)

// OAuthError is an error response of Salesforce's OAuth endpoints.
type OAuthError struct {
	Op          string // what was attempted, e.g. "exchange the code"
	Status      int    // HTTP status; 0 for an error on the redirect
	Code        string // e.g. invalid_grant
	Description string
}

// Error is the operation, the OAuth error code and its description.
func (e *OAuthError) Error() string {
	msg := e.Op + ": " + e.Code
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// oauthErrorFrom converts an x/oauth2 error without its response body.
func oauthErrorFrom(op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		oe := &OAuthError{Op: op, Code: re.ErrorCode, Description: re.ErrorDescription}
		if re.Response != nil {
			oe.Status = re.Response.StatusCode
		}
		if oe.Code == "" {
			oe.Code = fmt.Sprintf("HTTP %d", oe.Status)
		}
		return oe
	}
	return fmt.Errorf("%s: %w", op, err)
}
