// Command lazyforce is a keyboard-driven terminal client for Salesforce.
//
// This file owns the command line (see DESIGN.md, "Command line"): flags,
// wiring and exit codes. Each command's work lives in a package; the
// functions here only parse, wire and print.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/orgconfig"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/ui"
	"github.com/lazyforce/lazyforce/views"
	"github.com/spf13/cobra"
)

// Exit codes are part of the command-line contract.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError marks errors caused by bad command-line input (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// globalOptions are the flags every command accepts.
type globalOptions struct {
	org string
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "lazyforce: %s\n", describeError(err))
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	opts := &globalOptions{}
	root := &cobra.Command{
		Use:           "lazyforce",
		Short:         "A keyboard-driven terminal client for Salesforce",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown command %q (see 'lazyforce --help')", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(cmd.Context(), opts)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&opts.org, "org", "", "org alias to use (default: the current org)")
	// Flag parsing errors are usage errors (exit status 2).
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())}
	})

	root.AddCommand(
		newDemoCommand(opts, stdout, stderr),
		newLoginCommand(opts, stdout),
		newSyncCommand(opts, stdout, stderr),
		newQueryCommand(opts, stdout),
	)
	return root
}

// version is the module version and VCS revision this binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}

// exactArgs is cobra.ExactArgs reporting a usage error that names the
// command and its usage line.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		if n == 0 {
			return usageError{fmt.Errorf("'%s' takes no arguments, got %q (see '%s --help')", cmd.CommandPath(), args[0], cmd.CommandPath())}
		}
		return usageError{fmt.Errorf("'%s' takes %d argument(s), got %d: usage: %s (see '%s --help')", cmd.CommandPath(), n, len(args), cmd.UseLine(), cmd.CommandPath())}
	}
}

// demoOptions are the flags of 'lazyforce demo'.
type demoOptions struct {
	serve string
	seed  int64
	scale int
}

func newDemoCommand(opts *globalOptions, stdout, stderr io.Writer) *cobra.Command {
	demo := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Open lazyforce on a built-in demo org (or serve the demo org with --serve)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if demo.serve != "" {
				return runDemoServe(cmd, demo, stdout)
			}
			return runDemoTUI(cmd.Context(), demo)
		},
	}
	cmd.Flags().StringVar(&demo.serve, "serve", "", "only run the demo org's emulator on `ADDR` (port 0 picks a free port)")
	cmd.Flags().Int64Var(&demo.seed, "seed", 1, "seed for the demo org's data")
	cmd.Flags().IntVar(&demo.scale, "scale", 1, "multiply the demo org's size (70 gives >100k opportunities+tasks)")
	return cmd
}

// runDemoServe runs only the emulator until interrupted: it prints one JSON
// line with the instance URL and tokens on stdout, then serves until
// SIGINT/SIGTERM and shuts down gracefully.
func runDemoServe(cmd *cobra.Command, demo *demoOptions, stdout io.Writer) error {
	if demo.scale < 1 {
		return usageError{fmt.Errorf("--scale must be at least 1, got %d", demo.scale)}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", demo.serve)
	if err != nil {
		return fmt.Errorf("demo --serve: listen on %s: %w", demo.serve, err)
	}
	// Building a large demo org allocates mostly long-lived data; a lazier
	// garbage collector while it loads roughly halves startup at --scale 70.
	oldGC := debug.SetGCPercent(400)
	srv := emulator.New(emulator.Options{Seed: demo.seed, Scale: demo.scale})
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

// loginOptions are the flags of 'lazyforce login'.
type loginOptions struct {
	instanceURL, accessToken, alias string
	web, device, sandbox            bool
	fromSF, domain                  string
}

func newLoginCommand(opts *globalOptions, stdout io.Writer) *cobra.Command {
	lo := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Add an org: --instance-url URL --access-token TOKEN [--alias NAME]",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := lo.resolveToken(cmd.InOrStdin()); err != nil {
				return err
			}
			switch {
			case lo.web, lo.device, lo.fromSF != "", lo.sandbox, lo.domain != "":
				return errors.New("login: --web, --device, --from-sf, --sandbox and --domain are not available yet; use --instance-url URL --access-token TOKEN")
			case lo.accessToken == "" && lo.instanceURL == "":
				return errors.New("login: browser login (--web) is not available yet; use --instance-url URL --access-token TOKEN")
			case lo.accessToken == "" || lo.instanceURL == "":
				return usageError{errors.New("login: --instance-url and --access-token go together")}
			}
			alias := lo.alias
			if alias == "" {
				alias = opts.org
			}
			return runLogin(cmd.Context(), lo, alias, stdout)
		},
	}
	f := cmd.Flags()
	f.StringVar(&lo.instanceURL, "instance-url", "", "the org's `URL`, e.g. https://acme.my.salesforce.com")
	f.StringVar(&lo.accessToken, "access-token", "", "an access `TOKEN` for the org; - reads it from stdin (default: $SF_ACCESS_TOKEN)")
	f.StringVar(&lo.alias, "alias", "", "`NAME` for the org (default: from the username)")
	f.BoolVar(&lo.web, "web", false, "log in in the browser (not available yet)")
	f.BoolVar(&lo.device, "device", false, "log in with a device code (not available yet)")
	f.StringVar(&lo.fromSF, "from-sf", "", "import an org from the Salesforce CLI (not available yet)")
	f.BoolVar(&lo.sandbox, "sandbox", false, "log in to a sandbox (not available yet)")
	f.StringVar(&lo.domain, "domain", "", "My Domain to log in to (not available yet)")
	return cmd
}

