package emulator

import (
	"slices"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Salesforce indexes SystemModstamp: a query that filters on it or asks
// for the newest record (ORDER BY SystemModstamp DESC LIMIT 1, the sync's
// high-water check) costs what it returns, not the size of the object.
// The emulator does the same with a per-object index, built on first use
// and kept while writes append to it: such a query scans only the records
// the index narrows it to, in creation order, and soql.Execute evaluates
// the whole query over them as it would over every record.

// stampIndex orders one object's records by SystemModstamp.
type stampIndex struct {
	entries []stampEntry     // ascending by at; entries whose at is not cur[id] are stale
	cur     map[string]int64 // id → its current stamp (Unix nanoseconds)
	pos     map[string]int   // id → its position in table.ids (creation order)
	stale   int
}

type stampEntry struct {
	at int64
	id string
}

// stampOf returns rec's SystemModstamp in Unix nanoseconds.
func stampOf(rec Record) (int64, bool) {
	s, _ := rec["SystemModstamp"].(string)
	t, ok := parseDateTime(s)
	if !ok {
		return 0, false
	}
	return t.UnixNano(), true
}

// stampsLocked returns t's index, building it if needed; nil when a
// record has no SystemModstamp (the query is then scanned). The caller
// holds o.mu for writing.
func (o *org) stampsLocked(t *table) *stampIndex {
	if t.stamps != nil {
		return t.stamps
	}
	ix := &stampIndex{entries: make([]stampEntry, 0, len(t.ids)), cur: make(map[string]int64, len(t.ids)),
		pos: make(map[string]int, len(t.ids))}
	for i, id := range t.ids {
		at, ok := stampOf(o.byID[id].rec)
		if !ok {
			return nil
		}
		ix.entries = append(ix.entries, stampEntry{at, id})
		ix.cur[id], ix.pos[id] = at, i
	}
	slices.SortStableFunc(ix.entries, func(a, b stampEntry) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return 0
	})
	t.stamps = ix
	return ix
}

// noteStampLocked keeps t's index, if built, up to date with a put of
// rec (existed: the id was stored before); a write it cannot append
// drops the index, rebuilt on next use. The caller holds o.mu for writing.
func noteStampLocked(t *table, rec Record, existed bool) {
	ix := t.stamps
	if ix == nil {
		return
	}
	id, _ := rec["Id"].(string)
	at, ok := stampOf(rec)
	if !ok || (len(ix.entries) > 0 && at < ix.entries[len(ix.entries)-1].at) {
		t.stamps = nil
		return
	}
	if existed {
		if ix.cur[id] == at {
			return
		}
		ix.stale++
	} else {
		ix.pos[id] = len(t.ids) - 1
	}
	ix.cur[id] = at
	ix.entries = append(ix.entries, stampEntry{at, id})
	if ix.stale > len(ix.entries)/2 {
		t.stamps = nil
	}
}

// narrowByStamp returns the records of q's object that q can match, in
// creation order, when the SystemModstamp index can tell: a top-level
// SystemModstamp >= or > datetime term in WHERE, or no WHERE and ORDER BY
// SystemModstamp DESC with a LIMIT. ok is false for every other query
// (and for queries with subqueries, whose scans must not be narrowed).
func (o *org) narrowByStamp(q *soql.Query, includeDeleted bool) (recs []Record, ok bool) {
	if len(q.GroupBy) > 0 || q.Having != nil || hasSubquery(q) {
		return nil, false
	}
	from, hasFrom := int64(0), false
	if q.Where != nil {
		from, hasFrom = stampFloor(q.Where)
		if !hasFrom {
			return nil, false
		}
	} else if q.Limit <= 0 || q.Offset != 0 || len(q.OrderBy) != 1 || !isStamp(q.OrderBy[0].Path) ||
		!q.OrderBy[0].Desc || q.OrderBy[0].Func != "" {
		return nil, false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	t, found := o.tables[strings.ToLower(q.From)]
	if !found {
		return nil, false
	}
	ix := o.stampsLocked(t)
	if ix == nil {
		return nil, false
	}
	live := func(e stampEntry) bool { return ix.cur[e.id] == e.at }
	start := len(ix.entries)
	if hasFrom {
		start, _ = slices.BinarySearchFunc(ix.entries, from, func(e stampEntry, at int64) int {
			switch {
			case e.at < at:
				return -1
			case e.at > at:
				return 1
			}
			return 0
		})
	} else {
		// The newest Limit records the query can return, and every
		// record that ties with the last of them.
		n := 0
		for start > 0 && n < q.Limit {
			start--
			e := ix.entries[start]
			if !live(e) {
				continue
			}
			if d, _ := o.byID[e.id].rec["IsDeleted"].(bool); !d || includeDeleted {
				n++
			}
		}
		if n < q.Limit {
			return nil, false
		}
		for start > 0 && ix.entries[start-1].at == ix.entries[start].at {
			start--
		}
	}
	hits := make([]int, 0, len(ix.entries)-start)
	for _, e := range ix.entries[start:] {
		if live(e) {
			hits = append(hits, ix.pos[e.id])
		}
	}
	slices.Sort(hits)
	recs = make([]Record, len(hits))
	for i, p := range hits {
		recs[i] = o.byID[t.ids[p]].rec
	}
	return recs, true
}

func isStamp(path []string) bool {
	return len(path) == 1 && strings.EqualFold(path[0], "SystemModstamp")
}

// stampFloor finds a SystemModstamp >= or > datetime term among the
// top-level AND terms of e and returns a time no record it matches is
// before (one second early: literals and stamps have second precision).
func stampFloor(e soql.Expr) (int64, bool) {
	switch e := e.(type) {
	case *soql.BinaryExpr:
		if e.Op != "AND" {
			return 0, false
		}
		l, lok := stampFloor(e.Left)
		r, rok := stampFloor(e.Right)
		switch {
		case lok && rok:
			return max(l, r), true
		case lok:
			return l, true
		}
		return r, rok
	case *soql.Condition:
		if !isStamp(e.Left.Path) || e.Left.Func != "" || (e.Op != ">=" && e.Op != ">") || e.Value.Kind != soql.ValDateTime {
			return 0, false
		}
		t, ok := parseDateTime(e.Value.Str)
		if !ok {
			return 0, false
		}
		return t.UnixNano() - 1e9, true
	}
	return 0, false
}

// hasSubquery reports a child subquery in SELECT or a semi-join in WHERE.
func hasSubquery(q *soql.Query) bool {
	for _, s := range q.Select {
		if s.Subquery != nil || s.TypeOf != nil {
			return true
		}
	}
	var walk func(e soql.Expr) bool
	walk = func(e soql.Expr) bool {
		switch e := e.(type) {
		case *soql.BinaryExpr:
			return walk(e.Left) || walk(e.Right)
		case *soql.NotExpr:
			return walk(e.X)
		case *soql.Condition:
			return e.Subquery != nil
		}
		return false
	}
	return walk(q.Where)
}

// narrowSource is the org with one object's scan narrowed to recs.
type narrowSource struct {
	*org
	object string
	recs   []Record
}

// Scan implements soql.Source.
func (n narrowSource) Scan(object string, need []string, fn func(soql.Record) bool) error {
	if !strings.EqualFold(object, n.object) {
		return n.org.Scan(object, need, fn)
	}
	for _, r := range n.recs {
		if !fn(r) {
			break
		}
	}
	return nil
}
