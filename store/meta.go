package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Identity is who the cache belongs to.
type Identity struct {
	UserID               string `json:"user_id"`
	OrgID                string `json:"org_id"`
	Username             string `json:"username"`
	DisplayName          string `json:"display_name,omitempty"`
	InstanceURL          string `json:"instance_url"`
	FiscalYearStartMonth int    `json:"fiscal_year_start_month,omitempty"` // 1..12, 0 = unknown (January)
	Currency             string `json:"currency,omitempty"`                // ISO code, e.g. "USD"
	TimeZone             string `json:"time_zone,omitempty"`               // IANA name, e.g. "America/Los_Angeles"
	APIVersion           string `json:"api_version,omitempty"`             // REST API version in use, e.g. "66.0"
}

// Watermark is one object's sync position. Sync writes it in the same
// transaction as the records it covers.
type Watermark struct {
	// Modstamp is the highest SystemModstamp of committed records
	// ("2006-01-02T15:04:05.000+0000"); "" before the first page.
	Modstamp string `json:"modstamp"`
	// Query identifies the field list and scope the records were fetched
	// with; when it changes the object is synced again from scratch.
	Query string `json:"query,omitempty"`
	// Complete is true once a full pass over the object has finished; until
	// then the object is mid-way through its initial sync.
	Complete bool `json:"complete"`
	// Cursor is the last Id committed by an unfinished full pass (which
	// reads records in Id order); the pass resumes after it.
	Cursor string `json:"cursor,omitempty"`
	// HighWater is the highest SystemModstamp on the server when the full
	// pass started (HighWaterSet says it was read; "" means no records). It
	// becomes Modstamp when the pass completes, so changes made during the
	// pass are picked up by the next incremental sync.
	HighWater    string `json:"high_water,omitempty"`
	HighWaterSet bool   `json:"high_water_set,omitempty"`
	// SyncedAt is when this watermark was written.
	SyncedAt time.Time `json:"synced_at,omitzero"`
}

// stamped is a cached server document with its fetch time.
type stamped struct {
	FetchedAt time.Time       `json:"fetched_at"`
	Body      json.RawMessage `json:"body"`
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := b.Put(key, data); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// getJSON decodes the value at bucket/key into v; ok is false when missing.
func (s *Store) getJSON(bucket, key []byte, v any) (ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucket).Get(key)
		if data == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(data, v)
	})
	if err != nil {
		return false, fmt.Errorf("read %s/%s: %w", bucket, key, err)
	}
	return ok, nil
}

// SetIdentity records who the cache belongs to.
func (s *Store) SetIdentity(id Identity) error {
	return s.Update(func(w *Writer) error {
		w.changed = true
		return putJSON(w.tx.Bucket(bucketMeta), keyIdentity, id)
	})
}

// Identity returns the cached identity; ok is false before login stored one.
func (s *Store) Identity() (id Identity, ok bool, err error) {
	ok, err = s.getJSON(bucketMeta, keyIdentity, &id)
	return id, ok, err
}

// SetLastSync records the end of a successful sync.
func (w *Writer) SetLastSync(t time.Time) error {
	return putJSON(w.tx.Bucket(bucketMeta), keyLastSync, t.UTC())
}

// LastSync returns the time of the last successful sync (zero if none).
func (s *Store) LastSync() (time.Time, error) {
	var t time.Time
	_, err := s.getJSON(bucketMeta, keyLastSync, &t)
	return t, err
}

// SetWatermark writes object's sync position.
func (w *Writer) SetWatermark(object string, wm Watermark) error {
	return putJSON(w.tx.Bucket(bucketSync), []byte(object), wm)
}

// Watermark reads object's sync position inside a write transaction.
func (w *Writer) Watermark(object string) (Watermark, bool, error) {
	var wm Watermark
	data := w.tx.Bucket(bucketSync).Get([]byte(object))
	if data == nil {
		return wm, false, nil
	}
	if err := json.Unmarshal(data, &wm); err != nil {
		return wm, false, fmt.Errorf("decode %s watermark: %w", object, err)
	}
	return wm, true, nil
}

// Watermark returns object's sync position; ok is false if never synced.
func (s *Store) Watermark(object string) (wm Watermark, ok bool, err error) {
	ok, err = s.getJSON(bucketSync, []byte(object), &wm)
	return wm, ok, err
}

// Watermarks returns every object's sync position.
func (s *Store) Watermarks() (map[string]Watermark, error) {
	out := map[string]Watermark{}
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSync).ForEach(func(k, v []byte) error {
			var wm Watermark
			if err := json.Unmarshal(v, &wm); err != nil {
				return fmt.Errorf("decode %s watermark: %w", k, err)
			}
			out[string(k)] = wm
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read watermarks: %w", err)
	}
	return out, nil
}

// PutDescribe caches object's describe result (the raw JSON of
// sobjects/OBJECT/describe) with its fetch time.
func (w *Writer) PutDescribe(object string, raw []byte, fetchedAt time.Time) error {
	w.describesChanged, w.changed = true, true
	return putJSON(w.tx.Bucket(bucketDescribe), []byte(object), stamped{FetchedAt: fetchedAt.UTC(), Body: raw})
}

// PutDescribe caches object's describe result in its own transaction.
func (s *Store) PutDescribe(object string, raw []byte, fetchedAt time.Time) error {
	return s.Update(func(w *Writer) error { return w.PutDescribe(object, raw, fetchedAt) })
}

// Describe returns object's cached describe JSON and when it was fetched.
func (s *Store) Describe(object string) (raw []byte, fetchedAt time.Time, ok bool, err error) {
	var st stamped
	ok, err = s.getJSON(bucketDescribe, []byte(object), &st)
	return st.Body, st.FetchedAt, ok, err
}

// PutPicklists caches the UI API picklist values of object for one record
// type (the raw JSON of ui-api/object-info/OBJECT/picklist-values/RTID).
func (s *Store) PutPicklists(object, recordTypeID string, raw []byte, fetchedAt time.Time) error {
	return s.Update(func(w *Writer) error {
		w.changed = true
		return putJSON(w.tx.Bucket(bucketPicklists), joinKey(object, recordTypeID), stamped{FetchedAt: fetchedAt.UTC(), Body: raw})
	})
}

// Picklists returns the cached picklist values of object for a record type.
func (s *Store) Picklists(object, recordTypeID string) (raw []byte, fetchedAt time.Time, ok bool, err error) {
	var st stamped
	ok, err = s.getJSON(bucketPicklists, joinKey(object, recordTypeID), &st)
	return st.Body, st.FetchedAt, ok, err
}