// resolveToken reads the access token from stdin when it is "-", or from
// SF_ACCESS_TOKEN (as the Salesforce CLI does) when the flag is absent, so
// it need not show up in shell history or the process list.
func (lo *loginOptions) resolveToken(stdin io.Reader) error {
	switch lo.accessToken {
	case "-":
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return usageError{errors.New("login: --access-token - expects the token on stdin")}
		}
		lo.accessToken = strings.TrimSpace(line)
	case "":
		if lo.instanceURL != "" {
			lo.accessToken = os.Getenv("SF_ACCESS_TOKEN")
		}
	}
	return nil
}

// runLogin checks the token (userinfo), then stores the org, its token and
// its identity.
func runLogin(ctx context.Context, lo *loginOptions, alias string, stdout io.Writer) error {
	c, err := sfdc.NewClient(ctx, lo.instanceURL, sfdc.StaticToken(lo.accessToken), sfdc.Options{})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	ident, err := syncer.ReadIdentity(ctx, c)
	if sfdc.IsSessionExpired(err) {
		return fmt.Errorf("login: the org rejected the access token (expired or invalid); get a new one, e.g. with 'sf org display --verbose'")
	}
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if alias == "" {
		alias = aliasFromUsername(ident.Username)
	}
	if err := orgconfig.ValidAlias(alias); err != nil {
		return usageError{err}
	}
	dirs, err := orgconfig.DefaultDirs()
	if err != nil {
		return err
	}
	cfg, err := dirs.Load()
	if err != nil {
		return err
	}
	if err := dirs.SaveToken(alias, lo.accessToken); err != nil {
		return err
	}
	org := cfg.Orgs[alias]
	org.Alias, org.InstanceURL, org.Username, org.UserID, org.OrgID = alias, c.InstanceURL(), ident.Username, ident.UserID, ident.OrgID
	cfg.Orgs[alias], cfg.Current = org, alias
	if err := dirs.Save(cfg); err != nil {
		return err
	}
	st, err := store.Open(dirs.CachePath(alias), store.Options{Org: alias})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetIdentity(ident); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Logged in to %s as %s (org %s, alias %s)\n", c.InstanceURL(), ident.Username, ident.OrgID, alias)
	return nil
}

