package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/orgconfig"
)

func newCmdQuery(f *Factory) *cobra.Command {
	opts := &sourceOptions{}
	cmd := command("query SOQL", "Run SOQL on the local cache (or on the org with --live)", exactArgs(1), func(ctx context.Context, args []string) error {
		return runQuery(ctx, f, opts, args[0])
	})
	opts.addFlags(cmd, "print Salesforce's query response JSON {totalSize, done, records}", "send the query to the org instead of the cache")
	return cmd
}

// runQuery runs SOQL text and prints its rows.
func runQuery(ctx context.Context, f *Factory, opts *sourceOptions, text string) error {
	rows, total, err := query(ctx, f, opts, text)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	maskRows(f.Masker(), rows)
	if opts.json {
		return writeJSON(f.IO.Out, struct {
			TotalSize int         `json:"totalSize"`
			Done      bool        `json:"done"`
			Records   []*soql.Row `json:"records"`
		}{total, true, rows})
	}
	return printTable(f.IO.Out, rows, total)
}

// query runs SOQL text on the cache or, with --live, the org: its rows
// and the query's total size.
func query(ctx context.Context, f *Factory, opts *sourceOptions, text string) ([]*soql.Row, int, error) {
	if opts.live {
		c, err := f.Client(ctx)
		if err != nil {
			return nil, 0, err
		}
		return queryOrg(ctx, c, text)
	}
	org, st, err := openCache(f, store.Options{ReadOnly: true}, "ask", false)
	if err != nil {
		return nil, 0, err
	}
	res, err := st.Query(ctx, text, store.QueryOptions{})
	if err != nil {
		if object, ok := st.NotSynced(text, err); ok {
			return nil, 0, fmt.Errorf("%s is in org %s but not in its cache: add it to \"extra_objects\" in the org's \"sync\" settings in config.json (see the README, \"What sync pulls\") and run 'lazyforce sync', or add --live to ask the org", object, org.Alias)
		}
		return nil, 0, err
	}
	return res.Records, res.TotalSize, nil
}

// queryOrg runs SOQL text on the org (all pages): its records as rows and
// the query's total size.
func queryOrg(ctx context.Context, c *sfdc.Client, text string) ([]*soql.Row, int, error) {
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

// sourceOptions are the flags of the commands that read the cache or,
// with --live, the org: ask, query and find.
type sourceOptions struct {
	json, live bool
}

// addFlags adds --json and --live to cmd, each with what it does there.
func (o *sourceOptions) addFlags(cmd *cobra.Command, jsonHelp, liveHelp string) {
	cmd.Flags().BoolVar(&o.json, "json", false, jsonHelp)
	cmd.Flags().BoolVar(&o.live, "live", false, liveHelp)
}

// openCache returns the org the command runs on and its cache, opened
// with o; a cache never synced is the error of emptyCache for doing,
// unless live (the command goes to the org instead).
func openCache(f *Factory, o store.Options, doing string, live bool) (orgconfig.Org, *store.Store, error) {
	org, err := f.Org()
	if err != nil {
		return org, nil, err
	}
	st, err := f.Store(o)
	if err != nil {
		return org, nil, err
	}
	if !live {
		err = emptyCache(st, org, doing)
	}
	return org, st, err
}

// emptyCache returns, when the cache st of org was never synced, the error
// that says to sync it first, or to add --live to ask (doing: "ask",
// "search"…) the org instead; else nil.
func emptyCache(st *store.Store, org orgconfig.Org, doing string) error {
	if last, err := st.LastSync(); err == nil && last.IsZero() {
		return fmt.Errorf("the cache of org %s is empty: run 'lazyforce sync' first (or add --live to %s the org)", org.Alias, doing)
	}
	return nil
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
