// Package book is the domain reps work with — their book of business:
// accounts, contacts, leads, opportunities, activities, stages, record
// types and users, decoded from the local cache (package store) once, with
// the list, detail and related-record queries every consumer shares (the
// terminal app, the command line, and next ask and find).
//
// It never imports Bubble Tea or Lip Gloss: the panes in views display
// these types, and package ui reads them through a Book.
package book

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
)

// Book reads the domain from an open cache. Every method may be slow (it
// reads bbolt), is safe for concurrent use, and returns slices owned by
// the caller.
type Book struct {
	st   *store.Store
	opts Options
}

// Options complete what the cache does not hold.
type Options struct {
	// OrgName is shown when the cache has no Organization record (e.g. the
	// org's alias).
	OrgName string
	// APIUsage returns the last Sforce-Limit-Info api-usage seen by the
	// client (used, limit); nil or a zero limit hides it.
	APIUsage func() (used, limit int)
	// PendingWrites returns the number of outbox entries waiting; nil
	// until the outbox exists.
	PendingWrites func() (int, error)
}

// New returns a Book over an open cache.
func New(st *store.Store, opts Options) *Book {
	return &Book{st: st, opts: opts}
}

// each decodes fields of every cached record of object and calls fn.
func (b *Book) each(ctx context.Context, object string, fields []string, fn func(key string, r soql.Record)) error {
	var derr error
	err := b.st.ForEach(object, func(key string, raw []byte) bool {
		r, err := store.DecodeRecord(raw, fields...)
		if err != nil {
			derr = fmt.Errorf("decode %s %s: %w", object, key, err)
			return false
		}
		fn(key, r)
		return ctx.Err() == nil
	})
	if err = errors.Join(err, derr, ctx.Err()); err != nil {
		return fmt.Errorf("read %s: %w", object, err)
	}
	return nil
}

// get decodes fields of one cached record; ok is false when it is not
// cached.
func (b *Book) get(object, id string, fields []string) (r soql.Record, ok bool, err error) {
	raw, ok, err := b.st.Get(object, id)
	if err != nil {
		return nil, false, fmt.Errorf("read %s %s: %w", object, id, err)
	}
	if !ok {
		return nil, false, nil
	}
	if r, err = store.DecodeRecord(raw, fields...); err != nil {
		return nil, false, fmt.Errorf("decode %s %s: %w", object, id, err)
	}
	return r, true, nil
}

// names maps the Ids of object's records to their Name (the records'
// keys to str(r, "Name"), read without decoding the records).
func (b *Book) names(ctx context.Context, object string) (map[string]string, error) {
	out := make(map[string]string)
	f := store.NewFields(nameFields...)
	var derr error
	err := b.st.ForEachRaw(object, func(key, raw []byte) bool {
		if err := f.Scan(raw); err != nil {
			derr = fmt.Errorf("decode %s %s: %w", object, key, err)
			return false
		}
		out[string(key)] = string(f.At(0).Text())
		return ctx.Err() == nil
	})
	if err = errors.Join(err, derr, ctx.Err()); err != nil {
		return nil, fmt.Errorf("read %s names: %w", object, fmt.Errorf("read %s: %w", object, err))
	}
	return out, nil
}

// objectAndName returns the object and Name of any cached record, or ""
// (a name is never worth failing a list for).
func (b *Book) objectAndName(id string) (object, name string) {
	if id == "" {
		return "", ""
	}
	object, raw, ok, err := b.st.Lookup(id)
	if err != nil || !ok {
		return "", ""
	}
	r, err := store.DecodeRecord(raw, nameFields...)
	if err != nil {
		return object, ""
	}
	return object, str(r, "Name")
}

// nameOf returns the Name of any cached record, or "" (also when it
// cannot be read: a name is never worth failing a detail for).
func (b *Book) nameOf(id string) string {
	_, name := b.objectAndName(id)
	return name
}

// list decodes every cached record of object with of, in Id order; n is
// a capacity hint.
func list[T any](ctx context.Context, b *Book, object string, fields []string, n int, of func(key string, r soql.Record) T) ([]T, error) {
	out := make([]T, 0, n)
	err := b.each(ctx, object, fields, func(key string, r soql.Record) {
		out = append(out, of(key, r))
	})
	return out, err
}

// one returns the cached record id of object as of decodes it, naming
// what it points at from the cache; ok is false when it is not cached.
func one[T any](ctx context.Context, b *Book, object, id string, fields []string, of func(key string, r soql.Record, name nameFunc) T) (v T, ok bool, err error) {
	r, ok, err := b.get(object, id, fields)
	if err != nil || !ok {
		return v, ok, err
	}
	return of(id, r, b.nameOf), true, ctx.Err()
}

// Accounts returns every cached account with its owner's name, in Id
// order (from its snapshot while the cache is unchanged).
func (b *Book) Accounts(ctx context.Context) ([]Account, error) {
	return snapshotted(ctx, b, "accounts", b.encodeAccounts, getAccount)
}

