package book

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/lazyforce/lazyforce/store"
)

// Start-up over a big cache: the lists the app shows (every account,
// opportunity, contact and lead with the names of their accounts and
// owners) are kept in the
// cache as compact snapshots (store.Snapshot), written by the first read
// after the data changed (normally the app's reload after a sync) and read
// back, while the data stays as it is, as one value: no record is decoded
// and no name is looked up. The strings of a list share one buffer.
//
// snapPrefix names this encoding: change it whenever a type's fields or
// their encoding change, so that old snapshots are ignored.
const snapPrefix = "book.v1."

// errSnapshot is a snapshot that does not decode: it is ignored.
var errSnapshot = errors.New("snapshot does not decode")

// snapshotted returns the list called name from its snapshot when that is
// current, else builds its snapshot from the records (build), stores it
// for next time and decodes the list from it. A snapshot that cannot be
// read or written is no error: the list is built from the records.
func snapshotted[T any](ctx context.Context, b *Book, name string, build buildFunc, get func(*decoder) T) ([]T, error) {
	out, _, err := snapshottedAt(ctx, b, name, build, get)
	return out, err
}

// snapshottedAt is snapshotted, also returning the data generation the
// list was derived from: 0 when it cannot tell (a cache without one), and
// a generation that is no longer current when the cache changed while the
// records were read (see Kept).
func snapshottedAt[T any](ctx context.Context, b *Book, name string, build buildFunc, get func(*decoder) T) ([]T, uint64, error) {
	var data string
	gen, ok, err := b.st.Snapshot(snapPrefix+name, func(v []byte) error {
		data = string(v)
		return nil
	})
	if err == nil && ok {
		if out, err := decodeList(data, get); err == nil {
			return out, gen, nil
		}
	}
	at := gen
	if err != nil {
		at = 0 // no generation to derive anything at
	}
	enc, err := build(ctx, &listBuilder{b: b, gen: gen})
	if err != nil {
		return nil, 0, err
	}
	if gen > 0 && ctx.Err() == nil {
		_, _ = b.st.PutSnapshotValues(gen, []string{snapPrefix + name}, [][]byte{enc.value}) // a cache: best effort
	}
	out, err := decodeList(listText(enc), get)
	if err != nil { // what build encodes always decodes
		return nil, 0, fmt.Errorf("the %s: %w", name, err)
	}
	return out, at, nil
}

// buildFunc builds a list's snapshot from the records, naming them from
// names.
type buildFunc func(ctx context.Context, names *listBuilder) (built, error)

// listText is the text a list is decoded from, sharing enc's bytes: the
// list's strings point into them (as they point into one string read from
// a stored snapshot) and they are never written again, only stored.
func listText(enc built) string { return unsafe.String(unsafe.SliceData(enc.data), len(enc.data)) }

// decodeList decodes a list written by snapshotted.
func decodeList[T any](data string, get func(*decoder) T) ([]T, error) {
	d := &decoder{s: data}
	n := d.uint()
	if d.err != nil || n > uint64(len(data)) {
		return nil, errSnapshot
	}
	out := make([]T, n)
	for i := range out {
		out[i] = get(d)
	}
	if d.err != nil || d.i != len(d.s) {
		return nil, errSnapshot
	}
	return out, nil
}

// encoder appends the compact encoding: uvarints, length-prefixed strings,
// little-endian float64 bits, one byte per bool, times in their binary
// form (0 for the zero time).
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) float(f float64) { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }

func (e *encoder) boolean(v bool) {
	if v {
		e.b = append(e.b, 1)
		return
	}
	e.b = append(e.b, 0)
}

// bytes is str for a string held as bytes.
func (e *encoder) bytes(s []byte) {
	if len(s) < 0x80 { // a length of one byte: most
		e.b = append(append(e.b, byte(len(s))), s...)
		return
	}
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.b = append(e.b, 0)
		return
	}
	e.b = append(e.b, 0) // the length, set once the time is appended
	at := len(e.b)
	b, err := t.AppendBinary(e.b) // MarshalBinary's bytes, without a copy
	if err != nil || len(b)-at > 255 {
		e.b = e.b[:at] // cannot happen for dates from the cache: a zero length
		return
	}
	e.b = b
	e.b[at-1] = byte(len(b) - at)
}

// date appends what time appends for parseDate(s) when s is a date as
// time.Parse(time.DateOnly) reads it (yyyy-mm-dd, an existing day): the
// UTC midnight in MarshalBinary's first version (see decoder.time),
// without a time.Time. ok is false, and nothing appended, for anything
// else.
func (e *encoder) date(s []byte) (ok bool) {
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return false
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return false
	}
	// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard
	// Hinnant's days_from_civil), years starting in March.
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	sec := uint64(days*86400 + secondsToUnix)
	if sec == 0 { // 0001-01-01: the zero time
		e.b = append(e.b, 0)
		return true
	}
	e.b = append(e.b, 15, 1, byte(sec>>56), byte(sec>>48), byte(sec>>40), byte(sec>>32), byte(sec>>24), byte(sec>>16), byte(sec>>8), byte(sec),
		0, 0, 0, 0, 0xff, 0xff)
	return true
}

