package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/store/write"
	"github.com/lazyforce/lazyforce/views"
)

// StoreTasks is the TaskWriter over the bbolt cache: writes are validated
// and queued by store/write, then pushed by store/syncer under the sync's
// lock, as 'lazyforce update' does.
type StoreTasks struct {
	st     *store.Store
	book   *book.Book
	client func(context.Context) (*sfdc.Client, error)
	// Now is the clock of the writes (queue time); nil: time.Now.
	Now func() time.Time
}

var _ TaskWriter = (*StoreTasks)(nil)

// NewStoreTasks returns the TaskWriter over st; client returns the org's
// client for the push (nil, or an error: the write stays queued).
func NewStoreTasks(st *store.Store, client func(context.Context) (*sfdc.Client, error)) *StoreTasks {
	return &StoreTasks{st: st, book: book.New(st, book.Options{}), client: client}
}

// MyTasks implements TaskWriter.
func (s *StoreTasks) MyTasks(ctx context.Context) ([]book.Task, map[string]views.WriteState, error) {
	raw, err := s.st.OutboxStates()
	if err != nil {
		return nil, nil, fmt.Errorf("read the outbox: %w", err)
	}
	tasks, err := s.book.MyTasks(ctx, func(id string) bool { return raw[id] != "" })
	if err != nil {
		return nil, nil, err
	}
	states := make(map[string]views.WriteState)
	for _, t := range tasks {
		if st := raw[t.ID]; st != "" {
			states[t.ID] = views.ParseWriteState(string(st))
		}
	}
	return tasks, states, nil
}

// Complete implements TaskWriter.
func (s *StoreTasks) Complete(ctx context.Context, id string) (WriteResult, error) {
	return s.update(ctx, id, map[string]any{"Status": "Completed"})
}

// Reschedule implements TaskWriter.
func (s *StoreTasks) Reschedule(ctx context.Context, id string, due time.Time) (WriteResult, error) {
	var v any // nil clears the date
	if !due.IsZero() {
		v = due.Format(time.DateOnly)
	}
	return s.update(ctx, id, map[string]any{"ActivityDate": v})
}

// update queues the change of task id and pushes the outbox when the org
// can be reached.
func (s *StoreTasks) update(ctx context.Context, id string, fields map[string]any) (WriteResult, error) {
	w := write.New(s.st)
	w.Now = s.Now
	e, err := w.Update("Task", id, fields)
	var verr *write.ValidationError
	switch {
	case errors.As(err, &verr):
		res := WriteResult{Message: verr.Error()}
		if len(verr.Errors) > 0 {
			res.Field, res.Message = verr.Errors[0].Field, verr.Errors[0].Message
		}
		return res, nil
	case err != nil:
		return WriteResult{}, err
	}
	res := WriteResult{Queued: true}
	if s.client == nil {
		return res, nil
	}
	c, err := s.client(ctx)
	if err != nil {
		return res, nil // offline: the next sync pushes it
	}
	if err := s.push(ctx, c); err != nil {
		if sfdc.IsNetworkError(err) {
			return res, nil
		}
		return res, fmt.Errorf("queued, not sent: %w", err)
	}
	cur, err := s.st.OutboxEntry(e.ID)
	if err != nil {
		return res, fmt.Errorf("read outbox entry %d: %w", e.ID, err)
	}
	switch cur.State {
	case store.OutboxSent:
		res.Pushed = true
	case store.OutboxFailed, store.OutboxConflict:
		res.Message = string(cur.State)
		if cur.Error != "" {
			res.Message += ": " + cur.Error
		}
	}
	return res, nil
}

// push sends the outbox, taking the sync's turn so that no entry is sent
// twice.
func (s *StoreTasks) push(ctx context.Context, c *sfdc.Client) error {
	unlock, err := s.st.LockSync(ctx, nil)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = syncer.Push(ctx, c, s.st, syncer.PushOptions{})
	return err
}
