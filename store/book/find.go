package book

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
)

// Find: one search over everything cached — accounts, contacts, leads and
// opportunities by name, company, e-mail and phone (issue 16). A Finder
// holds what it searches in memory, so a search is pure CPU (a pane runs
// it on every key); building one reads the cache (Book.Finder), with the
// phone numbers already normalised by the store's reach index.

// Kind is the object of a found record; groups are shown in this order.
type Kind int

// The kinds of records found.
const (
	KindAccount Kind = iota
	KindContact
	KindLead
	KindOpportunity
)

// String returns the object's API name ("Account").
func (k Kind) String() string {
	return [...]string{"Account", "Contact", "Lead", "Opportunity"}[k]
}

// KindOf returns the kind of an object's API name; ok is false for other
// objects.
func KindOf(object string) (k Kind, ok bool) {
	for k := KindAccount; k <= KindOpportunity; k++ {
		if k.String() == object {
			return k, true
		}
	}
	return 0, false
}

// Match is how well a record matched: exact first, then prefix, then
// fuzzy.
type Match int

// The kinds of match, best first.
const (
	MatchExact Match = iota
	MatchPrefix
	MatchFuzzy
)

// String returns "exact", "prefix" or "fuzzy".
func (m Match) String() string { return [...]string{"exact", "prefix", "fuzzy"}[m] }

// Found is one record found.
type Found struct {
	Kind Kind
	ID   string
	Name string
	// Company is the account's name of a contact or opportunity, a lead's
	// company.
	Company string
	Email   string
	Phone   string
	Match   Match
	// Field is what matched: "name", "company", "email" or "phone".
	Field string
	// NotCached is true for a record found by a live search (SOSL) that
	// the cache does not hold.
	NotCached bool
	// score orders matches of the same kind: lower is better.
	score int
}

// findEntry is one searchable record, its text already lower-cased.
type findEntry struct {
	f                    Found
	name, company, email string
	canonical            string // email without its +tag
	// masks of name, company and email (maskOf) skip most non-matches.
	nameMask, companyMask, emailMask uint64
}

// phoneRef is one indexed phone number: its digits reversed (so an
// ends-with search is a prefix search) and its entry.
type phoneRef struct {
	rev   string
	entry int
}

// Finder searches records in memory. Build it with NewFinder or
// Book.Finder; Search is safe for concurrent use.
type Finder struct {
	entries []findEntry
	phones  []phoneRef // sorted by rev
	region  string     // the org's country, for national numbers typed
}

// FinderInput is what a Finder searches. Phones maps a record's Id to the
// store.PhoneDigits of its numbers (the store's reach index); records
// missing from it have their Phone (and MobilePhone) read here.
type FinderInput struct {
	Accounts      []Account
	Contacts      []Contact
	Leads         []Lead
	Opportunities []Opportunity
	Phones        map[string][]string
	// Region is the org's country (ISO, "US") for national numbers; ""
	// when unknown.
	Region string
}

// NewFinder indexes in for Search.
func NewFinder(in FinderInput) *Finder {
	f := &Finder{region: in.Region}
	n := len(in.Accounts) + len(in.Contacts) + len(in.Leads) + len(in.Opportunities)
	f.entries = make([]findEntry, 0, n)
	add := func(fd Found, phones ...string) {
		e := findEntry{f: fd, name: strings.ToLower(fd.Name), company: strings.ToLower(fd.Company)}
		if email, canonical, ok := store.NormalizeEmail(fd.Email); ok {
			e.email, e.canonical = email, canonical
		}
		e.nameMask, e.companyMask, e.emailMask = maskOf(e.name), maskOf(e.company), maskOf(e.email)
		i := len(f.entries)
		f.entries = append(f.entries, e)
		if digits, ok := in.Phones[fd.ID]; ok {
			for _, d := range digits {
				f.phones = append(f.phones, phoneRef{reverseDigits(d), i})
			}
			return
		}
		for _, s := range phones {
			if d := store.PhoneDigits(s); len(d) >= 3 {
				f.phones = append(f.phones, phoneRef{reverseDigits(d), i})
			}
		}
	}
	for _, a := range in.Accounts {
		add(Found{Kind: KindAccount, ID: a.ID, Name: a.Name, Phone: a.Phone}, a.Phone)
	}
	for _, c := range in.Contacts {
		add(Found{Kind: KindContact, ID: c.ID, Name: c.Name, Company: c.AccountName, Email: c.Email, Phone: cmp.Or(c.Phone, c.MobilePhone)}, c.Phone, c.MobilePhone)
	}
	for _, l := range in.Leads {
		add(Found{Kind: KindLead, ID: l.ID, Name: l.Name, Company: l.Company, Email: l.Email, Phone: l.Phone}, l.Phone)
	}
	for _, o := range in.Opportunities {
		add(Found{Kind: KindOpportunity, ID: o.ID, Name: o.Name, Company: o.AccountName})
	}
	slices.SortFunc(f.phones, func(a, b phoneRef) int { return strings.Compare(a.rev, b.rev) })
	return f
}

