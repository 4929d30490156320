package auth

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
)

func TestSourceRefreshesAndStores(t *testing.T) {
	ts := startOrg(t, nil)
	tok := webLogin(t, ts)
	st := NewStoreWithKeyring(filepath.Join(t.TempDir(), "credentials"), nil)
	creds := &Credentials{Method: MethodWeb, LoginURL: ts.URL, ClientID: "lazyforce-test", Token: *tok}
	if _, err := st.Save("acme", creds); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := apiClient(t, tok.InstanceURL, Source("acme", creds, SourceOptions{Store: st}))
	ts.ExpireSessions()
	if _, err := c.OrgLimits(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	saved, err := st.Load("acme")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Token.AccessToken == tok.AccessToken || saved.Token.RefreshToken != tok.RefreshToken || saved.Token.Username != ts.Username {
		t.Fatalf("stored after refresh: %v", saved)
	}

	// Logout revokes the refresh token: the stored session is dead.
	if err := RevokeCredentials(ctx, nil, saved); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	c = apiClient(t, tok.InstanceURL, Source("acme", saved, SourceOptions{}))
	if _, err := c.OrgLimits(ctx); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("after logout: %v", err)
	}
}

func TestSourceOfPastedTokenAndSFImport(t *testing.T) {
	ctx := context.Background()
	src := Source("x", &Credentials{Method: MethodAccessToken, Token: Token{AccessToken: "00D000000000001!AQabc"}}, SourceOptions{})
	if tok, err := src.Token(ctx); err != nil || tok != "00D000000000001!AQabc" {
		t.Fatalf("Token = %q, %v", tok, err)
	}
	if _, err := src.Refresh(ctx); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("Refresh = %v", err)
	}
	if _, ok := Source("x", &Credentials{Method: MethodSF, SFAlias: "emu"}, SourceOptions{}).(*SFTokenSource); !ok {
		t.Error("an imported org is not renewed through the CLI")
	}
	// An imported org is not revoked: the session is the CLI's.
	if err := RevokeCredentials(ctx, nil, &Credentials{Method: MethodSF}); !errors.Is(err, ErrNotRevoked) {
		t.Errorf("RevokeCredentials(sf) = %v", err)
	}
}

func TestRevokeOffline(t *testing.T) {
	ts := startOrg(t, nil)
	url := ts.URL
	ts.Close()
	creds := &Credentials{Method: MethodWeb, Token: Token{InstanceURL: url, AccessToken: "00D000000000001!AQsecret", RefreshToken: "5Aep861secret"}}
	err := RevokeCredentials(context.Background(), &http.Client{}, creds)
	if err == nil {
		t.Fatal("revoke against a closed org succeeded")
	}
	assertNoSecret(t, "offline revoke error", err.Error(), secretsOf(&creds.Token)...)
}
