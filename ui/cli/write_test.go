package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
	"github.com/lazyforce/lazyforce/store"
)

// TestUpdateCreateOutbox drives update, create, outbox and sync against
// the emulator, online and during an outage.
func TestUpdateCreateOutbox(t *testing.T) {
	org, c := syncedOrg(t, "--alias", "demo")
	res, err := c.Query(context.Background(), "SELECT Id FROM Opportunity WHERE IsClosed = false AND RecordType.DeveloperName = '"+demo.RecordTypeRenewal+"' ORDER BY Id LIMIT 1")
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("renewal opportunity: %v", err)
	}
	opp := string(res.Records[0].ID())
	stage := func() string {
		rec, err := c.GetRecord(context.Background(), "Opportunity", sfdc.ID(opp), "StageName")
		if err != nil {
			t.Fatal(err)
		}
		return rec.String("StageName")
	}

	// A stage of the other record type: refused, nothing queued or sent.
	before := stage()
	_, errs, code := runCLI(t, "update", "Opportunity", opp[:15], "StageName=Prospecting")
	if code != 1 || !strings.Contains(errs, "StageName") {
		t.Fatalf("invalid stage: exit %d, %q", code, errs)
	}
	if out, _, _ := runCLI(t, "outbox", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("outbox after a refused value: %s", out)
	}

	// A valid stage lands at once.
	out, errs, code := runCLI(t, "update", "Opportunity", opp[:15], "StageName=Renewal Review")
	if code != 0 || !strings.Contains(out, "updated Opportunity "+opp) {
		t.Fatalf("update: exit %d %q %q", code, out, errs)
	}
	if got := stage(); got != "Renewal Review" || got == before {
		t.Fatalf("server stage %q", got)
	}

	// The org's validation rule: exit 1, the entry stays with its error.
	_, errs, code = runCLI(t, "update", "Opportunity", opp, "StageName=Closed Lost")
	if code != 1 || !strings.Contains(errs, "Loss_Reason__c") || !strings.Contains(errs, "outbox") {
		t.Fatalf("closed lost: exit %d %q", code, errs)
	}
	out, _, _ = runCLI(t, "outbox", "--json")
	var entries []store.OutboxEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil || len(entries) != 1 || entries[0].State != store.OutboxFailed || entries[0].ErrorFields[0] != "Loss_Reason__c" {
		t.Fatalf("outbox: %s (%v)", out, err)
	}
	if out, _, code := runCLI(t, "outbox"); code != 0 || !strings.Contains(out, "FIELD_CUSTOM_VALIDATION_EXCEPTION") {
		t.Fatalf("outbox table: %q", out)
	}
	if out, errs, code := runCLI(t, "outbox", "discard", strconv.FormatUint(entries[0].ID, 10)); code != 0 || !strings.Contains(out, "discarded") {
		t.Fatalf("discard: %d %q %q", code, out, errs)
	}

	// A task, online: its Id is printed.
	out, errs, code = runCLI(t, "create", "Task", "Subject=Call back", "WhatId="+opp, "ActivityDate=2026-12-01")
	id := strings.TrimSpace(out)
	if code != 0 || len(id) != 18 || !strings.HasPrefix(id, "00T") {
		t.Fatalf("create: exit %d %q %q", code, out, errs)
	}

	// Offline: queued, exit 0; the next sync pushes it.
	org.SetFaults(emulator.Faults{Outage: true})
	out, errs, code = runCLI(t, "update", "Opportunity", opp, "NextStep=Send the quote")
	if code != 0 || !strings.Contains(out, "queued") {
		t.Fatalf("offline update: exit %d %q %q", code, out, errs)
	}
	org.SetFaults(emulator.Faults{})
	out, errs, code = runCLI(t, "sync", "--json")
	if code != 0 {
		t.Fatalf("sync: %q", errs)
	}
	var summary struct {
		Pushed   int               `json:"pushed"`
		Failures []json.RawMessage `json:"failures"`
	}
	if err := json.Unmarshal([]byte(out), &summary); err != nil || summary.Pushed != 1 || len(summary.Failures) != 0 {
		t.Fatalf("sync --json: %s (%v)", out, err)
	}
	rec, err := c.GetRecord(context.Background(), "Opportunity", sfdc.ID(opp), "NextStep")
	if err != nil || rec.String("NextStep") != "Send the quote" {
		t.Fatalf("server NextStep %q, %v", rec.String("NextStep"), err)
	}
	if _, _, code := runCLI(t, "update", "Opportunity", opp); code != 2 {
		t.Errorf("update without a field: exit %d, want 2", code)
	}
}
