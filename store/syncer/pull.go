package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// overlap re-reads records modified this long before the watermark, so a
// record committed late with an older SystemModstamp is not missed.
// Re-read records are byte-identical and count as unchanged.
const overlap = 60 * time.Second

// maxPendingIndexEntries bounds the index entries a full pass keeps in
// memory (about 100 bytes each); beyond it the index is rebuilt from disk.
const maxPendingIndexEntries = 4 << 20

// maxRecordsPerCommit bounds how many records one transaction writes when
// several pages are waiting (fewer, larger commits; bounded memory).
const maxRecordsPerCommit = 4000

// maxIndexEntriesPerCommit bounds the index entries one transaction of a
// full pass deletes or inserts, so that no transaction (and no reader of
// another process waiting for it) grows with the cache: the old entries
// of an object are dropped alongside its pages, the new ones inserted in
// as many transactions as they need after its last page (see indexStep).
const maxIndexEntriesPerCommit = 20000

// Run syncs the configured objects of the org behind c into st.
func Run(ctx context.Context, c *sfdc.Client, st *store.Store, cfg Config) (*Result, error) {
	start := time.Now()
	calls0 := c.APICalls()
	objects := cfg.Objects
	if len(objects) == 0 {
		objects = DefaultObjects
	}
	res := &Result{Objects: map[string]*ObjectResult{}}
	p := &puller{c: c, st: st, cfg: &cfg, res: res, slots: make(chan struct{}, cfg.maxInFlight())}

	// A cache written before index blocks has its indexes converted once.
	if err := st.UpgradeIndexes(); err != nil {
		return nil, err
	}
	plans, err := p.plan(ctx, objects)
	if err != nil {
		return nil, err
	}
	// The picklists and org settings of the objects just described are
	// fetched while the records are.
	setupCtx, cancelSetup := context.WithCancel(ctx)
	defer cancelSetup()
	type setupResult struct {
		notes []Progress
		err   error
	}
	setupDone := make(chan setupResult, 1)
	go func() {
		notes, err := p.fetchSetup(setupCtx, p.described, p.descs)
		setupDone <- setupResult{notes, err}
	}()
	err = p.pipeline(ctx, plans)
	if err != nil {
		cancelSetup()
	}
	setup := <-setupDone
	if err != nil {
		return nil, err
	}
	for _, note := range setup.notes {
		p.report(note)
	}
	if setup.err != nil {
		return nil, setup.err
	}
	// A resumed full pass read only the records after its cursor: those
	// before it were cached by an earlier run and may have been changed or
	// deleted since. Now that the pass is complete, catch up on them like an
	// incremental sync, from the pass's high-water mark (queryAll reports
	// the deletions), so that this sync ends equal to the server.
	if catchUp := catchUpPlans(plans); len(catchUp) > 0 {
		if err := p.pipeline(ctx, catchUp); err != nil {
			return nil, err
		}
	}
	err = st.Update(func(w *store.Writer) error {
		for _, pl := range p.unchanged {
			if err := w.SetWatermark(pl.object, pl.wm); err != nil {
				return fmt.Errorf("sync %s: %w", pl.object, err)
			}
		}
		return w.SetLastSync(cfg.now())
	})
	if err != nil {
		return nil, fmt.Errorf("record sync time: %w", err)
	}
	res.APICalls = c.APICalls() - calls0
	res.Duration = time.Since(start)
	return res, nil
}

// puller holds one sync run's state.
type puller struct {
	c   *sfdc.Client
	st  *store.Store
	cfg *Config
	res *Result
	// slots holds a token per request in flight.
	slots chan struct{}
	// described lists the objects plan described from the org (not from
	// the cache), with descs: their picklists are fetched with the records.
	described []string
	descs     map[string]describeResult
	// unchanged lists the incremental plans that found nothing new: their
	// watermarks (only SyncedAt moves) are written with the sync's last
	// transaction instead of one each. A crash before it leaves them as
	// they were, and the next sync asks again.
	unchanged []*plan
}

// composite sends reqs as one /composite call within the in-flight bound.
func (p *puller) composite(ctx context.Context, reqs []sfdc.Subrequest) ([]sfdc.Subresponse, error) {
	if err := acquire(ctx, p.slots); err != nil {
		return nil, err
	}
	defer func() { <-p.slots }()
	resps, err := p.c.Composite(ctx, false, reqs)
	if err != nil {
		return nil, err
	}
	if len(resps) != len(reqs) {
		return nil, fmt.Errorf("composite answered %d of %d subrequests", len(resps), len(reqs))
	}
	return resps, nil
}

