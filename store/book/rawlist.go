package book

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/lazyforce/lazyforce/store"
)

// A list that is not in a current snapshot (after every sync) is built
// straight from the raw records into its snapshot's encoding: one scan of
// each record (store.Fields) reads the list's fields, which are appended
// to the snapshot as they are, names looked up by the Ids' bytes. No map,
// string or struct is made per record; the list itself is then decoded
// from the snapshot, its strings sharing one buffer. The values are those
// the decoders of decode.go read from store.DecodeRecord's map, field for
// field (TestRawListsMatchRecords holds them to it).

// rawRecord is the record being appended to a list's snapshot.
type rawRecord struct {
	key       []byte        // the record's key in the cache
	f         *store.Fields // its fields, as read for the list
	e         *encoder
	names     func(id []byte) string // the Name of a cached record by Id, or ""
	lastNames []lastName             // by field, for name
}

// lastName is the last Id a field named, and its name.
type lastName struct {
	id   []byte
	name string
	ok   bool
}

// id appends the record's Id (recordID: its own Id, else its key).
func (r *rawRecord) id() {
	if id := r.f.ID().Text(); len(id) > 0 {
		r.e.bytes(id)
		return
	}
	r.e.bytes(r.key)
}

// text appends field i as str reads it.
func (r *rawRecord) text(i int) { r.e.bytes(r.f.At(i).Text()) }

// texts appends fields i, j… as text does.
func (r *rawRecord) texts(fields ...int) {
	for _, i := range fields {
		r.text(i)
	}
}

// number appends field i as num reads it, then whether it is null when
// withNull.
func (r *rawRecord) number(i int, withNull bool) {
	v, ok := r.f.At(i).Number()
	r.e.float(v)
	if withNull {
		r.e.boolean(!ok)
	}
}

// boolean appends field i as boolean reads it.
func (r *rawRecord) boolean(i int) { r.e.boolean(r.f.At(i).Bool()) }

// date appends field i as parseDate reads its text.
func (r *rawRecord) date(i int) {
	s := r.f.At(i).Text()
	if len(s) == len(time.DateOnly) && r.e.date(s) {
		return
	}
	r.e.time(parseDate(string(s)))
}

// name appends the Name of the record whose Id is field i; the last Id
// and name looked up for the field are remembered (records in Id order
// often share their account and owner).
func (r *rawRecord) name(i int) {
	id := r.f.At(i).Text()
	last := &r.lastNames[i]
	if !last.ok || string(id) != string(last.id) {
		last.id, last.name, last.ok = append(last.id[:0], id...), r.names(id), true
	}
	r.e.str(last.name)
}

// The records' fields in putAccount's, putOpportunity's, putContact's and
// putLead's order; the numbers are the fields' in accountFields,
// opportunityFields, contactFields and leadFields.

func rawAccount(r *rawRecord) {
	r.id()
	r.texts(0, 1, 2, 3, 4, 5, 6) // Name, Type, Industry, BillingCity, Phone, Website, OwnerId
	r.name(6)                    // OwnerName
	r.number(7, true)            // AnnualRevenue
	r.date(8)                    // LastActivityDate
}

func rawOpportunity(r *rawRecord) {
	r.id()
	r.texts(0, 1) // Name, AccountId
	r.name(1)     // AccountName
	r.text(2)     // StageName
	r.number(3, true)
	r.date(4)          // CloseDate
	r.text(5)          // OwnerId
	r.name(5)          // OwnerName
	r.number(6, false) // Probability
	r.boolean(7)       // IsClosed
	r.boolean(8)       // IsWon
	r.text(9)          // RecordTypeId
	r.date(10)         // LastActivityDate
}

func rawContact(r *rawRecord) {
	r.id()
	r.texts(0, 1, 2, 3, 4) // Name, Title, Email, Phone, AccountId
	r.name(4)              // AccountName
	r.texts(5, 6, 7, 8, 9) // Department, MobilePhone, MailingCity, LeadSource, OwnerId
	r.name(9)              // OwnerName
	r.date(10)             // LastActivityDate
}

func rawLead(r *rawRecord) {
	r.id()
	r.texts(0, 1, 2, 3, 4, 5, 6) // Name, Company, Title, Status, Email, Phone, OwnerId
	r.name(6)                    // OwnerName
	r.boolean(7)                 // IsConverted
	r.texts(8, 9, 10)            // LeadSource, City, Industry
	r.date(11)                   // CreatedDate
	r.date(12)                   // LastActivityDate
}

// built is a list's snapshot as encodeRaw builds it: value is what the
// cache stores (store.SnapshotValue at the builder's data generation),
// data the list's encoding, the end of value.
type built struct{ value, data []byte }

