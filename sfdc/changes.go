package sfdc

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// Updated is the result of GET sobjects/T/updated.
type Updated struct {
	IDs               []ID `json:"ids"`
	LatestDateCovered Time `json:"latestDateCovered"`
}

// DeletedRecord is one entry of a deleted-records result.
type DeletedRecord struct {
	ID          ID   `json:"id"`
	DeletedDate Time `json:"deletedDate"`
}

// Deleted is the result of GET sobjects/T/deleted.
type Deleted struct {
	DeletedRecords        []DeletedRecord `json:"deletedRecords"`
	EarliestDateAvailable Time            `json:"earliestDateAvailable"`
	LatestDateCovered     Time            `json:"latestDateCovered"`
}

func (c *Client) changes(ctx context.Context, sobject, kind string, start, end time.Time, out any) error {
	if err := ValidateName(sobject); err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	q := url.Values{"start": {FormatDatetime(start)}, "end": {FormatDatetime(end)}}
	if err := c.getJSON(ctx, c.DataPath("sobjects", sobject, kind)+"/", q, out); err != nil {
		return fmt.Errorf("%s %s: %w", kind, sobject, err)
	}
	return nil
}

// UpdatedSince lists ids of sobject records created or updated between start
// and end (UTC, at most 30 days back; Salesforce rounds to the minute).
func (c *Client) UpdatedSince(ctx context.Context, sobject string, start, end time.Time) (*Updated, error) {
	var u Updated
	if err := c.changes(ctx, sobject, "updated", start, end, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// DeletedSince lists sobject records deleted between start and end.
func (c *Client) DeletedSince(ctx context.Context, sobject string, start, end time.Time) (*Deleted, error) {
	var d Deleted
	if err := c.changes(ctx, sobject, "deleted", start, end, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
