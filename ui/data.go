// Package ui is lazyforce's one Bubble Tea model: it lays the panes out,
// routes keys, draws the header, status bar, help overlay and ':' prompt,
// and runs every piece of IO (cache reads, sync, browser, clipboard) as a
// tea.Cmd.
package ui

import (
	"context"
	"log"
	"time"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/redact"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// Data is what the terminal app reads from the local cache. Every method is
// called from a tea.Cmd (never from Update), may be slow, and must be safe
// for concurrent use. The returned slices are owned by the caller.
type Data interface {
	// Accounts returns every cached account.
	Accounts(ctx context.Context) ([]book.Account, error)
	// Opportunities returns every cached opportunity with its account and
	// owner names, stage flags and LastActivityDate.
	Opportunities(ctx context.Context) ([]book.Opportunity, error)
	// RecordTypes returns the active Opportunity record types, each with
	// the stages of its sales process in sort order. An org without record
	// types returns one entry with an empty ID ("Master").
	RecordTypes(ctx context.Context) ([]book.RecordType, error)
	// AccountDetail returns an account with its contacts, opportunities and
	// activities (tasks and events; any order).
	AccountDetail(ctx context.Context, id string) (book.AccountDetail, error)
	// OpportunityDetail returns an opportunity with its contact roles and
	// activities (tasks and events; any order).
	OpportunityDetail(ctx context.Context, id string) (book.OpportunityDetail, error)
	// Status returns the org, identity and sync state of the cache.
	Status(ctx context.Context) (Status, error)
	// AllContacts returns every cached contact with its account's and
	// owner's names.
	AllContacts(ctx context.Context) ([]book.Contact, error)
	// Leads returns every cached lead with its owner's name.
	Leads(ctx context.Context) ([]book.Lead, error)
	// ContactDetail returns a contact with its activities (tasks and
	// events naming it; any order).
	ContactDetail(ctx context.Context, id string) (book.ContactDetail, error)
	// LeadDetail returns a lead with its activities (tasks and events
	// naming it; any order).
	LeadDetail(ctx context.Context, id string) (book.LeadDetail, error)
}

// Writer is the write side of the app: stage changes and tasks, through
// the outbox. Every method is called from a tea.Cmd (never from Update)
// with the app's context, may be slow (a push goes to the org), and must
// be safe for concurrent use.
//
// A write is validated (against describe and the record type's
// picklists), then committed to the outbox together with the optimistic
// change to the cached record, then pushed when the org is reachable. The
// cache then holds the change at once: the app re-reads the lists and the
// record's detail after each write.
type Writer interface {
	// StagePicker returns what the stage picker shows for opportunity
	// oppID: its name and current stage, the StageName values of its
	// record type with probability and closed/won, the age of the cached
	// picklist (or Live), and the loss reasons when the org requires one.
	StagePicker(ctx context.Context, oppID string) (views.StagePickerInput, error)
	// ChangeStage validates, queues and (online) pushes a new StageName
	// for oppID, with the loss reason when one was asked for ("" when
	// not). A value the org or the local checks refuse comes back as a
	// WriteResult with Field and Message set, nothing queued; an error is
	// for everything else (the cache could not be written).
	ChangeStage(ctx context.Context, oppID, stage, lossReason string) (WriteResult, error)
	// TaskForm returns what the task form (call false) or the call form
	// (call true) shows for the record id of kind: an account or an
	// opportunity is the task's WhatId; a contact or a lead its WhoId.
	TaskForm(ctx context.Context, kind views.RecordKind, id string, call bool) (views.TaskFormInput, error)
	// LogTask validates, queues and (online) pushes a new Task. The
	// task is in the cache (and so in the record's timeline) as soon as
	// it is queued. Refusals come back as for ChangeStage.
	LogTask(ctx context.Context, task views.TaskSubmittedMsg) (WriteResult, error)
	// Outbox returns the writes in the outbox, oldest first, with the
	// error of each failed one and the field-by-field comparison of each
	// conflicted one. Sent entries may be listed (recent ones) or not.
	Outbox(ctx context.Context) ([]views.OutboxEntry, error)
	// Retry pushes outbox entry id again now.
	Retry(ctx context.Context, id string) error
	// Discard drops outbox entry id and restores the server's version of
	// its record in the cache.
	Discard(ctx context.Context, id string) error
	// Resolve settles a conflicted entry: ApplyMine pushes it over the
	// server's values, KeepTheirs drops it and keeps the server's.
	Resolve(ctx context.Context, id string, r views.Resolution) error
	// WriteStates returns, by record Id, where the latest write of each
	// record with one in the outbox stands (records created offline by
	// the Id they have in the cache). Records without a write are left
	// out.
	WriteStates(ctx context.Context) (map[string]views.WriteState, error)
}

// WriteResult is how a write went. Queued: it is in the outbox. Pushed:
// the org accepted it. Field and Message (Queued false) are why it was
// refused, by the local checks or the org: Field is the API name the
// error names ("StageName", "Loss_Reason__c", "Subject", …; "" for the
// record as a whole), shown next to that field with the user's input
// kept.
type WriteResult struct {
	Queued  bool
	Pushed  bool
	Field   string
	Message string
}

// Asker answers the Ask pane: questions through the question engine
// (store/ask) and SOQL, on the cache or (live) on the org. Every method is
// called from a tea.Cmd (never from Update) and must be safe for
// concurrent use. NewStoreAsk is the implementation over the cache.
type Asker interface {
	// Ask answers a question in plain words. An error is for a cache or
	// org failure only: a question the engine does not understand is an
	// Answer with Understood false.
	Ask(ctx context.Context, question string, live bool) (*ask.Answer, error)
	// Suggest returns up to n questions for what is typed so far.
	Suggest(ctx context.Context, typed string, n int) ([]string, error)
	// Query runs SOQL and returns its rows (all pages) and totalSize.
	Query(ctx context.Context, soql string, live bool) ([]*soql.Row, int, error)
	// Complete returns up to n completions of typed SOQL: each the whole
	// text with its last word completed to an object or field name from
	// the cached describe.
	Complete(ctx context.Context, typed string, n int) ([]string, error)
}

// Status is the org, identity and sync state shown in the status bar.
type Status = book.Status

// Deps is everything the app needs from the outside world.
type Deps struct {
	// Data reads the cache. Required.
	Data Data
	// Sync pulls changes and pushes the outbox; nil disables 'r' and the
	// background sync (the app then shows the cache as is). It reports how
	// it is going through progress (never nil; fast, never blocks), which
	// the status bar shows ("syncing Opportunity 4,000/15,531"); pass it to
	// store/syncer's Config.Progress.
	Sync func(ctx context.Context, progress func(syncer.Progress)) error
	// Rebuild repairs a damaged cache: it moves the file aside (keeping
	// what can be read of its identity and outbox) and syncs afresh, as
	// 'lazyforce sync --full --rebuild' does, reporting progress as Sync
	// does. It returns a line for the status bar (where the damaged file
	// went). nil: the blocking error only says to run that command.
	Rebuild func(ctx context.Context, progress func(syncer.Progress)) (string, error)
	// SyncOnStart runs Sync in the background right after start-up.
	SyncOnStart bool
	// Limits fetches the org's limits (GET /limits) for ':limits'; nil
	// means the view says they are not available.
	Limits func(ctx context.Context) (map[string]sfdc.Limit, error)
	// Writer changes stages and logs tasks through the outbox; nil
	// disables the write keys (s, t, c, H, L) and ':outbox', saying so.
	Writer Writer
	// Ask answers the Ask pane's questions and SOQL; nil leaves the pane
	// saying asking is not available.
	Ask Asker
	// ExportDir is where ctrl+e in the Ask pane writes CSV files; ""
	// means the current directory.
	ExportDir string
	// Tasks lists, completes and reschedules the user's tasks (the tasks
	// pane); nil: the pane lists them from Data and x and d say so.
	Tasks TaskWriter
	// Editor edits and creates records from their describe (e, n); nil
	// disables those keys, saying so.
	Editor RecordEditor
	// OpenURL opens a URL in the browser; nil disables 'o'.
	OpenURL func(url string) error
	// Keys is the key map (keymap.Default() with the user's overrides);
	// nil means the defaults.
	Keys *keymap.KeyMap
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Dark forces the theme until the terminal reports its background;
	// the terminal's answer wins.
	Dark bool
	// Log receives errors and sync outcomes; nil discards them. Stdout
	// belongs to the UI, so main points it at a file (DEBUG=1).
	Log *log.Logger
	// Org is the alias of the org shown, and Orgs every configured alias:
	// with Orgs set, ':org ALIAS' ends the app asking for ALIAS (see
	// Model.SwitchOrg), and the caller reopens it on that org.
	Org  string
	Orgs []string
	// SearchOrg runs a live search of the org (SOSL) for the find view's
	// ctrl+o, returning records as book.Found; nil disables it.
	SearchOrg func(ctx context.Context, text string) ([]book.Found, error)
	// Fetch reads one record from the org into the cache (a record found
	// live that the user opens); nil disables it.
	Fetch func(ctx context.Context, object, id string) error
	// Redact masks personal data on screen while it is on (--redact;
	// ':redact' toggles it); nil means a fresh Masker, off.
	Redact *redact.Masker
}
