package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// openTemp opens an empty store in a temporary directory, closed when the
// test or benchmark ends.
func openTemp(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "org.db"), Options{Org: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func rec(object, id string, extra string) []byte {
	return fmt.Appendf(nil, `{"attributes":{"type":%q,"url":"/services/data/v62.0/sobjects/%s/%s"},"Id":%q%s}`, object, object, id, id, extra)
}

func TestPutGetUpdateDelete(t *testing.T) {
	s := openTemp(t)
	acct := string(sfdc.NewID("001", "4S", 1))
	opp := string(sfdc.NewID("006", "4S", 1))
	owner := string(sfdc.NewID("005", "4S", 1))
	var results []PutResult
	err := s.Update(func(w *Writer) error {
		for _, raw := range [][]byte{
			rec("Account", acct, `,"Name":"Acme \"East\"","OwnerId":"`+owner+`"`),
			rec("Opportunity", opp, `,"Name":"Big deal","AccountId":"`+acct+`","StageName":"Prospecting","OwnerId":"`+owner+`"`),
		} {
			obj := "Account"
			if strings.Contains(string(raw), `"Opportunity"`) {
				obj = "Opportunity"
			}
			r, err := w.PutRecord(obj, raw)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if results[0] != Created || results[1] != Created {
		t.Fatalf("results = %v, want Created twice", results)
	}
	raw, ok, err := s.Get("Account", acct)
	if err != nil || !ok || !strings.Contains(string(raw), `Acme \"East\"`) {
		t.Fatalf("Get = %s %v %v", raw, ok, err)
	}
	obj, _, ok, err := s.Lookup(opp)
	if err != nil || !ok || obj != "Opportunity" {
		t.Fatalf("Lookup = %q %v %v", obj, ok, err)
	}
	checkIDs(t, "Related AccountId", must(s.Related("AccountId", acct, "Opportunity")), opp)
	checkIDs(t, "Related OwnerId any", must(s.Related("OwnerId", owner, "")), acct, opp)
	checkIDs(t, "ByStage", must(s.ByStage("Opportunity", "Prospecting")), opp)
	checkIDs(t, "SearchName", must(s.SearchName("Account", "acme \"e", 0)), acct)

	// Update: same bytes are Unchanged; new stage moves the stage index.
	err = s.Update(func(w *Writer) error {
		r, err := w.PutRecord("Account", rec("Account", acct, `,"Name":"Acme \"East\"","OwnerId":"`+owner+`"`))
		if err != nil || r != Unchanged {
			return fmt.Errorf("same bytes: %v %v", r, err)
		}
		r, err = w.PutRecord("Opportunity", rec("Opportunity", opp, `,"Name":"Big deal","AccountId":"`+acct+`","StageName":"Closed Won","OwnerId":"`+owner+`"`))
		if err != nil || r != Updated {
			return fmt.Errorf("new stage: %v %v", r, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkIDs(t, "ByStage old", must(s.ByStage("Opportunity", "Prospecting")))
	checkIDs(t, "ByStage new", must(s.ByStage("Opportunity", "Closed Won")), opp)

	// Delete removes the record and every index entry.
	err = s.Update(func(w *Writer) error {
		ok, err := w.DeleteRecord("Opportunity", opp)
		if !ok {
			return errors.New("delete reported not cached")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Get("Opportunity", opp); ok {
		t.Fatal("deleted record still cached")
	}
	checkIDs(t, "Related after delete", must(s.Related("AccountId", acct, "")))
	checkIDs(t, "ByStage after delete", must(s.ByStage("Opportunity", "Closed Won")))
	checkIDs(t, "SearchName after delete", must(s.SearchName("Opportunity", "", 0)))
	if n, _ := s.Count("Account"); n != 1 {
		t.Fatalf("Count(Account) = %d", n)
	}
}

func TestUpdateIsAtomic(t *testing.T) {
	s := openTemp(t)
	id := string(sfdc.NewID("001", "4S", 7))
	boom := errors.New("boom")
	err := s.Update(func(w *Writer) error {
		if _, err := w.PutRecord("Account", rec("Account", id, `,"Name":"X"`)); err != nil {
			return err
		}
		if err := w.SetWatermark("Account", Watermark{Modstamp: "2026-01-01T00:00:00.000+0000"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if _, ok, _ := s.Get("Account", id); ok {
		t.Fatal("record of a failed transaction was committed")
	}
	if _, ok, _ := s.Watermark("Account"); ok {
		t.Fatal("watermark of a failed transaction was committed")
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	s := openTemp(t)
	want := Identity{UserID: "005x", OrgID: "00Dx", Username: "me@example.com", InstanceURL: "http://127.0.0.1:1", FiscalYearStartMonth: 4, Currency: "EUR"}
	if err := s.SetIdentity(want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Identity()
	if err != nil || !ok || got != want {
		t.Fatalf("Identity = %+v %v %v", got, ok, err)
	}
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	wm := Watermark{Modstamp: "2026-11-21T09:59:59.000+0000", Query: "q", Complete: true, SyncedAt: at}
	err = s.Update(func(w *Writer) error {
		if err := w.SetLastSync(at); err != nil {
			return err
		}
		return w.SetWatermark("Task", wm)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LastSync(); !got.Equal(at) {
		t.Fatalf("LastSync = %v", got)
	}
	if got, ok, _ := s.Watermark("Task"); !ok || got != wm {
		t.Fatalf("Watermark = %+v", got)
	}
	if err := s.PutPicklists("Opportunity", "012000000000000AAA", []byte(`{"eTag":"x"}`), at); err != nil {
		t.Fatal(err)
	}
	raw, fetched, ok, err := s.Picklists("Opportunity", "012000000000000AAA")
	if err != nil || !ok || string(raw) != `{"eTag":"x"}` || !fetched.Equal(at) {
		t.Fatalf("Picklists = %s %v %v %v", raw, fetched, ok, err)
	}
}

func TestCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a bbolt file ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{Org: "acme"})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "--rebuild") {
		t.Fatalf("err = %v, want ErrCorrupt with a rebuild hint", err)
	}
	s, err := Open(path, Options{Org: "acme", Rebuild: true})
	if err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	s.Close()
	aside, _ := filepath.Glob(path + ".bad-*")
	if len(aside) != 1 {
		t.Fatalf("damaged file not moved aside: %v", aside)
	}
}

func TestIncompatibleSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("0")) })
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), "schema version 0") {
		t.Fatalf("err = %v, want ErrIncompatible", err)
	}
}

// TestSecondProcessReadsDuringAWrite: another process reads the cache
// while this one is in the middle of a write transaction (it sees the cache
// as before the write, without waiting); only a write of its own waits,
// and it is told so when the wait runs out.
func TestSecondProcessReadsDuringAWrite(t *testing.T) {
	if path := os.Getenv("LAZYFORCE_TEST_OPEN"); path != "" {
		s, err := Open(path, Options{Org: "acme", Timeout: 200 * time.Millisecond, ReadOnly: os.Getenv("LAZYFORCE_TEST_WRITE") == ""})
		n := 0
		if err == nil {
			n, err = s.Count("Account")
		}
		if err == nil && os.Getenv("LAZYFORCE_TEST_WRITE") != "" {
			err = s.Update(func(w *Writer) error { return w.SetLastSync(time.Now()) })
		}
		fmt.Printf("open: %v, %d Accounts\n", err, n)
		os.Exit(0)
	}
	child := func(path string, write bool) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSecondProcessReadsDuringAWrite$")
		cmd.Env = append(os.Environ(), "LAZYFORCE_TEST_OPEN="+path)
		if write {
			cmd.Env = append(cmd.Env, "LAZYFORCE_TEST_WRITE=1")
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return string(out)
	}
	s := openTemp(t)
	if out := child(s.Path(), true); !strings.Contains(out, "open: <nil>, 0 Accounts") {
		t.Fatalf("child of an open cache said %q, want success", out)
	}
	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- s.Update(func(w *Writer) error {
			if _, err := w.PutRecord("Account", rec("Account", string(sfdc.NewID("001", "4S", 1)), `,"Name":"A"`)); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	reading := child(s.Path(), false)
	writing := child(s.Path(), true)
	other, err := Open(s.Path(), Options{Timeout: 50 * time.Millisecond})
	if err == nil {
		err = other.Update(func(w *Writer) error { return nil })
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reading, "open: <nil>, 0 Accounts") {
		t.Fatalf("reading child during a write said %q, want it to read the cache as before the write", reading)
	}
	want := "another lazyforce is using the cache for org acme"
	if !strings.Contains(writing, want) {
		t.Fatalf("writing child during a write said %q, want %q", writing, want)
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("in-process write during a write: %v, want ErrLocked", err)
	}
	if out := child(s.Path(), false); !strings.Contains(out, "open: <nil>, 1 Accounts") {
		t.Fatalf("child after the write said %q, want it to see the write", out)
	}
}

// TestReaderDoesNotWaitForAWrite: a read-only Store (another process, as
// far as the file lock goes) that would wait at most 1 ms reads while a
// write transaction of another Store is held open, and sees the cache as
// it was before that transaction until it commits.
func TestReaderDoesNotWaitForAWrite(t *testing.T) {
	w := openTemp(t)
	first, second := string(sfdc.NewID("001", "4S", 1)), string(sfdc.NewID("001", "4S", 2))
	noErr(t, w.Update(func(w *Writer) error {
		_, err := w.PutRecord("Account", rec("Account", first, `,"Name":"A"`))
		return err
	}))
	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- w.Update(func(w *Writer) error {
			if _, err := w.PutRecord("Account", rec("Account", second, `,"Name":"B"`)); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	r, err := Open(w.Path(), Options{ReadOnly: true, Timeout: time.Millisecond})
	var n int
	if err == nil {
		n, err = r.Count("Account")
		r.Close()
	}
	close(release)
	noErr(t, <-done)
	if err != nil || n != 1 {
		t.Fatalf("read during a write transaction: %d Accounts, %v; want 1 (the cache before the write)", n, err)
	}
	r, err = Open(w.Path(), Options{ReadOnly: true, Timeout: time.Millisecond})
	noErr(t, err)
	defer r.Close()
	if n, err := r.Count("Account"); err != nil || n != 2 {
		t.Fatalf("read after the write: %d Accounts, %v; want 2", n, err)
	}
}

// TestReaderReopensWhenTheFileGrew: a read-only open made during a write
// transaction that grows the file maps the file as it was; a later read on
// that open sees the commit, whose pages lie past that map, and reads them
// whole (it opens the file again).
func TestReaderReopensWhenTheFileGrew(t *testing.T) {
	w := openTemp(t)
	r, err := Open(w.Path(), Options{ReadOnly: true})
	noErr(t, err)
	defer r.Close()
	r.roMu.Lock()
	r.hold = time.Hour // one open serves every read below
	r.roMu.Unlock()
	big := make([]byte, 4<<20)
	for i := range big {
		big[i] = byte(i % 251)
	}
	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- w.update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("grow"))
			if err != nil {
				return err
			}
			close(inTx)
			<-release
			return b.Put([]byte("v"), big)
		})
	}()
	<-inTx
	err = r.view(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("grow")) != nil {
			return errors.New("a read during the write sees its bucket")
		}
		return nil
	})
	close(release)
	noErr(t, <-done)
	noErr(t, err)
	err = r.view(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("grow"))
		if b == nil || !bytes.Equal(b.Get([]byte("v")), big) {
			return errors.New("the read after the write does not see the value it wrote")
		}
		return nil
	})
	noErr(t, err)
}

func TestEachField(t *testing.T) {
	raw := []byte(` { "a" : "x\"y" , "b":{"c":[1,"}"]}, "d\u0041":-1.5e3,"e":null,"f":true }`)
	var keys []string
	vals := map[string]any{}
	err := eachField(raw, func(kb, v []byte) bool {
		k := string(kb)
		keys = append(keys, k)
		dv, err := decodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		vals[k] = dv
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, ",") != "a,b,dA,e,f" {
		t.Fatalf("keys = %v", keys)
	}
	if vals["a"] != `x"y` || vals["dA"] != -1500.0 || vals["e"] != nil || vals["f"] != true {
		t.Fatalf("vals = %v", vals)
	}
	// Backslash runs before quotes: escaped quotes and escaped backslashes.
	var got []any
	err = eachField([]byte(`{"p":"c:\\dir\\","q":"say \"hi\"","r":"\\\""}`), func(_, v []byte) bool {
		dv, err := decodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, dv)
		return true
	})
	if err != nil || len(got) != 3 || got[0] != `c:\dir\` || got[1] != `say "hi"` || got[2] != `\"` {
		t.Fatalf("escapes: %q %v", got, err)
	}
	for _, bad := range []string{``, `[]`, `{"a":}`, `{"a":"x"`, `{"a" "x"}`, `{"a":"x\"}`} {
		if err := eachField([]byte(bad), func(_, _ []byte) bool { return true }); err == nil {
			t.Errorf("eachField(%q) accepted malformed JSON", bad)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func checkIDs(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestBulkLoadThenReindex(t *testing.T) {
	s := openTemp(t)
	acct := string(sfdc.NewID("001", "4S", 1))
	var ids []string
	err := s.Update(func(w *Writer) error {
		for i := 3; i >= 1; i-- {
			id := string(sfdc.NewID("003", "4S", uint64(i)))
			ids = append([]string{id}, ids...)
			if r, err := w.PutRecordUnindexed("Contact", rec("Contact", id, `,"Name":"C`+id[14:]+`","AccountId":"`+acct+`"`)); err != nil || r != Created {
				return fmt.Errorf("put: %v %v", r, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkIDs(t, "Related before Reindex", must(s.Related("AccountId", acct, "Contact")))
	if err := s.Update(func(w *Writer) error { return w.Reindex("Contact") }); err != nil {
		t.Fatal(err)
	}
	checkIDs(t, "Related after Reindex", must(s.Related("AccountId", acct, "Contact")), ids...)
	if got := must(s.SearchName("Contact", "c", 0)); len(got) != 3 {
		t.Errorf("SearchName after Reindex = %v", got)
	}
	// Reindexing twice does not duplicate; DropObject removes everything.
	if err := s.Update(func(w *Writer) error { return w.Reindex("Contact") }); err != nil {
		t.Fatal(err)
	}
	checkIDs(t, "Related after second Reindex", must(s.Related("AccountId", acct, "")), ids...)
	if err := s.Update(func(w *Writer) error { return w.DropObject("Contact") }); err != nil {
		t.Fatal(err)
	}
	checkIDs(t, "Related after DropObject", must(s.Related("AccountId", acct, "Contact")))
	checkIDs(t, "SearchName after DropObject", must(s.SearchName("Contact", "", 0)))
}
