package sfdc

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"syscall"
	"time"
)

// RetryPolicy controls retries of transient failures: UNABLE_TO_LOCK_ROW
// (any method), 502/503/504 and dropped connections (idempotent requests
// only: GET, HEAD, DELETE, and /composite calls made only of GETs). Delays
// grow exponentially from BaseDelay, are capped at MaxDelay and jittered to
// between half and all of the delay.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts; 0 means 4, 1 disables retries.
	MaxAttempts int
	// BaseDelay is the delay before the first retry; 0 means 500ms.
	BaseDelay time.Duration
	// MaxDelay caps every delay; 0 means 10s.
	MaxDelay time.Duration
}

func (p RetryPolicy) attempts() int {
	if p.MaxAttempts <= 0 {
		return 4
	}
	return p.MaxAttempts
}

// delay returns the jittered wait before retry number n (1-based).
func (p RetryPolicy) delay(n int) time.Duration {
	base, maxD := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxD <= 0 {
		maxD = 10 * time.Second
	}
	d := base
	for i := 1; i < n && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(d-half+1)
}

// wait sleeps before retry n, or returns early with the context's error.
func (p RetryPolicy) wait(ctx context.Context, n int) error {
	return Sleep(ctx, p.delay(n))
}

// Sleep waits for d, or returns early with the context's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// idempotent reports whether a request with this method may be repeated
// after a response was lost.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// transientNetError reports whether err is a dropped connection worth retrying.
func transientNetError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE)
}

// transientAPIError reports whether an error response is worth retrying;
// idempotent says the request may be repeated.
func transientAPIError(idempotent bool, e *APIError) bool {
	if e.has(CodeRowLock) {
		return true // the DML was rolled back; safe for any method
	}
	if e.has(CodeRequestLimit) {
		return false
	}
	switch e.Status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}
