package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

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