// aliasFromUsername turns "rep@acme.example" into "rep-acme.example".
func aliasFromUsername(username string) string {
	alias := strings.Map(func(r rune) rune {
		if r < 128 && (r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '-'
	}, username)
	alias = strings.TrimLeft(alias, ".-_")
	if len(alias) > 64 {
		alias = alias[:64]
	}
	if alias == "" {
		return "default"
	}
	return alias
}

// orgSession is a resolved org: its config, cache path and credentials.
type orgSession struct {
	dirs orgconfig.Dirs
	org  orgconfig.Org
}

func resolveOrg(opts *globalOptions) (*orgSession, error) {
	dirs, err := orgconfig.DefaultDirs()
	if err != nil {
		return nil, err
	}
	cfg, err := dirs.Load()
	if err != nil {
		return nil, err
	}
	org, err := cfg.Resolve(opts.org)
	if err != nil {
		return nil, err
	}
	return &orgSession{dirs: dirs, org: org}, nil
}

func (o *orgSession) client(ctx context.Context) (*sfdc.Client, error) {
	tok, err := o.dirs.LoadToken(o.org.Alias)
	if err != nil {
		return nil, err
	}
	return sfdc.NewClient(ctx, o.org.InstanceURL, sfdc.StaticToken(tok), sfdc.Options{})
}

// syncOptions are the flags of 'lazyforce sync'.
type syncOptions struct {
	full, rebuild, json bool
}

func newSyncCommand(opts *globalOptions, stdout, stderr io.Writer) *cobra.Command {
	so := &syncOptions{}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Pull the org's changes into the local cache",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSync(cmd.Context(), opts, so, stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&so.full, "full", false, "fetch everything again instead of only what changed")
	cmd.Flags().BoolVar(&so.rebuild, "rebuild", false, "with --full: start from an empty cache (a damaged cache file is moved aside)")
	cmd.Flags().BoolVar(&so.json, "json", false, "print the summary as JSON")
	return cmd
}

func runSync(ctx context.Context, opts *globalOptions, so *syncOptions, stdout, stderr io.Writer) error {
	if so.rebuild && !so.full {
		return usageError{errors.New("sync: --rebuild needs --full")}
	}
	o, err := resolveOrg(opts)
	if err != nil {
		return err
	}
	c, err := o.client(ctx)
	if err != nil {
		return err
	}
	// A second sync waits for the first instead of interleaving with it.
	unlock, err := store.LockSync(ctx, o.dirs.CachePath(o.org.Alias), func() {
		fmt.Fprintf(stderr, "waiting for the other sync of org %s to finish\n", o.org.Alias)
	})
	if err != nil {
		return err
	}
	defer unlock()
	st, err := store.Open(o.dirs.CachePath(o.org.Alias), store.Options{Org: o.org.Alias, Rebuild: so.rebuild})
	if err != nil {
		return err
	}
	defer st.Close()
	if aside, outboxLost := st.Rebuilt(); aside != "" {
		fmt.Fprintf(stderr, "the damaged cache was moved to %s; syncing afresh\n", aside)
		if outboxLost {
			fmt.Fprintln(stderr, "its outbox of pending writes could not be read back: those writes never reached the org")
		}
	}
	if so.rebuild {
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
	cfg := syncConfig(o.org.Sync)
	cfg.Full = so.full
	if isTerminal(stderr) {
		cfg.Progress = func(p syncer.Progress) { printProgress(stderr, p) }
	}
	res, err := syncer.Run(ctx, c, st, cfg)
	if cfg.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if !so.json {
		fmt.Fprint(stdout, res.String())
		return nil
	}
	out := struct {
		Objects    map[string]*syncer.ObjectResult `json:"objects"`
		Pushed     int                             `json:"pushed"`
		APICalls   int64                           `json:"api_calls"`
		DurationMS int64                           `json:"duration_ms"`
	}{res.Objects, 0, res.APICalls, res.Duration.Milliseconds()}
	return json.NewEncoder(stdout).Encode(out)
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

func printProgress(w io.Writer, p syncer.Progress) {
	object := views.Sanitize(p.Object)
	switch p.Phase {
	case syncer.PhaseFetch:
		fmt.Fprintf(w, "\r\033[K%s %s %d/%d records, %d pages", progressBar(p.Records, p.Total, 24), object, p.Records, p.Total, p.Pages)
	case syncer.PhaseSkipped:
		fmt.Fprintf(w, "\r\033[K%s skipped: %s\n", object, views.Sanitize(p.Note))
	default:
		fmt.Fprintf(w, "\r\033[K%s: %s", object, p.Phase)
	}
}

// progressBar draws done/total as a bar of width cells with a percentage;
// with an unknown total it shows an empty bar.
func progressBar(done, total, width int) string {
	filled, pct := 0, 0
	if total > 0 {
		done = min(done, total)
		filled, pct = done*width/total, done*100/total
	}
	return fmt.Sprintf("[%s%s] %3d%%", strings.Repeat("█", filled), strings.Repeat("░", width-filled), pct)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// queryOptions are the flags of 'lazyforce query'.
type queryOptions struct {
	json, live bool
}

func newQueryCommand(opts *globalOptions, stdout io.Writer) *cobra.Command {
	qo := &queryOptions{}
	cmd := &cobra.Command{
		Use:   "query SOQL",
		Short: "Run SOQL on the local cache (or on the org with --live)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rows, total, err := runQuery(cmd.Context(), opts, qo, args[0])
			if err != nil {
				return fmt.Errorf("query: %w", err)
			}
			if qo.json {
				return json.NewEncoder(stdout).Encode(struct {
					TotalSize int         `json:"totalSize"`
					Done      bool        `json:"done"`
					Records   []*soql.Row `json:"records"`
				}{total, true, rows})
			}
			return printTable(stdout, rows, total)
		},
	}
	cmd.Flags().BoolVar(&qo.json, "json", false, "print Salesforce's query response JSON {totalSize, done, records}")
	cmd.Flags().BoolVar(&qo.live, "live", false, "send the query to the org instead of the cache")
	return cmd
}

func runQuery(ctx context.Context, opts *globalOptions, qo *queryOptions, text string) ([]*soql.Row, int, error) {
	o, err := resolveOrg(opts)
	if err != nil {
		return nil, 0, err
	}
	if qo.live {
		c, err := o.client(ctx)
		if err != nil {
			return nil, 0, err
		}
		res, err := c.Query(ctx, text)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]*soql.Row, len(res.Records))
		for i, r := range res.Records {
			rows[i] = recordRow(r)
		}
		return rows, res.TotalSize, nil
	}
	st, err := store.Open(o.dirs.CachePath(o.org.Alias), store.Options{Org: o.org.Alias, ReadOnly: true, Populate: true})
	if err != nil {
		return nil, 0, err
	}
	defer st.Close()
	if last, err := st.LastSync(); err == nil && last.IsZero() {
		return nil, 0, fmt.Errorf("the cache of org %s is empty: run 'lazyforce sync' first (or add --live to ask the org)", o.org.Alias)
	}
	res, err := st.Query(ctx, text, store.QueryOptions{})
	if err != nil {
		return nil, 0, err
	}
	return res.Records, res.TotalSize, nil
}

// recordRow converts a live record to the soql.Row shape the printers use.
func recordRow(r *sfdc.Record) *soql.Row {
	attrs := &soql.Row{Keys: []string{"type"}, Values: []any{r.Attributes.Type}}
	if r.Attributes.URL != "" { // AggregateResult rows have no url
		attrs.Keys, attrs.Values = append(attrs.Keys, "url"), append(attrs.Values, r.Attributes.URL)
	}
	row := &soql.Row{Keys: []string{"attributes"}, Values: []any{attrs}}
	for _, name := range r.Fields() {
		v, _ := r.Get(name)
		switch x := v.(type) {
		case *sfdc.Record:
			v = recordRow(x)
		case *sfdc.QueryResult:
			cs := &soql.ChildSet{TotalSize: x.TotalSize, Done: x.Done}
			for _, c := range x.Records {
				cs.Records = append(cs.Records, recordRow(c))
			}
			v = cs
		case json.Number:
			v, _ = x.Float64()
		}
		row.Keys, row.Values = append(row.Keys, name), append(row.Values, v)
	}
	return row
}

// printTable prints rows as an aligned table; parent fields are flattened
// ("Owner.Name"), child sets shown as a count, text sanitized.
func printTable(w io.Writer, rows []*soql.Row, total int) error {
	var cols []string
	seen := map[string]bool{}
	flat := make([]map[string]string, len(rows))
	for i, r := range rows {
		flat[i] = map[string]string{}
		flattenRow(r, "", flat[i], func(col string) {
			if !seen[col] {
				seen[col] = true
				cols = append(cols, col)
			}
		})
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(cols) > 0 {
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	for _, f := range flat {
		cells := make([]string, len(cols))
		for j, c := range cols {
			cells[j] = f[c]
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 && total > 0 {
		// COUNT() alone: Salesforce answers with totalSize and no rows.
		_, err := fmt.Fprintf(w, "%d record%s counted\n", total, plural(total))
		return err
	}
	_, err := fmt.Fprintf(w, "(%d row%s)\n", total, plural(total))
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func flattenRow(r *soql.Row, prefix string, out map[string]string, col func(string)) {
	for i, k := range r.Keys {
		if k == "attributes" {
			continue
		}
		name := prefix + k
		switch v := r.Values[i].(type) {
		case *soql.Row:
			flattenRow(v, name+".", out, col)
			continue
		case *soql.ChildSet:
			out[name] = fmt.Sprintf("[%d rows]", v.TotalSize)
		case nil:
			out[name] = ""
		case float64:
			out[name] = strconv.FormatFloat(v, 'f', -1, 64)
		case string:
			out[name] = truncateCell(views.Sanitize(v))
		default:
			out[name] = truncateCell(views.Sanitize(fmt.Sprint(v)))
		}
		col(name)
	}
}

func truncateCell(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// oneLine reduces an error to one line: Salesforce's multi-line query
// errors ("\nSOQL\n   ^\nERROR at Row:1:Column:8\nNo such column…") keep
// their position and reason.
func oneLine(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "ERROR at Row"); i >= 0 {
		// Keep what precedes the echoed statement (the error code) and
		// what follows the caret line.
		head := msg[:i]
		if nl := strings.IndexByte(msg, '\n'); nl >= 0 && nl < i {
			head = msg[:nl]
		}
		msg = head + " " + msg[i:]
	}
	return views.Sanitize(strings.Join(strings.Fields(msg), " "))
}

// describeError turns any error into the one clear line the command line
// contract promises: Salesforce's multi-line messages are folded, text from
// the org is sanitized, and an unreachable org is called that.
func describeError(err error) string {
	msg := oneLine(err)
	// Only HTTP transport failures (always a *url.Error) mean the org is
	// unreachable; IsNetworkError alone also matches other IO errors.
	var ue *url.Error
	if errors.As(err, &ue) && sfdc.IsNetworkError(err) {
		return "cannot reach the org (offline or wrong URL?); commands that read the cache still work: " + msg
	}
	return msg
}

// requireTerminal fails early, before any org or cache is opened, when the
// terminal app would have no terminal to draw on.
func requireTerminal() error {
	if !isTerminal(os.Stdout) || !isTerminal(os.Stdin) {
		return errors.New("the terminal app needs a terminal; in scripts use 'lazyforce query', 'lazyforce sync' or 'lazyforce demo --serve ADDR'")
	}
	return nil
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

// runTUI opens the terminal app on the current org. It starts from the cache
// (no network needed) and syncs in the background; the client is only
// built when a sync runs, so an offline start works.
func runTUI(ctx context.Context, opts *globalOptions) error {
	if err := requireTerminal(); err != nil {
		return err
	}
	o, err := resolveOrg(opts)
	if err != nil {
		return err
	}
	st, err := store.Open(o.dirs.CachePath(o.org.Alias), store.Options{Org: o.org.Alias})
	if err != nil {
		return err
	}
	defer st.Close()
	usage := &apiUsage{}
	syncNow := func(ctx context.Context, progress func(syncer.Progress)) error {
		c, err := o.client(ctx)
		if err != nil {
			return err
		}
		usage.set(c)
		unlock, err := st.LockSync(ctx, nil)
		if err != nil {
			return err
		}
		defer unlock()
		cfg := syncConfig(o.org.Sync)
		cfg.Progress = progress
		_, err = syncer.Run(ctx, c, st, cfg)
		return err
	}
	return runApp(ctx, o.dirs.Config, st, o.org.Alias, usage, syncNow)
}

// runDemoTUI opens the terminal app on the built-in demo org: the emulator
// runs in-process on loopback and the cache lives in a temporary directory.
func runDemoTUI(ctx context.Context, demo *demoOptions) error {
	if demo.scale < 1 {
		return usageError{fmt.Errorf("--scale must be at least 1, got %d", demo.scale)}
	}
	if err := requireTerminal(); err != nil {
		return err
	}
	ts := emulator.Start(emulator.Options{Seed: demo.seed, Scale: demo.scale})
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
	c, err := sfdc.NewClient(ctx, ts.URL, sfdc.StaticToken(ts.AccessToken), sfdc.Options{})
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
		_, err := syncer.Run(ctx, c, st, cfg)
		return err
	}
	configDir := ""
	if dirs, err := orgconfig.DefaultDirs(); err == nil {
		configDir = dirs.Config
	}
	return runApp(ctx, configDir, st, "demo", usage, syncNow)
}

// runApp runs the Bubble Tea program over the cache until the user quits.
func runApp(ctx context.Context, configDir string, st *store.Store, orgName string, usage *apiUsage, syncNow func(context.Context, func(syncer.Progress)) error) error {
	keys := keymap.Default()
	if configDir != "" {
		var err error
		if keys, err = keymap.LoadDefault(filepath.Join(configDir, keymap.ConfigFile)); err != nil {
			return err
		}
	}
	// Stdout belongs to the UI: with DEBUG set, log to a file instead.
	var logger *log.Logger
	if os.Getenv("DEBUG") != "" {
		f, err := tea.LogToFile(filepath.Join(os.TempDir(), "lazyforce-debug.log"), "lazyforce")
		if err != nil {
			return fmt.Errorf("debug log: %w", err)
		}
		defer f.Close()
		logger = log.Default()
	}
	data := ui.NewStoreData(st, ui.StoreDataOptions{OrgName: orgName, APIUsage: usage.get})
	m, err := ui.New(ui.Deps{Data: data, Sync: syncNow, SyncOnStart: true, OpenURL: openBrowser, Keys: keys, Log: logger})
	if err != nil {
		return err
	}
	// A closed terminal (SIGHUP) or SIGTERM ends the program like q does,
	// so deferred cleanup still runs (the demo removes its temporary cache).
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGHUP, syscall.SIGTERM)
	defer stop()
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

// openBrowser opens url with the platform's opener.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open browser: %w", err)
	}
	go cmd.Wait() //nolint:errcheck // reap the opener; its status does not matter
	return nil
}
