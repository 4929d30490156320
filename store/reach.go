package store

import (
	"bytes"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"
	bolt "go.etcd.io/bbolt"
)

// The reach indexes find people and companies by the phone numbers and
// e-mail addresses they are reached at, the way users type them (issue 16):
//
//	phone2: OBJECT \0 'r' reverse(DIGITS) \0 ID   exact and ends-with lookups
//	email2: OBJECT \0 lower(trim(EMAIL)) \0 ID    plus the address without
//	                                             its +tag when it has one
//
// DIGITS (PhoneDigits) are a stored number's digits without an extension:
// an international number's are its E.164 digits, a national number's its
// national significant number (without trunk zeros). Parsing every stored
// number with libphonenumber costs ~50 µs (5 s a sync of 100k contacts),
// so the typed text is what gets parsed (NormalizePhone, with the org's
// country): its national number is a suffix of DIGITS however either was
// written, so "+1 (415) 555-0100", "415.555.0100", "4155550100" and
// "+14155550100" find each other, and "12 3" is found by "123".
var (
	indexPhone = []byte("phone2")
	indexEmail = []byte("email2")
)

// reachObjects are the objects whose phones and e-mails are indexed.
var reachObjects = map[string]bool{"Account": true, "Contact": true, "Lead": true}

// phoneFields are the phone fields indexed.
var phoneFields = map[string]bool{"Phone": true, "MobilePhone": true, "HomePhone": true, "OtherPhone": true}

// Phone is a normalised phone number.
type Phone struct {
	// E164 is the number in E.164 ("+14155550100"); "" when it did not
	// parse as a phone number.
	E164 string
	// Digits are E164's digits, or the typed digits without leading zeros.
	Digits string
	// National is the national significant number ("4155550100"), or
	// Digits.
	National string
	// Ext is the extension ("123" of "ext. 123"), if any.
	Ext string
}

// NormalizePhone normalises a phone number as typed or stored: region is
// the ISO country (e.g. "US", from RegionOf) national numbers are read in,
// "" when unknown. ok is false for text with fewer than three digits.
func NormalizePhone(s, region string) (p Phone, ok bool) {
	s = strings.TrimSpace(s)
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	if n < 3 {
		return p, false
	}
	if region == "" {
		region = "ZZ"
	}
	if num, err := phonenumbers.Parse(s, region); err == nil && num.GetNationalNumber() != 0 {
		p.E164 = phonenumbers.Format(num, phonenumbers.E164)
		p.Digits = strings.TrimPrefix(p.E164, "+")
		p.National = phonenumbers.GetNationalSignificantNumber(num)
		p.Ext = num.GetExtension()
		return p, true
	}
	p.Digits = strings.TrimLeft(digitsOf(s), "0")
	if p.Digits == "" {
		return p, false
	}
	p.National = p.Digits
	return p, true
}

// digitsOf returns the ASCII digits of s.
func digitsOf(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// NormalizeEmail returns an e-mail address trimmed and lower-cased, and
// canonical: the same without a +tag in its local part ("" when it has
// none). ok is false when s has no '@'.
func NormalizeEmail(s string) (email, canonical string, ok bool) {
	email = strings.ToLower(strings.TrimSpace(s))
	at, plus, ok := emailParts(email)
	if !ok {
		return email, "", false
	}
	if plus > 0 {
		canonical = email[:plus] + email[at:]
	}
	return email, canonical, true
}

// emailParts finds where NormalizeEmail cuts an address (trimmed): at, its
// last '@', and plus, the first '+' of the local part, which starts a tag
// when past its first byte (0 when there is none). ok is false when there is no '@' after a local part.
func emailParts[T string | []byte](s T) (at, plus int, ok bool) {
	at = -1
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '@' {
			at = i
			break
		}
	}
	if at <= 0 {
		return at, 0, false
	}
	for i := 0; i < at; i++ {
		if s[i] == '+' { // the first one; at 0 it starts no tag
			return at, i, true
		}
	}
	return at, 0, true
}

// countryRegions maps country names (lower case) as Salesforce users type
// them to ISO regions; two-letter codes are taken as they are.
var countryRegions = map[string]string{
	"united states": "US", "united states of america": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
	"united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
	"germany": "DE", "deutschland": "DE", "india": "IN", "brazil": "BR", "brasil": "BR", "japan": "JP", "canada": "CA",
	"france": "FR", "ireland": "IE", "netherlands": "NL", "the netherlands": "NL", "holland": "NL", "sweden": "SE",
	"australia": "AU", "singapore": "SG", "mexico": "MX", "méxico": "MX", "colombia": "CO", "spain": "ES", "españa": "ES",
	"italy": "IT", "italia": "IT", "switzerland": "CH", "austria": "AT", "belgium": "BE", "denmark": "DK", "norway": "NO",
	"finland": "FI", "poland": "PL", "portugal": "PT", "new zealand": "NZ", "china": "CN", "hong kong": "HK",
	"south africa": "ZA", "israel": "IL", "argentina": "AR", "chile": "CL", "south korea": "KR", "korea": "KR",
	"united arab emirates": "AE", "uae": "AE",
}

