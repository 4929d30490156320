package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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

// tokenJSON is Salesforce's token response.
type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	IssuedAt     string `json:"issued_at"`
	Scope        string `json:"scope"`
}

func (t tokenJSON) token() *Token {
	tok := &Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, InstanceURL: t.InstanceURL,
		ID: t.ID, IssuedAt: parseMillis(t.IssuedAt), Scope: t.Scope}
	tok.OrgID, tok.UserID = idParts(tok.ID)
	return tok
}

// postForm posts form to an OAuth endpoint and decodes a JSON reply into
// out (nil: ignore the body). An error reply becomes *OAuthError; the body
// never goes into an error (a success body holds tokens).
func postForm(ctx context.Context, hc *http.Client, endpoint string, form url.Values, op string, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%s: %w", op, err)
	}
	if resp.StatusCode >= 400 {
		oe := &OAuthError{Op: op, Status: resp.StatusCode}
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			oe.Code, oe.Description = e.Error, e.Description
		} else {
			oe.Code = fmt.Sprintf("HTTP %d", resp.StatusCode)
		}
		return resp.StatusCode, oe
	}
	if out != nil && len(body) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s: decode the response: %w", op, err)
		}
	}
	return resp.StatusCode, nil
}
