package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
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
		entries, err := recordEntries("Contact", raw)
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

// sortedEntries lists the entries of s, sorted, by index.
func sortedEntries(s *IndexSet) [numKinds][]string {
	s.Sort()
	var out [numKinds][]string
	for kind := range s.refs {
		l := keyList{s.arena.chunks, s.refs[kind]}
		for i := range l.refs {
			out[kind] = append(out[kind], string(l.at(i)))
		}
	}
	return out
}

// An IndexSet of records added in Id order (as a full pass adds them,
// page after page) sorts into byte order whatever else it holds: one
// parent's or one stage's many records, a record added twice, names
// holding NULs (their head is not the key up to its last NUL), a page
// merged after one with greater Ids, entries added to the set itself
// before others are merged in.
func TestIndexSetInIdOrderSortsEveryEntry(t *testing.T) {
	contact := func(i int, name string) []byte {
		return fmt.Appendf(nil, `{"Id":%q,"AccountId":%q,"OwnerId":%q,"Name":%s,"Phone":"+1 415 555 %04d","StageName":"S%d"}`,
			sfdc.NewID("003", "4S", uint64(i)), sfdc.NewID("001", "4S", uint64(i%7)), sfdc.NewID("005", "4S", uint64(i%3)), name, i%50, i%4)
	}
	plain := func(i int) []byte { return contact(i, fmt.Sprintf(`"Ann %d"`, i%40)) }
	cases := map[string][][]int{ // pages of record groups, in the order added (-g: g's records twice each)
		"in order":             {{1, 2, 3, 4, 5}, {6, 7, 8}, {9, 10, 11, 12}},
		"a record twice":       {{1, 2, -3, 4}, {5, 6}},
		"pages out of order":   {{20, 21, 22}, {1, 2, 3}, {30, 31}},
		"records out of order": {{1, 3, 2, 4}, {5, 6}},
		"one page":             {{1, 2, 3}},
	}
	for name, pages := range cases {
		for _, nul := range []bool{false, true} {
			var want [numKinds][]string
			var set IndexSet
			for p, page := range pages {
				var ps IndexSet
				add := &ps
				if p == 0 {
					add = &set // the first page's entries are the set's own
				}
				for _, g := range page {
					times := 1
					if g < 0 {
						g, times = -g, 2
					}
					for n := range 40 { // 40 records a group: heads of many entries
						i := g*1000 + n
						raw := plain(i)
						if nul && n == 4 {
							// After "Ann 3" (n 3) in Id order, before it in
							// key order: …ann 3 \0 ! \0 ID.
							raw = contact(i, `"Ann 3\u0000!"`)
						}
						for range times {
							if err := add.Add("Contact", raw); err != nil {
								t.Fatal(err)
							}
						}
						entries, err := recordEntries("Contact", raw)
						if err != nil {
							t.Fatal(err)
						}
						for _, e := range entries {
							for range times {
								want[e.kind] = append(want[e.kind], string(e.key))
							}
						}
					}
				}
				if p > 0 {
					set.Merge(&ps)
				}
			}
			for kind := range want {
				slices.Sort(want[kind])
			}
			if got := sortedEntries(&set); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
				t.Errorf("%s (NULs in names: %v): sorted entries\n%q\nwant\n%q", name, nul, got, want)
			}
		}
	}
}

// A field name decoded from escapes may hold NULs: its entries' heads are
// not their keys up to the last NUL, and the set is sorted in full.
func TestIndexSetSortsFieldNamesWithNULs(t *testing.T) {
	p1, p2 := sfdc.NewID("001", "4S", 1), sfdc.NewID("001", "4S", 2)
	var set IndexSet
	var want []string
	for i, raw := range [][]byte{
		fmt.Appendf(nil, `{"Id":%q,"XId":%q}`, sfdc.NewID("003", "4S", 1), p1),
		// …XId \0 p1 \0 !Id \0 p2 \0 ID: before the first record's key.
		fmt.Appendf(nil, `{"Id":%q,"XId\u0000%s\u0000!Id":%q}`, sfdc.NewID("003", "4S", 2), p1, p2),
	} {
		if err := set.Add("Contact", raw); err != nil {
			t.Fatal(err)
		}
		entries, err := indexEntries("Contact", string(sfdc.NewID("003", "4S", uint64(i+1))), raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			want = append(want, string(e.key))
		}
	}
	slices.Sort(want)
	if got := sortedEntries(&set)[kindRef]; !slices.Equal(got, want) {
		t.Errorf("sorted entries %q, want %q", got, want)
	}
}

func TestReachObjectAndPhoneFieldAreTheirMaps(t *testing.T) {
	for _, object := range []string{"Account", "Contact", "Lead", "Opportunity", "Task", "User", "contact", "Contacts", ""} {
		if got := reachObject(object); got != reachObjects[object] {
			t.Errorf("reachObject(%q) = %v, reachObjects has %v", object, got, reachObjects[object])
		}
	}
	for object := range reachObjects {
		if !reachObject(object) {
			t.Errorf("reachObject(%q) = false", object)
		}
	}
	for _, key := range []string{"Phone", "MobilePhone", "HomePhone", "OtherPhone", "Fax", "phone", "AssistantPhone", "Name", ""} {
		if got := phoneField([]byte(key)); got != phoneFields[key] {
			t.Errorf("phoneField(%q) = %v, phoneFields has %v", key, got, phoneFields[key])
		}
	}
	for key := range phoneFields {
		if !phoneField([]byte(key)) {
			t.Errorf("phoneField(%q) = false", key)
		}
	}
}
