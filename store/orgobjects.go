package store

import (
	"time"
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
