package sfdc

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Usage is the org's API request usage from the Sforce-Limit-Info header.
type Usage struct {
	Used  int
	Max   int
	Known bool // false until a response carried the header
}

// String renders "N/M" or "unknown".
func (u Usage) String() string {
	if !u.Known {
		return "unknown"
	}
	return fmt.Sprintf("%d/%d", u.Used, u.Max)
}

// parseLimitInfo reads "api-usage=N/M" from a Sforce-Limit-Info header value
// such as "api-usage=16/100000; per-app-api-usage=17/250(appName=x)".
func parseLimitInfo(h string) (Usage, bool) {
	for part := range strings.SplitSeq(h, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || strings.TrimSpace(k) != "api-usage" {
			continue
		}
		usedS, maxS, ok := strings.Cut(strings.TrimSpace(v), "/")
		if !ok {
			return Usage{}, false
		}
		used, err1 := strconv.Atoi(usedS)
		maxV, err2 := strconv.Atoi(maxS)
		if err1 != nil || err2 != nil {
			return Usage{}, false
		}
		return Usage{Used: used, Max: maxV, Known: true}, true
	}
	return Usage{}, false
}

// Limits returns the API usage reported by the most recent response that
// carried a Sforce-Limit-Info header.
func (c *Client) Limits() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.usage
}

// APICalls returns how many requests of this client the org answered
// (retries included; also the version list and userinfo, which Salesforce
// does not count against the daily limit; token refreshes excluded).
func (c *Client) APICalls() int64 { return c.calls.Load() }

// Limit is one entry of GET /limits.
type Limit struct {
	Max       int
	Remaining int
	// ByApp holds per-connected-app sub-limits some orgs report
	// (e.g. DailyApiRequests["Salesforce for iOS"]).
	ByApp map[string]Limit
}

// Used is Max - Remaining.
func (l Limit) Used() int { return l.Max - l.Remaining }

// UnmarshalJSON decodes {"Max":…,"Remaining":…,"<app>":{…}}.
func (l *Limit) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*l = Limit{}
	for k, v := range m {
		switch k {
		case "Max":
			if err := json.Unmarshal(v, &l.Max); err != nil {
				return fmt.Errorf("limit Max: %w", err)
			}
		case "Remaining":
			if err := json.Unmarshal(v, &l.Remaining); err != nil {
				return fmt.Errorf("limit Remaining: %w", err)
			}
		default:
			var sub Limit
			if err := json.Unmarshal(v, &sub); err != nil {
				continue // unknown non-object key; ignore
			}
			if l.ByApp == nil {
				l.ByApp = map[string]Limit{}
			}
			l.ByApp[k] = sub
		}
	}
	return nil
}

// OrgLimits fetches GET /limits: every org limit by name (DailyApiRequests,
// DataStorageMB, …).
func (c *Client) OrgLimits(ctx context.Context) (map[string]Limit, error) {
	var out map[string]Limit
	if err := c.getJSON(ctx, c.DataPath("limits"), nil, &out); err != nil {
		return nil, fmt.Errorf("limits: %w", err)
	}
	return out, nil
}
