package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DeviceCode is what the user needs to approve a device login.
type DeviceCode struct {
	UserCode        string        // e.g. "K3XQ7ZPA"
	VerificationURI string        // e.g. https://login.salesforce.com/setup/connect
	Interval        time.Duration // polling interval the server asked for
}

// DeviceOptions configure LoginDevice.
type DeviceOptions struct {
	// Show tells the user the code and the URL. Required.
	Show func(DeviceCode)
	// Interval, if positive, replaces the server's polling interval (tests).
	Interval time.Duration
	// SlowDown is added to the interval on each slow_down; 0 means 5 s as
	// RFC 8628 says.
	SlowDown time.Duration
}

// LoginDevice runs Salesforce's device flow: it asks for a code
// (response_type=device_code on the token endpoint), shows it, and polls
// (grant_type=device&code=…) until the user approves (the token),
// denies (ErrDenied) or the code expires (ErrExpired). authorization_pending
// waits another interval; slow_down lengthens it. Salesforce announces no
// expiry, so bound ctx with a timeout; cancelling ctx (ctrl+c) stops at once.
func LoginDevice(ctx context.Context, cfg Config, opts DeviceOptions) (*Token, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if opts.Show == nil {
		return nil, errors.New("device login: no Show callback")
	}
	tokenURL := endpoint(cfg.LoginURL).TokenURL
	form := url.Values{"response_type": {"device_code"}, "client_id": {cfg.ClientID}, "scope": {strings.Join(cfg.scopes(), " ")}}
	var start struct {
		DeviceCode      string `json:"device_code"`
		UserCode        string `json:"user_code"`
		VerificationURI string `json:"verification_uri"`
		Interval        int    `json:"interval"`
	}
	if _, err := postForm(ctx, cfg.httpClient(), tokenURL, form, "request a device code", &start); err != nil {
		return nil, err
	}
	if start.DeviceCode == "" || start.UserCode == "" {
		return nil, errors.New("request a device code: the response has no device_code or user_code")
	}
	interval := time.Duration(start.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second
	}
	opts.Show(DeviceCode{UserCode: start.UserCode, VerificationURI: start.VerificationURI, Interval: interval})
	if opts.Interval > 0 {
		interval = opts.Interval
	}
	slowDown := opts.SlowDown
	if slowDown <= 0 {
		slowDown = 5 * time.Second
	}
	poll := url.Values{"grant_type": {"device"}, "client_id": {cfg.ClientID}, "code": {start.DeviceCode}}
	if cfg.ClientSecret != "" {
		poll.Set("client_secret", cfg.ClientSecret)
	}
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("device login cancelled: %w", ctx.Err())
		case <-timer.C:
		}
		var tr tokenJSON
		_, err := postForm(ctx, cfg.httpClient(), tokenURL, poll, "poll for the device token", &tr)
		var oe *OAuthError
		switch {
		case err == nil:
			tok := tr.token()
			if tok.AccessToken == "" || tok.InstanceURL == "" {
				return nil, errors.New("device login: the token response lacks access_token or instance_url")
			}
			if err := Identify(ctx, cfg.httpClient(), tok); err != nil {
				return nil, fmt.Errorf("identify the logged-in user: %w", err)
			}
			return tok, nil
		case !errors.As(err, &oe):
			return nil, err
		case oe.Code == "authorization_pending":
		case oe.Code == "slow_down":
			interval += slowDown
		case oe.Code == "access_denied":
			return nil, ErrDenied
		case oe.Code == "expired_token":
			return nil, ErrExpired
		default:
			return nil, err
		}
		timer.Reset(interval)
	}
}
