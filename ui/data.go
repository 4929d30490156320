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
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
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
}
