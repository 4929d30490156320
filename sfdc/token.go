package sfdc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/oauth2"
)

// TokenSource supplies the access token for requests. Salesforce access
// tokens carry no expiry, so the client calls Refresh explicitly when a
// request is rejected with 401 INVALID_SESSION_ID, then retries once.
type TokenSource interface {
	// Token returns the current access token.
	Token(ctx context.Context) (string, error)
	// Refresh obtains a new access token and returns it.
	Refresh(ctx context.Context) (string, error)
}

// StaticToken is a TokenSource for a bare access token (e.g. from
// `login --access-token`). It cannot be refreshed.
func StaticToken(accessToken string) TokenSource { return staticToken(accessToken) }

type staticToken string

func (t staticToken) Token(context.Context) (string, error) { return string(t), nil }

func (t staticToken) Refresh(context.Context) (string, error) {
	return "", &SessionExpiredError{Cause: errors.New("the access token has no refresh token")}
}

// TokenURL is the OAuth token endpoint of a login host or instance, e.g.
// TokenURL("https://login.salesforce.com").
func TokenURL(host string) string {
	return strings.TrimRight(host, "/") + "/services/oauth2/token"
}

// OAuthConfig configures an OAuthTokenSource.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string // empty for public clients (PKCE, device flow)
	// TokenURL is the token endpoint; see TokenURL. Required.
	TokenURL string
	// HTTPClient makes the refresh request; nil means http.DefaultClient.
	HTTPClient *http.Client
	// OnRefresh, if set, is called with each refreshed token (with the
	// refresh token carried over) so the caller can persist it.
	OnRefresh func(*oauth2.Token)
}

// OAuthTokenSource is a TokenSource that refreshes with the OAuth2
// refresh_token grant. It is safe for concurrent use.
type OAuthTokenSource struct {
	cfg    OAuthConfig
	config oauth2.Config

	mu  sync.Mutex
	tok *oauth2.Token
}

// NewOAuthTokenSource returns a token source starting from tok (which must
// carry a RefreshToken to be refreshable).
func NewOAuthTokenSource(cfg OAuthConfig, tok *oauth2.Token) *OAuthTokenSource {
	if tok == nil {
		tok = &oauth2.Token{}
	}
	return &OAuthTokenSource{
		cfg: cfg,
		config: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     oauth2.Endpoint{TokenURL: cfg.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		tok: tok,
	}
}

// Token returns the current access token. With only a refresh token (e.g.
// credentials stored without the access token) it refreshes first.
func (s *OAuthTokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	tok, canRefresh := s.tok.AccessToken, s.tok.RefreshToken != ""
	s.mu.Unlock()
	if tok != "" {
		return tok, nil
	}
	if !canRefresh {
		return "", &SessionExpiredError{Cause: errors.New("no access token and no refresh token")}
	}
	return s.Refresh(ctx)
}

// Current returns a copy of the current token (for persisting it).
func (s *OAuthTokenSource) Current() *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := *s.tok
	return &cp
}

// Refresh exchanges the refresh token for a new access token. If the
// response carries no refresh token (Salesforce's default), the old one is
// kept. A rejected refresh (e.g. invalid_grant) is a *SessionExpiredError;
// a network failure is returned as is (the session may still be valid).
func (s *OAuthTokenSource) Refresh(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.RefreshToken == "" {
		return "", &SessionExpiredError{Cause: errors.New("no refresh token")}
	}
	if s.cfg.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, s.cfg.HTTPClient)
	}
	// An access-token-less token forces the refresh grant.
	src := s.config.TokenSource(ctx, &oauth2.Token{RefreshToken: s.tok.RefreshToken})
	nt, err := src.Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return "", &SessionExpiredError{Cause: fmt.Errorf("refresh token rejected: %w", err)}
		}
		return "", fmt.Errorf("refresh access token: %w", err)
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken = s.tok.RefreshToken
	}
	s.tok = nt
	if s.cfg.OnRefresh != nil {
		cp := *nt
		s.cfg.OnRefresh(&cp)
	}
	return nt.AccessToken, nil
}
