package views

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
)

// Sorting 100k records with string comparisons in a closure costs ~100 ms
// per column. Every column is sorted instead by radix sorts of uint64
// keys (an index carried with its key): a number or time by its
// order-preserving bits, a text by its lower-cased bytes 8 at a time,
// only the records that share the bytes so far (a few: most names differ
// within their first 8 bytes) going on to the next 8. Orders are
// deterministic: ties stay in index order.

// keyed is an index into a list, with its sort key.
type keyed struct {
	key uint64
	i   int32
}

// sortedOrder returns the indexes of keys in ascending key order (as
// cmp.Compare orders float64s: NaN first, -0 equal to 0), ties by index.
// It is a stable LSD radix sort of the keys' order-preserving bits, a
// byte at a time, skipping the bytes every key shares: at 100k keys a few
// milliseconds, several times less than a comparison sort.
func sortedOrder(keys []float64) []int {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	return sortBy(order, keys)
}

// sortBy sorts order (indexes into keys) by key, stably: sorting by the
// least significant key first and the most significant last orders by
// them all, as a comparison on every key in turn would.
func sortBy(order []int, keys []float64) []int {
	if len(order) < 2 {
		return order
	}
	pairs := make([]keyed, 2*len(order))
	a, tmp := pairs[:len(order)], pairs[len(order):]
	for j, i := range order {
		a[j] = keyed{sortableBits(keys[i]), int32(i)}
	}
	a, _ = radixSort(a, tmp)
	for j, p := range a {
		order[j] = int(p.i)
	}
	return order
}

// radixSort sorts a by key, stably, with tmp (as long) as scratch: one
// pass counts every byte of every key, then one pass per byte in which
// the keys differ moves them, the least significant first. It returns the
// sorted keys (a or tmp) and the other slice.
func radixSort(a, tmp []keyed) (sorted, spare []keyed) {
	var counts [8][256]int32
	for _, p := range a {
		k := p.key
		for b := range counts {
			counts[b][byte(k>>(8*b))]++
		}
	}
	for b := range counts {
		c := &counts[b]
		if len(a) == 0 || int(c[byte(a[0].key>>(8*b))]) == len(a) {
			continue // every key has this byte
		}
		var pos [256]int32
		sum := int32(0)
		for d, n := range c {
			pos[d] = sum
			sum += n
		}
		shift := uint(8 * b)
		for _, p := range a {
			d := byte(p.key >> shift)
			tmp[pos[d]] = p
			pos[d]++
		}
		a, tmp = tmp, a
	}
	return a, tmp
}

