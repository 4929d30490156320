package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/store/write"
	"github.com/lazyforce/lazyforce/views"
)

// StoreWriterOptions complete a StoreWriter.
type StoreWriterOptions struct {
	// Client returns the org's client; an error means offline (writes
	// are queued, pushed by the next sync). nil: writes are only queued.
	Client func(ctx context.Context) (*sfdc.Client, error)
	// PushWait bounds the wait for the sync's turn when a sync runs: past
	// it the write stays queued for that sync (the app's pushes again when
	// its pull ends) or the next one (0: 2s).
	PushWait time.Duration
	// PushAttempts is how often a write pushed from the app is tried on
	// transient failures before it is left for the next sync (0: 2, so
	// a user waits seconds at most on a flaky network).
	PushAttempts int
	// Now is the clock (queue times); nil: time.Now.
	Now func() time.Time
}

// StoreWriter is the Writer over the cache: store/write validates and
// queues each write in the outbox (with the optimistic change to the
// cached record), and store/syncer pushes it at once when the org is
// reachable, holding the sync's turn so nothing is sent twice.
type StoreWriter struct {
	st    *store.Store
	w     *write.Writer
	book  *book.Book
	opts  StoreWriterOptions
	clock func() time.Time

	mu sync.Mutex
	// lossRequired: the org refused a closed-lost stage without a loss
	// reason, so the picker asks for one from then on.
	lossRequired bool
	// refused are the outbox entries the org refused, by what they
	// write ("stage OPPID", "task WHAT WHO"): the user's fixed retry
	// replaces the refused entry rather than adding a second one.
	refused map[string]uint64
}

var _ Writer = (*StoreWriter)(nil)

// NewStoreWriter returns the Writer over an open cache.
func NewStoreWriter(st *store.Store, opts StoreWriterOptions) *StoreWriter {
	if opts.PushWait <= 0 {
		opts.PushWait = 2 * time.Second
	}
	if opts.PushAttempts <= 0 {
		opts.PushAttempts = 2
	}
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	w := write.New(st)
	w.Now = clock
	return &StoreWriter{st: st, w: w, book: book.New(st, book.Options{}), opts: opts, clock: clock, refused: map[string]uint64{}}
}

// lossReasonField is the demo org's (and a common) custom field for why
// a deal was lost.
const lossReasonField = views.DefaultLossReasonField

// StagePicker implements Writer.
func (s *StoreWriter) StagePicker(ctx context.Context, oppID string) (views.StagePickerInput, error) {
	o, ok, err := s.book.Opportunity(ctx, oppID)
	if err != nil {
		return views.StagePickerInput{}, err
	}
	if !ok {
		return views.StagePickerInput{}, fmt.Errorf("opportunity %s is not in the cache", oppID)
	}
	pl, err := s.w.RecordPicklists("Opportunity", oppID)
	if err != nil {
		return views.StagePickerInput{}, err
	}
	in := views.StagePickerInput{OpportunityID: oppID, OpportunityName: o.Name, CurrentStage: o.StageName, PicklistAsOf: pl.FetchedAt}
	if pl.FetchedAt.IsZero() {
		// Not cached (a sync that could not read them): read them now
		// when the org is reachable, else describe's values stand.
		if fresh, ok := s.refreshPicklists(ctx, "Opportunity", oppID, pl.RecordTypeID); ok {
			pl, in.Live, in.PicklistAsOf = fresh, true, time.Time{}
		}
	}
	for _, v := range pl.Values("StageName") {
		opt := views.StageOption{Value: v.Value, Label: v.Label}
		if a := v.Attributes; a != nil {
			opt.Probability, opt.IsClosed, opt.IsWon = a.DefaultProbability, a.Closed, a.Won
		}
		in.Stages = append(in.Stages, opt)
	}
	d, err := s.w.Describe("Opportunity")
	if err != nil {
		return views.StagePickerInput{}, err
	}
	if f := d.Field(lossReasonField); f != nil && f.Updateable {
		in.LossReasonField = f.Name
		in.LossReasons = options(pl, f, f.Name)
		s.mu.Lock()
		in.LossReasonRequired = s.lossRequired || !f.Nillable
		s.mu.Unlock()
	}
	return in, nil
}

