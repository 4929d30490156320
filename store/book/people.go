package book

import (
	"context"
	"strings"
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
	return snapshotted(ctx, b, "contacts", b.encodeContacts, getContact)
}

// Contact returns one cached contact with its account's and owner's
// names; ok is false when it is not cached.
func (b *Book) Contact(ctx context.Context, id string) (Contact, bool, error) {
	return one(ctx, b, "Contact", id, contactFields, contactOf)
}

// Lead returns one cached lead with its owner's name; ok is false when it
// is not cached.
func (b *Book) Lead(ctx context.Context, id string) (Lead, bool, error) {
	return one(ctx, b, "Lead", id, leadFields, leadOf)
}

// ContactDetail returns a contact with its activities (tasks and events
// naming it; any order). A contact that is not cached is an error.
func (b *Book) ContactDetail(ctx context.Context, id string) (ContactDetail, error) {
	c, acts, err := personDetail(ctx, b, id, "contact", b.Contact)
	return ContactDetail{Contact: c, Activities: acts}, err
}

// LeadDetail returns a lead with its activities (tasks and events naming
// it; any order). A lead that is not cached is an error.
func (b *Book) LeadDetail(ctx context.Context, id string) (LeadDetail, error) {
	l, acts, err := personDetail(ctx, b, id, "lead", b.Lead)
	return LeadDetail{Lead: l, Activities: acts}, err
}

// personDetail returns the person (a contact or a lead: what) get reads,
// with the activities naming them (WhoId). A person who is not cached is
// an error.
func personDetail[T any](ctx context.Context, b *Book, id, what string, get func(context.Context, string) (T, bool, error)) (person T, acts []Activity, err error) {
	person, err = cached(ctx, get, what, id)
	if err != nil {
		var none T
		return none, nil, err
	}
	acts, err = b.Activities(ctx, id, "WhoId")
	return person, acts, err
}

// Open reports whether a lead is still being worked: not converted, and
// not in a closed status (the standard statuses "Closed - Converted" and
// "Closed - Not Converted"; LeadStatus has no IsClosed flag).
func (l *Lead) Open() bool {
	return !l.IsConverted && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(l.Status)), "closed")
}
