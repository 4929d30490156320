package store

import (
	"errors"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// keyOrgObjects holds the org's queryable objects (from the describe
// global), so that offline commands can tell an object the org has but the
// cache does not from one that does not exist.
var keyOrgObjects = []byte("org_objects")

// orgObjects is what keyOrgObjects holds.
type orgObjects struct {
	FetchedAt time.Time `json:"fetched_at"`
	Names     []string  `json:"names"`
}

// SetOrgObjects records the names of the org's queryable objects.
func (s *Store) SetOrgObjects(names []string, fetchedAt time.Time) error {
	return s.Update(func(w *Writer) error {
		w.changed = true
		return putJSON(w.tx.Bucket(bucketMeta), keyOrgObjects, orgObjects{FetchedAt: fetchedAt.UTC(), Names: names})
	})
}

// OrgObjects returns the org's queryable objects as last recorded; ok is
// false when no sync has recorded them.
func (s *Store) OrgObjects() (names []string, fetchedAt time.Time, ok bool, err error) {
	var o orgObjects
	ok, err = s.getJSON(bucketMeta, keyOrgObjects, &o)
	return o.Names, o.FetchedAt, ok, err
}

// NotSynced reports that err, from a query of text on the cache, says the
// object queried does not exist while the org has it (its object list,
// recorded by the last sync that described the objects): it is only not
// synced. It returns the object's name as the org spells it.
func (s *Store) NotSynced(text string, err error) (string, bool) {
	var se *soql.Error
	if !errors.As(err, &se) || se.Code != soql.CodeInvalidType {
		return "", false
	}
	q, perr := soql.Parse(text)
	if perr != nil {
		return "", false
	}
	names, _, ok, lerr := s.OrgObjects()
	if lerr != nil || !ok {
		return "", false
	}
	for _, n := range names {
		if strings.EqualFold(n, q.From) {
			return n, true
		}
	}
	return "", false
}
