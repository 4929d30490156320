// Package sfdc is a Salesforce REST API client: HTTP with typed errors,
// token refresh and retries, query paging, describe, picklists, records,
// composite requests, change tracking and limits.
package sfdc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Client. The zero value is usable.
type Options struct {
	// APIVersion like "62.0"; empty picks the newest version the org offers.
	APIVersion string
	// HTTPClient sends requests; nil means a client with a 2-minute timeout.
	HTTPClient *http.Client
	// Retry controls retries of transient failures.
	Retry RetryPolicy
	// UserAgent overrides the User-Agent header.
	UserAgent string
	// Trace, if set, is called after every HTTP exchange (for a log file
	// or a status bar). It must be safe for concurrent use.
	Trace func(Trace)
}

// Trace describes one HTTP exchange.
type Trace struct {
	Method   string
	Path     string // without the query string
	Status   int    // 0 when no response arrived
	Attempt  int    // 1 for the first try
	Duration time.Duration
	Err      error // transport error, if any
}

// Client talks to one Salesforce org. It is safe for concurrent use.
type Client struct {
	instanceURL string
	version     string
	hc          *http.Client
	tokens      TokenSource
	retry       RetryPolicy
	userAgent   string
	trace       func(Trace)

	calls     atomic.Int64
	refreshMu sync.Mutex
	// bodies recycles the buffers query pages are read into (see
	// QueryPage.Release).
	bodies bodyPool
	spans  spanPool // and the members noted in them

	mu    sync.Mutex
	usage Usage
}

// NewClient returns a client for the org at instanceURL (e.g.
// "https://acme.my.salesforce.com"). Unless opts.APIVersion is set it asks
// the org for its API versions and uses the newest.
func NewClient(ctx context.Context, instanceURL string, tokens TokenSource, opts Options) (*Client, error) {
	u, err := url.Parse(instanceURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("new client: invalid instance URL %q", instanceURL)
	}
	if tokens == nil {
		return nil, errors.New("new client: nil token source")
	}
	c := &Client{
		instanceURL: strings.TrimRight(instanceURL, "/"),
		version:     strings.TrimPrefix(opts.APIVersion, "v"),
		hc:          opts.HTTPClient,
		tokens:      tokens,
		retry:       opts.Retry,
		userAgent:   opts.UserAgent,
		trace:       opts.Trace,
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 2 * time.Minute}
	}
	if c.userAgent == "" {
		c.userAgent = "lazyforce"
	}
	if c.version == "" {
		vs, err := c.Versions(ctx)
		if err != nil {
			return nil, fmt.Errorf("new client: %w", err)
		}
		if len(vs) == 0 {
			return nil, errors.New("new client: the org lists no API versions")
		}
		c.version = newestVersion(vs).Version
	}
	return c, nil
}

// InstanceURL is the org's base URL without a trailing slash.
func (c *Client) InstanceURL() string { return c.instanceURL }

// APIVersion is the REST API version in use, like "62.0".
func (c *Client) APIVersion() string { return c.version }

// DataPath builds a REST path under /services/data/vNN.0/, escaping each
// part, e.g. DataPath("sobjects", "Account", id).
func (c *Client) DataPath(parts ...string) string {
	var b strings.Builder
	b.WriteString("/services/data/v")
	b.WriteString(c.version)
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// request is one REST call.
type request struct {
	method string
	path   string // absolute path on the instance, may include a query
	query  url.Values
	body   []byte // nil for no body
	header http.Header
	// repeatable marks a request that is safe to send again after a lost
	// response although its method is not idempotent, such as a /composite
	// POST made only of GET subrequests.
	repeatable bool
	// pooled reads the body into a buffer of c.bodies, handed on with the
	// response (response.buf): for a query page, whose holder may give it
	// back (QueryPage.Release).
	pooled bool
}

// idempotent reports whether r may be repeated after a response was lost.
func (r request) idempotent() bool { return r.repeatable || idempotent(r.method) }

// response is a successful (status < 400) reply with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
	buf    *[]byte // body's buffer, from Client.bodies (request.pooled); nil otherwise
}

// do sends r with authentication, refreshing the token once on 401 and
// retrying transient failures. Error statuses become *APIError.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	refreshed := false
	for attempt := 1; ; attempt++ {
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s %s: access token: %w", r.method, r.path, err)
		}
		if err := checkToken(tok); err != nil {
			return nil, err
		}
		start := time.Now()
		resp, err := c.send(ctx, r, tok)
		if c.trace != nil {
			t := Trace{Method: r.method, Path: r.path, Attempt: attempt, Duration: time.Since(start), Err: err}
			if resp != nil {
				t.Status = resp.status
			}
			c.trace(t)
		}
		if err != nil {
			if ctx.Err() == nil && r.idempotent() && transientNetError(err) && attempt < c.retry.attempts() {
				if werr := c.retry.wait(ctx, attempt); werr != nil {
					return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
				}
				continue
			}
			return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
		}
		if resp.status < 400 {
			return resp, nil
		}
		apiErr := decodeErrorBody(resp.status, resp.body)
		apiErr.Method, apiErr.Path = r.method, r.path
		apiErr.Usage = c.Limits()
		if sessionRejected(r.path, apiErr) {
			if refreshed {
				return nil, &SessionExpiredError{Cause: apiErr}
			}
			refreshed = true
			if _, err := c.refresh(ctx, tok); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
			}
			attempt-- // the refresh retry is not a transient-failure retry
			continue
		}
		if transientAPIError(r.idempotent(), apiErr) && attempt < c.retry.attempts() {
			if werr := c.retry.wait(ctx, attempt); werr != nil {
				return nil, apiErr
			}
			continue
		}
		return nil, apiErr
	}
}

