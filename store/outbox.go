package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// The outbox holds every write the user made, in order, until Salesforce
// has it. Each entry is one value of the outbox bucket under an 8-byte
// big-endian sequence number (flat keys and JSON values, so that a rebuild
// can carry the raw pairs over, see salvageFrom). An entry is written in
// the same transaction as the optimistic change to the cached record, so
// the cache never shows a change the outbox does not hold, and nothing
// queued is lost to a crash.
//
// States: pending (waiting to be pushed), sent (Salesforce has it; kept
// for a while so screens can say so), failed (Salesforce said no: the
// error is on the entry), conflict (the record changed on the server
// after the version the write was based on; the server's version is on
// the entry). Only pending entries are pushed; Retry makes a failed or
// conflicted entry pending again.

// OutboxKind is what an outbox entry does.
type OutboxKind string

// Outbox entry kinds.
const (
	OutboxUpdate OutboxKind = "update"
	OutboxCreate OutboxKind = "create"
)

// OutboxState is where an entry stands.
type OutboxState string

// Outbox entry states.
const (
	OutboxPending  OutboxState = "pending"
	OutboxSent     OutboxState = "sent"
	OutboxFailed   OutboxState = "failed"
	OutboxConflict OutboxState = "conflict"
)

// Unsent reports whether the entry's write has not reached Salesforce.
func (s OutboxState) Unsent() bool { return s != OutboxSent }

// keepSent is how many sent entries the outbox keeps (newest first).
const keepSent = 100

// localPod marks the placeholder Ids of records created offline: real
// Salesforce Ids never carry "zz" in the instance positions 4-5.
const localPod = "zz"

// OutboxEntry is one write.
type OutboxEntry struct {
	// ID orders the entries (1, 2, …); the outbox commands take it.
	ID     uint64      `json:"id"`
	Kind   OutboxKind  `json:"kind"`
	Object string      `json:"object"`
	State  OutboxState `json:"state"`
	// RecordID is the record written: for a create, the placeholder Id
	// (LocalID) until Salesforce assigned the real one.
	RecordID string `json:"record_id"`
	// LocalID is a create's placeholder Id in the cache.
	LocalID string `json:"local_id,omitempty"`
	// Fields are the values sent (JSON-typed; nil clears a field).
	Fields map[string]any `json:"fields"`
	// Overlay are values shown in the cache only, not sent: what
	// Salesforce derives from Fields (Probability from StageName).
	Overlay map[string]any `json:"overlay,omitempty"`
	// Base is the LastModifiedDate the update is based on: it is sent as
	// If-Unmodified-Since ("" sends none).
	Base string `json:"base,omitempty"`
	// Before is the cached record before the change (an update's undo).
	Before json.RawMessage `json:"before,omitempty"`
	// Server is the server's version of the record when the write
	// conflicted (the values to show side by side).
	Server json.RawMessage `json:"server,omitempty"`

	Error       string   `json:"error,omitempty"`
	ErrorCode   string   `json:"error_code,omitempty"`
	ErrorFields []string `json:"error_fields,omitempty"`
	Attempts    int      `json:"attempts"`
	// Unsure: a create was sent and no answer came back, so it may exist:
	// it is looked for before it is sent again.
	Unsure bool `json:"unsure,omitempty"`

	QueuedAt    time.Time `json:"queued_at"`
	AttemptedAt time.Time `json:"attempted_at,omitzero"`
	SentAt      time.Time `json:"sent_at,omitzero"`
}

// ErrNoEntry: no outbox entry has that id.
var ErrNoEntry = errors.New("no such outbox entry")

func outboxKey(id uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], id)
	return k[:]
}

func decodeEntry(v []byte) (OutboxEntry, error) {
	var e OutboxEntry
	if err := json.Unmarshal(v, &e); err != nil {
		return e, fmt.Errorf("decode outbox entry: %w", err)
	}
	return e, nil
}