// RegionOf returns the ISO region of a country as stored in Salesforce
// ("United Kingdom", "GB", "uk"), "" when unknown.
func RegionOf(country string) string {
	c := strings.ToLower(strings.TrimSpace(country))
	if r, ok := countryRegions[c]; ok {
		return r
	}
	if len(c) == 2 {
		if up := strings.ToUpper(c); phonenumbers.GetCountryCodeForRegion(up) != 0 {
			return up
		}
	}
	return ""
}

// reverse returns s reversed (ASCII).
func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

// PhoneDigits returns the digits of a stored phone number that phone
// lookups match: those before an extension ("x", "ext", "#", ",", ";"),
// without a "(0)" trunk of an international number, and without the
// leading zeros of a national one.
func PhoneDigits(s string) string {
	return string(appendPhoneDigits(nil, []byte(strings.TrimSpace(s))))
}

// appendPhoneDigits appends PhoneDigits of s, trimmed of spaces, to d.
func appendPhoneDigits(d, s []byte) []byte {
	if i := bytes.IndexAny(s, "xX#,;eE"); i > 0 && countDigits(s[:i]) >= 3 {
		s = s[:i]
	}
	if len(s) > 0 && s[0] == '+' {
		if j := bytes.Index(s, []byte("(0)")); j >= 0 {
			return appendDigits(appendDigits(d, s[:j]), s[j+3:])
		}
		return appendDigits(d, s)
	}
	n := len(d)
	d = appendDigits(d, s)
	z := n
	for z < len(d) && d[z] == '0' {
		z++
	}
	return append(d[:n], d[z:]...)
}

// countDigits counts the ASCII digits of s.
func countDigits(s []byte) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// appendDigits appends the ASCII digits of s to d.
func appendDigits(d, s []byte) []byte {
	for _, c := range s {
		if c >= '0' && c <= '9' {
			d = append(d, c)
		}
	}
	return d
}

// ReachHit is one record found by a phone or e-mail lookup, with the
// normalised value that matched (Digits for phones).
type ReachHit struct {
	Object string
	ID     string
	Value  string
}

// reachScan calls fn for each key of bucket under OBJECT \0 prefix, for
// each of objects, with the value part of the key (between the object and
// the Id), until fn returns false or limit hits are found.
func (s *Store) reachScan(bucket []byte, objects []string, prefix string, limit int) ([]ReachHit, error) {
	var hits []ReachHit
	err := s.view(func(tx *bolt.Tx) error {
		for _, o := range objects {
			p := append(append([]byte(o), 0), prefix...)
			err := eachIndexKey(tx, bucket, o, p, func(k []byte) bool {
				if limit > 0 && len(hits) >= limit {
					return false
				}
				last := bytes.LastIndexByte(k, 0)
				hits = append(hits, ReachHit{Object: o, ID: string(k[last+1:]), Value: string(k[len(o)+1 : last])})
				return true
			})
			if err != nil || (limit > 0 && len(hits) >= limit) {
				return err
			}
		}
		return nil
	})
	return hits, err
}

// reachObjectNames lists the objects with reach indexes, in a fixed order.
var reachObjectNames = []string{"Account", "Contact", "Lead"}

// FindPhone returns up to limit records (0: no limit) with a phone number
// ending in p's national number (without trunk zeros): the same number
// stored in any format, and numbers ending in the digits typed. Value is
// the stored number's PhoneDigits. Lookups are key seeks, not scans.
func (s *Store) FindPhone(p Phone, limit int) ([]ReachHit, error) {
	national := strings.TrimLeft(p.National, "0")
	if national == "" {
		return nil, nil
	}
	hits, err := s.reachScan(indexPhone, reachObjectNames, "r"+reverse(national), limit)
	for i := range hits {
		hits[i].Value = reverse(hits[i].Value[1:])
	}
	return hits, err
}

// FindEmail returns up to limit records with an e-mail address starting
// with prefix (case-insensitive, trimmed; an address without its +tag
// matches too).
func (s *Store) FindEmail(prefix string, limit int) ([]ReachHit, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" {
		return nil, nil
	}
	return s.reachScan(indexEmail, reachObjectNames, prefix, limit)
}

// Phones calls fn with every indexed phone number of object's records
// (their Digits; a record with several numbers comes once per number), in
// reversed-digit order, until fn returns false: a finder loads them
// instead of parsing every number again.
func (s *Store) Phones(object string, fn func(id, digits string) bool) error {
	return s.view(func(tx *bolt.Tx) error {
		p := append([]byte(object), 0, 'r')
		return eachIndexKey(tx, indexPhone, object, p, func(k []byte) bool {
			last := bytes.LastIndexByte(k, 0)
			return fn(string(k[last+1:]), reverse(string(k[len(p):last])))
		})
	})
}
