package auth

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"golang.org/x/oauth2"
)

func TestLoginWebAgainstEmulator(t *testing.T) {
	ts := startOrg(t, nil)
	ln := loopback(t)
	port := ln.Addr().(*net.TCPAddr).Port
	var seen *url.URL
	open := func(ctx context.Context, authURL string) error {
		seen, _ = url.Parse(authURL)
		return followingBrowser(t)(ctx, authURL)
	}
	tok, err := LoginWeb(context.Background(), testConfig(ts), WebOptions{Listener: ln, Open: open})
	if err != nil {
		t.Fatalf("LoginWeb: %v", err)
	}
	q := seen.Query()
	if seen.Path != "/services/oauth2/authorize" || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("client_id") != "lazyforce-test" ||
		q.Get("redirect_uri") != "http://localhost:"+strconv.Itoa(port)+"/OauthRedirect" || q.Get("scope") != "api refresh_token offline_access" {
		t.Errorf("authorize URL = %s", seen)
	}
	if tok.InstanceURL != ts.URL || tok.Username != ts.Username || tok.UserID != ts.UserID() || tok.OrgID != ts.OrgID() {
		t.Errorf("token identity = %s %s %s %s", tok.InstanceURL, tok.Username, tok.UserID, tok.OrgID)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.IssuedAt.IsZero() {
		t.Fatalf("token lacks tokens or issued_at: %v", tok)
	}
	// The token works with the REST client.
	c, err := sfdc.NewClient(context.Background(), tok.InstanceURL, sfdc.StaticToken(tok.AccessToken), sfdc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserInfo(context.Background()); err != nil {
		t.Fatalf("userinfo with the new token: %v", err)
	}
	assertNoSecret(t, "Token.String", tok.String(), secretsOf(tok)...)
}

func TestLoginWebWrongState(t *testing.T) {
	ts := startOrg(t, nil)
	// A browser that swaps the state, as a forged redirect would.
	open := func(ctx context.Context, authURL string) error {
		u, _ := url.Parse(authURL)
		q := u.Query()
		q.Set("state", "forged")
		u.RawQuery = q.Encode()
		return followingBrowser(t)(ctx, u.String())
	}
	_, err := LoginWeb(context.Background(), testConfig(ts), WebOptions{Listener: loopback(t), Open: open})
	if !errors.Is(err, ErrStateMismatch) {
		t.Fatalf("err = %v, want ErrStateMismatch", err)
	}
}

func TestLoginWebWrongVerifier(t *testing.T) {
	ts := startOrg(t, nil)
	// The authorize request carries another verifier's challenge, so the
	// verifier sent at exchange time does not match it.
	open := func(ctx context.Context, authURL string) error {
		u, _ := url.Parse(authURL)
		q := u.Query()
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()))
		u.RawQuery = q.Encode()
		return followingBrowser(t)(ctx, u.String())
	}
	_, err := LoginWeb(context.Background(), testConfig(ts), WebOptions{Listener: loopback(t), Open: open})
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" || oe.Status != 400 {
		t.Fatalf("err = %v, want invalid_grant from the token endpoint", err)
	}
	if !strings.Contains(err.Error(), "exchange the authorization code") {
		t.Errorf("error does not say what failed: %v", err)
	}
}

func TestLoginWebDenied(t *testing.T) {
	ts := startOrg(t, func(o *emulator.Options) { o.DenyAuthorize = true })
	_, err := LoginWeb(context.Background(), testConfig(ts), WebOptions{Listener: loopback(t), Open: followingBrowser(t)})
	if !errors.Is(err, ErrDenied) {
		t.Fatalf("err = %v, want ErrDenied", err)
	}
}

func TestLoginWebPortTaken(t *testing.T) {
	ts := startOrg(t, nil)
	busy := loopback(t)
	port := busy.Addr().(*net.TCPAddr).Port
	opened := false
	_, err := LoginWeb(context.Background(), testConfig(ts), WebOptions{Port: port, Open: func(context.Context, string) error {
		opened = true
		return nil
	}})
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != port {
		t.Fatalf("err = %v, want PortInUseError for %d", err, port)
	}
	if !strings.Contains(err.Error(), "--port") || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("message does not say how to fix it: %v", err)
	}
	if opened {
		t.Error("the browser was opened although nothing can receive the callback")
	}
}