// putEntry writes e under its id.
func (w *Writer) putEntry(e OutboxEntry) error {
	return putJSON(w.tx.Bucket(bucketOutbox), outboxKey(e.ID), e)
}

// getEntry reads entry id inside a write transaction.
func (w *Writer) getEntry(id uint64) (OutboxEntry, error) {
	v := w.tx.Bucket(bucketOutbox).Get(outboxKey(id))
	if v == nil {
		return OutboxEntry{}, fmt.Errorf("outbox entry %d: %w", id, ErrNoEntry)
	}
	return decodeEntry(v)
}

// entries lists the outbox in order inside a write transaction.
func (w *Writer) entries() ([]OutboxEntry, error) {
	return readEntries(w.tx)
}

func readEntries(tx *bolt.Tx) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil // not an entry
		}
		e, err := decodeEntry(v)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// nextEntryID is the next sequence number, above every key present (a
// rebuilt cache holds carried-over keys but a fresh bucket sequence).
func (w *Writer) nextEntryID() (uint64, error) {
	b := w.tx.Bucket(bucketOutbox)
	next, err := b.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("outbox sequence: %w", err)
	}
	if k, _ := b.Cursor().Last(); len(k) == 8 {
		if last := binary.BigEndian.Uint64(k); next <= last {
			next = last + 1
			if err := b.SetSequence(next); err != nil {
				return 0, fmt.Errorf("outbox sequence: %w", err)
			}
		}
	}
	return next, nil
}

// putRecordForce stores raw under object even when its SystemModstamp
// equals the cached version's (an optimistic change keeps the server's
// stamp, so that a pull of that same version leaves it alone).
func (w *Writer) putRecordForce(object string, raw []byte) error {
	id, b, err := w.putTarget(object, raw)
	if err != nil {
		return err
	}
	old := b.Get([]byte(id))
	if old != nil {
		if err := w.unindex(object, id, old); err != nil {
			return err
		}
	}
	// Like PutRecord: the lists' snapshots and COUNT() see the change.
	w.changed = true
	w.count(object, liveDelta(old, raw), false) // before Put: old is in the page
	if err := b.Put([]byte(id), raw); err != nil {
		return fmt.Errorf("put %s %s: %w", object, id, err)
	}
	return w.index(object, id, raw)
}

// cachedRecord returns a copy of the cached record, or nil.
func (w *Writer) cachedRecord(object, id string) []byte {
	b := w.recs.Bucket([]byte(object))
	if b == nil {
		return nil
	}
	if v := b.Get([]byte(id)); v != nil {
		return append([]byte(nil), v...)
	}
	return nil
}

// overlay sets fields (then extra) on raw, keeping the other fields and
// their order.
func overlay(raw []byte, fields, extra map[string]any) ([]byte, error) {
	rec, err := sfdc.DecodeRecord(raw)
	if err != nil {
		return nil, fmt.Errorf("decode cached record: %w", err)
	}
	for _, m := range []map[string]any{fields, extra} {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			rec.Set(k, m[k])
		}
	}
	return rec.MarshalJSON()
}

// localRecord is the cached stand-in of a record created offline.
func localRecord(e OutboxEntry) ([]byte, error) {
	rec := sfdc.NewRecord(e.Object)
	rec.Set("Id", e.LocalID)
	b, err := rec.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return overlay(b, e.Fields, e.Overlay)
}

// Enqueue adds a write to the outbox and applies it to the cached record,
// in one transaction. For an update, e.RecordID is the record's 18-char Id;
// Before and (unless set) Base come from the cached record. For a create,
// a placeholder Id with the object's key prefix (keyPrefix, e.g. "00T")
// is cached in its place until the push. It returns the stored entry.
func (s *Store) Enqueue(e OutboxEntry, keyPrefix string) (OutboxEntry, error) {
	err := s.Update(func(w *Writer) error {
		var err error
		e, err = w.Enqueue(e, keyPrefix)
		return err
	})
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("queue %s %s: %w", e.Kind, e.Object, err)
	}
	return e, nil
}

