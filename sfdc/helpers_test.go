package sfdc

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// fastRetry keeps retry tests quick.
var fastRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}

// fixtureDir is shared/fixtures/salesforce beside the repository
// (../shared when CI clones the repo with shared/ next to it). go test runs
// in the package directory, so that is ../../shared from here; the test
// file's own location is the fallback.
func fixtureDir(t *testing.T) string {
	t.Helper()
	rel := filepath.Join("..", "..", "shared", "fixtures", "salesforce")
	candidates := []string{rel}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(file), rel))
	}
	for _, dir := range candidates {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	t.Fatalf("fixture directory missing: looked for %v (the shared/ checkout must sit beside the repository)", candidates)
	return ""
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir(t), name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// newTestClient starts h on httptest and returns a client for it pinned
// to API v62.0 with a static token and tiny retry delays.
func newTestClient(t *testing.T, h http.Handler) (*Client, *httptest.Server) {
	t.Helper()
	return newTestClientTokens(t, h, StaticToken("00Dx0000000TEST!tok"))
}

func newTestClientTokens(t *testing.T, h http.Handler, ts TokenSource) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewClient(context.Background(), srv.URL, ts, Options{APIVersion: "62.0", HTTPClient: srv.Client(), Retry: fastRetry})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, srv
}

// serveJSON answers every request with status and body, like Salesforce
// (JSON content type, Sforce-Limit-Info), after letting check inspect it.
func serveJSON(t *testing.T, status int, body []byte, check func(r *http.Request, body []byte)) http.Handler {
	t.Helper()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, _ := io.ReadAll(r.Body)
		if check != nil {
			check(r, in)
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Sforce-Limit-Info", "api-usage=51/100000")
		w.WriteHeader(status)
		w.Write(body)
	})
}

// expectRequest returns a check that fails the test unless the request has
// the given method and path.
func expectRequest(t *testing.T, method, path string) func(*http.Request, []byte) {
	return func(r *http.Request, _ []byte) {
		if r.Method != method || r.URL.Path != path {
			t.Errorf("request = %s %s, want %s %s", r.Method, r.URL.Path, method, path)
		}
	}
}
