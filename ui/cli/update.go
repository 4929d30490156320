package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/store/write"
)

// writeOptions are the flags of 'lazyforce update' and 'lazyforce create'.
type writeOptions struct {
	json bool
}

func newCmdUpdate(f *Factory) *cobra.Command {
	return newWriteCmd(f, "update TYPE ID FIELD=VALUE...",
		"Change fields of a record (validated, queued in the outbox, pushed when online)",
		`Change fields of a record. The values are typed and checked against the
object's describe and the record type's picklist values before anything is
queued: numbers, dates (2026-12-01, today, tomorrow), booleans, Ids (15 or 18
characters); 'null' (or nothing after '=') clears a field.

The change is written to the outbox first, then pushed at once when the org
is reachable. Offline, it stays queued (exit status 0) and 'lazyforce sync'
pushes it later. When the org refuses it, or the record changed on the
server meanwhile, the exit status is 1 and the entry stays in the outbox
('lazyforce outbox').`, true)
}

// newWriteCmd is 'update' (withID) or 'create': TYPE, the record's ID
// when withID, then FIELD=VALUE pairs, written by runWrite.
func newWriteCmd(f *Factory, use, short, long string, withID bool) *cobra.Command {
	opts := &writeOptions{}
	name, fixed := "create", 1
	if withID {
		name, fixed = "update", 2
	}
	cmd := command(use, short, minArgs(fixed+1), func(ctx context.Context, args []string) error {
		fields, err := write.ParseAssignments(args[fixed:])
		if err != nil {
			return UsageError{fmt.Errorf("%s: %w", name, err)}
		}
		id := ""
		if withID {
			id = args[1]
		}
		return runWrite(ctx, f, opts, args[0], id, fields)
	})
	cmd.Long = long
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the outbox entry as JSON")
	return cmd
}

// runWrite validates, queues and (online) pushes one write; id "" creates.
func runWrite(ctx context.Context, f *Factory, opts *writeOptions, object, id string, fields map[string]any) error {
	st, err := f.Store(store.Options{})
	if err != nil {
		return err
	}
	// Online: make sure the describe and the record type's picklists are
	// cached and fresh. Offline the cached ones are used.
	c, cerr := f.Client(ctx)
	if cerr == nil {
		cerr = prepareWrite(ctx, c, st, object, id, fields)
		if cerr != nil && !sfdc.IsNetworkError(cerr) && !sfdc.IsSessionExpired(cerr) {
			return cerr // e.g. an object the org does not have
		}
	}
	w := write.New(st)
	var e store.OutboxEntry
	if id == "" {
		e, err = w.Create(object, fields)
	} else {
		e, err = w.Update(object, id, fields)
	}
	if err != nil {
		if errors.Is(err, write.ErrNoDescribe) && cerr != nil {
			return fmt.Errorf("%w (and the org cannot be reached: %s)", err, oneLine(cerr))
		}
		return err
	}
	if cerr != nil {
		return reportQueued(f, opts, e, cerr)
	}
	res, perr := pushLocked(ctx, f, c, st)
	if cur, err := st.OutboxEntry(e.ID); err == nil {
		e = cur
	}
	if perr != nil {
		if opts.json {
			_ = writeJSON(f.IO.Out, e)
		}
		return fmt.Errorf("queued as outbox entry %d, not pushed: %w", e.ID, perr)
	}
	if res.Offline || e.State == store.OutboxPending {
		return reportQueued(f, opts, e, errors.New("the org cannot be reached"))
	}
	return reportPushed(f, opts, e)
}

