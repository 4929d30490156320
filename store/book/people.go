package book

import (
	"context"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// The people reps sell to: every contact (with their account), leads, and
// the detail of either with its activity.

// ContactDetail is a contact with its activity.
type ContactDetail struct {
	Contact Contact
	// Activities are the tasks and events naming the contact (WhoId).
	Activities []Activity
}

// LeadDetail is a lead with its activity.
type LeadDetail struct {
	Lead Lead
	// Activities are the tasks and events naming the lead (WhoId).
	Activities []Activity
}

// AllContacts returns every cached contact with its account's and owner's
// names, in Id order (from its snapshot while the cache is unchanged).
func (b *Book) AllContacts(ctx context.Context) ([]Contact, error) {
	return snapshotted(ctx, b, "contacts", b.readContacts, putContact, getContact)
}

// readContacts is AllContacts read from the records.
func (b *Book) readContacts(ctx context.Context) ([]Contact, error) {
	users, err := b.names(ctx, "User")
	if err != nil {
		return nil, err
	}
	accounts, err := b.names(ctx, "Account")
	if err != nil {
		return nil, err
	}
	return list(ctx, b, "Contact", contactFields, len(accounts)*4, func(key string, r soql.Record) Contact {
		c := contactOf(key, r)
		c.AccountName, c.OwnerName = accounts[c.AccountID], users[c.OwnerID]
		return c
	})
}

// Contact returns one cached contact with its account's and owner's
// names; ok is false when it is not cached.
func (b *Book) Contact(ctx context.Context, id string) (c Contact, ok bool, err error) {
	r, ok, err := b.get("Contact", id, contactFields)
	if err != nil || !ok {
		return c, ok, err
	}
	c = contactOf(id, r)
	c.AccountName, c.OwnerName = b.nameOf(c.AccountID), b.nameOf(c.OwnerID)
	return c, true, ctx.Err()
}

// Lead returns one cached lead with its owner's name; ok is false when it
// is not cached.
func (b *Book) Lead(ctx context.Context, id string) (l Lead, ok bool, err error) {
	r, ok, err := b.get("Lead", id, leadFields)
	if err != nil || !ok {
		return l, ok, err
	}
	l = leadOf(id, r)
	l.OwnerName = b.nameOf(l.OwnerID)
	return l, true, ctx.Err()
}

// ContactDetail returns a contact with its activities (tasks and events
// naming it; any order). A contact that is not cached is an error.
func (b *Book) ContactDetail(ctx context.Context, id string) (ContactDetail, error) {
	var det ContactDetail
	c, ok, err := b.Contact(ctx, id)
	if err = notCached(ok, err, "contact", id); err != nil {
		return det, err
	}
	det.Contact = c
	det.Activities, err = b.Activities(ctx, id, "WhoId")
	return det, err
}

// LeadDetail returns a lead with its activities (tasks and events naming
// it; any order). A lead that is not cached is an error.
func (b *Book) LeadDetail(ctx context.Context, id string) (LeadDetail, error) {
	var det LeadDetail
	l, ok, err := b.Lead(ctx, id)
	if err = notCached(ok, err, "lead", id); err != nil {
		return det, err
	}
	det.Lead = l
	det.Activities, err = b.Activities(ctx, id, "WhoId")
	return det, err
}

// Open reports whether a lead is still being worked: not converted, and
// not in a closed status (the standard statuses "Closed - Converted" and
// "Closed - Not Converted"; LeadStatus has no IsClosed flag).
func (l *Lead) Open() bool {
	return !l.IsConverted && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(l.Status)), "closed")
}
