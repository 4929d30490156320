package syncer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/write"
)

// pushObjects are synced before the write tests (enough for stages,
// tasks and their references).
var pushObjects = []string{"User", "RecordType", "OpportunityStage", "Account", "Contact", "Opportunity", "Task"}

// tickingClock advances one second at every reading, so that each write
// on the emulator gets a LastModifiedDate in a later second (the
// granularity of If-Unmodified-Since).
type tickingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *tickingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// writeOrg is a synced cache of an emulated org, ready for writes.
type writeOrg struct {
	emu  *emulator.Server
	url  string
	c    *sfdc.Client
	st   *store.Store
	path string
	w    *write.Writer
}

func newWriteOrg(t testing.TB) *writeOrg {
	t.Helper()
	clock := &tickingClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	emu := emulator.New(emulator.Options{Seed: 7, Now: clock.Now, Empty: true})
	hs := httptest.NewServer(emu.Handler())
	t.Cleanup(hs.Close)
	o := &writeOrg{emu: emu, url: hs.URL, path: filepath.Join(t.TempDir(), "org.db")}
	o.c = newFastClient(t, hs.URL, sfdc.StaticToken(emu.AccessToken()))
	o.st = openStore(t, o.path)
	ctx := context.Background()
	ident, err := ReadIdentity(ctx, o.c)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.st.SetIdentity(ident); err != nil {
		t.Fatal(err)
	}
	seedWriteOrg(t, o.c)
	if _, err := Run(ctx, o.c, o.st, Config{Objects: pushObjects, Scope: DefaultScope()}); err != nil {
		t.Fatal(err)
	}
	o.w = write.New(o.st)
	o.w.Now = clock.Now // the org's clock: lost creates are looked for by time
	return o
}

// seedWriteOrg creates a few accounts and open opportunities of both
// record types in an empty org (a generated demo org takes a second).
func seedWriteOrg(t testing.TB, c *sfdc.Client) {
	t.Helper()
	ctx := context.Background()
	rts, err := c.Query(ctx, "SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Opportunity'")
	if err != nil || len(rts.Records) < 2 {
		t.Fatalf("record types: %v", err)
	}
	var accounts []sfdc.SObject
	for i := range 6 {
		accounts = append(accounts, sfdc.SObject{Type: "Account", Fields: map[string]any{"Name": fmt.Sprintf("Account %d", i)}})
	}
	saved, err := c.CreateRecords(ctx, true, accounts)
	if err != nil {
		t.Fatal(err)
	}
	var opps []sfdc.SObject
	for i, rt := range rts.Records {
		for j := range 2 {
			opps = append(opps, sfdc.SObject{Type: "Opportunity", Fields: map[string]any{
				"Name": fmt.Sprintf("%s deal %d", rt.String("DeveloperName"), j), "StageName": "Qualification",
				"CloseDate": "2026-12-15", "Amount": 1000 * (i + j + 1), "RecordTypeId": rt.ID(), "AccountId": saved[j].ID}})
		}
	}
	if _, err := c.CreateRecords(ctx, true, opps); err != nil {
		t.Fatal(err)
	}
}

