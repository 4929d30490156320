package views

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestKeptIndexes: an index that installs what another index over the
// same records kept (AppendKept) has the same orders and search matches
// without building them; data that is damaged or was kept for other
// records is refused, and the index builds its own as before.
func TestKeptIndexes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	opps := testOpps()
	for i := range 500 {
		opps = append(opps, book.Opportunity{ID: fmt.Sprintf("o%d", i), Name: fmt.Sprintf("Deal %d", r.IntN(90)),
			AccountName: []string{"Acme", "acme", "Globex", ""}[r.IntN(4)], StageName: []string{"Prospecting", "Closed Won", "Negotiation"}[r.IntN(3)],
			Amount: float64(r.IntN(40) * 1000), CloseDate: time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
			OwnerName: []string{"Ann", "bob", "Cy"}[r.IntN(3)], Probability: float64(r.IntN(11) * 10)})
	}
	accts := []book.Account{{ID: "a1", Name: "Beta", Type: "Customer", BillingCity: "Paris"}, {ID: "a2", Name: "alpha", Type: "Prospect"},
		{ID: "a3", Name: "Gamma", OwnerName: "Ann", LastActivity: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}}
	ref, refA := NewOpportunityIndex(opps), NewAccountIndex(accts)
	kept, keptA := string(NewOpportunityIndex(opps).AppendKept(nil)), string(NewAccountIndex(accts).AppendKept(nil))

	ix, ixA := NewOpportunityIndex(opps), NewAccountIndex(accts)
	if !ix.UseKept(kept) || !ixA.UseKept(keptA) {
		t.Fatal("kept indexes refused")
	}
	// An order that was installed is not built: setting it again is a
	// no-op (were it not there, the nil set here would be the order).
	for c := range numOppColumns {
		ix.orders[c].set(nil)
		if !slices.Equal(ix.order(c), ref.order(c)) {
			t.Errorf("column %v: kept order differs from a built one", c)
		}
	}
	ix.keys.set(nil)
	for _, q := range []string{"a", "deal 4", "acme", "zzz"} {
		if !slices.Equal(ix.Search(q, nil), ref.Search(q, nil)) {
			t.Errorf("search %q: kept keys match differently", q)
		}
	}
	for s := range numAccountSorts {
		ixA.orders[s].set(nil)
		if !slices.Equal(ixA.order(s), refA.order(s)) {
			t.Errorf("account sort %v: kept order differs from a built one", s)
		}
	}

	dup := []byte(kept)
	h := len(binary.AppendUvarint(nil, uint64(len(opps)))) + 1 // n, then the number of orders
	copy(dup[h:h+4], dup[h+4:h+8])                             // the first order names one opportunity twice
	for name, bad := range map[string]string{
		"empty":            "",
		"truncated":        kept[:len(kept)-1],
		"trailing":         kept + "x",
		"duplicate":        string(dup),
		"other records":    string(NewOpportunityIndex(opps[:len(opps)-1]).AppendKept(nil)),
		"accounts' orders": keptA,
	} {
		ix := NewOpportunityIndex(opps)
		if ix.UseKept(bad) {
			t.Errorf("%s: kept data accepted", name)
		}
		for c := range numOppColumns {
			if !slices.Equal(ix.order(c), ref.order(c)) {
				t.Errorf("%s: column %v: order differs after a refusal", name, c)
			}
		}
	}
	if NewAccountIndex(accts).UseKept(kept) {
		t.Error("the opportunities' kept data accepted for accounts")
	}

	// The constructors install what was kept, or build as New… does.
	for _, data := range []string{kept, ""} {
		ix := checkKeptIndex(t, "NewOpportunityIndexKept", data, ref, numOppColumns,
			func(data string) (*OpportunityIndex, bool) { return NewOpportunityIndexKept(opps, data) })
		if !slices.Equal(ix.Search("acme", nil), ref.Search("acme", nil)) {
			t.Errorf("NewOpportunityIndexKept with %d bytes kept: search differs", len(data))
		}
	}
	for _, data := range []string{keptA, ""} {
		checkKeptIndex(t, "NewAccountIndexKept", data, refA, numAccountSorts,
			func(data string) (*AccountIndex, bool) { return NewAccountIndexKept(accts, data) })
	}
}

// checkKeptIndex checks the index newKept (constructor name) builds with
// data, kept orders or "" for none: it says it installed them exactly
// when there were some, and each of its n sort orders is ref's. It
// returns the index.
func checkKeptIndex[S ~int, X interface{ order(S) []int }](t *testing.T, name, data string, ref X, n S, newKept func(data string) (X, bool)) X {
	t.Helper()
	ix, ok := newKept(data)
	if ok != (data != "") {
		t.Errorf("%s with %d bytes kept: ok %v", name, len(data), ok)
	}
	for s := range n {
		if !slices.Equal(ix.order(s), ref.order(s)) {
			t.Errorf("%s with %d bytes kept: sort order %v differs", name, len(data), s)
		}
	}
	return ix
}

