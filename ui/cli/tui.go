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
	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/store/book/redact"
	"github.com/lazyforce/lazyforce/store/orgconfig"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/ui"
	"github.com/lazyforce/lazyforce/ui/theme"
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
// when a sync runs, so an offline start works. ':org ALIAS' ends the app
// asking for another org: it is reopened at once on that org's cache and
// client (a new factory), without touching the current org in the config.
func runTUI(ctx context.Context, f *Factory) error {
	if err := requireTerminal(); err != nil {
		return err
	}
	for {
		next, err := runTUIOrg(ctx, f)
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close cache: %w", cerr)
		}
		if err != nil || next == "" {
			return err
		}
		f = &Factory{IO: f.IO, OrgAlias: next}
	}
}

// runTUIOrg runs the terminal app on f's org and returns the org ':org'
// asked for, if any.
func runTUIOrg(ctx context.Context, f *Factory) (string, error) {
	org, err := f.Org()
	if err != nil {
		return "", err
	}
	dirs, err := f.Dirs()
	if err != nil {
		return "", err
	}
	aliases, err := f.Aliases()
	if err != nil {
		return "", err
	}
	st, err := f.Store(store.Options{})
	if err != nil {
		return "", err
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
		err = syncOrg(ctx, c, st, cfg)
		if sfdc.IsSessionExpired(err) {
			// After 'lazyforce login' in another terminal, r syncs again
			// with the new credentials.
			f.forgetClient(c)
		}
		return err
	}
	rebuildNow := func(ctx context.Context, progress func(syncer.Progress)) (string, error) {
		return rebuildCache(ctx, f, st, org, usage, progress)
	}
	limits := func(ctx context.Context) (map[string]sfdc.Limit, error) {
		c, err := f.Client(ctx)
		if err != nil {
			return nil, err
		}
		usage.set(c)
		return c.OrgLimits(ctx)
	}
	live := func(ctx context.Context) (*sfdc.Client, error) {
		c, err := f.Client(ctx)
		if err == nil {
			usage.set(c)
		}
		return c, err
	}
	model, err := f.AskModel()
	if err != nil {
		return "", err
	}
	return runApp(ctx, app{configDir: dirs.Config, debugDir: dirs.Cache, store: st, orgName: org.Alias, usage: usage, sync: syncNow, limits: limits, rebuild: rebuildNow, orgs: aliases, redact: f.Masker(), client: live, model: model})
}

// syncOrg is the app's sync: it takes the sync's turn (a write pushed
// from the app meanwhile waits), then the outbox goes first, then the pull
// (writes still unsent are shown again over the pulled records), then the
// writes queued in the app while the pull held the turn (no call when
// there are none).
func syncOrg(ctx context.Context, c *sfdc.Client, st *store.Store, cfg syncer.Config) error {
	unlock, err := st.LockSync(ctx, nil)
	if err != nil {
		return err
	}
	defer unlock()
	if _, _, err := syncer.Sync(ctx, c, st, cfg, syncer.PushOptions{}); err != nil {
		return err
	}
	if _, err := syncer.Push(ctx, c, st, syncer.PushOptions{}); err != nil {
		return fmt.Errorf("push the writes queued during the sync: %w", err)
	}
	return nil
}

// rebuildCache is R on a damaged cache's error in the app: what 'sync
// --full --rebuild' does, on the app's own Store st, which reads the new
// file from its next transaction on. It returns the line the status bar
// shows: where the damaged file went.
func rebuildCache(ctx context.Context, f *Factory, st *store.Store, org orgconfig.Org, usage *apiUsage, progress func(syncer.Progress)) (string, error) {
	c, err := f.Client(ctx) // offline: fail before anything is moved
	if err != nil {
		return "", err
	}
	usage.set(c)
	unlock, err := st.LockSync(ctx, nil)
	if err != nil {
		return "", err
	}
	defer unlock()
	fresh, err := store.Open(st.Path(), store.Options{Org: org.Alias, Rebuild: true})
	if err != nil {
		return "", err
	}
	aside, outboxLost := fresh.Rebuilt()
	if err := fresh.Close(); err != nil {
		return "", fmt.Errorf("close the rebuilt cache: %w", err)
	}
	if err := st.Reset(); err != nil {
		return "", err
	}
	if _, ok, err := st.Identity(); err == nil && !ok {
		if err := storeIdentity(ctx, c, st); err != nil {
			return "", err
		}
	}
	cfg := syncConfig(org.Sync)
	cfg.Full, cfg.Progress = true, progress
	if _, err := syncer.Run(ctx, c, st, cfg); err != nil {
		return "", err
	}
	note := "cache rebuilt from Salesforce"
	if aside != "" {
		note = "cache rebuilt; the damaged file is " + aside
	}
	if outboxLost {
		note += " (its pending writes could not be read back: they never reached the org)"
	}
	return note, nil
}

