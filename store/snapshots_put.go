package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// PutSnapshots is PutSnapshot for several snapshots derived at the same
// data generation gen, in one write transaction: names[i] is stored with
// data[i], all of them or (when the data changed since gen, or another
// process is writing) none. A sync's lists are stored at once, each value
// written once (values that share a page are rewritten with it at every
// transaction).
func (s *Store) PutSnapshots(gen uint64, names []string, data [][]byte) (stored bool, err error) {
	if len(names) != len(data) {
		return false, errors.New("write snapshots: as many names as values are needed")
	}
	err = s.commit(false, snapshotWait, func(tx *bolt.Tx) error {
		if dataGen(tx) != gen {
			return nil
		}
		snaps, err := tx.Bucket(bucketIndex).CreateBucketIfNotExists(indexSnap)
		if err != nil {
			return err
		}
		for i, name := range names {
			if err := snaps.Put([]byte(name), snapValue(gen, data[i])); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		stored = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("write snapshots: %w", err)
	}
	return stored, nil
}