// Enqueue is Store.Enqueue inside the caller's transaction.
func (w *Writer) Enqueue(e OutboxEntry, keyPrefix string) (OutboxEntry, error) {
	id, err := w.nextEntryID()
	if err != nil {
		return e, err
	}
	e.ID, e.State, e.Attempts = id, OutboxPending, 0
	if e.QueuedAt.IsZero() {
		e.QueuedAt = time.Now().UTC()
	}
	switch e.Kind {
	case OutboxUpdate:
		if e.RecordID == "" {
			return e, errors.New("an update needs a record id")
		}
		// A record created offline and not pushed yet: the change joins
		// its create.
		if merged, ok, err := w.mergeIntoCreate(e); ok || err != nil {
			return merged, err
		}
		if cur := w.cachedRecord(e.Object, e.RecordID); cur != nil {
			e.Before = cur
			if e.Base == "" {
				e.Base = lastModified(cur)
			}
			raw, err := overlay(cur, e.Fields, e.Overlay)
			if err != nil {
				return e, err
			}
			if err := w.putRecordForce(e.Object, raw); err != nil {
				return e, err
			}
		}
	case OutboxCreate:
		if len(keyPrefix) != 3 {
			return e, fmt.Errorf("create %s: no key prefix for a placeholder id", e.Object)
		}
		e.LocalID = string(sfdc.NewID(keyPrefix, localPod, id))
		e.RecordID = e.LocalID
		raw, err := localRecord(e)
		if err != nil {
			return e, err
		}
		if err := w.putRecordForce(e.Object, raw); err != nil {
			return e, err
		}
	default:
		return e, fmt.Errorf("unknown outbox entry kind %q", e.Kind)
	}
	return e, w.putEntry(e)
}

// mergeIntoCreate adds an update of a record created offline to its
// pending create entry.
func (w *Writer) mergeIntoCreate(e OutboxEntry) (OutboxEntry, bool, error) {
	if !IsLocalID(e.RecordID) {
		return e, false, nil
	}
	all, err := w.entries()
	if err != nil {
		return e, false, err
	}
	for _, c := range all {
		if c.Kind != OutboxCreate || c.LocalID != e.RecordID || c.State == OutboxSent || c.Unsure || c.Attempts > 0 {
			continue
		}
		if c.Fields == nil {
			c.Fields = map[string]any{}
		}
		maps.Copy(c.Fields, e.Fields)
		if len(e.Overlay) > 0 {
			if c.Overlay == nil {
				c.Overlay = map[string]any{}
			}
			maps.Copy(c.Overlay, e.Overlay)
		}
		raw, err := localRecord(c)
		if err != nil {
			return e, true, err
		}
		if err := w.putRecordForce(c.Object, raw); err != nil {
			return e, true, err
		}
		return c, true, w.putEntry(c)
	}
	return e, false, fmt.Errorf("record %s was created offline and its create was already sent or failed; sync first", e.RecordID)
}

// IsLocalID reports whether id is the placeholder of a record created
// offline and not yet known to Salesforce.
func IsLocalID(id string) bool {
	return len(id) == 18 && id[3:5] == localPod
}

// lastModified reads LastModifiedDate from a raw record ("" if missing).
func lastModified(raw []byte) string {
	lm, _ := fieldString(raw, "LastModifiedDate")
	return lm
}

// Outbox lists every entry, oldest first.
func (s *Store) Outbox() ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = readEntries(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// OutboxEntry returns one entry by id.
func (s *Store) OutboxEntry(id uint64) (OutboxEntry, error) {
	var e OutboxEntry
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketOutbox).Get(outboxKey(id))
		if v == nil {
			return fmt.Errorf("outbox entry %d: %w", id, ErrNoEntry)
		}
		var err error
		e, err = decodeEntry(v)
		return err
	})
	return e, err
}

