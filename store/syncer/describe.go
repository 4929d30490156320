package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// Salesforce allows 25 subrequests per /composite call, of which at most 5
// may be queries.
const (
	maxSubrequests      = 25
	maxQuerySubrequests = 5
)

// describeMany fetches describes through /composite, 25 per call.
func (p *puller) describeMany(ctx context.Context, objects []string, out map[string]describeResult) error {
	for start := 0; start < len(objects); start += maxSubrequests {
		chunk := objects[start:min(start+maxSubrequests, len(objects))]
		reqs := make([]sfdc.Subrequest, len(chunk))
		for i, object := range chunk {
			if err := sfdc.ValidateName(object); err != nil {
				return fmt.Errorf("sync: %w", err)
			}
			p.report(Progress{Object: object, Phase: PhaseDescribe})
			reqs[i] = sfdc.Subrequest{Method: "GET", URL: p.c.DataPath("sobjects", object, "describe"), ReferenceID: "d" + strconv.Itoa(i)}
		}
		resps, err := p.c.Composite(ctx, false, reqs)
		if err != nil {
			return fmt.Errorf("sync: describe: %w", err)
		}
		if len(resps) != len(chunk) {
			return fmt.Errorf("sync: composite answered %d of %d describes", len(resps), len(chunk))
		}
		for i, object := range chunk {
			if err := resps[i].Err(); err != nil {
				if skip := skipReason(err); skip != "" {
					out[object] = describeResult{skip: skip}
					continue
				}
				return fmt.Errorf("sync: describe %s: %w", object, err)
			}
			var d sfdc.SObjectDescribe
			if err := json.Unmarshal(resps[i].Body, &d); err != nil {
				return fmt.Errorf("sync: decode describe of %s: %w", object, err)
			}
			if err := p.st.PutDescribe(d.Name, resps[i].Body, p.cfg.now()); err != nil {
				return err
			}
			out[object] = describeResult{desc: &d}
		}
	}
	return nil
}

// RefreshPicklists fetches the UI API picklist values of object for one
// record type (one call) and caches them with their age.
func RefreshPicklists(ctx context.Context, c *sfdc.Client, st *store.Store, object string, recordTypeID sfdc.ID) error {
	if err := sfdc.ValidateName(object); err != nil {
		return err
	}
	var raw json.RawMessage
	if _, err := c.Call(ctx, http.MethodGet, c.DataPath("ui-api", "object-info", object, "picklist-values", string(recordTypeID)), nil, nil, &raw); err != nil {
		return fmt.Errorf("picklists %s %s: %w", object, recordTypeID, err)
	}
	return st.PutPicklists(object, string(recordTypeID), raw, time.Now())
}

// RefreshDescribe fetches object's describe and caches it.
func RefreshDescribe(ctx context.Context, c *sfdc.Client, st *store.Store, object string) error {
	if err := sfdc.ValidateName(object); err != nil {
		return err
	}
	var raw json.RawMessage
	if _, err := c.Call(ctx, http.MethodGet, c.DataPath("sobjects", object, "describe"), nil, nil, &raw); err != nil {
		return fmt.Errorf("describe %s: %w", object, err)
	}
	return st.PutDescribe(object, raw, time.Now())
}
