// Package syncer pulls an org's records into the store: an initial sync of
// the objects a rep needs, then incremental syncs by SystemModstamp
// watermark plus deletions, at the lowest cost in API calls.
//
// Crash safety: every page of records is committed together with the
// object's watermark, so a sync killed at any point leaves a consistent
// cache and the next sync resumes where the last committed page ended. A
// resumed full pass is followed, in the same sync, by an incremental
// catch-up from the pass's start, so the records cached before the
// interruption are updated or removed too: the resumed sync ends equal to
// the server. No transaction grows with the cache (at most
// maxRecordsPerCommit records, maxIndexEntriesPerCommit index entries), so
// a reader of another process never waits long: a full pass drops an
// object's old index entries alongside its pages and inserts the new ones
// in steps after its last page, the watermark completed with the last
// step; until then readers answer from the records (store.IndexesReady).
//
// Requests overlap: the objects are fetched side by side and each object's
// pages concurrently, at the offsets of its query cursor (see fetchRest),
// with at most Config.MaxInFlight requests in flight; decoding and index
// entries are computed by the fetching goroutines, bbolt writes by one
// writer. Pages reach the writer in each object's page order, so a
// committed cursor means what it did when pages came one at a time, and
// overlapping costs no extra API call.
package syncer

import (
	"fmt"
	"strings"
	"time"
)

// DefaultObjects are synced unless the configuration says otherwise. Users
// and record types come first so lookups resolve as soon as records arrive.
var DefaultObjects = []string{
	"User", "RecordType", "OpportunityStage",
	"Account", "Contact", "Lead", "Opportunity", "OpportunityContactRole",
	"Task", "Event",
}

// Scope bounds what is pulled so that large orgs do not take hours.
type Scope struct {
	// ActivityMonthsBack / ActivityMonthsAhead bound Task and Event by
	// ActivityDate (open activities without a date are always included).
	ActivityMonthsBack  int
	ActivityMonthsAhead int
	// ClosedOpportunityMonthsBack bounds closed opportunities by CloseDate
	// (open ones are always included).
	ClosedOpportunityMonthsBack int
	// Where adds a condition per object (ANDed with the above), e.g.
	// {"Thing__c": "Status__c != 'Archived'"}.
	Where map[string]string
}

// DefaultScope is what a rep needs: activities from the last 12 months and
// the next 6, closed opportunities from the last 2 years.
func DefaultScope() Scope {
	return Scope{ActivityMonthsBack: 12, ActivityMonthsAhead: 6, ClosedOpportunityMonthsBack: 24}
}

// Config says what to sync and how.
type Config struct {
	// Objects to sync, in order (nil: DefaultObjects). Custom objects
	// (Thing__c) are synced like standard ones, with all readable fields.
	Objects []string
	// Scope bounds the records pulled (zero value: no bounds; use
	// DefaultScope for a rep's defaults).
	Scope Scope
	// Full ignores the watermarks: every object is fetched again from
	// scratch and records no longer returned by the server are dropped.
	Full bool
	// BatchSize is the query page size (0: the server default, 2000).
	BatchSize int
	// MaxInFlight bounds the requests sent to the org at once
	// (0: DefaultMaxInFlight).
	MaxInFlight int
	// DescribeMaxAge is how long a cached describe is trusted before it is
	// fetched again (0: 24 hours).
	DescribeMaxAge time.Duration
	// MaxIncrementalAge: an object last synced longer ago than this is
	// synced again from scratch, because Salesforce purges deleted records
	// from the recycle bin after 15 days and queryAll no longer reports
	// them (0: 14 days).
	MaxIncrementalAge time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time

	// indexBudget overrides maxIndexEntriesPerCommit (tests: small objects
	// rebuilt in several steps); afterIndexStep, if set, is called after
	// each committed step of finishIndexes (tests kill a child sync there).
	indexBudget    int
	afterIndexStep func(object string)
	// Progress, if set, is called as the sync goes (from the sync's
	// goroutine; keep it fast).
	Progress func(Progress)
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Config) indexEntriesPerCommit() int {
	if c.indexBudget > 0 {
		return c.indexBudget
	}
	return maxIndexEntriesPerCommit
}

func (c *Config) maxInFlight() int {
	if c.MaxInFlight > 0 {
		return c.MaxInFlight
	}
	return DefaultMaxInFlight
}

// where returns the scope condition for object ("" for none).
func (c *Config) where(object string) string {
	var conds []string
	now := c.now().UTC()
	s := c.Scope
	switch object {
	case "Task", "Event":
		if s.ActivityMonthsBack > 0 || s.ActivityMonthsAhead > 0 {
			var rng []string
			if s.ActivityMonthsBack > 0 {
				rng = append(rng, "ActivityDate >= "+now.AddDate(0, -s.ActivityMonthsBack, 0).Format(time.DateOnly))
			}
			if s.ActivityMonthsAhead > 0 {
				rng = append(rng, "ActivityDate <= "+now.AddDate(0, s.ActivityMonthsAhead, 0).Format(time.DateOnly))
			}
			conds = append(conds, "(ActivityDate = null OR ("+strings.Join(rng, " AND ")+"))")
		}
	case "Opportunity":
		if s.ClosedOpportunityMonthsBack > 0 {
			conds = append(conds, "(IsClosed = false OR CloseDate >= "+now.AddDate(0, -s.ClosedOpportunityMonthsBack, 0).Format(time.DateOnly)+")")
		}
	}
	if w := strings.TrimSpace(s.Where[object]); w != "" {
		conds = append(conds, "("+w+")")
	}
	return strings.Join(conds, " AND ")
}

// Progress reports how a sync is going.
type Progress struct {
	Object  string
	Phase   Phase
	Pages   int    // pages committed so far for Object
	Records int    // records committed so far for Object (fetched + unchanged)
	Total   int    // the server's totalSize for the query, when known
	Deleted int    // deletions applied so far for Object
	Note    string // why an object was skipped
}

// Phase of one object's sync.
type Phase string

// Phases, in order.
const (
	PhaseDescribe Phase = "describe"
	PhaseFetch    Phase = "fetch"
	PhaseDeletes  Phase = "deletes"
	PhaseDone     Phase = "done"
	PhaseSkipped  Phase = "skipped"
)

// ObjectResult counts what a sync did to one object.
type ObjectResult struct {
	Fetched int    `json:"fetched"` // records created or changed in the cache
	Deleted int    `json:"deleted"` // records removed from the cache
	Skipped string `json:"skipped,omitempty"`
}

// Result summarises a sync.
type Result struct {
	Objects  map[string]*ObjectResult
	Order    []string // objects in sync order
	APICalls int64    // HTTP requests sent to the org by this sync
	Duration time.Duration
}

// String is the human summary: per-object counts, API calls and duration.
func (r *Result) String() string {
	var b strings.Builder
	for _, name := range r.Order {
		o := r.Objects[name]
		if o.Skipped != "" {
			fmt.Fprintf(&b, "%-24s skipped: %s\n", name, o.Skipped)
			continue
		}
		fmt.Fprintf(&b, "%-24s %7d fetched %6d deleted\n", name, o.Fetched, o.Deleted)
	}
	fmt.Fprintf(&b, "%d API calls, %s\n", r.APICalls, r.Duration.Round(time.Millisecond))
	return b.String()
}
