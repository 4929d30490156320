package book

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book/booktest"
)

// BenchmarkFind100k searches a finder over 100k records (25k of each kind)
// the way a user types: a name prefix, a fuzzy name, an e-mail and a phone
// number. Target (issue 16): a result within one frame, 16 ms.
func BenchmarkFind100k(b *testing.B) {
	const n = 25_000
	first := []string{"Jane", "Ravi", "Ana", "Kenji", "Lukas", "Maria", "Tom", "Priya"}
	last := []string{"Doe", "Sharma", "Silva", "Tanaka", "Müller", "Garcia", "Smith", "Iyer"}
	var in FinderInput
	for i := range n {
		name := fmt.Sprintf("%s %s %d", first[i%8], last[i/8%8], i)
		company := fmt.Sprintf("Company %d Holdings", i/4)
		phone := fmt.Sprintf("(415) 555-%04d", i%10000)
		in.Accounts = append(in.Accounts, Account{ID: fmt.Sprintf("001%015d", i), Name: company, Phone: phone})
		in.Contacts = append(in.Contacts, Contact{ID: fmt.Sprintf("003%015d", i), Name: name, AccountName: company,
			Email: fmt.Sprintf("%s.%d@example.com", first[i%8], i), Phone: phone})
		in.Leads = append(in.Leads, Lead{ID: fmt.Sprintf("00Q%015d", i), Name: name, Company: company,
			Email: fmt.Sprintf("lead%d@example.org", i), Phone: phone})
		in.Opportunities = append(in.Opportunities, Opportunity{ID: fmt.Sprintf("006%015d", i), Name: company + " renewal", AccountName: company})
	}
	in.Region = "US"
	f := NewFinder(in)
	for _, q := range []string{"jane", "rvi shrm", "ravi.1234@example.com", "415.555.0123"} {
		b.Run(q, func(b *testing.B) {
			times := timeSearches(b, f, q)
			b.ReportMetric(float64(times[len(times)/2])/1e6, "ms-median")
			b.ReportMetric(float64(times[len(times)*99/100])/1e6, "ms-p99")
		})
	}
}

// BenchmarkFindOverCache builds a finder over a synced demo org (what
// ctrl+f does the first time, and every 'lazyforce find') and searches
// it. LAZYFORCE_BENCH_SCALE sets the scale (default 2; 30 caches ~100k
// accounts, contacts, leads and opportunities).
func BenchmarkFindOverCache(b *testing.B) {
	scale := 2
	if v, err := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_SCALE")); err == nil && v > 0 {
		scale = v
	}
	st, _ := booktest.Demo(b, booktest.Options{Scale: scale})
	bk := New(st, Options{})
	ctx := context.Background()
	var f *Finder
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			var err error
			if f, err = bk.Finder(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.Len()), "records")
	})
	for _, q := range []string{"acme", "415.555.0142", "jane"} {
		b.Run("search/"+q, func(b *testing.B) {
			times := timeSearches(b, f, q)
			b.ReportMetric(float64(times[len(times)/2])/1e6, "ms-median")
		})
	}
}

// timeSearches times f.Search(q, 20) over the benchmark's loop: the
// durations, shortest first.
func timeSearches(b *testing.B, f *Finder, q string) []time.Duration {
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		f.Search(q, 20)
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times
}
