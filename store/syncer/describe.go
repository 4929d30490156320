package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/lazyforce/lazyforce/sfdc"
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
