package views

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lazyforce/lazyforce/store/book"
)

// TestSortedOrderIsAStableSortByKey compares the radix sort with a stable
// comparison sort by cmp.Compare, over keys with ties, negatives, zeros
// of both signs, infinities and NaN.
func TestSortedOrderIsAStableSortByKey(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	special := []float64{0, math.Copysign(0, -1), -1, 1, math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e-300, 1719792000}
	for _, n := range []int{0, 1, 2, 17, 1000, 20000} {
		keys := make([]float64, n)
		for i := range keys {
			switch r.IntN(3) {
			case 0:
				keys[i] = special[r.IntN(len(special))]
			case 1:
				keys[i] = float64(r.IntN(50) - 25)
			default:
				keys[i] = r.NormFloat64() * 1e6
			}
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
		if got := sortedOrder(keys); !slices.Equal(got, want) {
			t.Fatalf("%d keys: order differs from a stable sort", n)
		}
	}
}

// TestStringRanksCompareCaseInsensitively: equal values, and values equal
// but for case, share a rank; ranks follow the lower-cased order.
func TestStringRanksCompareCaseInsensitively(t *testing.T) {
	values := []string{"beta", "Alpha", "", "alpha", "Beta", "gamma", "ALPHA", "beta"}
	ranks := stringRanks(len(values), func(i int) string { return values[i] })
	for i := range values {
		for j := range values {
			a, b := strings.ToLower(values[i]), strings.ToLower(values[j])
			if got, want := cmp.Compare(ranks[i], ranks[j]), strings.Compare(a, b); got != want {
				t.Fatalf("%q vs %q: ranks compare %d, want %d", values[i], values[j], got, want)
			}
		}
	}
}

// TestIndexWarmsWhileThePaneSorts: the command warming an index and the
// pane asking for an order or a search of it at the same time get the
// same orders and matches as an index built and read by one goroutine.
func TestIndexWarmsWhileThePaneSorts(t *testing.T) {
	opps := testOpps()
	ref := NewOpportunityIndex(opps)
	ix := NewOpportunityIndex(opps)
	accts := []book.Account{{ID: "a1", Name: "Beta", Type: "Customer"}, {ID: "a2", Name: "alpha", Type: "Prospect"}}
	refA, ixA := NewAccountIndex(accts), NewAccountIndex(accts)
	var wg sync.WaitGroup
	wg.Go(ix.Warm)
	wg.Go(ixA.Warm)
	wg.Go(func() {
		for c := range numOppColumns {
			if !slices.Equal(ix.order(c), ref.order(c)) {
				t.Errorf("column %v: order differs while warming", c)
			}
		}
		if !slices.Equal(ix.Search("a", nil), ref.Search("a", nil)) {
			t.Error("search differs while warming")
		}
		for s := range numAccountSorts {
			if !slices.Equal(ixA.order(s), refA.order(s)) {
				t.Errorf("account sort %v: order differs while warming", s)
			}
		}
	})
	wg.Wait()
}
