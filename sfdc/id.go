package sfdc

import (
	"fmt"
	"strings"
)

// ID is a Salesforce record id. Canonical form is the 18-character,
// case-insensitive-safe id; 15-character ids are accepted and converted.
type ID string

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

// keyPrefixes maps the standard three-character key prefixes to object names.
// Other prefixes come from describe's keyPrefix.
var keyPrefixes = map[string]string{
	"001": "Account",
	"003": "Contact",
	"005": "User",
	"006": "Opportunity",
	"00D": "Organization",
	"00Q": "Lead",
	"00T": "Task",
	"00U": "Event",
	"00k": "OpportunityContactRole",
	"012": "RecordType",
	"01J": "OpportunityStage",
}

// ParseID validates s as a 15- or 18-character Salesforce id and returns its
// 18-character form. An 18-character id whose checksum suffix does not match
// is rejected, as Salesforce rejects it with MALFORMED_ID.
func ParseID(s string) (ID, error) {
	switch len(s) {
	case 15, 18:
	default:
		return "", fmt.Errorf("invalid Salesforce id %q: want 15 or 18 characters, got %d", s, len(s))
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !alphanumeric(c) {
			return "", fmt.Errorf("invalid Salesforce id %q: character %q at position %d is not alphanumeric", s, c, i+1)
		}
	}
	full := s[:15] + checksum(s[:15])
	if len(s) == 18 && !strings.EqualFold(s[15:], full[15:]) {
		return "", fmt.Errorf("invalid Salesforce id %q: checksum suffix %q should be %q", s, s[15:], full[15:])
	}
	// The suffix is case-insensitive; return the canonical upper-case form.
	return ID(full), nil
}

// IsID reports whether s is a valid Salesforce id, as ParseID decides,
// without allocating (for callers that check many values, as bytes or
// strings: a sync checks every lookup field of every record). It reads the
// first 15 characters as two overlapping words and classifies their bytes
// all at once (idWord).
func IsID[S ~string | ~[]byte](s S) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	_ = s[14]
	lo := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	hi := uint64(s[7]) | uint64(s[8])<<8 | uint64(s[9])<<16 | uint64(s[10])<<24 |
		uint64(s[11])<<32 | uint64(s[12])<<40 | uint64(s[13])<<48 | uint64(s[14])<<56
	loUpper, loOK := idWord(lo)
	hiUpper, hiOK := idWord(hi)
	if !loOK || !hiOK {
		return false
	}
	if len(s) == 15 {
		return true
	}
	// Bit i for an upper-case character i (the words share character 7);
	// the checksum's chunks are its three groups of five bits.
	upper := loUpper | hiUpper<<7
	// The suffix is case-insensitive; idAlphabet has no lower-case letter,
	// so this also rejects a suffix that is not alphanumeric.
	for i := range 3 {
		c := s[15+i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != idAlphabet[upper>>(5*i)&31] {
			return false
		}
	}
	return true
}

// idWord classifies the 8 characters of w (little-endian): whether all are
// ASCII letters or digits, and which are upper-case letters (bit k for
// character k). A byte x < 0x80 is in [lo, hi] when x+(0x80-lo) has bit 7
// set and x+(0x7f-hi) has not; no byte carries into the next.
func idWord(w uint64) (upper uint64, ok bool) {
	const (
		lsb = 0x0101010101010101
		msb = 0x8080808080808080
	)
	digit := (w + lsb*(0x80-'0')) &^ (w + lsb*(0x7f-'9'))
	up := (w + lsb*(0x80-'A')) &^ (w + lsb*(0x7f-'Z'))
	low := (w + lsb*(0x80-'a')) &^ (w + lsb*(0x7f-'z'))
	ok = w&msb == 0 && (digit|up|low)&msb == msb
	// Gather bits 7, 15… 63 of up into bits 0…7, without carries.
	upper = (up & msb >> 7) * 0x0102040810204080 >> 56
	return upper, ok
}

func alphanumeric(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// MustID is ParseID for ids known to be valid (tests, constants); it panics otherwise.
func MustID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// NewID builds an 18-character id from a three-character key prefix and a
// serial number, the way the emulator and tests mint ids. pod is a
// two-character instance marker (Salesforce uses e.g. "4S", "B0").
func NewID(prefix, pod string, serial uint64) ID {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var body [10]byte
	for i := len(body) - 1; i >= 0; i-- {
		body[i] = digits[serial%62]
		serial /= 62
	}
	s15 := prefix + pod + string(body[:])
	return ID(s15 + checksum(s15))
}

// checksum computes the three-character suffix that makes a 15-character id
// case-insensitively unique: one character per five-character chunk, whose
// bits mark the upper-case letters of that chunk.
func checksum(s15 string) string {
	out := checksumOf(s15)
	return string(out[:])
}

// checksumOf is checksum of s's first 15 characters, without allocating.
func checksumOf[S ~string | ~[]byte](s S) [3]byte {
	var out [3]byte
	for chunk := 0; chunk < 3; chunk++ {
		bits := 0
		for j := 0; j < 5; j++ {
			c := s[chunk*5+j]
			if c >= 'A' && c <= 'Z' {
				bits |= 1 << j
			}
		}
		out[chunk] = idAlphabet[bits]
	}
	return out
}

// String returns the id as a string.
func (id ID) String() string { return string(id) }

// Short returns the 15-character, case-sensitive form.
func (id ID) Short() string {
	if len(id) < 15 {
		return string(id)
	}
	return string(id[:15])
}

// KeyPrefix returns the first three characters, which name the object type.
func (id ID) KeyPrefix() string {
	if len(id) < 3 {
		return ""
	}
	return string(id[:3])
}

// ObjectType returns the standard object the id's key prefix belongs to, and
// false when the prefix is not a standard one (use describe's keyPrefix then).
func (id ID) ObjectType() (string, bool) {
	name, ok := keyPrefixes[id.KeyPrefix()]
	return name, ok
}

// Equal compares two ids, accepting either form on both sides.
func (id ID) Equal(other ID) bool {
	if len(id) < 15 || len(other) < 15 {
		return id == other
	}
	return id[:15] == other[:15]
}

// KeyPrefixOf returns the standard key prefix of an object name, or "".
func KeyPrefixOf(object string) string {
	for p, name := range keyPrefixes {
		if strings.EqualFold(name, object) {
			return p
		}
	}
	return ""
}