// app is what the terminal app runs over.
type app struct {
	configDir string // keymap overrides; "" for the defaults
	debugDir  string // where DEBUG=1 logs; "" for the default cache dir
	store     *store.Store
	orgName   string
	usage     *apiUsage
	sync      func(context.Context, func(syncer.Progress)) error
	orgs      []string                                             // the configured aliases, for ':org'; nil disables it
	limits    func(context.Context) (map[string]sfdc.Limit, error) // GET /limits for ':limits'
	redact    *redact.Masker
	client    func(context.Context) (*sfdc.Client, error)                  // the org: find's live search, the Ask pane's live mode, pushing writes; nil: none
	rebuild   func(context.Context, func(syncer.Progress)) (string, error) // nil: no R on a damaged cache
	model     ask.Model                                                    // the Ask engine's optional model; nil: none
}

// liveQuery runs SOQL on the org (all pages) for the Ask pane's live mode.
func (a app) liveQuery() func(context.Context, string) ([]*soql.Row, int, error) {
	if a.client == nil {
		return nil
	}
	return func(ctx context.Context, q string) ([]*soql.Row, int, error) {
		c, err := a.client(ctx)
		if err != nil {
			return nil, 0, err
		}
		return queryOrg(ctx, c, q)
	}
}

// runApp runs the Bubble Tea program over the cache until the user quits
// or ctx ends (a signal: deferred cleanup still runs). It returns the org
// ':org ALIAS' asked for, if the app ended that way.
func runApp(ctx context.Context, a app) (string, error) {
	keys := keymap.Default()
	if a.configDir != "" {
		var err error
		if keys, err = keymap.LoadDefault(filepath.Join(a.configDir, keymap.ConfigFile)); err != nil {
			return "", err
		}
	}
	// Stdout belongs to the UI: with DEBUG set, log to a file instead.
	var logger *log.Logger
	if os.Getenv("DEBUG") != "" {
		f, err := openDebugLog(a.debugDir)
		if err != nil {
			return "", fmt.Errorf("debug log: %w", err)
		}
		defer f.Close()
		logger = log.New(f, "lazyforce ", log.LstdFlags)
	}
	mode := theme.Auto
	if a.configDir != "" {
		cfg, err := orgconfig.Dirs{Config: a.configDir}.Load()
		if err != nil {
			return "", err
		}
		if mode, err = theme.ParseMode(cfg.Theme); err != nil {
			return "", fmt.Errorf("config: %w", err)
		}
	}
	data := ui.NewStoreData(a.store, ui.StoreDataOptions{OrgName: a.orgName, APIUsage: a.usage.get})
	// Writes queue in the cache's outbox and are pushed at once when the
	// org is reachable.
	writer := ui.NewStoreWriter(a.store, ui.StoreWriterOptions{Client: a.client})
	// Dark until the terminal reports its background: a terminal that
	// cannot say is most likely dark.
	asker := ui.NewStoreAsk(a.store, ui.StoreAskOptions{Live: a.liveQuery(), Model: a.model, Redact: a.redact})
	m, err := ui.New(ui.Deps{Data: data, Ask: asker, Sync: a.sync, Rebuild: a.rebuild, SyncOnStart: true, Limits: a.limits, Writer: writer, OpenURL: openBrowser, Keys: keys, Log: logger, Org: a.orgName, Orgs: a.orgs, Dark: mode.IsDark(), Redact: a.redact,
		SearchOrg: a.searchOrg(), Fetch: a.fetch(), Tasks: ui.NewStoreTasks(a.store, a.client),
		Editor: ui.NewStoreEditor(a.store, a.client)})
	if err != nil {
		return "", err
	}
	m.SetThemeMode(mode) // Auto: Init asks the terminal
	if _, err := tea.NewProgram(m, tea.WithContext(ctx)).Run(); err != nil {
		if ctx.Err() != nil {
			return "", errors.New("terminal app: stopped by a signal")
		}
		return "", fmt.Errorf("terminal app: %w", err)
	}
	return m.SwitchOrg(), nil
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
