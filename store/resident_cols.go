package store

import (
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// A Resident holds each object's records as columns, one per field, rather
// than as a map per record: a map per record (about 90 bytes and three
// pointers per field) made every garbage collection mark millions of
// pointers while an answer ran. A column is one of:
//
//   - dictionary-coded: codes []uint32 into vals (code 0: null or absent),
//     for fields with few distinct values (picklists, owners, dates,
//     booleans, references shared by many records); no pointer per record;
//   - text: the values one after another in one byte arena, text, record
//     i's ending at ends[i], with has marking the records that hold a
//     value (Ids, names, datetimes: mostly distinct); no pointer per
//     record either, so a collection marks one arena rather than a string
//     per record (issue 12: at ≈100k records, marking millions of strings
//     made the answers that overlapped a collection the slow ones);
//   - numbers: nums with has (amounts);
//   - values: anys, for anything else (mixed types, compound fields).
//
// Queries read records as soql.Records made from the columns they need
// (resTable.record), so the evaluator is unchanged.
type column struct {
	key   string // the field's name as the cached JSON spells it
	codes []uint32
	vals  []any // vals[0] is nil
	// text holds the text values; record i's is text[ends[i-1]:ends[i]]
	// (from 0 for record 0). Bytes once appended are never changed (the
	// arena only grows, by append, while the column is built, and a
	// published column is never changed), so str returns strings that
	// alias it (unsafe.String) without copying.
	text []byte
	ends []uint32
	nums []float64
	has  bitset
	anys []any
}

// isText reports whether c is a text column.
func (c *column) isText() bool { return c.ends != nil }

// textAt returns record i's text in a text column ("" when null).
func (c *column) textAt(i int) string {
	var from uint32
	if i > 0 {
		from = c.ends[i-1]
	}
	to := c.ends[i]
	if from == to {
		return ""
	}
	// The bytes are never changed once appended (see column.text).
	return unsafe.String(&c.text[from], int(to-from))
}

// value returns the value of record i (nil when null or absent).
func (c *column) value(i int) any {
	switch {
	case c.codes != nil:
		return c.vals[c.codes[i]]
	case c.isText():
		if c.has.get(i) {
			return c.textAt(i)
		}
		return nil
	case c.nums != nil:
		if c.has.get(i) {
			return c.nums[i]
		}
		return nil
	case c.anys != nil:
		return c.anys[i]
	}
	return nil
}

// str returns record i's value when it is text, else "".
func (c *column) str(i int) string {
	if c == nil {
		return ""
	}
	if c.isText() {
		return c.textAt(i)
	}
	s, _ := c.value(i).(string)
	return s
}

func (b bitset) get(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

// colBuilder appends one field's values, record by record, while an
// object is decoded.
type colBuilder struct {
	c       *column
	n       int               // records appended
	index   map[any]uint32    // value → code while dictionary-coded (not text)
	texts   map[string]uint32 // text → code while dictionary-coded
	limit   int               // distinct values beyond which the column widens
	textMax int               // bytes a text column holds at most (ends are uint32)
}

func newColBuilder(key string, expect int) *colBuilder {
	return &colBuilder{
		c:       &column{key: key, codes: make([]uint32, 0, expect), vals: []any{nil}},
		index:   map[any]uint32{},
		texts:   map[string]uint32{},
		limit:   expect/2 + 16,
		textMax: math.MaxUint32,
	}
}

// add appends the next record's value (nil: null or absent).
func (b *colBuilder) add(v any) {
	c := b.c
	i := b.n
	b.n++
	switch {
	case b.index != nil:
		if v == nil {
			c.codes = append(c.codes, 0)
			return
		}
		var code uint32
		var ok bool
		switch x := v.(type) {
		case string:
			code, ok = b.texts[x]
		case float64, bool:
			code, ok = b.index[v]
		default:
			b.toAny()
			c.anys = append(c.anys, v)
			return
		}
		if !ok {
			if len(c.vals) > b.limit {
				b.widen()
				b.n--
				b.add(v)
				return
			}
			code = uint32(len(c.vals))
			c.vals = append(c.vals, v)
			if x, ok := v.(string); ok {
				b.texts[x] = code
			} else {
				b.index[v] = code
			}
		}
		c.codes = append(c.codes, code)
	case c.isText():
		x, ok := v.(string)
		if v != nil && !ok || len(c.text)+len(x) > b.textMax {
			b.toAny()
			c.anys = append(c.anys, v)
			return
		}
		c.text = append(c.text, x...)
		c.ends = append(c.ends, uint32(len(c.text)))
		b.addHas(ok, i)
	case c.nums != nil:
		x, ok := v.(float64)
		if v != nil && !ok {
			b.toAny()
			c.anys = append(c.anys, v)
			return
		}
		c.nums = append(c.nums, x)
		b.addHas(ok, i)
	default:
		c.anys = append(c.anys, v)
	}
}

// addHas marks whether record i of a text or number column holds a value.
func (b *colBuilder) addHas(ok bool, i int) {
	c := b.c
	c.has = c.has.grow(i + 1)
	if ok {
		c.has.set(int32(i))
	}
}

// widen turns a dictionary-coded column with too many distinct values
// into text or numbers (or values when its values are of mixed types).
func (b *colBuilder) widen() {
	c := b.c
	text, num := true, true
	for _, v := range c.vals[1:] {
		switch v.(type) {
		case string:
			num = false
		case float64:
			text = false
		default:
			text, num = false, false
		}
	}
	n := len(c.codes)
	switch {
	case text:
		total := 0
		for _, code := range c.codes {
			if code != 0 {
				total += len(c.vals[code].(string))
			}
		}
		if total > b.textMax {
			b.toAny()
			return
		}
		// Room for the records still to come, at the mean length so far.
		arena := make([]byte, 0, total+total/max(n, 1)*(cap(c.codes)-n))
		ends := make([]uint32, n, cap(c.codes))
		for i, code := range c.codes {
			if code != 0 {
				arena = append(arena, c.vals[code].(string)...)
			}
			ends[i] = uint32(len(arena))
		}
		c.text, c.ends, c.has = arena, ends, c.present(n)
	case num:
		nums := make([]float64, n, cap(c.codes))
		for i, code := range c.codes {
			if code != 0 {
				nums[i] = c.vals[code].(float64)
			}
		}
		c.nums, c.has = nums, c.present(n)
	default:
		b.toAny()
		return
	}
	c.codes, c.vals, b.index, b.texts = nil, nil, nil, nil
}

// present returns the positions of dictionary-coded column c's first n
// records that hold a value.
func (c *column) present(n int) bitset {
	has := newBitset(n)
	for i, code := range c.codes[:n] {
		if code != 0 {
			has.set(int32(i))
		}
	}
	return has
}

// toAny turns the column into values.
func (b *colBuilder) toAny() {
	c := b.c
	n := b.n - 1 // the record being added is appended by the caller
	anys := make([]any, 0, max(n+1, cap(c.codes), cap(c.ends), cap(c.nums)))
	for i := range n {
		anys = append(anys, c.value(i))
	}
	c.codes, c.vals, c.text, c.ends, c.nums, c.has, b.index, b.texts = nil, nil, nil, nil, nil, nil, nil, nil
	c.anys = anys
}

// grow returns b able to hold n positions.
func (b bitset) grow(n int) bitset {
	for len(b)*64 < n {
		b = append(b, 0)
	}
	return b
}

// done trims the column once every record is appended.
func (b *colBuilder) done() *column {
	b.index, b.texts = nil, nil
	if c := b.c; c.codes != nil {
		c.vals = compactVals(c.vals)
	}
	if c := b.c; c.isText() && cap(c.text)-len(c.text) > len(c.text)/8 {
		// The room left for records that did not come. Strings read
		// before (by toAny) alias the old arena, which is not changed
		// either.
		c.text = slices.Clone(c.text)
	}
	return b.c
}

// compactVals returns the values of a dictionary as interfaces that hold
// the same values, for a collection to mark as a few arrays rather than
// two objects per value: the texts are copied into one arena, their
// string headers into one array and the numbers into another, and each
// interface points at its header or number there (boxAt). Other values
// (booleans, which need no allocation, nil) are kept as they are. vals is
// not changed.
func compactVals(vals []any) []any {
	size, nTexts, nNums := 0, 0, 0
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			size += len(x)
			nTexts++
		case float64:
			nNums++
		}
	}
	arena := make([]byte, 0, size)
	for _, v := range vals {
		if x, ok := v.(string); ok {
			arena = append(arena, x...)
		}
	}
	// The arena is complete (and never changed): the texts alias it.
	texts, nums := make([]string, 0, nTexts), make([]float64, 0, nNums)
	at := 0
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			if len(x) == 0 {
				texts = append(texts, "")
			} else {
				texts = append(texts, unsafe.String(&arena[at], len(x)))
			}
			at += len(x)
		case float64:
			nums = append(nums, x)
		}
	}
	out := make([]any, len(vals))
	it, in := 0, 0
	for k, v := range vals {
		switch v.(type) {
		case string:
			out[k] = boxAt(&texts[it])
			it++
		case float64:
			out[k] = boxAt(&nums[in])
			in++
		default:
			out[k] = v
		}
	}
	return out
}

