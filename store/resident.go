package store

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
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
// (the order a plain scan yields), as one column per field queries have
// needed so far (resident_cols.go; a query needing another field adds it:
// the object's records are decoded again for the missing fields only, into
// new columns of a new table, so that tables already in use never change),
// and, built on first use, narrowing indexes (below). A scan hands the
// evaluator positions in the columns (soql.ColumnSource), or records made
// from them with the fields it needs; parent records (Get) are kept whole,
// as maps. All of it is tagged with the cache
// file and its data generation (see Snapshot). When they change, an
// object's records are kept if the per-object generations (count.go) say
// that no write since changed them, and dropped otherwise; a cache without
// trustworthy per-object generations drops everything. A write by this or
// another process is seen by the next query.
//
// Narrowing: a top-level AND term of the WHERE that an index answers
// limits the root scan to the records that may match it, still in Id
// order; the WHERE then decides as on a plain scan, so a result never
// differs from the plain scan's. Indexed terms: equality on an id or
// reference field with an 18-character Id, equality on a boolean, and
// comparisons (=, <, <=, >, >=) of a date field with a date.
//
// Memory is bounded by MaxCells (records × fields held); an object that
// would exceed it is scanned from the file as without a Resident. (Two
// objects decoded at the same time may overshoot it by one of them.)
//
// Decoding an object happens outside the Resident's lock, once: a query
// needing an object that another query or Warm is decoding continues
// that decoding in its own transaction rather than starting over.
//
// A Resident is safe for concurrent use; it belongs to one Store.
type Resident struct {
	st *Store
	// MaxCells bounds the fields held over all objects (0: DefaultMaxCells).
	MaxCells int

	mu      sync.Mutex
	ver     version              // what tables and parents are of
	tables  map[string]*resTable // by describe name when the catalog knows it
	loading map[string]*resLoad  // decodings in progress, by the same name
	// parents holds the records Get returned (whole, as Get decodes them).
	parents map[string]parentEntry
	cells   int
	loads   int // tables decoded and kept, ever
	chunk   int // records per Warm transaction (0: resChunk)
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
	return &Resident{st: st, tables: map[string]*resTable{}, loading: map[string]*resLoad{}, parents: map[string]parentEntry{}}
}

// resTable is one object's resident records. It is never changed once
// published, except for its indexes, which are added under Resident.mu.
type resTable struct {
	n       int                // records, in Id order
	columns map[string]*column // by lower-case field name (resident_cols.go)
	cols    map[string]bool    // lower-case field names decoded (where present)
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
	refs map[string]*posIndex
	// parents holds, per dictionary-coded lookup field and parent field,
	// the parent field's values by code (parentField).
	parents map[parentKey]*parentVals
	// parentRows holds, per lookup column and parent table, the position
	// of each record's parent there (parentPos).
	parentRows map[parentKey][]int32
	// childRows holds, per Id column, child table, reference field and
	// whether the file has the lookup index, the positions of each
	// record's children there (ChildRows).
	childRows map[childRowsKey]*childRowsAt

	// made holds the records made of the columns for rows a query kept
	// (rec), shared by later queries: at most maxMade of them.
	madeMu sync.Mutex
	made   []soql.Record
	nMade  int
	all    []*column
}

// The indexes hold no pointer per record or value (issue 12: a
// collection marks them as a few arrays).
type idIndex struct {
	keys *posIndex // 18-character ASCII values, case-folded
	odd  []int32
}

type dateIndex struct {
	col *column
	pos []int32 // sorted by the value at each
	odd []int32
}

// version identifies the data a transaction reads: the cache file, its
// data generation and its per-object generations.
type version struct {
	file os.FileInfo
	gen  uint64
	objs objectGens
}

// versionOf returns tx's version.
func (r *Resident) versionOf(tx *bolt.Tx) (version, error) {
	// The path names the file the transaction reads but for a moment when
	// 'sync --rebuild' replaces it: the data generation still tells.
	fi, err := os.Stat(r.st.path)
	if err != nil {
		return version{}, fmt.Errorf("resident records: %w", err)
	}
	gen := dataGen(tx)
	return version{file: fi, gen: gen, objs: readGens(tx, gen)}, nil
}

