package soql

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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
	a := &aggPlan{}
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
	return &a.aggs[len(a.aggs)-1], nil
}

// groupResolver resolves HAVING and ORDER BY operands of an aggregate query
// to slots of the group records.
func (x *executor) groupResolver(p *plan, a *aggPlan) operandResolver {
	slotGetter := func(slot string) getter { return func(r Record) any { return r[slot] } }
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

// accumulator holds one aggregate's running state for one group.
type accumulator struct {
	count    int
	sum      float64
	nums     int
	min, max any
	distinct map[string]struct{}
}

// groupState is one group during aggregation.
type groupState struct {
	vals []any
	accs []accumulator
}

// aggRun is an aggregation in progress: rows are folded into their
// groups as the scan yields them (add), so that no row is kept.
type aggRun struct {
	a      *aggPlan
	groups map[string]*groupState
	order  []*groupState
	buf    []byte
	// Group states, their values and accumulators come from slabs: a few
	// allocations per thousand groups rather than three per group.
	states []groupState
	vals   []any
	accs   []accumulator
}

func newAggRun(a *aggPlan) *aggRun {
	return &aggRun{a: a, groups: map[string]*groupState{}}
}

func (g *aggRun) newGroup() *groupState {
	a := g.a
	if len(g.states) == cap(g.states) {
		g.states = make([]groupState, 0, 256)
	}
	if len(g.vals)+len(a.groups) > cap(g.vals) {
		g.vals = make([]any, 0, 256*len(a.groups))
	}
	if len(g.accs)+len(a.aggs) > cap(g.accs) {
		g.accs = make([]accumulator, 0, 256*len(a.aggs))
	}
	vals, accs := g.vals, g.accs
	g.states = append(g.states, groupState{
		vals: vals[len(vals) : len(vals)+len(a.groups) : len(vals)+len(a.groups)],
		accs: accs[len(accs) : len(accs)+len(a.aggs) : len(accs)+len(a.aggs)],
	})
	g.vals, g.accs = vals[:len(vals)+len(a.groups)], accs[:len(accs)+len(a.aggs)]
	return &g.states[len(g.states)-1]
}

// add folds row r (which it does not keep) into its group.
func (g *aggRun) add(r Record) {
	a := g.a
	buf := g.buf[:0]
	for _, k := range a.groups {
		buf = appendKey(buf, k.kind, k.get(r))
		buf = append(buf, 0x1f)
	}
	st, ok := g.groups[string(buf)]
	if !ok {
		st = g.newGroup()
		for j, k := range a.groups {
			st.vals[j] = k.get(r)
		}
		g.groups[string(buf)] = st
		g.order = append(g.order, st)
	}
	for j := range a.aggs {
		ag := &a.aggs[j]
		if ag.cur != nil && ag.cur.cols != nil && (ag.fn == "COUNT" || ag.fn == "SUM" || ag.fn == "AVG") {
			if tc, ok := ag.cur.cols.(TypedColumns); ok {
				accumulateTyped(&st.accs[j], tc, ag.field, ag.cur.i)
				continue
			}
		}
		accumulate(&st.accs[j], ag, r, &buf)
	}
	g.buf = buf
}

// finishAggregate computes the aggregates of g's groups, applies HAVING,
// ORDER BY, OFFSET and LIMIT, and builds AggregateResult rows.
func (x *executor) finishAggregate(p *plan, g *aggRun) (*Result, error) {
	a := p.agg
	order := g.order
	if len(a.groups) == 0 && len(order) == 0 {
		order = append(order, &groupState{accs: make([]accumulator, len(a.aggs))})
	}
	// HAVING and ORDER BY read a group through one record of its slots,
	// refilled per group: the output rows are made of the groups kept.
	rec := make(Record, len(a.groups)+len(a.aggs))
	fill := func(st *groupState) {
		for j, g := range a.groups {
			rec[g.slot] = st.vals[j]
		}
		for j, ag := range a.aggs {
			rec[ag.slot] = result(&st.accs[j], ag.fn)
		}
	}
	kept := make([]*groupState, 0, len(order))
	var vals []any
	for _, st := range order {
		fill(st)
		if a.having != nil && !a.having(rec) {
			continue
		}
		kept = append(kept, st)
		for _, key := range a.order {
			vals = append(vals, sortValue(key, rec))
		}
	}
	idx := orderWindow(len(kept), vals, a.order, p.offset, p.limit)
	out := make([]*Row, 0, len(idx))
	for _, i := range idx {
		fill(kept[i])
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

// accumulate folds row r into one aggregate's state.
func accumulate(acc *accumulator, ag *aggExpr, r Record, buf *[]byte) {
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
	case "MIN":
		if acc.min == nil || compareValues(ag.kind, ag.rank.sortValue(v), ag.rank.sortValue(acc.min)) < 0 {
			acc.min = v
		}
	case "MAX":
		if acc.max == nil || compareValues(ag.kind, ag.rank.sortValue(v), ag.rank.sortValue(acc.max)) > 0 {
			acc.max = v
		}
	case "COUNT_DISTINCT":
		if acc.distinct == nil {
			acc.distinct = map[string]struct{}{}
		}
		b := appendKey((*buf)[len(*buf):], ag.kind, v)
		if _, ok := acc.distinct[string(b)]; !ok {
			acc.distinct[string(b)] = struct{}{}
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
func result(acc *accumulator, fn string) any {
	switch fn {
	case "COUNT":
		return float64(acc.count)
	case "COUNT_DISTINCT":
		return float64(len(acc.distinct))
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
	case "MIN":
		return acc.min
	case "MAX":
		return acc.max
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
