package syncer

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// DefaultMaxInFlight is how many requests a sync keeps in flight at most
// when Config.MaxInFlight is 0. Salesforce allows 25 concurrent
// long-running (over 20 s) requests per org; query pages take about a
// second, and other clients of the org need their share.
const DefaultMaxInFlight = 8

// maxOpenCursors bounds the objects paging at once: Salesforce keeps at
// most 10 query cursors open per user and releases the oldest beyond that
// (its next page then fails with INVALID_QUERY_LOCATOR; the sync fails and
// the next one resumes). Objects whose first page is their last hold
// their token only until that page arrives.
const maxOpenCursors = 10

// maxPagesPerCommit bounds the pages of one object a commit writes (at
// the default page size, maxRecordsPerCommit records), so that a sync
// killed at any point has committed its progress in steps.
const maxPagesPerCommit = 2

// queuedPages bounds the pages fetched in order and waiting for the
// writer. Its commits take up to maxRecordsPerCommit records (two full
// pages) of what is waiting, so a queue of two keeps them full; every page
// queued beyond that is a megabyte or two of live heap (its body, the
// spans of its members, its index entries), which a lazy garbage
// collector (see ui/cli's sync) multiplies into fresh memory the kernel
// must fault in and zero.
const queuedPages = 2

// item is one step handed from the fetching goroutines to the writer.
type item struct {
	pl   *plan
	page *sfdc.QueryPage
	idx  *store.IndexSet // the page's index entries (bulk passes)
	skip string          // the object turned out not to be queryable
	err  error
}