// Len is the number of records the finder searches.
func (f *Finder) Len() int { return len(f.entries) }

func reverseDigits(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

// hit is a candidate while searching: small, so that thousands of them
// sort fast.
type hit struct {
	entry int32
	match Match
	score int32
	field string
}

// better reports whether h beats o.
func (h hit) better(o hit) bool {
	return h.match < o.match || (h.match == o.match && h.score < o.score)
}

// Search returns the records matching text, grouped by kind (accounts,
// contacts, leads, opportunities), each group ranked: exact matches
// first, then prefix, then fuzzy; at most perKind of each kind (0: no
// limit).
func (f *Finder) Search(text string, perKind int) []Found {
	q := strings.ToLower(strings.TrimSpace(text))
	if q == "" {
		return nil
	}
	phoneHits := make(map[int32]hit)
	f.searchPhones(text, func(i int, m Match, score int, field string) {
		h := hit{int32(i), m, int32(score), field}
		if old, ok := phoneHits[h.entry]; !ok || h.better(old) {
			phoneHits[h.entry] = h
		}
	})
	email, canonical, isEmail := store.NormalizeEmail(text)
	qmask := maskOf(q)
	var groups [KindOpportunity + 1][]hit
	for i := range f.entries {
		e := &f.entries[i]
		best, found := hit{entry: int32(i)}, false
		consider := func(m Match, score int, field string) {
			h := hit{int32(i), m, int32(score), field}
			if !found || h.better(best) {
				best, found = h, true
			}
		}
		if e.nameMask&qmask == qmask {
			if m, s, ok := matchText(e.name, q); ok {
				consider(m, s, "name")
			}
		}
		if e.companyMask&qmask == qmask && e.company != "" && (!found || best.match != MatchExact) {
			if m, s, ok := matchText(e.company, q); ok {
				consider(m, s+1, "company") // a name beats a company
			}
		}
		if e.email != "" {
			switch {
			case isEmail && (e.email == email || (canonical != "" && e.canonical == canonical) || e.canonical == email):
				consider(MatchExact, 0, "email")
			case e.emailMask&qmask != qmask:
			case strings.HasPrefix(e.email, q) || (e.canonical != "" && strings.HasPrefix(e.canonical, q)):
				consider(MatchPrefix, len(e.email)-len(q), "email")
			case len(q) >= 3 && strings.Contains(e.email, q):
				consider(MatchFuzzy, len(e.email), "email")
			}
		}
		if h, ok := phoneHits[int32(i)]; ok && (!found || h.better(best)) {
			best, found = h, true
		}
		if found {
			groups[e.f.Kind] = append(groups[e.f.Kind], best)
		}
	}
	var out []Found
	for _, g := range groups {
		// Ties keep the finder's order (Id order of the lists): comparing
		// names of thousands of equal prefix matches costs a frame.
		slices.SortFunc(g, func(a, b hit) int {
			return cmp.Or(cmp.Compare(a.match, b.match), cmp.Compare(a.score, b.score), cmp.Compare(a.entry, b.entry))
		})
		if perKind > 0 && len(g) > perKind {
			g = g[:perKind]
		}
		for _, h := range g {
			fd := f.entries[h.entry].f
			fd.Match, fd.Field, fd.score = h.match, h.field, int(h.score)
			out = append(out, fd)
		}
	}
	return out
}

// maskOf returns the set of bytes of s as 64 bits (letters, digits and
// the rest folded), spaces left out: a value can only contain (or hold
// in order) a query whose mask is a subset of its own.
func maskOf(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
		case c >= 'a' && c <= 'z':
			m |= 1 << (c - 'a')
		case c >= '0' && c <= '9':
			m |= 1 << (26 + c - '0')
		default:
			m |= 1 << (36 + c%28)
		}
	}
	return m
}

