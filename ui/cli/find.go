package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/redact"
)

// findOptions are the flags of 'lazyforce find'.
type findOptions struct {
	sourceOptions
	limit int
}

func newCmdFind(f *Factory) *cobra.Command {
	opts := &findOptions{}
	cmd := command("find TEXT", "Find accounts, contacts, leads and opportunities by name, company, e-mail or phone", exactArgs(1), func(ctx context.Context, args []string) error {
		return runFind(ctx, f, opts, args[0])
	})
	cmd.Long = "Searches the local cache (names, companies, e-mail addresses and phone numbers in any format),\n" +
		"exact matches first, then prefix, then fuzzy, grouped by object. --live also searches the org (SOSL)\n" +
		"and lists what the cache does not hold as not cached."
	opts.addFlags(cmd, `print JSON {"query", "results": [{type, id, name, company, email, phone, match, field, cached}]}`, "also search the org (SOSL) for records the cache does not hold")
	cmd.Flags().IntVar(&opts.limit, "limit", 20, "at most `N` results of each object")
	return cmd
}

// runFind finds text and prints what it found.
func runFind(ctx context.Context, f *Factory, opts *findOptions, text string) error {
	found, err := find(ctx, f, opts, text)
	if err != nil {
		return fmt.Errorf("find: %w", err)
	}
	found = f.Masker().Founds(found)
	if opts.json {
		return writeJSON(f.IO.Out, findJSON(text, f.Masker(), found))
	}
	return printFound(f, found)
}

// find searches the cache and, with --live, the org.
func find(ctx context.Context, f *Factory, opts *findOptions, text string) ([]book.Found, error) {
	org, st, err := openCache(f, store.Options{ReadOnly: true, Populate: true}, "search", opts.live)
	if err != nil {
		return nil, err
	}
	found, err := book.New(st, book.Options{OrgName: org.Alias}).Find(ctx, text, opts.limit)
	if err != nil || !opts.live {
		return found, err
	}
	c, err := f.Client(ctx)
	if err != nil {
		return nil, err
	}
	live, err := SearchOrg(ctx, c, text, opts.limit)
	if err != nil {
		return nil, err
	}
	return MergeLive(st, found, live), nil
}

// SearchOrg runs a live SOSL search for text, returning at most limit
// records of each object, as not cached results (fuzzy matches, in the
// org's ranking).
func SearchOrg(ctx context.Context, c *sfdc.Client, text string, limit int) ([]book.Found, error) {
	l := fmt.Sprintf(" LIMIT %d", max(1, limit))
	recs, err := c.Search(ctx, sfdc.FindSOSL(text,
		"Account(Id, Name, Phone"+l+")", "Contact(Id, Name, Email, Phone"+l+")",
		"Lead(Id, Name, Company, Email, Phone"+l+")", "Opportunity(Id, Name"+l+")"))
	if err != nil {
		return nil, err
	}
	var out []book.Found
	for _, r := range recs {
		k, ok := book.KindOf(r.Type())
		if !ok {
			continue
		}
		out = append(out, book.Found{Kind: k, ID: string(r.ID()), Name: r.String("Name"), Company: r.String("Company"),
			Email: r.String("Email"), Phone: r.String("Phone"), Match: book.MatchFuzzy, Field: "org", NotCached: true})
	}
	return out, nil
}

// MergeLive adds the live results the cache does not hold after the
// cached results of their object.
func MergeLive(st *store.Store, cached, live []book.Found) []book.Found {
	have := make(map[string]bool, len(cached))
	for _, fd := range cached {
		have[fd.ID] = true
	}
	out := append([]book.Found(nil), cached...)
	for _, fd := range live {
		if have[fd.ID] {
			continue
		}
		if _, _, ok, err := st.Lookup(fd.ID); err == nil && ok {
			continue // cached, but not a match of the local search
		}
		have[fd.ID] = true
		at := len(out)
		for i := len(out) - 1; i >= 0 && out[i].Kind > fd.Kind; i-- {
			at = i
		}
		out = append(out[:at], append([]book.Found{fd}, out[at:]...)...)
	}
	return out
}

// foundJSON is one result of 'find --json'.
type foundJSON struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	Company string `json:"company,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Match   string `json:"match"`
	Field   string `json:"field"`
	Cached  bool   `json:"cached"`
}

func findJSON(query string, m *redact.Masker, found []book.Found) any {
	results := make([]foundJSON, len(found))
	for i, fd := range found {
		results[i] = foundJSON{Type: fd.Kind.String(), ID: fd.ID, Name: fd.Name, Company: fd.Company, Email: fd.Email,
			Phone: fd.Phone, Match: fd.Match.String(), Field: fd.Field, Cached: !fd.NotCached}
	}
	if m.On() {
		// The query itself may be the e-mail or phone being looked for.
		query = m.Text(query)
	}
	return struct {
		Query   string      `json:"query"`
		Results []foundJSON `json:"results"`
	}{query, results}
}

// printFound prints the results as a table: object, name, company,
// e-mail, phone, match, Id.
func printFound(f *Factory, found []book.Found) error {
	lines := [][]string{{"TYPE", "NAME", "COMPANY", "EMAIL", "PHONE", "MATCH", "ID"}}
	for _, fd := range found {
		match := fd.Match.String() + " " + fd.Field
		if fd.NotCached {
			match = "not cached"
		}
		lines = append(lines, []string{fd.Kind.String(), cell(fd.Name), cell(fd.Company), cell(fd.Email), cell(fd.Phone), match, fd.ID})
	}
	if err := writeAligned(f.IO.Out, lines); err != nil {
		return err
	}
	_, err := fmt.Fprintf(f.IO.Out, "(%d found)\n", len(found))
	return err
}

// searchOrg is the app's live search (the find view's ctrl+o); nil
// without a client.
func (a app) searchOrg() func(ctx context.Context, text string) ([]book.Found, error) {
	if a.client == nil {
		return nil
	}
	return func(ctx context.Context, text string) ([]book.Found, error) {
		c, err := a.client(ctx)
		if err != nil {
			return nil, err
		}
		return SearchOrg(ctx, c, text, 20)
	}
}

// fetch reads one record from the org into the cache (a record found
// live that the user opens); nil without a client.
func (a app) fetch() func(ctx context.Context, object, id string) error {
	if a.client == nil {
		return nil
	}
	return func(ctx context.Context, object, id string) error {
		c, err := a.client(ctx)
		if err != nil {
			return err
		}
		rec, err := c.GetRecord(ctx, object, sfdc.ID(id))
		if err != nil {
			return err
		}
		raw, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", object, id, err)
		}
		return a.store.Update(func(w *store.Writer) error {
			_, err := w.PutRecord(object, raw)
			return err
		})
	}
}
