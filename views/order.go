package views

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// Sorting 100k records with string comparisons in a closure costs ~100 ms
// per column; turning every column into a float64 key first (strings become
// their rank among the distinct values) and sorting (key, index) pairs costs
// a fraction of that, and stays deterministic.

// sortedOrder returns the indexes of keys in ascending key order, ties by
// index.
func sortedOrder(keys []float64) []int {
	type pair struct {
		k float64
		i int
	}
	pairs := make([]pair, len(keys))
	for i, k := range keys {
		pairs[i] = pair{k, i}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(a.k, b.k); c != 0 {
			return c
		}
		return a.i - b.i
	})
	order := make([]int, len(pairs))
	for i, p := range pairs {
		order[i] = p.i
	}
	return order
}

// stringRanks maps every value to its rank among the distinct values,
// compared case-insensitively.
func stringRanks(n int, value func(i int) string) []float64 {
	lower := make([]string, n)
	distinct := make(map[string]struct{}, 64)
	for i := range n {
		lower[i] = strings.ToLower(value(i))
		distinct[lower[i]] = struct{}{}
	}
	sorted := make([]string, 0, len(distinct))
	for s := range distinct {
		sorted = append(sorted, s)
	}
	slices.Sort(sorted)
	rank := make(map[string]int, len(sorted))
	for i, s := range sorted {
		rank[s] = i
	}
	keys := make([]float64, n)
	for i, s := range lower {
		keys[i] = float64(rank[s])
	}
	return keys
}

// timeKeys returns Unix seconds (zero times sort first).
func timeKeys[T any](items []T, t func(*T) int64) []float64 {
	keys := make([]float64, len(items))
	for i := range items {
		keys[i] = float64(t(&items[i]))
	}
	return keys
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
