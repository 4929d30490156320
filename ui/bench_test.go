package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views"
)

// benchOppsScale is the demo org's scale with about the 100k
// opportunities the app must stay instant at (≈1,500 per unit).
const benchOppsScale = 67

// memData serves the lists of a real cache from memory: they are read
// once through store/book, then each call copies them, so the benchmarks
// below time the app's share (reading the cache is BenchmarkStoreStartup's
// share). Details and the status are read from the cache.
type memData struct {
	*book.Book
	accounts    []book.Account
	opps        []book.Opportunity
	recordTypes []book.RecordType
}

var _ Data = (*memData)(nil)

// newMemData syncs the demo org at scale (LAZYFORCE_BENCH_SCALE overrides
// it) into a temporary cache and reads its lists.
func newMemData(b *testing.B, scale int) *memData {
	b.Helper()
	d := &memData{Book: book.New(benchCache(b, benchScale(scale)), book.Options{OrgName: "bench"})}
	var err error
	ctx := b.Context()
	if d.accounts, err = d.Book.Accounts(ctx); err != nil {
		b.Fatal(err)
	}
	if d.opps, err = d.Book.Opportunities(ctx); err != nil {
		b.Fatal(err)
	}
	if d.recordTypes, err = d.Book.RecordTypes(ctx); err != nil {
		b.Fatal(err)
	}
	return d
}

// Accounts implements Data.
func (d *memData) Accounts(context.Context) ([]book.Account, error) {
	return slices.Clone(d.accounts), nil
}

// Opportunities implements Data.
func (d *memData) Opportunities(context.Context) ([]book.Opportunity, error) {
	return slices.Clone(d.opps), nil
}

// AccountsKept serves the accounts from memory, with nothing kept: the
// benchmarks over memData build the indexes as a first start-up does.
func (d *memData) AccountsKept(context.Context, string) ([]book.Account, book.Kept, error) {
	return slices.Clone(d.accounts), book.Kept{}, nil
}

// OpportunitiesKept serves the opportunities as AccountsKept does.
func (d *memData) OpportunitiesKept(context.Context, string) ([]book.Opportunity, book.Kept, error) {
	return slices.Clone(d.opps), book.Kept{}, nil
}

// RecordTypes implements Data.
func (d *memData) RecordTypes(context.Context) ([]book.RecordType, error) {
	return slices.Clone(d.recordTypes), nil
}

// newBenchLoaded returns a model over the demo org at benchOppsScale,
// sized w×h, with the cache read and the status loaded.
func newBenchLoaded(b *testing.B, w, h int) *Model {
	b.Helper()
	return loaded(b, Deps{Data: newMemData(b, benchOppsScale), Now: func() time.Time { return testNow }, Dark: true}, w, h)
}

// reportLatency reports the median and 99th percentile of durs in ms.
func reportLatency(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(durs[len(durs)/2]), "median-ms")
	b.ReportMetric(ms(durs[len(durs)*99/100]), "p99-ms")
}

// timeEach runs op once a benchmark iteration, then after (when not nil)
// with the timer stopped, and returns how long each op took.
func timeEach(b *testing.B, op, after func()) []time.Duration {
	var durs []time.Duration
	for b.Loop() {
		start := time.Now()
		op()
		durs = append(durs, time.Since(start))
		if after != nil {
			b.StopTimer()
			after()
			b.StartTimer()
		}
	}
	return durs
}

// BenchmarkStartup measures New → first frame: the placeholder-free frame
// with chrome only (before the cache is read), and the first frame with
// the demo org's 100k opportunities read and indexed (the lists are served
// from memory, so this is the UI's share; BenchmarkStoreStartup measures
// the cache's read).
func BenchmarkStartup(b *testing.B) {
	deps := Deps{Data: newMemData(b, benchOppsScale), Now: func() time.Time { return testNow }, Dark: true}
	b.Run("first-frame", func(b *testing.B) {
		reportLatency(b, timeEach(b, func() {
			m, _ := New(deps)
			m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
			_ = m.View()
		}, nil))
	})
	b.Run("first-frame-with-100k", func(b *testing.B) {
		reportLatency(b, timeEach(b, func() {
			m, _ := New(deps)
			m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
			m.Update(m.loadStatus()())
			run(m, m.loadData())
			_ = m.View()
		}, nil))
	})
}

