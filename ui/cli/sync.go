package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/orgconfig"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/ui"
)

// syncOptions are the flags of 'lazyforce sync'.
type syncOptions struct {
	full, rebuild, json bool
}

func newCmdSync(f *Factory) *cobra.Command {
	opts := &syncOptions{}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Pull the org's changes into the local cache",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.rebuild && !opts.full {
				return usagef("sync: --rebuild needs --full")
			}
			return runSync(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.full, "full", false, "fetch everything again instead of only what changed")
	cmd.Flags().BoolVar(&opts.rebuild, "rebuild", false, "with --full: start from an empty cache (a damaged cache file is moved aside)")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the summary as JSON")
	return cmd
}

// syncGCPercent and syncMemoryLimit tune the garbage collector during a
// sync: collect when the heap has grown to 4× what survived the last
// collection, or sooner near 768 MiB. Lower percentages (150, 100, 50) and
// lower limits were measured (docs/benchmarks.md, s8 and s10-heap): the
// heap stays smaller and the kernel faults fewer fresh pages in, but the
// extra collections (and the allocator zeroing the memory they free for
// reuse) cost as much CPU again.
const (
	syncGCPercent   = 300
	syncMemoryLimit = 768 << 20
)

func runSync(ctx context.Context, f *Factory, opts *syncOptions) error {
	org, err := f.Org()
	if err != nil {
		return err
	}
	c, err := f.Client(ctx)
	if err != nil {
		return err
	}
	dirs, err := f.Dirs()
	if err != nil {
		return err
	}
	// A second sync waits for the first instead of interleaving with it.
	unlock, err := store.LockSync(ctx, dirs.CachePath(org.Alias), func() {
		fmt.Fprintf(f.IO.ErrOut, "waiting for the other sync of org %s to finish\n", org.Alias)
	})
	if err != nil {
		return err
	}
	defer unlock()
	st, err := f.Store(store.Options{Rebuild: opts.rebuild})
	if err != nil {
		return err
	}
	if aside, outboxLost := st.Rebuilt(); aside != "" {
		fmt.Fprintf(f.IO.ErrOut, "the damaged cache was moved to %s; syncing afresh\n", aside)
		if outboxLost {
			fmt.Fprintln(f.IO.ErrOut, "its outbox of pending writes could not be read back: those writes never reached the org")
		}
	}
	if opts.rebuild {
		if err := st.Reset(); err != nil {
			return err
		}
	}
	if _, ok, err := st.Identity(); err == nil && !ok {
		// A rebuilt cache: read who we are again.
		if err := storeIdentity(ctx, c, st); err != nil {
			return err
		}
	}
	cfg := syncConfig(org.Sync)
	cfg.Full = opts.full
	stderr := f.IO.ErrOut
	if isTerminal(stderr) {
		cfg.Progress = func(p syncer.Progress) { printProgress(stderr, p) }
	}
	// A sync allocates pages and index entries that live until their
	// commit: a lazier garbage collector (bounded by a soft memory limit)
	// spends less of the sync's CPU collecting them (issue 14).
	defer debug.SetGCPercent(debug.SetGCPercent(syncGCPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(syncMemoryLimit))
	// The outbox goes first, then the pull (which keeps unsent writes shown).
	res, pushed, err := syncer.Sync(ctx, c, st, cfg, syncer.PushOptions{})
	if cfg.Progress != nil {
		clearProgress(stderr)
	}
	if err != nil {
		return err
	}
	if changed(res) {
		// The app's next start-up reads each list as one snapshot, with
		// its indexes' orders: store them now rather than in the app's
		// first read (issue 14).
		if err := ui.PrepareStartup(ctx, book.New(st, book.Options{OrgName: org.Alias})); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "the lists were not prepared for the next start-up: %v\n", err)
		}
	}
	if !opts.json {
		if err := printPushed(f.IO.Out, pushed); err != nil {
			return err
		}
		_, err := fmt.Fprint(f.IO.Out, res.String())
		return err
	}
	return writeJSON(f.IO.Out, struct {
		Objects map[string]*syncer.ObjectResult `json:"objects"`
		// Pushed counts the outbox writes the org took before the pull;
		// Failures are those it refused or that conflicted (they stay in
		// the outbox).
		Pushed     int                  `json:"pushed"`
		Failures   []syncer.PushFailure `json:"failures"`
		APICalls   int64                `json:"api_calls"`
		DurationMS int64                `json:"duration_ms"`
	}{res.Objects, pushed.Pushed, pushed.Failures, res.APICalls, res.Duration.Milliseconds()})
}

// printPushed says what the push did, when there was anything to push.
func printPushed(w io.Writer, p *syncer.PushResult) error {
	if p.Pushed == 0 && len(p.Failures) == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "pushed %d write%s from the outbox\n", p.Pushed, plural(p.Pushed)); err != nil {
		return err
	}
	for _, fl := range p.Failures {
		msg := fl.Error
		if fl.Code != "" {
			msg = fl.Code + ": " + msg
		}
		if len(fl.Fields) > 0 {
			msg += " (fields: " + strings.Join(fl.Fields, ", ") + ")"
		}
		if _, err := fmt.Fprintf(w, "  entry %d %s %s %s: %s\n", fl.Entry, fl.State, fl.Object, fl.RecordID, oneLine(errors.New(msg))); err != nil {
			return err
		}
	}
	return nil
}

// changed reports whether the sync wrote or removed records.
func changed(res *syncer.Result) bool {
	for _, o := range res.Objects {
		if o.Fetched > 0 || o.Deleted > 0 {
			return true
		}
	}
	return false
}

// syncConfig applies an org's sync settings to the defaults.
func syncConfig(s *orgconfig.SyncSettings) syncer.Config {
	cfg := syncer.Config{Scope: syncer.DefaultScope()}
	if s == nil {
		return cfg
	}
	cfg.Objects = append([]string(nil), syncer.DefaultObjects...)
	if len(s.Objects) > 0 {
		cfg.Objects = append([]string(nil), s.Objects...)
	}
	cfg.Objects = append(cfg.Objects, s.ExtraObjects...)
	if s.ActivityMonthsBack > 0 {
		cfg.Scope.ActivityMonthsBack = s.ActivityMonthsBack
	}
	if s.ActivityMonthsAhead > 0 {
		cfg.Scope.ActivityMonthsAhead = s.ActivityMonthsAhead
	}
	if s.ClosedOpportunityMonthsBack > 0 {
		cfg.Scope.ClosedOpportunityMonthsBack = s.ClosedOpportunityMonthsBack
	}
	cfg.Scope.Where = s.Where
	return cfg
}

// storeIdentity reads who we are on the org and records it in the cache
// (offline SOQL needs the fiscal year, time zone and API version).
func storeIdentity(ctx context.Context, c *sfdc.Client, st *store.Store) error {
	ident, err := syncer.ReadIdentity(ctx, c)
	if err != nil {
		return err
	}
	return st.SetIdentity(ident)
}
