package views

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
)

// Sorting 100k records with string comparisons in a closure costs ~100 ms
// per column; turning every column into a float64 key first (strings become
// their rank among the distinct values) and sorting (key, index) pairs costs
// a fraction of that, and stays deterministic.

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
	n := len(order)
	bits := make([]uint64, len(keys))
	for i, k := range keys {
		bits[i] = sortableBits(k)
	}
	if n < 2 {
		return order
	}
	tmp := make([]int, n)
	for shift := uint(0); shift < 64; shift += 8 {
		var count [256]int
		for _, i := range order {
			count[(bits[i]>>shift)&0xff]++
		}
		if count[(bits[order[0]]>>shift)&0xff] == n {
			continue // every key has this byte
		}
		var pos [256]int
		sum := 0
		for d, c := range count {
			pos[d] = sum
			sum += c
		}
		for _, i := range order {
			d := (bits[i] >> shift) & 0xff
			tmp[pos[d]] = i
			pos[d]++
		}
		order, tmp = tmp, order
	}
	return order
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
// compared case-insensitively. Each distinct value is lower-cased and
// sorted once, however many records share it.
func stringRanks(n int, value func(i int) string) []float64 {
	ids := make(map[string]int32, 64)
	var distinct []string
	of := make([]int32, n)
	for i := range n {
		v := value(i)
		id, ok := ids[v]
		if !ok {
			id = int32(len(distinct))
			ids[v] = id
			distinct = append(distinct, v)
		}
		of[i] = id
	}
	lower := lowerAll(distinct)
	perm := make([]int32, len(distinct))
	for j := range distinct {
		perm[j] = int32(j)
	}
	slices.SortFunc(perm, func(a, b int32) int { return strings.Compare(lower[a], lower[b]) })
	rank := make([]float64, len(distinct))
	r := -1
	for j, p := range perm {
		if j == 0 || lower[p] != lower[perm[j-1]] {
			r++
		}
		rank[p] = float64(r)
	}
	keys := make([]float64, n)
	for i, id := range of {
		keys[i] = rank[id]
	}
	return keys
}

// lowerAll returns strings.ToLower of each of values. ASCII values (which
// lower-case byte by byte) are written into one buffer, without a string
// each.
func lowerAll(values []string) []string {
	lower := make([]string, len(values))
	size := 0
	for _, v := range values {
		size += len(v)
	}
	buf := make([]byte, 0, size)
	ends := make([]int, len(values)) // where value j ends in buf; -1: not there
	for j, v := range values {
		if !isASCII(v) {
			lower[j], ends[j] = strings.ToLower(v), -1
			continue
		}
		buf = appendLowerASCII(buf, v)
		ends[j] = len(buf)
	}
	all, start := string(buf), 0
	for j, end := range ends {
		if end >= 0 {
			lower[j], start = all[start:end], end
		}
	}
	return lower
}

// isASCII reports whether s is only ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// appendLowerASCII appends s, ASCII, lower-cased.
func appendLowerASCII(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
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
// the sort keys of a list's records of type T are computed.
type sortColumn[T any] struct {
	label string
	keys  func(items []T) []float64
}

// textColumn is a column sorted by the text of each record (see
// stringRanks: case-insensitively).
func textColumn[T any](label string, text func(*T) string) sortColumn[T] {
	return sortColumn[T]{label, func(items []T) []float64 {
		return stringRanks(len(items), func(i int) string { return text(&items[i]) })
	}}
}

// timeColumn is a column sorted by a time of each record; a record
// without one sorts as one at the epoch would (see unixOrZero).
func timeColumn[T any](label string, at func(*T) time.Time) sortColumn[T] {
	return sortColumn[T]{label, func(items []T) []float64 {
		return timeKeys(items, func(x *T) int64 { return unixOrZero(at(x)) })
	}}
}

// order returns the indexes of items in ascending order of the column.
func (c sortColumn[T]) order(items []T) []int { return sortedOrder(c.keys(items)) }

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