// sortableBits maps f to a uint64 that orders as cmp.Compare orders
// float64s: NaN lowest, -0 and 0 equal.
func sortableBits(f float64) uint64 {
	if f != f {
		return 0
	}
	if f == 0 {
		f = 0 // -0 sorts as 0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// stringRanks maps every value to its rank among the distinct values,
// compared case-insensitively (strings.ToLower, then bytes).
func stringRanks(n int, value func(i int) string) []float64 {
	keys := make([]float64, n)
	if ids, distinct, ok := dedup(n, value, true); ok {
		rank, _ := foldedRanks(len(distinct), func(j int) string { return distinct[j] })
		for i, id := range ids {
			keys[i] = float64(rank[id])
		}
		return keys
	}
	rank, _ := foldedRanks(n, value)
	for i, r := range rank {
		keys[i] = float64(r)
	}
	return keys
}

// textOrder returns the indexes 0…n-1 in ascending order of their values
// compared case-insensitively (as stringRanks ranks them), ties by index.
func textOrder(n int, value func(i int) string) []int {
	if ids, distinct, ok := dedup(n, value, true); ok {
		rank, ranks := foldedRanks(len(distinct), func(j int) string { return distinct[j] })
		for i, id := range ids {
			ids[i] = rank[id]
		}
		return countingOrder(ids, ranks)
	}
	order, _ := foldedOrder(n, value)
	return order
}

// dedup numbers the distinct values (exactly equal) in order of
// appearance: ids[i] is value i's number, distinct[id] the value. When
// the first values are mostly distinct and mayGiveUp, it gives up (ok
// false): sorting them all costs less than looking each up.
func dedup(n int, value func(i int) string, mayGiveUp bool) (ids []int32, distinct []string, ok bool) {
	const sample = 256
	seen := make(map[string]int32, 64)
	ids = make([]int32, n)
	last, lastID := "", int32(-1)
	for i := range ids {
		v := value(i)
		if lastID < 0 || v != last {
			id, found := seen[v]
			if !found {
				id = int32(len(distinct))
				seen[v] = id
				distinct = append(distinct, v)
			}
			last, lastID = v, id
		}
		ids[i] = lastID
		if mayGiveUp && i == sample-1 && len(distinct) > sample/2 {
			return nil, nil, false
		}
	}
	return ids, distinct, true
}

// foldedRanks returns each value's rank among the distinct values
// compared case-insensitively (see foldedOrder), and how many ranks there
// are.
func foldedRanks(n int, value func(i int) string) (rank []int32, ranks int) {
	order, vals := foldedOrder(n, value)
	rank = make([]int32, n)
	r := int32(-1)
	for j, i := range order {
		if j == 0 || foldCompare(vals[i], vals[order[j-1]]) != 0 {
			r++
		}
		rank[i] = r
	}
	return rank, int(r + 1)
}

// countingOrder returns the indexes of keys (each below k) in ascending
// key order, ties by index: a counting sort.
func countingOrder(keys []int32, k int) []int {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	return countingSortBy(order, keys, k)
}

// countingSortBy returns order (indexes into keys, each key below k)
// sorted by key, stably.
func countingSortBy(order []int, keys []int32, k int) []int {
	start := make([]int, k+1)
	for _, key := range keys {
		start[key+1]++
	}
	for j := 1; j <= k; j++ {
		start[j] += start[j-1]
	}
	sorted := make([]int, len(order))
	for _, i := range order {
		key := keys[i]
		sorted[start[key]] = i
		start[key]++
	}
	return sorted
}

// foldedOrder returns the indexes 0…n-1 in ascending order of
// strings.ToLower(value(i)), compared as bytes, ties by index, with the
// values as they were compared: lower-cased when not ASCII, else as they
// are, their letters folded to lower case as they are read (see fold),
// which is what strings.ToLower does to ASCII. They are radix-sorted by
// their first 8 bytes, then each run that shares them by the next 8 (see
// refineRuns).
func foldedOrder(n int, value func(i int) string) (order []int, vals []string) {
	vals = make([]string, n)
	for i := range vals {
		v := value(i)
		if !isASCII(v) {
			v = strings.ToLower(v) // its ASCII letters lower-case already: fold leaves it as it is
		}
		vals[i] = v
	}
	pairs := make([]keyed, 2*n)
	a, tmp := pairs[:n], pairs[n:]
	for i, s := range vals {
		a[i] = keyed{foldedKey(s, 0), int32(i)}
	}
	a, tmp = radixSort(a, tmp)
	refineRuns(a, tmp, vals, 8)
	order = make([]int, n)
	for j, p := range a {
		order[j] = int(p.i)
	}
	return order, vals
}

// refineRuns sorts each run of a (sorted by the folded bytes of their
// values before off, stably) whose keys are equal by the rest of the
// values, stably; tmp is scratch as long as a.
func refineRuns(a, tmp []keyed, vals []string, off int) {
	for start := 0; start < len(a); {
		end := start + 1
		for end < len(a) && a[end].key == a[start].key {
			end++
		}
		if end-start > 1 {
			refineRun(a[start:end], tmp[start:end], vals, off)
		}
		start = end
	}
}

// refineRun sorts run, whose values share their folded bytes before off
// (padded with zeros) and are in index order, by the rest of them: by the
// next 8 bytes and so on while the run is long, by comparisons once it is
// short.
func refineRun(run, tmp []keyed, vals []string, off int) {
	first := vals[run[0].i]
	same, longer := true, len(first) > off
	for _, p := range run[1:] {
		s := vals[p.i]
		same = same && (s == first || foldCompare(s, first) == 0)
		longer = longer || len(s) > off
	}
	switch {
	case same:
		return // in index order already
	case len(run) <= 32 || !longer:
		slices.SortStableFunc(run, func(x, y keyed) int {
			a, b := vals[x.i], vals[y.i]
			at := min(off, len(a), len(b)) // the folded bytes before are the same
			return foldCompare(a[at:], b[at:])
		})
		return
	}
	for j := range run {
		run[j].key = foldedKey(vals[run[j].i], off)
	}
	if sorted, _ := radixSort(run, tmp); &sorted[0] != &run[0] {
		copy(run, sorted)
	}
	refineRuns(run, tmp, vals, off+8)
}

// foldedKey returns the 8 bytes of s from off, folded, as a big-endian
// number padded with zeros: a value whose key is less is less (see
// foldCompare), whatever follows.
func foldedKey(s string, off int) uint64 {
	if off+8 <= len(s) {
		return bits.ReverseBytes64(fold(load64(s, off)))
	}
	var k uint64
	n := 0
	for ; off+n < len(s); n++ {
		k = k<<8 | uint64(lowerASCII(s[off+n]))
	}
	return k << (8 * (8 - n))
}

// foldCompare compares a and b as bytes with their ASCII letters folded
// to lower case (strings.Compare of what fold makes of them), 8 bytes at
// a time.
func foldCompare(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		x, y := fold(load64(a, i)), fold(load64(b, i))
		if x != y {
			d := uint(bits.TrailingZeros64(x^y)) &^ 7 // the first byte that differs
			return cmp.Compare(byte(x>>d), byte(y>>d))
		}
	}
	for ; i < n; i++ {
		if x, y := lowerASCII(a[i]), lowerASCII(b[i]); x != y {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// fold lower-cases the ASCII upper-case letters among the 8 bytes of w
// (any bytes: one with its top bit set is left as it is).
func fold(w uint64) uint64 {
	return w | upperBytes(w&^msb)&^w>>2
}

// isASCII reports whether s is only ASCII, reading 8 bytes at a time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if load64(s, i)&msb != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lowerInPlace replaces each of values with strings.ToLower of it. An
// ASCII value without an upper-case letter is kept as it is; the other
// ASCII values (which lower-case byte by byte) are written into one
// buffer, without a string each.
func lowerInPlace(values []string) {
	var upper []int // the ASCII values with an upper-case letter
	size := 0
	for j, v := range values {
		switch ascii, hasUpper := asciiCase(v); {
		case !ascii:
			values[j] = strings.ToLower(v)
		case hasUpper:
			upper = append(upper, j)
			size += len(v)
		}
	}
	if len(upper) == 0 {
		return
	}
	buf := make([]byte, 0, size)
	for _, j := range upper {
		buf = appendLowerASCII(buf, values[j])
	}
	all, start := string(buf), 0
	for _, j := range upper {
		end := start + len(values[j])
		values[j], start = all[start:end], end
	}
}

// asciiCase reports whether s is only ASCII and, if so, whether it holds
// an upper-case letter. It reads 8 bytes at a time.
func asciiCase(s string) (ascii, upper bool) {
	var up uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := load64(s, i)
		if w&msb != 0 {
			return false, false
		}
		up |= upperBytes(w)
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false, false
		}
		if 'A' <= c && c <= 'Z' {
			up = msb
		}
	}
	return true, up != 0
}

// appendLowerASCII appends s, ASCII, lower-cased, 8 bytes at a time.
func appendLowerASCII(b []byte, s string) []byte {
	b = slices.Grow(b, len(s))
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := load64(s, i)
		b = binary.LittleEndian.AppendUint64(b, fold(w))
	}
	for ; i < len(s); i++ {
		b = append(b, lowerASCII(s[i]))
	}
	return b
}

// lowerASCII is c, an ASCII upper-case letter lower-cased: fold of one byte.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// SWAR constants: one in every byte, its top bit in every byte.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load64 returns the 8 bytes of s from i, little-endian (one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// upperBytes returns the top bit of each byte of w, 8 ASCII bytes, that
// is an upper-case letter: b+0x80-'A' has it for b >= 'A', b+0x80-'Z'-1
// for b > 'Z', and no byte carries into the next.
func upperBytes(w uint64) uint64 {
	return (w + lsb*(0x80-'A')) &^ (w + lsb*(0x80-'Z'-1)) & msb
}

// timeKeys returns Unix seconds (zero times sort first).
func timeKeys[T any](items []T, t func(*T) int64) []float64 {
	keys := make([]float64, len(items))
	for i := range items {
		keys[i] = float64(t(&items[i]))
	}
	return keys
}

// sortColumn is a column a list can be sorted by: its label, and how
// a list's records of type T are ordered by it.
type sortColumn[T any] struct {
	label string
	order func(items []T) []int
}

// textColumn is a column sorted by the text of each record (see
// textOrder: case-insensitively).
func textColumn[T any](label string, text func(*T) string) sortColumn[T] {
	return sortColumn[T]{label, func(items []T) []int {
		return textOrder(len(items), func(i int) string { return text(&items[i]) })
	}}
}

// timeColumn is a column sorted by a time of each record; a record
// without one sorts as one at the epoch would (see unixOrZero).
func timeColumn[T any](label string, at func(*T) time.Time) sortColumn[T] {
	return sortColumn[T]{label, func(items []T) []int {
		return sortedOrder(timeKeys(items, func(x *T) int64 { return unixOrZero(at(x)) }))
	}}
}

// unixOrZero returns t's Unix seconds, or 0 for the zero time (so that
// a record without one sorts as one at the epoch would).
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// lazy is a value of an index built on first use, once, by whichever
// goroutine asks first: the panes' indexes build their search keys and
// the sort orders not shown at start-up only when they are needed (or when
// the command returned by the pane's SetData warms them, off the event
// loop), so that a start-up over 100k records paints without them.
type lazy[T any] struct {
	once sync.Once
	v    T
}

// get returns the value, building it with build on the first call.
func (l *lazy[T]) get(build func() T) T {
	l.once.Do(func() { l.v = build() })
	return l.v
}

// set installs v as the value unless it was built already.
func (l *lazy[T]) set(v T) {
	l.once.Do(func() { l.v = v })
}

// Kept indexes: what Warm builds over 100k opportunities costs a few
// hundred milliseconds of CPU, and depends on the records only. The app
// keeps it in the cache with the list it was built from (book.Kept), and
// the next start-up over the same cache installs it (UseKept) instead of
// building it, so that every sort order and search key is there with the
// first frame.

// KeptName names the encoding AppendKept writes: the app keeps it under
// this name. Change it whenever what an order or a search key means, or
// its encoding, changes, so that what older versions kept is ignored.
const KeptName = "views.v1"

// NewOpportunityIndexKept is NewOpportunityIndex installing what was kept
// (see UseKept) instead of building the close-date order; ok is false when
// kept was refused, and the index is then NewOpportunityIndex's.
func NewOpportunityIndexKept(opps []book.Opportunity, kept string, rts ...book.RecordType) (ix *OpportunityIndex, ok bool) {
	ix = newOpportunityIndex(opps, rts)
	if ok = ix.UseKept(kept); !ok {
		ix.order(ColCloseDate)
	}
	return ix, ok
}

// NewAccountIndexKept is NewAccountIndex installing what was kept (see
// UseKept) instead of building the name order; ok is false when kept was
// refused, and the index is then NewAccountIndex's.
func NewAccountIndexKept(accts []book.Account, kept string) (ix *AccountIndex, ok bool) {
	ix = newAccountIndex(accts)
	if ok = ix.UseKept(kept); !ok {
		ix.order(SortAccountName)
	}
	return ix, ok
}

// AppendKept appends every column's order and the search keys to b (Warm
// builds them first if needed), for UseKept.
func (ix *OpportunityIndex) AppendKept(b []byte) []byte {
	ix.Warm()
	return book.AppendOrders(b, len(ix.Opportunities), allOrders(numOppColumns, ix.order), ix.searchKeys())
}

// UseKept installs the orders and search keys of data, which AppendKept
// wrote for an index over the same opportunities and record types, and
// reports whether it did: data that does not decode as orders of these
// many opportunities changes nothing. Call it before the index is shared.
func (ix *OpportunityIndex) UseKept(data string) bool {
	orders, keys, ok := book.DecodeOrders(data, len(ix.Opportunities), int(numOppColumns), true)
	if !ok {
		return false
	}
	setOrders(ix.orders[:], orders)
	ix.keys.set(keys)
	return true
}

// AppendKept appends every sort order to b (Warm builds them first if
// needed), for UseKept.
func (ix *AccountIndex) AppendKept(b []byte) []byte {
	ix.Warm()
	return book.AppendOrders(b, len(ix.Accounts), allOrders(numAccountSorts, ix.order), nil)
}

// UseKept installs the sort orders of data, which AppendKept wrote for an
// index over the same accounts, and reports whether it did (see
// OpportunityIndex.UseKept).
func (ix *AccountIndex) UseKept(data string) bool {
	orders, _, ok := book.DecodeOrders(data, len(ix.Accounts), int(numAccountSorts), false)
	if !ok {
		return false
	}
	setOrders(ix.orders[:], orders)
	return true
}

// allOrders returns the n sort orders of an index, built by order, for
// book.AppendOrders.
func allOrders[S ~int](n S, order func(S) []int) [][]int {
	orders := make([][]int, n)
	for s := range n {
		orders[s] = order(s)
	}
	return orders
}

// setOrders installs orders, decoded by book.DecodeOrders, as an index's
// lazy sort orders (one each, in turn).
func setOrders(lazies []lazy[[]int], orders [][]int) {
	for i := range lazies {
		lazies[i].set(orders[i])
	}
}
