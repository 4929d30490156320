package redact

import (
	"strings"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store/book"
)

// Masking the domain types: each returns a masked copy (the original is
// not changed); with the Masker off, the value itself.

// Account masks an account's phone; its name, city and amounts stay.
func (m *Masker) Account(a book.Account) book.Account {
	a.Phone = m.Phone(a.Phone)
	return a
}

// Accounts masks every account (a new slice when on).
func (m *Masker) Accounts(as []book.Account) []book.Account { return each(m, as, m.Account) }

// Contact masks a contact's name, e-mail, phones and city.
func (m *Masker) Contact(c book.Contact) book.Contact {
	c.Name, c.Email = m.Person(c.Name), m.Email(c.Email)
	c.Phone, c.MobilePhone, c.MailingCity = m.Phone(c.Phone), m.Phone(c.MobilePhone), m.Address(c.MailingCity)
	return c
}

// Contacts masks every contact.
func (m *Masker) Contacts(cs []book.Contact) []book.Contact { return each(m, cs, m.Contact) }

// Lead masks a lead's name, e-mail, phone and city; its company stays.
func (m *Masker) Lead(l book.Lead) book.Lead {
	l.Name, l.Email, l.Phone, l.City = m.Person(l.Name), m.Email(l.Email), m.Phone(l.Phone), m.Address(l.City)
	return l
}

// Leads masks every lead.
func (m *Masker) Leads(ls []book.Lead) []book.Lead { return each(m, ls, m.Lead) }

// User masks a user's e-mail and username (an address too).
func (m *Masker) User(u book.User) book.User {
	u.Email, u.Username = m.Email(u.Email), m.Email(u.Username)
	return u
}

// Activity masks a task's or event's subject and who it names.
func (m *Masker) Activity(a book.Activity) book.Activity {
	a.Subject, a.WhoName = m.Text(a.Subject), m.Person(a.WhoName)
	return a
}

// ContactRole masks the contact's name.
func (m *Masker) ContactRole(cr book.ContactRole) book.ContactRole {
	cr.ContactName = m.Person(cr.ContactName)
	return cr
}

// AccountDetail masks an account with its related records.
func (m *Masker) AccountDetail(d book.AccountDetail) book.AccountDetail {
	d.Account = m.Account(d.Account)
	d.Contacts = m.Contacts(d.Contacts)
	d.Activities = each(m, d.Activities, m.Activity)
	return d
}

// OpportunityDetail masks an opportunity's contact roles and activities;
// the opportunity itself (name, amount, stage) stays.
func (m *Masker) OpportunityDetail(d book.OpportunityDetail) book.OpportunityDetail {
	d.ContactRoles = each(m, d.ContactRoles, m.ContactRole)
	d.Activities = each(m, d.Activities, m.Activity)
	return d
}

// ContactDetail masks a contact with its activities.
func (m *Masker) ContactDetail(d book.ContactDetail) book.ContactDetail {
	d.Contact = m.Contact(d.Contact)
	d.Activities = each(m, d.Activities, m.Activity)
	return d
}

// LeadDetail masks a lead with its activities.
func (m *Masker) LeadDetail(d book.LeadDetail) book.LeadDetail {
	d.Lead = m.Lead(d.Lead)
	d.Activities = each(m, d.Activities, m.Activity)
	return d
}

// Status masks the signed-in username (an e-mail address).
func (m *Masker) Status(s book.Status) book.Status {
	s.Username = m.Email(s.Username)
	return s
}

// Found masks a record found: a contact's or lead's name, and every
// e-mail and phone.
func (m *Masker) Found(f book.Found) book.Found {
	if f.Kind == book.KindContact || f.Kind == book.KindLead {
		f.Name = m.Person(f.Name)
	}
	f.Email, f.Phone = m.Email(f.Email), m.Phone(f.Phone)
	return f
}

