package book

import (
	"context"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// The start-up lists as they were read before their snapshots were built
// straight from the raw records: every record decoded by store.DecodeRecord
// into a soql.Record, then into its type by decode.go (as the details
// still are), named from maps of names, and encoded field by field.
// TestRawListsMatchRecords holds the snapshots built from the raw records
// to these, byte for byte.

// readAccounts is Accounts read through soql.Records.
func (b *Book) readAccounts(ctx context.Context) ([]Account, error) {
	return listOwned(ctx, b, "Account", accountFields, accountOf)
}

// readOpportunities is Opportunities read through soql.Records.
func (b *Book) readOpportunities(ctx context.Context) ([]Opportunity, error) {
	return listInAccounts(ctx, b, "Opportunity", opportunityFields, 5, opportunityOf)
}

// readContacts is AllContacts read through soql.Records.
func (b *Book) readContacts(ctx context.Context) ([]Contact, error) {
	return listInAccounts(ctx, b, "Contact", contactFields, 4, contactOf)
}

// readLeads is Leads read through soql.Records.
func (b *Book) readLeads(ctx context.Context) ([]Lead, error) {
	return listOwned(ctx, b, "Lead", leadFields, leadOf)
}

// namesOf maps the keys of object's records to their Name, read through
// soql.Records.
func namesOf(ctx context.Context, b *Book, object string) (map[string]string, error) {
	out := make(map[string]string)
	err := b.each(ctx, object, nameFields, func(key string, r soql.Record) {
		out[key] = str(r, "Name")
	})
	return out, err
}

// listOwned is list for records with an owner: of names them from the
// users' names.
func listOwned[T any](ctx context.Context, b *Book, object string, fields []string, of func(key string, r soql.Record, name nameFunc) T) ([]T, error) {
	users, err := namesOf(ctx, b, "User")
	if err != nil {
		return nil, err
	}
	name := func(id string) string { return users[id] }
	return list(ctx, b, object, fields, 0, func(key string, r soql.Record) T { return of(key, r, name) })
}

// listInAccounts is list for records with an owner and an account: of
// names them from the users' and the accounts' names. perAccount is about
// how many records an account has (list's size hint).
func listInAccounts[T any](ctx context.Context, b *Book, object string, fields []string, perAccount int, of func(key string, r soql.Record, name nameFunc) T) ([]T, error) {
	users, err := namesOf(ctx, b, "User")
	if err != nil {
		return nil, err
	}
	accounts, err := namesOf(ctx, b, "Account")
	if err != nil {
		return nil, err
	}
	name := func(id string) string {
		if n, ok := users[id]; ok {
			return n
		}
		return accounts[id]
	}
	return list(ctx, b, object, fields, len(accounts)*perAccount, func(key string, r soql.Record) T { return of(key, r, name) })
}

// The encodings of the typed records (what snapshots were written from).

func putAccount(e *encoder, a *Account) {
	for _, s := range []string{a.ID, a.Name, a.Type, a.Industry, a.BillingCity, a.Phone, a.Website, a.OwnerID, a.OwnerName} {
		e.str(s)
	}
	e.float(a.AnnualRevenue)
	e.boolean(a.AnnualRevenueNull)
	e.time(a.LastActivity)
}

func putOpportunity(e *encoder, o *Opportunity) {
	for _, s := range []string{o.ID, o.Name, o.AccountID, o.AccountName, o.StageName} {
		e.str(s)
	}
	e.float(o.Amount)
	e.boolean(o.AmountNull)
	e.time(o.CloseDate)
	e.str(o.OwnerID)
	e.str(o.OwnerName)
	e.float(o.Probability)
	e.boolean(o.IsClosed)
	e.boolean(o.IsWon)
	e.str(o.RecordTypeID)
	e.time(o.LastActivityDate)
}

func putContact(e *encoder, c *Contact) {
	for _, s := range []string{c.ID, c.Name, c.Title, c.Email, c.Phone, c.AccountID, c.AccountName, c.Department,
		c.MobilePhone, c.MailingCity, c.LeadSource, c.OwnerID, c.OwnerName} {
		e.str(s)
	}
	e.time(c.LastActivityDate)
}

func putLead(e *encoder, l *Lead) {
	for _, s := range []string{l.ID, l.Name, l.Company, l.Title, l.Status, l.Email, l.Phone, l.OwnerID, l.OwnerName} {
		e.str(s)
	}
	e.boolean(l.IsConverted)
	for _, s := range []string{l.LeadSource, l.City, l.Industry} {
		e.str(s)
	}
	e.time(l.CreatedDate)
	e.time(l.LastActivityDate)
}

// encodeList encodes a list as snapshotted stores it, from typed records.
func encodeList[T any](l []T, put func(*encoder, *T)) []byte {
	e := &encoder{}
	e.uint(uint64(len(l)))
	for i := range l {
		put(e, &l[i])
	}
	return e.b
}
