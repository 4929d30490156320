package sfdc

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
)

// truncateFirst sends a partial body (Content-Length larger than what is
// written) for the first n requests, then the full page.
func truncateFirst(n int, calls *atomic.Int32) http.Handler {
	full := `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Name":"whole"}]}`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if int(calls.Add(1)) <= n {
			w.Header().Set("Content-Length", strconv.Itoa(len(full)))
			w.Write([]byte(full[:20]))
			return // the server closes the short response
		}
		w.Write([]byte(full))
	})
}

func TestTruncatedBodyIsRetriedForGet(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, truncateFirst(2, &calls))
	res, err := c.Query(ctx, "SELECT Name FROM Account")
	if err != nil {
		t.Fatalf("query after truncated bodies: %v", err)
	}
	if res.Records[0].String("Name") != "whole" || calls.Load() != 3 {
		t.Errorf("name %q after %d calls", res.Records[0].String("Name"), calls.Load())
	}
}

func TestUnreachableOrgIsNetworkError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens here now
	c, err := NewClient(ctx, "http://"+addr, StaticToken("t"), Options{APIVersion: "62.0", Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Query(ctx, "SELECT Id FROM Account")
	if !IsNetworkError(err) {
		t.Fatalf("IsNetworkError(%v) = false", err)
	}
	if IsSessionExpired(err) || IsNotFound(err) {
		t.Errorf("misclassified %v", err)
	}
	if c.APICalls() != 0 {
		t.Errorf("APICalls = %d for requests that never reached the org", c.APICalls())
	}

	srv := httptest.NewServer(serveJSON(t, 404, []byte(`[{"errorCode":"NOT_FOUND","message":"x"}]`), nil))
	defer srv.Close()
	c2, _ := NewClient(ctx, srv.URL, StaticToken("t"), Options{APIVersion: "62.0", HTTPClient: srv.Client()})
	if _, err := c2.Describe(ctx, "Nope__c"); IsNetworkError(err) || !IsNotFound(err) {
		t.Errorf("API error classified as network error: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c2.Describe(cctx, "Account"); IsNetworkError(err) || err == nil {
		t.Errorf("cancelled context: %v", err)
	}
}