// eface is the layout of an interface value of type any (the gc
// compiler's runtime.eface): its type, and a pointer to its value.
type eface struct {
	typ, data unsafe.Pointer
}

// boxAt returns an interface holding *p that points at *p instead of a
// copy of it (converting a string or float64 to any allocates a copy).
// *p must never change afterwards: the dictionaries' headers and numbers
// are not changed once made (compactVals).
func boxAt[T string | float64](p *T) any {
	var v any = *new(T)
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(p)
	return v
}

// pick returns the columns of t holding need's fields, each once.
func (t *resTable) pick(need []string) []*column {
	cols := make([]*column, 0, len(need))
	for _, n := range need {
		if c := t.columns[strings.ToLower(n)]; c != nil && !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	return cols
}

// record makes record i of cols: a new map, which the caller owns.
func record(cols []*column, i int) soql.Record {
	return fill(make(soql.Record, len(cols)), cols, i)
}

// maxMade bounds the records a table keeps made (resTable.rec): the rows
// answers keep (a month's deals, their contact roles) rather than a whole
// object.
const maxMade = 1 << 16

// rec returns record i with every field t holds. The first maxMade
// records asked for are kept and shared (records handed out are never
// changed); later ones are made anew.
func (t *resTable) rec(i int) soql.Record {
	t.madeMu.Lock()
	defer t.madeMu.Unlock()
	if t.made == nil {
		t.made = make([]soql.Record, t.n)
		t.all = make([]*column, 0, len(t.columns))
		for _, c := range t.columns {
			t.all = append(t.all, c)
		}
	}
	if r := t.made[i]; r != nil {
		return r
	}
	r := record(t.all, i)
	if t.nMade < maxMade {
		t.made[i] = r
		t.nMade++
	}
	return r
}

// colView is soql.Columns over a table's columns for one scan.
type colView struct {
	t      *resTable
	byNeed []*column       // by position in need (nil: not held)
	src    *residentSource // the query's source, for ParentField
}

// view returns the columns of need's fields, read by the query of src.
func (t *resTable) view(need []string, src *residentSource) *colView {
	v := &colView{t: t, byNeed: make([]*column, len(need)), src: src}
	for f, n := range need {
		v.byNeed[f] = t.columns[strings.ToLower(n)]
	}
	return v
}

// Value implements soql.Columns.
func (v *colView) Value(f, i int) any {
	if c := v.byNeed[f]; c != nil {
		return c.value(i)
	}
	return nil
}

// Null implements soql.TypedColumns.
func (v *colView) Null(f, i int) bool {
	c := v.byNeed[f]
	switch {
	case c == nil:
		return true
	case c.isText():
		return c.textAt(i) == ""
	case c.nums != nil:
		return !c.has.get(i)
	}
	x := c.value(i)
	s, text := x.(string)
	return x == nil || text && s == ""
}

// Number implements soql.TypedColumns.
func (v *colView) Number(f, i int) (float64, bool) {
	c := v.byNeed[f]
	switch {
	case c == nil || c.isText():
		return 0, false
	case c.nums != nil:
		return c.nums[i], c.has.get(i)
	}
	x, ok := c.value(i).(float64)
	return x, ok
}

var _ soql.TypedColumns = (*colView)(nil)

// Text implements soql.TextColumns.
func (v *colView) Text(f, i int) string { return v.byNeed[f].str(i) }

var _ soql.TextColumns = (*colView)(nil)

// Record implements soql.Columns.
func (v *colView) Record(i int) soql.Record { return v.t.rec(i) }

// fill makes rec record i of cols, replacing what it held.
func fill(rec soql.Record, cols []*column, i int) soql.Record {
	clear(rec)
	for _, c := range cols {
		if v := c.value(i); v != nil {
			rec[c.key] = v
		}
	}
	return rec
}

// col returns t's column of field (nil when not held).
func (t *resTable) col(field string) *column {
	if c, ok := t.columns[field]; ok {
		return c
	}
	return t.columns[strings.ToLower(field)]
}

// Code implements soql.CodedColumns.
func (v *colView) Code(f, i int) (int, bool) {
	c := v.byNeed[f]
	if c == nil || c.codes == nil {
		return 0, false
	}
	return int(c.codes[i]), true
}

var _ soql.CodedColumns = (*colView)(nil)

// parentKey names the values of a parent table's field by the codes of a
// lookup column.
type parentKey struct {
	lookup *column
	parent *resTable
	field  string
}

// parentVals are a parent field's values by code of a lookup column, and
// whether the parent record of each code was found.
type parentVals struct {
	vals  []any
	found []bool
}

// ParentField implements soql.ParentColumns for parent tables the Resident
// holds with field: the parent of a code is the record of object whose Id
// is exactly the code's value, the one Get returns.
func (v *colView) ParentField(f int, object, field string) ([]any, []bool, bool) {
	c := v.byNeed[f]
	if c == nil || c.codes == nil {
		return nil, nil, false
	}
	r := v.lock()
	if r == nil {
		return nil, nil, false
	}
	defer r.mu.Unlock()
	pt := v.parentTable(object, field)
	if pt == nil {
		return nil, nil, false
	}
	key := parentKey{lookup: c, parent: pt, field: field}
	if pv, ok := v.t.parents[key]; ok {
		return pv.vals, pv.found, true
	}
	at, pc := pt.position(), pt.col(field)
	pv := &parentVals{vals: make([]any, len(c.vals)), found: make([]bool, len(c.vals))}
	for code, x := range c.vals {
		id, _ := x.(string)
		if k := at(id); k >= 0 {
			pv.vals[code], pv.found[code] = pc.value(int(k)), true
		}
	}
	if v.t.parents == nil {
		v.t.parents = map[parentKey]*parentVals{}
	}
	v.t.parents[key] = pv
	return pv.vals, pv.found, true
}

var _ soql.ParentColumns = (*colView)(nil)

// ParentRows implements soql.ParentRowColumns for parent tables the
// Resident holds with fields: a row's parent is the record of object
// whose Id is exactly the row's value, the one Get returns. The positions
// are kept per lookup column and parent table (both immutable).
func (v *colView) ParentRows(f int, object string, fields []string) (soql.Columns, []int32, bool) {
	c := v.byNeed[f]
	if c == nil {
		return nil, nil, false
	}
	r := v.lock()
	if r == nil {
		return nil, nil, false
	}
	defer r.mu.Unlock()
	need := append([]string{"Id"}, fields...)
	pt := v.parentTable(object, need...)
	if pt == nil {
		return nil, nil, false
	}
	pv := v.t.parentPos(c, pt)
	return pt.view(need, v.src), pv, true
}

var _ soql.ParentRowColumns = (*colView)(nil)

// childRowsKey names the children of a table's records (ChildRows).
type childRowsKey struct {
	ids        *column
	child      *resTable
	field      string
	refIndexed bool
}

// childRowsAt are the positions of the children of every record:
// record i's are pos[start[i]:start[i+1]].
type childRowsAt struct {
	start, pos []int32
}

// ChildRows implements soql.ChildRowColumns: the children of row i are
// the positions ChildColumns returns for its value of need[0]. They are
// kept per Id column, child table and field (all immutable).
func (v *colView) ChildRows(object, field string, need []string) (soql.Columns, []int32, []int32, bool, error) {
	if v.src == nil || len(v.byNeed) == 0 || v.byNeed[0] == nil {
		return nil, nil, nil, false, nil
	}
	src := v.src
	ct, ok, err := src.childTable(object, field, need)
	if err != nil || !ok {
		return nil, nil, nil, false, err
	}
	refIndexed := src.hasRefIndex()
	r := v.lock()
	defer r.mu.Unlock()
	ids := v.byNeed[0]
	key := childRowsKey{ids: ids, child: ct.t, field: field, refIndexed: refIndexed}
	cr, ok := v.t.childRows[key]
	if !ok {
		cr = &childRowsAt{start: make([]int32, v.t.n+1)}
		indexed := func() bool { return refIndexed }
		for i := range v.t.n {
			if id := ids.str(i); id != "" {
				if pos := ct.refs.get(id); len(pos) > 0 {
					cr.pos = append(cr.pos, checkChildPos(pos, field, id, indexed)...)
				}
			}
			cr.start[i+1] = int32(len(cr.pos))
		}
		if v.t.childRows == nil {
			v.t.childRows = map[childRowsKey]*childRowsAt{}
		}
		v.t.childRows[key] = cr
	}
	return ct.view, cr.start, cr.pos, true, nil
}

var _ soql.ChildRowColumns = (*colView)(nil)

// lock locks and syncs the Resident of v's query, and returns it (nil
// when v is of no query).
func (v *colView) lock() *Resident {
	if v.src == nil {
		return nil
	}
	r := v.src.res
	r.mu.Lock()
	r.sync(v.src.ver)
	return r
}

// parentTable returns the table of object the Resident holds with fields
// (spelt in records as named), or nil (under r.mu).
func (v *colView) parentTable(object string, fields ...string) *resTable {
	pt := v.src.res.tables[canonical(v.src.txSource, object)]
	if pt == nil || !pt.has(fields) || pt.col("Id") == nil {
		return nil
	}
	for _, n := range fields {
		if c := pt.col(n); c == nil || c.key != n {
			return nil
		}
	}
	return pt
}

// position returns the function that finds the position of the record of
// t whose Id is exactly id (-1: none) (under r.mu).
func (t *resTable) position() func(id string) int32 {
	idx, idc := t.idIndex("Id"), t.col("Id")
	return func(id string) int32 {
		if len(id) != 18 {
			return -1
		}
		pos := idx.keys.get(id)
		if len(pos) == 1 && idc.str(int(pos[0])) == id {
			return pos[0]
		}
		return -1
	}
}

// parentPos returns, for every record of t, the position in pt of the
// record whose Id is its value of lookup column c (-1: none), kept
// (under r.mu).
func (t *resTable) parentPos(c *column, pt *resTable) []int32 {
	key := parentKey{lookup: c, parent: pt}
	if pos, ok := t.parentRows[key]; ok {
		return pos
	}
	at := pt.position()
	pos := make([]int32, t.n)
	if c.codes != nil {
		byCode := make([]int32, len(c.vals))
		for code, x := range c.vals {
			id, _ := x.(string)
			byCode[code] = at(id)
		}
		for i, code := range c.codes {
			pos[i] = byCode[code]
		}
	} else {
		for i := range pos {
			pos[i] = at(c.str(i))
		}
	}
	if t.parentRows == nil {
		t.parentRows = map[parentKey][]int32{}
	}
	t.parentRows[key] = pos
	return pos
}
