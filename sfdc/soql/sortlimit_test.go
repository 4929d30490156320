package soql

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestSortLimitSelectsAsSortDoes: selecting OFFSET+LIMIT rows gives the
// rows a full stable sort then OFFSET and LIMIT give, in the same order,
// with ties, nulls, both directions and NULLS LAST.
func TestSortLimitSelectsAsSortDoes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 300 {
		n := 1 + r.IntN(300)
		rows := make([]Record, n)
		for i := range rows {
			var a any = float64(r.IntN(20))
			if r.IntN(10) == 0 {
				a = nil
			}
			b := []string{"x", "Y", "y", "z", ""}[r.IntN(5)]
			rows[i] = Record{"i": i, "a": a, "b": b}
		}
		keys := []orderKey{{get: func(r Record) any { return r["a"] }, kind: kindNumber, desc: r.IntN(2) == 0, nullsLast: r.IntN(2) == 0}}
		if r.IntN(2) == 0 {
			keys = append(keys, orderKey{get: func(r Record) any { return r["b"] }, kind: kindString, desc: r.IntN(2) == 0, nullsLast: r.IntN(2) == 0})
		}
		offset, limit := r.IntN(5), r.IntN(12)
		want := append([]Record(nil), rows...)
		sortRows(want, keys)
		want = offsetLimit(want, offset, limit)
		got := sortLimit(append([]Record(nil), rows...), keys, offset, limit)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d (n %d, offset %d, limit %d): got %v, want %v", round, n, offset, limit, got, want)
		}
	}
}
