package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/auth"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// maxScale bounds --scale: the demo org is built in memory, and 200
// (about 300k opportunities and tasks) already takes gigabytes.
const maxScale = 200

// demoOptions are the flags of 'lazyforce demo'.
type demoOptions struct {
	serve string
	seed  int64
	scale int
	login bool
}

// validate checks the flags once, before anything is built.
func (o *demoOptions) validate() error {
	if o.scale < 1 || o.scale > maxScale {
		return usagef("demo: --scale must be between 1 and %d (the demo org is built in memory), got %d", maxScale, o.scale)
	}
	if o.serve != "" && o.login {
		return usagef("demo: --login opens the terminal app; it does not go with --serve")
	}
	if o.serve != "" {
		_, port, err := net.SplitHostPort(o.serve)
		if err != nil {
			return usagef("demo: --serve wants HOST:PORT, e.g. 127.0.0.1:0 (port 0 picks a free port), got %q", o.serve)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return usagef("demo: --serve wants a port number from 0 to 65535, got %q", port)
		}
	}
	return nil
}

func newCmdDemo(f *Factory) *cobra.Command {
	opts := &demoOptions{}
	cmd := command("demo", "Open lazyforce on a built-in demo org (or serve the demo org with --serve)", exactArgs(0), func(ctx context.Context, _ []string) error {
		if err := opts.validate(); err != nil {
			return err
		}
		if opts.serve != "" {
			return runDemoServe(ctx, opts, f.IO.Out)
		}
		return runDemoTUI(ctx, f, opts)
	})
	cmd.Flags().StringVar(&opts.serve, "serve", "", "only run the demo org's emulator on `ADDR` (port 0 picks a free port)")
	cmd.Flags().Int64Var(&opts.seed, "seed", 1, "seed for the demo org's data")
	cmd.Flags().BoolVar(&opts.login, "login", false, "log in to the demo org through the real browser login (PKCE) first")
	cmd.Flags().IntVar(&opts.scale, "scale", 1, fmt.Sprintf("multiply the demo org's size, 1 to %d (70 gives >100k opportunities+tasks)", maxScale))
	return cmd
}

// runDemoServe runs only the emulator until ctx ends (a signal): it prints
// one JSON line with the instance URL and tokens on stdout, then serves,
// then shuts down gracefully.
func runDemoServe(ctx context.Context, opts *demoOptions, stdout io.Writer) error {
	ln, err := net.Listen("tcp", opts.serve)
	if err != nil {
		return fmt.Errorf("demo --serve: listen on %s: %w", opts.serve, err)
	}
	// Building a large demo org allocates mostly long-lived data; a lazier
	// garbage collector while it loads roughly halves startup at --scale 70.
	oldGC := debug.SetGCPercent(400)
	srv := emulator.New(emulator.Options{Seed: opts.seed, Scale: opts.scale})
	debug.SetGCPercent(oldGC)
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 30 * time.Second}
	line, err := json.Marshal(struct {
		InstanceURL string `json:"instance_url"`
		AccessToken string `json:"access_token"`
		Username    string `json:"username"`
		AdminToken  string `json:"admin_token"`
	}{"http://" + ln.Addr().String(), srv.AccessToken(), srv.Username(), srv.AdminToken()})
	if err != nil {
		return fmt.Errorf("demo --serve: encode startup line: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return fmt.Errorf("demo --serve: write startup line: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("demo --serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("demo --serve: shutdown: %w", err)
	}
	return nil
}

// runDemoTUI opens the terminal app on the built-in demo org: the emulator
// runs in-process on loopback and the cache lives in a temporary directory.
func runDemoTUI(ctx context.Context, f *Factory, opts *demoOptions) error {
	if err := requireTerminal(); err != nil {
		return err
	}
	// Building the demo org can take a while: say so rather than leave a
	// blank terminal, but only when it does, and only to a person.
	stopNotice := func() {}
	if isTerminal(f.IO.ErrOut) {
		timer := time.NewTimer(startNoticeAfter)
		defer timer.Stop()
		stopNotice = startNotice(f.IO.ErrOut, timer.C)
	}
	defer stopNotice() // on an error before the app starts
	ts := emulator.Start(emulator.Options{Seed: opts.seed, Scale: opts.scale})
	defer ts.Close()
	tmp, err := os.MkdirTemp("", "lazyforce-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(tmp)
	st, err := store.Open(filepath.Join(tmp, "demo.db"), store.Options{Org: "demo"})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer st.Close()
	var tokens sfdc.TokenSource = sfdc.StaticToken(ts.AccessToken)
	if opts.login {
		if tokens, err = demoLogin(ctx, ts.URL, f.IO.ErrOut); err != nil {
			return fmt.Errorf("demo --login: %w", err)
		}
	}
	c, err := sfdc.NewClient(ctx, ts.URL, tokens, sfdc.Options{})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := storeIdentity(ctx, c, st); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	usage := &apiUsage{}
	usage.set(c)
	syncNow := func(ctx context.Context, progress func(syncer.Progress)) error {
		cfg := syncConfig(nil)
		cfg.Progress = progress
		return syncOrg(ctx, c, st, cfg)
	}
	configDir := ""
	if dirs, err := f.Dirs(); err == nil {
		configDir = dirs.Config
	}
	stopNotice()
	client := func(context.Context) (*sfdc.Client, error) { return c, nil }
	model, err := f.AskModel()
	if err != nil {
		return err
	}
	_, err = runApp(ctx, app{configDir: configDir, store: st, orgName: "demo", usage: usage, sync: syncNow, limits: c.OrgLimits, redact: f.Masker(), client: client, model: model})
	return err
}

// demoClientID is the consumer key the demo's login presents; the emulator
// accepts any.
const demoClientID = "lazyforce-demo"

// demoLogin runs the real browser login (PKCE) against the in-process demo
// org at instanceURL: the browser ($BROWSER honoured, else the URL printed)
// opens the emulator's authorize page, which approves at once and
// redirects to a loopback callback on a free port. The session renews
// itself with its refresh token and is stored nowhere.
func demoLogin(ctx context.Context, instanceURL string, errOut io.Writer) (sfdc.TokenSource, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the login callback: %w", err)
	}
	cfg := auth.Config{LoginURL: instanceURL, ClientID: demoClientID}
	tok, err := loginWeb(ctx, cfg, auth.WebOptions{Listener: ln}, errOut)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(errOut, "Logged in to the demo org as %s.\n", tok.Username)
	creds := &auth.Credentials{Method: auth.MethodWeb, LoginURL: cfg.LoginURL, ClientID: cfg.ClientID, Token: *tok}
	return auth.Source("demo", creds, auth.SourceOptions{}), nil
}

// startNoticeAfter is how long the demo may take to start before it says
// what it is doing.
const startNoticeAfter = 300 * time.Millisecond

// startNotice prints "starting the demo org…" on w when tick fires before
// the returned stop is called. stop returns once the line is written (or
// will never be), so nothing is printed after the app takes the screen.
func startNotice(w io.Writer, tick <-chan time.Time) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-tick:
			fmt.Fprintln(w, "starting the demo org…")
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		<-finished
	}
}