// sameObject reports whether object's records are the same at a and b: the
// same file and data generation, or per-object generations complete from
// the same base at both that give object the same generation. A cache
// without a data generation (0) is never reused.
func sameObject(a, b version, object string) bool {
	if a.file == nil || b.file == nil || a.gen == 0 || b.gen == 0 || !os.SameFile(a.file, b.file) {
		return false
	}
	if a.gen == b.gen {
		return true
	}
	l := strings.ToLower(object)
	return a.objs.ok && b.objs.ok && a.objs.base == b.objs.base && a.objs.objs[l] == b.objs.objs[l]
}

// sync makes the Resident hold only what is of version v: it drops the
// objects whose records differ, and the parents of those objects and
// every parent that was not found (under r.mu).
func (r *Resident) sync(v version) {
	if r.ver.file != nil && r.ver.gen == v.gen && v.gen != 0 && os.SameFile(r.ver.file, v.file) {
		return
	}
	for object, t := range r.tables {
		if !sameObject(r.ver, v, object) {
			r.cells -= t.n * len(t.cols)
			delete(r.tables, object)
		}
	}
	for id, e := range r.parents {
		if !e.ok || !sameObject(r.ver, v, e.object) {
			r.cells -= len(e.rec) + 1
			delete(r.parents, id)
		}
	}
	r.ver = v
}

// resLoad is the decoding of one object's records (the missing fields of
// base, or all needed fields when base is nil) at version ver. Whoever
// holds mu continues it, in any transaction of a version where the
// object's records are the same; result is set once it is complete.
type resLoad struct {
	ver     version
	object  string
	base    *resTable
	missing []string // as named in need (decodeFields matches any case)
	cols    map[string]bool
	n       int // records expected, for the columns' capacity

	mu       sync.Mutex
	nt       *resTable
	builders map[string]*colBuilder // the missing fields' columns, by lower-case name
	spelt    map[string]*colBuilder // the same (or nil) by field name as records spell it
	list     []*colBuilder          // the same, in a slice
	last     []byte                 // the last key decoded
	result   *resTable
	failed   bool // a record could not be decoded: not to be continued
}

// covers reports whether l decodes every field of need.
func (l *resLoad) covers(need []string) bool {
	for _, n := range need {
		if !l.cols[strings.ToLower(n)] {
			return false
		}
	}
	return true
}

// canonical returns the name object's table is kept under.
func canonical(src *txSource, object string) string {
	if o, ok := src.cat.Object(object); ok {
		return o.Name
	}
	return object
}

// prepare returns object's table if it holds need, else the decoding to
// run (started by another caller, or new), or neither when the fields
// would exceed the memory bound (under r.mu, synced to v).
func (r *Resident) prepare(src *txSource, v version, object string, need []string) (*resTable, *resLoad) {
	t := r.tables[object]
	if t != nil && t.has(need) {
		return t, nil
	}
	if l := r.loading[object]; l != nil && l.covers(need) && sameObject(l.ver, v, object) && l.base == t {
		return nil, l
	}
	var missing []string
	seen := map[string]bool{}
	for _, n := range append([]string{"Id", "IsDeleted"}, need...) {
		l := strings.ToLower(n)
		if (t == nil || !t.cols[l]) && !seen[l] {
			seen[l] = true
			missing = append(missing, n)
		}
	}
	b := src.bucket(object)
	if b == nil {
		return nil, nil
	}
	limit := r.MaxCells
	if limit <= 0 {
		limit = DefaultMaxCells
	}
	n := b.Stats().KeyN
	old := 0
	cols := map[string]bool{}
	if t != nil {
		old = t.n * len(t.cols)
		for c := range t.cols {
			cols[c] = true
		}
	}
	for _, c := range missing {
		cols[strings.ToLower(c)] = true
	}
	if r.cells-old+n*len(cols) > limit {
		return nil, nil
	}
	l := &resLoad{ver: v, object: object, base: t, missing: missing, cols: cols, n: n,
		nt: &resTable{cols: cols}, builders: map[string]*colBuilder{}}
	for _, c := range missing {
		lc := strings.ToLower(c)
		l.builders[lc] = newColBuilder(c, n)
		l.list = append(l.list, l.builders[lc])
	}
	r.loading[object] = l
	return nil, l
}