// room is what encodeRaw leaves free in front of a list's records: the
// count of records and the stored value's head go there once known.
const room = store.SnapshotRoom + binary.MaxVarintLen64

// encodeRaw returns the snapshot of every cached record of object (a
// list's encoding, see snapshotted), each appended by put from fields,
// naming the records they point at with names. It is encoded in one
// buffer, in front of which the count and the stored value's head are
// written at the end: sized from the records' count and the first
// records' size, it is neither copied as it grows nor to be stored.
func (l *listBuilder) encodeRaw(ctx context.Context, object string, fields []string, names func([]byte) string,
	put func(*rawRecord)) (built, error) {
	count, err := l.b.st.LiveCount(object) // a stored count: deleted records aside, near enough
	if err != nil {
		return built{}, fmt.Errorf("read %s: %w", object, err)
	}
	e := &encoder{b: make([]byte, room, room+min(count, sampleRecords)*sampleSize)}
	r := &rawRecord{f: store.NewFields(fields...), e: e, names: names, lastNames: make([]lastName, len(fields))}
	n := 0
	var derr error
	err = l.b.st.ForEachRaw(object, func(key, raw []byte) bool {
		if err := r.f.Scan(raw); err != nil {
			derr = fmt.Errorf("decode %s %s: %w", object, key, err)
			return false
		}
		r.key = key
		put(r)
		if n++; n == sampleRecords && count > n {
			// The rest of the records as big as these, and an eighth
			// more.
			size := len(e.b) + (len(e.b)-room)*(count-n)/n*9/8
			if size > cap(e.b) {
				e.b = append(make([]byte, 0, size), e.b...)
			}
		}
		return ctx.Err() == nil
	})
	if err = errors.Join(err, derr, ctx.Err()); err != nil {
		return built{}, fmt.Errorf("read %s: %w", object, err)
	}
	var head [binary.MaxVarintLen64]byte
	h := binary.PutUvarint(head[:], uint64(n))
	at := room - h
	copy(e.b[at:], head[:h])
	return built{value: store.SnapshotValue(l.gen, e.b, at), data: e.b[at:]}, nil
}

// encodeRaw's first buffer holds sampleRecords records of sampleSize
// bytes; the records' count and the size of that many tell the rest.
const (
	sampleRecords = 256
	sampleSize    = 256
)

// listBuilder builds lists' snapshots from the records, to be stored at
// data generation gen. The users' and accounts' names the lists name
// their records' owners and accounts from are read once however many
// lists it builds (at the same data generation).
type listBuilder struct {
	b               *Book
	gen             uint64
	users, accounts map[string]string
}

// owners returns the names of the users by Id, for records with an owner.
func (n *listBuilder) owners(ctx context.Context) (func([]byte) string, error) {
	if n.users == nil {
		users, err := n.b.names(ctx, "User")
		if err != nil {
			return nil, err
		}
		n.users = users
	}
	users := n.users
	return func(id []byte) string { return users[string(id)] }, nil
}

// ownersAndAccounts returns the names of the users and accounts by Id,
// for records with an owner and an account.
func (n *listBuilder) ownersAndAccounts(ctx context.Context) (func([]byte) string, error) {
	if _, err := n.owners(ctx); err != nil {
		return nil, err
	}
	if n.accounts == nil {
		accounts, err := n.b.names(ctx, "Account")
		if err != nil {
			return nil, err
		}
		n.accounts = accounts
	}
	users, accounts := n.users, n.accounts
	return func(id []byte) string {
		if n, ok := users[string(id)]; ok {
			return n
		}
		return accounts[string(id)]
	}, nil
}

// The snapshots of the lists, from the records.

func (b *Book) encodeAccounts(ctx context.Context, n *listBuilder) (built, error) {
	names, err := n.owners(ctx)
	if err != nil {
		return built{}, err
	}
	return n.encodeRaw(ctx, "Account", accountFields, names, rawAccount)
}

func (b *Book) encodeOpportunities(ctx context.Context, n *listBuilder) (built, error) {
	names, err := n.ownersAndAccounts(ctx)
	if err != nil {
		return built{}, err
	}
	return n.encodeRaw(ctx, "Opportunity", opportunityFields, names, rawOpportunity)
}

func (b *Book) encodeContacts(ctx context.Context, n *listBuilder) (built, error) {
	names, err := n.ownersAndAccounts(ctx)
	if err != nil {
		return built{}, err
	}
	return n.encodeRaw(ctx, "Contact", contactFields, names, rawContact)
}

func (b *Book) encodeLeads(ctx context.Context, n *listBuilder) (built, error) {
	names, err := n.owners(ctx)
	if err != nil {
		return built{}, err
	}
	return n.encodeRaw(ctx, "Lead", leadFields, names, rawLead)
}
