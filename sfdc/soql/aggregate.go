package soql

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// aggPlan is the compiled GROUP BY / aggregate part of a query. Each group
// becomes an intermediate Record whose keys are slots: "g0".. for group
// keys and "a0".. for aggregate values; HAVING and ORDER BY run on those.
type aggPlan struct {
	groups []groupKey
	aggs   []aggExpr
	out    []aggOut
	having pred
	order  []orderKey
	// read are the slots HAVING and ORDER BY read: only those are made
	// values of for every group, the others only for the groups returned.
	read map[string]bool
	// cur is the row a column scan is at, and codeAt the position in the
	// plan's need of the field whose dictionary code decides the only
	// group key's value (-1: none): rows are then grouped by that code,
	// the key made once per code rather than per row.
	cur    *colCursor
	codeAt int
	// more is set when an aggregate is MIN, MAX or COUNT_DISTINCT.
	more bool
}

type groupKey struct {
	get  getter
	kind valueKind
	rank picklistRank
	sig  string
	slot string
}

type aggExpr struct {
	fn  string
	get getter // nil for COUNT()
	// cur and field read a plain field of the row a column scan is at
	// (field is its position in the plan's need; cur nil otherwise).
	cur   *colCursor
	field int
	kind  valueKind
	rank  picklistRank // MIN/MAX of a picklist compare in setup order
	sig   string
	slot  string
}

// aggOut is one output column of an aggregate row.
type aggOut struct {
	key   string
	slot  string
	alias string // lower-case alias, for ORDER BY/HAVING by alias
}

// planAggregate compiles the aggregate part of p.q.
func (x *executor) planAggregate(p *plan) (*aggPlan, error) {
	q := p.q
	a := &aggPlan{cur: &p.cur, codeAt: -1, read: map[string]bool{}}
	for _, g := range q.GroupBy {
		ref, err := x.resolvePath(p.info, p.alias, g.Path, g.Pos)
		if err != nil {
			return nil, err
		}
		p.need.addRef(ref)
		get, kind := x.maybeDateFunc(g.DateFunc, g.ConvertTimezone, x.refGetter(p, ref), ref.kind)
		if kind == kindBool {
			get = nullAsFalse(get)
		}
		var rank picklistRank
		if g.DateFunc == "" {
			rank = newPicklistRank(ref.field.Picklist)
		}
		a.groups = append(a.groups, groupKey{get: get, kind: kind, rank: rank, sig: funcSig(g.DateFunc, g.ConvertTimezone, ref), slot: "g" + strconv.Itoa(len(a.groups))})
		// The key's value is the same for every row of one code of the
		// field it is read from (a plain field, or the lookup field a
		// path is followed from: refGetter follows it once per code).
		idField := ref.field.Name
		if len(ref.hops) > 0 {
			idField = ref.hops[0].idField
		}
		a.codeAt = p.need.index(idField)
	}
	if len(a.groups) != 1 {
		a.codeAt = -1
	}
	expr := 0
	for _, it := range q.Select {
		var key, slot string
		switch {
		case it.Subquery != nil, it.Fields != "", it.TypeOf != nil:
			return nil, posError(CodeMalformedQuery, x.text, it.Pos, "Aggregate queries do not support child subqueries, TYPEOF or FIELDS()")
		case it.Func != "":
			ag, err := x.aggFor(p, a, it.Func, it.Arg, it.Pos)
			if err != nil {
				return nil, err
			}
			slot = ag.slot
		default:
			path, fn, tz := it.Path, "", false
			if it.DateFunc != "" {
				path, fn, tz = it.Arg, it.DateFunc, it.ConvertTimezone
			}
			ref, err := x.resolvePath(p.info, p.alias, path, it.Pos)
			if err != nil {
				return nil, err
			}
			g := a.group(funcSig(fn, tz, ref))
			if g == nil {
				return nil, posError(CodeMalformedQuery, x.text, it.Pos, "Field must be grouped or aggregated: "+ref.field.Name)
			}
			slot = g.slot
			if fn == "" {
				key = ref.field.Name
			}
		}
		// Aggregates and date functions without an alias are named expr0,
		// expr1, ... counting only such unaliased expressions.
		if it.Alias != "" {
			key = it.Alias
		} else if key == "" {
			key = "expr" + strconv.Itoa(expr)
			expr++
		}
		a.out = append(a.out, aggOut{key: key, slot: slot, alias: strings.ToLower(it.Alias)})
	}
	resolve := x.groupResolver(p, a)
	if q.Having != nil {
		h, err := x.compileExpr(q.Having, resolve)
		if err != nil {
			return nil, err
		}
		a.having = h
	}
	for _, o := range q.OrderBy {
		opd, err := resolve(Operand{Path: o.Path, Func: o.Func, ConvertTimezone: o.ConvertTimezone, Pos: o.Pos})
		if err != nil {
			return nil, err
		}
		a.order = append(a.order, newOrderKey(opd, o))
	}
	return a, nil
}