// MalformedTokenError means the access token cannot be sent: it holds
// control characters, which no token has and no HTTP header may carry, so
// the stored credentials are damaged. The message never includes the token.
type MalformedTokenError struct{}

// Error tells the user what to do.
func (e *MalformedTokenError) Error() string {
	return "the stored access token is malformed (contains control characters); log in again with 'lazyforce login'"
}

// checkToken returns a *MalformedTokenError when tok holds a C0 or C1
// control character or DEL. Anything else goes to the server, which
// answers a wrong token with 401 (see SessionExpiredError).
func checkToken(tok string) error {
	for _, r := range tok {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return &MalformedTokenError{}
		}
	}
	return nil
}

// sessionRejected reports whether an error response means the access token
// is no longer valid: 401 INVALID_SESSION_ID on the REST API, or 403
// (body "Bad_OAuth_Token") from the identity endpoints under
// /services/oauth2/, which answer an expired token that way.
func sessionRejected(path string, e *APIError) bool {
	switch e.Status {
	case http.StatusUnauthorized:
		return e.Code == "" || e.has(CodeInvalidSession)
	case http.StatusForbidden:
		return strings.HasPrefix(path, "/services/oauth2/")
	}
	return false
}

// refresh renews the access token unless another goroutine already did
// since stale was used.
func (c *Client) refresh(ctx context.Context, stale string) (string, error) {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	if cur, err := c.tokens.Token(ctx); err == nil && cur != stale {
		return cur, nil
	}
	tok, err := c.tokens.Refresh(ctx)
	if err != nil {
		return "", fmt.Errorf("refresh session: %w", err)
	}
	return tok, nil
}

// send performs one HTTP exchange and reads the whole body.
func (c *Client) send(ctx context.Context, r request, tok string) (*response, error) {
	u := c.instanceURL + r.path
	if len(r.query) > 0 {
		sep := "?"
		if strings.Contains(r.path, "?") {
			sep = "&"
		}
		u += sep + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	c.calls.Add(1)
	if u, ok := parseLimitInfo(res.Header.Get("Sforce-Limit-Info")); ok {
		c.mu.Lock()
		c.usage = u
		c.mu.Unlock()
	}
	// A pooled request reads into a recycled buffer, handed on with the
	// response; an error body is read into its own.
	var buf *[]byte
	var into []byte
	if r.pooled && res.StatusCode < 400 {
		buf = c.bodies.get(res.ContentLength)
		into = (*buf)[:0]
	}
	b, err := readBody(res, into)
	if err != nil {
		return nil, fmt.Errorf("read response (status %d): %w", res.StatusCode, err)
	}
	if buf != nil {
		*buf = b
	}
	return &response{status: res.StatusCode, header: res.Header, body: b, buf: buf}, nil
}

// readBody reads res's body into buf (empty, with the capacity the body
// is expected to need; nil for a new one), in one allocation at most when
// its length is known (a query page is about a megabyte: growing the
// buffer as it arrives cost more than decoding it).
func readBody(res *http.Response, buf []byte) ([]byte, error) {
	if n := res.ContentLength; n > 0 && n <= 1<<30 {
		buf = slices.Grow(buf, int(n))[:n]
		if _, err := io.ReadFull(res.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(cap(buf), 512)) // doubling, from io.ReadAll's first size
		}
		n, err := res.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// bodyPool recycles the buffers query pages are read into. A sync reads
// about a megabyte per page; a buffer read into again costs neither an
// allocation (zeroed, then faulted in by the kernel on a fresh heap) nor
// garbage collection. A page gives its buffer back only when its holder
// is done with its records (QueryPage.Release); the pool, a sync.Pool,
// drops what goes unused between garbage collections.
type bodyPool struct{ pool sync.Pool }

// get returns a buffer for a body of n bytes (n <= 0: unknown), empty.
func (p *bodyPool) get(n int64) *[]byte {
	if n < 0 || n > 1<<30 {
		n = 0
	}
	if b, _ := p.pool.Get().(*[]byte); b != nil && int64(cap(*b)) >= n {
		*b = (*b)[:0]
		return b
	}
	// None, or one too small, which is dropped: put back, it would be
	// the next one taken again. The pool ends up holding buffers for the
	// largest pages.
	// Room for a page somewhat larger than this one (pages of an object
	// vary in size), in 64 KiB steps.
	c := (n + n/4 + 64<<10 - 1) &^ (64<<10 - 1)
	b := make([]byte, 0, c)
	return &b
}

// put gives b back for another body.
func (p *bodyPool) put(b *[]byte) {
	p.pool.Put(b)
}

// getJSON GETs path and decodes the JSON body into out.
func (c *Client) getJSON(ctx context.Context, path string, query url.Values, out any) error {
	resp, err := c.do(ctx, request{method: http.MethodGet, path: path, query: query})
	if err != nil {
		return err
	}
	return decodeJSON(resp, out)
}

// sendJSON sends in (marshalled, unless nil) with method and decodes the
// response into out (unless out is nil or the body is empty).
func (c *Client) sendJSON(ctx context.Context, method, path string, query url.Values, header http.Header, in, out any) (*response, error) {
	r := request{method: method, path: path, query: query, header: header}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encode body: %w", method, path, err)
		}
		r.body = b
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if out != nil && len(bytes.TrimSpace(resp.body)) > 0 {
		if err := decodeJSON(resp, out); err != nil {
			return resp, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return resp, nil
}

func decodeJSON(resp *response, out any) error {
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("decode response (status %d, %d bytes): %w", resp.status, len(resp.body), err)
	}
	return nil
}
