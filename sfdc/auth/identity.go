package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// publicToken is what a Token shows of itself in JSON.
type publicToken struct {
	InstanceURL string    `json:"instance_url"`
	ID          string    `json:"id,omitempty"`
	IssuedAt    time.Time `json:"issued_at,omitzero"`
	Scope       string    `json:"scope,omitempty"`
	Username    string    `json:"username,omitempty"`
	UserID      string    `json:"user_id,omitempty"`
	OrgID       string    `json:"org_id,omitempty"`
}

func marshalPublic(t Token) ([]byte, error) { return json.Marshal(publicOf(t)) }

// publicOf is all of t but its secrets.
func publicOf(t Token) publicToken {
	return publicToken{InstanceURL: t.InstanceURL, ID: t.ID, IssuedAt: t.IssuedAt, Scope: t.Scope,
		Username: t.Username, UserID: t.UserID, OrgID: t.OrgID}
}

// token is the token of p with its secrets.
func (p publicToken) token(accessToken, refreshToken string) Token {
	return Token{AccessToken: accessToken, RefreshToken: refreshToken, InstanceURL: p.InstanceURL, ID: p.ID,
		IssuedAt: p.IssuedAt, Scope: p.Scope, Username: p.Username, UserID: p.UserID, OrgID: p.OrgID}
}

// Identify fills tok's Username, UserID and OrgID from the org's userinfo
// endpoint (GET {instance}/services/oauth2/userinfo).
func Identify(ctx context.Context, hc *http.Client, tok *Token) error {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(tok.InstanceURL, "/")+"/services/oauth2/userinfo", nil)
	if err != nil {
		return fmt.Errorf("userinfo: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("userinfo: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("userinfo: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("userinfo: HTTP %d", resp.StatusCode)
	}
	var info struct {
		PreferredUsername string `json:"preferred_username"`
		UserID            string `json:"user_id"`
		OrganizationID    string `json:"organization_id"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return fmt.Errorf("userinfo: decode: %w", err)
	}
	if info.PreferredUsername == "" {
		return fmt.Errorf("userinfo: no preferred_username in the response")
	}
	tok.Username, tok.UserID, tok.OrgID = info.PreferredUsername, info.UserID, info.OrganizationID
	return nil
}