// maybeDateFunc wraps get in a date function when fn is not ""; with tz
// datetimes are taken in the user's zone (convertTimezone).
func (x *executor) maybeDateFunc(fn string, tz bool, get getter, kind valueKind) (getter, valueKind) {
	if fn == "" {
		return get, kind
	}
	cal := x.cal
	k := kindNumber
	if fn == "DAY_ONLY" {
		k = kindDate
	}
	return func(r Record) any { return cal.dateFuncValue(fn, tz, get(r)) }, k
}

func funcSig(fn string, tz bool, ref fieldRef) string {
	switch {
	case fn == "":
		return ref.key()
	case tz:
		return fn + "(convertTimezone(" + ref.key() + "))"
	}
	return fn + "(" + ref.key() + ")"
}

func (a *aggPlan) group(sig string) *groupKey {
	for i := range a.groups {
		if a.groups[i].sig == sig {
			return &a.groups[i]
		}
	}
	return nil
}

// aggFor returns the aggregate expression fn(arg), adding it if new.
func (x *executor) aggFor(p *plan, a *aggPlan, fn string, arg []string, pos Pos) (*aggExpr, error) {
	ag := aggExpr{fn: fn, sig: fn + "()", kind: kindNumber}
	if arg == nil {
		if fn != "COUNT" {
			return nil, posError(CodeMalformedQuery, x.text, pos, fn+"() needs a field")
		}
	} else {
		ref, err := x.resolvePath(p.info, p.alias, arg, pos)
		if err != nil {
			return nil, err
		}
		p.need.addRef(ref)
		ag.get, ag.sig = x.refGetter(p, ref), fn+"("+ref.key()+")"
		if len(ref.hops) == 0 {
			ag.cur, ag.field = &p.cur, slices.Index(p.need.names, ref.field.Name)
		}
		if fn == "MIN" || fn == "MAX" {
			ag.kind = ref.kind
			ag.rank = newPicklistRank(ref.field.Picklist)
		}
		if (fn == "SUM" || fn == "AVG") && ref.kind != kindNumber {
			return nil, posError(CodeMalformedQuery, x.text, pos,
				fmt.Sprintf("field %s does not support aggregate operator %s", ref.field.Name, fn))
		}
	}
	for i := range a.aggs {
		if a.aggs[i].sig == ag.sig {
			return &a.aggs[i], nil
		}
	}
	ag.slot = "a" + strconv.Itoa(len(a.aggs))
	a.aggs = append(a.aggs, ag)
	if fn == "MIN" || fn == "MAX" || fn == "COUNT_DISTINCT" {
		a.more = true
	}
	return &a.aggs[len(a.aggs)-1], nil
}

// groupResolver resolves HAVING and ORDER BY operands of an aggregate query
// to slots of the group records.
func (x *executor) groupResolver(p *plan, a *aggPlan) operandResolver {
	slotGetter := func(slot string) getter {
		a.read[slot] = true
		return func(r Record) any { return r[slot] }
	}
	return func(op Operand) (operand, error) {
		if aggregateFuncs[op.Func] {
			ag, err := x.aggFor(p, a, op.Func, op.Path, op.Pos)
			if err != nil {
				return operand{}, err
			}
			return operand{get: slotGetter(ag.slot), kind: ag.kind, name: ag.sig, rank: ag.rank}, nil
		}
		if op.Func == "" && len(op.Path) == 1 {
			for _, o := range a.out {
				if o.alias == "" || o.alias != strings.ToLower(op.Path[0]) {
					continue
				}
				opd := operand{get: slotGetter(o.slot), kind: kindNumber, name: o.key}
				for _, g := range a.groups {
					if g.slot == o.slot {
						opd.kind, opd.rank = g.kind, g.rank
					}
				}
				for _, ag := range a.aggs {
					if ag.slot == o.slot {
						opd.kind, opd.rank = ag.kind, ag.rank
					}
				}
				return opd, nil
			}
		}
		ref, err := x.resolvePath(p.info, p.alias, op.Path, op.Pos)
		if err != nil {
			return operand{}, err
		}
		g := a.group(funcSig(op.Func, op.ConvertTimezone, ref))
		if g == nil {
			return operand{}, posError(CodeMalformedQuery, x.text, op.Pos, "Field must be grouped or aggregated: "+ref.field.Name)
		}
		return operand{get: slotGetter(g.slot), kind: g.kind, name: ref.field.Name, rank: g.rank}, nil
	}
}

