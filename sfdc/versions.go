package sfdc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Version is one entry of GET /services/data/.
type Version struct {
	Label   string `json:"label"`
	URL     string `json:"url"`
	Version string `json:"version"`
}

// Versions lists the REST API versions the org offers (GET /services/data/).
func (c *Client) Versions(ctx context.Context) ([]Version, error) {
	var vs []Version
	if err := c.getJSON(ctx, "/services/data/", nil, &vs); err != nil {
		return nil, fmt.Errorf("list API versions: %w", err)
	}
	return vs, nil
}

// newestVersion returns the highest version by number (the list is
// normally ascending, but do not rely on it). vs must not be empty.
func newestVersion(vs []Version) Version {
	best := vs[0]
	for _, v := range vs[1:] {
		if versionNumber(v.Version) > versionNumber(best.Version) {
			best = v
		}
	}
	return best
}

func versionNumber(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimPrefix(s, "v"), 64)
	if err != nil {
		return -1
	}
	return f
}
