//go:build unix

package ui

import (
	"syscall"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/booktest"
)

// BenchmarkPrepareStartup measures what `lazyforce sync` runs after a
// sync changed the cache: every start-up list's snapshot and the kept
// indexes, derived from the records. The demo org at scale 12 (≈42k
// accounts, opportunities, contacts and leads; LAZYFORCE_BENCH_SCALE
// changes it) is synced once; before each iteration a write (the same
// identity stored again) makes every snapshot out of date, as a sync
// does. ns/record is per listed record; cpu-ns/record is the process's
// CPU time (user and system, every goroutine and the garbage collector's
// included: what issue 14 counts) while PrepareStartup runs, per listed
// record.
func BenchmarkPrepareStartup(b *testing.B) {
	st, _ := booktest.Demo(b, booktest.Options{Scale: benchScale(12), Now: func() time.Time { return testNow },
		Objects: []string{"User", "RecordType", "OpportunityStage", "Account", "Contact", "Lead", "Opportunity"}})
	bk := book.New(st, book.Options{OrgName: "bench"})
	id, ok, err := st.Identity()
	if err != nil || !ok {
		b.Fatalf("no identity (%v)", err)
	}
	records := 0
	for _, object := range []string{"Account", "Opportunity", "Contact", "Lead"} {
		n, err := st.Count(object)
		if err != nil {
			b.Fatal(err)
		}
		records += n
	}
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := st.SetIdentity(id); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		before := cpuTime(b)
		if err := PrepareStartup(b.Context(), bk); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime(b) - before
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(records), "ns/record")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(records), "cpu-ns/record")
	b.ReportMetric(float64(records), "records")
}

// cpuTime returns the CPU time (user and system) the process used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
