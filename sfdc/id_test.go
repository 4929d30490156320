package sfdc

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Real ids from recorded Salesforce responses (shared/fixtures/salesforce).
var realIDs = []string{
	"0014S000007NxmlQAC",
	"0014S000007Nx5BQAS",
	"003q000000KvQ1tAAF",
	"a00B000000FSjVUIA1",
	"a00B000000FSkcvIAD",
	"0054K000000lWv9QAE",
	"00D4K000000EXnyUAG",
}

func TestParseIDConvertsRealFifteenCharIDs(t *testing.T) {
	for _, want := range realIDs {
		got, err := ParseID(want[:15])
		if err != nil {
			t.Fatalf("ParseID(%q): %v", want[:15], err)
		}
		if string(got) != want {
			t.Errorf("ParseID(%q) = %q, want %q", want[:15], got, want)
		}
		again, err := ParseID(want)
		if err != nil || string(again) != want {
			t.Errorf("ParseID(%q) = %q, %v; want itself", want, again, err)
		}
	}
}

func TestParseIDRejectsBadInput(t *testing.T) {
	cases := map[string]string{
		"a00B000000FSjVUIB1": "checksum", // the MALFORMED_ID case recorded in errors-rest.json
		"001":                "15 or 18",
		"0014S000007Nxml!":   "15 or 18",
		"0014S000007Nx-l":    "alphanumeric",
		"":                   "15 or 18",
	}
	for in, wantErr := range cases {
		_, err := ParseID(in)
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseID(%q) error = %v, want one mentioning %q", in, err, wantErr)
		}
	}
}

func TestParseIDAcceptsLowerCaseSuffix(t *testing.T) {
	got, err := ParseID("0014S000007NxmlqAc")
	if err != nil || got != "0014S000007NxmlQAC" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestObjectTypeFromKeyPrefix(t *testing.T) {
	cases := map[string]string{
		"0014S000007NxmlQAC": "Account",
		"003q000000KvQ1tAAF": "Contact",
		"0054K000000lWv9QAE": "User",
		"00D4K000000EXnyUAG": "Organization",
	}
	for id, want := range cases {
		got, ok := MustID(id).ObjectType()
		if !ok || got != want {
			t.Errorf("%s: ObjectType() = %q, %v; want %q", id, got, ok, want)
		}
	}
	if _, ok := MustID("a00B000000FSjVUIA1").ObjectType(); ok {
		t.Error("custom object prefix a00 should not resolve to a standard object")
	}
	if KeyPrefixOf("opportunity") != "006" {
		t.Errorf("KeyPrefixOf(opportunity) = %q", KeyPrefixOf("opportunity"))
	}
}

func TestNewIDRoundTrips(t *testing.T) {
	seen := map[ID]bool{}
	for serial := uint64(0); serial < 2000; serial += 7 {
		id := NewID("006", "5e", serial)
		if len(id) != 18 || id.KeyPrefix() != "006" {
			t.Fatalf("NewID gave %q", id)
		}
		parsed, err := ParseID(string(id))
		if err != nil || parsed != id {
			t.Fatalf("NewID(%d) = %q does not validate: %v", serial, id, err)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
	if !NewID("001", "5e", 42).Equal(ID(NewID("001", "5e", 42).Short())) {
		t.Error("Equal should accept the 15-character form")
	}
}

// IsID accepts exactly the values ParseID accepts.
func TestIsIDAgreesWithParseID(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_ "
	valid := 0
	for i := 0; i < 20000; i++ {
		var v string
		switch i % 4 {
		case 0: // a valid Id, its suffix in either case
			v = string(NewID("003", "4S", rnd.Uint64()%1e12))
			if rnd.IntN(2) == 0 {
				v = v[:15] + strings.ToLower(v[15:])
			}
		case 1: // a valid Id with one character changed
			b := []byte(NewID("001", "4S", rnd.Uint64()%1e12))
			b[rnd.IntN(len(b))] = chars[rnd.IntN(len(chars))]
			v = string(b)
		default: // random text of 15 or 18 characters
			b := make([]byte, 15+3*rnd.IntN(2))
			for j := range b {
				b[j] = chars[rnd.IntN(len(chars))]
			}
			v = string(b)
		}
		_, err := ParseID(v)
		if got := IsID([]byte(v)); got != (err == nil) {
			t.Fatalf("IsID([]byte(%q)) = %v, ParseID error %v", v, got, err)
		}
		if got := IsID(v); got != (err == nil) {
			t.Fatalf("IsID(%q) = %v, ParseID error %v", v, got, err)
		}
		if err == nil {
			valid++
		}
	}
	if valid < 5000 {
		t.Errorf("only %d valid Ids tried", valid)
	}
}

// IsID accepts exactly the values ParseID accepts, whatever the bytes.
func FuzzIsID(f *testing.F) {
	f.Add("0034S0000000001AAA")
	f.Add("0034S0000000001")
	f.Add("0034s0000000001aaa")
	f.Add("0034S00000000\xff1AAA")
	f.Fuzz(func(t *testing.T, v string) {
		_, err := ParseID(v)
		if got := IsID(v); got != (err == nil) {
			t.Fatalf("IsID(%q) = %v, ParseID error %v", v, got, err)
		}
		if got := IsID([]byte(v)); got != (err == nil) {
			t.Fatalf("IsID([]byte(%q)) = %v, ParseID error %v", v, got, err)
		}
	})
}

// BenchmarkIsID checks 18-character Ids, most of them valid, as a sync
// checks its records' lookup fields.
func BenchmarkIsID(b *testing.B) {
	ids := make([][]byte, 1024)
	for i := range ids {
		ids[i] = []byte(NewID("001", "4S", uint64(i)*7919))
		if i%8 == 0 {
			ids[i][17] = '-'
		}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, id := range ids {
			if IsID(id) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("no valid Id")
	}
}
