package views

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
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
