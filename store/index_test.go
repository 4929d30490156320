package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// indexDump lists every entry of every index, prefixed with the index's
// kind (its bucket's name without the format's 2).
func indexDump(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	err := s.view(func(tx *bolt.Tx) error {
		for _, name := range indexBuckets {
			b := tx.Bucket(bucketIndex).Bucket(name)
			if b == nil {
				continue
			}
			kind := strings.TrimSuffix(string(name), "2")
			if err := scanBlocks(b, nil, func(k []byte) bool {
				out = append(out, kind+":"+strings.ReplaceAll(string(k), "\x00", "|"))
				return true
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A bulk load indexed through IndexSets (one per page, merged, as sync
// collects them) ends with the same index entries as records put one by
// one, for lookups that repeat, lookups that are not Ids, escaped values,
// names, subjects, stages, phones and e-mails.
func TestIndexSetMatchesRecordByRecordIndexing(t *testing.T) {
	acct := string(sfdc.NewID("001", "4S", 1))
	owner := string(sfdc.NewID("005", "4S", 1))
	bad := acct[:15] + "ZZZ" // 18 characters, wrong checksum
	var contacts, opps [][]byte
	for i := 1; i <= 6; i++ {
		id := string(sfdc.NewID("003", "4S", uint64(i)))
		parent := acct
		if i%3 == 0 {
			parent = bad
		}
		contacts = append(contacts, rec("Contact", id, fmt.Sprintf(
			`,"Name":"Ann \"Q\" N%d","AccountId":%q,"OwnerId":%q,"CreatedById":%q,"Phone":"+44 20 7946 00%02d","Email":"ann+%d@example.com","Title":"ABCDEFGHIJKLMNOPQR"`,
			i, parent, owner, owner, i, i)))
	}
	for i := 1; i <= 4; i++ {
		id := string(sfdc.NewID("006", "4S", uint64(i)))
		name := `"Deal\u00e9 ` + fmt.Sprint(i) + `"`
		if i == 4 {
			name = "null"
		}
		opps = append(opps, rec("Opportunity", id, fmt.Sprintf(`,"Name":%s,"StageName":"Closed Won","AccountId":%q,"Subject":"Sub %d"`, name, acct, i)))
	}
	load := map[string][][]byte{"Contact": contacts, "Opportunity": opps}

	one := openTemp(t)
	if err := one.Update(func(w *Writer) error {
		for object, recs := range load {
			for _, raw := range recs {
				if _, err := w.PutRecord(object, raw); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	bulk := openTemp(t)
	for object, recs := range load {
		var set IndexSet
		for start := 0; start < len(recs); start += 2 { // pages of two records
			var page IndexSet
			for _, raw := range recs[start:min(start+2, len(recs))] {
				if err := page.Add(object, raw); err != nil {
					t.Fatal(err)
				}
			}
			set.Merge(&page)
		}
		set.Sort()
		if err := bulk.Update(func(w *Writer) error {
			for _, raw := range recs {
				if _, err := w.PutRecordUnindexed(object, raw); err != nil {
					return err
				}
			}
			return w.ReplaceIndexes(object, &set)
		}); err != nil {
			t.Fatal(err)
		}
	}

	want, got := indexDump(t, one), indexDump(t, bulk)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bulk index:\n%s\nrecord by record:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// What the entries must hold, spelled out.
	for _, e := range []string{
		"ref:Contact|AccountId|" + acct + "|",
		"ref:Contact|OwnerId|" + owner + "|",
		`name:Contact|ann "q" n1|`,
		"name:Opportunity|dealé 1|",
		"name:Opportunity|sub 4|",
		"stage:Opportunity|Closed Won|",
		"email:Contact|ann@example.com|",
		"phone:Contact|r",
	} {
		if !slicesContainPrefix(got, e) {
			t.Errorf("no entry starting %q in %v", e, got)
		}
	}
	for _, e := range []string{"ref:Contact|AccountId|" + bad, "ref:Contact|CreatedById|", "ref:Contact|Title|"} {
		if slicesContainPrefix(got, e) {
			t.Errorf("unexpected entry starting %q", e)
		}
	}
}

func slicesContainPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// An edit written with its index entries while a full pass rebuilds the
// object's index in steps (another process's write between two of them)
// is not undone by the entries the pass computed before it: the step that
// completes the index rebuilds it from the records, and the edited record
// is found under its new account only.
func TestEditDuringIndexRebuildKeepsTheIndexTrue(t *testing.T) {
	s := openTemp(t)
	oldAcct, newAcct := string(sfdc.NewID("001", "4S", 1)), string(sfdc.NewID("001", "4S", 2))
	var ids []string
	var raws [][]byte
	for i := 1; i <= 3; i++ {
		id := string(sfdc.NewID("003", "4S", uint64(i)))
		ids = append(ids, id)
		raws = append(raws, rec("Contact", id, fmt.Sprintf(`,"Name":"C%d","AccountId":%q,"SystemModstamp":"2026-01-01T00:00:0%d.000+0000"`, i, oldAcct, i)))
	}
	// A full pass: the records go in unindexed, the index is marked stale,
	// and the entries are computed from what the pass wrote.
	if err := s.Update(func(w *Writer) error {
		if err := w.DropObject("Contact"); err != nil {
			return err
		}
		for _, raw := range raws {
			if _, err := w.PutRecordUnindexed("Contact", raw); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	set, err := s.IndexSetOf("Contact")
	if err != nil {
		t.Fatal(err)
	}
	// Another process moves the first contact to another account.
	moved := rec("Contact", ids[0], fmt.Sprintf(`,"Name":"C1","AccountId":%q,"SystemModstamp":"2026-02-01T00:00:00.000+0000"`, newAcct))
	if err := s.Update(func(w *Writer) error {
		_, err := w.PutRecord("Contact", moved)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The pass completes its index in steps of one entry.
	for done := false; !done; {
		if err := s.Update(func(w *Writer) error {
			if n, err := w.DropStaleIndexes("Contact", 1); err != nil || n > 0 {
				return err
			}
			var pos IndexPos
			for !done {
				var err error
				if pos, done, err = w.InsertIndexes("Contact", set, pos, 1); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if ready, err := s.IndexesReady("Contact"); err != nil || !ready {
		t.Fatalf("index ready: %v, %v", ready, err)
	}
	old, err := s.Related("AccountId", oldAcct, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	if want := ids[1:]; fmt.Sprint(old) != fmt.Sprint(want) {
		t.Errorf("contacts of the old account: %v, want %v", old, want)
	}
	moves, err := s.Related("AccountId", newAcct, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	if want := ids[:1]; fmt.Sprint(moves) != fmt.Sprint(want) {
		t.Errorf("contacts of the new account: %v, want %v", moves, want)
	}
}

// Index blocks hold what one key per entry held: after random inserts and
// deletes of several objects' entries (blocks split as they grow, emptied
// ones go), every prefix scan lists exactly the entries present, in order,
// and no block holds entries of two objects.
func TestIndexBlocksAgreeWithASortedSet(t *testing.T) {
	s := openTemp(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	objects := []string{"Account", "Contact", "Lead"}
	parents := []string{"P1", "P2", "P3"}
	key := func() string {
		o, p := objects[rnd.IntN(len(objects))], parents[rnd.IntN(len(parents))]
		return o + "\x00F\x00" + p + "\x00" + string(sfdc.NewID("003", "4S", uint64(rnd.IntN(3000))))
	}
	have := map[string]bool{}
	for round := 0; round < 8; round++ {
		err := s.update(func(tx *bolt.Tx) error {
			w := &Writer{tx: tx, idx: tx.Bucket(bucketIndex)}
			b, err := w.indexBucket(indexRef)
			if err != nil {
				return err
			}
			for i := 0; i < 2000; i++ {
				k := key()
				if round >= 4 && rnd.IntN(2) == 0 {
					delete(have, k)
					if err := blockDelete(b, []byte(k)); err != nil {
						return err
					}
					continue
				}
				have[k] = true
				if err := blockInsert(b, []byte(k)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for k := range have {
			all = append(all, k)
		}
		slices.Sort(all)
		for _, prefix := range []string{"", "Account\x00", "Contact\x00F\x00P2\x00", "Lead\x00F\x00P3\x00", "Lead\x00F\x00P9\x00", "Zed\x00"} {
			var want, got []string
			for _, k := range all {
				if strings.HasPrefix(k, prefix) {
					want = append(want, k)
				}
			}
			err := s.view(func(tx *bolt.Tx) error {
				return scanBlocks(tx.Bucket(bucketIndex).Bucket(indexRef), []byte(prefix), func(k []byte) bool {
					got = append(got, string(k))
					return true
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, prefix %q: %d entries, want %d", round, prefix, len(got), len(want))
			}
		}
		err = s.view(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketIndex).Bucket(indexRef).ForEach(func(k, v []byte) error {
				obj := objectPrefix(k)
				it := iterBlock(k, v, nil)
				for it.next() {
					if !bytes.HasPrefix(it.key, obj) {
						t.Errorf("block %q holds %q", k, it.key)
					}
				}
				return it.err
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A cache written before index blocks (one bbolt key per entry, in the
// buckets "ref", "name"…) keeps answering from its records until its
// indexes are converted, by UpgradeIndexes (which a sync calls first) or by
// the first write of an index entry; converted, it holds the entries
// record-by-record indexing gives.
func TestOldIndexFormatIsUpgraded(t *testing.T) {
	acct := string(sfdc.NewID("001", "4S", 1))
	var raws [][]byte
	var ids []string
	for i := 1; i <= 50; i++ {
		id := string(sfdc.NewID("003", "4S", uint64(i)))
		ids = append(ids, id)
		raws = append(raws, rec("Contact", id, fmt.Sprintf(`,"Name":"C%d","AccountId":%q,"Phone":"+1 415 555 %04d","Email":"c%d@example.com"`, i, acct, i, i)))
	}
	want := openTemp(t)
	if err := want.Update(func(w *Writer) error {
		for _, raw := range raws {
			if _, err := w.PutRecord("Contact", raw); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// writeOld writes the records and their entries as a cache of the
	// format before index blocks held them.
	writeOld := func(s *Store) {
		t.Helper()
		err := s.Update(func(w *Writer) error {
			for _, raw := range raws {
				if _, err := w.PutRecordUnindexed("Contact", raw); err != nil {
					return err
				}
				if err := putLegacyEntries(w, "Contact", raw); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	// Upgraded by UpgradeIndexes; the readers answer from the records before.
	s := openTemp(t)
	writeOld(s)
	if ready, err := s.IndexesReady("Contact"); err != nil || ready {
		t.Errorf("old index ready = %v, %v; want false", ready, err)
	}
	if got, err := s.Related("AccountId", acct, "Contact"); err != nil || !slices.Equal(got, ids) {
		t.Errorf("Related before the upgrade = %v, %v", got, err)
	}
	if err := s.UpgradeIndexes(); err != nil {
		t.Fatal(err)
	}
	if ready, err := s.IndexesReady("Contact"); err != nil || !ready {
		t.Errorf("upgraded index ready = %v, %v; want true", ready, err)
	}
	if got, w := indexDump(t, s), indexDump(t, want); !slices.Equal(got, w) {
		t.Errorf("upgraded index:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
	if got, err := s.Related("AccountId", acct, "Contact"); err != nil || !slices.Equal(got, ids) {
		t.Errorf("Related after the upgrade = %v, %v", got, err)
	}
	if err := s.view(func(tx *bolt.Tx) error {
		if hasLegacyIndex(tx.Bucket(bucketIndex)) {
			t.Error("the old index buckets are still there")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// Upgraded by an edit written before any sync: the edit's entries
	// replace the old ones.
	s = openTemp(t)
	writeOld(s)
	other := string(sfdc.NewID("001", "4S", 2))
	moved := rec("Contact", ids[0], fmt.Sprintf(`,"Name":"C1","AccountId":%q,"Phone":"+1 415 555 0001","Email":"c1@example.com"`, other))
	if err := s.Update(func(w *Writer) error {
		_, err := w.PutRecord("Contact", moved)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Related("AccountId", acct, "Contact"); err != nil || !slices.Equal(got, ids[1:]) {
		t.Errorf("Related(old account) after an edit = %v, %v", got, err)
	}
	if got, err := s.Related("AccountId", other, "Contact"); err != nil || !slices.Equal(got, ids[:1]) {
		t.Errorf("Related(new account) after an edit = %v, %v", got, err)
	}
}

// sortKeys puts keys in byte order, whatever prefixes they share or
// lengths they have, duplicates included.
func TestSortKeysSortsBytes(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 31, 32, 33, 1000, 20000} {
		keys := make([][]byte, n)
		for i := range keys {
			k := []byte("Contact\x00AccountId\x00")[:rnd.IntN(19)]
			for j := rnd.IntN(6); j > 0; j-- {
				k = append(k, "ab\x00\xffz"[rnd.IntN(5)])
			}
			keys[i] = k
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, bytes.Compare)
		sortKeys(keys)
		if !slices.EqualFunc(keys, want, bytes.Equal) {
			t.Fatalf("%d keys: sortKeys differs from a comparison sort", n)
		}
	}
}

// BenchmarkIndexSetSort sorts the index entries of 100k tasks the way a
// full pass collects them (in Id order, page by page).
func BenchmarkIndexSetSort(b *testing.B) {
	var set IndexSet
	for i := 0; i < 100000; i++ {
		id := sfdc.NewID("00T", "4S", uint64(i))
		raw := fmt.Appendf(nil, `{"Id":%q,"WhatId":%q,"WhoId":%q,"OwnerId":%q,"AccountId":%q,"Subject":"Call %d","Status":"Open"}`,
			id, sfdc.NewID("006", "4S", uint64(i*7919%20000)), sfdc.NewID("003", "4S", uint64(i*104729%30000)),
			sfdc.NewID("005", "4S", uint64(i%40)), sfdc.NewID("001", "4S", uint64(i*31%5000)), i%977)
		if err := set.Add("Task", raw); err != nil {
			b.Fatal(err)
		}
	}
	// Every kind's entries in the order they were added (Sort joins the
	// runs first, as this does).
	var saved [numKinds][]keyRef
	for k := range set.refs {
		for _, run := range set.runs[k] {
			saved[k] = append(saved[k], run...)
		}
		saved[k] = append(saved[k], set.refs[k]...)
	}
	for b.Loop() {
		for k := range set.refs {
			set.refs[k], set.runs[k] = slices.Clone(saved[k]), nil
		}
		set.Sort()
	}
}

// TestMixedIndexFormatsAreRebuilt: a lazyforce from before index blocks
// that writes to a cache this one converted keeps entries of the records it
// wrote only, in its own buckets, and leaves the blocks out of date; the
// next upgrade rebuilds every index from the records.
func TestMixedIndexFormatsAreRebuilt(t *testing.T) {
	a, b := string(sfdc.NewID("001", "4S", 1)), string(sfdc.NewID("001", "4S", 2))
	contact := func(i int, acct string) []byte {
		return rec("Contact", string(sfdc.NewID("003", "4S", uint64(i))), fmt.Sprintf(`,"Name":"C%d","AccountId":%q`, i, acct))
	}
	s := openTemp(t)
	if err := s.Update(func(w *Writer) error {
		for i := 1; i <= 3; i++ {
			if _, err := w.PutRecord("Contact", contact(i, a)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// The older lazyforce moves contact 3 to account b: its record, and
	// its entries in the old one-key-per-entry buckets only.
	moved := contact(3, b)
	if err := s.Update(func(w *Writer) error {
		if _, err := w.PutRecordUnindexed("Contact", moved); err != nil {
			return err
		}
		return putLegacyEntries(w, "Contact", moved)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpgradeIndexes(); err != nil {
		t.Fatal(err)
	}
	if ready, err := s.IndexesReady("Contact"); err != nil || !ready {
		t.Errorf("index ready after the upgrade = %v, %v; want true", ready, err)
	}
	wantA := []string{string(sfdc.NewID("003", "4S", 1)), string(sfdc.NewID("003", "4S", 2))}
	if got, err := s.Related("AccountId", a, "Contact"); err != nil || !slices.Equal(got, wantA) {
		t.Errorf("Related(%s) = %v, %v; want %v", a, got, err, wantA)
	}
	wantB := []string{string(sfdc.NewID("003", "4S", 3))}
	if got, err := s.Related("AccountId", b, "Contact"); err != nil || !slices.Equal(got, wantB) {
		t.Errorf("Related(%s) = %v, %v; want %v", b, got, err, wantB)
	}
}

// recordEntries are the index entries of raw, a record of object, as the
// record-by-record path (indexEntries) computes them.
func recordEntries(object string, raw []byte) ([]indexEntry, error) {
	id, err := recordID(raw)
	if err != nil {
		return nil, err
	}
	return indexEntries(object, id, raw)
}

// putLegacyEntries writes raw's index entries as a lazyforce from before
// index blocks did: one key each, in the buckets "ref", "name"…
func putLegacyEntries(w *Writer, object string, raw []byte) error {
	entries, err := recordEntries(object, raw)
	if err != nil {
		return err
	}
	for _, e := range entries {
		legacy := legacyIndexBuckets[slices.IndexFunc(indexBuckets, func(b []byte) bool { return bytes.Equal(b, e.kind.bucket()) })]
		b, err := w.idx.CreateBucketIfNotExists(legacy)
		if err != nil {
			return err
		}
		if err := b.Put(e.key, nil); err != nil {
			return err
		}
	}
	return nil
}
