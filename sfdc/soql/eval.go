package soql

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unsafe"
)

// Salesforce limits enforced as an org does.
const (
	maxOffset      = 2000 // OFFSET above this is NUMBER_OUTSIDE_VALID_RANGE
	maxFieldsLimit = 200  // FIELDS(ALL|CUSTOM) needs LIMIT <= 200
)

// defaultAPIVersion is used for attributes.url when Env.APIVersion is "".
const defaultAPIVersion = "62.0"

// executor holds per-execution state: the environment, the calendar for
// date literals and a cache of indexed object descriptions.
type executor struct {
	ctx     context.Context
	env     Env
	cal     calendar
	text    string
	version string
	objects map[string]*objInfo
	// childIndex caches, per child relationship, the child rows grouped by
	// parent id when the source has no ChildSource fast path.
	childIndex map[string]map[string][]Record
	// parents memoises Source.Get by id for this execution.
	parents map[string]parentRow
	// keys holds, per output field list, the keys of its rows: shared by
	// every row built from the list (no one changes a row's keys in
	// place; an append copies them, as their capacity is their length).
	keys map[*outField][]string
	// rows and vals are slabs output rows and their values are taken
	// from: a few allocations per thousand rows rather than two per row.
	rows []Row
	vals []any
	// lists and sets are slabs the short row lists of child subqueries
	// and their ChildSets are taken from.
	lists []*Row
	sets  []ChildSet
	// names holds the object names (as the answer spells them) boxed for
	// attributes, and described the objects looked up by that spelling.
	names     map[string]objName
	described map[string]*objInfo
	// buf is the buffer concat cuts strings from.
	buf []byte
}

// newRow returns an empty row of n values, from the slabs.
func (x *executor) newRow(keys []string, n int) *Row {
	// Slabs double from small (most queries make few rows) to 256 rows.
	if len(x.rows) == cap(x.rows) {
		x.rows = make([]Row, 0, min(256, max(4, 2*cap(x.rows))))
	}
	if len(x.vals)+n > cap(x.vals) {
		x.vals = make([]any, 0, max(n, min(1024, max(16, 2*cap(x.vals)))))
	}
	x.rows = append(x.rows, Row{Keys: keys, Values: x.vals[len(x.vals) : len(x.vals) : len(x.vals)+n]})
	x.vals = x.vals[:len(x.vals)+n]
	return &x.rows[len(x.rows)-1]
}

// rowList returns an empty list for n rows: short ones (a child
// subquery's) from a slab.
func (x *executor) rowList(n int) []*Row {
	if n > 64 {
		return make([]*Row, 0, n)
	}
	if cap(x.lists)-len(x.lists) < n {
		x.lists = make([]*Row, 0, max(n, min(1024, max(16, 2*cap(x.lists)))))
	}
	l := x.lists[len(x.lists) : len(x.lists) : len(x.lists)+n]
	x.lists = x.lists[:len(x.lists)+n]
	return l
}

// objName is an object's name boxed for attributes, and the start of its
// records' attributes.url.
type objName struct {
	boxed any
	url   string
}

// name returns object's objName, the same for every row.
func (x *executor) name(object string) objName {
	if n, ok := x.names[object]; ok {
		return n
	}
	if x.names == nil {
		x.names = map[string]objName{}
	}
	n := objName{boxed: object, url: "/services/data/v" + x.version + "/sobjects/" + object + "/"}
	x.names[object] = n
	return n
}

// objectNamed is object, memoised by the name as given.
func (x *executor) objectNamed(name string) (*objInfo, bool) {
	if info, ok := x.described[name]; ok {
		return info, info != nil
	}
	info, ok := x.object(name)
	if x.described == nil {
		x.described = map[string]*objInfo{}
	}
	x.described[name] = info
	return info, ok
}

// plan is a compiled query over one object.
type plan struct {
	q      *Query
	info   *objInfo
	alias  string
	need   *needSet
	where  pred
	order  []orderKey
	out    []*outField
	agg    *aggPlan
	count  bool // SELECT COUNT() alone: only totalSize
	limit  int
	offset int
	// deleted reads IsDeleted.
	deleted getter
	// cur is the row a ColumnSource scan is at: while cols is set, the
	// getters of the plan's own fields (field) read it, not their Record.
	cur colCursor
}

// colCursor is a position in a ColumnSource scan.
type colCursor struct {
	cols Columns
	i    int
}

// field returns the getter of p's field name (describe casing), added to
// what p needs: it reads the row a column scan is at, else its Record.
func (x *executor) field(p *plan, name string) getter {
	p.need.add(name)
	f := slices.Index(p.need.names, name)
	cur := &p.cur
	return func(r Record) any {
		if cur.cols != nil {
			return cur.cols.Value(f, cur.i)
		}
		return r[name]
	}
}

