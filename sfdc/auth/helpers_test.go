package auth

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// startOrg serves an empty emulated org on loopback.
func startOrg(t *testing.T, mod func(*emulator.Options)) *emulator.TestServer {
	t.Helper()
	opts := emulator.Options{Empty: true}
	if mod != nil {
		mod(&opts)
	}
	return emulator.StartTest(t, opts)
}

// testConfig is a connected app on the emulated org's login host.
func testConfig(ts *emulator.TestServer) Config {
	return Config{LoginURL: ts.URL, ClientID: "lazyforce-test"}
}

// apiClient is an API v66.0 client of the org at instanceURL whose tokens
// come from src.
func apiClient(t *testing.T, instanceURL string, src sfdc.TokenSource) *sfdc.Client {
	t.Helper()
	c, err := sfdc.NewClient(context.Background(), instanceURL, src, sfdc.Options{APIVersion: "66.0"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// revoke revokes token, one of tok's, at tok's instance.
func revoke(t *testing.T, tok *Token, token string) {
	t.Helper()
	if err := Revoke(context.Background(), nil, tok.InstanceURL, token); err != nil {
		t.Fatalf("revoke: %v", err)
	}
}

// loopback listens on a free loopback port for LoginWeb.
func loopback(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// followingBrowser is an Open func acting as the user's browser: it loads
// the authorize URL and follows the redirect to the callback.
func followingBrowser(t *testing.T) func(context.Context, string) error {
	return func(ctx context.Context, authURL string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
}

// secretsOf are the strings that must never be shown.
func secretsOf(toks ...*Token) []string {
	var out []string
	for _, t := range toks {
		if t == nil {
			continue
		}
		for _, s := range []string{t.AccessToken, t.RefreshToken} {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// assertNoSecret fails if text contains any secret (or its first 20
// characters, which is already too much).
func assertNoSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		probe := s
		if len(probe) > 20 {
			probe = probe[:20]
		}
		if strings.Contains(text, probe) {
			t.Errorf("%s shows a token: %q", what, text)
		}
	}
}
