package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/orgconfig"
)

// orgsOptions are the flags of 'lazyforce orgs'.
type orgsOptions struct {
	json bool
}

// orgRow is one configured org as 'lazyforce orgs' shows it.
type orgRow struct {
	Alias       string     `json:"alias"`
	Username    string     `json:"username"`
	InstanceURL string     `json:"instance_url"`
	Current     bool       `json:"current"`
	LastSync    *time.Time `json:"last_sync"` // null: never synced, or the cache is busy
	CacheBytes  int64      `json:"cache_bytes"`
	// PendingWrites is always 0: the outbox does not exist yet. When it
	// does, count its unsent entries here (and in logout's warning).
	PendingWrites int `json:"pending_writes"`
}

func newCmdOrgs(f *Factory) *cobra.Command {
	opts := &orgsOptions{}
	cmd := command("orgs", "List the configured orgs (alias, user, instance, current, last sync, cache size, pending writes)", exactArgs(0), func(_ context.Context, _ []string) error {
		rows, err := listOrgs(f)
		if err != nil {
			return err
		}
		if opts.json {
			return writeJSON(f.IO.Out, rows)
		}
		return printOrgs(f, rows)
	})
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON: [{alias, username, instance_url, current, last_sync, cache_bytes, pending_writes}]")
	cmd.AddCommand(newCmdOrgsUse(f))
	return cmd
}

func newCmdOrgsUse(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "use ALIAS",
		Short: "Make ALIAS the current org",
		Args:  exactArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			aliases, err := f.Aliases()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			return aliases, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			alias := args[0]
			if err := orgconfig.ValidAlias(alias); err != nil {
				return UsageError{fmt.Errorf("orgs use: %w", err)}
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if _, err := cfg.Resolve(alias); err != nil {
				return fmt.Errorf("orgs use: %w", err)
			}
			dirs, err := f.Dirs()
			if err != nil {
				return err
			}
			cfg.Current = alias
			if err := dirs.Save(cfg); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "Current org: %s\n", alias)
			return nil
		},
	}
}

// listOrgs reads each configured org's row, sorted by alias. A cache that
// another lazyforce holds open shows no last sync rather than waiting.
func listOrgs(f *Factory) ([]orgRow, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	dirs, err := f.Dirs()
	if err != nil {
		return nil, err
	}
	rows := make([]orgRow, 0, len(cfg.Orgs))
	for alias, org := range cfg.Orgs {
		row := orgRow{Alias: alias, Username: org.Username, InstanceURL: org.InstanceURL, Current: alias == cfg.Current}
		path := dirs.CachePath(alias)
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("orgs: %w", err)
		default:
			row.CacheBytes = fi.Size()
			row.LastSync = lastSync(path, alias)
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Alias < rows[j].Alias })
	return rows, nil
}

// lastSync reads a cache's last sync time, or nil when it never synced or
// cannot be read right now (another lazyforce holds it).
func lastSync(path, alias string) *time.Time {
	st, err := store.Open(path, store.Options{Org: alias, ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		return nil
	}
	defer st.Close()
	t, err := st.LastSync()
	if err != nil || t.IsZero() {
		return nil
	}
	return &t
}

// printOrgs writes the rows as an aligned table, the current org marked.
func printOrgs(f *Factory, rows []orgRow) error {
	if len(rows) == 0 {
		fmt.Fprintln(f.IO.Out, "No orgs yet: run 'lazyforce login' (or 'lazyforce demo' to look around).")
		return nil
	}
	lines := [][]string{{"", "ALIAS", "USERNAME", "INSTANCE", "LAST SYNC", "CACHE", "PENDING"}}
	for _, r := range rows {
		cur := ""
		if r.Current {
			cur = "*"
		}
		synced := "never"
		if r.LastSync != nil {
			synced = r.LastSync.Local().Format("2006-01-02 15:04")
		}
		lines = append(lines, []string{cur, cell(r.Alias), cell(r.Username), cell(r.InstanceURL), synced, humanBytes(r.CacheBytes), fmt.Sprint(r.PendingWrites)})
	}
	return writeAligned(f.IO.Out, lines)
}

// humanBytes is a size like "1.2 MB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTPE"[exp])
}
