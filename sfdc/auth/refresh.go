package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/lazyforce/lazyforce/sfdc"
)

// Refresh exchanges refreshToken for a new access token (grant_type=
// refresh_token at cfg.LoginURL). The result keeps refreshToken when
// Salesforce sends none (its default; with rotation it sends a new one).
// A rejected refresh token (invalid_grant) is a *LoginRequiredError naming
// alias; other failures (network) leave the stored session usable.
func Refresh(ctx context.Context, cfg Config, alias, refreshToken string) (*Token, error) {
	if refreshToken == "" {
		return nil, &LoginRequiredError{Alias: alias, Reason: "no refresh token is stored"}
	}
	if cfg.LoginURL == "" {
		return nil, errors.New("refresh the session: no login URL")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}, "client_id": {cfg.ClientID}}
	if cfg.ClientSecret != "" {
		form.Set("client_secret", cfg.ClientSecret)
	}
	var tr tokenJSON
	_, err := postForm(ctx, cfg.httpClient(), endpoint(cfg.LoginURL).TokenURL, form, "refresh the session", &tr)
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) && (oe.Code == "invalid_grant" || oe.Code == "invalid_client_id" || oe.Code == "inactive_user" || oe.Code == "inactive_org") {
			return nil, &LoginRequiredError{Alias: alias, Reason: oe.Code + ": " + oe.Description}
		}
		return nil, err
	}
	tok := tr.token()
	if tok.AccessToken == "" {
		return nil, errors.New("refresh the session: the response has no access_token")
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return tok, nil
}

// TokenSource is the sfdc.TokenSource of a stored OAuth session: the
// client refreshes through it on 401 INVALID_SESSION_ID and retries once.
// A revoked or expired refresh token makes Refresh fail with a
// *LoginRequiredError (errors.Is ErrLoginRequired), which sfdc.IsSessionExpired
// also recognises. It is safe for concurrent use.
type TokenSource struct {
	cfg       Config
	alias     string
	onRefresh func(*Token) error

	mu  sync.Mutex
	tok Token
}

var _ sfdc.TokenSource = (*TokenSource)(nil)

// NewTokenSource starts from tok (its AccessToken may be empty: the first
// Token call then refreshes). onRefresh, if set, is called with each new
// token so the caller can store it; its error is returned by Refresh.
func NewTokenSource(cfg Config, alias string, tok *Token, onRefresh func(*Token) error) *TokenSource {
	s := &TokenSource{cfg: cfg, alias: alias, onRefresh: onRefresh}
	if tok != nil {
		s.tok = *tok
	}
	if s.cfg.LoginURL == "" {
		s.cfg.LoginURL = s.tok.InstanceURL
	}
	return s
}

// Token returns the current access token, refreshing when there is none.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	return currentOrRefresh(ctx, &s.mu, &s.tok.AccessToken, s.Refresh)
}

// currentOrRefresh returns *tok, read under mu, or when it is empty what
// refresh returns: the Token method of both token sources.
func currentOrRefresh(ctx context.Context, mu *sync.Mutex, tok *string, refresh func(context.Context) (string, error)) (string, error) {
	mu.Lock()
	cur := *tok
	mu.Unlock()
	if cur != "" {
		return cur, nil
	}
	return refresh(ctx)
}

// Refresh obtains a new access token with the refresh token.
func (s *TokenSource) Refresh(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	nt, err := Refresh(ctx, s.cfg, s.alias, s.tok.RefreshToken)
	if err != nil {
		return "", err
	}
	// Keep who the user is; the refresh response says only where.
	nt.Username, nt.UserID, nt.OrgID = s.tok.Username, s.tok.UserID, s.tok.OrgID
	if nt.InstanceURL == "" {
		nt.InstanceURL = s.tok.InstanceURL
	}
	s.tok = *nt
	if s.onRefresh != nil {
		cp := *nt
		if err := s.onRefresh(&cp); err != nil {
			return "", fmt.Errorf("store the refreshed session: %w", err)
		}
	}
	return nt.AccessToken, nil
}

// Current returns a copy of the current token.
func (s *TokenSource) Current() Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok
}

// Unwrap lets sfdc.IsSessionExpired (errors.As *sfdc.SessionExpiredError)
// recognise a LoginRequiredError.
func (e *LoginRequiredError) Unwrap() error {
	return &sfdc.SessionExpiredError{Cause: errors.New(e.Reason)}
}

// Revoke revokes token (an access or refresh token; revoking a refresh
// token also ends its access tokens) at host's /services/oauth2/revoke.
// host is the instance URL or the login URL.
func Revoke(ctx context.Context, hc *http.Client, host, token string) error {
	if hc == nil {
		hc = Config{}.httpClient()
	}
	if token == "" {
		return errors.New("revoke: no token")
	}
	_, err := postForm(ctx, hc, strings.TrimRight(host, "/")+"/services/oauth2/revoke", url.Values{"token": {token}}, "revoke the token", nil)
	return err
}