// plan is what to do for one object.
type plan struct {
	object string
	skip   string // reason the object is not synced
	base   string // SELECT … FROM … [WHERE scope]: identifies the field list and scope
	wm     store.Watermark
	// bulk: a full pass (new or resumed) reading records in Id order without
	// per-record indexing; the indexes are rebuilt when the pass completes.
	// Otherwise the sync is incremental, in SystemModstamp order.
	bulk bool
	// drop: a new full pass; the first commit drops the cached records.
	drop bool
	// resumed: a full pass interrupted by an earlier run and resumed after
	// its cursor; an incremental catch-up follows it (see catchUpPlans).
	resumed bool
	// hasWhere: base already has a WHERE clause.
	hasWhere bool
	// hasDeleted: the object has IsDeleted, so queryAll reports deletions.
	hasDeleted bool
	// index collects a new full pass's index entries as pages arrive; nil
	// when resuming a pass (the entries of earlier runs are not in memory)
	// or when too many: then the indexes are rebuilt from the bucket.
	index *store.IndexSet
	// staleLeft: the object's old index entries may not all be dropped yet
	// (a full pass); indexPos: how far the new ones are inserted.
	staleLeft bool
	indexPos  store.IndexPos

	pages   int
	records int
	total   int
}

func (p *puller) report(pr Progress) {
	if p.cfg.Progress != nil {
		p.cfg.Progress(pr)
	}
}

// plan describes the objects (from cache when fresh enough) and builds each
// object's query.
func (p *puller) plan(ctx context.Context, objects []string) ([]*plan, error) {
	// The objects sure to start a full pass read their high-water marks
	// while the describes are fetched.
	early, err := p.earlyHighWater(objects)
	if err != nil {
		return nil, err
	}
	hwCtx, cancelHW := context.WithCancel(ctx)
	defer cancelHW()
	hwDone := make(chan map[string]string, 1)
	go func() { hwDone <- p.readHighWater(hwCtx, early) }()
	descs, err := p.describe(ctx, objects)
	if err != nil {
		cancelHW()
		<-hwDone
		return nil, err
	}
	highWater := <-hwDone
	var plans []*plan
	for _, object := range objects {
		pl := &plan{object: object}
		plans = append(plans, pl)
		p.res.Order = append(p.res.Order, object)
		p.res.Objects[object] = &ObjectResult{}
		d := descs[object]
		if d.skip != "" {
			pl.skip = d.skip
		} else {
			pl.base, pl.hasWhere, pl.hasDeleted, pl.skip = baseQuery(d.desc, p.cfg.where(object))
		}
		if pl.skip != "" {
			p.res.Objects[object].Skipped = pl.skip
			p.report(Progress{Object: object, Phase: PhaseSkipped, Note: pl.skip})
			continue
		}
		wm, ok, err := p.st.Watermark(object)
		if err != nil {
			return nil, err
		}
		maxAge := p.cfg.MaxIncrementalAge
		if maxAge == 0 {
			maxAge = 14 * 24 * time.Hour
		}
		switch {
		case p.cfg.Full || !ok || wm.Query != pl.base || p.cfg.now().Sub(wm.SyncedAt) > maxAge:
			pl.bulk, pl.drop = true, true
			pl.index = &store.IndexSet{}
			wm = store.Watermark{Query: pl.base}
		case !wm.Complete:
			// Resume the interrupted full pass after wm.Cursor.
			pl.bulk, pl.resumed = true, true
		}
		pl.staleLeft = pl.bulk
		if hw, ok := highWater[object]; ok && pl.bulk && !wm.HighWaterSet {
			wm.HighWater, wm.HighWaterSet = hw, true
		}
		pl.wm = wm
	}
	return plans, nil
}