// searchPhones matches text as a phone number: the same number in any
// format is exact, a number ending or starting with the digits typed is a
// prefix match, one containing them fuzzy.
func (f *Finder) searchPhones(text string, consider func(i int, m Match, score int, field string)) {
	letters := strings.IndexFunc(text, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
	if letters >= 0 && !strings.Contains(strings.ToLower(text), "x") && !strings.Contains(strings.ToLower(text), "ext") {
		return
	}
	p, ok := store.NormalizePhone(text, f.region)
	if !ok {
		return
	}
	// Ends with the national number: the same number typed in any format
	// (exact when nothing but a country code is left), or its last digits.
	national := strings.TrimLeft(p.National, "0")
	if national == "" {
		return
	}
	revNational, revE164 := reverseDigits(national), reverseDigits(p.Digits)
	lo := sort.Search(len(f.phones), func(i int) bool { return f.phones[i].rev >= revNational })
	for i := lo; i < len(f.phones) && strings.HasPrefix(f.phones[i].rev, revNational); i++ {
		ref := f.phones[i]
		extra := len(ref.rev) - len(revNational)
		if ref.rev == revE164 || extra == 0 || (extra <= 3 && len(national) >= 7) {
			consider(ref.entry, MatchExact, extra, "phone")
		} else {
			consider(ref.entry, MatchPrefix, extra, "phone")
		}
	}
	// Contains the digits typed (an area code, a middle part).
	if len(national) < 3 {
		return
	}
	revDigits := revNational
	for _, ref := range f.phones {
		if strings.Contains(ref.rev, revDigits) && !strings.HasPrefix(ref.rev, revNational) {
			m := MatchFuzzy
			if strings.HasSuffix(ref.rev, revDigits) {
				m = MatchPrefix // the number starts with the digits typed
			}
			consider(ref.entry, m, len(ref.rev), "phone")
		}
	}
}

// matchText matches a lower-cased query against a lower-cased value:
// exact, prefix (of the value or of one of its words), or fuzzy (contains
// it, or its letters in order), with a score (lower is better).
func matchText(v, q string) (Match, int, bool) {
	if len(v) < len(q) {
		return 0, 0, false
	}
	if v == q {
		return MatchExact, 0, true
	}
	i := strings.Index(v, q)
	switch {
	case i == 0:
		return MatchPrefix, len(v) - len(q), true
	case i > 0 && !isWordByte(v[i-1]):
		return MatchPrefix, 100 + i, true
	case i > 0:
		return MatchFuzzy, i, true
	}
	if len(q) < 3 {
		return 0, 0, false
	}
	if span, ok := subsequence(v, q); ok {
		return MatchFuzzy, 100 + span, true
	}
	return 0, 0, false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// subsequence reports whether q's bytes appear in v in order (spaces in
// q skipped) within a span of v at most three times their number, with
// the shortest such span: letters scattered over a long name ("obrien"
// in "Lakeside Foods & Beverage - Integration") are no match.
func subsequence(v, q string) (int, bool) {
	q = strings.ReplaceAll(q, " ", "")
	if q == "" {
		return 0, false
	}
	limit, best := 3*len(q), -1
	for start := range len(v) {
		if v[start] != q[0] {
			continue
		}
		j, end := 1, start
		for i := start + 1; i < len(v) && j < len(q) && i-start < limit; i++ {
			if v[i] == q[j] {
				j, end = j+1, i
			}
		}
		if j == len(q) && (best < 0 || end-start+1 < best) {
			best = end - start + 1
		}
	}
	return best, best >= 0
}

// Lists are the lists find searches: a Book, or what serves its lists.
type Lists interface {
	Accounts(ctx context.Context) ([]Account, error)
	AllContacts(ctx context.Context) ([]Contact, error)
	Leads(ctx context.Context) ([]Lead, error)
	Opportunities(ctx context.Context) ([]Opportunity, error)
}

// ReadLists reads the accounts, contacts, leads and opportunities of src
// into a FinderInput (without phones or region).
func ReadLists(ctx context.Context, src Lists) (FinderInput, error) {
	var in FinderInput
	var err error
	if in.Accounts, err = src.Accounts(ctx); err != nil {
		return in, err
	}
	if in.Contacts, err = src.AllContacts(ctx); err != nil {
		return in, err
	}
	if in.Leads, err = src.Leads(ctx); err != nil {
		return in, err
	}
	in.Opportunities, err = src.Opportunities(ctx)
	return in, err
}

// Finder reads everything find searches from the cache: accounts,
// contacts, leads, opportunities, their indexed phone numbers and the
// org's country.
func (b *Book) Finder(ctx context.Context) (*Finder, error) {
	in, err := ReadLists(ctx, b)
	if err != nil {
		return nil, err
	}
	if in.Region, err = b.orgRegion(ctx); err != nil {
		return nil, err
	}
	in.Phones = make(map[string][]string)
	for _, object := range []string{"Account", "Contact", "Lead"} {
		err := b.st.Phones(object, func(id, digits string) bool {
			in.Phones[id] = append(in.Phones[id], digits)
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	if len(in.Phones) == 0 {
		in.Phones = nil // a cache indexed before phones were: normalise them here
	}
	return NewFinder(in), nil
}

// orgRegion returns the ISO region of the org's country ("" unknown).
func (b *Book) orgRegion(ctx context.Context) (string, error) {
	region := ""
	err := b.each(ctx, "Organization", []string{"Country"}, func(_ string, r soql.Record) {
		region = store.RegionOf(str(r, "Country"))
	})
	return region, err
}

// Find searches the cache for text (see Finder.Search).
func (b *Book) Find(ctx context.Context, text string, perKind int) ([]Found, error) {
	f, err := b.Finder(ctx)
	if err != nil {
		return nil, err
	}
	return f.Search(text, perKind), nil
}
