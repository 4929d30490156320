package book

import (
	"context"
	"encoding/binary"
	"math/bits"
	"slices"
)

// What a reader derives from a whole list at some cost (the app's sort
// orders and search keys over 100k opportunities) can be kept in the cache
// next to the list's snapshot, under a name of the reader's that names its
// encoding, and read back with the same list at the next start-up: then
// nothing is derived again while the cache stays as it is. A kept value
// carries the data generation of the list it was derived from, and is
// handed out only with a list read at that same generation.

// Kept is the value kept with a list, as read with it.
type Kept struct {
	// Data is the value kept for exactly the list read with it; "" when
	// there is none (never kept, derived from another state of the cache,
	// or the cache cannot tell).
	Data string
	name string
	gen  uint64
	b    *Book
}

// Keep stores data, derived from the list read with k, for the next read
// of that list. It is a cache, kept on a best-effort basis: nothing is
// stored when the cache changed since the list was read, when another
// process is writing it, or by a read-only cache. Keep writes to the file:
// call it off the event loop.
func (k Kept) Keep(data []byte) {
	if k.b == nil || k.gen == 0 {
		return
	}
	_, _ = k.b.st.PutSnapshot(k.name, k.gen, data)
}

// AccountsKept returns Accounts with the value kept under name for them.
func (b *Book) AccountsKept(ctx context.Context, name string) ([]Account, Kept, error) {
	accts, gen, err := snapshottedAt(ctx, b, "accounts", b.encodeAccounts, getAccount)
	if err != nil {
		return nil, Kept{}, err
	}
	return accts, b.kept("accounts", name, gen), nil
}

// OpportunitiesKept returns Opportunities with the value kept under name
// for them.
func (b *Book) OpportunitiesKept(ctx context.Context, name string) ([]Opportunity, Kept, error) {
	opps, gen, err := snapshottedAt(ctx, b, "opportunities", b.encodeOpportunities, getOpportunity)
	if err != nil {
		return nil, Kept{}, err
	}
	return opps, b.kept("opportunities", name, gen), nil
}

// kept reads the value kept under name with the list called list, read at
// data generation gen (0: unknown, nothing is read or kept).
func (b *Book) kept(list, name string, gen uint64) Kept {
	k := Kept{name: snapPrefix + list + "+" + name, gen: gen, b: b}
	if gen == 0 {
		return k
	}
	var data string
	at, ok, err := b.st.Snapshot(k.name, func(v []byte) error {
		data = string(v)
		return nil
	})
	// The value was stored at the generation current then; it is the
	// list's when that is the list's too.
	if err == nil && ok && at == gen {
		k.Data = data
	}
	return k
}

// AppendOrders appends n, the number of orders, each order of n indexes
// (an index as 4 little-endian bytes), then each of keys, its length first:
// the encoding a reader keeps its sort orders and search keys in.
func AppendOrders(b []byte, n int, orders [][]int, keys []string) []byte {
	size := 2*binary.MaxVarintLen64 + len(orders)*n*4
	for _, k := range keys {
		size += uvarintLen(uint64(len(k))) + len(k)
	}
	e := encoder{b: slices.Grow(b, size)} // appended once, not grown by a quarter at a time
	e.uint(uint64(n))
	e.uint(uint64(len(orders)))
	for _, order := range orders {
		for _, i := range order {
			e.b = binary.LittleEndian.AppendUint32(e.b, uint32(i))
		}
	}
	for _, k := range keys {
		e.str(k)
	}
	return e.b
}

// DecodeOrders reads what AppendOrders wrote for k orders of n indexes,
// each a permutation of 0…n-1, followed by n keys when withKeys (they share
// data's memory). ok is false when data is anything else, or has more.
func DecodeOrders(data string, n, k int, withKeys bool) (orders [][]int, keys []string, ok bool) {
	d := decoder{s: data}
	if d.uint() != uint64(n) || d.uint() != uint64(k) || d.err != nil || uint64(len(d.s)-d.i) < uint64(n)*uint64(k)*4 {
		return nil, nil, false
	}
	seen := make([]int32, n) // the number of the last order that held each index
	orders = make([][]int, k)
	for o := range orders {
		order := make([]int, n)
		for j := range order {
			s := d.s[d.i : d.i+4]
			i := uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
			d.i += 4
			if i >= uint32(n) || seen[i] == int32(o+1) {
				return nil, nil, false
			}
			seen[i] = int32(o + 1)
			order[j] = int(i)
		}
		orders[o] = order
	}
	if withKeys {
		keys = make([]string, n)
		for j := range keys {
			keys[j] = d.str()
		}
	}
	if d.err != nil || d.i != len(d.s) {
		return nil, nil, false
	}
	return orders, keys, true
}

// uvarintLen is the length of x's uvarint.
func uvarintLen(x uint64) int { return (bits.Len64(x|1) + 6) / 7 }