// refGetter is getterFor reading the root record's field through field:
// a plain field, or a lookup field followed through Source.Get. During a
// column scan whose lookup field is dictionary-coded (CodedColumns), a
// lookup is followed once per distinct value (code) rather than per row.
func (x *executor) refGetter(p *plan, ref fieldRef) getter {
	if len(ref.hops) == 0 {
		return x.field(p, ref.field.Name)
	}
	name, hops := ref.field.Name, ref.hops
	first := x.field(p, hops[0].idField)
	f := slices.Index(p.need.names, hops[0].idField)
	// lookup follows the first hop through x.get, or straight through the
	// source when the value is memoised per code (which dedups it).
	lookup := func(r Record, memoised bool) any {
		id, _ := first(r).(string)
		if id == "" {
			return nil
		}
		var cur Record
		var ok bool
		if memoised {
			_, cur, ok = x.env.Source.Get(id)
		} else {
			_, cur, ok = x.get(id)
		}
		if !ok {
			return nil
		}
		return x.follow(cur, hops[1:], name)
	}
	cur := &p.cur
	var memo codeMemo
	if len(hops) == 1 {
		memo.object, memo.field = hops[0].object, name
	}
	return func(r Record) any {
		if cur.cols == nil {
			return lookup(r, false)
		}
		code, ok := memo.code(cur.cols, f, cur.i)
		if !ok {
			return lookup(r, false)
		}
		if code < len(memo.found) && memo.found[code] {
			return memo.parent[code]
		}
		if code < len(memo.done) && memo.done[code] {
			return memo.vals[code]
		}
		v := lookup(r, true)
		memo.set(code, v)
		return v
	}
}

// codeMemo holds a getter's values by the code of the field they derive
// from, for the columns of one scan.
type codeMemo struct {
	object, field string // a one-hop lookup's parent object and field, else ""
	cols          Columns
	coded         CodedColumns // cols when they are coded, else nil
	vals          []any
	done          []bool
	// parent and found are the source's values by code (ParentColumns;
	// shared, read only).
	parent []any
	found  []bool
}

// code returns the code of field f in row i of cols, false when f is not
// dictionary-coded; new columns forget the values held.
func (m *codeMemo) code(cols Columns, f, i int) (int, bool) {
	if cols != m.cols {
		m.cols, m.vals, m.done = cols, m.vals[:0], m.done[:0]
		m.coded, _ = cols.(CodedColumns)
		m.parent, m.found = nil, nil
		if pc, ok := cols.(ParentColumns); ok && m.field != "" && f >= 0 {
			if vals, found, ok := pc.ParentField(f, m.object, m.field); ok {
				m.parent, m.found = vals, found
			}
		}
	}
	if m.coded == nil || f < 0 {
		return 0, false
	}
	return m.coded.Code(f, i)
}

// set holds v as the value of code.
func (m *codeMemo) set(code int, v any) {
	if code >= len(m.done) {
		m.vals = append(m.vals, make([]any, code+1-len(m.vals))...)
		m.done = append(m.done, make([]bool, code+1-len(m.done))...)
	}
	m.vals[code], m.done[code] = v, true
}

// orderKey is one compiled ORDER BY key.
type orderKey struct {
	get       getter
	kind      valueKind
	desc      bool
	nullsLast bool
	rank      picklistRank // picklist setup order, nil otherwise
}

// outField is one output column of a record: a plain field, a parent
// relationship (nested record) or a child subquery.
type outField struct {
	key    string
	get    getter      // plain field, read on the current record
	parent *outParent  // parent relationship
	child  *childQuery // child subquery
	typeOf *outTypeOf  // TYPEOF on a polymorphic relationship
	// at is where a row read from columns holds the field read: for the
	// plan's own fields (a plain field, the lookup field of a parent or
	// TYPEOF), its position in the plan's need; for the plain fields of a
	// parent record, its position in the parent's list plus one (the
	// parent's columns are its Id, then the list's fields).
	at int
}

// outTypeOf is a TYPEOF column: the nested record's fields depend on the
// parent's object.
type outTypeOf struct {
	idField string
	cases   map[string][]*outField // lower-case object name → fields
	other   []*outField            // ELSE fields
}

// outParent is a nested parent record in the output.
type outParent struct {
	idField string
	object  string
	fields  []*outField
	// rows is where the parent records of the rows of one set of columns
	// are (ParentRowColumns), found once per execution.
	rows parentRows
}

// parentRows are the parent records of the rows of cols: row i's is row
// pos[i] of parent (-1: to be followed through Source.Get); parent is
// nil when they are all followed through Source.Get.
type parentRows struct {
	cols   Columns
	parent Columns
	pos    []int32
}

// childQuery is a compiled child subquery.
type childQuery struct {
	rel  *ChildRelationship
	plan *plan
	// kept is scratch for the positions of one parent's child rows
	// (childrenAt): subqueries do not nest, so one parent's at a time.
	kept []int
	// rows finds the child rows by the parent's position
	// (ChildRowColumns), for the parent columns of one scan.
	rows childRows
}