// randomTexts returns n values drawn to exercise the text orders: few or
// many distinct, long shared prefixes (longer than the 8 bytes a radix
// pass reads), case variants, non-ASCII letters whose lower case is
// ASCII or longer, NUL and other bytes that pad or sort low, invalid
// UTF-8.
func randomTexts(r *rand.Rand, n, distinct int) []string {
	parts := []string{"", "a", "A", "acme", "ACME", "Acme Aerospace", "acme aerospace co.", " - ", "Renewal FY27", "renewal fy27",
		"\x00", "\x00\x00", "z", "Z", "Zoë", "ZOË", "İstanbul", "KELVIN \u212a", "k", "\x7f", "~", "日本", string([]byte{'B', 0xff}),
		"12345678", "123456789", "aaaaaaaaaaaaaaaaaaaaaaaa", "AAAAAAAAAAAAAAAAAAAAAAAB", "@", "[", "`", "{"}
	pool := make([]string, distinct)
	for j := range pool {
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		pool[j] = b.String()
	}
	values := make([]string, n)
	for i := range values {
		values[i] = pool[r.IntN(len(pool))]
	}
	return values
}

// TestTextOrdersSortCaseInsensitively holds textOrder and stringRanks to
// their definition, a stable comparison sort of the lower-cased values,
// over values with few or many distinct ones, short and long.
func TestTextOrdersSortCaseInsensitively(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ n, distinct int }{{0, 1}, {1, 1}, {2, 2}, {40, 3}, {300, 5}, {300, 1000}, {3000, 40}, {5000, 100000}} {
		for range 3 {
			values := randomTexts(r, tc.n, tc.distinct)
			lower := make([]string, len(values))
			for i, v := range values {
				lower[i] = strings.ToLower(v)
			}
			want := make([]int, len(values))
			for i := range want {
				want[i] = i
			}
			slices.SortStableFunc(want, func(a, b int) int { return strings.Compare(lower[a], lower[b]) })
			value := func(i int) string { return values[i] }
			if got := textOrder(len(values), value); !slices.Equal(got, want) {
				t.Fatalf("%d values (%d drawn from): textOrder differs from a stable sort of the lower-cased values", tc.n, tc.distinct)
			}
			ranks := stringRanks(len(values), value)
			for j := 1; j < len(want); j++ {
				a, b := want[j-1], want[j]
				if got, want := cmp.Compare(ranks[a], ranks[b]), strings.Compare(lower[a], lower[b]); got != want {
					t.Fatalf("%q vs %q: ranks compare %d, want %d", values[a], values[b], got, want)
				}
			}
			if len(want) > 0 && ranks[want[0]] != 0 {
				t.Fatalf("the lowest rank is %v", ranks[want[0]])
			}
		}
	}
}

// TestFoldCompare: comparing with ASCII letters folded is comparing what
// strings.ToLower makes of ASCII text, at every length and position.
func TestFoldCompare(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte("aAzZ@[`{09 \x00\x7f\x80\xff")
	for range 20000 {
		a, b := make([]byte, r.IntN(20)), make([]byte, r.IntN(20))
		for i := range a {
			a[i] = alphabet[r.IntN(len(alphabet))]
		}
		copy(b, a) // often a shared prefix
		for i := r.IntN(len(b) + 1); i < len(b); i++ {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		fold := func(s []byte) []byte {
			f := make([]byte, len(s))
			for i, c := range s {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				f[i] = c
			}
			return f
		}
		want := bytes.Compare(fold(a), fold(b))
		if got := foldCompare(string(a), string(b)); got != want {
			t.Fatalf("%q vs %q: %d, want %d", a, b, got, want)
		}
	}
}

// TestStageOrderFollowsItsDefinition holds stageOrder to its rule, as a
// stable comparison sort: by the stage's SortOrder in the opportunity's
// record type, else its least in any record type, else after every
// known stage; then by stage name case-insensitively; then by close
// date. Record types share stages with other SortOrders, stages come in
// case variants and unknown ones.
func TestStageOrderFollowsItsDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	labels := []string{"Prospecting", "prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost", "Custom", "Zeta", ""}
	rts := []book.RecordType{
		{ID: "rtA", Stages: []book.Stage{{Label: "Prospecting", SortOrder: 1}, {Label: "Proposal", SortOrder: 2}, {Label: "Closed Won", SortOrder: 9}, {Label: "Closed Lost", SortOrder: 9}}},
		{ID: "rtB", Stages: []book.Stage{{Label: "Qualification", SortOrder: 1}, {Label: "Proposal", SortOrder: 5}, {Label: "Negotiation", SortOrder: 2}, {Label: "Closed Won", SortOrder: 3}}},
	}
	for _, n := range []int{0, 1, 50, 3000} {
		opps := make([]book.Opportunity, n)
		for i := range opps {
			opps[i] = book.Opportunity{StageName: labels[r.IntN(len(labels))], RecordTypeID: []string{"rtA", "rtB", "rtC", ""}[r.IntN(4)],
				CloseDate: time.Date(2026, 1, 1+r.IntN(60), 0, 0, 0, 0, time.UTC)}
		}
		sortOrder := func(o *book.Opportunity) int {
			least := math.MaxInt
			for _, rt := range rts {
				for _, s := range rt.Stages {
					if s.Label != o.StageName {
						continue
					}
					if rt.ID == o.RecordTypeID {
						return s.SortOrder
					}
					least = min(least, s.SortOrder)
				}
			}
			return least
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int {
			x, y := &opps[a], &opps[b]
			return cmp.Or(cmp.Compare(sortOrder(x), sortOrder(y)),
				strings.Compare(strings.ToLower(x.StageName), strings.ToLower(y.StageName)),
				x.CloseDate.Compare(y.CloseDate))
		})
		if got := stageOrder(opps, rts); !slices.Equal(got, want) {
			t.Fatalf("%d opportunities: the stage order differs from its definition", n)
		}
	}
}