// Founds masks every record found.
func (m *Masker) Founds(fs []book.Found) []book.Found { return each(m, fs, m.Found) }

// each maps fn over xs into a new slice when masking is on.
func each[T any](m *Masker, xs []T, fn func(T) T) []T {
	if !m.On() || xs == nil {
		return xs
	}
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = fn(x)
	}
	return out
}

// people are the objects (and relationships) whose names are a person's.
var people = map[string]bool{"Contact": true, "Lead": true, "Who": true}

// nameFields are a person's name parts.
var nameFields = map[string]bool{"Name": true, "FirstName": true, "LastName": true, "MiddleName": true, "Suffix": true}

// textFields are free-text fields.
var textFields = map[string]bool{"Description": true, "Comments": true, "Subject": true, "Body": true, "CommentBody": true, "TextBody": true, "HtmlBody": true}

// Field masks one field of a record of object (as a query returns it):
// personal names of contacts and leads, any e-mail, phone, fax, street,
// city or postal code (account names, amounts and stages stay), and free
// text. Values that are not strings are returned as they are.
func (m *Masker) Field(object, field string, v any) any {
	s, ok := v.(string)
	if !ok || !m.On() {
		return v
	}
	switch {
	case people[object] && nameFields[field]:
		return m.Person(s)
	case strings.HasSuffix(field, "Email") || field == "Username":
		return m.Email(s)
	case strings.HasSuffix(field, "Phone") || strings.HasSuffix(field, "Fax"):
		return m.Phone(s)
	case strings.HasSuffix(field, "Street") || strings.HasSuffix(field, "PostalCode") ||
		(people[object] && strings.HasSuffix(field, "City")):
		return m.Address(s)
	case textFields[field] || strings.HasSuffix(field, "Description"):
		return m.Text(s)
	}
	return v
}

// Record masks a record a query returned, and the related records and
// subqueries nested in it, by their object (attributes.type, else
// object). The record is changed in place and returned.
func (m *Masker) Record(object string, r soql.Record) soql.Record {
	if !m.On() || r == nil {
		return r
	}
	if attrs, ok := r["attributes"].(map[string]any); ok {
		if t, ok := attrs["type"].(string); ok && t != "" {
			object = t
		}
	}
	for k, v := range r {
		switch x := v.(type) {
		case map[string]any:
			if k == "attributes" {
				continue
			}
			if recs, ok := x["records"].([]any); ok { // a subquery
				for _, rec := range recs {
					if rm, ok := rec.(map[string]any); ok {
						m.Record(k, rm)
					}
				}
				continue
			}
			m.Record(k, x) // a parent relationship (Who, Account, Owner)
		default:
			r[k] = m.Field(object, k, v)
		}
	}
	return r
}

// Rows masks query rows in place: each row by its attributes.type (else
// object), related records and subqueries by theirs. With the Masker off,
// nothing changes.
func (m *Masker) Rows(object string, rows []*soql.Row) {
	if !m.On() {
		return
	}
	for _, r := range rows {
		m.Row(object, r)
	}
}

// Row masks one query row in place, as Record does a decoded record.
func (m *Masker) Row(object string, r *soql.Row) {
	if !m.On() || r == nil {
		return
	}
	for i, k := range r.Keys {
		if k != "attributes" {
			continue
		}
		if attrs, ok := r.Values[i].(*soql.Row); ok {
			for j, ak := range attrs.Keys {
				if t, ok := attrs.Values[j].(string); ak == "type" && ok && t != "" {
					object = t
				}
			}
		}
	}
	for i, k := range r.Keys {
		switch v := r.Values[i].(type) {
		case *soql.Row:
			if k != "attributes" {
				m.Row(k, v)
			}
		case *soql.ChildSet:
			if v != nil {
				for _, c := range v.Records {
					m.Row(k, c)
				}
			}
		default:
			r.Values[i] = m.Field(object, k, v)
		}
	}
}
