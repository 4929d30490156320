package emulator

import (
	"net/http/httptest"
	"testing"
)

// TestServer is a Server listening on a loopback port, with everything a
// client needs to connect.
type TestServer struct {
	*Server
	// URL is the instance URL, like http://127.0.0.1:PORT.
	URL string
	// Tokens and username of the logged-in rep.
	AccessToken, RefreshToken, AdminToken, Username string

	http *httptest.Server
}

// Start serves a new emulator on loopback. Call Close when done.
func Start(opts Options) *TestServer {
	srv := New(opts)
	hs := httptest.NewServer(srv.Handler())
	return &TestServer{Server: srv, URL: hs.URL, AccessToken: srv.AccessToken(), RefreshToken: srv.RefreshToken(),
		AdminToken: srv.AdminToken(), Username: srv.Username(), http: hs}
}

// StartTest is Start for tests: the server is closed when tb ends.
func StartTest(tb testing.TB, opts Options) *TestServer {
	tb.Helper()
	ts := Start(opts)
	tb.Cleanup(ts.Close)
	return ts
}

// Close shuts the listener down.
func (t *TestServer) Close() { t.http.Close() }
