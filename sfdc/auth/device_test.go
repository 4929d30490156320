package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// recordingTransport remembers the OAuth error code of each reply.
type recordingTransport struct {
	mu     sync.Mutex
	errors []string
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	rt.mu.Lock()
	rt.errors = append(rt.errors, e.Error)
	rt.mu.Unlock()
	return resp, nil
}

func (rt *recordingTransport) seen() string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return strings.Join(rt.errors, ",")
}

func TestLoginDeviceApprovedAfterPending(t *testing.T) {
	ts := startOrg(t, func(o *emulator.Options) { o.DevicePendingPolls = 2 })
	rec := &recordingTransport{}
	cfg := testConfig(ts)
	cfg.HTTPClient = &http.Client{Transport: rec}
	var shown DeviceCode
	tok, err := LoginDevice(context.Background(), cfg, DeviceOptions{
		Show:     func(dc DeviceCode) { shown = dc },
		Interval: time.Millisecond,
	})
	if err != nil {
		t.Fatalf("LoginDevice: %v", err)
	}
	if len(shown.UserCode) != 8 || shown.VerificationURI != ts.URL+"/setup/connect" || shown.Interval != 5*time.Second {
		t.Errorf("shown %+v", shown)
	}
	if tok.Username != ts.Username || tok.InstanceURL != ts.URL || tok.RefreshToken == "" || tok.AccessToken == "" {
		t.Errorf("token %v", tok)
	}
	// start, two pending polls, the token, then userinfo.
	if got := rec.seen(); got != ",authorization_pending,authorization_pending,," {
		t.Errorf("replies = %q", got)
	}
}

func TestLoginDeviceApprovedByTheUser(t *testing.T) {
	ts := startOrg(t, func(o *emulator.Options) { o.DeviceManualApproval = true })
	tok, err := LoginDevice(context.Background(), testConfig(ts), DeviceOptions{
		Show: func(dc DeviceCode) {
			if err := ts.ApproveDevice(dc.UserCode); err != nil {
				t.Error(err)
			}
		},
		Interval: time.Millisecond,
	})
	if err != nil || tok.Username != ts.Username {
		t.Fatalf("LoginDevice = %v, %v", tok, err)
	}
}

func TestLoginDeviceDeniedAndExpired(t *testing.T) {
	ts := startOrg(t, func(o *emulator.Options) { o.DeviceManualApproval = true })
	for _, c := range []struct {
		settle func(string) error
		want   error
	}{{ts.DenyDevice, ErrDenied}, {ts.ExpireDevice, ErrExpired}} {
		_, err := LoginDevice(context.Background(), testConfig(ts), DeviceOptions{
			Show: func(dc DeviceCode) {
				if err := c.settle(dc.UserCode); err != nil {
					t.Error(err)
				}
			},
			Interval: time.Millisecond,
		})
		if !errors.Is(err, c.want) {
			t.Errorf("err = %v, want %v", err, c.want)
		}
	}
}

func TestLoginDeviceSlowDown(t *testing.T) {
	// The org asks for 1 s between polls; the client starts at 1 ms, gets
	// slow_down and waits longer.
	ts := startOrg(t, func(o *emulator.Options) {
		o.DeviceInterval, o.DeviceEnforceInterval, o.DevicePendingPolls = 1, true, 2
	})
	rec := &recordingTransport{}
	cfg := testConfig(ts)
	cfg.HTTPClient = &http.Client{Transport: rec}
	tok, err := LoginDevice(context.Background(), cfg, DeviceOptions{
		Show:     func(DeviceCode) {},
		Interval: time.Millisecond,
		SlowDown: time.Second,
	})
	if err != nil {
		t.Fatalf("LoginDevice: %v (replies %s)", err, rec.seen())
	}
	if got := rec.seen(); got != ",authorization_pending,slow_down,," || tok.AccessToken == "" {
		t.Errorf("replies = %q", got)
	}
}

func TestLoginDeviceCancelled(t *testing.T) {
	ts := startOrg(t, func(o *emulator.Options) { o.DeviceManualApproval = true })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// ctrl+c while the code is shown.
	_, err := LoginDevice(ctx, testConfig(ts), DeviceOptions{Show: func(DeviceCode) { cancel() }, Interval: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
