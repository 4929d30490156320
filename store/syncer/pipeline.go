package syncer

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// item is one step handed from the fetching goroutine to the writer.
type item struct {
	pl   *plan
	page *sfdc.QueryPage
	idx  *store.IndexSet // the page's index entries (bulk passes)
	skip string          // the object turned out not to be queryable
	err  error
}

// pipeline fetches pages in one goroutine and commits them in another, so
// the network, the server and JSON decoding overlap with bbolt writes.
//
// Queries start through /composite, five per call (Salesforce's limit on
// query subrequests): first, for objects starting a full pass, the
// high-water mark; then the first page of each object's query. An
// incremental sync with nothing changed therefore costs ceil(objects/5)
// API calls. Further pages follow nextRecordsUrl one call each.
func (p *puller) pipeline(ctx context.Context, plans []*plan) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan item, 4)
	go func() {
		defer close(items)
		if err := p.fetchAll(ctx, plans, items); err != nil {
			select {
			case items <- item{err: err}:
			case <-ctx.Done():
			}
		}
	}()
	var held *item // received while batching, not yet handled
	for {
		var it item
		if held != nil {
			it, held = *held, nil
		} else {
			var ok bool
			if it, ok = <-items; !ok {
				break
			}
		}
		switch {
		case it.err != nil:
			return it.err
		case it.skip != "":
			it.pl.skip = it.skip
			p.res.Objects[it.pl.object].Skipped = it.skip
			p.report(Progress{Object: it.pl.object, Phase: PhaseSkipped, Note: it.skip})
			continue
		}
		// Commit the pages of this object already waiting together.
		pl := it.pl
		pages, idx := []*sfdc.QueryPage{it.page}, []*store.IndexSet{it.idx}
		n := len(it.page.Records)
	batch:
		for !isLast(pages[len(pages)-1]) && n < maxRecordsPerCommit {
			select {
			case next, ok := <-items:
				if !ok {
					break batch
				}
				if next.err != nil || next.skip != "" || next.pl != pl {
					held = &next
					break batch
				}
				pages, idx = append(pages, next.page), append(idx, next.idx)
				n += len(next.page.Records)
			default:
				break batch
			}
		}
		if err := p.commit(pl, pages, idx); err != nil {
			return fmt.Errorf("sync %s: %w", pl.object, err)
		}
		// A resumed pass is done only after its catch-up (see Run).
		if isLast(pages[len(pages)-1]) && !pl.resumed {
			p.report(Progress{Object: pl.object, Phase: PhaseDone, Pages: pl.pages, Records: pl.records, Total: pl.total, Deleted: p.res.Objects[pl.object].Deleted})
		}
	}
	return ctx.Err()
}

// fetchAll runs in the fetching goroutine. It writes a plan's watermark
// (the high-water mark) only before that plan's first page is handed over;
// after that the plan belongs to the writer.
func (p *puller) fetchAll(ctx context.Context, plans []*plan, out chan<- item) error {
	send := func(it item) error {
		select {
		case out <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	type job struct {
		pl        *plan
		highWater bool
	}
	var jobs []job
	for _, pl := range plans {
		if pl.skip != "" {
			continue
		}
		if pl.bulk && !pl.wm.HighWaterSet {
			jobs = append(jobs, job{pl, true})
		}
		jobs = append(jobs, job{pl, false})
	}
	skipped := map[*plan]bool{}
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
			if skipped[pl] {
				continue
			}
			if err := resps[i].Err(); err != nil {
				skip := skipReason(err)
				if skip == "" {
					return fmt.Errorf("sync %s: %w", pl.object, err)
				}
				skipped[pl] = true
				if err := send(item{pl: pl, skip: skip}); err != nil {
					return err
				}
				continue
			}
			page, err := sfdc.DecodeQueryPage(resps[i].Body)
			if err != nil {
				return fmt.Errorf("sync %s: %w", pl.object, err)
			}
			if j.highWater {
				pl.wm.HighWaterSet = true
				if len(page.Records) > 0 {
					st, err := store.ReadStamp(page.Records[0])
					if err != nil {
						return fmt.Errorf("sync %s: high-water mark: %w", pl.object, err)
					}
					pl.wm.HighWater = st.Modstamp
				}
				continue
			}
			if err := p.fetchRest(ctx, pl, page, send); err != nil {
				return err
			}
		}
	}
	return nil
}

func isLast(page *sfdc.QueryPage) bool { return page.Done || page.NextRecordsURL == "" }

// fetchRest hands over page and every page after it; in a new full pass it
// also computes each page's index entries here, off the writer's path.
func (p *puller) fetchRest(ctx context.Context, pl *plan, page *sfdc.QueryPage, send func(item) error) error {
	collect := pl.index != nil
	for {
		it := item{pl: pl, page: page}
		if collect {
			it.idx = &store.IndexSet{}
			for _, raw := range page.Records {
				if err := it.idx.Add(pl.object, raw); err != nil {
					return fmt.Errorf("sync %s: %w", pl.object, err)
				}
			}
		}
		if err := send(it); err != nil {
			return err
		}
		if page.Done || page.NextRecordsURL == "" {
			return nil
		}
		next, err := p.c.NextPage(ctx, page.NextRecordsURL, p.cfg.BatchSize)
		if err != nil {
			return fmt.Errorf("sync %s: %w", pl.object, err)
		}
		page = next
	}
}