// BenchmarkKeystroke measures one key press → Update → the new View, with
// the demo org's 100k opportunities (and their accounts) loaded, at 140×40.
func BenchmarkKeystroke(b *testing.B) {
	m := newBenchLoaded(b, 140, 40)
	cases := []struct {
		name  string
		setup []string // keys pressed once before timing
		keys  []string // keys pressed in turn, one per iteration
	}{
		{"accounts/move-j", []string{"1"}, []string{"j"}},
		{"accounts/sort", []string{"1"}, []string{">"}},
		{"opportunities/move-j-k", []string{"2"}, []string{"j", "k"}},
		{"opportunities/top-bottom", []string{"2"}, []string{"G", "g"}},
		{"opportunities/sort-column", []string{"2"}, []string{">"}},
		{"opportunities/reverse", []string{"2"}, []string{"-"}},
		{"opportunities/quick-filter-mine", []string{"2"}, []string{"m"}},
		{"opportunities/quick-filter-status", []string{"2"}, []string{"x"}},
		{"opportunities/quick-filter-stale", []string{"2"}, []string{"z"}},
		{"pipeline/move-l-h", []string{"3"}, []string{"l", "h"}},
		{"pipeline/record-type", []string{"3"}, []string{"T"}},
		{"pipeline/mine", []string{"3"}, []string{"m"}},
		{"switch-pane-tab", nil, []string{"tab"}},
		{"opportunities/open-detail", []string{"2"}, []string{"enter", "esc"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for _, k := range c.setup {
				run(m, press(m, k))
			}
			var cmd tea.Cmd
			i := 0
			reportLatency(b, timeEach(b, func() {
				k := keyPress(c.keys[i%len(c.keys)])
				i++
				_, cmd = m.Update(k)
				_ = m.View()
			}, func() {
				run(m, cmd) // detail loads and the like: not part of the keystroke
			}))
		})
	}
}

// BenchmarkFilter measures type-to-filter on 100k opportunities: the
// keystroke itself (Update + View; the search is debounced into a
// command), and the search command, on the first letter (all rows) and on
// a later letter (only the previous matches).
func BenchmarkFilter(b *testing.B) {
	m := newBenchLoaded(b, 140, 40)
	press(m, "2")
	press(m, "/")
	b.Run("keystroke", func(b *testing.B) {
		reportLatency(b, timeEach(b, func() {
			m.Update(keyPress("a"))
			_ = m.View()
		}, func() {
			m.Update(keyPress("backspace"))
		}))
	})
	opps, _ := m.deps.Data.Opportunities(b.Context())
	ix := views.NewOpportunityIndex(opps)
	b.Run("search-first-letter", func(b *testing.B) {
		reportLatency(b, timeEach(b, func() { _ = ix.Search("n", nil) }, nil))
	})
	b.Run("search-narrowing", func(b *testing.B) {
		prev := ix.Search("nort", nil)
		reportLatency(b, timeEach(b, func() { _ = ix.Search("north", prev) }, nil))
	})
	b.Run("search-end-to-end-apply", func(b *testing.B) {
		// Keystroke, debounce elapsed, search over all rows, result applied,
		// new View: what a user waits for after a pause in typing.
		durs := timeEach(b, func() {
			run(m, press(m, "v"))
			_ = m.View()
		}, func() {
			run(m, press(m, "backspace"))
		})
		for i := range durs {
			durs[i] -= views.FilterDebounce
		}
		reportLatency(b, durs)
	})
}
