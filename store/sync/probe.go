package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/lazyforce/lazyforce/sfdc"
)

// Salesforce allows 25 subrequests per /composite call, of which at most 5
// may be queries.
const (
	maxSubrequests      = 25
	maxQuerySubrequests = 5
)

// probe fetches the first page of every object's query through /composite,
// five queries per call: an incremental sync with nothing changed costs
// ceil(objects/5) API calls instead of one per object. Objects with more
// pages continue in pull.
func (p *puller) probe(ctx context.Context, plans []*plan) error {
	var batch []*plan
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		reqs := make([]sfdc.Subrequest, len(batch))
		for i, pl := range batch {
			resource := "query"
			if pl.queryAll() {
				resource = "queryAll"
			}
			reqs[i] = sfdc.Subrequest{
				Method:      "GET",
				URL:         p.c.DataPath(resource) + "?" + url.Values{"q": {pl.soql()}}.Encode(),
				ReferenceID: "q" + strconv.Itoa(i),
			}
			if p.cfg.BatchSize > 0 {
				reqs[i].HTTPHeaders = map[string]string{"Sforce-Query-Options": "batchSize=" + strconv.Itoa(p.cfg.BatchSize)}
			}
		}
		resps, err := p.c.Composite(ctx, false, reqs)
		if err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		if len(resps) != len(batch) {
			return fmt.Errorf("sync: composite answered %d of %d subrequests", len(resps), len(batch))
		}
		for i, pl := range batch {
			if err := resps[i].Err(); err != nil {
				if skip := skipReason(err); skip != "" {
					pl.skip = skip
					p.res.Objects[pl.object].Skipped = skip
					p.report(Progress{Object: pl.object, Phase: PhaseSkipped, Note: skip})
					continue
				}
				return fmt.Errorf("sync %s: %w", pl.object, err)
			}
			var page sfdc.QueryPage
			if err := json.Unmarshal(resps[i].Body, &page); err != nil {
				return fmt.Errorf("sync %s: decode query page: %w", pl.object, err)
			}
			pl.first = &page
		}
		batch = batch[:0]
		return nil
	}
	for _, pl := range plans {
		if pl.skip != "" {
			continue
		}
		batch = append(batch, pl)
		if len(batch) == maxQuerySubrequests {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

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
