package store

import (
	"errors"
	"fmt"
	"testing"
)

// errRollback undoes a benchmark's transaction so that the next iteration
// finds the same data.
var errRollback = errors.New("rollback")

// BenchmarkDropObject measures dropping an object's records and index
// entries, as the first commit of `sync --full` does. The time must grow
// linearly with the records: it was quadratic in the index entries (25 s for
// Task in a scale-12 org), so 4x the records took 16x the time.
func BenchmarkDropObject(b *testing.B) {
	for _, n := range []int{10000, 40000} {
		b.Run(fmt.Sprintf("records-%d", n), func(b *testing.B) {
			s := openTemp(b)
			fillOpportunities(b, s, n)
			for b.Loop() {
				err := s.Update(func(w *Writer) error {
					if err := w.DropObject("Opportunity"); err != nil {
						return err
					}
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
		})
	}
}