// newFastClient retries transient failures without long pauses.
func newFastClient(t testing.TB, url string, tokens sfdc.TokenSource) *sfdc.Client {
	t.Helper()
	c, err := sfdc.NewClient(context.Background(), url, tokens, sfdc.Options{Retry: sfdc.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var fastPush = PushOptions{Backoff: time.Millisecond}

// openOpp returns an open opportunity of the record type with the given
// developer name, from the live org.
func (o *writeOrg) openOpp(t testing.TB, recordType string) *sfdc.Record {
	t.Helper()
	res, err := o.c.Query(context.Background(), "SELECT Id, StageName, Name, LastModifiedDate FROM Opportunity WHERE IsClosed = false AND RecordType.DeveloperName = '"+recordType+"' ORDER BY Id LIMIT 5")
	if err != nil || len(res.Records) == 0 {
		t.Fatalf("no open %s opportunity: %v", recordType, err)
	}
	return res.Records[0]
}

// live reads a record from the org.
// queueUpdate queues an update of fields on the opportunity id.
func (o *writeOrg) queueUpdate(t testing.TB, id string, fields map[string]any) store.OutboxEntry {
	t.Helper()
	e, err := o.w.Update("Opportunity", id, fields)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (o *writeOrg) live(t testing.TB, object, id string, fields ...string) *sfdc.Record {
	t.Helper()
	rec, err := o.c.GetRecord(context.Background(), object, sfdc.ID(id), fields...)
	if err != nil {
		t.Fatalf("get %s %s: %v", object, id, err)
	}
	return rec
}

func (o *writeOrg) cached(t testing.TB, object, id string) *sfdc.Record {
	t.Helper()
	raw, ok, err := o.st.Get(object, id)
	if err != nil || !ok {
		t.Fatalf("cached %s %s: ok=%v %v", object, id, ok, err)
	}
	rec, err := sfdc.DecodeRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func (o *writeOrg) countTasks(t testing.TB, subject string) int {
	t.Helper()
	res, err := o.c.Query(context.Background(), "SELECT Id FROM Task WHERE Subject = "+sfdc.Quote(subject))
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Records)
}

func TestPushStageChangeOneCall(t *testing.T) {
	o := newWriteOrg(t)
	opp := o.openOpp(t, demo.RecordTypeRenewal)
	id := string(opp.ID())
	// A 15-character Id is accepted.
	e := o.queueUpdate(t, id[:15], map[string]any{"StageName": "Renewal Review"})
	if e.RecordID != id || e.State != store.OutboxPending {
		t.Fatalf("entry = %+v", e)
	}
	// The cache shows the change at once, with the stage's probability.
	if rec := o.cached(t, "Opportunity", id); rec.String("StageName") != "Renewal Review" || rec.String("Probability") != "40" {
		t.Errorf("cached before push: stage %q probability %q", rec.String("StageName"), rec.String("Probability"))
	}
	states, _ := o.st.OutboxStates()
	if states[id] != store.OutboxPending {
		t.Errorf("state of %s = %q, want pending", id, states[id])
	}
	calls0 := o.emu.APICalls()
	res, err := Push(context.Background(), o.c, o.st, fastPush)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed != 1 || len(res.Failures) != 0 {
		t.Fatalf("push = %+v", res)
	}
	if got := o.emu.APICalls() - calls0; got != 1 || res.APICalls != 1 {
		t.Errorf("API calls for one stage change: server counted %d, client %d; want 1", got, res.APICalls)
	}
	t.Logf("API calls per stage change: %d", res.APICalls)
	live := o.live(t, "Opportunity", id, "StageName", "Probability", "LastModifiedDate")
	if live.String("StageName") != "Renewal Review" || live.String("Probability") != "40" {
		t.Errorf("server: stage %q probability %q", live.String("StageName"), live.String("Probability"))
	}
	// The cache has the server's new version (read back in the same call).
	rec := o.cached(t, "Opportunity", id)
	if rec.String("LastModifiedDate") != live.String("LastModifiedDate") || rec.String("LastModifiedDate") == opp.String("LastModifiedDate") {
		t.Errorf("cached LastModifiedDate %q, server %q, before %q", rec.String("LastModifiedDate"), live.String("LastModifiedDate"), opp.String("LastModifiedDate"))
	}
	states, _ = o.st.OutboxStates()
	if _, ok := states[id]; ok {
		t.Errorf("record still marked %q after the push", states[id])
	}
}

func TestPushBatchesWritesInOneCall(t *testing.T) {
	o := newWriteOrg(t)
	res0, err := o.c.Query(context.Background(), "SELECT Id FROM Account ORDER BY Id LIMIT 6")
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range res0.Records {
		if _, err := o.w.Update("Account", string(a.ID()), map[string]any{"Phone": fmt.Sprintf("+1 555 0100 %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Push(context.Background(), o.c, o.st, fastPush)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed != len(res0.Records) || res.APICalls != 1 {
		t.Errorf("pushed %d writes in %d calls, want %d in 1", res.Pushed, res.APICalls, len(res0.Records))
	}
	t.Logf("API calls for %d queued updates: %d", res.Pushed, res.APICalls)
}

func TestStageOfAnotherRecordTypeRefusedBeforeSending(t *testing.T) {
	o := newWriteOrg(t)
	opp := o.openOpp(t, demo.RecordTypeRenewal)
	calls0 := o.emu.APICalls()
	// Prospecting belongs to the New Business sales process only.
	_, err := o.w.Update("Opportunity", string(opp.ID()), map[string]any{"StageName": "Prospecting"})
	var verr *write.ValidationError
	if !errors.As(err, &verr) || verr.Errors[0].Field != "StageName" {
		t.Fatalf("err = %v, want a StageName validation error", err)
	}
	if all, _ := o.st.Outbox(); len(all) != 0 {
		t.Errorf("outbox holds %d entries", len(all))
	}
	if got := o.emu.APICalls() - calls0; got != 0 {
		t.Errorf("%d API calls", got)
	}
	if rec := o.cached(t, "Opportunity", string(opp.ID())); rec.String("StageName") != opp.String("StageName") {
		t.Errorf("cache changed to %q", rec.String("StageName"))
	}
	// The same stage is fine on a New Business deal.
	nb := o.openOpp(t, demo.RecordTypeNewBusiness)
	if _, err := o.w.Update("Opportunity", string(nb.ID()), map[string]any{"StageName": "Prospecting"}); err != nil {
		t.Errorf("New Business: %v", err)
	}
}

func TestValidationTypes(t *testing.T) {
	o := newWriteOrg(t)
	opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	cases := []struct {
		name   string
		fields map[string]any
		field  string // "" means valid
	}{
		{"amount text", map[string]any{"Amount": "12000.50"}, ""},
		{"amount bad", map[string]any{"Amount": "lots"}, "Amount"},
		{"date", map[string]any{"CloseDate": "2026-12-01"}, ""},
		{"date bad", map[string]any{"CloseDate": "12/01/2026"}, "CloseDate"},
		{"unknown field", map[string]any{"Nope__c": "x"}, "Nope__c"},
		{"not updateable", map[string]any{"CreatedDate": "2026-01-01T00:00:00Z"}, "CreatedDate"},
		{"required cleared", map[string]any{"StageName": nil}, "StageName"},
		{"nillable cleared", map[string]any{"Amount": nil}, ""},
		{"reference 15", map[string]any{"AccountId": "001000000000001"}, ""},
		{"reference wrong object", map[string]any{"AccountId": "0030000000000010"}, "AccountId"},
		{"loss reason bad", map[string]any{"Loss_Reason__c": "Bored"}, "Loss_Reason__c"},
		{"name too long", map[string]any{"Name": strings.Repeat("x", 300)}, "Name"},
	}
	for _, tc := range cases {
		_, err := o.w.CheckUpdate("Opportunity", opp, tc.fields)
		var verr *write.ValidationError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &verr) || verr.Errors[0].Field != tc.field):
			t.Errorf("%s: err = %v, want one on %s", tc.name, err, tc.field)
		}
	}
	if _, err := o.w.CheckUpdate("Opportunity", "006xx", map[string]any{"Amount": 1}); err == nil {
		t.Error("a malformed Id was accepted")
	}
	if _, err := o.w.CheckCreate("Task", map[string]any{"Subject": "Call"}); err != nil {
		t.Errorf("minimal task: %v", err)
	}
	// A logged call: a completed task with the Call subtype.
	call := map[string]any{"Subject": "Call", "TaskSubtype": "Call", "Status": "Completed", "CallType": "Outbound",
		"CallDurationInSeconds": "300", "ActivityDate": "today", "WhatId": opp}
	if ch, err := o.w.CheckCreate("Task", call); err != nil {
		t.Errorf("call: %v", err)
	} else if ch.Fields["CallDurationInSeconds"] != int64(300) || ch.Fields["TaskSubtype"] != "Call" {
		t.Errorf("call fields typed as %#v", ch.Fields)
	}
	if _, err := o.w.CheckCreate("Task", map[string]any{"Subject": "Call", "Status": "Sleeping"}); err == nil {
		t.Error("a task status outside the picklist was accepted")
	}
}

func TestClosedLostWithoutReasonKeepsInput(t *testing.T) {
	o := newWriteOrg(t)
	opp := o.openOpp(t, demo.RecordTypeNewBusiness)
	id := string(opp.ID())
	e := o.queueUpdate(t, id, map[string]any{"StageName": "Closed Lost"})
	res, err := Push(context.Background(), o.c, o.st, fastPush)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed != 0 || len(res.Failures) != 1 {
		t.Fatalf("push = %+v", res)
	}
	got, err := o.st.OutboxEntry(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.OutboxFailed || got.ErrorCode != sfdc.CodeFieldCustomValidate ||
		len(got.ErrorFields) != 1 || got.ErrorFields[0] != "Loss_Reason__c" || got.Fields["StageName"] != "Closed Lost" {
		t.Fatalf("entry = %+v", got)
	}
	if live := o.live(t, "Opportunity", id, "StageName"); live.String("StageName") != opp.String("StageName") {
		t.Errorf("server stage changed to %q", live.String("StageName"))
	}
	// The input is kept: the user adds the reason and it goes through.
	if _, err := o.w.Edit(e.ID, map[string]any{"StageName": "Closed Lost", "Loss_Reason__c": "Price"}); err != nil {
		t.Fatal(err)
	}
	res, err = Push(context.Background(), o.c, o.st, fastPush)
	if err != nil || res.Pushed != 1 {
		t.Fatalf("push after edit = %+v, %v", res, err)
	}
	if live := o.live(t, "Opportunity", id, "StageName", "Loss_Reason__c", "IsClosed"); live.String("StageName") != "Closed Lost" || live.String("Loss_Reason__c") != "Price" {
		t.Errorf("server: %q %q", live.String("StageName"), live.String("Loss_Reason__c"))
	}
}

func TestOfflineWritesPushedInOrderOnce(t *testing.T) {
	o := newWriteOrg(t)
	ctx := context.Background()
	opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	o.emu.SetFaults(emulator.Faults{Outage: true})
	steps := []map[string]any{
		{"NextStep": "first"},
		{"NextStep": "second", "Amount": "5000"},
		{"NextStep": "third"},
	}
	for _, f := range steps {
		o.queueUpdate(t, opp, f)
	}
	task, err := o.w.Create("Task", map[string]any{"Subject": "Offline call log", "WhatId": opp, "Status": "Completed"})
	if err != nil {
		t.Fatal(err)
	}
	if !store.IsLocalID(task.RecordID) {
		t.Fatalf("offline task id %q", task.RecordID)
	}
	res, err := Push(ctx, o.c, o.st, fastPush)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Offline || res.Pushed != 0 || res.Waiting != 4 {
		t.Fatalf("push during outage = %+v", res)
	}
	if rec := o.cached(t, "Opportunity", opp); rec.String("NextStep") != "third" {
		t.Errorf("cache shows %q", rec.String("NextStep"))
	}
	o.emu.SetFaults(emulator.Faults{})
	res, err = Push(ctx, o.c, o.st, fastPush)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed != 4 || len(res.Failures) != 0 || res.Waiting != 0 {
		t.Fatalf("push after outage = %+v", res)
	}
	// In order: the last value wins; each update landed once (3 writes).
	live := o.live(t, "Opportunity", opp, "NextStep", "Amount")
	if live.String("NextStep") != "third" || live.String("Amount") != "5000" {
		t.Errorf("server: NextStep %q Amount %q", live.String("NextStep"), live.String("Amount"))
	}
	if n := o.countTasks(t, "Offline call log"); n != 1 {
		t.Errorf("%d tasks on the server", n)
	}
	sent, _ := o.st.OutboxEntry(task.ID)
	if store.IsLocalID(sent.RecordID) || sent.State != store.OutboxSent {
		t.Errorf("task entry = %+v", sent)
	}
	if _, ok, _ := o.st.Get("Task", task.LocalID); ok {
		t.Error("the placeholder is still cached")
	}
	if rec := o.cached(t, "Task", sent.RecordID); rec.String("Subject") != "Offline call log" {
		t.Errorf("cached task %q", rec.String("Subject"))
	}
	// Nothing is sent twice.
	res, err = Push(ctx, o.c, o.st, fastPush)
	if err != nil || res.Pushed != 0 || res.APICalls != 0 {
		t.Errorf("second push = %+v, %v", res, err)
	}
}

func TestConflictDetectedNotApplied(t *testing.T) {
	o := newWriteOrg(t)
	ctx := context.Background()
	opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	e := o.queueUpdate(t, opp, map[string]any{"NextStep": "mine"})
	// Someone else changes the record meanwhile.
	if err := o.c.Update(ctx, "Opportunity", sfdc.ID(opp), map[string]any{"NextStep": "theirs"}, sfdc.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := Push(ctx, o.c, o.st, fastPush)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed != 0 || len(res.Failures) != 1 || res.Failures[0].State != store.OutboxConflict {
		t.Fatalf("push = %+v", res)
	}
	if live := o.live(t, "Opportunity", opp, "NextStep"); live.String("NextStep") != "theirs" {
		t.Fatalf("server NextStep %q: overwritten", live.String("NextStep"))
	}
	got, _ := o.st.OutboxEntry(e.ID)
	server, err := sfdc.DecodeRecord(got.Server)
	if err != nil || server.String("NextStep") != "theirs" || got.Fields["NextStep"] != "mine" {
		t.Fatalf("conflict entry: server %s, fields %v (%v)", got.Server, got.Fields, err)
	}
	// Apply mine anyway.
	if _, err := o.st.RetryEntry(e.ID, true); err != nil {
		t.Fatal(err)
	}
	if res, err := Push(ctx, o.c, o.st, fastPush); err != nil || res.Pushed != 1 {
		t.Fatalf("push after retry = %+v, %v", res, err)
	}
	if live := o.live(t, "Opportunity", opp, "NextStep"); live.String("NextStep") != "mine" {
		t.Errorf("server NextStep %q after apply-mine", live.String("NextStep"))
	}
}

func TestDiscardRestoresServerVersion(t *testing.T) {
	o := newWriteOrg(t)
	opp := o.openOpp(t, demo.RecordTypeNewBusiness)
	id := string(opp.ID())
	e := o.queueUpdate(t, id, map[string]any{"StageName": "Closed Won"})
	if err := o.st.DiscardEntry(e.ID); err != nil {
		t.Fatal(err)
	}
	if rec := o.cached(t, "Opportunity", id); rec.String("StageName") != opp.String("StageName") {
		t.Errorf("cache shows %q, want %q", rec.String("StageName"), opp.String("StageName"))
	}
	if all, _ := o.st.Outbox(); len(all) != 0 {
		t.Errorf("outbox has %d entries", len(all))
	}
}

func TestLostCreateResponseCreatesOnce(t *testing.T) {
	for _, fault := range []struct {
		name string
		f    emulator.Faults
	}{
		// The org creates the task, then the answer is cut off.
		{"answer truncated", emulator.Faults{TruncateBodies: true, Match: "/composite", Times: 1}},
		// The connection drops before the org sees the request.
		{"connection dropped", emulator.Faults{DropConnections: true, Match: "/composite", Times: 1}},
		// A 503 on the call: nothing was done.
		{"503", emulator.Faults{Status5xx: 503, Match: "/composite", Times: 1}},
	} {
		t.Run(fault.name, func(t *testing.T) {
			o := newWriteOrg(t)
			subject := "Follow up " + fault.name
			if _, err := o.w.Create("Task", map[string]any{"Subject": subject, "Priority": "High", "ActivityDate": "2026-12-01"}); err != nil {
				t.Fatal(err)
			}
			o.emu.SetFaults(fault.f)
			res, err := Push(context.Background(), o.c, o.st, fastPush)
			if err != nil {
				t.Fatal(err)
			}
			if res.Pushed != 1 {
				t.Fatalf("push = %+v", res)
			}
			if n := o.countTasks(t, subject); n != 1 {
				t.Errorf("%d tasks %q on the server, want 1", n, subject)
			}
			if id := res.Sent[0].RecordID; store.IsLocalID(id) {
				t.Errorf("task id %q", id)
			}
		})
	}
}

func TestTransientFailuresRetried(t *testing.T) {
	for _, fault := range []struct {
		name string
		f    emulator.Faults
	}{
		{"row lock", emulator.Faults{RowLock: true, Match: "/composite", Times: 6}},
		{"500", emulator.Faults{Status5xx: 500, Match: "/composite", Times: 2}},
		{"dropped", emulator.Faults{DropConnections: true, Match: "/composite", Times: 2}},
		// Applied, then the answer is cut off: the resend conflicts with
		// our own write, which the server already has.
		{"answer truncated", emulator.Faults{TruncateBodies: true, Match: "/composite", Times: 1}},
	} {
		t.Run(fault.name, func(t *testing.T) {
			o := newWriteOrg(t)
			opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
			o.queueUpdate(t, opp, map[string]any{"NextStep": "retried"})
			o.emu.SetFaults(fault.f)
			res, err := Push(context.Background(), o.c, o.st, PushOptions{Backoff: time.Millisecond, Attempts: 8})
			if err != nil || res.Pushed != 1 {
				t.Fatalf("push = %+v, %v", res, err)
			}
			if live := o.live(t, "Opportunity", opp, "NextStep"); live.String("NextStep") != "retried" {
				t.Errorf("server NextStep %q", live.String("NextStep"))
			}
		})
	}
}

func TestRequestLimitStopsPushing(t *testing.T) {
	o := newWriteOrg(t)
	opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	e := o.queueUpdate(t, opp, map[string]any{"NextStep": "later"})
	o.emu.SetFaults(emulator.Faults{RequestLimitExceeded: true})
	_, err := Push(context.Background(), o.c, o.st, fastPush)
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("err = %v, want a LimitError", err)
	}
	got, _ := o.st.OutboxEntry(e.ID)
	if got.State != store.OutboxPending {
		t.Errorf("entry %+v", got)
	}
}

// oauthClient logs in with a refresh token so that the client can renew
// an expired session.
func (o *writeOrg) oauthClient(t testing.TB) *sfdc.Client {
	t.Helper()
	src := sfdc.NewOAuthTokenSource(sfdc.OAuthConfig{ClientID: "lazyforce", TokenURL: sfdc.TokenURL(o.url)},
		&oauth2.Token{AccessToken: o.emu.AccessToken(), RefreshToken: o.emu.RefreshToken()})
	return newFastClient(t, o.url, src)
}

func TestExpiredSessionRefreshesAndContinues(t *testing.T) {
	o := newWriteOrg(t)
	c := o.oauthClient(t)
	opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	o.queueUpdate(t, opp, map[string]any{"NextStep": "after refresh"})
	o.emu.SetFaults(emulator.Faults{ExpireSessions: true})
	res, err := Push(context.Background(), c, o.st, fastPush)
	if err != nil || res.Pushed != 1 {
		t.Fatalf("push = %+v, %v", res, err)
	}
}

func TestRevokedLoginKeepsOutbox(t *testing.T) {
	o := newWriteOrg(t)
	c := o.oauthClient(t)
	opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	e := o.queueUpdate(t, opp, map[string]any{"NextStep": "kept"})
	resp, err := http.PostForm(o.url+"/services/oauth2/revoke", url.Values{"token": {o.emu.RefreshToken()}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %s", resp.Status)
	}
	_, err = Push(context.Background(), c, o.st, fastPush)
	var le *LoginError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "lazyforce login") {
		t.Fatalf("err = %v, want a LoginError saying how to log in", err)
	}
	got, err := o.st.OutboxEntry(e.ID)
	if err != nil || got.State != store.OutboxPending || got.Fields["NextStep"] != "kept" || !strings.Contains(got.Error, "login") {
		t.Fatalf("entry = %+v, %v", got, err)
	}
	if rec := o.cached(t, "Opportunity", opp); rec.String("NextStep") != "kept" {
		t.Errorf("cache shows %q", rec.String("NextStep"))
	}
}

// TestKillAfterQueueLosesNothing queues a write in a child process, kills
// it with SIGKILL as soon as the write is queued (before any push), and
// pushes it from the parent.
func TestKillAfterQueueLosesNothing(t *testing.T) {
	if spec := os.Getenv("LAZYFORCE_QUEUE_CHILD"); spec != "" {
		queueChild(spec)
		return
	}
	o := newWriteOrg(t)
	opp := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillAfterQueueLosesNothing$")
	cmd.Env = append(os.Environ(), "LAZYFORCE_QUEUE_CHILD="+o.path+" "+opp)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // the child waits on it forever
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	queued := false
	for sc.Scan() {
		if sc.Text() == "queued" {
			queued = true
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !queued {
		t.Fatal("the child never queued its write")
	}
	st := openStore(t, o.path)
	pending, err := st.PendingEntries()
	if err != nil || len(pending) != 2 {
		t.Fatalf("after kill -9: %d pending entries, %v", len(pending), err)
	}
	if rec := (&writeOrg{st: st}).cached(t, "Opportunity", opp); rec.String("NextStep") != "from the killed process" {
		t.Errorf("cache shows %q", rec.String("NextStep"))
	}
	res, err := Push(context.Background(), o.c, st, fastPush)
	if err != nil || res.Pushed != 2 {
		t.Fatalf("push = %+v, %v", res, err)
	}
	if live := o.live(t, "Opportunity", opp, "NextStep"); live.String("NextStep") != "from the killed process" {
		t.Errorf("server NextStep %q", live.String("NextStep"))
	}
	if n := o.countTasks(t, "Queued before kill -9"); n != 1 {
		t.Errorf("%d tasks", n)
	}
}

// queueChild queues two writes on the cache at spec's path, says so, and
// waits to be killed.
func queueChild(spec string) {
	path, opp, _ := strings.Cut(spec, " ")
	st, err := store.Open(path, store.Options{Org: "child"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	w := write.New(st)
	if _, err := w.Update("Opportunity", opp, map[string]any{"NextStep": "from the killed process"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if _, err := w.Create("Task", map[string]any{"Subject": "Queued before kill -9", "WhatId": opp}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("queued")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // blocks until killed
	os.Exit(4)
}

func TestSyncPushesBeforePullAndKeepsUnsent(t *testing.T) {
	o := newWriteOrg(t)
	ctx := context.Background()
	a := string(o.openOpp(t, demo.RecordTypeNewBusiness).ID())
	o.queueUpdate(t, a, map[string]any{"NextStep": "synced"})
	bad := o.queueUpdate(t, string(o.openOpp(t, demo.RecordTypeRenewal).ID()), map[string]any{"StageName": "Closed Lost"})
	cfg := Config{Objects: pushObjects, Scope: DefaultScope(), Full: true}
	res, pushed, err := Sync(ctx, o.c, o.st, cfg, fastPush)
	if err != nil {
		t.Fatal(err)
	}
	if pushed.Pushed != 1 || len(pushed.Failures) != 1 || res == nil {
		t.Fatalf("pushed = %+v", pushed)
	}
	if rec := o.cached(t, "Opportunity", a); rec.String("NextStep") != "synced" {
		t.Errorf("cache after sync: %q", rec.String("NextStep"))
	}
	// The refused write still shows (a full pull rewrote the record).
	if rec := o.cached(t, "Opportunity", bad.RecordID); rec.String("StageName") != "Closed Lost" {
		t.Errorf("refused write not shown after the pull: %q", rec.String("StageName"))
	}
}

// BenchmarkPushStageChange reports the API calls a queued stage change
// costs, read-back included (one), and the time of validate+queue+push.
func BenchmarkPushStageChange(b *testing.B) {
	o := newWriteOrg(b)
	opp := string(o.openOpp(b, demo.RecordTypeNewBusiness).ID())
	stages := []string{"Needs Analysis", "Value Proposition"}
	calls0 := o.c.APICalls()
	for i := 0; b.Loop(); i++ {
		o.queueUpdate(b, opp, map[string]any{"StageName": stages[i%2]})
		if res, err := Push(context.Background(), o.c, o.st, fastPush); err != nil || res.Pushed != 1 {
			b.Fatalf("push = %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(o.c.APICalls()-calls0)/float64(b.N), "calls/write")
}