// refreshPicklists reads a record type's picklists from the org into the
// cache (one call); ok is false offline.
func (s *StoreWriter) refreshPicklists(ctx context.Context, object, id string, rt sfdc.ID) (*write.Picklists, bool) {
	if s.opts.Client == nil {
		return nil, false
	}
	c, err := s.opts.Client(ctx)
	if err != nil {
		return nil, false
	}
	if err := syncer.RefreshPicklists(ctx, c, s.st, object, rt); err != nil {
		return nil, false
	}
	pl, err := s.w.RecordPicklists(object, id)
	if err != nil {
		return nil, false
	}
	return pl, true
}

// options are a picklist's values with the default marked: the record
// type's default, else describe's.
func options(pl *write.Picklists, f *sfdc.Field, field string) []views.PicklistOption {
	def := f.DefaultString()
	if pv, ok := pl.Fields[field]; ok && pv.DefaultValue != nil {
		def = pv.DefaultValue.Value
	}
	var out []views.PicklistOption
	for _, v := range pl.Values(field) {
		out = append(out, views.PicklistOption{Value: v.Value, Label: v.Label, Default: v.Value == def})
	}
	return out
}

// ChangeStage implements Writer.
func (s *StoreWriter) ChangeStage(ctx context.Context, oppID, stage, lossReason string) (WriteResult, error) {
	fields := map[string]any{"StageName": stage}
	if lossReason != "" {
		fields[lossReasonField] = lossReason
	}
	return s.queue(ctx, "stage "+oppID, fields, func() (store.OutboxEntry, error) {
		return s.w.Update("Opportunity", oppID, fields)
	})
}

// TaskForm implements Writer.
func (s *StoreWriter) TaskForm(ctx context.Context, kind views.RecordKind, id string, call bool) (views.TaskFormInput, error) {
	in := views.TaskFormInput{Call: call}
	accountID := ""
	switch kind {
	case views.AccountRecord:
		a, ok, err := s.book.Account(ctx, id)
		if err := notCachedErr(ok, err, "account", id); err != nil {
			return in, err
		}
		in.WhatID, in.WhatName, in.WhatType, accountID = id, a.Name, "Account", id
	case views.OpportunityRecord:
		o, ok, err := s.book.Opportunity(ctx, id)
		if err := notCachedErr(ok, err, "opportunity", id); err != nil {
			return in, err
		}
		in.WhatID, in.WhatName, in.WhatType, accountID = id, o.Name, "Opportunity", o.AccountID
	case views.ContactRecord, views.LeadRecord:
		who, whoType, err := s.person(ctx, kind, id)
		if err != nil {
			return in, err
		}
		in.WhoID, in.WhatName, in.WhatType = id, who.Name, whoType
		in.Contacts = []views.ContactOption{who}
	default:
		return in, fmt.Errorf("no tasks on a record of kind %d", kind)
	}
	if accountID != "" {
		people, err := s.book.Contacts(ctx, accountID)
		if err != nil {
			return in, err
		}
		slices.SortFunc(people, func(a, b book.Contact) int { return strings.Compare(a.Name, b.Name) })
		for _, c := range people {
			in.Contacts = append(in.Contacts, views.ContactOption{ID: c.ID, Name: c.Name, Title: c.Title})
		}
	}
	d, err := s.w.Describe("Task")
	if err != nil {
		return in, err
	}
	pl, err := s.w.RecordPicklists("Task", "")
	if err != nil {
		return in, err
	}
	for _, v := range pl.Values("Subject") {
		in.Subjects = append(in.Subjects, v.Value)
	}
	if f := d.Field("Status"); f != nil {
		in.Statuses = options(pl, f, f.Name)
		for i := range in.Statuses {
			// The org's closed task statuses (TaskStatus.IsClosed) are not
			// in describe; Completed is Salesforce's standard one.
			in.Statuses[i].Closed = in.Statuses[i].Value == "Completed"
		}
	}
	if f := d.Field("Priority"); f != nil {
		in.Priorities = options(pl, f, f.Name)
	}
	if f := d.Field("CallType"); f != nil && call {
		in.CallTypes = options(pl, f, f.Name)
	}
	return in, nil
}

// person returns the cached contact or lead id (kind says which) as the
// task form offers it, and its object.
func (s *StoreWriter) person(ctx context.Context, kind views.RecordKind, id string) (views.ContactOption, string, error) {
	if kind == views.LeadRecord {
		l, ok, err := s.book.Lead(ctx, id)
		return views.ContactOption{ID: l.ID, Name: l.Name, Title: l.Title}, "Lead", notCachedErr(ok, err, "lead", id)
	}
	c, ok, err := s.book.Contact(ctx, id)
	return views.ContactOption{ID: c.ID, Name: c.Name, Title: c.Title}, "Contact", notCachedErr(ok, err, "contact", id)
}