// OutboxStates returns, per record Id with an unsent write, the state of
// its most urgent one (conflict, then failed, then pending): the marks of
// lists and detail views.
func (s *Store) OutboxStates() (map[string]OutboxState, error) {
	all, err := s.Outbox()
	if err != nil {
		return nil, err
	}
	rank := map[OutboxState]int{OutboxPending: 1, OutboxFailed: 2, OutboxConflict: 3}
	out := map[string]OutboxState{}
	for _, e := range all {
		if !e.State.Unsent() {
			continue
		}
		if rank[e.State] > rank[out[e.RecordID]] {
			out[e.RecordID] = e.State
		}
	}
	return out, nil
}

// OutboxCounts counts the entries per state.
func (s *Store) OutboxCounts() (map[OutboxState]int, error) {
	all, err := s.Outbox()
	if err != nil {
		return nil, err
	}
	out := map[OutboxState]int{}
	for _, e := range all {
		out[e.State]++
	}
	return out, nil
}

// UpdateEntry runs fn on entry id inside a write transaction and stores
// what it returns.
func (s *Store) updateEntry(id uint64, fn func(w *Writer, e *OutboxEntry) error) (OutboxEntry, error) {
	var e OutboxEntry
	err := s.Update(func(w *Writer) error {
		var err error
		if e, err = w.getEntry(id); err != nil {
			return err
		}
		if err := fn(w, &e); err != nil {
			return err
		}
		return w.putEntry(e)
	})
	return e, err
}

// RetryEntry makes a failed or conflicted entry pending again. With
// rebase (a conflict's "apply mine anyway"), the update is based on the
// server's version it conflicted with, so it overwrites that version.
func (s *Store) RetryEntry(id uint64, rebase bool) (OutboxEntry, error) {
	return s.updateEntry(id, func(w *Writer, e *OutboxEntry) error {
		if e.State == OutboxSent {
			return fmt.Errorf("outbox entry %d was already sent", id)
		}
		if rebase && len(e.Server) > 0 {
			e.Base = lastModified(e.Server)
		}
		e.State, e.Error, e.ErrorCode, e.ErrorFields = OutboxPending, "", "", nil
		return nil
	})
}

// EditEntry replaces an unsent entry's fields (and overlay) and makes it
// pending again; the cached record shows the new values.
func (s *Store) EditEntry(id uint64, fields, overlayValues map[string]any) (OutboxEntry, error) {
	return s.updateEntry(id, func(w *Writer, e *OutboxEntry) error {
		if e.State == OutboxSent {
			return fmt.Errorf("outbox entry %d was already sent", id)
		}
		if e.Unsure {
			return fmt.Errorf("outbox entry %d may have reached the org; push it before editing", id)
		}
		e.Fields, e.Overlay = fields, overlayValues
		e.State, e.Error, e.ErrorCode, e.ErrorFields = OutboxPending, "", "", nil
		return w.rebuildRecord(*e, 0)
	})
}

// DiscardEntry drops an unsent entry and restores the server's version of
// its record in the cache (the other unsent writes of that record stay
// applied on top of it). A discarded create removes its placeholder.
func (s *Store) DiscardEntry(id uint64) error {
	return s.Update(func(w *Writer) error {
		e, err := w.getEntry(id)
		if err != nil {
			return err
		}
		if e.State == OutboxSent {
			return fmt.Errorf("outbox entry %d was already sent", id)
		}
		if e.Unsure {
			return fmt.Errorf("outbox entry %d may have reached the org; push it before discarding", id)
		}
		if e.Kind == OutboxCreate {
			if _, err := w.DeleteRecord(e.Object, e.LocalID); err != nil {
				return err
			}
		} else if err := w.rebuildRecord(e, id); err != nil {
			return err
		}
		if err := w.tx.Bucket(bucketOutbox).Delete(outboxKey(id)); err != nil {
			return fmt.Errorf("discard outbox entry %d: %w", id, err)
		}
		return nil
	})
}

