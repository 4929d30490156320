package cli

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/auth"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/ui"
)

// requireTerminal fails early, before any org or cache is opened, when the
// terminal app would have no terminal to draw on.
func requireTerminal() error {
	if !isTerminal(os.Stdout) || !isTerminal(os.Stdin) {
		return errNoTerminal
	}
	return nil
}

// runTUI opens the terminal app on the org. It starts from the cache (no
// network needed) and syncs in the background; the client is only built
// when a sync runs, so an offline start works.
func runTUI(ctx context.Context, f *Factory) error {
	if err := requireTerminal(); err != nil {
		return err
	}
	org, err := f.Org()
	if err != nil {
		return err
	}
	dirs, err := f.Dirs()
	if err != nil {
		return err
	}
	st, err := f.Store(store.Options{})
	if err != nil {
		return err
	}
	usage := &apiUsage{}
	syncNow := func(ctx context.Context, progress func(syncer.Progress)) error {
		c, err := f.Client(ctx)
		if err != nil {
			return err
		}
		usage.set(c)
		cfg := syncConfig(org.Sync)
		cfg.Progress = progress
		_, err = syncer.Run(ctx, c, st, cfg)
		return err
	}
	limits := func(ctx context.Context) (map[string]sfdc.Limit, error) {
		c, err := f.Client(ctx)
		if err != nil {
			return nil, err
		}
		usage.set(c)
		return c.OrgLimits(ctx)
	}
	return runApp(ctx, app{configDir: dirs.Config, debugDir: dirs.Cache, store: st, orgName: org.Alias, usage: usage, sync: syncNow, limits: limits})
}

// app is what the terminal app runs over.
type app struct {
	configDir string // keymap overrides; "" for the defaults
	debugDir  string // where DEBUG=1 logs; "" for the default cache dir
	store     *store.Store
	orgName   string
	usage     *apiUsage
	sync      func(context.Context, func(syncer.Progress)) error
	limits    func(context.Context) (map[string]sfdc.Limit, error) // GET /limits for ':limits'
}

// runApp runs the Bubble Tea program over the cache until the user quits
// or ctx ends (a signal: deferred cleanup still runs).
func runApp(ctx context.Context, a app) error {
	keys := keymap.Default()
	if a.configDir != "" {
		var err error
		if keys, err = keymap.LoadDefault(filepath.Join(a.configDir, keymap.ConfigFile)); err != nil {
			return err
		}
	}
	// Stdout belongs to the UI: with DEBUG set, log to a file instead.
	var logger *log.Logger
	if os.Getenv("DEBUG") != "" {
		f, err := openDebugLog(a.debugDir)
		if err != nil {
			return fmt.Errorf("debug log: %w", err)
		}
		defer f.Close()
		logger = log.New(f, "lazyforce ", log.LstdFlags)
	}
	data := ui.NewStoreData(a.store, ui.StoreDataOptions{OrgName: a.orgName, APIUsage: a.usage.get})
	m, err := ui.New(ui.Deps{Data: data, Sync: a.sync, SyncOnStart: true, Limits: a.limits, OpenURL: openBrowser, Keys: keys, Log: logger})
	if err != nil {
		return err
	}
	if _, err := tea.NewProgram(m, tea.WithContext(ctx)).Run(); err != nil {
		if ctx.Err() != nil {
			return errors.New("terminal app: stopped by a signal")
		}
		return fmt.Errorf("terminal app: %w", err)
	}
	return nil
}

// apiUsage hands the last client's Sforce-Limit-Info usage to the status
// bar; the client is set by the sync, read by the app.
type apiUsage struct {
	mu sync.Mutex
	c  *sfdc.Client
}

func (u *apiUsage) set(c *sfdc.Client) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.c = c
}

func (u *apiUsage) get() (used, limit int) {
	u.mu.Lock()
	c := u.c
	u.mu.Unlock()
	if c == nil {
		return 0, 0
	}
	l := c.Limits()
	if !l.Known {
		return 0, 0
	}
	return l.Used, l.Max
}

// openBrowser opens url with auth.DefaultOpener ($BROWSER, else the
// platform's opener); when none starts, the app copies the URL instead.
func openBrowser(url string) error {
	if err := auth.DefaultOpener(context.Background(), url); err != nil {
		return fmt.Errorf("%w: %w", ui.ErrNoBrowser, err)
	}
	return nil
}
