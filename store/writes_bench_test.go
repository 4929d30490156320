package store

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkScatteredUpdates measures an incremental sync's writes: one
// transaction of 200 changed records (PutRecord, with their indexes)
// scattered over a cache of 50,000 Opportunities, as records modified
// since the last sync arrive in SystemModstamp order, not Id order. Each
// rewrites its leaf page and its index blocks' pages: the cost that grows
// with the page size.
func BenchmarkScatteredUpdates(b *testing.B) {
	const n, perTx = 50000, 200
	s := openTemp(b)
	fillOpportunities(b, s, n)
	op := 0
	for b.Loop() {
		op++
		err := s.Update(func(w *Writer) error {
			for k := range perTx {
				i := ((op*perTx + k) * 7919) % n
				raw := bytes.Replace(benchOpportunity(i), []byte(`"SystemModstamp":"2026-`), fmt.Appendf(nil, `"SystemModstamp":"%04d-`, 2027+op), 1)
				if r, err := w.PutRecord("Opportunity", raw); err != nil || r != Updated {
					return fmt.Errorf("put %d: %v %v", i, r, err)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
