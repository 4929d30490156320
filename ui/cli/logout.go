package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc/auth"
)

// revokeTimeout bounds the revocation request: logout must finish offline.
const revokeTimeout = 15 * time.Second

// logoutOptions are the flags of 'lazyforce logout'.
type logoutOptions struct {
	force bool
}

func newCmdLogout(f *Factory) *cobra.Command {
	opts := &logoutOptions{}
	cmd := command("logout", "Revoke the org's session, remove its credentials and delete its cache (--org ALIAS, else the current org)", exactArgs(0), func(ctx context.Context, _ []string) error {
		return runLogout(ctx, f, opts)
	})
	cmd.Flags().BoolVar(&opts.force, "force", false, "do not ask, even when writes are unsent (for scripts)")
	return cmd
}

// runLogout revokes the session at Salesforce (reporting when it could not),
// removes the credentials, deletes the cache and forgets the org.
func runLogout(ctx context.Context, f *Factory, opts *logoutOptions) error {
	org, err := f.Org()
	if err != nil {
		return err
	}
	alias := org.Alias
	// XXX: the outbox does not exist yet, so no write can be unsent. When
	// it does, count its pending entries here (as 'orgs' does) and, unless
	// --force, ask on a terminal before deleting them — or refuse off one.
	if n := unsentWrites(); n > 0 && !opts.force {
		return fmt.Errorf("logout: org %s has %d unsent write(s); push them with 'lazyforce sync' or pass --force to drop them", alias, n)
	}

	cs, err := f.Credentials()
	if err != nil {
		return err
	}
	creds, err := cs.Load(alias)
	switch {
	case err == nil:
		rctx, cancel := context.WithTimeout(ctx, revokeTimeout)
		rerr := auth.RevokeCredentials(rctx, nil, creds)
		cancel()
		switch {
		case rerr == nil:
			fmt.Fprintf(f.IO.Out, "Revoked the session of org %s at Salesforce.\n", alias)
		case errors.Is(rerr, auth.ErrNotRevoked):
			fmt.Fprintf(f.IO.Out, "Not revoked: %v.\n", rerr)
		case ctx.Err() != nil:
			return fmt.Errorf("logout: %w", ctx.Err())
		default:
			fmt.Fprintf(f.IO.Out, "Revocation not done (%s): the session ends when it expires, or an admin can revoke it in Setup.\n", oneLine(rerr))
		}
	case errors.Is(err, auth.ErrNoCredentials):
		fmt.Fprintf(f.IO.Out, "No stored session for org %s: nothing to revoke.\n", alias)
	default:
		// Unreadable credentials (a missing keychain entry, a damaged
		// file) cannot be revoked, but logout still removes them.
		fmt.Fprintf(f.IO.Out, "Revocation not done (%s).\n", oneLine(err))
	}
	if err := cs.Delete(alias); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	dirs, err := f.Dirs()
	if err != nil {
		return err
	}
	if err := os.Remove(dirs.CredentialFile(alias)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("logout: remove credentials: %w", err)
	}
	// The factory may hold the cache open (it does not here, but be sure).
	if err := f.Close(); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if err := os.Remove(dirs.CachePath(alias)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("logout: delete the cache: %w", err)
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	delete(cfg.Orgs, alias)
	if cfg.Current == alias {
		cfg.Current = ""
	}
	if err := dirs.Save(cfg); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Logged out of org %s: credentials removed, cache deleted.\n", alias)
	if cfg.Current == "" && len(cfg.Orgs) > 0 {
		fmt.Fprintln(f.IO.Out, "No current org now: pick one with 'lazyforce orgs use ALIAS'.")
	}
	return nil
}

// unsentWrites is the number of writes waiting in the outbox: always 0
// until the outbox exists (see runLogout).
func unsentWrites() int { return 0 }
