package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// Push replays the outbox (store.Store.Enqueue) to the org, oldest first.
//
// One write costs one API call, reads included: an update is a /composite
// request with the PATCH (If-Unmodified-Since: the LastModifiedDate the
// change was based on) and a GET of the record, whose new LastModifiedDate
// and derived fields replace the cached version; a create is the POST and a
// GET of "@{ref.id}". Up to maxPushBatch writes share one /composite call
// (two subrequests each, within Salesforce's 25), one write per record per
// call so that a record's writes land in order.
//
// Outcomes per write: sent; conflict (412: the record changed on the
// server; its current version is stored on the entry, nothing is
// overwritten); failed (the org refused it: validation rule, restricted
// picklist, required field, field-level security; code, message and
// fields are stored). UNABLE_TO_LOCK_ROW, 5xx and dropped connections are
// retried with backoff; an unreachable org stops the push with the writes
// still pending (pushed at the next sync). An expired session is renewed
// by the client once; a revoked login stops with *LoginError and
// REQUEST_LIMIT_EXCEEDED with *LimitError, the outbox intact either way.
//
// A create whose answer was lost (the connection dropped after it was
// sent) may exist: before it is sent again it is looked for, by the
// values it was created with, among the records of that object created by
// the user since it was first sent (no external-id field is needed, so it
// works on any org); when found, that record is the create's result.
func Push(ctx context.Context, c *sfdc.Client, st *store.Store, opts PushOptions) (*PushResult, error) {
	p := &pusher{c: c, st: st, opts: opts, res: &PushResult{Failures: []PushFailure{}}, fields: map[string][]string{}}
	calls0 := c.APICalls()
	err := p.run(ctx)
	p.res.APICalls = c.APICalls() - calls0
	if left, lerr := st.PendingEntries(); lerr == nil {
		p.res.Waiting = len(left)
	}
	return p.res, err
}

// maxPushBatch is how many writes one /composite call carries (two
// subrequests each).
const maxPushBatch = sfdc.MaxCompositeSubrequests / 2

// PushOptions tune Push; the zero value is the default.
type PushOptions struct {
	// Attempts is how often a write is tried on transient failures
	// (row locks, 5xx, dropped connections) in one push (0: 4).
	Attempts int
	// Backoff is the delay before the first retry, doubled each time
	// (0: 300ms).
	Backoff time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// UserID is the user whose lost creates are looked for ("": the
	// cached identity's).
	UserID string
	// Progress, if set, is called after each write is settled.
	Progress func(store.OutboxEntry)
}

func (o PushOptions) attempts() int {
	if o.Attempts <= 0 {
		return 4
	}
	return o.Attempts
}