// table returns object's records holding at least the fields in need,
// decoding them from src (a transaction of version v) when they are
// missing; ok is false when they would exceed the memory bound.
func (r *Resident) table(ctx context.Context, src *txSource, v version, object string, need []string) (*resTable, bool, error) {
	r.mu.Lock()
	r.sync(v)
	object = canonical(src, object)
	t, l := r.prepare(src, v, object, need)
	r.mu.Unlock()
	if t != nil {
		return t, true, nil
	}
	if l == nil {
		return nil, false, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.result != nil {
		return l.result, true, nil
	}
	if _, err := l.step(ctx, src.bucket(object), 0); err != nil {
		r.abandon(l)
		return nil, false, err
	}
	return r.publish(l), true, nil
}

// resChunk is how many records Warm decodes per read transaction, so that
// a writer waits for it at most about as long as for one query.
const resChunk = 16384

// step decodes up to max records (0: all) of b after l.last (under l.mu);
// done reports that the object's records are all decoded.
func (l *resLoad) step(ctx context.Context, b *bolt.Bucket, max int) (done bool, err error) {
	if b == nil {
		l.failed = true
		return false, fmt.Errorf("resident %s: the records are gone", l.object)
	}
	if l.failed {
		return false, fmt.Errorf("resident %s: an earlier decoding failed", l.object)
	}
	c := b.Cursor()
	var k, v []byte
	if l.last == nil {
		k, v = c.First()
	} else if k, v = c.Seek(l.last); k != nil && bytes.Equal(k, l.last) {
		k, v = c.Next()
	}
	nt, base := l.nt, l.base
	i := nt.n
	var prev []byte // the last key decoded in this step
	// stop keeps where the step stopped, so another caller continues from
	// there.
	stop := func() {
		if prev != nil {
			l.last = append(l.last[:0], prev...) // the key is the file's
		}
	}
	for read := 0; k != nil; k, v = c.Next() {
		if read%1024 == 0 {
			if err := ctx.Err(); err != nil {
				stop()
				return false, err
			}
		}
		if max > 0 && read == max {
			stop()
			return false, nil
		}
		read++
		add, err := decodeFields(v, l.missing)
		if err != nil {
			l.failed = true
			return false, fmt.Errorf("cached %s %s: %w", l.object, k, err)
		}
		if base != nil && i >= base.n {
			l.failed = true
			return false, fmt.Errorf("resident %s: records changed within a generation", l.object)
		}
		l.add(add)
		nt.n++
		prev = k
		i++
	}
	if base != nil && i != base.n {
		l.failed = true
		return false, fmt.Errorf("resident %s: records changed within a generation", l.object)
	}
	return true, nil
}

// add appends one decoded record's fields to the columns being built
// (nil for the fields it lacks).
func (l *resLoad) add(rec soql.Record) {
	for f, x := range rec {
		b, ok := l.spelt[f]
		if !ok {
			// The first record with this spelling: found by lower-case
			// name once, not per record.
			b = l.builders[strings.ToLower(f)]
			if l.spelt == nil {
				l.spelt = map[string]*colBuilder{}
			}
			l.spelt[f] = b
		}
		if b == nil || b.n > l.nt.n {
			continue // not a missing field, or a second spelling of one
		}
		if b.c.key != f {
			b.c.key = f
		}
		b.add(x)
	}
	for _, b := range l.list {
		if b.n == l.nt.n {
			b.add(nil)
		}
	}
}

// publish completes l (under l.mu): its table is kept when the Resident
// is still of a version with the same records and holds nothing better.
// It returns the table to read.
func (r *Resident) publish(l *resLoad) *resTable {
	r.mu.Lock()
	defer r.mu.Unlock()
	nt := l.nt
	nt.columns = make(map[string]*column, len(nt.cols))
	if l.base != nil {
		for c, col := range l.base.columns {
			nt.columns[c] = col
		}
	}
	for c, b := range l.builders {
		nt.columns[c] = b.done()
	}
	l.nt, l.builders, l.spelt, l.list = nil, nil, nil, nil
	if l.base != nil {
		// The indexes hold positions and values, which a new field does
		// not change.
		nt.ids, nt.bools, nt.dates, nt.refs = l.base.ids, l.base.bools, l.base.dates, l.base.refs
	}
	l.result = nt
	if r.loading[l.object] == l {
		delete(r.loading, l.object)
	}
	if !sameObject(r.ver, l.ver, l.object) {
		return nt // of another version than the Resident's now: this query's only
	}
	old := 0
	if cur := r.tables[l.object]; cur != nil {
		if cur != l.base && cur.holdsCols(nt.cols) {
			l.result = cur
			return cur
		}
		old = cur.n * len(cur.cols)
	}
	r.cells += nt.n*len(nt.cols) - old
	r.tables[l.object] = nt
	r.loads++
	return nt
}

// abandon forgets l after an error (under l.mu).
func (r *Resident) abandon(l *resLoad) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loading[l.object] == l {
		delete(r.loading, l.object)
	}
}