// accumulator holds one aggregate's running state for one group: COUNT,
// SUM and AVG need only its numbers (a group's accumulators are made for
// every group of the scan).
type accumulator struct {
	count int
	sum   float64
	nums  int
}

// accMore is the rest of the state of a MIN, MAX or COUNT_DISTINCT, kept
// beside the accumulators of the queries that have one.
type accMore struct {
	best     any // the minimum (MIN) or maximum (MAX) so far
	distinct map[string]struct{}
}

// groupChunk is how many groups' values and accumulators one allocation
// holds.
const groupChunk = 256

// aggRun is an aggregation in progress: rows are folded into their
// groups as the scan yields them (add), so that no row is kept. A group
// is its number, in the order of its first row.
type aggRun struct {
	a      *aggPlan
	groups map[string]int32 // by key (cut from keys)
	n      int32            // groups made
	keys   []byte
	buf    []byte
	// Group j's key values and accumulators are in chunks of groupChunk
	// groups: a few allocations per thousand groups rather than some per
	// group.
	vals  [][]any
	accs  [][]accumulator
	mores [][]accMore // nil unless a.more
	// byCode are the groups (plus one: 0 is none yet) by the code of the
	// field at a.codeAt in the columns coded.
	coded  Columns
	codes  CodedColumns
	byCode []int32
	// typed is the scan's columns when they are TypedColumns.
	typedCols Columns
	typed     TypedColumns
}

func newAggRun(a *aggPlan) *aggRun {
	return &aggRun{a: a, groups: map[string]int32{}}
}

// newGroup makes the next group.
func (g *aggRun) newGroup() int32 {
	j := g.n
	if int(j)%groupChunk == 0 {
		n := groupChunk
		if len(g.a.groups) == 0 {
			n = 1 // the only group
		}
		g.vals = append(g.vals, make([]any, n*len(g.a.groups)))
		g.accs = append(g.accs, make([]accumulator, n*len(g.a.aggs)))
		if g.a.more {
			g.mores = append(g.mores, make([]accMore, n*len(g.a.aggs)))
		}
	}
	g.n++
	return j
}

// groupVals are group j's key values.
func (g *aggRun) groupVals(j int32) []any {
	n := len(g.a.groups)
	at := int(j) % groupChunk * n
	return g.vals[int(j)/groupChunk][at : at+n : at+n]
}

// groupAccs are group j's accumulators.
func (g *aggRun) groupAccs(j int32) []accumulator {
	n := len(g.a.aggs)
	at := int(j) % groupChunk * n
	return g.accs[int(j)/groupChunk][at : at+n : at+n]
}

// groupMores are group j's accMores (nil unless a.more).
func (g *aggRun) groupMores(j int32) []accMore {
	if !g.a.more {
		return nil
	}
	n := len(g.a.aggs)
	at := int(j) % groupChunk * n
	return g.mores[int(j)/groupChunk][at : at+n : at+n]
}

// add folds row r (which it does not keep) into its group.
func (g *aggRun) add(r Record) {
	j, ok := g.groupByCode(r)
	if !ok {
		j = g.group(r)
	}
	g.fold(g.groupAccs(j), g.groupMores(j), r)
}

