package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// TestInitialSyncCostsTheSameCalls: fetching pages concurrently costs no
// more API calls than one request at a time did (67 for this org with
// pages of 200, counted before pages overlapped), whatever the bound. The
// demo org's "today" is pinned: its record counts, and so its pages,
// depend on the day and the hour it is generated for.
func TestInitialSyncCostsTheSameCalls(t *testing.T) {
	today := time.Date(2026, 11, 30, 3, 50, 0, 0, time.UTC) // when 67 was counted
	for _, inFlight := range []int{1, 0} {
		t.Run(fmt.Sprint("in-flight=", inFlight), func(t *testing.T) {
			org := newTestOrg(t, emulator.Options{Seed: 7, Now: func() time.Time { return today }})
			st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
			cfg := defaultConfig()
			cfg.BatchSize = 200
			cfg.MaxInFlight = inFlight
			res, err := Run(context.Background(), org.c, st, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.APICalls != 67 || org.emu.APICalls() != 67 {
				t.Errorf("initial sync cost %d API calls (server counted %d), want 67", res.APICalls, org.emu.APICalls())
			}
			assertCacheEqualsServer(t, org.c, st, cfg)
		})
	}
}

// inFlightCounter wraps a handler and records the most requests it served
// at once, in all and per query cursor.
type inFlightCounter struct {
	next http.Handler

	mu        sync.Mutex
	now, max  int
	perCursor map[string]int
	maxCursor int
}

func (h *inFlightCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cursor := ""
	if _, loc, ok := strings.Cut(r.URL.Path, "/query/"); ok {
		cursor, _, _ = strings.Cut(loc, "-")
	}
	h.mu.Lock()
	h.now++
	h.max = max(h.max, h.now)
	if cursor != "" {
		h.perCursor[cursor]++
		h.maxCursor = max(h.maxCursor, h.perCursor[cursor])
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.now--
		if cursor != "" {
			h.perCursor[cursor]--
		}
		h.mu.Unlock()
	}()
	h.next.ServeHTTP(w, r)
}

// TestRequestsOverlapWithinTheBound: with every request taking a while,
// the pages of one object are fetched several at once, never more than
// MaxInFlight, and the cache ends equal to the server.
func TestRequestsOverlapWithinTheBound(t *testing.T) {
	for _, objects := range [][]string{{"Contact"}, nil} {
		t.Run(fmt.Sprint(objects), func(t *testing.T) {
			emu := emulator.New(emulator.Options{Seed: 4})
			h := &inFlightCounter{next: emu.Handler(), perCursor: map[string]int{}}
			ts := httptest.NewServer(h)
			t.Cleanup(ts.Close)
			c := newClient(t, ts.URL, emu.AccessToken())
			st := openStore(t, filepath.Join(t.TempDir(), "org.db"))
			cfg := defaultConfig()
			cfg.Objects = objects
			cfg.BatchSize = 200
			cfg.MaxInFlight = 3
			emu.SetFaults(emulator.Faults{Latency: 10 * time.Millisecond})
			if _, err := Run(context.Background(), c, st, cfg); err != nil {
				t.Fatal(err)
			}
			emu.SetFaults(emulator.Faults{})
			h.mu.Lock()
			most, mostCursor := h.max, h.maxCursor
			h.mu.Unlock()
			if most > cfg.MaxInFlight {
				t.Errorf("%d requests in flight at once, want at most %d", most, cfg.MaxInFlight)
			}
			if mostCursor < 2 {
				t.Errorf("at most %d page of one cursor in flight at once, want several", mostCursor)
			}
			assertCacheEqualsServer(t, c, st, cfg)
		})
	}
}

// TestPagesFollowTheServersChain: when the server's pages are not all the
// size of the first (so the offsets planned from it are wrong), the pages
// handed over are still exactly the server's chain, in order.
func TestPagesFollowTheServersChain(t *testing.T) {
	// 9 records; pages start at 0, 3, 4, 7 (the first says "next at 3",
	// the planned offsets are 3 and 6).
	starts := []int{0, 3, 4, 7}
	const total = 9
	var mu sync.Mutex
	var served []string
	page := func(i int) *sfdc.QueryPage {
		from, to := starts[i], total
		if i+1 < len(starts) {
			to = starts[i+1]
		}
		p := &sfdc.QueryPage{TotalSize: total, Done: to == total}
		if !p.Done {
			p.NextRecordsURL = "/services/data/v62.0/query/01gX-" + strconv.Itoa(to)
		}
		for n := from; n < to; n++ {
			p.Records = append(p.Records, json.RawMessage(`{"Id":"`+strconv.Itoa(n)+`"}`))
		}
		return p
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, off, _ := strings.Cut(r.URL.Path, "/query/01gX-")
		mu.Lock()
		served = append(served, off)
		mu.Unlock()
		n, _ := strconv.Atoi(off)
		var body *sfdc.QueryPage
		for i, s := range starts {
			if s == n {
				body = page(i)
			}
		}
		if body == nil { // the page of 3 records at 6 the plan asks for
			body = &sfdc.QueryPage{TotalSize: total, NextRecordsURL: "/services/data/v62.0/query/01gX-9"}
			for k := n; k < min(n+3, total); k++ {
				body.Records = append(body.Records, json.RawMessage(`{"Id":"`+strconv.Itoa(k)+`"}`))
			}
			body.Done = n+3 >= total
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(ts.Close)
	c, err := sfdc.NewClient(context.Background(), ts.URL, sfdc.StaticToken("t"), sfdc.Options{APIVersion: "62.0"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{MaxInFlight: 4}
	p := &puller{c: c, cfg: &cfg, slots: make(chan struct{}, cfg.MaxInFlight)}
	out := make(chan item, 16)
	f := &fetcher{p: p, ctx: context.Background(), out: out, window: make(chan struct{}, 2)}
	pl := &plan{object: "Thing__c"}
	if err := f.fetchRest(pl, page(0), false); err != nil {
		t.Fatal(err)
	}
	close(out)
	if len(f.window) != 0 {
		t.Errorf("%d window tokens not given back", len(f.window))
	}
	var ids []string
	var lastDone bool
	for it := range out {
		for _, raw := range it.page.Records {
			var r struct{ Id string }
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.Id)
		}
		lastDone = it.page.Done
	}
	if want := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8"}; !slices.Equal(ids, want) || !lastDone {
		t.Errorf("records handed over %v (last page done %v), want %v", ids, lastDone, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(served, "4") || !slices.Contains(served, "7") {
		t.Errorf("the server's own next pages were not followed: served %v", served)
	}
}
