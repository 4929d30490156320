package sfdc

import (
	"context"
	"fmt"
)

// Identity is the OpenID userinfo of the logged-in user
// (GET /services/oauth2/userinfo).
type Identity struct {
	Sub               string            `json:"sub"`
	UserID            ID                `json:"user_id"`
	OrganizationID    ID                `json:"organization_id"`
	PreferredUsername string            `json:"preferred_username"`
	Nickname          string            `json:"nickname"`
	Name              string            `json:"name"`
	GivenName         string            `json:"given_name"`
	FamilyName        string            `json:"family_name"`
	Email             string            `json:"email"`
	EmailVerified     bool              `json:"email_verified"`
	ZoneInfo          string            `json:"zoneinfo"`
	Locale            string            `json:"locale"`
	Language          string            `json:"language"`
	UTCOffset         int64             `json:"utcOffset"` // milliseconds
	UserType          string            `json:"user_type"`
	Active            bool              `json:"active"`
	Picture           string            `json:"picture"`
	Profile           string            `json:"profile"`
	URLs              map[string]string `json:"urls"`
	UpdatedAt         string            `json:"updated_at"`
}

// UserInfo fetches the identity of the token's user.
func (c *Client) UserInfo(ctx context.Context) (*Identity, error) {
	var id Identity
	if err := c.getJSON(ctx, "/services/oauth2/userinfo", nil, &id); err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	return &id, nil
}