// groupByCode returns the group of the row a column scan is at by the
// code of the field at a.codeAt (its key made for the first row of each
// code); false when the row is not grouped by code.
func (g *aggRun) groupByCode(r Record) (int32, bool) {
	a := g.a
	cols := a.cur.cols
	if a.codeAt < 0 || cols == nil {
		return 0, false
	}
	if cols != g.coded {
		g.coded, g.byCode = cols, g.byCode[:0]
		g.codes, _ = cols.(CodedColumns)
	}
	if g.codes == nil {
		return 0, false
	}
	code, ok := g.codes.Code(a.codeAt, a.cur.i)
	if !ok {
		return 0, false
	}
	if code < len(g.byCode) && g.byCode[code] != 0 {
		return g.byCode[code] - 1, true
	}
	j := g.group(r)
	if code >= len(g.byCode) {
		g.byCode = slices.Grow(g.byCode, code+1-len(g.byCode))
		g.byCode = g.byCode[:code+1]
	}
	g.byCode[code] = j + 1
	return j, true
}

// group returns the group of row r by its key, made when new.
func (g *aggRun) group(r Record) int32 {
	a := g.a
	buf := g.buf[:0]
	for _, k := range a.groups {
		buf = appendKey(buf, k.kind, k.get(r))
		buf = append(buf, 0x1f)
	}
	g.buf = buf
	j, ok := g.groups[string(buf)]
	if !ok {
		j = g.newGroup()
		vals := g.groupVals(j)
		for i, k := range a.groups {
			vals[i] = k.get(r)
		}
		g.groups[cut(&g.keys, buf)] = j
	}
	return j
}

// cut returns b as a string cut from the buffer *arena, never written
// again once cut: the keys of thousands of groups take a few allocations
// rather than one each.
func cut(arena *[]byte, b []byte) string {
	if len(b) == 0 || len(b) > 256 {
		return string(b)
	}
	if cap(*arena)-len(*arena) < len(b) {
		*arena = make([]byte, 0, 16<<10)
	}
	start := len(*arena)
	*arena = append(*arena, b...)
	return unsafe.String(&(*arena)[start], len(b))
}

// fold folds row r into accs and mores, its group's accumulators.
func (g *aggRun) fold(accs []accumulator, mores []accMore, r Record) {
	a := g.a
	buf := g.buf[:0]
	if cols := a.cur.cols; cols != g.typedCols {
		g.typedCols = cols
		g.typed, _ = cols.(TypedColumns)
	}
	for j := range a.aggs {
		ag := &a.aggs[j]
		if ag.cur != nil && g.typed != nil && (ag.fn == "COUNT" || ag.fn == "SUM" || ag.fn == "AVG") {
			accumulateTyped(&accs[j], g.typed, ag.field, ag.cur.i)
			continue
		}
		var m *accMore
		if mores != nil {
			m = &mores[j]
		}
		accumulate(&accs[j], m, ag, r, &buf)
	}
	g.buf = buf
}

// finishAggregate computes the aggregates of g's groups, applies HAVING,
// ORDER BY, OFFSET and LIMIT, and builds AggregateResult rows.
func (x *executor) finishAggregate(p *plan, g *aggRun) (*Result, error) {
	a := p.agg
	if len(a.groups) == 0 && g.n == 0 {
		g.newGroup() // no rows: one group of empty aggregates
	}
	// HAVING and ORDER BY read a group through one record of its slots,
	// refilled per group: the output rows are made of the groups kept.
	rec := make(Record, len(a.groups)+len(a.aggs))
	// fill makes rec group j's (all: every slot, else those read).
	fill := func(j int32, all bool) {
		vals, accs, mores := g.groupVals(j), g.groupAccs(j), g.groupMores(j)
		for i, k := range a.groups {
			if all || a.read[k.slot] {
				rec[k.slot] = vals[i]
			}
		}
		for i, ag := range a.aggs {
			if all || a.read[ag.slot] {
				var m *accMore
				if mores != nil {
					m = &mores[i]
				}
				rec[ag.slot] = result(&accs[i], m, ag.fn)
			}
		}
	}
	var groups []int32 // the groups returned, in order
	if k := p.offset + p.limit; len(a.order) > 0 && p.limit >= 0 && k < int(g.n)/4 {
		// Few of many groups: the first k are kept as they come (the
		// same groups in the same order as sorting them all), without
		// the sort values of every group.
		t := topKeeper{keys: a.order, k: k}
		v := make([]any, len(a.order))
		for j := range g.n {
			fill(j, false)
			if k == 0 || a.having != nil && !a.having(rec) {
				continue
			}
			for i, key := range a.order {
				v[i] = sortValue(key, rec)
			}
			t.offer(int(j), v)
		}
		top := t.sorted()
		for _, j := range top[min(p.offset, len(top)):] {
			groups = append(groups, int32(j))
		}
	} else {
		kept := make([]int32, 0, g.n)
		var vals []any
		if len(a.order) > 0 {
			vals = make([]any, 0, int(g.n)*len(a.order))
		}
		for j := range g.n {
			fill(j, false)
			if a.having != nil && !a.having(rec) {
				continue
			}
			kept = append(kept, j)
			for _, key := range a.order {
				vals = append(vals, sortValue(key, rec))
			}
		}
		for _, i := range orderWindow(len(kept), vals, a.order, p.offset, p.limit) {
			groups = append(groups, kept[i])
		}
	}
	out := make([]*Row, 0, len(groups))
	for _, j := range groups {
		fill(j, true)
		row := &Row{Keys: make([]string, 0, len(a.out)+1), Values: make([]any, 0, len(a.out)+1)}
		row.Keys = append(row.Keys, "attributes")
		row.Values = append(row.Values, &Row{Keys: []string{"type"}, Values: []any{"AggregateResult"}})
		for _, o := range a.out {
			row.Keys = append(row.Keys, o.key)
			row.Values = append(row.Values, rec[o.slot])
		}
		out = append(out, row)
	}
	return &Result{TotalSize: len(out), Records: out}, nil
}