func notCachedErr(ok bool, err error, what, id string) error {
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s %s is not in the cache", what, id)
	}
	return nil
}

// LogTask implements Writer.
func (s *StoreWriter) LogTask(ctx context.Context, t views.TaskSubmittedMsg) (WriteResult, error) {
	fields := map[string]any{"Subject": t.Subject}
	set := func(name, v string) {
		if v != "" {
			fields[name] = v
		}
	}
	set("WhatId", t.WhatID)
	set("WhoId", t.WhoID)
	set("Status", t.Status)
	set("Priority", t.Priority)
	set("Description", t.Description)
	set("TaskSubtype", t.TaskSubtype)
	if !t.ActivityDate.IsZero() {
		fields["ActivityDate"] = t.ActivityDate.Format(time.DateOnly)
	}
	if t.Call {
		fields["TaskSubtype"] = "Call"
		if t.Status == "" {
			fields["Status"] = "Completed"
		}
		set("CallType", t.CallType)
		if t.CallDurationInSeconds != nil {
			fields["CallDurationInSeconds"] = strconv.Itoa(*t.CallDurationInSeconds)
		}
	}
	return s.queue(ctx, "task "+t.WhatID+" "+t.WhoID, fields, func() (store.OutboxEntry, error) {
		return s.w.Create("Task", fields)
	})
}

// queue validates and queues a write (or, when the org refused the same
// write before, puts the new values in that entry), then pushes it when
// the org is reachable.
func (s *StoreWriter) queue(ctx context.Context, key string, fields map[string]any, create func() (store.OutboxEntry, error)) (WriteResult, error) {
	s.mu.Lock()
	prev, retry := s.refused[key]
	s.mu.Unlock()
	var e store.OutboxEntry
	var err error
	if retry {
		if cur, gerr := s.st.OutboxEntry(prev); gerr != nil || cur.State != store.OutboxFailed {
			retry = false
		}
	}
	if retry {
		e, err = s.w.Edit(prev, fields)
	} else {
		e, err = create()
	}
	if err != nil {
		var verr *write.ValidationError
		if errors.As(err, &verr) && len(verr.Errors) > 0 {
			fe := verr.Errors[0]
			return WriteResult{Field: fe.Field, Message: fe.Message}, nil
		}
		return WriteResult{}, err
	}
	res, err := s.push(ctx, e.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !res.Queued && res.Message != "" {
		s.refused[key] = e.ID
		if strings.EqualFold(res.Field, lossReasonField) {
			s.lossRequired = true
		}
	} else {
		delete(s.refused, key)
	}
	return res, err
}

// push sends the outbox now, holding the sync's turn, and says how entry
// id went. Offline, or while a sync holds the turn past PushWait, the
// entry stays queued: the next sync pushes it. A refusal of the org comes
// back as Field and Message (the entry stays in the outbox, failed); a
// conflict, an expired login or a used-up API limit as an error beside a
// queued result.
func (s *StoreWriter) push(ctx context.Context, id uint64) (WriteResult, error) {
	queued := WriteResult{Queued: true}
	if s.opts.Client == nil {
		return queued, nil
	}
	c, err := s.opts.Client(ctx)
	if err != nil {
		return queued, nil // offline or not logged in: the sync pushes it
	}
	lctx, cancel := context.WithTimeout(ctx, s.opts.PushWait)
	unlock, err := s.st.LockSync(lctx, nil)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return queued, fmt.Errorf("queued, not pushed: %w", ctx.Err())
		}
		return queued, nil // a sync holds the turn: a sync pushes it
	}
	_, perr := syncer.Push(ctx, c, s.st, syncer.PushOptions{Attempts: s.opts.PushAttempts})
	unlock()
	e, err := s.st.OutboxEntry(id)
	if err != nil {
		return queued, err
	}
	switch e.State {
	case store.OutboxSent:
		return WriteResult{Queued: true, Pushed: true}, nil
	case store.OutboxFailed:
		field := ""
		if len(e.ErrorFields) > 0 {
			field = e.ErrorFields[0]
		}
		msg := e.Error
		if msg == "" {
			msg = e.ErrorCode
		}
		return WriteResult{Field: field, Message: msg}, nil
	case store.OutboxConflict:
		return queued, fmt.Errorf("%s %s changed on the server since your copy; nothing was overwritten: :outbox shows both versions", e.Object, e.RecordID)
	}
	if perr != nil && !sfdc.IsNetworkError(perr) {
		return queued, perr
	}
	return queued, nil
}

