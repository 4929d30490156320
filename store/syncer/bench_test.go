package syncer

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
)

// benchScale is the demo org's scale for the sync benchmarks
// (LAZYFORCE_BENCH_SCALE, default 10: about 128k synced records).
func benchScale(b *testing.B) int {
	if s := os.Getenv("LAZYFORCE_BENCH_SCALE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 10
}

// BenchmarkSync measures, against the emulator on loopback: an initial sync
// into an empty cache (records/s, API calls, cache size), an incremental
// sync with nothing changed (API calls, time), and offline SOQL over the
// resulting cache.
//
// The emulator runs in a child process (this test binary again), as a real
// org would be elsewhere: its large heap and CPU are not charged to the
// sync's process (they still share the machine's cores).
func BenchmarkSync(b *testing.B) {
	ctx := context.Background()
	org := startChildEmulator(b, benchScale(b))
	cfg := defaultConfig()
	dir := b.TempDir() // the parent's: the sub-benchmarks after "initial" read its cache
	var st *store.Store
	defer func() {
		if st != nil {
			st.Close()
		}
	}()

	b.Run("initial", func(b *testing.B) {
		var records int
		var elapsed time.Duration
		var calls int64
		var size int64
		for i := 0; b.Loop(); i++ {
			if st != nil {
				st.Close()
			}
			var err error
			path := filepath.Join(dir, fmt.Sprintf("org-%d.db", i))
			st, err = store.Open(path, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			res, err := Run(ctx, org.c, st, cfg)
			if err != nil {
				b.Fatal(err)
			}
			records, elapsed, calls = 0, res.Duration, res.APICalls
			for _, o := range res.Objects {
				records += o.Fetched
			}
			size, _ = st.Size()
		}
		b.ReportMetric(float64(records), "records")
		b.ReportMetric(float64(records)/elapsed.Seconds(), "records/s")
		b.ReportMetric(float64(calls), "api-calls")
		b.ReportMetric(float64(size)/(1<<20), "cache-MiB")
	})

	b.Run("empty-incremental", func(b *testing.B) {
		var calls int64
		for b.Loop() {
			res, err := Run(ctx, org.c, st, cfg)
			if err != nil {
				b.Fatal(err)
			}
			calls = res.APICalls
		}
		b.ReportMetric(float64(calls), "api-calls")
	})

	for _, q := range []struct{ name, soql string }{
		{"offline-count", "SELECT COUNT() FROM Task"},
		{"offline-my-open-pipeline", "SELECT Id, Name, StageName, Amount, Account.Name FROM Opportunity WHERE IsClosed = false AND Amount > 10000 ORDER BY CloseDate LIMIT 50"},
		{"offline-group-by-stage", "SELECT StageName, COUNT(Id), SUM(Amount) FROM Opportunity GROUP BY StageName"},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.Query(ctx, q.soql, store.QueryOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFullResync measures `sync --full` over a filled cache (every
// object dropped and fetched again) against the initial sync into an empty
// one: the two should cost about the same.
func BenchmarkFullResync(b *testing.B) {
	ctx := context.Background()
	org := startChildEmulator(b, benchScale(b))
	cfg := defaultConfig()
	st, err := store.Open(filepath.Join(b.TempDir(), "org.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	first, err := Run(ctx, org.c, st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("initial sync into an empty cache: %v", first.Duration.Round(time.Millisecond))
	cfg.Full = true
	var records int
	for b.Loop() {
		res, err := Run(ctx, org.c, st, cfg)
		if err != nil {
			b.Fatal(err)
		}
		records = 0
		for _, o := range res.Objects {
			records += o.Fetched
		}
	}
	b.ReportMetric(float64(records), "records")
}

// BenchmarkSyncNetwork measures an initial sync into an empty cache when
// every request takes as long as a real org's query page
// (LAZYFORCE_BENCH_LATENCY_MS, default 300, the emulator's latency_ms
// fault): one request at a time (in-flight=1, how sync paged before) and
// with the default bound. Each iteration takes seconds to a minute: run it
// with -benchtime=1x.
func BenchmarkSyncNetwork(b *testing.B) {
	latency := "300"
	if s := os.Getenv("LAZYFORCE_BENCH_LATENCY_MS"); s != "" {
		latency = s
	}
	b.Setenv("LAZYFORCE_BENCH_LATENCY_MS", latency)
	ctx := context.Background()
	org := startChildEmulator(b, benchScale(b))
	for _, inFlight := range []int{1, DefaultMaxInFlight} {
		b.Run("in-flight="+strconv.Itoa(inFlight), func(b *testing.B) {
			cfg := defaultConfig()
			cfg.MaxInFlight = inFlight
			var res *Result
			for b.Loop() {
				st, err := store.Open(filepath.Join(b.TempDir(), "org.db"), store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				res, err = Run(ctx, org.c, st, cfg)
				st.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			records := 0
			for _, o := range res.Objects {
				records += o.Fetched
			}
			b.ReportMetric(float64(records), "records")
			b.ReportMetric(res.Duration.Seconds(), "wall-s")
			b.ReportMetric(float64(res.APICalls), "api-calls")
		})
	}
}

// TestMain lets this test binary serve as the benchmark's emulator process.
func TestMain(m *testing.M) {
	if scale := os.Getenv("LAZYFORCE_BENCH_EMULATOR"); scale != "" {
		serveEmulator(scale)
		return
	}
	os.Exit(m.Run())
}

// serveEmulator runs an emulator on loopback, prints "URL TOKEN" and serves
// until stdin closes (the parent exits).
func serveEmulator(scale string) {
	n, _ := strconv.Atoi(scale)
	org := emulator.Start(emulator.Options{Seed: 1, Scale: n})
	if ms, _ := strconv.Atoi(os.Getenv("LAZYFORCE_BENCH_LATENCY_MS")); ms > 0 {
		org.SetFaults(emulator.Faults{Latency: time.Duration(ms) * time.Millisecond})
	}
	fmt.Println(org.URL, org.AccessToken)
	_, _ = io.Copy(io.Discard, os.Stdin)
	org.Close()
}

// startChildEmulator starts serveEmulator in a child process.
func startChildEmulator(b *testing.B, scale int) *testOrg {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "LAZYFORCE_BENCH_EMULATOR="+strconv.Itoa(scale))
	stdin, stdout := startChildProcess(b, cmd)
	b.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	var url, token string
	if _, err := fmt.Fscan(stdout, &url, &token); err != nil {
		b.Fatalf("child emulator: %v", err)
	}
	return &testOrg{url: url, c: newClient(b, url, token)}
}