func TestLoginWebBrowserUnavailableThenUserOpensURL(t *testing.T) {
	ts := startOrg(t, nil)
	var printed string
	opts := WebOptions{
		Listener: loopback(t),
		Open: func(_ context.Context, authURL string) error {
			return openWith("no-such-browser-lazyforce", "linux", authURL)
		},
	}
	opts.OnOpenError = func(err error) {
		printed = err.Error()
		var oe *OpenError
		if !errors.As(err, &oe) {
			t.Errorf("open error %T, want *OpenError", err)
			return
		}
		// The user copies the URL into a browser.
		if err := followingBrowser(t)(context.Background(), oe.URL); err != nil {
			t.Error(err)
		}
	}
	tok, err := LoginWeb(context.Background(), testConfig(ts), opts)
	if err != nil {
		t.Fatalf("LoginWeb: %v", err)
	}
	if !strings.Contains(printed, "open this URL: "+ts.URL+"/services/oauth2/authorize?") {
		t.Errorf("printed %q", printed)
	}
	assertNoSecret(t, "open error", printed, secretsOf(tok)...)
}

func TestLoginWebCancelled(t *testing.T) {
	ts := startOrg(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The user presses ctrl+c instead of logging in.
	_, err := LoginWeb(ctx, testConfig(ts), WebOptions{Listener: loopback(t), Open: func(context.Context, string) error {
		cancel()
		return nil
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestLoginWebNeedsClientID(t *testing.T) {
	_, err := LoginWeb(context.Background(), Config{LoginURL: ProductionURL}, WebOptions{})
	if err == nil || !strings.Contains(err.Error(), "--client-id") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenWith(t *testing.T) {
	const u = "https://login.salesforce.com/services/oauth2/authorize?x=1"
	if err := openWith("true", "linux", u); err != nil {
		t.Errorf("BROWSER=true: %v", err)
	}
	// The first command that exists wins.
	if err := openWith("no-such-browser-lazyforce:true %s", "linux", u); err != nil {
		t.Errorf("BROWSER list: %v", err)
	}
	err := openWith("no-such-browser-lazyforce", "linux", u)
	var oe *OpenError
	if !errors.As(err, &oe) || oe.URL != u || !strings.HasSuffix(err.Error(), "open this URL: "+u) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoginURL(t *testing.T) {
	for _, c := range []struct {
		sandbox          bool
		domain, loginURL string
		want             string
	}{
		{want: "https://login.salesforce.com"},
		{sandbox: true, want: "https://test.salesforce.com"},
		{domain: "Acme", want: "https://acme.my.salesforce.com"},
		{domain: "acme--uat.sandbox.my.salesforce.com", want: "https://acme--uat.sandbox.my.salesforce.com"},
		{domain: "https://acme.my.salesforce.com/", want: "https://acme.my.salesforce.com"},
		{loginURL: "http://127.0.0.1:8080/some/path", want: "http://127.0.0.1:8080"},
	} {
		got, err := LoginURL(c.sandbox, c.domain, c.loginURL)
		if err != nil || got != c.want {
			t.Errorf("LoginURL(%v, %q, %q) = %q, %v; want %q", c.sandbox, c.domain, c.loginURL, got, err, c.want)
		}
	}
	for _, bad := range [][3]string{{"true", "acme", ""}, {"", "acme", "https://x"}, {"", "bad name", ""}, {"", "", "ftp://x"}} {
		if got, err := LoginURL(bad[0] == "true", bad[1], bad[2]); err == nil {
			t.Errorf("LoginURL(%q) = %q, want an error", bad, got)
		}
	}
}

// LoginWeb releases its port when it returns.
func TestLoginWebReleasesPort(t *testing.T) {
	ts := startOrg(t, nil)
	ln := loopback(t)
	port := ln.Addr().(*net.TCPAddr).Port
	if _, err := LoginWeb(context.Background(), testConfig(ts), WebOptions{Listener: ln, Open: followingBrowser(t)}); err != nil {
		t.Fatal(err)
	}
	again, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("port %d still taken after the login: %v", port, err)
	}
	again.Close()
}
