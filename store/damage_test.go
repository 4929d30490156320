package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
)

// filledCache writes a cache of a few hundred pages: describes, identity,
// watermarks and Accounts.
func filledCache(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path, Options{Org: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := s.PutDescribe("Account", []byte(describeAccount), now); err != nil {
		t.Fatal(err)
	}
	if err := s.SetIdentity(Identity{UserID: "005000000000001AAA", OrgID: "00D000000000001AAA", Username: "a@b.c"}); err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(w *Writer) error {
		for i := range 3000 {
			id := string(sfdc.NewID("001", "4S", uint64(i)))
			if _, err := w.PutRecord("Account", rec("Account", id, `,"Name":"Account number `+id+` with a long enough name to fill pages"`)); err != nil {
				return err
			}
		}
		return w.SetWatermark("Account", Watermark{Modstamp: "2026-11-01T00:00:00.000+0000", Complete: true})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// damages are the ways a cache file gets damaged.
var damages = map[string]func(t *testing.T, path string){
	"truncated to half": func(t *testing.T, path string) {
		fi, _ := os.Stat(path)
		noErr(t, os.Truncate(path, fi.Size()/2))
	},
	"truncated to 10000 bytes": func(t *testing.T, path string) { noErr(t, os.Truncate(path, 10000)) },
	"truncated to 4096 bytes":  func(t *testing.T, path string) { noErr(t, os.Truncate(path, 4096)) },
	"30 pages zeroed": func(t *testing.T, path string) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		noErr(t, err)
		defer f.Close()
		_, err = f.WriteAt(make([]byte, 30*4096), 6*4096)
		noErr(t, err)
	},
	"random bytes inside": func(t *testing.T, path string) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		noErr(t, err)
		defer f.Close()
		fi, _ := f.Stat()
		junk := make([]byte, 3*4096)
		r := rand.NewChaCha8([32]byte{7})
		_, _ = r.Read(junk)
		_, err = f.WriteAt(junk, fi.Size()/3)
		noErr(t, err)
	},
	"random file": func(t *testing.T, path string) {
		junk := make([]byte, 64*1024)
		r := rand.NewChaCha8([32]byte{9})
		_, _ = r.Read(junk)
		noErr(t, os.WriteFile(path, junk, 0o600))
	},
	"foreign file": func(t *testing.T, path string) {
		noErr(t, os.WriteFile(path, []byte(strings.Repeat("# notes, not a cache\n", 500)), 0o600))
	},
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDamagedCacheNeverCrashes damages a cache file in every way and runs
// every entry point on it: each either works or returns the one damage error
// (one line, with the way out), never a crash; and a rebuild always
// recovers, moving the file aside.
func TestDamagedCacheNeverCrashes(t *testing.T) {
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "acme.db")
			filledCache(t, path)
			damage(t, path)
			damagedSeen := false
			check := func(op string, err error) {
				t.Helper()
				if err == nil {
					return
				}
				msg := err.Error()
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrIncompatible) || !strings.Contains(msg, "lazyforce sync --full --rebuild") || strings.Contains(msg, "\n") {
					t.Errorf("%s: %v, want the one damage error", op, err)
				}
				damagedSeen = true
			}
			for _, opts := range []Options{{Org: "acme"}, {Org: "acme", ReadOnly: true, Populate: true}} {
				s, err := Open(path, opts)
				check("Open", err)
				if err != nil {
					continue
				}
				_, _, err = s.Get("Account", string(sfdc.NewID("001", "4S", 7)))
				check("Get", err)
				_, _, _, err = s.Lookup(string(sfdc.NewID("001", "4S", 2999)))
				check("Lookup", err)
				_, err = s.Query(context.Background(), "SELECT Id, Name FROM Account WHERE Name LIKE 'Account%' ORDER BY Name", QueryOptions{})
				check("Query", err)
				_, err = s.Count("Account")
				check("Count", err)
				check("ForEach", s.ForEach("Account", func(string, []byte) bool { return true }))
				_, err = s.Watermarks()
				check("Watermarks", err)
				_, _, err = s.Identity()
				check("Identity", err)
				_, err = s.SearchName("Account", "Account number", 10)
				check("SearchName", err)
				_, err = s.Generation()
				check("Generation", err)
				if !opts.ReadOnly {
					check("Update", s.Update(func(w *Writer) error {
						_, err := w.PutRecord("Account", rec("Account", string(sfdc.NewID("001", "4S", 5000)), `,"Name":"New"`))
						return err
					}))
					check("Reset", s.Reset())
				}
				check("Verify", s.Verify())
				s.Close()
			}
			if !damagedSeen {
				t.Fatal("the damage went unnoticed")
			}
			s, err := Open(path, Options{Org: "acme", Rebuild: true})
			if err != nil {
				t.Fatalf("rebuild: %v", err)
			}
			defer s.Close()
			aside, _ := s.Rebuilt()
			if moved, _ := filepath.Glob(path + ".bad-*"); len(moved) != 1 || aside != moved[0] {
				t.Fatalf("damaged file not moved aside: %v (Rebuilt says %q)", moved, aside)
			}
			if n, err := s.Count("Account"); err != nil || n != 0 {
				t.Fatalf("rebuilt cache holds %d Accounts, %v", n, err)
			}
			id := string(sfdc.NewID("001", "4S", 1))
			noErr(t, s.Update(func(w *Writer) error { _, err := w.PutRecord("Account", rec("Account", id, "")); return err }))
			if _, ok, err := s.Get("Account", id); !ok || err != nil {
				t.Fatalf("rebuilt cache: Get = %v %v", ok, err)
			}
		})
	}
}

// TestRebuildKeepsASoundCache: --rebuild on a sound cache moves nothing.
func TestRebuildKeepsASoundCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	filledCache(t, path)
	s, err := Open(path, Options{Org: "acme", Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if aside, _ := s.Rebuilt(); aside != "" {
		t.Fatalf("a sound cache was moved to %s", aside)
	}
	if n, err := s.Count("Account"); err != nil || n != 3000 {
		t.Fatalf("Count = %d %v", n, err)
	}
}

// TestRebuildCarriesTheOutboxOver: the outbox (writes not yet sent to the
// org) and the identity of a damaged cache survive its rebuild.
func TestRebuildCarriesTheOutboxOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acme.db")
	filledCache(t, path)
	s, err := Open(path, Options{Org: "acme"})
	noErr(t, err)
	noErr(t, s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketOutbox).Put([]byte("0001"), []byte(`{"op":"update"}`)) }))
	s.Close()
	damages["random bytes inside"](t, path)
	s, err = Open(path, Options{Org: "acme", Rebuild: true})
	noErr(t, err)
	defer s.Close()
	aside, lost := s.Rebuilt()
	if aside == "" || lost {
		t.Fatalf("Rebuilt = %q, outbox lost %v", aside, lost)
	}
	var got []byte
	noErr(t, s.view(func(tx *bolt.Tx) error {
		got = append(got, tx.Bucket(bucketOutbox).Get([]byte("0001"))...)
		return nil
	}))
	if string(got) != `{"op":"update"}` {
		t.Errorf("outbox after rebuild: %q", got)
	}
	if id, ok, err := s.Identity(); err != nil || !ok || id.Username != "a@b.c" {
		t.Errorf("identity after rebuild: %+v %v %v", id, ok, err)
	}
}
