package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// Salesforce allows 25 subrequests per /composite call, of which at most 5
// may be queries.
const (
	maxSubrequests      = 25
	maxQuerySubrequests = 5
)

// probe fetches, through /composite with five queries per call, first the
// high-water mark of every object starting a full pass, then the first page
// of every object's query: an incremental sync with nothing changed costs
// ceil(objects/5) API calls instead of one per object. Objects with more
// pages continue in pull.
func (p *puller) probe(ctx context.Context, plans []*plan) error {
	type job struct {
		pl        *plan
		highWater bool
	}
	var jobs []job
	for _, pl := range plans {
		if pl.skip == "" && pl.bulk && !pl.wm.HighWaterSet {
			jobs = append(jobs, job{pl, true})
		}
	}
	for _, pl := range plans {
		if pl.skip == "" {
			jobs = append(jobs, job{pl, false})
		}
	}
	for start := 0; start < len(jobs); start += maxQuerySubrequests {
		chunk := jobs[start:min(start+maxQuerySubrequests, len(jobs))]
		reqs := make([]sfdc.Subrequest, len(chunk))
		for i, j := range chunk {
			resource, soql := "query", j.pl.highWaterSOQL()
			if !j.highWater {
				soql = j.pl.soql()
				if j.pl.queryAll() {
					resource = "queryAll"
				}
			}
			reqs[i] = sfdc.Subrequest{
				Method:      "GET",
				URL:         p.c.DataPath(resource) + "?" + url.Values{"q": {soql}}.Encode(),
				ReferenceID: "q" + strconv.Itoa(i),
			}
			if p.cfg.BatchSize > 0 && !j.highWater {
				reqs[i].HTTPHeaders = map[string]string{"Sforce-Query-Options": "batchSize=" + strconv.Itoa(p.cfg.BatchSize)}
			}
		}
		resps, err := p.c.Composite(ctx, false, reqs)
		if err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		if len(resps) != len(chunk) {
			return fmt.Errorf("sync: composite answered %d of %d subrequests", len(resps), len(chunk))
		}
		for i, j := range chunk {
			pl := j.pl
			if pl.skip != "" {
				continue
			}
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
			if !j.highWater {
				pl.first = &page
				continue
			}
			pl.wm.HighWaterSet = true
			if len(page.Records) > 0 {
				st, err := store.ReadStamp(page.Records[0])
				if err != nil {
					return fmt.Errorf("sync %s: high-water mark: %w", pl.object, err)
				}
				pl.wm.HighWater = st.Modstamp
			}
		}
	}
	return nil
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
