package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// testNow is the fixed "today" of most tests: mid fiscal Q2 (fiscal year
// starts in February), late calendar Q2.
var testNow = time.Date(2026, time.June, 10, 15, 30, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

// startTest starts a scale-1 demo org on loopback with the fixed clock.
func startTest(t *testing.T, mod func(*Options)) *TestServer {
	t.Helper()
	opts := Options{Seed: 7, Now: fixedClock}
	if mod != nil {
		mod(&opts)
	}
	return StartTest(t, opts)
}

// response is a decoded HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// call sends a request with the rep's access token (token "" omits it).
func call(t *testing.T, ts *TestServer, method, path string, body any, headers ...string) response {
	t.Helper()
	return callWith(t, ts, ts.AccessToken, method, path, body, headers...)
}

func callWith(t *testing.T, ts *TestServer, token, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// wantError checks a Salesforce error response: status, JSON array body
// with one error of code, and the exact content type.
func wantError(t *testing.T, r response, status int, code string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var errs []map[string]any
	r.json(t, &errs)
	if len(errs) != 1 || errs[0]["errorCode"] != code {
		t.Fatalf("errors = %s, want one %s", r.body, code)
	}
	if _, ok := errs[0]["message"].(string); !ok {
		t.Errorf("error without message: %s", r.body)
	}
	return errs[0]
}

// fixture reads a recorded Salesforce response (copied into testdata from
// the shared fixtures).
func fixture(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

const v = "/services/data/v62.0"

func decodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