// Outbox implements Writer: every entry the store keeps (the unsent ones
// and the recently sent), oldest first.
func (s *StoreWriter) Outbox(ctx context.Context) ([]views.OutboxEntry, error) {
	all, err := s.st.Outbox()
	if err != nil {
		return nil, err
	}
	out := make([]views.OutboxEntry, 0, len(all))
	for _, e := range all {
		v := views.OutboxEntry{
			ID: strconv.FormatUint(e.ID, 10), Operation: string(e.Kind), Object: e.Object, RecordID: e.RecordID,
			RecordName: s.recordName(e), Fields: slices.Sorted(maps.Keys(e.Fields)), State: writeState(e.State), Queued: e.QueuedAt,
		}
		if e.State != store.OutboxSent {
			v.Error = e.Error
			if e.ErrorCode != "" && e.Error != "" {
				v.Error = e.ErrorCode + ": " + e.Error
			}
		}
		if e.State == store.OutboxConflict {
			v.Conflict = conflict(e)
		}
		out = append(out, v)
	}
	return out, nil
}

// recordName is the name (or a task's subject) of an entry's record.
func (s *StoreWriter) recordName(e store.OutboxEntry) string {
	raw, ok, err := s.st.Get(e.Object, e.RecordID)
	if err != nil || !ok {
		if v, ok := e.Fields["Subject"].(string); ok {
			return v
		}
		return ""
	}
	var r struct{ Name, Subject string }
	_ = json.Unmarshal(raw, &r)
	if r.Name != "" {
		return r.Name
	}
	return r.Subject
}

// conflict compares a conflicted update's values with the server's.
func conflict(e store.OutboxEntry) []views.ConflictField {
	var server map[string]any
	_ = json.Unmarshal(e.Server, &server)
	var out []views.ConflictField
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		out = append(out, views.ConflictField{Field: k, Mine: sfdc.ValueText(e.Fields[k]), Theirs: sfdc.ValueText(server[k])})
	}
	return out
}

func writeState(s store.OutboxState) views.WriteState {
	switch s {
	case store.OutboxPending:
		return views.WritePending
	case store.OutboxSent:
		return views.WriteSent
	case store.OutboxFailed:
		return views.WriteFailed
	case store.OutboxConflict:
		return views.WriteConflict
	}
	return views.WriteNone
}

func entryID(id string) (uint64, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not an outbox entry id", id)
	}
	return n, nil
}

// Retry implements Writer: the entry is pending again and pushed now.
func (s *StoreWriter) Retry(ctx context.Context, id string) error {
	return s.retry(ctx, id, false)
}

func (s *StoreWriter) retry(ctx context.Context, id string, rebase bool) error {
	n, err := entryID(id)
	if err != nil {
		return err
	}
	if _, err := s.st.RetryEntry(n, rebase); err != nil {
		return err
	}
	res, err := s.push(ctx, n)
	if err != nil {
		return err
	}
	if !res.Queued {
		if res.Field != "" {
			return fmt.Errorf("refused again: %s: %s", res.Field, res.Message)
		}
		return fmt.Errorf("refused again: %s", res.Message)
	}
	return nil
}

// Discard implements Writer.
func (s *StoreWriter) Discard(ctx context.Context, id string) error {
	n, err := entryID(id)
	if err != nil {
		return err
	}
	return s.st.DiscardEntry(n)
}

// Resolve implements Writer: ApplyMine sends the entry again based on the
// server's version it conflicted with; KeepTheirs discards it.
func (s *StoreWriter) Resolve(ctx context.Context, id string, r views.Resolution) error {
	if r == views.KeepTheirs {
		return s.Discard(ctx, id)
	}
	return s.retry(ctx, id, true)
}

// WriteStates implements Writer: the most urgent unsent write of each
// record (store.OutboxStates), else sent when the outbox still keeps a
// sent write of it.
func (s *StoreWriter) WriteStates(ctx context.Context) (map[string]views.WriteState, error) {
	states, err := s.st.OutboxStates()
	if err != nil {
		return nil, err
	}
	all, err := s.st.Outbox()
	if err != nil {
		return nil, err
	}
	out := make(map[string]views.WriteState, len(states))
	for _, e := range all {
		if e.State == store.OutboxSent {
			out[e.RecordID] = views.WriteSent
		}
	}
	for id, st := range states {
		out[id] = writeState(st)
	}
	return out, nil
}