// holdsCols reports whether t holds every field of cols (under r.mu).
func (t *resTable) holdsCols(cols map[string]bool) bool {
	for c := range cols {
		if !t.cols[c] {
			return false
		}
	}
	return true
}

// Warm decodes the records of each object of need (describe names) with
// at least the named fields, as the queries that need them would, so that
// they find them decoded. It reads resChunk records per read transaction,
// so a write waits for it no longer than for a query; a write that changes
// an object being decoded restarts that object at the new version. A query
// needing an object Warm is decoding continues the decoding itself. It
// returns ctx's error when cancelled, leaving what it completed.
func (r *Resident) Warm(ctx context.Context, need map[string][]string) error {
	objects := make([]string, 0, len(need))
	for o := range need {
		objects = append(objects, o)
	}
	slices.Sort(objects)
	for _, object := range objects {
		for done := false; !done; {
			if err := ctx.Err(); err != nil {
				return err
			}
			var err error
			done, err = r.warmStep(ctx, object, need[object])
			if err != nil {
				return fmt.Errorf("warm the resident %s records: %w", object, err)
			}
		}
	}
	return nil
}

// warmStep decodes one chunk of object's records in one read transaction;
// done reports that they are all held (or cannot be).
func (r *Resident) warmStep(ctx context.Context, object string, need []string) (done bool, err error) {
	cat, err := r.st.loadCatalog()
	if err != nil {
		return false, err
	}
	err = r.st.view(func(tx *bolt.Tx) error {
		v, err := r.versionOf(tx)
		if err != nil {
			return err
		}
		src := &txSource{tx: tx, cat: cat}
		r.mu.Lock()
		r.sync(v)
		object = canonical(src, object)
		t, l := r.prepare(src, v, object, need)
		r.mu.Unlock()
		if t != nil || l == nil {
			done = true
			return nil
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.result != nil {
			done = true
			return nil
		}
		if !sameObject(l.ver, v, object) {
			return nil // prepare replaced it: the next step starts afresh
		}
		chunk := r.chunk
		if chunk <= 0 {
			chunk = resChunk
		}
		finished, err := l.step(ctx, src.bucket(object), chunk)
		if err != nil {
			r.abandon(l)
			return err
		}
		if finished {
			r.publish(l)
			done = true
		}
		return nil
	})
	return done, err
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
	x := &idIndex{}
	c := t.col(field)
	x.keys = newPosIndex(c, t.n, true, func(i int, s string) bool {
		if len(s) == 18 && isASCII(s) {
			return true
		}
		// Another non-empty value (a 15-character id may equal an
		// 18-character literal; a value that is not ASCII is not
		// case-folded by the index).
		x.odd = append(x.odd, int32(i))
		return false
	})
	if t.ids == nil {
		t.ids = map[string]*idIndex{}
	}
	t.ids[field] = x
	return x
}

// refIndex returns field's exact values' positions (under r.mu).
func (t *resTable) refIndex(field string) *posIndex {
	if x, ok := t.refs[field]; ok {
		return x
	}
	x := newPosIndex(t.col(field), t.n, false, func(_ int, s string) bool { return s != "" })
	if t.refs == nil {
		t.refs = map[string]*posIndex{}
	}
	t.refs[field] = x
	return x
}

// boolIndex returns the positions where field is true (under r.mu).
func (t *resTable) boolIndex(field string) bitset {
	if x, ok := t.bools[field]; ok {
		return x
	}
	x := newBitset(t.n)
	c := t.col(field)
	for i := range t.n {
		if c == nil {
			break
		}
		if b, _ := c.value(i).(bool); b {
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
	c := t.col(field)
	x := &dateIndex{col: c}
	for i := range t.n {
		s := c.str(i)
		switch {
		case s == "":
		case len(s) == 10:
			x.pos = append(x.pos, int32(i))
		default:
			x.odd = append(x.odd, int32(i))
		}
	}
	slices.SortStableFunc(x.pos, func(a, b int32) int {
		return strings.Compare(c.str(int(a)), c.str(int(b)))
	})
	if t.dates == nil {
		t.dates = map[string]*dateIndex{}
	}
	t.dates[field] = x
	return x
}

// posIndex finds the positions of the records whose value of a text
// field is a given key, in position order, without a pointer per key or
// record: an open-addressing table of key numbers by hash, whose keys are
// read back from the column to compare. With fold, keys are 18-byte ASCII
// values compared case-insensitively.
type posIndex struct {
	col   *column
	fold  bool
	seed  maphash.Seed
	slots []uint32 // 1 + a key's number, at its hash's slot or after it; 0: free
	first []uint32 // key k's positions are pos[first[k]:first[k+1]]
	pos   []int32
}

// newPosIndex indexes the first n records of c whose value s is
// non-empty and keep(i, s) (c may be nil: nothing is indexed).
func newPosIndex(c *column, n int, fold bool, keep func(i int, s string) bool) *posIndex {
	x := &posIndex{col: c, fold: fold, seed: maphash.MakeSeed()}
	keyOf := make([]int32, n)
	var count []uint32
	numbers := map[string]int32{} // key → number, while building only
	for i := range n {
		keyOf[i] = -1
		s := c.str(i)
		if s == "" || !keep(i, s) {
			continue
		}
		if fold {
			s = strings.ToLower(s)
		}
		k, ok := numbers[s]
		if !ok {
			k = int32(len(count))
			numbers[s] = k
			count = append(count, 0)
		}
		count[k]++
		keyOf[i] = k
	}
	x.first = make([]uint32, len(count)+1)
	for k, m := range count {
		x.first[k+1] = x.first[k] + m
	}
	x.pos = make([]int32, x.first[len(count)])
	next := slices.Clone(x.first[:len(count)])
	for i, k := range keyOf {
		if k >= 0 {
			x.pos[next[k]] = int32(i)
			next[k]++
		}
	}
	if len(count) == 0 {
		return x
	}
	size := 1
	for size < 2*len(count) {
		size <<= 1
	}
	x.slots = make([]uint32, size)
	for key, k := range numbers {
		j := maphash.String(x.seed, key) & uint64(size-1)
		for x.slots[j] != 0 {
			j = (j + 1) & uint64(size-1)
		}
		x.slots[j] = uint32(k) + 1
	}
	return x
}

// get returns the positions of the records whose value is key (shared:
// not to be changed).
func (x *posIndex) get(key string) []int32 {
	if len(x.slots) == 0 || key == "" {
		return nil
	}
	var h uint64
	if x.fold {
		if len(key) != 18 || !isASCII(key) {
			return nil
		}
		var low [18]byte
		for i := range low {
			low[i] = lowerASCII(key[i])
		}
		h = maphash.Bytes(x.seed, low[:])
	} else {
		h = maphash.String(x.seed, key)
	}
	mask := uint64(len(x.slots) - 1)
	for j := h & mask; x.slots[j] != 0; j = (j + 1) & mask {
		k := x.slots[j] - 1
		pos := x.pos[x.first[k]:x.first[k+1]]
		s := x.col.str(int(pos[0]))
		if s == key || x.fold && strings.EqualFold(s, key) { // both ASCII
			return pos
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
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
	eachAndTerm(q.Where, func(x *soql.Condition) {
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
	})
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
	n := t.n
	switch term.kind {
	case "id", "reference":
		x := t.idIndex(key)
		b := newBitset(n)
		for _, i := range x.keys.get(term.val.Str) {
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
		from, to := 0, len(x.pos)
		at := func(s string) int {
			i, _ := slices.BinarySearchFunc(x.pos, s, func(p int32, s string) int {
				return strings.Compare(x.col.str(int(p)), s)
			})
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
	ctx   context.Context
	res   *Resident
	ver   version
	root  string // the root object, whose scan is narrowed by terms
	terms []narrowTerm
	// children keeps, for this query (one version), the table and the
	// reference index a child subquery reads, by object and field: a
	// query with a subquery per row looks them up once.
	children map[childKey]*childTable
	// refIndexed is whether the file has the lookup index (0: not read
	// yet, 1: no, 2: yes).
	refIndexed int8
}

type childKey struct{ object, field string }

type childTable struct {
	t    *resTable
	refs *posIndex
	need []string // the fields the table was asked for
	view *colView // need's columns (ChildColumns, ChildRows)
}

var _ soql.ChildFieldSource = (*residentSource)(nil)

// Scan implements soql.Source.
func (src *residentSource) Scan(object string, need []string, fn func(soql.Record) bool) error {
	return src.scan(object, need, fn, false)
}

// ScanTransient implements soql.TransientSource: the records of a resident
// table are made in one map, reused from row to row.
func (src *residentSource) ScanTransient(object string, need []string, fn func(soql.Record) bool) error {
	return src.scan(object, need, fn, true)
}

var _ soql.TransientSource = (*residentSource)(nil)

var _ soql.ColumnSource = (*residentSource)(nil)

// ScanColumns implements soql.ColumnSource for the objects the Resident
// holds (within its bound): the scan Scan would make, by position.
func (src *residentSource) ScanColumns(object string, need []string, fn func(soql.Columns, int) bool) (bool, error) {
	t, ok, err := src.res.table(src.ctx, src.txSource, src.ver, object, need)
	if err != nil || !ok {
		return false, err
	}
	var only bitset
	if object == src.root {
		src.res.mu.Lock()
		only = t.narrow(src.terms)
		src.res.mu.Unlock()
	}
	v := t.view(need, src)
	if only != nil {
		for w, word := range only {
			for word != 0 {
				i := w*64 + bits.TrailingZeros64(word)
				if !fn(v, i) {
					return true, nil
				}
				word &= word - 1
			}
		}
		return true, nil
	}
	for i := range t.n {
		if !fn(v, i) {
			return true, nil
		}
	}
	return true, nil
}

// scan is Scan, or ScanTransient when reuse is set.
func (src *residentSource) scan(object string, need []string, fn func(soql.Record) bool, reuse bool) error {
	t, ok, err := src.res.table(src.ctx, src.txSource, src.ver, object, need)
	var only bitset
	if ok && err == nil && object == src.root {
		src.res.mu.Lock()
		only = t.narrow(src.terms)
		src.res.mu.Unlock()
	}
	if err != nil {
		return err
	}
	if !ok {
		return src.txSource.Scan(object, need, fn)
	}
	cols := t.pick(need)
	rec := t.rec
	if reuse {
		scratch := make(soql.Record, len(cols))
		rec = func(i int) soql.Record { return fill(scratch, cols, i) }
	}
	if only != nil {
		// In position (Id) order, as a full scan.
		for w, word := range only {
			for word != 0 {
				i := w*64 + bits.TrailingZeros64(word)
				if !fn(rec(i)) {
					return nil
				}
				word &= word - 1
			}
		}
		return nil
	}
	for i := range t.n {
		if !fn(rec(i)) {
			return nil
		}
	}
	return nil
}

// ChildrenFields implements soql.ChildFieldSource: the records
// txSource.Children yields (field equal to parentID, in Id order; through
// the lookup index only values that are valid Ids), holding need.
func (src *residentSource) ChildrenFields(object, field, parentID string, need []string, fn func(soql.Record) bool) error {
	ct, ok, err := src.childTable(object, field, need)
	if err != nil {
		return err
	}
	if !ok {
		return src.txSource.Children(object, field, parentID, fn)
	}
	for _, i := range src.childPos(ct, field, parentID) {
		if !fn(ct.t.rec(int(i))) {
			return nil
		}
	}
	return nil
}

var _ soql.ChildColumnSource = (*residentSource)(nil)

// ChildColumns implements soql.ChildColumnSource: the positions of the
// records ChildrenFields yields.
func (src *residentSource) ChildColumns(object, field, parentID string, need []string) (soql.Columns, []int32, bool, error) {
	ct, ok, err := src.childTable(object, field, need)
	if err != nil || !ok {
		return nil, nil, false, err
	}
	return ct.view, src.childPos(ct, field, parentID), true, nil
}

// childTable returns the table and reference index of object's records
// by field, holding need; ok is false when they are not held (beyond the
// bound).
func (src *residentSource) childTable(object, field string, need []string) (*childTable, bool, error) {
	key := childKey{object, field}
	if ct, ok := src.children[key]; ok && slices.Equal(ct.need, need) {
		return ct, true, nil
	}
	t, ok, err := src.res.table(src.ctx, src.txSource, src.ver, object, append(need[:len(need):len(need)], field))
	if err != nil || !ok {
		return nil, false, err
	}
	src.res.mu.Lock()
	refs := t.refIndex(field)
	src.res.mu.Unlock()
	ct := &childTable{t: t, refs: refs, need: slices.Clone(need), view: t.view(need, src)}
	if src.children == nil {
		src.children = map[childKey]*childTable{}
	}
	src.children[key] = ct
	return ct, true, nil
}

// childPos returns the positions of ct's records whose field is parentID
// (shared: not to be changed).
func (src *residentSource) childPos(ct *childTable, field, parentID string) []int32 {
	pos := ct.refs.get(parentID)
	if len(pos) == 0 {
		return nil
	}
	return checkChildPos(pos, field, parentID, src.hasRefIndex)
}

// checkChildPos returns pos, the positions of the records whose field is
// parentID, or nil when the lookup index would not find them (a field
// it indexes, a file with that index, a parentID that is no valid Id).
func checkChildPos(pos []int32, field, parentID string, refIndexed func() bool) []int32 {
	indexed := !notIndexed[field] && (strings.HasSuffix(field, "Id") || strings.HasSuffix(field, "__c")) && len(parentID) == 18
	if indexed && refIndexed() {
		if _, err := sfdc.ParseID(parentID); err != nil {
			return nil
		}
	}
	return pos
}

// hasRefIndex reports whether the file has the lookup index.
func (src *residentSource) hasRefIndex() bool {
	if src.refIndexed == 0 {
		src.refIndexed = 1
		if src.tx.Bucket(bucketIndex).Bucket(indexRef) != nil {
			src.refIndexed = 2
		}
	}
	return src.refIndexed == 2
}

// WarmParents reads, as parent lookups (Get) would, every record of each of
// objects (describe names), so that lookups into them (Owner.Name,
// Account.Name) find them held; within the memory bound, resChunk records
// per read transaction. It returns ctx's error when cancelled, leaving
// what it read.
func (r *Resident) WarmParents(ctx context.Context, objects []string) error {
	cat, err := r.st.loadCatalog()
	if err != nil {
		return err
	}
	limit := r.MaxCells
	if limit <= 0 {
		limit = DefaultMaxCells
	}
	chunk := r.chunk
	if chunk <= 0 {
		chunk = resChunk
	}
	for _, object := range objects {
		var last []byte
		for done := false; !done; {
			if err := ctx.Err(); err != nil {
				return err
			}
			err := r.st.view(func(tx *bolt.Tx) error {
				v, err := r.versionOf(tx)
				if err != nil {
					return err
				}
				src := &residentSource{txSource: &txSource{tx: tx, cat: cat}, ctx: ctx, res: r, ver: v}
				b := src.bucket(object)
				if b == nil {
					done = true
					return nil
				}
				c := b.Cursor()
				k, _ := c.First()
				if last != nil {
					if k, _ = c.Seek(last); k != nil && bytes.Equal(k, last) {
						k, _ = c.Next()
					}
				}
				for n := 0; k != nil; k, _ = c.Next() {
					if n == chunk {
						last = append(last[:0], k...)
						return nil
					}
					n++
					r.mu.Lock()
					full := r.cells >= limit
					r.mu.Unlock()
					if full {
						break
					}
					src.Get(string(k))
				}
				done = true
				return nil
			})
			if err != nil {
				return fmt.Errorf("warm the resident %s parents: %w", object, err)
			}
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

// Loads returns how many times the Resident has decoded an object's records
// (or added fields to them) and kept them.
func (r *Resident) Loads() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loads
}

// Held returns how many records and fields the Resident holds now.
func (r *Resident) Held() (records, fields int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.tables {
		records += t.n
	}
	records += len(r.parents)
	return records, r.cells
}
