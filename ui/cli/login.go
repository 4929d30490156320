package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/orgconfig"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// loginOptions are the flags of 'lazyforce login'.
type loginOptions struct {
	instanceURL, accessToken, alias string
	// Hidden until they work: each only says "not available yet".
	web, device, sandbox bool
	fromSF, domain       string
}

func newCmdLogin(f *Factory) *cobra.Command {
	opts := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Add an org: --instance-url URL --access-token TOKEN [--alias NAME]",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.resolveToken(f.IO.In); err != nil {
				return err
			}
			switch {
			case opts.web, opts.device, opts.fromSF != "", opts.sandbox, opts.domain != "":
				return errors.New("login: --web, --device, --from-sf, --sandbox and --domain are not available yet; use --instance-url URL --access-token TOKEN")
			case opts.accessToken == "" && opts.instanceURL == "":
				return usagef("login: give --instance-url URL --access-token TOKEN (browser login is not available yet)")
			case opts.accessToken == "" || opts.instanceURL == "":
				return usagef("login: --instance-url and --access-token go together")
			}
			alias := opts.alias
			if alias == "" {
				alias = f.OrgAlias
			}
			return runLogin(cmd.Context(), f, opts, alias)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.instanceURL, "instance-url", "", "the org's `URL`, e.g. https://acme.my.salesforce.com")
	fl.StringVar(&opts.accessToken, "access-token", "", "an access `TOKEN` for the org; - reads it from stdin (default: $SF_ACCESS_TOKEN)")
	fl.StringVar(&opts.alias, "alias", "", "`NAME` for the org (default: from the username)")
	fl.BoolVar(&opts.web, "web", false, "log in in the browser")
	fl.BoolVar(&opts.device, "device", false, "log in with a device code")
	fl.StringVar(&opts.fromSF, "from-sf", "", "import an org from the Salesforce CLI")
	fl.BoolVar(&opts.sandbox, "sandbox", false, "log in to a sandbox")
	fl.StringVar(&opts.domain, "domain", "", "My Domain to log in to")
	for _, name := range []string{"web", "device", "from-sf", "sandbox", "domain"} {
		_ = fl.MarkHidden(name) // until they work
	}
	return cmd
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

// runLogin checks the token (userinfo), then stores the org, its token and
// its identity.
func runLogin(ctx context.Context, f *Factory, opts *loginOptions, alias string) error {
	c, err := sfdc.NewClient(ctx, opts.instanceURL, sfdc.StaticToken(opts.accessToken), sfdc.Options{})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	ident, err := syncer.ReadIdentity(ctx, c)
	if sfdc.IsSessionExpired(err) {
		return errors.New("login: the org rejected the access token (expired or invalid); get a new one, e.g. with 'sf org display --verbose'")
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
	dirs, err := f.Dirs()
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if err := dirs.SaveToken(alias, opts.accessToken); err != nil {
		return err
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