// earlyHighWater lists the objects whose next sync is sure to start a full
// pass (or to resume one without its high-water mark), as plan will decide
// once the describes are known.
func (p *puller) earlyHighWater(objects []string) ([]*plan, error) {
	maxAge := p.cfg.MaxIncrementalAge
	if maxAge == 0 {
		maxAge = 14 * 24 * time.Hour
	}
	var out []*plan
	for _, object := range objects {
		wm, ok, err := p.st.Watermark(object)
		if err != nil {
			return nil, err
		}
		if p.cfg.Full || !ok || p.cfg.now().Sub(wm.SyncedAt) > maxAge || (!wm.Complete && !wm.HighWaterSet) {
			out = append(out, &plan{object: object})
		}
	}
	return out, nil
}

// readHighWater reads the high-water marks of plans, five per /composite
// call, the calls concurrently. It returns what it could read: an object
// missing from the result has its mark read by the pipeline, which also
// reports the errors.
func (p *puller) readHighWater(ctx context.Context, plans []*plan) map[string]string {
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := map[string]string{}
	for start := 0; start < len(plans); start += maxQuerySubrequests {
		chunk := plans[start:min(start+maxQuerySubrequests, len(plans))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			reqs := make([]sfdc.Subrequest, len(chunk))
			for i, pl := range chunk {
				reqs[i] = p.querySubrequest(i, "query", pl.highWaterSOQL(), false)
			}
			resps, err := p.composite(ctx, reqs)
			if err != nil {
				return
			}
			for i, pl := range chunk {
				if resps[i].Err() != nil {
					continue
				}
				page, err := sfdc.DecodeQueryPage(resps[i].Body)
				if err != nil {
					continue
				}
				hw := ""
				if len(page.Records) > 0 {
					st, err := store.ReadStamp(page.Records[0])
					if err != nil {
						continue
					}
					hw = st.Modstamp
				}
				mu.Lock()
				out[pl.object] = hw
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// catchUpPlans returns an incremental plan for each resumed full pass that
// completed, continuing its progress counts.
func catchUpPlans(plans []*plan) []*plan {
	var out []*plan
	for _, pl := range plans {
		if !pl.resumed || pl.skip != "" || !pl.wm.Complete {
			continue
		}
		out = append(out, &plan{
			object:     pl.object,
			base:       pl.base,
			wm:         pl.wm,
			hasWhere:   pl.hasWhere,
			hasDeleted: pl.hasDeleted,
			pages:      pl.pages,
			records:    pl.records,
			total:      pl.total,
		})
	}
	return out
}

// baseQuery lists the fields to select: every field the user can read
// (describe only lists those), minus compound and binary fields, with Id and
// SystemModstamp first.
func baseQuery(d *sfdc.SObjectDescribe, where string) (base string, hasWhere, hasDeleted bool, skip string) {
	if !d.Queryable {
		return "", false, false, "not queryable for this user"
	}
	fields := []string{"Id", "SystemModstamp"}
	hasStamp, hasArchived := false, false
	for _, f := range d.Fields {
		if f.Name == "IsArchived" {
			hasArchived = true
		}
		switch {
		case f.Name == "SystemModstamp":
			hasStamp = true
		case f.Name == "Id":
		case f.Name == "IsDeleted":
			hasDeleted = true
			fields = append(fields, f.Name)
		case f.Type == "address", f.Type == "location", f.Type == "base64", f.Type == "complexvalue":
		default:
			fields = append(fields, f.Name)
		}
	}
	if !hasStamp {
		return "", false, false, "has no SystemModstamp"
	}
	if hasArchived {
		// queryAll also returns archived activities, which query does not.
		if where != "" {
			where = "(" + where + ") AND "
		}
		where += "IsArchived = false"
	}
	base = "SELECT " + strings.Join(fields, ", ") + " FROM " + d.Name
	if where != "" {
		base += " WHERE " + where
	}
	return base, where != "", hasDeleted, ""
}

// soql is the query for the next fetch of pl: in bulk mode the records
// after the cursor in Id order, else those modified since the watermark.
func (pl *plan) soql() string {
	q := pl.base
	where := pl.hasWhere
	and := func(cond string) {
		if where {
			q += " AND " + cond
		} else {
			q += " WHERE " + cond
			where = true
		}
	}
	if pl.bulk {
		if pl.wm.Cursor != "" {
			and("Id > " + sfdc.Quote(pl.wm.Cursor))
		}
		return q + " ORDER BY Id ASC"
	}
	if pl.wm.Modstamp != "" {
		since := pl.wm.Modstamp
		if t, err := sfdc.ParseTime(pl.wm.Modstamp); err == nil {
			since = sfdc.FormatDatetime(t.Add(-overlap).Truncate(time.Second))
		}
		and("SystemModstamp >= " + since)
	}
	return q + " ORDER BY SystemModstamp ASC"
}

// highWaterSOQL reads the newest SystemModstamp before a full pass starts.
func (pl *plan) highWaterSOQL() string {
	return "SELECT Id, SystemModstamp FROM " + pl.object + " ORDER BY SystemModstamp DESC LIMIT 1"
}

// queryAll: incremental syncs must see deletions too.
func (pl *plan) queryAll() bool { return !pl.bulk && pl.hasDeleted }

// pageGroup is pages of one object, in page order, with their index
// entries in bulk mode.
type pageGroup struct {
	pl    *plan
	pages []*sfdc.QueryPage
	idx   []*store.IndexSet

	// Set by commit's transaction.
	wm               store.Watermark
	fetched, deleted int
	// indexPending: the last page is in, the index is not complete yet
	// (finishIndexes).
	indexPending bool
}

// commit writes the groups' pages and the watermarks they reach in one
// transaction.
func (p *puller) commit(groups []*pageGroup) error {
	for _, g := range groups {
		pl := g.pl
		if pl.bulk && pl.index != nil {
			for _, set := range g.idx {
				pl.index.Merge(set)
			}
			if pl.index.Len() > maxPendingIndexEntries {
				pl.index = nil // too big to hold: rebuild from the bucket at the end
			}
		}
		if pl.bulk && pl.index != nil && isLast(g.pages[len(g.pages)-1]) {
			pl.index.Sort() // before the transaction, which then only inserts
		}
	}
	var writes []*pageGroup
	for _, g := range groups {
		wm, ok, err := p.untouched(g)
		if err != nil {
			return fmt.Errorf("sync %s: %w", g.pl.object, err)
		}
		if ok {
			g.wm, g.fetched, g.deleted = wm, 0, 0
			p.unchanged = append(p.unchanged, g.pl)
			continue
		}
		writes = append(writes, g)
	}
	if len(writes) > 0 {
		err := p.st.Update(func(w *store.Writer) error {
			budget := p.cfg.indexEntriesPerCommit()
			for _, g := range writes {
				if err := p.write(w, g, &budget); err != nil {
					return fmt.Errorf("sync %s: %w", g.pl.object, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, g := range writes {
			if err := p.finishIndexes(g); err != nil {
				return fmt.Errorf("sync %s: %w", g.pl.object, err)
			}
		}
	}
	for _, g := range groups {
		pl := g.pl
		pl.wm = g.wm
		if pl.pages == 0 {
			pl.total = g.pages[0].TotalSize
		}
		for _, page := range g.pages {
			pl.pages++
			pl.records += len(page.Records)
		}
		last := isLast(g.pages[len(g.pages)-1])
		if last {
			pl.index = nil
		}
		or := p.res.Objects[pl.object]
		or.Fetched += g.fetched
		or.Deleted += g.deleted
		p.report(Progress{Object: pl.object, Phase: PhaseFetch, Pages: pl.pages, Records: pl.records, Total: pl.total, Deleted: or.Deleted})
		// A resumed pass is done only after its catch-up (see Run).
		if last && !pl.resumed {
			p.report(Progress{Object: pl.object, Phase: PhaseDone, Pages: pl.pages, Records: pl.records, Total: pl.total, Deleted: or.Deleted})
		}
	}
	return nil
}

// maxUntouchedCheck bounds the answers compared with the cache before
// writing (about a page): an incremental query reads again the records of
// the last minute before its watermark (overlap), which an empty sync
// finds unchanged (359 tasks in the demo org at scale 12); comparing them
// costs a read transaction, writing them a write transaction and its
// fsyncs.
const maxUntouchedCheck = 2000

// untouched reports whether g is the whole answer of an incremental query
// and writing it would change no record, and returns the watermark it
// reaches: then only that watermark is to be written (see Run).
func (p *puller) untouched(g *pageGroup) (store.Watermark, bool, error) {
	wm := g.pl.wm
	if g.pl.bulk || !isLast(g.pages[len(g.pages)-1]) {
		return wm, false, nil
	}
	var raws [][]byte
	for _, page := range g.pages {
		for _, raw := range page.Records {
			raws = append(raws, raw)
		}
	}
	if len(raws) > maxUntouchedCheck {
		return wm, false, nil
	}
	same, err := p.st.Unchanged(g.pl.object, raws)
	if err != nil || !same {
		return wm, false, err
	}
	for _, raw := range raws {
		info, err := store.ReadStamp(raw)
		if err != nil {
			return wm, false, fmt.Errorf("record from server: %w", err)
		}
		if info.Modstamp > wm.Modstamp {
			wm.Modstamp = info.Modstamp
		}
	}
	wm.Complete = true
	wm.SyncedAt = p.cfg.now().UTC()
	return wm, true, nil
}

// write puts g's pages and the watermark they reach (into g.wm) in w.
// budget is what is left of the index entries the transaction may drop or
// insert (maxIndexEntriesPerCommit).
func (p *puller) write(w *store.Writer, g *pageGroup, budget *int) error {
	pl := g.pl
	wm := pl.wm
	last := isLast(g.pages[len(g.pages)-1])
	g.fetched, g.deleted = 0, 0
	g.indexPending = false
	if pl.drop && pl.pages == 0 {
		if err := w.DropObject(pl.object); err != nil {
			return err
		}
	}
	for _, page := range g.pages {
		for _, raw := range page.Records {
			if pl.bulk {
				// In Id order: the cursor is the last record's (below).
				r, err := w.PutRecordUnindexed(pl.object, raw)
				if err != nil {
					return err
				}
				if r != store.Unchanged {
					g.fetched++
				}
				continue
			}
			info, err := store.ReadStamp(raw)
			if err != nil {
				return fmt.Errorf("record from server: %w", err)
			}
			var r store.PutResult
			switch {
			case info.IsDeleted:
				if info.Modstamp > wm.Modstamp {
					wm.Modstamp = info.Modstamp
				}
				ok, err := w.DeleteRecord(pl.object, info.ID)
				if err != nil {
					return err
				}
				if ok {
					g.deleted++
				}
				continue
			default:
				if info.Modstamp > wm.Modstamp {
					wm.Modstamp = info.Modstamp
				}
				r, err = w.PutRecord(pl.object, raw)
			}
			if err != nil {
				return err
			}
			if r != store.Unchanged {
				g.fetched++
			}
		}
	}
	if pl.bulk {
		if err := bulkCursor(&wm, g.pages); err != nil {
			return err
		}
	}
	if pl.bulk && (last || pl.staleLeft) {
		// The new entries are inserted only after the last page, when they
		// are all known (in key order); the old ones go in the meantime.
		done, err := p.indexStep(w, pl, budget, last)
		if err != nil {
			return err
		}
		if last && !done {
			// The last page is in, the index not yet: the watermark stays
			// incomplete (a crash resumes after the last record and
			// rebuilds the index), and finishIndexes completes it.
			g.indexPending = true
			wm.SyncedAt = p.cfg.now().UTC()
			g.wm = wm
			return w.SetWatermark(pl.object, wm)
		}
	}
	if last {
		if pl.bulk {
			wm = completedPass(wm)
		}
		wm.Complete = true
	}
	wm.SyncedAt = p.cfg.now().UTC()
	g.wm = wm
	return w.SetWatermark(pl.object, wm)
}

// bulkCursor sets wm's cursor to the Id of the last record of pages (a
// full pass reads them in Id order), if any.
func bulkCursor(wm *store.Watermark, pages []*sfdc.QueryPage) error {
	for i := len(pages) - 1; i >= 0; i-- {
		if recs := pages[i].Records; len(recs) > 0 {
			info, err := store.ReadStamp(recs[len(recs)-1])
			if err != nil {
				return fmt.Errorf("record from server: %w", err)
			}
			wm.Cursor = info.ID
			return nil
		}
	}
	return nil
}

// completedPass is the watermark of a full pass whose records and indexes
// are all in: incremental from its high-water mark.
func completedPass(wm store.Watermark) store.Watermark {
	wm.Modstamp, wm.Cursor, wm.HighWater, wm.HighWaterSet = wm.HighWater, "", "", false
	wm.Complete = true
	return wm
}

// indexStep does what budget allows of the index work of pl, a full pass,
// in w: drop the object's old entries, then, once its last page is in
// (insert) and its new entries are known (pl.index), insert them. It
// reports whether the index is complete. It advances pl's positions: a
// caller whose transaction fails restores them (finishIndexes) or fails
// the sync (commit).
func (p *puller) indexStep(w *store.Writer, pl *plan, budget *int, insert bool) (bool, error) {
	if pl.staleLeft && *budget > 0 {
		n, err := w.DropStaleIndexes(pl.object, *budget)
		if err != nil {
			return false, err
		}
		*budget -= n
		if *budget > 0 {
			pl.staleLeft = false
		}
	}
	if pl.staleLeft || !insert || pl.index == nil || *budget <= 0 {
		return false, nil
	}
	pos, done, err := w.InsertIndexes(pl.object, pl.index, pl.indexPos, *budget)
	if err != nil {
		return false, err
	}
	*budget -= pos.Inserted() - pl.indexPos.Inserted()
	pl.indexPos = pos
	return done, nil
}

// finishIndexes completes the index of g's object after its last page
// (g.indexPending), in transactions of at most maxIndexEntriesPerCommit
// entries; the last one also completes the watermark. A crash in between
// leaves the watermark incomplete: the next sync resumes the pass after
// its last record and rebuilds the index from the cached records.
func (p *puller) finishIndexes(g *pageGroup) error {
	pl := g.pl
	if !g.indexPending {
		return nil
	}
	if pl.index == nil {
		// A resumed pass, or too many entries to hold as they arrived:
		// compute them from the cached records.
		set, err := p.st.IndexSetOf(pl.object)
		if err != nil {
			return err
		}
		pl.index, pl.indexPos = set, store.IndexPos{}
	}
	for {
		var done bool
		staleLeft, pos := pl.staleLeft, pl.indexPos
		err := p.st.Update(func(w *store.Writer) error {
			budget := p.cfg.indexEntriesPerCommit()
			var err error
			if done, err = p.indexStep(w, pl, &budget, true); err != nil || !done {
				return err
			}
			wm := completedPass(g.wm)
			wm.SyncedAt = p.cfg.now().UTC()
			g.wm = wm
			return w.SetWatermark(pl.object, wm)
		})
		if err != nil {
			// Nothing of this step was committed.
			pl.staleLeft, pl.indexPos = staleLeft, pos
			return err
		}
		if p.cfg.afterIndexStep != nil {
			p.cfg.afterIndexStep(pl.object)
		}
		if done {
			g.indexPending = false
			return nil
		}
	}
}

// describeResult is one object's describe or why it is skipped.
type describeResult struct {
	desc *sfdc.SObjectDescribe
	skip string
}

// describe returns each object's describe, from the cache when younger than
// DescribeMaxAge (and not a full sync), else from the org.
func (p *puller) describe(ctx context.Context, objects []string) (map[string]describeResult, error) {
	maxAge := p.cfg.DescribeMaxAge
	if maxAge == 0 {
		maxAge = 24 * time.Hour
	}
	out := map[string]describeResult{}
	var missing []string
	for _, object := range objects {
		raw, at, ok, err := p.st.Describe(object)
		if err != nil {
			return nil, err
		}
		if ok && !p.cfg.Full && p.cfg.now().Sub(at) < maxAge {
			var d sfdc.SObjectDescribe
			if err := json.Unmarshal(raw, &d); err == nil {
				out[object] = describeResult{desc: &d}
				continue
			}
		}
		missing = append(missing, object)
	}
	if len(missing) == 0 {
		return out, nil
	}
	// Describes are stale or missing (first sync, or once a day): refresh
	// the org settings and picklists with them, in the same few calls.
	_, orgKnown := out[orgObject]
	if !orgKnown && !slices.Contains(missing, orgObject) {
		missing = append(missing, orgObject)
	}
	if err := p.describeMany(ctx, missing, out); err != nil {
		return nil, err
	}
	p.described, p.descs = missing, out
	return out, nil
}

// skipReason turns "you cannot see this object" errors into a note.
func skipReason(err error) string {
	var ae *sfdc.APIError
	if sfdc.IsNotFound(err) {
		return "not available in this org or not visible to this user"
	}
	if errors.As(err, &ae) {
		switch ae.Code {
		case "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "INVALID_TYPE", "NOT_FOUND":
			return strings.ToLower(strings.ReplaceAll(ae.Code, "_", " ")) + ": " + ae.Message
		}
	}
	return ""
}