// rebuildRecord recomputes the cached version of e's record: the server's
// version (the conflict's, else the first unsent write's Before) with
// every unsent write of the record applied in order, except entry skip.
func (w *Writer) rebuildRecord(e OutboxEntry, skip uint64) error {
	all, err := w.entries()
	if err != nil {
		return err
	}
	if e.Kind == OutboxCreate {
		for i := range all {
			if all[i].ID == e.ID {
				all[i] = e
			}
		}
		raw, err := localRecord(e)
		if err != nil {
			return err
		}
		return w.putRecordForce(e.Object, raw)
	}
	var base []byte
	var chain []OutboxEntry
	for _, o := range all {
		if o.ID == e.ID {
			o = e // the edited version
		}
		if o.Kind != OutboxUpdate || o.RecordID != e.RecordID || !o.State.Unsent() {
			continue
		}
		if base == nil {
			base = o.Before
		}
		if len(o.Server) > 0 {
			base = o.Server
		}
		if o.ID != skip {
			chain = append(chain, o)
		}
	}
	if e.ID == skip && len(e.Server) > 0 {
		base = e.Server
	}
	if base == nil {
		base = e.Before
	}
	if base == nil {
		return nil // the record was not cached
	}
	raw := []byte(base)
	for _, o := range chain {
		if raw, err = overlay(raw, o.Fields, o.Overlay); err != nil {
			return err
		}
	}
	return w.putRecordForce(e.Object, raw)
}

