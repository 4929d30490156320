package syncer

import (
	"context"
	"fmt"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// ReadIdentity asks the org who the token belongs to (userinfo) and the
// org settings offline SOQL needs (fiscal year start, currency, time zone).
// The Organization query is best effort: a user who cannot read it still
// gets an identity.
func ReadIdentity(ctx context.Context, c *sfdc.Client) (store.Identity, error) {
	ui, err := c.UserInfo(ctx)
	if err != nil {
		return store.Identity{}, fmt.Errorf("read identity: %w", err)
	}
	id := store.Identity{
		UserID:      string(ui.UserID),
		OrgID:       string(ui.OrganizationID),
		Username:    ui.PreferredUsername,
		DisplayName: ui.Name,
		InstanceURL: c.InstanceURL(),
		APIVersion:  c.APIVersion(),
		TimeZone:    ui.ZoneInfo,
	}
	res, err := c.Query(ctx, "SELECT FiscalYearStartMonth, DefaultCurrencyIsoCode FROM Organization LIMIT 1")
	if err == nil && len(res.Records) == 1 {
		if m, ok := res.Records[0].Int("FiscalYearStartMonth"); ok && m >= 1 && m <= 12 {
			id.FiscalYearStartMonth = int(m)
		}
		id.Currency = res.Records[0].String("DefaultCurrencyIsoCode")
	}
	return id, nil
}