// prepareWrite refreshes what validation reads when it is missing or
// older than a day: the describe, the record (for its record type) and the
// record type's picklists. Each costs one call, and only then.
func prepareWrite(ctx context.Context, c *sfdc.Client, st *store.Store, object, id string, fields map[string]any) error {
	if _, _, ok, err := st.Describe(object); err != nil {
		return err
	} else if !ok {
		if err := syncer.RefreshDescribe(ctx, c, st, object); err != nil {
			return err
		}
	}
	w := write.New(st)
	d, err := w.Describe(object)
	if err != nil {
		return err
	}
	var rt sfdc.ID
	if id != "" && !store.IsLocalID(id) {
		if rid, err := sfdc.ParseID(id); err == nil {
			if _, ok, err := st.Get(d.Name, string(rid)); err == nil && !ok {
				if err := syncer.FetchRecord(ctx, c, st, d.Name, rid); err != nil && !sfdc.IsNotFound(err) {
					return err
				}
			}
			if pl, err := w.RecordPicklists(d.Name, string(rid)); err == nil {
				rt = pl.RecordTypeID
			}
		}
	}
	for k, v := range fields {
		if strings.EqualFold(k, "RecordTypeId") {
			if s, ok := v.(string); ok {
				if r, err := sfdc.ParseID(s); err == nil {
					rt = r
				}
			}
		}
	}
	rt = write.RecordTypeID(d, rt)
	if _, at, ok, err := st.Picklists(d.Name, string(rt)); err != nil {
		return err
	} else if !ok || time.Since(at) > picklistMaxAge {
		return syncer.RefreshPicklists(ctx, c, st, d.Name, rt)
	}
	return nil
}

// picklistMaxAge is how long cached picklist values are trusted online.
const picklistMaxAge = 24 * time.Hour

// pushLocked pushes the outbox, taking the sync's turn so that two
// processes never send the same entry.
func pushLocked(ctx context.Context, f *Factory, c *sfdc.Client, st *store.Store) (*syncer.PushResult, error) {
	unlock, err := st.LockSync(ctx, func() {
		fmt.Fprintln(f.IO.ErrOut, "waiting for the running sync to finish")
	})
	if err != nil {
		return nil, err
	}
	defer unlock()
	return syncer.Push(ctx, c, st, syncer.PushOptions{})
}

func reportQueued(f *Factory, opts *writeOptions, e store.OutboxEntry, why error) error {
	if opts.json {
		return writeJSON(f.IO.Out, e)
	}
	what := fmt.Sprintf("%s %s", e.Object, e.RecordID)
	if e.Kind == store.OutboxCreate {
		what = "new " + e.Object
	}
	_, err := fmt.Fprintf(f.IO.Out, "queued: %s (outbox entry %d); not pushed yet: %s; 'lazyforce sync' pushes it\n", what, e.ID, oneLine(why))
	return err
}

func reportPushed(f *Factory, opts *writeOptions, e store.OutboxEntry) error {
	if opts.json {
		if err := writeJSON(f.IO.Out, e); err != nil {
			return err
		}
	}
	switch e.State {
	case store.OutboxSent:
		if opts.json {
			return nil
		}
		if e.Kind == store.OutboxCreate {
			_, err := fmt.Fprintln(f.IO.Out, e.RecordID)
			return err
		}
		_, err := fmt.Fprintf(f.IO.Out, "updated %s %s\n", e.Object, e.RecordID)
		return err
	case store.OutboxConflict:
		return fmt.Errorf("%s %s changed on the server since your copy; nothing was overwritten: see 'lazyforce outbox' and 'lazyforce outbox retry|discard %d'", e.Object, e.RecordID, e.ID)
	default:
		return fmt.Errorf("the org refused the write: %s; it stays in the outbox as entry %d ('lazyforce outbox retry|discard %d')", entryError(e), e.ID, e.ID)
	}
}

// entryError is an entry's error with the fields it names.
func entryError(e store.OutboxEntry) string {
	msg := e.Error
	if e.ErrorCode != "" {
		msg = e.ErrorCode + ": " + msg
	}
	if len(e.ErrorFields) > 0 {
		msg += " (fields: " + strings.Join(e.ErrorFields, ", ") + ")"
	}
	return msg
}
