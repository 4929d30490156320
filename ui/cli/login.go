package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/auth"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/orgconfig"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// clientIDEnv names the connected app's consumer key when --client-id is
// not given (config.json's client_id comes after it).
const clientIDEnv = "LAZYFORCE_CLIENT_ID"

// deviceTimeout bounds a device login: Salesforce announces no expiry for
// its codes, and an unattended login must end.
const deviceTimeout = 10 * time.Minute

// loginOptions are the flags of 'lazyforce login'.
type loginOptions struct {
	instanceURL, accessToken, alias string
	web, device                     bool
	fromSF                          string
	sandbox                         bool
	domain, loginURL, clientID      string
	port                            int
}

// loginMode is how 'lazyforce login' signs in.
type loginMode int

const (
	modeWeb loginMode = iota
	modeDevice
	modeFromSF
	modeAccessToken
)

func newCmdLogin(f *Factory) *cobra.Command {
	opts := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Add an org: in the browser (default), --device, --from-sf ALIAS, or --instance-url URL --access-token TOKEN",
		Long: `Add an org and make it the current one.

  lazyforce login                      browser login (PKCE) on http://localhost:1717/OauthRedirect
  lazyforce login --device             device login: enter a code on another machine's browser
  lazyforce login --from-sf ALIAS      reuse an org the Salesforce CLI is logged in to
  lazyforce login --instance-url URL --access-token TOKEN   a bare access token (scripts)

Browser and device logins need the consumer key of a connected app or External Client
App: --client-id, $LAZYFORCE_CLIENT_ID or "client_id" in config.json.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			mode, err := opts.validate(cmd)
			if err != nil {
				return err
			}
			alias := opts.alias
			if alias == "" {
				alias = f.OrgAlias
			}
			if alias != "" {
				if err := orgconfig.ValidAlias(alias); err != nil {
					return UsageError{fmt.Errorf("--alias: %w", err)}
				}
			}
			creds, err := opts.signIn(cmd.Context(), f, mode)
			if err != nil {
				return err
			}
			return saveLogin(cmd.Context(), f, creds, alias)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.web, "web", false, "log in in the browser (the default)")
	fl.BoolVar(&opts.device, "device", false, "log in with a code entered in any browser (for SSH sessions)")
	fl.StringVar(&opts.fromSF, "from-sf", "", "reuse the Salesforce CLI's org `ALIAS` (asks the CLI for tokens)")
	fl.StringVar(&opts.instanceURL, "instance-url", "", "the org's `URL`, e.g. https://acme.my.salesforce.com (with --access-token)")
	fl.StringVar(&opts.accessToken, "access-token", "", "an access `TOKEN` for the org; - reads it from stdin (default: $SF_ACCESS_TOKEN)")
	fl.StringVar(&opts.alias, "alias", "", "`NAME` for the org (default: from the username)")
	fl.BoolVar(&opts.sandbox, "sandbox", false, "log in at test.salesforce.com (a sandbox)")
	fl.StringVar(&opts.domain, "domain", "", "log in at My Domain `NAME` (NAME.my.salesforce.com)")
	fl.StringVar(&opts.loginURL, "login-url", "", "log in at `URL` (any login host)")
	fl.StringVar(&opts.clientID, "client-id", "", "the connected app's consumer `KEY` (default: $"+clientIDEnv+", then config.json client_id)")
	fl.IntVar(&opts.port, "port", auth.DefaultPort, "loopback `PORT` of the browser login's callback (the app's callback URL: http://localhost:PORT/OauthRedirect)")
	return cmd
}

// validate checks the flags and picks the login mode; every conflict is a
// usage error.
func (o *loginOptions) validate(cmd *cobra.Command) (loginMode, error) {
	if err := o.resolveToken(cmd.InOrStdin()); err != nil {
		return 0, err
	}
	var modes []string
	mode := modeWeb
	if o.web {
		modes = append(modes, "--web")
	}
	if o.device {
		modes, mode = append(modes, "--device"), modeDevice
	}
	if o.fromSF != "" {
		modes, mode = append(modes, "--from-sf"), modeFromSF
	}
	if o.instanceURL != "" || o.accessToken != "" {
		modes, mode = append(modes, "--instance-url/--access-token"), modeAccessToken
	}
	if len(modes) > 1 {
		return 0, usagef("login: choose one of %s", strings.Join(modes, ", "))
	}
	hostFlags := o.sandbox || o.domain != "" || o.loginURL != "" || o.clientID != ""
	switch mode {
	case modeAccessToken:
		if o.accessToken == "" || o.instanceURL == "" {
			return 0, usagef("login: --instance-url and --access-token go together")
		}
	case modeFromSF:
		if strings.HasPrefix(o.fromSF, "-") {
			return 0, usagef("login: --from-sf wants the Salesforce CLI's org alias or username, got %q", o.fromSF)
		}
	}
	if mode == modeAccessToken || mode == modeFromSF {
		if hostFlags {
			return 0, usagef("login: --sandbox, --domain, --login-url and --client-id are for the browser and device logins")
		}
	}
	if cmd.Flags().Changed("port") {
		if mode != modeWeb {
			return 0, usagef("login: --port is for the browser login")
		}
		if o.port < 1 || o.port > 65535 {
			return 0, usagef("login: --port wants a port number from 1 to 65535, got %d", o.port)
		}
	}
	if mode == modeWeb || mode == modeDevice {
		if _, err := auth.LoginURL(o.sandbox, o.domain, o.loginURL); err != nil {
			return 0, usagef("login: %w", err)
		}
	}
	return mode, nil
}

// resolveToken reads the access token from stdin when it is "-", or from
// SF_ACCESS_TOKEN (as the Salesforce CLI does) when the flag is absent, so
// it need not show up in shell history or the process list.
func (o *loginOptions) resolveToken(stdin io.Reader) error {
	switch o.accessToken {
	case "-":
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return usagef("login: --access-token - expects the token on stdin")
		}
		o.accessToken = strings.TrimSpace(line)
	case "":
		if o.instanceURL != "" {
			o.accessToken = os.Getenv("SF_ACCESS_TOKEN")
		}
	}
	return nil
}

// oauthConfig is the connected app and login host of a browser or device
// login. The consumer key comes from --client-id, $LAZYFORCE_CLIENT_ID,
// then config.json.
func (o *loginOptions) oauthConfig(f *Factory) (auth.Config, error) {
	host, err := auth.LoginURL(o.sandbox, o.domain, o.loginURL)
	if err != nil {
		return auth.Config{}, usagef("login: %w", err)
	}
	id := o.clientID
	if id == "" {
		id = os.Getenv(clientIDEnv)
	}
	if id == "" {
		cfg, err := f.Config()
		if err != nil {
			return auth.Config{}, err
		}
		id = cfg.ClientID
	}
	if id == "" {
		return auth.Config{}, usagef("login: no connected app: pass --client-id KEY, set %s or \"client_id\" in config.json (the README's \"Logging in\" says how an admin creates one), or use --from-sf ALIAS or --instance-url URL --access-token TOKEN", clientIDEnv)
	}
	return auth.Config{LoginURL: host, ClientID: id}, nil
}

// signIn runs the chosen flow and returns the credentials to store.
func (o *loginOptions) signIn(ctx context.Context, f *Factory, mode loginMode) (*auth.Credentials, error) {
	errOut := f.IO.ErrOut
	switch mode {
	case modeAccessToken:
		return &auth.Credentials{Method: auth.MethodAccessToken,
			Token: auth.Token{AccessToken: o.accessToken, InstanceURL: strings.TrimRight(o.instanceURL, "/")}}, nil
	case modeFromSF:
		tok, err := sfCLI().Import(ctx, o.fromSF)
		if err != nil {
			return nil, fmt.Errorf("login --from-sf %s: %w", o.fromSF, err)
		}
		return &auth.Credentials{Method: auth.MethodSF, SFAlias: o.fromSF, Token: *tok}, nil
	case modeDevice:
		cfg, err := o.oauthConfig(f)
		if err != nil {
			return nil, err
		}
		dctx, cancel := context.WithTimeout(ctx, deviceTimeout)
		defer cancel()
		tok, err := auth.LoginDevice(dctx, cfg, auth.DeviceOptions{Show: func(c auth.DeviceCode) {
			fmt.Fprintf(errOut, "To log in, open %s in any browser and enter the code:\n\n    %s\n\nWaiting for approval (ctrl+c cancels)…\n", c.VerificationURI, c.UserCode)
		}})
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("login --device: %w", auth.ErrExpired)
			}
			return nil, fmt.Errorf("login --device: %w", err)
		}
		return &auth.Credentials{Method: auth.MethodDevice, LoginURL: cfg.LoginURL, ClientID: cfg.ClientID, Token: *tok}, nil
	}
	cfg, err := o.oauthConfig(f)
	if err != nil {
		return nil, err
	}
	tok, err := loginWeb(ctx, cfg, auth.WebOptions{Port: o.port}, errOut)
	if err != nil {
		return nil, err
	}
	return &auth.Credentials{Method: auth.MethodWeb, LoginURL: cfg.LoginURL, ClientID: cfg.ClientID, Token: *tok}, nil
}

// loginWeb runs the browser login, telling the user on errOut what
// happens: the browser ($BROWSER honoured) is opened, or the URL printed
// when none can be.
func loginWeb(ctx context.Context, cfg auth.Config, opts auth.WebOptions, errOut io.Writer) (*auth.Token, error) {
	opts.Open = func(ctx context.Context, authURL string) error {
		fmt.Fprintf(errOut, "Opening %s in your browser to log in; waiting for it (ctrl+c cancels)…\n", cfg.LoginURL)
		return auth.DefaultOpener(ctx, authURL)
	}
	opts.OnOpenError = func(err error) { fmt.Fprintf(errOut, "%v\n", err) }
	tok, err := auth.LoginWeb(ctx, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return tok, nil
}

// saveLogin checks the session (the org's identity), then stores the org,
// its credentials and its identity, and makes it the current org. alias ""
// derives one from the username.
func saveLogin(ctx context.Context, f *Factory, creds *auth.Credentials, alias string) error {
	cs, err := f.Credentials()
	if err != nil {
		return err
	}
	aliasForErrors := alias
	if aliasForErrors == "" {
		aliasForErrors = aliasFromUsername(creds.Token.Username)
	}
	src := auth.Source(aliasForErrors, creds, auth.SourceOptions{SF: sfCLI()})
	c, err := sfdc.NewClient(ctx, creds.Token.InstanceURL, src, sfdc.Options{})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	ident, err := syncer.ReadIdentity(ctx, c)
	if sfdc.IsSessionExpired(err) && creds.Method == auth.MethodAccessToken {
		return errors.New("login: the org rejected the access token (expired or invalid); get a new one, e.g. with 'sf org auth show-access-token'")
	}
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if alias == "" {
		alias = aliasFromUsername(ident.Username)
	}
	if err := orgconfig.ValidAlias(alias); err != nil {
		return UsageError{err}
	}
	// A refresh during the identity check renewed the access token.
	if ts, ok := src.(*auth.TokenSource); ok {
		creds.Token = ts.Current()
	}
	creds.Token.InstanceURL = c.InstanceURL()
	creds.Token.Username, creds.Token.UserID, creds.Token.OrgID = ident.Username, ident.UserID, ident.OrgID
	dirs, err := f.Dirs()
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	where, err := cs.Save(alias, creds)
	if err != nil {
		return err
	}
	// A bare token file from before the credential store must not
	// outlive the new credentials.
	if err := os.Remove(dirs.CredentialFile(alias)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("login: remove old credentials: %w", err)
	}
	org := cfg.Orgs[alias]
	org.Alias, org.InstanceURL, org.Username, org.UserID, org.OrgID = alias, c.InstanceURL(), ident.Username, ident.UserID, ident.OrgID
	cfg.Orgs[alias], cfg.Current = org, alias
	if err := dirs.Save(cfg); err != nil {
		return err
	}
	st, err := f.OpenStore(alias, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetIdentity(ident); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Logged in to %s as %s (org %s, alias %s)\n", c.InstanceURL(), ident.Username, ident.OrgID, alias)
	switch {
	case creds.Method == auth.MethodSF:
		fmt.Fprintf(f.IO.ErrOut, "Tokens stay with the Salesforce CLI (org %s): lazyforce asks it for a fresh one when needed.\n", creds.SFAlias)
	case where == auth.InKeychain:
		fmt.Fprintln(f.IO.ErrOut, "Credentials stored in the OS keychain.")
	default:
		fmt.Fprintf(f.IO.ErrOut, "Credentials stored in %s (readable only by you).\n", cs.Path(alias))
	}
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
