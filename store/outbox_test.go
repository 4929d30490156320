package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

func oppRecord(id, stage, lmd string) []byte {
	return rec("Opportunity", id, `,"Name":"Deal","StageName":"`+stage+`","NextStep":null,"LastModifiedDate":"`+lmd+`","SystemModstamp":"`+lmd+`"`)
}

func putRaw(t *testing.T, s *Store, object string, raw []byte) {
	t.Helper()
	noErr(t, s.Update(func(w *Writer) error { _, err := w.PutRecord(object, raw); return err }))
}

// storeWithOpp opens a temporary store that holds one opportunity, at
// Qualification and last modified at lmd1, and returns it with its Id.
func storeWithOpp(t *testing.T) (*Store, string) {
	t.Helper()
	s := openTemp(t)
	opp := string(sfdc.NewID("006", "4S", 1))
	putRaw(t, s, "Opportunity", oppRecord(opp, "Qualification", lmd1))
	return s, opp
}

// enqueueUpdate queues an update of fields on the opportunity opp.
func enqueueUpdate(t *testing.T, s *Store, opp string, fields map[string]any) OutboxEntry {
	t.Helper()
	e, err := s.Enqueue(OutboxEntry{Kind: OutboxUpdate, Object: "Opportunity", RecordID: opp, Fields: fields}, "")
	noErr(t, err)
	return e
}

func field(t *testing.T, s *Store, object, id, name string) string {
	t.Helper()
	raw, ok, err := s.Get(object, id)
	if err != nil || !ok {
		t.Fatalf("get %s %s: %v %v", object, id, ok, err)
	}
	r, err := sfdc.DecodeRecord(raw)
	noErr(t, err)
	return r.String(name)
}

const (
	lmd1 = "2026-11-02T09:00:00.000+0000"
	lmd2 = "2026-11-02T10:00:00.000+0000"
)

func TestEnqueueShowsTheChangeAtOnce(t *testing.T) {
	s, opp := storeWithOpp(t)
	orig := oppRecord(opp, "Qualification", lmd1)
	e, err := s.Enqueue(OutboxEntry{Kind: OutboxUpdate, Object: "Opportunity", RecordID: opp,
		Fields: map[string]any{"StageName": "Closed Won"}, Overlay: map[string]any{"Probability": 100}}, "")
	noErr(t, err)
	if e.ID != 1 || e.State != OutboxPending || e.Base != lmd1 || string(e.Before) != string(orig) {
		t.Fatalf("entry = %+v", e)
	}
	if got := field(t, s, "Opportunity", opp, "StageName"); got != "Closed Won" {
		t.Errorf("cached stage %q", got)
	}
	if got := field(t, s, "Opportunity", opp, "Probability"); got != "100" {
		t.Errorf("cached probability %q", got)
	}
	if ids, _ := s.ByStage("Opportunity", "Closed Won"); len(ids) != 1 {
		t.Errorf("stage index: %v", ids)
	}
	// A pull of the same server version leaves the change shown.
	putRaw(t, s, "Opportunity", orig)
	if got := field(t, s, "Opportunity", opp, "StageName"); got != "Closed Won" {
		t.Errorf("after a pull of the same version: %q", got)
	}
	task, err := s.Enqueue(OutboxEntry{Kind: OutboxCreate, Object: "Task", Fields: map[string]any{"Subject": "Call"}}, "00T")
	noErr(t, err)
	if task.ID != 2 || !IsLocalID(task.RecordID) || task.RecordID != task.LocalID {
		t.Fatalf("create entry = %+v", task)
	}
	if got := field(t, s, "Task", task.LocalID, "Subject"); got != "Call" {
		t.Errorf("cached task subject %q", got)
	}
	// A change to the offline record joins its create.
	merged, err := s.Enqueue(OutboxEntry{Kind: OutboxUpdate, Object: "Task", RecordID: task.LocalID, Fields: map[string]any{"Priority": "High"}}, "")
	noErr(t, err)
	if merged.ID != task.ID || merged.Fields["Priority"] != "High" || merged.Fields["Subject"] != "Call" {
		t.Errorf("merged = %+v", merged)
	}
	states, err := s.OutboxStates()
	noErr(t, err)
	if states[opp] != OutboxPending || states[task.LocalID] != OutboxPending || len(states) != 2 {
		t.Errorf("states = %v", states)
	}
	if all, _ := s.Outbox(); len(all) != 2 {
		t.Errorf("outbox has %d entries", len(all))
	}
	if IsLocalID(opp) {
		t.Errorf("%s taken for a placeholder", opp)
	}
}

