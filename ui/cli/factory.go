package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/auth"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/store/book/redact"
	"github.com/lazyforce/lazyforce/store/orgconfig"
)

// IOStreams are where a command reads and writes (gh's iostreams, small).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Factory hands commands what they need, resolved lazily and once: the
// directories, the config, the org (--org or the current one), its client
// and its cache. It is gh's cmdutil.Factory in small; a command takes only
// what it uses, so 'login' never needs an org and 'query' never needs a
// client unless --live.
type Factory struct {
	IO IOStreams
	// OrgAlias is the --org flag: "" means the config's current org.
	OrgAlias string
	// Redact is the --redact flag: personal data is masked in every
	// output (see Masker).
	Redact bool
	masker *redact.Masker

	mu     sync.Mutex // the app's sync goroutine resolves too
	dirs   result[orgconfig.Dirs]
	config result[*orgconfig.Config]
	org    result[orgconfig.Org]
	store  result[*store.Store]

	clientMu sync.Mutex // held while the client is built (a request)
	client   *sfdc.Client
}

// result memoizes one resolution, its error included.
type result[T any] struct {
	done bool
	v    T
	err  error
}

func (r *result[T]) get(resolve func() (T, error)) (T, error) {
	if !r.done {
		r.v, r.err = resolve()
		r.done = true
	}
	return r.v, r.err
}

// NewFactory returns a factory over the given streams.
func NewFactory(io IOStreams) *Factory {
	return &Factory{IO: io}
}

// Dirs are the config and cache directories (LAZYFORCE_HOME or XDG).
func (f *Factory) Dirs() (orgconfig.Dirs, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dirsLocked()
}

func (f *Factory) dirsLocked() (orgconfig.Dirs, error) {
	return f.dirs.get(orgconfig.DefaultDirs)
}

// Config is the config file's content (empty when there is none yet).
func (f *Factory) Config() (*orgconfig.Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.configLocked()
}

func (f *Factory) configLocked() (*orgconfig.Config, error) {
	return f.config.get(func() (*orgconfig.Config, error) {
		dirs, err := f.dirsLocked()
		if err != nil {
			return nil, err
		}
		return dirs.Load()
	})
}

