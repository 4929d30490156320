package store

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// fieldClass picks out exactly the fields the index reads: the lookups
// (…Id, …__c) but the ones nobody browses by, StageName, Name, Subject,
// and, for the objects whose phones and e-mails are indexed, those.
func TestFieldClassPicksTheIndexedFields(t *testing.T) {
	for _, c := range []struct {
		key   string
		reach bool
		want  uint8
	}{
		{"Id", false, fieldID},
		{"AccountId", false, fieldRef},
		{"OwnerId", true, fieldRef},
		{"Parent_Account__c", false, fieldRef},
		{"CreatedById", false, fieldOther},
		{"LastModifiedById", true, fieldOther},
		{"StageName", false, fieldStage},
		{"Name", true, fieldName},
		{"Subject", false, fieldSubject},
		{"Phone", true, fieldPhone},
		{"MobilePhone", true, fieldPhone},
		{"HomePhone", true, fieldPhone},
		{"OtherPhone", true, fieldPhone},
		{"Phone", false, fieldOther},
		{"Email", true, fieldEmail},
		{"Email", false, fieldOther},
		{"Fax", true, fieldOther},
		{"IsDeleted", false, fieldOther},
		{"CloseDate", false, fieldOther},
		{"Paid", false, fieldOther},
		{"d", false, fieldOther},
		{"", false, fieldOther},
		{"__c", false, fieldRef},
		{"_c", false, fieldOther},
		{"id", false, fieldOther},
		{"name", false, fieldOther},
	} {
		if got := fieldClass([]byte(c.key), c.reach); got != c.want {
			t.Errorf("fieldClass(%q, reach %v) = %d, want %d", c.key, c.reach, got, c.want)
		}
	}
}

// The phone and e-mail keys of ASCII values, computed from their bytes,
// are those of PhoneDigits and NormalizeEmail of the decoded value, as
// the keys of values with escapes or non-ASCII characters are.
func TestReachKeysMatchTheirNormalisation(t *testing.T) {
	for _, s := range reachSeeds {
		checkReachKeys(t, s)
	}
}

var reachSeeds = []string{
	"", " ", "12", "123", "0012", "000123", "+44 20 7946 0018", "+44 (0)20 7946 0018", "(0)123 456", "+(0)12",
	"415.555.0100 x123", "x123456", "1 2x3", "12x3", "555-0100 ext. 12", "555-0100;ext=9", "555#12", "+1 415 555 0100, 22",
	"  +1 (415) 555-0100  ", "e123", "1e2e3e4", "\t555 0100\n", "+44 20 7946 00\u00e9", "\u00a0555 0100",
	"ann@example.com", "Ann+Tag@Example.COM", " ann@example.com ", "@example.com", "ann", "a+b@c", "+a@b", "a@b+c@d",
	"ANN+x@EXAMPLE.com\t", "ann\u00e9+t@ex.com", "a\"b@c", "a\\b+@c",
}

func checkReachKeys(t *testing.T, s string) {
	t.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	id := []byte("003000000000001AAA")
	var a keyArena
	var want []string
	if d := PhoneDigits(s); len(d) >= 3 {
		want = append(want, "Contact\x00r"+reverse(d)+"\x00"+string(id))
	}
	var got []string
	if k := a.phoneKey("Contact", raw, id); k != nil {
		got = append(got, string(k))
	}
	if !slices.Equal(got, want) {
		t.Errorf("phone key of %q = %q, want %q", s, got, want)
	}
	want, got = nil, nil
	if e, canonical, ok := NormalizeEmail(s); ok {
		want = append(want, "Contact\x00"+e+"\x00"+string(id))
		if canonical != "" && canonical != e {
			want = append(want, "Contact\x00"+canonical+"\x00"+string(id))
		}
	}
	for _, e := range a.appendEmailEntries(nil, "Contact", raw, id) {
		if got = append(got, string(e.key)); e.kind != kindEmail {
			t.Errorf("e-mail entry of %q has kind %d", s, e.kind)
		}
		if r := e.at; string(a.chunks[r.chunk][r.off:r.off+r.len]) != string(e.key) {
			t.Errorf("e-mail entry of %q is not where its ref says", s)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("e-mail keys of %q = %q, want %q", s, got, want)
	}
}

func FuzzReachKeys(f *testing.F) {
	for _, s := range reachSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.ContainsRune(s, '\x00') {
			checkReachKeys(t, s)
		}
	})
}

// IndexSet.Add reads the Id in the same pass as the entries and fails as
// reading it first did: with the record's Id when the record is malformed
// after it, without it before it or when it has none.
func TestIndexSetAddErrors(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{`{"Name":"x"}`, "index Contact record: record has no Id"},
		{`{"Id":null,"Name":"x"}`, "index Contact record: record has no Id"},
		{`{"Id":"","Name":"x"}`, "index Contact record: record has no Id"},
		{`{"Id":"","Name":}`, "index Contact record: record has no Id"},
		{`{"Name":,"Id":"003000000000001AAA"}`, "index Contact record: malformed JSON record"},
		{`{"Id":"003000000000001AAA","Name":}`, "index Contact 003000000000001AAA: malformed JSON record"},
		{`{"Id":"003\u0030","Name":}`, "index Contact 0030: malformed JSON record"},
		{`[]`, "index Contact record: malformed JSON record"},
	} {
		var set IndexSet
		if err := set.Add("Contact", []byte(c.raw)); err == nil || err.Error() != c.want {
			t.Errorf("Add(%s) = %v, want %q", c.raw, err, c.want)
		}
		if set.Len() != 0 {
			t.Errorf("Add(%s) kept %d entries", c.raw, set.Len())
		}
	}
}

// An IndexSet of many records (its entries in several runs) merged with
// another sorts into the entries of its records, each record's as
// indexEntries computes them, in byte order.
func TestIndexSetSortsEveryRun(t *testing.T) {
	var a, b IndexSet
	var want [numKinds][]string
	for i := range 9000 {
		raw := benchContact(i)
		set := &a
		if i%3 == 0 {
			set = &b
		}
		if err := set.Add("Contact", raw); err != nil {
			t.Fatal(err)
		}
		id, err := recordID(raw)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := indexEntries("Contact", id, raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			want[e.kind] = append(want[e.kind], string(e.key))
		}
	}
	a.Merge(&b)
	if b.Len() != 0 {
		t.Errorf("merged set keeps %d entries", b.Len())
	}
	a.Sort()
	n := 0
	for kind := range want {
		slices.Sort(want[kind])
		l := keyList{a.arena.chunks, a.refs[kind]}
		got := make([]string, len(l.refs))
		for i := range got {
			got[i] = string(l.at(i))
		}
		if !slices.Equal(got, want[kind]) {
			t.Errorf("kind %d: %d sorted entries differ from the %d computed record by record", kind, len(got), len(want[kind]))
		}
		n += len(got)
	}
	if n != a.Len() || n < 4*9000 {
		t.Errorf("%d entries, Len %d", n, a.Len())
	}
}