// accumulate folds row r into one aggregate's state (m: the rest of it
// for MIN, MAX and COUNT_DISTINCT).
func accumulate(acc *accumulator, m *accMore, ag *aggExpr, r Record, buf *[]byte) {
	if ag.get == nil {
		acc.count++
		return
	}
	v := ag.get(r)
	if isNull(v) {
		return
	}
	acc.count++
	switch ag.fn {
	case "SUM", "AVG":
		if f, ok := toFloat(v); ok {
			acc.sum += f
			acc.nums++
		}
	case "MIN", "MAX", "COUNT_DISTINCT":
		switch ag.fn {
		case "MIN":
			if m.best == nil || compareValues(ag.kind, ag.rank.sortValue(v), ag.rank.sortValue(m.best)) < 0 {
				m.best = v
			}
		case "MAX":
			if m.best == nil || compareValues(ag.kind, ag.rank.sortValue(v), ag.rank.sortValue(m.best)) > 0 {
				m.best = v
			}
		default:
			if m.distinct == nil {
				m.distinct = map[string]struct{}{}
			}
			b := appendKey((*buf)[len(*buf):], ag.kind, v)
			if _, ok := m.distinct[string(b)]; !ok {
				m.distinct[string(b)] = struct{}{}
			}
		}
	}
}

// accumulateTyped is accumulate for COUNT, SUM and AVG of field f of row
// i of a column scan.
func accumulateTyped(acc *accumulator, tc TypedColumns, f, i int) {
	if tc.Null(f, i) {
		return
	}
	acc.count++
	if v, ok := tc.Number(f, i); ok {
		acc.sum += v
		acc.nums++
	}
}

// result is an aggregate's final value; SUM, AVG, MIN and MAX over no
// values are null.
func result(acc *accumulator, m *accMore, fn string) any {
	switch fn {
	case "COUNT":
		return float64(acc.count)
	case "COUNT_DISTINCT":
		return float64(len(m.distinct))
	case "SUM":
		if acc.nums == 0 {
			return nil
		}
		return acc.sum
	case "AVG":
		if acc.nums == 0 {
			return nil
		}
		return acc.sum / float64(acc.nums)
	case "MIN", "MAX":
		return m.best
	}
	return nil
}

// appendKey appends a normalised grouping key for v: text groups
// case-insensitively (as Salesforce groups text), ids by their 15-character
// form, datetimes by instant.
func appendKey(b []byte, k valueKind, v any) []byte {
	if isNull(v) {
		return append(b, 0)
	}
	switch t := v.(type) {
	case string:
		b = append(b, 's')
		switch k {
		case kindID:
			return append(b, idKey(t)...)
		case kindDateTime:
			return append(b, normDateTime(t)...)
		case kindDate:
			return append(b, t...)
		}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c >= utf8.RuneSelf {
				return append(b, strings.ToLower(t[i:])...)
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		return b
	case bool:
		if t {
			return append(b, 'T')
		}
		return append(b, 'F')
	}
	if f, ok := toFloat(v); ok {
		b = append(b, 'n')
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	}
	return fmt.Appendf(b, "?%v", v)
}
