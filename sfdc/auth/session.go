package auth

import (
	"context"
	"errors"
	"net/http"

	"github.com/lazyforce/lazyforce/sfdc"
)

// SourceOptions are what Source needs to renew a session.
type SourceOptions struct {
	// Store, if set, receives each refreshed token (Save under the alias).
	Store *Store
	// HTTPClient sends refresh requests; nil means a default client.
	HTTPClient *http.Client
	// SF runs the Salesforce CLI for orgs imported from it.
	SF SFCLI
}

// Source returns the sfdc.TokenSource that renews the stored session c of
// org alias the way it was made: the refresh token (web and device logins),
// the Salesforce CLI (imported orgs), or not at all (a pasted access token:
// Refresh is then a *LoginRequiredError).
func Source(alias string, c *Credentials, opts SourceOptions) sfdc.TokenSource {
	switch c.Method {
	case MethodSF:
		return NewSFTokenSource(opts.SF, c.SFAlias, alias, c.Token.AccessToken)
	case MethodWeb, MethodDevice:
		cfg := Config{LoginURL: c.LoginURL, ClientID: c.ClientID, HTTPClient: opts.HTTPClient}
		var onRefresh func(*Token) error
		if opts.Store != nil {
			onRefresh = func(t *Token) error {
				nc := *c
				nc.Token = *t
				_, err := opts.Store.Save(alias, &nc)
				return err
			}
		}
		return NewTokenSource(cfg, alias, &c.Token, onRefresh)
	}
	return staticSource{alias: alias, token: c.Token.AccessToken}
}

// staticSource serves a pasted access token that cannot be renewed.
type staticSource struct {
	alias, token string
}

// Token implements sfdc.TokenSource.
func (s staticSource) Token(context.Context) (string, error) {
	if s.token == "" {
		return "", &LoginRequiredError{Alias: s.alias, Reason: "no access token is stored"}
	}
	return s.token, nil
}

// Refresh implements sfdc.TokenSource: a pasted token cannot be renewed.
func (s staticSource) Refresh(context.Context) (string, error) {
	return "", &LoginRequiredError{Alias: s.alias, Reason: "the access token expired and has no refresh token"}
}

// ErrNotRevoked means RevokeCredentials left the session alone because
// lazyforce does not own it (an org imported from the Salesforce CLI:
// revoking would log the CLI out too).
var ErrNotRevoked = errors.New("the session belongs to the Salesforce CLI and was not revoked (log out there with `sf org logout`)")

// RevokeCredentials revokes c's session at Salesforce for logout: the
// refresh token when there is one (which ends its access tokens too), else
// the access token. Offline, the error is the network failure: the caller
// reports the revocation as not done and removes the credentials anyway.
func RevokeCredentials(ctx context.Context, hc *http.Client, c *Credentials) error {
	if c.Method == MethodSF {
		return ErrNotRevoked
	}
	host := c.Token.InstanceURL
	if host == "" {
		host = c.LoginURL
	}
	if c.Token.RefreshToken != "" {
		return Revoke(ctx, hc, host, c.Token.RefreshToken)
	}
	return Revoke(ctx, hc, host, c.Token.AccessToken)
}