func TestMarkSentRebasesLaterWrites(t *testing.T) {
	s, opp := storeWithOpp(t)
	a := enqueueUpdate(t, s, opp, map[string]any{"StageName": "Closed Won"})
	b := enqueueUpdate(t, s, opp, map[string]any{"NextStep": "Invoice"})
	if b.Base != lmd1 {
		t.Fatalf("second base %q", b.Base)
	}
	pending, _ := s.PendingEntries()
	if len(pending) != 2 || pending[0].ID != a.ID {
		t.Fatalf("pending = %+v", pending)
	}
	server := oppRecord(opp, "Closed Won", lmd2)
	_, err := s.MarkSent(a.ID, opp, server, time.Now())
	noErr(t, err)
	b2, err := s.OutboxEntry(b.ID)
	noErr(t, err)
	if b2.Base != lmd2 || b2.State != OutboxPending {
		t.Errorf("later write = %+v", b2)
	}
	if field(t, s, "Opportunity", opp, "LastModifiedDate") != lmd2 || field(t, s, "Opportunity", opp, "NextStep") != "Invoice" {
		t.Errorf("cache: %s / %s", field(t, s, "Opportunity", opp, "LastModifiedDate"), field(t, s, "Opportunity", opp, "NextStep"))
	}
	// A failed write holds back the later writes of its record.
	_, err = s.MarkFailed(b.ID, OutboxFailed, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "no", []string{"NextStep"}, nil)
	noErr(t, err)
	c := enqueueUpdate(t, s, opp, map[string]any{"Amount": 5})
	if pending, _ := s.PendingEntries(); len(pending) != 0 {
		t.Errorf("pending behind a failed write: %+v", pending)
	}
	states, _ := s.OutboxStates()
	if states[opp] != OutboxFailed {
		t.Errorf("state %q", states[opp])
	}
	noErr(t, s.DiscardEntry(b.ID))
	if field(t, s, "Opportunity", opp, "NextStep") != "" || field(t, s, "Opportunity", opp, "Amount") != "5" {
		t.Errorf("after discard: NextStep %q Amount %q", field(t, s, "Opportunity", opp, "NextStep"), field(t, s, "Opportunity", opp, "Amount"))
	}
	if pending, _ := s.PendingEntries(); len(pending) != 1 || pending[0].ID != c.ID {
		t.Errorf("pending = %+v", pending)
	}
}

func TestEditAndReapply(t *testing.T) {
	s, opp := storeWithOpp(t)
	e := enqueueUpdate(t, s, opp, map[string]any{"StageName": "Closed Lost"})
	_, err := s.MarkFailed(e.ID, OutboxFailed, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "reason", []string{"Loss_Reason__c"}, nil)
	noErr(t, err)
	_, err = s.EditEntry(e.ID, map[string]any{"StageName": "Closed Lost", "Loss_Reason__c": "Price"}, nil)
	noErr(t, err)
	if got, _ := s.OutboxEntry(e.ID); got.State != OutboxPending || got.Error != "" {
		t.Errorf("edited entry = %+v", got)
	}
	if field(t, s, "Opportunity", opp, "Loss_Reason__c") != "Price" {
		t.Error("edit not shown in the cache")
	}
	// A full pull rewrites the record with a newer server version.
	noErr(t, s.Update(func(w *Writer) error {
		_, err := w.PutRecordUnindexed("Opportunity", oppRecord(opp, "Negotiation/Review", lmd2))
		return err
	}))
	noErr(t, s.ReapplyOutbox())
	if field(t, s, "Opportunity", opp, "StageName") != "Closed Lost" || field(t, s, "Opportunity", opp, "LastModifiedDate") != lmd2 {
		t.Errorf("after reapply: %s %s", field(t, s, "Opportunity", opp, "StageName"), field(t, s, "Opportunity", opp, "LastModifiedDate"))
	}
	// Discarding now shows the newer server version.
	noErr(t, s.DiscardEntry(e.ID))
	if got := field(t, s, "Opportunity", opp, "StageName"); got != "Negotiation/Review" {
		t.Errorf("after discard: %q", got)
	}
}

// TestOutboxSurvivesRebuild: entries carried over by a rebuild keep their
// ids, and new ones come after them.
func TestOutboxSurvivesRebuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	filledCache(t, path)
	s, err := Open(path, Options{Org: "acme"})
	noErr(t, err)
	for i := range 2 {
		_, err := s.Enqueue(OutboxEntry{Kind: OutboxCreate, Object: "Task", Fields: map[string]any{"Subject": string(rune('a' + i))}}, "00T")
		noErr(t, err)
	}
	s.Close()
	damages["random bytes inside"](t, path)
	s, err = Open(path, Options{Org: "acme", Rebuild: true})
	noErr(t, err)
	defer s.Close()
	if _, lost := s.Rebuilt(); lost {
		t.Fatal("outbox lost")
	}
	all, err := s.Outbox()
	noErr(t, err)
	if len(all) != 2 || all[0].ID != 1 || all[1].ID != 2 || all[1].State != OutboxPending {
		t.Fatalf("outbox after rebuild: %+v", all)
	}
	e, err := s.Enqueue(OutboxEntry{Kind: OutboxCreate, Object: "Task", Fields: map[string]any{"Subject": "c"}}, "00T")
	noErr(t, err)
	if e.ID != 3 {
		t.Errorf("next id %d, want 3", e.ID)
	}
	// The placeholders of offline creates come back with ReapplyOutbox.
	noErr(t, s.ReapplyOutbox())
	if _, ok, _ := s.Get("Task", all[0].LocalID); !ok {
		t.Error("placeholder not re-created")
	}
}