// Opportunities returns every cached opportunity with its account and
// owner names, in Id order (from its snapshot while the cache is
// unchanged).
func (b *Book) Opportunities(ctx context.Context) ([]Opportunity, error) {
	return snapshotted(ctx, b, "opportunities", b.encodeOpportunities, getOpportunity)
}

// Leads returns every cached lead with its owner's name, in Id order
// (from its snapshot while the cache is unchanged).
func (b *Book) Leads(ctx context.Context) ([]Lead, error) {
	return snapshotted(ctx, b, "leads", b.encodeLeads, getLead)
}

// Users returns every cached user, in Id order.
func (b *Book) Users(ctx context.Context) ([]User, error) {
	return list(ctx, b, "User", userFields, 0, userOf)
}

// rawPicklists is the part of the UI API picklist-values response that
// RecordTypes reads.
type rawPicklists struct {
	PicklistFieldValues map[string]struct {
		Values []struct {
			Value string `json:"value"`
		} `json:"values"`
	} `json:"picklistFieldValues"`
}

// RecordTypes returns the active Opportunity record types by name, each
// with the stages of its StageName picklist in sort order when the UI API
// picklists are cached (StagesKnown), else every active stage. Without
// record types, one "All opportunities" entry with an empty Id and every
// active stage.
func (b *Book) RecordTypes(ctx context.Context) ([]RecordType, error) {
	var stages []Stage
	err := b.each(ctx, "OpportunityStage", stageFields, func(_ string, r soql.Record) {
		if s, active := stageOf(r); active {
			stages = append(stages, s)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(stages, func(a, b Stage) int { return a.SortOrder - b.SortOrder })
	var rts []RecordType
	err = b.each(ctx, "RecordType", recordTypeFields, func(key string, r soql.Record) {
		if rt, object, active := recordTypeOf(key, r); object == "Opportunity" && active {
			rts = append(rts, rt)
		}
	})
	if err != nil {
		return nil, err
	}
	if len(rts) == 0 {
		return []RecordType{{Name: "All opportunities", Stages: stages, StagesKnown: true}}, nil
	}
	slices.SortFunc(rts, func(a, b RecordType) int { return cmp.Compare(a.Name, b.Name) })
	for i := range rts {
		rts[i].Stages = stages
		raw, _, ok, err := b.st.Picklists("Opportunity", rts[i].ID)
		if err != nil {
			return nil, fmt.Errorf("read picklists of record type %s: %w", rts[i].ID, err)
		}
		if !ok {
			continue
		}
		var pl rawPicklists
		if err := json.Unmarshal(raw, &pl); err != nil {
			return nil, fmt.Errorf("decode picklists of record type %s: %w", rts[i].ID, err)
		}
		allowed := make(map[string]bool)
		for _, v := range pl.PicklistFieldValues["StageName"].Values {
			allowed[v.Value] = true
		}
		var own []Stage
		for _, s := range stages {
			if allowed[s.Label] {
				own = append(own, s)
			}
		}
		if len(own) > 0 {
			rts[i].Stages, rts[i].StagesKnown = own, true
		}
	}
	return rts, nil
}

// related returns the Ids of object's records pointing at parent through
// any of fields, without duplicates.
func (b *Book) related(parent, object string, fields ...string) ([]string, error) {
	var ids []string
	for _, f := range fields {
		got, err := b.st.Related(f, parent, object)
		if err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", object, parent, err)
		}
		for _, id := range got {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

// relatedList decodes with of the records of object pointing at parent
// through any of via (without duplicates; any order).
func relatedList[T any](ctx context.Context, b *Book, parent, object string, via []string, fields []string, of func(key string, r soql.Record) T) ([]T, error) {
	ids, err := b.related(parent, object, via...)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, id := range ids {
		r, ok, err := b.get(object, id, fields)
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, of(id, r))
		}
	}
	return out, ctx.Err()
}

// Contacts returns the contacts of an account (any order), without
// names: they are listed under their account.
func (b *Book) Contacts(ctx context.Context, accountID string) ([]Contact, error) {
	return relatedList(ctx, b, accountID, "Contact", []string{"AccountId"}, contactFields, func(key string, r soql.Record) Contact {
		return contactOf(key, r, noName)
	})
}

// Activities returns the tasks and events attached to parent through any
// of via (e.g. "WhatId", "AccountId"; any order), with the names of their
// contact or lead (WhoId) and owner.
func (b *Book) Activities(ctx context.Context, parent string, via ...string) ([]Activity, error) {
	var out []Activity
	for _, object := range []string{"Task", "Event"} {
		acts, err := relatedList(ctx, b, parent, object, via, activityFields, func(key string, r soql.Record) Activity {
			a, who, owner := activityOf(object, key, r)
			a.WhoName, a.OwnerName = b.nameOf(who), b.nameOf(owner)
			return a
		})
		out = append(out, acts...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// ContactRoles returns the contact roles of an opportunity with the
// contacts' names, the primary first.
func (b *Book) ContactRoles(ctx context.Context, opportunityID string) ([]ContactRole, error) {
	out, err := relatedList(ctx, b, opportunityID, "OpportunityContactRole", []string{"OpportunityId"}, contactRoleFields,
		func(_ string, r soql.Record) ContactRole {
			cr := contactRoleOf(r)
			cr.ContactName = b.nameOf(cr.ContactID)
			return cr
		})
	slices.SortStableFunc(out, func(a, b ContactRole) int {
		switch {
		case a.IsPrimary && !b.IsPrimary:
			return -1
		case b.IsPrimary && !a.IsPrimary:
			return 1
		}
		return 0
	})
	return out, err
}

// Account returns one cached account with its owner's name; ok is false
// when it is not cached.
func (b *Book) Account(ctx context.Context, id string) (Account, bool, error) {
	return one(ctx, b, "Account", id, accountFields, accountOf)
}

// Opportunity returns one cached opportunity with its account's and
// owner's names; ok is false when it is not cached.
func (b *Book) Opportunity(ctx context.Context, id string) (Opportunity, bool, error) {
	return one(ctx, b, "Opportunity", id, opportunityFields, opportunityOf)
}

// AccountOpportunities returns the opportunities of an account (any
// order), with the account's and owners' names.
func (b *Book) AccountOpportunities(ctx context.Context, accountID string) ([]Opportunity, error) {
	accountName := b.nameOf(accountID)
	name := func(id string) string {
		if id == accountID {
			return accountName
		}
		return b.nameOf(id)
	}
	return relatedList(ctx, b, accountID, "Opportunity", []string{"AccountId"}, opportunityFields, func(key string, r soql.Record) Opportunity {
		return opportunityOf(key, r, name)
	})
}

// cached returns the record id that get reads; a record that is not
// cached is an error saying so (what: its kind).
func cached[T any](ctx context.Context, get func(context.Context, string) (T, bool, error), what, id string) (T, error) {
	v, ok, err := get(ctx, id)
	return v, notCached(ok, err, what, id)
}

// notCached returns err, or when the record was not found (ok false) an
// error saying that the record (what, id) is not in the cache.
func notCached(ok bool, err error, what, id string) error {
	if err == nil && !ok {
		return fmt.Errorf("%s %s is not in the cache", what, id)
	}
	return err
}

// AccountDetail returns an account with its contacts, opportunities and
// activities (tasks and events on it or its records; any order). An
// account that is not cached is an error.
func (b *Book) AccountDetail(ctx context.Context, id string) (AccountDetail, error) {
	a, err := cached(ctx, b.Account, "account", id)
	if err != nil {
		return AccountDetail{}, err
	}
	det := AccountDetail{Account: a}
	if det.Contacts, err = b.Contacts(ctx, id); err != nil {
		return det, err
	}
	if det.Opportunities, err = b.AccountOpportunities(ctx, id); err != nil {
		return det, err
	}
	det.Activities, err = b.Activities(ctx, id, "WhatId", "AccountId")
	return det, err
}

// OpportunityDetail returns an opportunity with the fields of its page,
// its contact roles (the primary first) and activities (tasks and events; any order). An
// opportunity that is not cached is an error.
func (b *Book) OpportunityDetail(ctx context.Context, id string) (OpportunityDetail, error) {
	o, err := cached(ctx, b.Opportunity, "opportunity", id)
	if err != nil {
		return OpportunityDetail{}, err
	}
	det := OpportunityDetail{Opportunity: o}
	r, ok, err := b.get("Opportunity", id, oppPageFields)
	if err = notCached(ok, err, "opportunity", id); err != nil {
		return det, err
	}
	det.Page = opportunityPageOf(r)
	det.Page.RecordTypeName = b.nameOf(o.RecordTypeID)
	if det.ContactRoles, err = b.ContactRoles(ctx, id); err != nil {
		return det, err
	}
	det.Activities, err = b.Activities(ctx, id, "WhatId")
	return det, err
}

// Status returns the org, identity and sync state of the cache.
func (b *Book) Status(ctx context.Context) (Status, error) {
	var st Status
	id, ok, err := b.st.Identity()
	if err != nil {
		return st, fmt.Errorf("read identity: %w", err)
	}
	if ok {
		st.UserID, st.Username, st.InstanceURL = id.UserID, id.Username, id.InstanceURL
		st.FiscalYearStartMonth, st.Currency = time.Month(id.FiscalYearStartMonth), id.Currency
	}
	st.OrgName = b.opts.OrgName
	orgs, err := b.names(ctx, "Organization")
	if err != nil {
		return st, err
	}
	for _, name := range orgs {
		st.OrgName = name
	}
	if st.OrgName == "" && ok {
		st.OrgName = id.OrgID
	}
	if st.LastSync, err = b.st.LastSync(); err != nil {
		return st, fmt.Errorf("read last sync: %w", err)
	}
	if b.opts.APIUsage != nil {
		st.APIUsed, st.APILimit = b.opts.APIUsage()
	}
	if b.opts.PendingWrites != nil {
		n, err := b.opts.PendingWrites()
		if err != nil {
			return st, fmt.Errorf("read outbox: %w", err)
		}
		st.HasOutbox, st.PendingWrites = true, n
	}
	return st, nil
}