// Org is the org the command works on: --org, else the current one. An
// alias that could not name an org is a usage error that says so (rather
// than suggesting a login under a name that cannot exist).
// AskModel returns the Ask engine's optional model: from config.json's
// "ask_model", overridden by LAZYFORCE_ASK_MODEL_URL (with
// LAZYFORCE_ASK_MODEL and LAZYFORCE_ASK_MODEL_KEY); nil when neither is
// set, so nothing leaves the machine unless configured.
func (f *Factory) AskModel() (ask.Model, error) {
	if url := os.Getenv("LAZYFORCE_ASK_MODEL_URL"); url != "" {
		return &ask.OpenAIModel{URL: url, Model: os.Getenv("LAZYFORCE_ASK_MODEL"), APIKey: os.Getenv("LAZYFORCE_ASK_MODEL_KEY")}, nil
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	m := cfg.AskModel
	if m == nil {
		return nil, nil
	}
	if m.URL == "" {
		return nil, errors.New(`config.json: "ask_model" needs a "url"`)
	}
	key := ""
	if m.APIKeyEnv != "" {
		key = os.Getenv(m.APIKeyEnv)
	}
	return &ask.OpenAIModel{URL: m.URL, Model: m.Model, APIKey: key}, nil
}

func (f *Factory) Org() (orgconfig.Org, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.orgLocked()
}

func (f *Factory) orgLocked() (orgconfig.Org, error) {
	return f.org.get(func() (orgconfig.Org, error) {
		if f.OrgAlias != "" {
			if err := orgconfig.ValidAlias(f.OrgAlias); err != nil {
				return orgconfig.Org{}, UsageError{fmt.Errorf("--org: %w", err)}
			}
		}
		cfg, err := f.configLocked()
		if err != nil {
			return orgconfig.Org{}, err
		}
		return cfg.Resolve(f.OrgAlias)
	})
}

// Client is a Salesforce client for the org, with its stored credentials:
// an expired access token is renewed the way the org was logged in to (the
// refresh token, or the Salesforce CLI), and the renewed one is stored.
// Building it asks the org for its API versions, so only a success is
// kept: after a failure (offline) the next call tries again.
func (f *Factory) Client(ctx context.Context) (*sfdc.Client, error) {
	f.clientMu.Lock()
	defer f.clientMu.Unlock()
	if f.client != nil {
		return f.client, nil
	}
	org, err := f.Org()
	if err != nil {
		return nil, err
	}
	creds, err := f.loadCredentials(org.Alias)
	if err != nil {
		return nil, err
	}
	cs, err := f.Credentials()
	if err != nil {
		return nil, err
	}
	src := auth.Source(org.Alias, creds, auth.SourceOptions{Store: cs, SF: sfCLI()})
	c, err := sfdc.NewClient(ctx, org.InstanceURL, src, sfdc.Options{})
	if err != nil {
		return nil, err
	}
	f.client = c
	return c, nil
}

// forgetClient drops c, the client built earlier, after its session
// could not be renewed: the next Client call reads the credentials again,
// so a login in another terminal is picked up without restarting.
func (f *Factory) forgetClient(c *sfdc.Client) {
	f.clientMu.Lock()
	defer f.clientMu.Unlock()
	if f.client == c {
		f.client = nil
	}
}

// loadCredentials reads alias's stored credentials. An org logged in to
// before the credential store existed has only a bare access token file:
// it is served as a pasted token.
func (f *Factory) loadCredentials(alias string) (*auth.Credentials, error) {
	cs, err := f.Credentials()
	if err != nil {
		return nil, err
	}
	creds, err := cs.Load(alias)
	if !errors.Is(err, auth.ErrNoCredentials) {
		return creds, err
	}
	dirs, derr := f.Dirs()
	if derr != nil {
		return nil, derr
	}
	tok, lerr := dirs.LoadToken(alias)
	if lerr != nil {
		return nil, err // the store's error says how to log in
	}
	org, oerr := f.Org()
	if oerr != nil {
		return nil, oerr
	}
	return &auth.Credentials{Method: auth.MethodAccessToken, Token: auth.Token{AccessToken: tok, InstanceURL: org.InstanceURL}}, nil
}

// keyringEnv switches the OS keychain off ("off"): credentials then live
// in files only the user can read. Tests set it so they never touch the
// keychain of the machine they run on.
const keyringEnv = "LAZYFORCE_KEYRING"

// sfEnv names the Salesforce CLI executable ("" means sf on PATH).
const sfEnv = "LAZYFORCE_SF"

// sfCLI is the Salesforce CLI that imported orgs ask for tokens.
func sfCLI() auth.SFCLI { return auth.SFCLI{Path: os.Getenv(sfEnv)} }

// Credentials is the credential store: <config dir>/credentials, with the
// tokens in the OS keychain when one works (unless LAZYFORCE_KEYRING=off).
func (f *Factory) Credentials() (*auth.Store, error) {
	dirs, err := f.Dirs()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(dirs.Config, "credentials")
	if os.Getenv(keyringEnv) == "off" {
		return auth.NewStoreWithKeyring(dir, nil), nil
	}
	return auth.NewStore(dir), nil
}

// Store opens the org's cache with opts (Org is filled in) on the first
// call; later calls return the same store whatever their opts. The
// factory closes it (Close).
func (f *Factory) Store(opts store.Options) (*store.Store, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.store.get(func() (*store.Store, error) {
		org, err := f.orgLocked()
		if err != nil {
			return nil, err
		}
		return f.openStoreLocked(org.Alias, opts)
	})
}

// OpenStore opens the cache of alias, which need not be configured yet
// (login fills it); the caller closes it.
func (f *Factory) OpenStore(alias string, opts store.Options) (*store.Store, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.openStoreLocked(alias, opts)
}

func (f *Factory) openStoreLocked(alias string, opts store.Options) (*store.Store, error) {
	dirs, err := f.dirsLocked()
	if err != nil {
		return nil, err
	}
	opts.Org = alias
	return store.Open(dirs.CachePath(alias), opts)
}

// Aliases are the configured orgs' aliases, sorted (for completion).
func (f *Factory) Aliases() ([]string, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	aliases := make([]string, 0, len(cfg.Orgs))
	for a := range cfg.Orgs {
		aliases = append(aliases, a)
	}
	sort.Strings(aliases)
	return aliases, nil
}

// Close closes what the factory opened (the store).
func (f *Factory) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.store.done && f.store.v != nil {
		err := f.store.v.Close()
		f.store = result[*store.Store]{}
		return err
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && termIsTerminal(f.Fd())
}

// errNoTerminal is requireTerminal's answer off a terminal.
var errNoTerminal = errors.New("the terminal app needs a terminal; in scripts use 'lazyforce query', 'lazyforce sync' or 'lazyforce demo --serve ADDR'")
