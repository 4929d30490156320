package sfdc

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Call sends a request to any REST resource not covered by a dedicated
// method, with the same authentication, refresh, retry and error handling.
// path is absolute on the instance (e.g. c.DataPath("search")); in, if not
// nil, is sent as JSON; out, if not nil, receives the decoded JSON reply.
// It returns the HTTP status.
func (c *Client) Call(ctx context.Context, method, path string, query url.Values, in, out any) (int, error) {
	if !strings.HasPrefix(path, "/") {
		return 0, fmt.Errorf("call %s %s: path must start with /", method, path)
	}
	resp, err := c.sendJSON(ctx, method, path, query, nil, in, out)
	if err != nil {
		return 0, err
	}
	return resp.status, nil
}