// childRows are the positions of the child rows of each row of cols in
// child (ChildRowColumns): row i's are pos[start[i]:start[i+1]]; child is
// nil when the columns cannot tell.
type childRows struct {
	cols       Columns
	child      Columns
	start, pos []int32
}

func execute(ctx context.Context, env Env, q *Query) (*Result, error) {
	if q == nil {
		return nil, fmt.Errorf("soql: nil query")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if env.Catalog == nil || env.Source == nil {
		return nil, fmt.Errorf("soql: Env needs a Catalog and a Source")
	}
	x := &executor{
		ctx:        ctx,
		env:        env,
		cal:        newCalendar(env),
		text:       q.Text,
		version:    env.APIVersion,
		objects:    map[string]*objInfo{},
		childIndex: map[string]map[string][]Record{},
		parents:    map[string]parentRow{},
	}
	if x.version == "" {
		x.version = defaultAPIVersion
	}
	p, err := x.planRoot(q)
	if err != nil {
		return nil, err
	}
	return x.run(p)
}

// planRoot plans a top-level (or semi-join) query whose FROM names an object.
func (x *executor) planRoot(q *Query) (*plan, error) {
	if len(q.FromPath) > 1 {
		return nil, unsupportedType(x.text, q.fromPos, strings.Join(q.FromPath, "."))
	}
	info, ok := x.object(q.From)
	if !ok {
		return nil, unsupportedType(x.text, q.fromPos, q.From)
	}
	return x.plan(q, info)
}

// plan compiles q over the object info.
func (x *executor) plan(q *Query, info *objInfo) (*plan, error) {
	p := &plan{q: q, info: info, alias: q.FromAlias, need: newNeedSet(), limit: q.Limit, offset: q.Offset}
	if q.Offset > maxOffset {
		return nil, &Error{Code: "NUMBER_OUTSIDE_VALID_RANGE", Message: fmt.Sprintf("Maximum SOQL offset allowed is %d", maxOffset)}
	}
	p.need.add("Id")
	p.deleted = x.field(p, "IsDeleted")
	if q.Where != nil {
		w, err := x.compileExpr(q.Where, x.rowResolver(p))
		if err != nil {
			return nil, err
		}
		p.where = w
	}
	if isAggregate(q) {
		if len(q.Select) == 1 && q.Select[0].Func == "COUNT" && q.Select[0].Arg == nil && len(q.GroupBy) == 0 {
			p.count = true
			return p, nil
		}
		a, err := x.planAggregate(p)
		if err != nil {
			return nil, err
		}
		p.agg = a
		return p, nil
	}
	if q.Having != nil {
		return nil, posError(CodeMalformedQuery, x.text, q.fromPos, "HAVING requires a GROUP BY or an aggregate function")
	}
	for _, it := range q.Select {
		if it.Alias != "" {
			return nil, posError(CodeMalformedQuery, x.text, it.Pos, "Only aggregate expressions use field aliasing")
		}
		if it.Fields != "" && it.Fields != "STANDARD" && (q.Limit < 0 || q.Limit > maxFieldsLimit) {
			return nil, posError(CodeMalformedQuery, x.text, it.Pos, fmt.Sprintf("The SOQL FIELDS function must have a LIMIT of at most %d", maxFieldsLimit))
		}
		if err := x.planSelectItem(p, it); err != nil {
			return nil, err
		}
	}
	resolve := x.rowResolver(p)
	for _, o := range q.OrderBy {
		if o.Func != "" {
			return nil, posError(CodeMalformedQuery, x.text, o.Pos, "Ordering by a function requires an aggregate query")
		}
		opd, err := resolve(Operand{Path: o.Path, Pos: o.Pos})
		if err != nil {
			return nil, err
		}
		p.order = append(p.order, newOrderKey(opd, o))
	}
	return p, nil
}

// newOrderKey builds a sort key; booleans sort with null as false.
func newOrderKey(opd operand, o OrderItem) orderKey {
	get := opd.get
	if opd.kind == kindBool {
		get = nullAsFalse(get)
	}
	return orderKey{get: get, kind: opd.kind, desc: o.Desc, nullsLast: o.NullsLast, rank: opd.rank}
}

// isAggregate reports whether q is an aggregate query.
func isAggregate(q *Query) bool {
	if len(q.GroupBy) > 0 {
		return true
	}
	for _, it := range q.Select {
		if it.Func != "" {
			return true
		}
	}
	return false
}

// rowResolver resolves WHERE operands on rows of p's object.
func (x *executor) rowResolver(p *plan) operandResolver {
	return func(op Operand) (operand, error) {
		if aggregateFuncs[op.Func] {
			return operand{}, posError(CodeMalformedQuery, x.text, op.Pos, "Aggregate functions are not allowed in WHERE; use HAVING")
		}
		ref, err := x.resolvePath(p.info, p.alias, op.Path, op.Pos)
		if err != nil {
			return operand{}, err
		}
		p.need.addRef(ref)
		get, kind := x.maybeDateFunc(op.Func, op.ConvertTimezone, x.refGetter(p, ref), ref.kind)
		o := operand{get: get, kind: kind, name: ref.field.Name}
		if op.Func == "" {
			o.rank = newPicklistRank(ref.field.Picklist)
		}
		return o, nil
	}
}

// planSelectItem adds one SELECT item of a row query to p.out.
func (x *executor) planSelectItem(p *plan, it SelectItem) error {
	switch {
	case it.Subquery != nil:
		return x.planChild(p, it.Subquery)
	case it.TypeOf != nil:
		return x.planTypeOf(p, it.TypeOf)
	case it.Fields != "":
		for i := range p.info.obj.Fields {
			f := &p.info.obj.Fields[i]
			custom := strings.HasSuffix(strings.ToLower(f.Name), "__c")
			if (it.Fields == "CUSTOM" && !custom) || (it.Fields == "STANDARD" && custom) {
				continue
			}
			addLeaf(&p.out, f.Name, x.getterFor(fieldRef{field: f}), p.need.index(f.Name))
		}
		return nil
	case it.DateFunc != "":
		return posError(CodeMalformedQuery, x.text, it.Pos, "Date functions in SELECT require GROUP BY")
	}
	ref, err := x.resolvePath(p.info, p.alias, it.Path, it.Pos)
	if err != nil {
		return err
	}
	p.need.addRef(ref)
	list := &p.out
	at := -1 // a parent's field
	if len(ref.hops) == 0 {
		at = p.need.index(ref.field.Name)
	}
	for i, h := range ref.hops {
		idAt := -1 // the lookup field of a parent's parent
		if i == 0 {
			idAt = p.need.index(h.idField)
		}
		list = parentList(list, h, idAt)
	}
	name := ref.field.Name
	addLeaf(list, name, func(r Record) any { return r[name] }, at)
	return nil
}

// addLeaf appends a plain field unless the key is already present; at is
// its outField.at, or -1 for a parent's field (its position in list).
func addLeaf(list *[]*outField, key string, get getter, at int) {
	for _, f := range *list {
		if f.key == key && f.get != nil {
			return
		}
	}
	if at < 0 {
		at = len(*list) + 1
	}
	*list = append(*list, &outField{key: key, get: get, at: at})
}

// parentList returns the field list of the nested record for hop h,
// creating it at the end of list if it is new; at is the outField.at of
// the lookup field (-1 when it is not the plan's own).
func parentList(list *[]*outField, h hop, at int) *[]*outField {
	for _, f := range *list {
		if f.parent != nil && f.key == h.relName {
			return &f.parent.fields
		}
	}
	f := &outField{key: h.relName, parent: &outParent{idField: h.idField, object: h.object}, at: at}
	*list = append(*list, f)
	return &f.parent.fields
}

// scan returns the live (or, for queryAll, all) rows of p's object that
// match WHERE. stop > 0 ends the scan after that many matches.
func (x *executor) scan(p *plan, stop int) ([]Record, error) {
	k, err := x.scanKept(p, stop)
	for _, i := range k.pos {
		k.recs = append(k.recs, k.cols.Record(i))
	}
	return k.recs, err
}

// kept are the rows a scan kept: their positions in cols when the source
// yielded columns, else their records.
type kept struct {
	cols Columns
	pos  []int
	recs []Record
}

// scanKept is scan, keeping the rows of a column scan as positions.
func (x *executor) scanKept(p *plan, stop int) (kept, error) {
	var k kept
	err := x.scanEach(p, func(r *scanRow) bool {
		if r.cols != nil {
			k.cols = r.cols
			k.pos = append(k.pos, r.i)
		} else {
			k.recs = append(k.recs, r.record())
		}
		return stop <= 0 || len(k.pos)+len(k.recs) < stop
	})
	return k, err
}

// scanRow is a row scanEach yields: a Record, or a position in columns
// (while p.cur is at it, the plan's getters read it; rec is nil).
type scanRow struct {
	rec       Record
	transient bool // rec is valid only until fn returns
	cols      Columns
	i         int
}

// record returns the row as a Record the caller may keep.
func (r *scanRow) record() Record {
	switch {
	case r.cols != nil:
		return r.cols.Record(r.i)
	case r.transient:
		return maps.Clone(r.rec)
	}
	return r.rec
}

// scanEach calls fn with every live (or, for queryAll, every) row of p's
// object that matches WHERE, until fn returns false; fn calls p's getters
// with r.rec, and r.record() to keep the row.
func (x *executor) scanEach(p *plan, fn func(r *scanRow) bool) error {
	var ctxErr error
	n := 0
	tick := func() bool {
		n++
		if n&1023 == 0 {
			ctxErr = x.ctx.Err()
		}
		return ctxErr == nil
	}
	var row scanRow
	if cs, ok := x.env.Source.(ColumnSource); ok {
		handled, err := cs.ScanColumns(p.info.obj.Name, p.need.names, func(cols Columns, i int) bool {
			if !tick() {
				return false
			}
			p.cur = colCursor{cols: cols, i: i}
			if !x.keep(p, nil) {
				return true
			}
			row = scanRow{cols: cols, i: i}
			return fn(&row)
		})
		p.cur = colCursor{}
		if err != nil {
			return fmt.Errorf("soql: scan %s: %w", p.info.obj.Name, err)
		}
		if handled {
			return ctxErr
		}
	}
	each := func(transient bool) func(Record) bool {
		return func(r Record) bool {
			if !tick() {
				return false
			}
			if !x.keep(p, r) {
				return true
			}
			row = scanRow{rec: r, transient: transient}
			return fn(&row)
		}
	}
	var err error
	if ts, ok := x.env.Source.(TransientSource); ok {
		err = ts.ScanTransient(p.info.obj.Name, p.need.names, each(true))
	} else {
		err = x.env.Source.Scan(p.info.obj.Name, p.need.names, each(false))
	}
	if err != nil {
		return fmt.Errorf("soql: scan %s: %w", p.info.obj.Name, err)
	}
	return ctxErr
}

// keep applies the deleted-row rule and WHERE to one row.
func (x *executor) keep(p *plan, r Record) bool {
	if !x.env.IncludeDeleted {
		if del, _ := p.deleted(r).(bool); del {
			return false
		}
	}
	return p.where == nil || p.where(r)
}

// run executes a top-level plan.
func (x *executor) run(p *plan) (*Result, error) {
	stop := 0
	if p.limit >= 0 && len(p.order) == 0 && p.agg == nil && !p.count {
		stop = p.offset + p.limit
		if stop == 0 {
			return &Result{Records: []*Row{}}, nil
		}
	}
	if p.count {
		n := 0
		if err := x.scanEach(p, func(*scanRow) bool { n++; return true }); err != nil {
			return nil, err
		}
		return &Result{TotalSize: window(n, p.offset, p.limit), Records: []*Row{}}, nil
	}
	if p.agg != nil {
		g := newAggRun(p.agg)
		if err := x.scanEach(p, func(r *scanRow) bool { g.add(r.rec); return true }); err != nil {
			return nil, err
		}
		return x.finishAggregate(p, g)
	}
	var rows []Record
	var err error
	if len(p.order) > 0 && p.limit >= 0 {
		rows, err = x.scanTop(p, p.offset+p.limit)
		if err == nil {
			rows = offsetLimit(rows, p.offset, p.limit)
		}
	} else {
		var k kept
		k, err = x.scanKept(p, stop)
		if err == nil && k.cols != nil {
			out, err := x.buildAt(p, k.cols, k.pos)
			if err != nil {
				return nil, err
			}
			return &Result{TotalSize: len(out), Records: out}, nil
		}
		rows = sortLimit(k.recs, p.order, p.offset, p.limit)
	}
	if err != nil {
		return nil, err
	}
	out, err := x.build(p, rows)
	if err != nil {
		return nil, err
	}
	return &Result{TotalSize: len(out), Records: out}, nil
}

// buildAt sorts and pages the rows of p at positions pos of cols (p's
// need, as a column scan yields them) and builds their output records
// from the columns: no record is made of a row.
func (x *executor) buildAt(p *plan, cols Columns, pos []int) ([]*Row, error) {
	prev := p.cur
	defer func() { p.cur = prev }()
	nk := len(p.order)
	var vals []any
	if nk > 0 {
		vals = make([]any, len(pos)*nk)
		for n, i := range pos {
			p.cur = colCursor{cols: cols, i: i}
			for j, key := range p.order {
				vals[n*nk+j] = sortValue(key, nil)
			}
		}
	}
	// Without ORDER BY, OFFSET or LIMIT the rows are built as they are.
	windowed := nk > 0 || p.offset > 0 || p.limit >= 0
	var idx []int
	n := len(pos)
	if windowed {
		idx = orderWindow(len(pos), vals, p.order, p.offset, p.limit)
		n = len(idx)
	}
	out := x.rowList(n)
	for k := range n {
		if k&255 == 0 {
			if err := x.ctx.Err(); err != nil {
				return nil, err
			}
		}
		i := pos[k]
		if windowed {
			i = pos[idx[k]]
		}
		row, err := x.buildRow(p.info.obj.Name, nil, cols, i, p.out)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// window returns how many of n rows remain after OFFSET and LIMIT.
func window(n, offset, limit int) int {
	n -= offset
	if n < 0 {
		n = 0
	}
	if limit >= 0 && n > limit {
		n = limit
	}
	return n
}

// offsetLimit returns the rows that OFFSET and LIMIT keep.
func offsetLimit(rows []Record, offset, limit int) []Record {
	start := offset
	if start > len(rows) {
		start = len(rows)
	}
	return rows[start : start+window(len(rows), offset, limit)]
}

// shape sorts, pages and builds output rows.
func (x *executor) shape(p *plan, rows []Record) ([]*Row, error) {
	return x.build(p, sortLimit(rows, p.order, p.offset, p.limit))
}

// scanTop returns the first k rows by p's ORDER BY, in order, as sortRows
// would leave them (ties in scan order), keeping only k rows while it
// scans: a row is copied only when it is among the first k so far.
func (x *executor) scanTop(p *plan, k int) ([]Record, error) {
	if k == 0 {
		return nil, nil
	}
	keys := p.order
	nk := len(keys)
	type entry struct {
		vals []any
		row  Record
		seq  int
	}
	var heap []entry
	// before reports whether a sorts before b (stable: by scan order on ties).
	before := func(a, b *entry) bool {
		c := compareKeys(a.vals, b.vals, keys)
		return c < 0 || c == 0 && a.seq < b.seq
	}
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(heap) && before(&heap[m], &heap[l]) {
				m = l
			}
			if r := l + 1; r < len(heap) && before(&heap[m], &heap[r]) {
				m = r
			}
			if m == i {
				return
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
	}
	cand := entry{vals: make([]any, nk)}
	seq := 0
	err := x.scanEach(p, func(r *scanRow) bool {
		for j, key := range keys {
			v := key.get(r.rec)
			if key.rank != nil {
				v = key.rank.sortValue(v)
			}
			cand.vals[j] = v
		}
		cand.seq = seq
		seq++
		full := len(heap) == k
		if full && !before(&cand, &heap[0]) {
			return true
		}
		e := entry{vals: slices.Clone(cand.vals), row: r.record(), seq: cand.seq}
		if full {
			heap[0] = e
			down(0)
			return true
		}
		heap = append(heap, e)
		for j := len(heap) - 1; j > 0; {
			parent := (j - 1) / 2
			if !before(&heap[parent], &heap[j]) {
				break
			}
			heap[parent], heap[j] = heap[j], heap[parent]
			j = parent
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(heap, func(a, b int) bool { return before(&heap[a], &heap[b]) })
	rows := make([]Record, len(heap))
	for i := range heap {
		rows[i] = heap[i].row
	}
	return rows, nil
}

// build builds the output rows of rows, sorted and paged.
func (x *executor) build(p *plan, rows []Record) ([]*Row, error) {
	out := make([]*Row, 0, len(rows))
	for i, r := range rows {
		if i&255 == 0 {
			if err := x.ctx.Err(); err != nil {
				return nil, err
			}
		}
		row, err := x.buildRow(p.info.obj.Name, r, nil, 0, p.out)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// sortLimit is sortRows then offsetLimit. When OFFSET+LIMIT keep few of
// many rows it selects them instead of sorting all: the same rows in the
// same order, as the sort is stable (ties in scan order). rows may be
// reordered.
func sortLimit(rows []Record, keys []orderKey, offset, limit int) []Record {
	k := offset + limit
	if len(keys) == 0 || limit < 0 || k >= len(rows)/4 {
		sortRows(rows, keys)
		return offsetLimit(rows, offset, limit)
	}
	if k == 0 {
		return rows[:0]
	}
	nk := len(keys)
	vals := make([]any, len(rows)*nk)
	for i, r := range rows {
		for j, key := range keys {
			vals[i*nk+j] = sortValue(key, r)
		}
	}
	top := topK(len(rows), vals, keys, k)
	out := make([]Record, len(top))
	for i, j := range top {
		out[i] = rows[j]
	}
	return out[offset:]
}

// sortValue is key's value of r as rows sort by it.
func sortValue(key orderKey, r Record) any {
	v := key.get(r)
	if key.rank != nil {
		v = key.rank.sortValue(v)
	}
	return v
}

// orderWindow returns the positions of n items in ORDER BY order (their
// sort values are vals[i*len(keys):], ties in position order), after
// OFFSET and LIMIT.
func orderWindow(n int, vals []any, keys []orderKey, offset, limit int) []int {
	k := offset + limit
	if len(keys) > 0 && limit >= 0 && k < n/4 {
		if k == 0 {
			return nil
		}
		return topK(n, vals, keys, k)[offset:]
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sortStable(idx, vals, keys)
	start := min(offset, n)
	return idx[start : start+window(n, offset, limit)]
}

// topK returns the positions of the first k of n items in ORDER BY order
// (sort values as for orderWindow; ties in position order), k > 0.
func topK(n int, vals []any, keys []orderKey, k int) []int {
	nk := len(keys)
	t := topKeeper{keys: keys, k: k}
	for i := range n {
		t.offer(i, vals[i*nk:i*nk+nk])
	}
	return t.sorted()
}

// topKeeper keeps the first k items offered in ORDER BY order, ties in
// the order offered, without the sort values of the others.
type topKeeper struct {
	keys []orderKey
	k    int
	ids  []int // the item in each slot
	vals []any // each slot's sort values, len(keys) per slot
	heap []int // slots, the last in order on top
}

// before reports whether slot s sorts before slot u.
func (t *topKeeper) before(s, u int) bool {
	nk := len(t.keys)
	c := compareKeys(t.vals[s*nk:s*nk+nk], t.vals[u*nk:u*nk+nk], t.keys)
	return c < 0 || c == 0 && t.ids[s] < t.ids[u]
}

// offer considers item id, whose sort values are v (copied when kept),
// offered after every item offered before it.
func (t *topKeeper) offer(id int, v []any) {
	nk := len(t.keys)
	if len(t.heap) < t.k {
		s := len(t.ids)
		t.ids = append(t.ids, id)
		t.vals = append(t.vals, v...)
		t.heap = append(t.heap, s)
		for j := len(t.heap) - 1; j > 0; {
			parent := (j - 1) / 2
			if !t.before(t.heap[parent], t.heap[j]) {
				break
			}
			t.heap[parent], t.heap[j] = t.heap[j], t.heap[parent]
			j = parent
		}
		return
	}
	// Offered last, id sorts after the top on a tie: kept only when its
	// values sort before the top's.
	top := t.heap[0]
	if compareKeys(v, t.vals[top*nk:top*nk+nk], t.keys) >= 0 {
		return
	}
	t.ids[top] = id
	copy(t.vals[top*nk:top*nk+nk], v)
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(t.heap) && t.before(t.heap[m], t.heap[l]) {
			m = l
		}
		if r := l + 1; r < len(t.heap) && t.before(t.heap[m], t.heap[r]) {
			m = r
		}
		if m == i {
			return
		}
		t.heap[i], t.heap[m] = t.heap[m], t.heap[i]
		i = m
	}
}

// sorted returns the items kept, in order.
func (t *topKeeper) sorted() []int {
	slices.SortFunc(t.heap, func(s, u int) int {
		if t.before(s, u) {
			return -1
		}
		return 1
	})
	out := make([]int, len(t.heap))
	for i, s := range t.heap {
		out[i] = t.ids[s]
	}
	return out
}

// sortRows sorts rows by the ORDER BY keys. Nulls sort first unless NULLS
// LAST is given, in both directions: the SOQL documentation says "By
// default, null values are sorted first" and documents no exception for
// DESC. Strings sort case-insensitively, picklists in setup order,
// booleans false before true. Ties keep scan order.
func sortRows(rows []Record, keys []orderKey) {
	if len(keys) == 0 || len(rows) < 2 {
		return
	}
	k := len(keys)
	vals := make([]any, len(rows)*k)
	for i, r := range rows {
		for j, key := range keys {
			v := key.get(r)
			if key.rank != nil {
				v = key.rank.sortValue(v)
			}
			vals[i*k+j] = v
		}
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sortStable(idx, vals, keys)
	sorted := make([]Record, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

// sortStable sorts the positions idx (each i in idx with sort values
// vals[i*len(keys):]) by keys, ties in position order: the order of a
// stable sort of the positions in increasing order.
func sortStable(idx []int, vals []any, keys []orderKey) {
	nk := len(keys)
	if nk == 0 {
		return
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := compareKeys(vals[a*nk:a*nk+nk], vals[b*nk:b*nk+nk], keys); c != 0 {
			return c
		}
		return a - b
	})
}

// compareKeys compares two rows' sort key values.
func compareKeys(a, b []any, keys []orderKey) int {
	for j, key := range keys {
		va, vb := a[j], b[j]
		na, nb := isNull(va), isNull(vb)
		var c int
		switch {
		case na && nb:
			c = 0
		case na || nb:
			// Null placement does not flip with DESC.
			c = -1
			if nb {
				c = 1
			}
			if key.nullsLast {
				c = -c
			}
			return c
		default:
			c = compareValues(key.kind, va, vb)
			if key.desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// buildRow builds an output record of object from row r, or, when cols
// is set, from row i of cols (read at the fields' outField.at; the Id at
// 0).
func (x *executor) buildRow(object string, r Record, cols Columns, i int, fields []*outField) (*Row, error) {
	// read returns the field at (position in cols) or name (in r).
	read := func(at int, name string) any {
		if cols != nil {
			return cols.Value(at, i)
		}
		return r[name]
	}
	row := x.newRow(x.rowKeys(fields), len(fields)+1)
	var id string
	if tc, ok := cols.(TextColumns); ok {
		id = tc.Text(0, i) // not boxed
	} else {
		id, _ = read(0, "Id").(string)
	}
	row.Values = append(row.Values, x.attributes(object, id))
	for _, f := range fields {
		var v any
		switch {
		case f.get != nil && cols != nil:
			v = cols.Value(f.at, i)
		case f.get != nil:
			v = f.get(r)
		case f.parent != nil:
			pr, err := x.buildParent(r, cols, i, f)
			if err != nil {
				return nil, err
			}
			if pr != nil {
				v = pr
			}
		case f.typeOf != nil:
			ref, _ := read(f.at, f.typeOf.idField).(string)
			pr, err := x.buildTypeOf(ref, f.typeOf)
			if err != nil {
				return nil, err
			}
			if pr != nil {
				v = pr
			}
		case f.child != nil:
			cs, err := x.runChild(f.child, id, cols, i)
			if err != nil {
				return nil, err
			}
			if cs != nil {
				v = cs
			}
		}
		row.Values = append(row.Values, v)
	}
	return row, nil
}

// rowKeys returns the keys of a row built from fields: "attributes", then
// each field's key.
func (x *executor) rowKeys(fields []*outField) []string {
	if len(fields) == 0 {
		return []string{"attributes"}
	}
	if k, ok := x.keys[fields[0]]; ok && len(k) == len(fields)+1 {
		return k
	}
	k := make([]string, 0, len(fields)+1)
	k = append(k, "attributes")
	for _, f := range fields {
		k = append(k, f.key)
	}
	if x.keys == nil {
		x.keys = map[*outField][]string{}
	}
	x.keys[fields[0]] = k
	return k
}

// attributeKeys are the keys of every record's attributes (shared, never
// changed).
var attributeKeys = []string{"type", "url"}

// buildParent builds the nested record of parent relationship f of row
// r (or row i of cols, as for buildRow), or nil when the lookup is empty.
func (x *executor) buildParent(r Record, cols Columns, i int, f *outField) (*Row, error) {
	p := f.parent
	var id string
	if cols != nil {
		if pc, k := x.parentRow(cols, i, f); pc != nil {
			return x.buildRow(p.object, nil, pc, k, p.fields)
		}
		id, _ = cols.Value(f.at, i).(string)
	} else {
		id, _ = r[p.idField].(string)
	}
	obj, pr, ok := x.lookup(id, p.object)
	if !ok {
		return nil, nil
	}
	return x.buildRow(obj, pr, nil, 0, p.fields)
}

// parentRow returns the columns and position of the parent record of
// relationship f of row i of cols, when the columns find it
// (ParentRowColumns) and the parent's fields are all plain.
func (x *executor) parentRow(cols Columns, i int, f *outField) (Columns, int) {
	p := f.parent
	m := &p.rows
	if m.cols != cols {
		*m = parentRows{cols: cols}
		prc, ok := cols.(ParentRowColumns)
		names := make([]string, 0, len(p.fields))
		for _, pf := range p.fields {
			if pf.get == nil {
				ok = false
			}
			names = append(names, pf.key)
		}
		if ok {
			if pc, pos, found := prc.ParentRows(f.at, p.object, names); found {
				m.parent, m.pos = pc, pos
			}
		}
	}
	if m.parent == nil || m.pos[i] < 0 {
		return nil, 0
	}
	return m.parent, int(m.pos[i])
}

// lookup returns the record whose Id is id (a lookup field's value) and
// the name of its object: the described name when the object is known,
// else the source's, else fallback. ok is false when the lookup is empty
// or points at no record.
func (x *executor) lookup(id, fallback string) (obj string, rec Record, ok bool) {
	if id == "" {
		return "", nil, false
	}
	obj, rec, ok = x.get(id)
	if !ok {
		return "", nil, false
	}
	if info, known := x.objectNamed(obj); known {
		obj = info.obj.Name
	} else if obj == "" {
		obj = fallback
	}
	return obj, rec, true
}

// attributes builds {"type","url"} for a record.
func (x *executor) attributes(object, id string) *Row {
	row := x.newRow(attributeKeys[:2:2], 2)
	n := x.name(object)
	row.Values = append(row.Values, n.boxed, x.concat(n.url, id))
	return row
}

// concat returns a+b. Short results are cut from a buffer of the
// execution, never written again once cut: the urls of thousands of rows
// take a few allocations rather than one each (a result keeps its buffer
// alive, as the rows of one answer live and die together).
func (x *executor) concat(a, b string) string {
	n := len(a) + len(b)
	if n == 0 || n > 256 {
		return a + b
	}
	if cap(x.buf)-len(x.buf) < n {
		x.buf = make([]byte, 0, 16<<10)
	}
	start := len(x.buf)
	x.buf = append(x.buf, a...)
	x.buf = append(x.buf, b...)
	return unsafe.String(&x.buf[start], n)
}
