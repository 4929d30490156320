package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/store"
)

// outboxOptions are the flags of 'lazyforce outbox'.
type outboxOptions struct {
	json, all bool
}

func newCmdOutbox(f *Factory) *cobra.Command {
	opts := &outboxOptions{}
	cmd := command("outbox", "List the writes not yet in the org: pending, failed and conflicted", exactArgs(0), func(_ context.Context, _ []string) error {
		return runOutbox(f, opts)
	})
	cmd.Long = `List the outbox: every write (update, create) that the org does not have
yet, oldest first, with the error of each failed one. 'lazyforce outbox
retry ID' sends one again (for a conflict: your values over the server's);
'lazyforce outbox discard ID' drops it and shows the server's version again.`
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the entries as JSON")
	cmd.Flags().BoolVar(&opts.all, "all", false, "include the writes already sent")
	cmd.AddCommand(newCmdOutboxRetry(f), newCmdOutboxDiscard(f))
	return cmd
}

func runOutbox(f *Factory, opts *outboxOptions) error {
	st, err := f.Store(store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	all, err := st.Outbox()
	if err != nil {
		return err
	}
	entries := []store.OutboxEntry{}
	for _, e := range all {
		if opts.all || e.State.Unsent() {
			entries = append(entries, e)
		}
	}
	if opts.json {
		return writeJSON(f.IO.Out, entries)
	}
	if len(entries) == 0 {
		_, err := fmt.Fprintln(f.IO.Out, "the outbox is empty: the org has every write")
		return err
	}
	lines := [][]string{{"ID", "STATE", "KIND", "OBJECT", "RECORD", "CHANGES", "ERROR"}}
	for _, e := range entries {
		msg := ""
		if e.State != store.OutboxSent && e.Error != "" {
			msg = entryError(e)
		}
		lines = append(lines, []string{strconv.FormatUint(e.ID, 10), string(e.State), string(e.Kind), e.Object,
			e.RecordID, cell(changes(e.Fields)), cell(msg)})
	}
	return writeAligned(f.IO.Out, lines)
}

// changes renders FIELD=VALUE pairs in field order.
func changes(fields map[string]any) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		v := "null"
		if fields[k] != nil {
			b, _ := json.Marshal(fields[k])
			v = strings.Trim(string(b), `"`)
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, " ")
}

func parseEntryID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, usagef("%q is not an outbox entry id (see 'lazyforce outbox')", s)
	}
	return id, nil
}

func newCmdOutboxRetry(f *Factory) *cobra.Command {
	opts := &writeOptions{}
	cmd := command("retry ID", "Send a failed or conflicted write again (a conflict: yours over theirs)", exactArgs(1), func(ctx context.Context, args []string) error {
		id, err := parseEntryID(args[0])
		if err != nil {
			return err
		}
		return runRetry(ctx, f, opts, id)
	})
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the outbox entry as JSON")
	return cmd
}

func runRetry(ctx context.Context, f *Factory, opts *writeOptions, id uint64) error {
	st, err := f.Store(store.Options{})
	if err != nil {
		return err
	}
	e, err := st.RetryEntry(id, true)
	if err != nil {
		return err
	}
	c, err := f.Client(ctx)
	if err != nil {
		return reportQueued(f, opts, e, err)
	}
	res, perr := pushLocked(ctx, f, c, st)
	if cur, err := st.OutboxEntry(id); err == nil {
		e = cur
	}
	if perr != nil {
		return fmt.Errorf("outbox entry %d not pushed: %w", id, perr)
	}
	if res.Offline || e.State == store.OutboxPending {
		return reportQueued(f, opts, e, fmt.Errorf("the org cannot be reached"))
	}
	return reportPushed(f, opts, e)
}

func newCmdOutboxDiscard(f *Factory) *cobra.Command {
	return command("discard ID", "Drop an unsent write and show the server's version of its record again", exactArgs(1), func(_ context.Context, args []string) error {
		id, err := parseEntryID(args[0])
		if err != nil {
			return err
		}
		st, err := f.Store(store.Options{})
		if err != nil {
			return err
		}
		e, err := st.OutboxEntry(id)
		if err != nil {
			return err
		}
		if err := st.DiscardEntry(id); err != nil {
			return err
		}
		_, err = fmt.Fprintf(f.IO.Out, "discarded outbox entry %d (%s %s %s)\n", id, e.Kind, e.Object, e.RecordID)
		return err
	})
}
