package store

import (
	"fmt"
	"math/bits"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Resident keeps decoded records in memory between offline queries, so that
// a long-lived reader (the TUI's Ask pane, the ask benchmark) does not
// decode every cached record's JSON on every scan. Pass it in
// QueryOptions.Resident; one-shot commands do not, and load nothing.
//
// What it holds, per object: every cached record of the object in Id order
// (the order a plain scan yields), each a soql.Record with only the fields
// queries have needed so far (a query needing another field adds it: the
// object's records are decoded again for the missing fields into new maps,
// so that records already handed out are never changed), and, built on
// first use, narrowing indexes (below). All of it is tagged with the cache
// file and its data generation (see Snapshot) and dropped when either
// changes: a write by this or another process is seen by the next query.
//
// Narrowing: a top-level AND term of the WHERE that an index answers
// limits the root scan to the records that may match it, still in Id
// order; the WHERE then decides as on a plain scan, so a result never
// differs from the plain scan's. Indexed terms: equality on an id or
// reference field with an 18-character Id, equality on a boolean, and
// comparisons (=, <, <=, >, >=) of a date field with a date.
//
// Memory is bounded by MaxCells (records × fields held); an object that
// would exceed it is scanned from the file as without a Resident.
//
// A Resident is safe for concurrent use; it belongs to one Store.
type Resident struct {
	st *Store
	// MaxCells bounds the fields held over all objects (0: DefaultMaxCells).
	MaxCells int

	mu     sync.Mutex
	file   os.FileInfo // the cache file the tables were read from
	gen    uint64      // its data generation
	tables map[string]*resTable
	// parents holds the records Get returned (whole, as Get decodes them).
	parents map[string]parentEntry
	cells   int
}

// parentEntry is a Get answer.
type parentEntry struct {
	object string
	rec    soql.Record
	ok     bool
}

// DefaultMaxCells is Resident's default bound: 16 million fields (see
// docs/benchmarks.md for the measured bytes per field).
const DefaultMaxCells = 16 << 20

// NewResident returns an empty Resident over st: nothing is read until a
// query uses it.
func NewResident(st *Store) *Resident {
	return &Resident{st: st, tables: map[string]*resTable{}, parents: map[string]parentEntry{}}
}

// resTable is one object's resident records. It is never changed once
// published, except for its indexes, which are added under Resident.mu.
type resTable struct {
	recs []soql.Record
	cols map[string]bool // lower-case field names decoded (where present)
	// named holds the names, as queries spelt them, found in cols: the
	// fast check that a query's fields are all held.
	named map[string]bool
	// ids indexes an id or reference field: lower-case 18-character value
	// → positions; odd holds records whose value is another non-empty
	// string (a 15-character id may equal an 18-character literal).
	ids map[string]*idIndex
	// bools indexes a boolean field: positions of true values.
	bools map[string]bitset
	// dates orders a date field: positions of 10-character values sorted
	// by value, and odd the other non-empty values.
	dates map[string]*dateIndex
	// refs indexes a field for child subqueries: exact value → positions.
	refs map[string]map[string][]int32
}

type idIndex struct {
	byKey map[string][]int32
	odd   []int32
}

type dateIndex struct {
	pos  []int32
	vals []string // vals[i] is the value at pos[i]
	odd  []int32
}

// version identifies the data a transaction reads: the cache file and its
// data generation.
type version struct {
	file os.FileInfo
	gen  uint64
}

// versionOf returns tx's version.
func (r *Resident) versionOf(tx *bolt.Tx) (version, error) {
	// The path names the file the transaction reads but for a moment when
	// 'sync --rebuild' replaces it: the data generation still tells.
	fi, err := os.Stat(r.st.path)
	if err != nil {
		return version{}, fmt.Errorf("resident records: %w", err)
	}
	return version{file: fi, gen: dataGen(tx)}, nil
}

// sync drops what the Resident holds unless it is of version v (under
// r.mu). A cache without a data generation (0) is never reused.
func (r *Resident) sync(v version) {
	if r.file != nil && os.SameFile(r.file, v.file) && r.gen == v.gen && v.gen != 0 {
		return
	}
	r.file, r.gen, r.tables, r.parents, r.cells = v.file, v.gen, map[string]*resTable{}, map[string]parentEntry{}, 0
}

// table returns object's records holding at least the fields in need,
// reading them from src when they are missing; ok is false when they
// would exceed the memory bound (under r.mu).
func (r *Resident) table(src *txSource, object string, need []string) (*resTable, bool, error) {
	t := r.tables[object]
	if t != nil && t.has(need) {
		return t, true, nil
	}
	var missing []string // as named in need (decodeFields matches any case)
	seen := map[string]bool{}
	for _, n := range append([]string{"Id", "IsDeleted"}, need...) {
		l := strings.ToLower(n)
		if (t == nil || !t.cols[l]) && !seen[l] {
			seen[l] = true
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return t, true, nil
	}
	b := src.bucket(object)
	if b == nil {
		return nil, false, nil
	}
	limit := r.MaxCells
	if limit <= 0 {
		limit = DefaultMaxCells
	}
	n := b.Stats().KeyN
	old := 0
	if t != nil {
		old = len(t.recs) * len(t.cols)
	}
	cols := map[string]bool{}
	if t != nil {
		for c := range t.cols {
			cols[c] = true
		}
	}
	for _, c := range missing {
		cols[strings.ToLower(c)] = true
	}
	if r.cells-old+n*len(cols) > limit {
		return nil, false, nil
	}
	nt := &resTable{recs: make([]soql.Record, 0, n), cols: cols}
	// Repeated text (owners, accounts, dates, picklist values) is held
	// once: a column's values are shared while at most half of them are
	// distinct.
	interns := map[string]map[string]any{}
	c := b.Cursor()
	i := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		add, err := decodeFields(v, missing)
		if err != nil {
			return nil, false, fmt.Errorf("cached %s %s: %w", object, k, err)
		}
		for f, x := range add {
			s, ok := x.(string)
			if !ok || f == "Id" {
				continue
			}
			in, ok := interns[f]
			if !ok {
				in = map[string]any{}
				interns[f] = in
			}
			if in == nil {
				continue
			}
			if y, ok := in[s]; ok {
				add[f] = y
			} else if len(in) < n/2+16 {
				in[s] = x
			} else {
				interns[f] = nil // mostly distinct: not worth it
			}
		}
		if t != nil {
			if i >= len(t.recs) {
				return nil, false, fmt.Errorf("resident %s: records changed within a generation", object)
			}
			rec := make(soql.Record, len(t.recs[i])+len(add))
			for f, x := range t.recs[i] {
				rec[f] = x
			}
			for f, x := range add {
				rec[f] = x
			}
			add = rec
		}
		nt.recs = append(nt.recs, add)
		i++
	}
	if t != nil && i != len(t.recs) {
		return nil, false, fmt.Errorf("resident %s: records changed within a generation", object)
	}
	if t != nil {
		// The indexes hold positions and values, which a new field does
		// not change.
		nt.ids, nt.bools, nt.dates, nt.refs = t.ids, t.bools, t.dates, t.refs
	}
	r.cells += len(nt.recs)*len(cols) - old
	r.tables[object] = nt
	return nt, true, nil
}

// has reports whether t holds every field of need (under r.mu).
func (t *resTable) has(need []string) bool {
	for _, n := range need {
		if t.named[n] {
			continue
		}
		if !t.cols[strings.ToLower(n)] {
			return false
		}
		if t.named == nil {
			t.named = map[string]bool{}
		}
		t.named[n] = true
	}
	return true
}

// idIndex returns t's index of the id field (under r.mu; the field is held).
func (t *resTable) idIndex(field string) *idIndex {
	if x, ok := t.ids[field]; ok {
		return x
	}
	x := &idIndex{byKey: map[string][]int32{}}
	for i, rec := range t.recs {
		s, _ := rec[field].(string)
		switch {
		case s == "":
		case len(s) == 18:
			k := strings.ToLower(s)
			x.byKey[k] = append(x.byKey[k], int32(i))
		default:
			x.odd = append(x.odd, int32(i))
		}
	}
	if t.ids == nil {
		t.ids = map[string]*idIndex{}
	}
	t.ids[field] = x
	return x
}

// refIndex returns field's exact values' positions (under r.mu).
func (t *resTable) refIndex(field string) map[string][]int32 {
	if x, ok := t.refs[field]; ok {
		return x
	}
	x := map[string][]int32{}
	for i, rec := range t.recs {
		if s, _ := rec[field].(string); s != "" {
			x[s] = append(x[s], int32(i))
		}
	}
	if t.refs == nil {
		t.refs = map[string]map[string][]int32{}
	}
	t.refs[field] = x
	return x
}

// boolIndex returns the positions where field is true (under r.mu).
func (t *resTable) boolIndex(field string) bitset {
	if x, ok := t.bools[field]; ok {
		return x
	}
	x := newBitset(len(t.recs))
	for i, rec := range t.recs {
		if b, _ := rec[field].(bool); b {
			x.set(int32(i))
		}
	}
	if t.bools == nil {
		t.bools = map[string]bitset{}
	}
	t.bools[field] = x
	return x
}

// dateIndex returns field's sorted order (under r.mu).
func (t *resTable) dateIndex(field string) *dateIndex {
	if x, ok := t.dates[field]; ok {
		return x
	}
	x := &dateIndex{}
	for i, rec := range t.recs {
		s, _ := rec[field].(string)
		switch {
		case s == "":
		case len(s) == 10:
			x.pos = append(x.pos, int32(i))
		default:
			x.odd = append(x.odd, int32(i))
		}
	}
	slices.SortStableFunc(x.pos, func(a, b int32) int {
		return strings.Compare(t.recs[a][field].(string), t.recs[b][field].(string))
	})
	x.vals = make([]string, len(x.pos))
	for i, p := range x.pos {
		x.vals[i] = t.recs[p][field].(string)
	}
	if t.dates == nil {
		t.dates = map[string]*dateIndex{}
	}
	t.dates[field] = x
	return x
}

// narrowTerm is a WHERE term an index answers.
type narrowTerm struct {
	field string         // describe casing
	kind  soql.FieldType // lower-case describe type
	op    string
	val   soql.Value
}

// narrowTerms returns the top-level AND terms of q's WHERE that an index
// answers. None when the WHERE has a subquery: the root object might then
// be scanned for it too.
func narrowTerms(q *soql.Query, obj *soql.Object) []narrowTerm {
	if q.Where == nil || hasSubquery(q.Where) {
		return nil
	}
	var terms []narrowTerm
	var walk func(e soql.Expr)
	walk = func(e soql.Expr) {
		switch x := e.(type) {
		case *soql.BinaryExpr:
			if x.Op == "AND" {
				walk(x.Left)
				walk(x.Right)
			}
		case *soql.Condition:
			if x.Left.Func != "" || len(x.Left.Path) != 1 {
				return
			}
			var f *soql.Field
			for i := range obj.Fields {
				if strings.EqualFold(obj.Fields[i].Name, x.Left.Path[0]) {
					f = &obj.Fields[i]
					break
				}
			}
			if f == nil {
				return
			}
			kind := soql.FieldType(strings.ToLower(string(f.Type)))
			ok := false
			switch kind {
			case "id", "reference":
				ok = x.Op == "=" && x.Value.Kind == soql.ValString && len(x.Value.Str) == 18 && isAlnum(x.Value.Str)
			case "boolean":
				ok = x.Op == "=" && x.Value.Kind == soql.ValBool
			case "date":
				ok = x.Value.Kind == soql.ValDate && (x.Op == "=" || x.Op == "<" || x.Op == "<=" || x.Op == ">" || x.Op == ">=")
			}
			if ok {
				terms = append(terms, narrowTerm{field: f.Name, kind: kind, op: x.Op, val: x.Value})
			}
		}
	}
	walk(q.Where)
	return terms
}

func hasSubquery(e soql.Expr) bool {
	switch x := e.(type) {
	case *soql.BinaryExpr:
		return hasSubquery(x.Left) || hasSubquery(x.Right)
	case *soql.NotExpr:
		return hasSubquery(x.X)
	case *soql.Condition:
		return x.Subquery != nil
	}
	return false
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}

// bitset is a set of record positions.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int32) { b[i>>6] |= 1 << (uint(i) & 63) }

// termBits returns the positions of t's records that may meet term (a
// superset of those that do), and false when the term cannot narrow. The
// bitset may be one the table keeps: the caller must not change it (under
// r.mu).
func (t *resTable) termBits(term narrowTerm) (bitset, bool) {
	// The evaluator reads a field under its describe name: so do the indexes.
	key := term.field
	n := len(t.recs)
	switch term.kind {
	case "id", "reference":
		x := t.idIndex(key)
		b := newBitset(n)
		for _, i := range x.byKey[strings.ToLower(term.val.Str)] {
			b.set(i)
		}
		for _, i := range x.odd {
			b.set(i)
		}
		return b, true
	case "boolean":
		trues := t.boolIndex(key)
		if term.val.Bool {
			return trues, true
		}
		// Null reads as false: every record that is not true.
		b := newBitset(n)
		for i := range b {
			b[i] = ^trues[i]
		}
		if n%64 != 0 {
			b[len(b)-1] &= 1<<(uint(n)%64) - 1
		}
		return b, true
	case "date":
		d, err := time.Parse("2006-01-02", term.val.Str)
		if err != nil {
			return nil, false
		}
		lo, hi := d.Format("2006-01-02"), d.AddDate(0, 0, 1).Format("2006-01-02")
		x := t.dateIndex(key)
		from, to := 0, len(x.vals)
		at := func(s string) int {
			i, _ := slices.BinarySearch(x.vals, s)
			return i
		}
		// The evaluator's range semantics: "=" is [lo, hi), "<" before lo,
		// "<=" before hi, ">" from hi, ">=" from lo.
		switch term.op {
		case "=":
			from, to = at(lo), at(hi)
		case "<":
			to = at(lo)
		case "<=":
			to = at(hi)
		case ">":
			from = at(hi)
		case ">=":
			from = at(lo)
		}
		b := newBitset(n)
		for _, i := range x.pos[from:to] {
			b.set(i)
		}
		for _, i := range x.odd {
			b.set(i)
		}
		return b, true
	}
	return nil, false
}

// narrow returns the positions that may meet every term, or nil when no
// term narrows (under r.mu).
func (t *resTable) narrow(terms []narrowTerm) bitset {
	var acc bitset
	for _, term := range terms {
		b, ok := t.termBits(term)
		if !ok {
			continue
		}
		if acc == nil {
			acc = slices.Clone(b)
			continue
		}
		for i := range acc {
			acc[i] &= b[i]
		}
	}
	return acc
}

// residentSource is the soql.Source of a query over a Resident: scans,
// child subqueries and lookups of objects within its bound come from
// memory (the root object's scan narrowed by the WHERE's indexed terms).
type residentSource struct {
	*txSource
	res   *Resident
	ver   version
	root  string // the root object, whose scan is narrowed by terms
	terms []narrowTerm
}

var _ soql.ChildFieldSource = (*residentSource)(nil)

// Scan implements soql.Source.
func (src *residentSource) Scan(object string, need []string, fn func(soql.Record) bool) error {
	src.res.mu.Lock()
	src.res.sync(src.ver)
	t, ok, err := src.res.table(src.txSource, object, need)
	var only bitset
	if ok && err == nil && object == src.root {
		only = t.narrow(src.terms)
	}
	src.res.mu.Unlock()
	if err != nil {
		return err
	}
	if !ok {
		return src.txSource.Scan(object, need, fn)
	}
	if only != nil {
		// In position (Id) order, as a full scan.
		for w, word := range only {
			for word != 0 {
				i := w*64 + bits.TrailingZeros64(word)
				if !fn(t.recs[i]) {
					return nil
				}
				word &= word - 1
			}
		}
		return nil
	}
	for _, r := range t.recs {
		if !fn(r) {
			return nil
		}
	}
	return nil
}

// ChildrenFields implements soql.ChildFieldSource: the records
// txSource.Children yields (field equal to parentID, in Id order; through
// the lookup index only values that are valid Ids), holding need.
func (src *residentSource) ChildrenFields(object, field, parentID string, need []string, fn func(soql.Record) bool) error {
	src.res.mu.Lock()
	src.res.sync(src.ver)
	t, ok, err := src.res.table(src.txSource, object, append(need[:len(need):len(need)], field))
	var pos []int32
	if ok && err == nil {
		pos = t.refIndex(field)[parentID]
	}
	src.res.mu.Unlock()
	if err != nil {
		return err
	}
	if !ok {
		return src.txSource.Children(object, field, parentID, fn)
	}
	indexed := !notIndexed[field] && (strings.HasSuffix(field, "Id") || strings.HasSuffix(field, "__c")) && len(parentID) == 18
	if indexed && src.tx.Bucket(bucketIndex).Bucket(indexRef) != nil {
		if _, err := sfdc.ParseID(parentID); err != nil {
			return nil
		}
	}
	for _, i := range pos {
		if !fn(t.recs[i]) {
			return nil
		}
	}
	return nil
}

// Get implements soql.Source, keeping what it read within the bound.
func (src *residentSource) Get(id string) (string, soql.Record, bool) {
	r := src.res
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sync(src.ver)
	if e, ok := r.parents[id]; ok {
		return e.object, e.rec, e.ok
	}
	obj, rec, ok := src.txSource.Get(id)
	limit := r.MaxCells
	if limit <= 0 {
		limit = DefaultMaxCells
	}
	if r.cells+len(rec)+1 <= limit {
		r.parents[id] = parentEntry{obj, rec, ok}
		r.cells += len(rec) + 1
	}
	return obj, rec, ok
}

// Held returns how many records and fields the Resident holds now.
func (r *Resident) Held() (records, fields int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.tables {
		records += len(t.recs)
	}
	records += len(r.parents)
	return records, r.cells
}
