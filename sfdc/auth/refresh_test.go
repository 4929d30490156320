package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// webLogin logs in to ts through the browser flow.
func webLogin(t *testing.T, ts *emulator.TestServer) *Token {
	t.Helper()
	tok, err := LoginWeb(context.Background(), testConfig(ts), WebOptions{Listener: loopback(t), Open: followingBrowser(t)})
	if err != nil {
		t.Fatalf("LoginWeb: %v", err)
	}
	return tok
}

func TestTokenSourceRefreshesOn401AndStores(t *testing.T) {
	ts := startOrg(t, nil)
	tok := webLogin(t, ts)
	var stored []*Token
	src := NewTokenSource(testConfig(ts), "acme", tok, func(nt *Token) error {
		stored = append(stored, nt)
		return nil
	})
	ctx := context.Background()
	c, err := sfdc.NewClient(ctx, tok.InstanceURL, src, sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts.ExpireSessions()
	id, err := c.UserInfo(ctx)
	if err != nil {
		t.Fatalf("call after the session expired: %v", err)
	}
	if id.PreferredUsername != ts.Username {
		t.Errorf("user %q", id.PreferredUsername)
	}
	if len(stored) != 1 || stored[0].AccessToken == tok.AccessToken || stored[0].RefreshToken != tok.RefreshToken ||
		stored[0].Username != ts.Username || stored[0].InstanceURL != ts.URL {
		t.Fatalf("stored after refresh: %v", stored)
	}
	if cur := src.Current(); cur.AccessToken != stored[0].AccessToken {
		t.Error("Current is not the refreshed token")
	}
}

func TestTokenSourceWithoutAccessTokenRefreshesFirst(t *testing.T) {
	ts := startOrg(t, nil)
	src := NewTokenSource(testConfig(ts), "acme", &Token{RefreshToken: ts.RefreshToken, InstanceURL: ts.URL}, nil)
	at, err := src.Token(context.Background())
	if err != nil || at == "" || at == ts.AccessToken {
		t.Fatalf("Token = %q, %v", at, err)
	}
}

func TestRevokedRefreshTokenNeedsLogin(t *testing.T) {
	ts := startOrg(t, nil)
	tok := webLogin(t, ts)
	ctx := context.Background()
	revoke(t, tok, tok.RefreshToken)
	c := apiClient(t, tok.InstanceURL, NewTokenSource(testConfig(ts), "acme", tok, nil))
	// The access token went with the refresh token; the refresh fails.
	_, err := c.OrgLimits(ctx)
	if !errors.Is(err, ErrLoginRequired) || !sfdc.IsSessionExpired(err) {
		t.Fatalf("err = %v, want ErrLoginRequired", err)
	}
	var le *LoginRequiredError
	if !errors.As(err, &le) || le.Alias != "acme" || !strings.Contains(err.Error(), "log in again with `lazyforce login --alias acme`") {
		t.Errorf("message %q", err)
	}
	if !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("message lacks Salesforce's reason: %q", err)
	}
	assertNoSecret(t, "login-required error", err.Error(), secretsOf(tok)...)
	// Revoking again: Salesforce no longer knows the token.
	err = Revoke(ctx, nil, tok.InstanceURL, tok.RefreshToken)
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.Status != 400 {
		t.Fatalf("second revoke: %v", err)
	}
	assertNoSecret(t, "revoke error", err.Error(), secretsOf(tok)...)
}

func TestRevokedAccessTokenIsRefreshed(t *testing.T) {
	ts := startOrg(t, nil)
	tok := webLogin(t, ts)
	ctx := context.Background()
	revoke(t, tok, tok.AccessToken)
	// The revoked access token is refused ...
	c := apiClient(t, tok.InstanceURL, sfdc.StaticToken(tok.AccessToken))
	if _, err := c.OrgLimits(ctx); !sfdc.IsSessionExpired(err) {
		t.Fatalf("revoked access token: err = %v", err)
	}
	// ... and the refresh token still gives a new one.
	c = apiClient(t, tok.InstanceURL, NewTokenSource(testConfig(ts), "acme", tok, nil))
	if _, err := c.OrgLimits(ctx); err != nil {
		t.Fatalf("after refresh: %v", err)
	}
}

func TestRefreshWithoutRefreshToken(t *testing.T) {
	_, err := Refresh(context.Background(), Config{LoginURL: ProductionURL, ClientID: "x"}, "acme", "")
	if !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("err = %v", err)
	}
}