// daysIn returns the number of days of month m of year y.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// decoder reads what encoder wrote; the first error sticks and every later
// read returns a zero value.
type decoder struct {
	s   string
	i   int
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	if d.i < len(d.s) && d.s[d.i] < 0x80 { // one byte: most lengths
		d.i++
		return uint64(d.s[d.i-1])
	}
	v, n := binary.Uvarint([]byte(d.s[d.i:min(len(d.s), d.i+binary.MaxVarintLen64)]))
	if n <= 0 {
		d.err = errSnapshot
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) take(n uint64) string {
	if d.err != nil || n > uint64(len(d.s)-d.i) {
		d.err = errSnapshot
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

func (d *decoder) str() string { return d.take(d.uint()) }

func (d *decoder) float() float64 {
	s := d.take(8)
	if d.err != nil {
		return 0
	}
	var u uint64
	for j := 7; j >= 0; j-- {
		u = u<<8 | uint64(s[j])
	}
	return math.Float64frombits(u)
}

func (d *decoder) boolean() bool { return d.take(1) == "\x01" }

func (d *decoder) time() time.Time {
	n := d.take(1)
	if d.err != nil || n[0] == 0 {
		return time.Time{}
	}
	b := d.take(uint64(n[0]))
	if d.err != nil {
		return time.Time{}
	}
	// A UTC time (all of the cache's) in MarshalBinary's first version:
	// version 1, seconds since year 1 and nanoseconds (big-endian), the
	// zone offset -1 that means UTC. Decoded here as UnmarshalBinary
	// would, without its copy.
	if len(b) == 15 && b[0] == 1 && b[13] == 0xff && b[14] == 0xff {
		var sec int64
		for j := 1; j < 9; j++ {
			sec = sec<<8 | int64(b[j])
		}
		nsec := int64(b[9])<<24 | int64(b[10])<<16 | int64(b[11])<<8 | int64(b[12])
		return time.Unix(sec-secondsToUnix, nsec).UTC()
	}
	var t time.Time
	if err := t.UnmarshalBinary([]byte(b)); err != nil {
		d.err = errSnapshot
	}
	return t
}

// secondsToUnix is the number of seconds from the start of year 1 (where
// MarshalBinary counts from) to the Unix epoch.
const secondsToUnix = (1969*365 + 1969/4 - 1969/100 + 1969/400) * 24 * 60 * 60

// The encodings of the snapshotted types, field by field in declaration
// order, as rawAccount, rawOpportunity, rawContact and rawLead write them
// (bump snapPrefix when they change).

func getAccount(d *decoder) Account {
	return Account{
		ID: d.str(), Name: d.str(), Type: d.str(), Industry: d.str(), BillingCity: d.str(), Phone: d.str(),
		Website: d.str(), OwnerID: d.str(), OwnerName: d.str(),
		AnnualRevenue: d.float(), AnnualRevenueNull: d.boolean(), LastActivity: d.time(),
	}
}

func getOpportunity(d *decoder) Opportunity {
	return Opportunity{
		ID: d.str(), Name: d.str(), AccountID: d.str(), AccountName: d.str(), StageName: d.str(),
		Amount: d.float(), AmountNull: d.boolean(), CloseDate: d.time(), OwnerID: d.str(), OwnerName: d.str(),
		Probability: d.float(), IsClosed: d.boolean(), IsWon: d.boolean(), RecordTypeID: d.str(),
		LastActivityDate: d.time(),
	}
}

func getContact(d *decoder) Contact {
	return Contact{
		ID: d.str(), Name: d.str(), Title: d.str(), Email: d.str(), Phone: d.str(), AccountID: d.str(),
		AccountName: d.str(), Department: d.str(), MobilePhone: d.str(), MailingCity: d.str(),
		LeadSource: d.str(), OwnerID: d.str(), OwnerName: d.str(), LastActivityDate: d.time(),
	}
}

func getLead(d *decoder) Lead {
	return Lead{
		ID: d.str(), Name: d.str(), Company: d.str(), Title: d.str(), Status: d.str(), Email: d.str(),
		Phone: d.str(), OwnerID: d.str(), OwnerName: d.str(), IsConverted: d.boolean(),
		LeadSource: d.str(), City: d.str(), Industry: d.str(), CreatedDate: d.time(), LastActivityDate: d.time(),
	}
}

// WarmSnapshots stores a current snapshot of every list the app reads at
// start-up (accounts, opportunities, contacts, leads) whose snapshot is
// missing or out of date, from that list's records: run after a sync, so
// that the next start-up reads each list as one value. A list whose
// snapshot is current costs one small read. The lists share the names
// they are named from, and are stored together (nothing is stored when
// the cache changed meanwhile).
func (b *Book) WarmSnapshots(ctx context.Context) error {
	return b.WarmSnapshotsKeeping(ctx, "", nil)
}

// KeptDeriver derives what a reader keeps under its name with the
// accounts and with the opportunities (see Kept), given what is kept for
// them now ("" when nothing is): it returns what to keep instead, nil to
// leave what there is.
type KeptDeriver func(accts []Account, acctsKept string, opps []Opportunity, oppsKept string) (keepAccts, keepOpps []byte)

// WarmSnapshotsKeeping is WarmSnapshots that also hands the accounts and
// opportunities, with what is kept for them under name, to derive, and
// stores what it returns with the lists, in the same write.
func (b *Book) WarmSnapshotsKeeping(ctx context.Context, name string, derive KeptDeriver) error {
	const accounts, opportunities = 0, 1
	lists := []struct {
		name  string
		build buildFunc
	}{
		accounts:      {"accounts", b.encodeAccounts},
		opportunities: {"opportunities", b.encodeOpportunities},
		{"contacts", b.encodeContacts},
		{"leads", b.encodeLeads},
	}
	var (
		gen    uint64                       // the data generation everything is read at, 0 if unknown
		mixed  bool                         // the cache changed between the lists' reads: nothing is stored
		stale  []int                        // the lists to build
		enc    = make([]string, len(lists)) // the derived lists' current snapshots
		names  []string                     // what to store
		values [][]byte
	)
	for i, l := range lists {
		if err := ctx.Err(); err != nil {
			return err
		}
		derived := derive != nil && (i == accounts || i == opportunities)
		at, current, err := b.st.Snapshot(snapPrefix+l.name, func(v []byte) error {
			if derived {
				enc[i] = string(v)
			}
			return nil
		})
		if err == nil {
			mixed = mixed || gen != 0 && at != gen
			gen = at // every read below comes after it
		}
		if err == nil && current {
			continue
		}
		enc[i] = ""
		stale = append(stale, i)
	}
	shared := &listBuilder{b: b, gen: gen}
	for _, i := range stale {
		data, err := lists[i].build(ctx, shared)
		if err != nil {
			return fmt.Errorf("snapshot of the %s: %w", lists[i].name, err)
		}
		names = append(names, snapPrefix+lists[i].name)
		values = append(values, data.value)
		if derive != nil && (i == accounts || i == opportunities) {
			enc[i] = listText(data)
		}
	}
	if derive != nil {
		accts, rebuilt, err := decodeCurrent(ctx, "accounts", enc[accounts], shared, b.encodeAccounts, getAccount)
		if err != nil {
			return err
		}
		if rebuilt != nil {
			names, values = append(names, snapPrefix+"accounts"), append(values, rebuilt)
		}
		opps, rebuilt, err := decodeCurrent(ctx, "opportunities", enc[opportunities], shared, b.encodeOpportunities, getOpportunity)
		if err != nil {
			return err
		}
		if rebuilt != nil {
			names, values = append(names, snapPrefix+"opportunities"), append(values, rebuilt)
		}
		ka, ko := b.kept("accounts", name, gen), b.kept("opportunities", name, gen)
		keepAccts, keepOpps := derive(accts, ka.Data, opps, ko.Data)
		if keepAccts != nil {
			names, values = append(names, ka.name), append(values, store.SnapshotValue(gen, keepAccts, 0))
		}
		if keepOpps != nil {
			names, values = append(names, ko.name), append(values, store.SnapshotValue(gen, keepOpps, 0))
		}
	}
	if len(names) > 0 && gen > 0 && !mixed && ctx.Err() == nil {
		_, _ = b.st.PutSnapshotValues(gen, names, values) // a cache: best effort
	}
	return ctx.Err()
}

// decodeCurrent decodes a list from enc, its snapshot; one that does not
// decode (damaged) is built again from the records, and its snapshot
// returned as rebuilt.
func decodeCurrent[T any](ctx context.Context, name, enc string, l *listBuilder, build buildFunc, get func(*decoder) T) (out []T, rebuilt []byte, err error) {
	if out, err := decodeList(enc, get); err == nil {
		return out, nil, nil
	}
	again, err := build(ctx, l)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot of the %s: %w", name, err)
	}
	if out, err = decodeList(listText(again), get); err != nil { // what build encodes always decodes
		return nil, nil, fmt.Errorf("the %s: %w", name, err)
	}
	return out, again.value, nil
}