// pipeline fetches pages in several goroutines and commits them in this
// one, so the network, the server and JSON decoding overlap with bbolt
// writes, and requests overlap with each other.
//
// Queries start through /composite, five per call (Salesforce's limit on
// query subrequests): first, for objects starting a full pass, the
// high-water mark; then the first page of each object's query. An
// incremental sync with nothing changed therefore costs ceil(objects/5)
// API calls. Further pages are fetched one call each, several at once (see
// fetchRest); each object's pages reach the writer in the server's page
// order, so the cursor committed with them means what it meant when pages
// were fetched one at a time.
func (p *puller) pipeline(ctx context.Context, plans []*plan) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan item, queuedPages)
	go func() {
		defer close(items)
		if err := p.fetchAll(ctx, plans, items); err != nil {
			select {
			case items <- item{err: err}:
			case <-ctx.Done():
			}
		}
	}()
	for {
		it, ok := <-items
		if !ok {
			break
		}
		// Commit the pages already waiting together, in one transaction.
		batch := []item{it}
		n := pageLen(it.page)
	drain:
		for n < maxRecordsPerCommit {
			select {
			case next, ok := <-items:
				if !ok {
					break drain
				}
				batch = append(batch, next)
				n += pageLen(next.page)
			default:
				break drain
			}
		}
		if err := p.handle(batch); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func pageLen(page *sfdc.QueryPage) int {
	if page == nil {
		return 0
	}
	return len(page.Records)
}

// handle applies a batch of items: skips, then the pages grouped by object
// (in arrival order, which is each object's page order) in one commit, then
// the first error.
func (p *puller) handle(batch []item) error {
	var groups []*pageGroup
	byPlan := map[*plan]*pageGroup{}
	var firstErr error
	for _, it := range batch {
		switch {
		case it.err != nil:
			if firstErr == nil {
				firstErr = it.err
			}
		case it.skip != "":
			it.pl.skip = it.skip
			p.res.Objects[it.pl.object].Skipped = it.skip
			p.report(Progress{Object: it.pl.object, Phase: PhaseSkipped, Note: it.skip})
		default:
			g := byPlan[it.pl]
			if g == nil {
				g = &pageGroup{pl: it.pl}
				byPlan[it.pl] = g
				groups = append(groups, g)
			}
			g.pages = append(g.pages, it.page)
			g.idx = append(g.idx, it.idx)
		}
	}
	// At most maxPagesPerCommit pages of one object per commit: rounds of
	// commits take each object's next pages.
	for len(groups) > 0 {
		var round, next []*pageGroup
		for _, g := range groups {
			if len(g.pages) <= maxPagesPerCommit {
				round = append(round, g)
				continue
			}
			round = append(round, &pageGroup{pl: g.pl, pages: g.pages[:maxPagesPerCommit], idx: g.idx[:maxPagesPerCommit]})
			next = append(next, &pageGroup{pl: g.pl, pages: g.pages[maxPagesPerCommit:], idx: g.idx[maxPagesPerCommit:]})
		}
		if err := p.commitRound(round); err != nil {
			return err
		}
		releasePages(round)
		groups = next
	}
	return firstErr
}

// releasePages gives the memory of committed pages back for the pages
// still to come (sfdc.QueryPage.Release). Only after the commit: bbolt
// holds on to the values put in a transaction until it commits, and
// nothing the sync keeps (index entries, watermarks, counts) aliases a
// page's bytes.
func releasePages(groups []*pageGroup) {
	for _, g := range groups {
		for _, page := range g.pages {
			page.Release()
		}
	}
}

// commitRound commits groups of distinct objects. A group that completes a
// full pass rebuilds the object's indexes in key order: in its own
// transaction, so that its keys do not land in the middle of index nodes
// another object just filled in memory (each insert would move the rest
// of the node).
func (p *puller) commitRound(groups []*pageGroup) error {
	var rest []*pageGroup
	for _, g := range groups {
		if !g.pl.bulk || !isLast(g.pages[len(g.pages)-1]) {
			rest = append(rest, g)
			continue
		}
		if err := p.commit([]*pageGroup{g}); err != nil {
			return err
		}
	}
	if len(rest) > 0 {
		return p.commit(rest)
	}
	return nil
}

// fetcher is the state the fetching goroutines of one pipeline share.
type fetcher struct {
	p   *puller
	ctx context.Context
	out chan<- item
	// cursors holds a token per object whose query cursor is open.
	cursors chan struct{}
	// window holds a token per page fetched ahead of its turn and not yet
	// handed to the writer (bounded memory): as many as the requests in
	// flight, so that over a slow network every slot can be busy, while
	// over a fast one (where the writer is the bottleneck and every page
	// fetched ahead just waits) few pages are held.
	window chan struct{}
}

func (f *fetcher) send(it item) error {
	select {
	case f.out <- it:
		return nil
	case <-f.ctx.Done():
		return f.ctx.Err()
	}
}

// acquire takes a token from sem, waiting for ctx.
func acquire(ctx context.Context, sem chan struct{}) error {
	select {
	case sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// composite sends reqs as one /composite call within the in-flight bound.
func (f *fetcher) composite(ctx context.Context, reqs []sfdc.Subrequest) ([]sfdc.Subresponse, error) {
	resps, err := f.p.composite(ctx, reqs)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	return resps, nil
}

// nextPage fetches one page by URL within the in-flight bound.
func (f *fetcher) nextPage(ctx context.Context, pl *plan, u string) (*sfdc.QueryPage, error) {
	if err := acquire(ctx, f.p.slots); err != nil {
		return nil, err
	}
	defer func() { <-f.p.slots }()
	page, err := f.p.c.NextPage(ctx, u, f.p.cfg.BatchSize)
	if err != nil {
		return nil, fmt.Errorf("sync %s: %w", pl.object, err)
	}
	return page, nil
}

// group runs goroutines and keeps the first error; the first error cancels
// the others through cancel.
type group struct {
	wg     sync.WaitGroup
	once   sync.Once
	err    error
	cancel context.CancelFunc
}

func (g *group) Go(fn func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := fn(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

// fetchAll runs the fetching side. It writes a plan's watermark (the
// high-water mark) only before that plan's first page is handed over;
// after that the plan belongs to the writer.
func (p *puller) fetchAll(ctx context.Context, plans []*plan, out chan<- item) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := &fetcher{p: p, ctx: ctx, out: out, cursors: make(chan struct{}, maxOpenCursors),
		window: make(chan struct{}, p.cfg.maxInFlight())}
	var highWater, first []*plan
	for _, pl := range plans {
		if pl.skip != "" {
			continue
		}
		if pl.bulk && !pl.wm.HighWaterSet {
			highWater = append(highWater, pl)
		}
		first = append(first, pl)
	}

	// The high-water marks, read before any full pass starts.
	var mu sync.Mutex
	skipped := map[*plan]bool{}
	g := &group{cancel: cancel}
	for start := 0; start < len(highWater); start += maxQuerySubrequests {
		chunk := highWater[start:min(start+maxQuerySubrequests, len(highWater))]
		g.Go(func() error {
			reqs := make([]sfdc.Subrequest, len(chunk))
			for i, pl := range chunk {
				reqs[i] = p.querySubrequest(i, "query", pl.highWaterSOQL(), false)
			}
			pages, err := f.queryFirst(chunk, reqs)
			if err != nil {
				return err
			}
			for i, pl := range chunk {
				if pages[i] == nil {
					mu.Lock()
					skipped[pl] = true
					mu.Unlock()
					continue
				}
				pl.wm.HighWaterSet = true
				if page := pages[i]; len(page.Records) > 0 {
					st, err := store.ReadStamp(page.Records[0])
					if err != nil {
						return fmt.Errorf("sync %s: high-water mark: %w", pl.object, err)
					}
					pl.wm.HighWater = st.Modstamp
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	first = slices.DeleteFunc(first, func(pl *plan) bool { return skipped[pl] })

	// The first pages, then every object's further pages. Each object
	// holds a cursor token from its first page to its last.
	g = &group{cancel: cancel}
	for start := 0; start < len(first); start += maxQuerySubrequests {
		chunk := first[start:min(start+maxQuerySubrequests, len(first))]
		for range chunk {
			if err := acquire(ctx, f.cursors); err != nil {
				_ = g.Wait()
				return err
			}
		}
		g.Go(func() error {
			held := len(chunk)
			defer func() {
				for ; held > 0; held-- {
					<-f.cursors
				}
			}()
			reqs := make([]sfdc.Subrequest, len(chunk))
			for i, pl := range chunk {
				resource := "query"
				if pl.queryAll() {
					resource = "queryAll"
				}
				reqs[i] = p.querySubrequest(i, resource, pl.soql(), true)
			}
			pages, err := f.queryFirst(chunk, reqs)
			if err != nil {
				return err
			}
			for i, pl := range chunk {
				page := pages[i]
				if page == nil {
					continue
				}
				// Read before the first page is handed over (the writer
				// may drop the index later).
				collect := pl.index != nil
				held--
				g.Go(func() error {
					defer func() { <-f.cursors }()
					return f.fetchRest(pl, page, collect)
				})
			}
			return nil
		})
	}
	return g.Wait()
}

// queryFirst runs reqs, one query per plan of chunk, in one /composite call
// and returns each plan's first page. A plan whose object turns out not to
// be queryable has no page: it is sent to the writer as skipped.
func (f *fetcher) queryFirst(chunk []*plan, reqs []sfdc.Subrequest) ([]*sfdc.QueryPage, error) {
	resps, err := f.composite(f.ctx, reqs)
	if err != nil {
		return nil, err
	}
	pages := make([]*sfdc.QueryPage, len(chunk))
	for i, pl := range chunk {
		page, skip, err := decodeSubresponse(pl, resps[i])
		if err != nil {
			return nil, err
		}
		if skip != "" {
			if err := f.send(item{pl: pl, skip: skip}); err != nil {
				return nil, err
			}
			continue
		}
		pages[i] = page
	}
	return pages, nil
}

// querySubrequest is the /composite subrequest running soql.
func (p *puller) querySubrequest(i int, resource, soql string, paged bool) sfdc.Subrequest {
	r := sfdc.Subrequest{
		Method:      "GET",
		URL:         p.c.DataPath(resource) + "?" + url.Values{"q": {soql}}.Encode(),
		ReferenceID: "q" + strconv.Itoa(i),
	}
	if p.cfg.BatchSize > 0 && paged {
		r.HTTPHeaders = map[string]string{"Sforce-Query-Options": "batchSize=" + strconv.Itoa(p.cfg.BatchSize)}
	}
	return r
}

// decodeSubresponse returns a query subresponse's page, or why the object
// is skipped.
func decodeSubresponse(pl *plan, resp sfdc.Subresponse) (*sfdc.QueryPage, string, error) {
	if err := resp.Err(); err != nil {
		skip := skipReason(err)
		if skip == "" {
			return nil, "", fmt.Errorf("sync %s: %w", pl.object, err)
		}
		return nil, skip, nil
	}
	page, err := sfdc.DecodeQueryPage(resp.Body)
	if err != nil {
		return nil, "", fmt.Errorf("sync %s: %w", pl.object, err)
	}
	return page, "", nil
}

func isLast(page *sfdc.QueryPage) bool { return page.Done || page.NextRecordsURL == "" }

// pageItem is a page with its index entries when collect (new full
// passes compute them here, off the writer's path).
func pageItem(pl *plan, page *sfdc.QueryPage, collect bool) (item, error) {
	it := item{pl: pl, page: page}
	if collect {
		it.idx = &store.IndexSet{}
		for i, raw := range page.Records {
			// From where the page's split found the record's fields, else
			// by scanning it.
			var err error
			if m, ok := page.Members(i); ok {
				err = it.idx.AddMembers(pl.object, m)
			} else {
				err = it.idx.Add(pl.object, raw)
			}
			if err != nil {
				return item{}, fmt.Errorf("sync %s: %w", pl.object, err)
			}
		}
	}
	return it, nil
}

// splitLocator splits a nextRecordsUrl ".../query/01g…-2000" into its
// prefix (up to and including the dash) and offset.
func splitLocator(next string) (prefix string, offset int, ok bool) {
	i := strings.LastIndexByte(next, '-')
	if i < 0 || strings.LastIndexByte(next, '/') > i {
		return "", 0, false
	}
	n, err := strconv.Atoi(next[i+1:])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return next[:i+1], n, true
}

// fetchRest hands over first and every page after it, in order.
//
// Salesforce's nextRecordsUrl names the cursor and the offset of the next
// page ("…/query/01g…-2000"); the pages of one cursor can be fetched at
// any offset, so when the first page of n records says the next one starts
// at n, the pages at 2n, 3n… up to totalSize are fetched concurrently,
// within the in-flight bound and at most a window (shared by the objects)
// ahead of the writer.
// A page is handed over only if the page before it named its URL as
// nextRecordsUrl: the chain of pages is exactly the server's, and if the
// server pages otherwise (smaller pages, fewer records) the rest follows
// nextRecordsUrl one page at a time.
func (f *fetcher) fetchRest(pl *plan, first *sfdc.QueryPage, collect bool) error {
	firstNext, n, total := first.NextRecordsURL, len(first.Records), first.TotalSize
	if last, err := f.handOver(pl, first, collect); err != nil || last {
		return err
	}
	prefix, step, ok := splitLocator(firstNext)
	if !ok || step != n || total <= step {
		return f.followFrom(pl, firstNext, collect)
	}
	var urls []string
	for off := step; off < total; off += step {
		urls = append(urls, prefix+strconv.Itoa(off))
	}

	type result struct {
		it  item
		err error
	}
	ctx, cancel := context.WithCancel(f.ctx)
	var wg sync.WaitGroup
	launched, delivered := 0, 0
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		wg.Wait()
		// Give back the window of the pages fetched for nothing.
		for ; launched > delivered; launched-- {
			<-f.window
		}
	}
	defer stop()
	results := make([]chan result, len(urls))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, u := range urls {
			if err := acquire(ctx, f.window); err != nil {
				return
			}
			launched++
			wg.Add(1)
			go func() {
				defer wg.Done()
				page, err := f.nextPage(ctx, pl, u)
				if err != nil {
					results[i] <- result{err: err}
					return
				}
				it, err := pageItem(pl, page, collect)
				results[i] <- result{it: it, err: err}
			}()
		}
	}()
	nextURL := firstNext
	for i, u := range urls {
		if nextURL != u {
			break
		}
		var r result
		select {
		case r = <-results[i]:
		case <-f.ctx.Done():
			return f.ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		// Read before the page is handed over: the writer releases it
		// once committed.
		next, last := r.it.page.NextRecordsURL, isLast(r.it.page)
		if err := f.send(r.it); err != nil {
			return err
		}
		<-f.window
		delivered++
		if last {
			return nil
		}
		nextURL = next
	}
	// The server's chain left the planned offsets: follow it instead.
	stop()
	return f.followFrom(pl, nextURL, collect)
}

// followFrom hands over the page at next and every page after it, one
// request at a time.
func (f *fetcher) followFrom(pl *plan, next string, collect bool) error {
	for {
		page, err := f.nextPage(f.ctx, pl, next)
		if err != nil {
			return err
		}
		next = page.NextRecordsURL // before the writer may release the page
		if last, err := f.handOver(pl, page, collect); err != nil || last {
			return err
		}
	}
}

// handOver sends page to the writer and reports whether it is the object's
// last. The page is the writer's from then on (it releases it once
// committed): handOver's callers read what they need of it before.
func (f *fetcher) handOver(pl *plan, page *sfdc.QueryPage, collect bool) (last bool, err error) {
	it, err := pageItem(pl, page, collect)
	if err != nil {
		return false, err
	}
	last = isLast(page)
	if err := f.send(it); err != nil {
		return false, err
	}
	return last, nil
}