func (o PushOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// PushResult is what a push did.
type PushResult struct {
	// Pushed counts the writes Salesforce now has.
	Pushed int `json:"pushed"`
	// Sent are those entries (with their records' real Ids).
	Sent []store.OutboxEntry `json:"-"`
	// Failures are the writes refused or conflicted in this push.
	Failures []PushFailure `json:"failures"`
	// Waiting counts the writes still pending after the push.
	Waiting int `json:"waiting"`
	// Offline is set when the org could not be reached: the pending
	// writes wait for the next push.
	Offline bool `json:"offline,omitempty"`
	// APICalls is the number of requests the push made.
	APICalls int64 `json:"api_calls"`
}

// PushFailure is a write Salesforce did not take.
type PushFailure struct {
	Entry    uint64            `json:"entry"`
	Object   string            `json:"object"`
	RecordID string            `json:"record_id"`
	State    store.OutboxState `json:"state"`
	Code     string            `json:"code,omitempty"`
	Error    string            `json:"error"`
	Fields   []string          `json:"fields,omitempty"`
}

// LoginError: the session is gone and could not be renewed; the outbox is
// kept for after the next login.
type LoginError struct{ Cause error }

func (e *LoginError) Error() string {
	return "the org no longer accepts this login; the outbox is kept: run 'lazyforce login' and sync again (" + e.Cause.Error() + ")"
}

// Unwrap exposes the cause.
func (e *LoginError) Unwrap() error { return e.Cause }

// LimitError: the org's API request limit is used up; pushing stopped.
type LimitError struct{ Cause error }

func (e *LimitError) Error() string {
	return "pushing stopped, the outbox is kept: " + e.Cause.Error()
}

// Unwrap exposes the cause.
func (e *LimitError) Unwrap() error { return e.Cause }

type pusher struct {
	c      *sfdc.Client
	st     *store.Store
	opts   PushOptions
	res    *PushResult
	fields map[string][]string // object -> fields to read back
	tries  map[uint64]int      // transient failures per entry in this push
}

// run pushes batches until nothing is left to send.
func (p *pusher) run(ctx context.Context) error {
	p.tries = map[uint64]int{}
	for round := 0; ; round++ {
		pending, err := p.st.PendingEntries()
		if err != nil {
			return err
		}
		batch := p.pick(pending)
		if len(batch) == 0 {
			return nil
		}
		transient, err := p.send(ctx, batch)
		if err != nil {
			return err
		}
		if p.res.Offline {
			return nil
		}
		if transient {
			if err := p.wait(ctx, round); err != nil {
				return err
			}
		}
	}
}

// pick chooses the next writes to send: in order, one per record, none
// that refers to a record still waiting for its create, none that failed
// transiently too often in this push.
func (p *pusher) pick(pending []store.OutboxEntry) []store.OutboxEntry {
	var batch []store.OutboxEntry
	seen := map[string]bool{}
	for _, e := range pending {
		if seen[e.RecordID] {
			continue
		}
		seen[e.RecordID] = true
		if p.tries[e.ID] >= p.opts.attempts() || refersToLocal(e) {
			continue
		}
		batch = append(batch, e)
		if len(batch) == maxPushBatch {
			break
		}
	}
	return batch
}

func refersToLocal(e store.OutboxEntry) bool {
	for _, v := range e.Fields {
		if s, ok := v.(string); ok && store.IsLocalID(s) {
			return true
		}
	}
	return false
}

func (p *pusher) wait(ctx context.Context, round int) error {
	d := p.opts.Backoff
	if d <= 0 {
		d = 300 * time.Millisecond
	}
	for i := 0; i < round && d < 10*time.Second; i++ {
		d *= 2
	}
	return sfdc.Sleep(ctx, d)
}

// send pushes one batch in one /composite call. transient reports that
// some write should be tried again after a pause.
func (p *pusher) send(ctx context.Context, batch []store.OutboxEntry) (transient bool, err error) {
	// Creates whose answer was lost: look for them first.
	var todo []store.OutboxEntry
	for _, e := range batch {
		if e.Kind == store.OutboxCreate && e.Unsure {
			found, err := p.findCreated(ctx, e)
			if err != nil {
				if stop, serr := p.stop(err, batch); stop {
					return false, serr
				}
				p.tries[e.ID]++
				transient = true
				continue
			}
			if found != nil {
				if err := p.sent(e, found); err != nil {
					return false, err
				}
				continue
			}
		}
		todo = append(todo, e)
	}
	if len(todo) == 0 {
		return transient, nil
	}
	var reqs []sfdc.Subrequest
	for _, e := range todo {
		sub, get, err := p.subrequests(e)
		if err != nil {
			// Cannot be sent as it stands (bad object name, id): failed.
			if _, merr := p.failed(e, store.OutboxFailed, "", err.Error(), nil, nil); merr != nil {
				return false, merr
			}
			continue
		}
		if _, err := p.st.Attempt(e.ID, p.opts.now()); err != nil {
			return false, err
		}
		reqs = append(reqs, sub, get)
	}
	if len(reqs) == 0 {
		return transient, nil
	}
	resps, err := p.c.Composite(ctx, false, reqs)
	if err == nil && len(resps) != len(reqs) {
		err = fmt.Errorf("push: composite answered %d of %d subrequests", len(resps), len(reqs))
	}
	if err != nil {
		if stop, serr := p.stop(err, todo); stop {
			return false, serr
		}
		// The call's fate is unknown for a dropped connection or a 5xx
		// (creates stay Unsure); a row lock rolled everything back.
		for _, e := range todo {
			p.tries[e.ID]++
			if e.Kind == store.OutboxCreate && sfdc.IsRowLock(err) {
				if err := p.st.SettleUnsure(e.ID); err != nil {
					return false, err
				}
			}
			if err := p.st.NoteError(e.ID, err.Error()); err != nil {
				return false, err
			}
		}
		if sfdc.IsNetworkError(err) && (unreachable(err) || p.allTriedOut(todo)) {
			p.res.Offline = true
		}
		return true, nil
	}
	ri := 0
	for _, e := range todo {
		if ri >= len(resps) || resps[ri].ReferenceID != ref("w", e.ID) {
			continue // refused before sending (see above)
		}
		write, get := resps[ri], resps[ri+1]
		ri += 2
		retry, err := p.settle(e, write, get)
		if err != nil {
			return false, err
		}
		transient = transient || retry
	}
	return transient, nil
}

// unreachable reports whether err says the org could not be reached at
// all (no connection): no point in retrying now.
func unreachable(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// allTriedOut reports whether every write of the batch used its attempts.
func (p *pusher) allTriedOut(batch []store.OutboxEntry) bool {
	for _, e := range batch {
		if p.tries[e.ID] < p.opts.attempts() {
			return false
		}
	}
	return true
}

// stop handles the errors that end the push: a revoked login, the API
// limit, a cancelled context. An unreachable org is not one of them: it
// is retried, then left pending.
func (p *pusher) stop(err error, batch []store.OutboxEntry) (bool, error) {
	switch {
	case ctx0(err):
		return true, err
	case sfdc.IsSessionExpired(err):
		p.note(batch, "waiting for a new login: run 'lazyforce login'")
		return true, &LoginError{Cause: err}
	case sfdc.IsLimitExceeded(err):
		p.note(batch, "waiting: the org's API request limit is used up")
		return true, &LimitError{Cause: err}
	}
	var me *sfdc.MalformedTokenError
	if errors.As(err, &me) {
		return true, &LoginError{Cause: err}
	}
	return false, nil
}

func ctx0(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func (p *pusher) note(batch []store.OutboxEntry, msg string) {
	for _, e := range batch {
		_ = p.st.NoteError(e.ID, msg)
	}
}

func ref(kind string, id uint64) string { return kind + strconv.FormatUint(id, 10) }

// subrequests builds a write's two subrequests: the write and the GET
// that reads the record back.
func (p *pusher) subrequests(e store.OutboxEntry) (sfdc.Subrequest, sfdc.Subrequest, error) {
	var write, get sfdc.Subrequest
	wref := ref("w", e.ID)
	var err error
	switch e.Kind {
	case store.OutboxUpdate:
		id, perr := sfdc.ParseID(e.RecordID)
		if perr != nil {
			return write, get, perr
		}
		var opts sfdc.UpdateOptions
		if e.Base != "" {
			if t, err := sfdc.ParseTime(e.Base); err == nil {
				opts.IfUnmodifiedSince = t
			}
		}
		if write, err = p.c.UpdateSubrequest(wref, e.Object, id, e.Fields, opts); err != nil {
			return write, get, err
		}
		get, err = p.c.GetRecordSubrequest(ref("r", e.ID), e.Object, string(id), p.readBack(e.Object))
	case store.OutboxCreate:
		if write, err = p.c.CreateSubrequest(wref, e.Object, e.Fields); err != nil {
			return write, get, err
		}
		get, err = p.c.GetRecordSubrequest(ref("r", e.ID), e.Object, "@{"+wref+".id}", p.readBack(e.Object))
	default:
		err = fmt.Errorf("unknown outbox entry kind %q", e.Kind)
	}
	return write, get, err
}

// readBack returns the fields the cache holds for object (those of a
// cached record), so that the record read back has the same shape as the
// pulled ones; nil reads every field.
func (p *pusher) readBack(object string) []string {
	if f, ok := p.fields[object]; ok {
		return f
	}
	var fields []string
	_ = p.st.ForEach(object, func(id string, raw []byte) bool {
		if store.IsLocalID(id) {
			return true
		}
		rec, err := sfdc.DecodeRecord(raw)
		if err != nil {
			return false
		}
		for _, name := range rec.Fields() {
			v, _ := rec.Get(name)
			switch v.(type) {
			case *sfdc.Record, *sfdc.QueryResult, map[string]any:
				continue
			}
			fields = append(fields, name)
		}
		return false
	})
	p.fields[object] = fields
	return fields
}

// settle records the outcome of one write.
func (p *pusher) settle(e store.OutboxEntry, write, get sfdc.Subresponse) (retry bool, err error) {
	werr := write.Err()
	if werr == nil {
		id := string(write.ID())
		if e.Kind == store.OutboxUpdate {
			id = e.RecordID
		}
		var server []byte
		if get.Err() == nil {
			server = p.withRelationships(e, get.Body)
		}
		return false, p.sentRaw(e, id, server)
	}
	var ae *sfdc.APIError
	errors.As(werr, &ae)
	switch {
	case sfdc.IsConflict(werr):
		var server []byte
		if get.Err() == nil {
			server = p.withRelationships(e, get.Body)
			// Our own write whose answer was lost earlier: the server
			// already has these values.
			if e.Attempts > 0 && hasValues(server, e.Fields) {
				return false, p.sentRaw(e, e.RecordID, server)
			}
		}
		_, err := p.failed(e, store.OutboxConflict, "CONFLICT",
			"the record was changed on the server after your change was made; compare and choose: apply yours anyway (retry), keep theirs (discard), or edit", nil, server)
		return false, err
	case sfdc.IsRowLock(werr) || (ae != nil && ae.Status >= 500):
		p.tries[e.ID]++
		if e.Kind == store.OutboxCreate {
			if err := p.st.SettleUnsure(e.ID); err != nil {
				return false, err
			}
		}
		if err := p.st.NoteError(e.ID, werr.Error()); err != nil {
			return false, err
		}
		if p.tries[e.ID] >= p.opts.attempts() {
			_, err := p.failed(e, store.OutboxFailed, ae.Code, ae.Message+" (gave up after "+strconv.Itoa(p.tries[e.ID])+" tries; retry later)", ae.Fields, nil)
			return false, err
		}
		return true, nil
	case sfdc.IsSessionExpired(werr):
		return false, &LoginError{Cause: werr}
	case sfdc.IsLimitExceeded(werr):
		return false, &LimitError{Cause: werr}
	}
	code, msg, fields := "", werr.Error(), []string(nil)
	if ae != nil {
		code, msg, fields = ae.Code, ae.Message, ae.Fields
		for _, it := range ae.Errors[min(1, len(ae.Errors)):] {
			msg += "; " + it.Message
			fields = append(fields, it.Fields...)
		}
	}
	_, err = p.failed(e, store.OutboxFailed, code, msg, fields, nil)
	return false, err
}

// withRelationships adds to a record read back the parent relationships
// (nested records) of its cached version, which the GET does not return.
func (p *pusher) withRelationships(e store.OutboxEntry, body []byte) []byte {
	if e.Kind != store.OutboxUpdate || len(e.Before) == 0 {
		return body
	}
	rec, err := sfdc.DecodeRecord(body)
	if err != nil {
		return body
	}
	old, err := sfdc.DecodeRecord(e.Before)
	if err != nil {
		return body
	}
	for _, name := range old.Fields() {
		v, _ := old.Get(name)
		if _, nested := v.(*sfdc.Record); !nested {
			continue
		}
		if _, has := rec.Get(name); !has {
			rec.Set(name, v)
		}
	}
	out, err := rec.MarshalJSON()
	if err != nil {
		return body
	}
	return out
}

func (p *pusher) sentRaw(e store.OutboxEntry, id string, server []byte) error {
	done, err := p.st.MarkSent(e.ID, id, server, p.opts.now())
	if err != nil {
		return err
	}
	p.res.Pushed++
	p.res.Sent = append(p.res.Sent, done)
	if p.opts.Progress != nil {
		p.opts.Progress(done)
	}
	return nil
}

func (p *pusher) sent(e store.OutboxEntry, found *sfdc.Record) error {
	raw, err := found.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode found record: %w", err)
	}
	return p.sentRaw(e, string(found.ID()), raw)
}

func (p *pusher) failed(e store.OutboxEntry, state store.OutboxState, code, msg string, fields []string, server []byte) (store.OutboxEntry, error) {
	done, err := p.st.MarkFailed(e.ID, state, code, msg, fields, server)
	if err != nil {
		return done, err
	}
	p.res.Failures = append(p.res.Failures, PushFailure{Entry: e.ID, Object: e.Object, RecordID: e.RecordID, State: state, Code: code, Error: msg, Fields: fields})
	if p.opts.Progress != nil {
		p.opts.Progress(done)
	}
	return done, nil
}

// findCreated looks for the record a create whose answer was lost made:
// created by the user since the create was first sent, with its values.
// Records already claimed by other sent creates are not candidates.
func (p *pusher) findCreated(ctx context.Context, e store.OutboxEntry) (*sfdc.Record, error) {
	user := p.opts.UserID
	if user == "" {
		if id, ok, err := p.st.Identity(); err == nil && ok {
			user = id.UserID
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range e.Fields {
			if !yield(k) {
				return
			}
		}
	})
	since := e.QueuedAt.Add(-lostCreateSkew).UTC().Format("2006-01-02T15:04:05Z")
	where := []string{"CreatedDate >= " + since}
	if user != "" {
		where = append(where, "CreatedById = "+sfdc.Quote(user))
	}
	soql := "SELECT Id"
	if fields := p.readBack(e.Object); len(fields) > 0 {
		soql += ", " + strings.Join(without(fields, "Id"), ", ")
	} else {
		for _, n := range names {
			soql += ", " + n
		}
	}
	soql += " FROM " + e.Object + " WHERE " + strings.Join(where, " AND ") + " ORDER BY CreatedDate, Id"
	res, err := p.c.Query(ctx, soql)
	if err != nil {
		return nil, fmt.Errorf("look for a create whose answer was lost: %w", err)
	}
	claimed := map[string]bool{}
	if all, err := p.st.Outbox(); err == nil {
		for _, o := range all {
			if o.Kind == store.OutboxCreate && o.State == store.OutboxSent {
				claimed[o.RecordID] = true
			}
		}
	}
	for _, rec := range res.Records {
		if claimed[string(rec.ID())] {
			continue
		}
		raw, err := rec.MarshalJSON()
		if err != nil {
			continue
		}
		if hasValues(raw, e.Fields) {
			return rec, nil
		}
	}
	// Not there: it never reached the org; send it again.
	if err := p.st.SettleUnsure(e.ID); err != nil {
		return nil, err
	}
	return nil, nil
}

// lostCreateSkew widens the search for a lost create before the time it
// was queued, for a client clock ahead of the org's.
const lostCreateSkew = 10 * time.Minute

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// hasValues reports whether the record raw holds every value of fields.
func hasValues(raw []byte, fields map[string]any) bool {
	rec, err := sfdc.DecodeRecord(raw)
	if err != nil {
		return false
	}
	for name, want := range fields {
		got, ok := rec.Get(name)
		if !ok || !sameValue(want, got) {
			return false
		}
	}
	return true
}

// sameValue compares a value as sent with the value the org returns.
func sameValue(want, got any) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	if n, ok := got.(json.Number); ok {
		g, err := n.Float64()
		if err != nil {
			return false
		}
		switch w := want.(type) {
		case float64:
			return w == g
		case int64:
			return float64(w) == g
		case int:
			return float64(w) == g
		case json.Number:
			f, err := w.Float64()
			return err == nil && f == g
		}
		return false
	}
	ws, wok := want.(string)
	gs, gok := got.(string)
	if wok && gok {
		if ws == gs {
			return true
		}
		if len(ws) >= 15 && len(gs) >= 15 && (len(ws) == 15 || len(ws) == 18) && (len(gs) == 15 || len(gs) == 18) {
			if sfdc.ID(ws).Equal(sfdc.ID(gs)) {
				return true
			}
		}
		wt, err1 := sfdc.ParseTime(ws)
		gt, err2 := sfdc.ParseTime(gs)
		return err1 == nil && err2 == nil && wt.Equal(gt)
	}
	return want == got
}

// Sync pushes the outbox, then pulls the org's changes, then lays the
// writes still unsent over the records the pull refreshed. An unreachable
// org during the push is not an error here (the pull reports it); a
// revoked login or the API limit ends the sync with the outbox intact.
func Sync(ctx context.Context, c *sfdc.Client, st *store.Store, cfg Config, popts PushOptions) (*Result, *PushResult, error) {
	pushed, err := Push(ctx, c, st, popts)
	if err != nil {
		return nil, pushed, err
	}
	res, err := Run(ctx, c, st, cfg)
	if rerr := reapplyOutbox(st); rerr != nil && err == nil {
		err = rerr
	}
	if res != nil {
		res.APICalls += pushed.APICalls
	}
	return res, pushed, err
}

// reapplyOutbox lays the unsent writes over the cache again when there are
// any: with none, the read spares a write transaction (and its lock and
// fsyncs) at the end of every sync.
func reapplyOutbox(st *store.Store) error {
	counts, err := st.OutboxCounts()
	if err != nil {
		return err
	}
	for state, n := range counts {
		if state.Unsent() && n > 0 {
			return st.ReapplyOutbox()
		}
	}
	return nil
}

// FetchRecord reads one record from the org (one call) into the cache,
// e.g. before validating a write to a record the cache does not hold.
func FetchRecord(ctx context.Context, c *sfdc.Client, st *store.Store, object string, id sfdc.ID) error {
	p := &pusher{st: st, fields: map[string][]string{}}
	rec, err := c.GetRecord(ctx, object, id, p.readBack(object)...)
	if err != nil {
		return err
	}
	raw, err := rec.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", object, id, err)
	}
	return st.Update(func(w *store.Writer) error {
		_, err := w.PutRecord(object, raw)
		return err
	})
}