// ReapplyOutbox lays the unsent writes over the cached records again after
// a pull replaced them with the server's versions (a full sync rewrites
// every record), and re-creates the placeholders of offline creates.
func (s *Store) ReapplyOutbox() error {
	return s.Update(func(w *Writer) error {
		all, err := w.entries()
		if err != nil {
			return err
		}
		done := map[string]bool{}
		for _, e := range all {
			if !e.State.Unsent() || done[e.RecordID] {
				continue
			}
			done[e.RecordID] = true
			if e.Kind == OutboxCreate {
				if err := w.rebuildRecord(e, 0); err != nil {
					return err
				}
				continue
			}
			cur := w.cachedRecord(e.Object, e.RecordID)
			if cur == nil {
				continue
			}
			// A newer server version becomes the base the writes show on.
			if a, b := modstampOf(cur), modstampOf(e.Before); a != "" && a != b && len(e.Server) == 0 {
				e.Before = cur
				if err := w.putEntry(e); err != nil {
					return err
				}
			}
			if err := w.rebuildRecord(e, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

func modstampOf(raw []byte) string {
	if raw == nil {
		return ""
	}
	st, err := ReadStamp(raw)
	if err != nil {
		return ""
	}
	return st.Modstamp
}

// PendingEntries lists the entries to push, oldest first: pending ones
// whose record has no earlier failed or conflicted write (a record's
// writes go in order, so they wait until that one is settled).
func (s *Store) PendingEntries() ([]OutboxEntry, error) {
	all, err := s.Outbox()
	if err != nil {
		return nil, err
	}
	blocked := map[string]bool{}
	var out []OutboxEntry
	for _, e := range all {
		switch e.State {
		case OutboxFailed, OutboxConflict:
			blocked[e.RecordID] = true
		case OutboxPending:
			if !blocked[e.RecordID] {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// Attempt records that entry id is about to be sent (Attempts+1, and
// Unsure for a create whose answer may get lost). It is committed before
// the request goes out.
func (s *Store) Attempt(id uint64, at time.Time) (OutboxEntry, error) {
	return s.updateEntry(id, func(w *Writer, e *OutboxEntry) error {
		e.Attempts++
		e.AttemptedAt = at.UTC()
		if e.Kind == OutboxCreate {
			e.Unsure = true
		}
		return nil
	})
}

// SettleUnsure clears a create's Unsure mark: it was answered (and
// failed, or did not reach the org).
func (s *Store) SettleUnsure(id uint64) error {
	_, err := s.updateEntry(id, func(w *Writer, e *OutboxEntry) error {
		e.Unsure = false
		return nil
	})
	return err
}

// MarkSent records that Salesforce has entry id: server is the record as
// Salesforce now has it (read back in the same call; nil if not), which
// replaces the cached version (with later unsent writes of the record laid
// over it). A create's placeholder is replaced by the real record and Id,
// also in later entries that refer to it; a later update of the record
// is now based on server's LastModifiedDate.
func (s *Store) MarkSent(id uint64, recordID string, server []byte, at time.Time) (OutboxEntry, error) {
	var e OutboxEntry
	err := s.Update(func(w *Writer) error {
		var err error
		if e, err = w.getEntry(id); err != nil {
			return err
		}
		oldID := e.RecordID
		e.State, e.SentAt, e.Unsure = OutboxSent, at.UTC(), false
		e.Error, e.ErrorCode, e.ErrorFields, e.Server = "", "", nil, nil
		if recordID != "" {
			e.RecordID = recordID
		}
		if err := w.putEntry(e); err != nil {
			return err
		}
		if e.Kind == OutboxCreate && e.LocalID != "" {
			if _, err := w.DeleteRecord(e.Object, e.LocalID); err != nil {
				return err
			}
		}
		all, err := w.entries()
		if err != nil {
			return err
		}
		newBase := lastModified(server)
		var later []OutboxEntry
		for _, o := range all {
			if o.ID <= e.ID || !o.State.Unsent() {
				continue
			}
			changed := false
			if oldID != e.RecordID {
				for k, v := range o.Fields {
					if v == oldID {
						o.Fields[k] = e.RecordID
						changed = true
					}
				}
			}
			if o.RecordID == e.RecordID && o.Kind == OutboxUpdate {
				if newBase != "" && o.Base == e.Base {
					o.Base = newBase
				}
				if server != nil {
					o.Before = server
				}
				changed = true
				later = append(later, o)
			}
			if changed {
				if err := w.putEntry(o); err != nil {
					return err
				}
			}
		}
		if server != nil {
			raw := server
			for _, o := range later {
				if raw, err = overlay(raw, o.Fields, o.Overlay); err != nil {
					return err
				}
			}
			if err := w.putRecordForce(e.Object, raw); err != nil {
				return err
			}
		}
		return w.pruneSent()
	})
	if err != nil {
		return e, fmt.Errorf("record outbox entry %d as sent: %w", id, err)
	}
	return e, nil
}

// pruneSent keeps only the newest keepSent sent entries.
func (w *Writer) pruneSent() error {
	all, err := w.entries()
	if err != nil {
		return err
	}
	var sent []uint64
	for _, e := range all {
		if e.State == OutboxSent {
			sent = append(sent, e.ID)
		}
	}
	for len(sent) > keepSent {
		if err := w.tx.Bucket(bucketOutbox).Delete(outboxKey(sent[0])); err != nil {
			return err
		}
		sent = sent[1:]
	}
	return nil
}

// MarkFailed records that Salesforce refused entry id (state failed) or
// that it conflicted (state conflict, with the server's version). The
// cached record keeps showing the user's change until it is retried,
// edited or discarded.
func (s *Store) MarkFailed(id uint64, state OutboxState, code, message string, fields []string, server []byte) (OutboxEntry, error) {
	e, err := s.updateEntry(id, func(w *Writer, e *OutboxEntry) error {
		e.State, e.ErrorCode, e.Error, e.ErrorFields, e.Unsure = state, code, message, fields, false
		if server != nil {
			e.Server = server
		}
		return nil
	})
	if err != nil {
		return e, fmt.Errorf("record outbox entry %d as %s: %w", id, state, err)
	}
	return e, nil
}

// NoteError records a transient error on a still pending entry (shown
// while it waits for the next push).
func (s *Store) NoteError(id uint64, message string) error {
	_, err := s.updateEntry(id, func(w *Writer, e *OutboxEntry) error {
		e.Error = message
		return nil
	})
	return err
}
