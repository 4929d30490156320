package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// QueryOptions tune an offline query.
type QueryOptions struct {
	// Now is the clock for date literals (nil: time.Now).
	Now func() time.Time
	// Location is the user's time zone (nil: the identity's, else UTC).
	Location *time.Location
	// IncludeDeleted runs the query as queryAll. The cache drops deleted
	// records, so this only matters for records not yet known as deleted.
	IncludeDeleted bool
	// APIVersion for attributes.url, e.g. "62.0" (default "62.0").
	APIVersion string
	// Resident, if set, keeps decoded records in memory between queries
	// (see Resident): for long-lived readers; nil reads the file only.
	Resident *Resident
}

// Query runs a SOQL statement over the cached records: the same SOQL, with
// the same result shape, as against the org. Objects and fields resolve
// through the cached describes; relationships through cached records.
func (s *Store) Query(ctx context.Context, text string, opts QueryOptions) (*soql.Result, error) {
	q, err := soql.Parse(text)
	if err != nil {
		return nil, err
	}
	cat, err := s.loadCatalog()
	if err != nil {
		return nil, err
	}
	ident, _, err := s.Identity()
	if err != nil {
		return nil, err
	}
	env := soql.Env{
		Catalog:              cat,
		Now:                  opts.Now,
		Location:             opts.Location,
		FiscalYearStartMonth: ident.FiscalYearStartMonth,
		IncludeDeleted:       opts.IncludeDeleted,
		APIVersion:           opts.APIVersion,
	}
	if env.Location == nil && ident.TimeZone != "" {
		if loc, err := time.LoadLocation(ident.TimeZone); err == nil {
			env.Location = loc
		}
	}
	if env.APIVersion == "" {
		env.APIVersion = ident.APIVersion
	}
	if env.APIVersion == "" {
		env.APIVersion = "62.0" // a cache from before the version was recorded
	}
	var res *soql.Result
	err = s.view(func(tx *bolt.Tx) error {
		env.Source = &txSource{tx: tx, cat: cat}
		src := env.Source.(*txSource)
		if object, ok := plainCount(q, cat, opts); ok {
			if n, ok := countTx(tx, object); ok {
				env.Source = &countSource{txSource: src, object: object, n: n}
			}
		} else if opts.Resident != nil {
			ver, err := opts.Resident.versionOf(tx)
			if err != nil {
				return err
			}
			rs := &residentSource{txSource: src, ctx: ctx, res: opts.Resident, ver: ver}
			if o, ok := cat.Object(q.From); ok && len(q.FromPath) == 1 {
				rs.root, rs.terms = o.Name, narrowTerms(q, o)
			}
			env.Source = rs
		} else if object, prefix, ok := indexedFilter(q, cat); ok {
			env.Source = &indexSource{txSource: src, object: object, prefix: prefix}
		}
		var err error
		res, err = soql.Execute(ctx, env, q)
		return err
	})
	return res, err
}

// txSource is soql.Source and soql.ChildSource over one read transaction.
type txSource struct {
	tx  *bolt.Tx
	cat *catalog
}

var (
	_ soql.Source      = (*txSource)(nil)
	_ soql.ChildSource = (*txSource)(nil)
)

// bucket finds object's record bucket, tolerating case differences.
func (src *txSource) bucket(object string) *bolt.Bucket {
	recs := src.tx.Bucket(bucketRecords)
	if b := recs.Bucket([]byte(object)); b != nil {
		return b
	}
	if o, ok := src.cat.Object(object); ok {
		if b := recs.Bucket([]byte(o.Name)); b != nil {
			return b
		}
	}
	var found *bolt.Bucket
	_ = recs.ForEachBucket(func(name []byte) error {
		if strings.EqualFold(string(name), object) {
			found = recs.Bucket(name)
			return errStop
		}
		return nil
	})
	return found
}

// Scan implements soql.Source, decoding only the needed fields.
func (src *txSource) Scan(object string, need []string, fn func(soql.Record) bool) error {
	b := src.bucket(object)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		r, err := decodeFields(v, need)
		if err != nil {
			return fmt.Errorf("cached %s %s: %w", object, k, err)
		}
		if !fn(r) {
			return nil
		}
	}
	return nil
}

// Get implements soql.Source.
func (src *txSource) Get(id string) (string, soql.Record, bool) {
	object, raw, ok := lookupTx(src.tx, src.cat, id)
	if !ok {
		return "", nil, false
	}
	r, err := decodeFields(raw, nil)
	if err != nil {
		return "", nil, false
	}
	return object, r, true
}

// Children implements soql.ChildSource through the lookup index.
func (src *txSource) Children(object, field, parentID string, fn func(soql.Record) bool) error {
	b := src.bucket(object)
	if b == nil {
		return nil
	}
	idx := src.tx.Bucket(bucketIndex).Bucket(indexRef)
	indexed := !notIndexed[field] && (strings.HasSuffix(field, "Id") || strings.HasSuffix(field, "__c"))
	name := object
	if o, ok := src.cat.Object(object); ok {
		name = o.Name
	}
	if !indexed || idx == nil || len(parentID) != 18 || !indexReady(src.tx, name) {
		return src.Scan(object, nil, func(r soql.Record) bool {
			if v, _ := r[field].(string); v == parentID {
				return fn(r)
			}
			return true
		})
	}
	return indexedRecords(idx, b, append(joinKey(name, field, parentID), 0), object, nil, fn)
}

// indexedRecords calls fn, until it returns false, with the cached records
// of b (object's) whose Ids end the entries of the index bucket idx that
// start with prefix, decoded with need's fields.
func indexedRecords(idx, b *bolt.Bucket, prefix []byte, object string, need []string, fn func(soql.Record) bool) error {
	var err error
	scanErr := scanBlocks(idx, prefix, func(k []byte) bool {
		raw := b.Get(k[len(prefix):])
		if raw == nil {
			return true
		}
		var r soql.Record
		if r, err = decodeFields(raw, need); err != nil {
			err = fmt.Errorf("cached %s %s: %w", object, k[len(prefix):], err)
			return false
		}
		return fn(r)
	})
	if err != nil {
		return err
	}
	return scanErr
}

// decodeFields decodes the top-level fields of a raw record named in need
// (case-insensitively; all fields when need is empty). Id is always decoded.
func decodeFields(raw []byte, need []string) (soql.Record, error) {
	r := make(soql.Record, len(need)+1)
	// Stop scanning once every needed field was seen (need is small and
	// duplicate-free; Id may or may not be in it).
	remaining := len(need) + 1
	for _, n := range need {
		if n == "Id" {
			remaining--
			break
		}
	}
	var derr error
	err := eachField(raw, func(key, val []byte) bool {
		name, ok := wanted(key, need)
		if !ok {
			return true
		}
		v, err := decodeValue(val)
		if err != nil {
			derr = fmt.Errorf("field %s: %w", key, err)
			return false
		}
		r[name] = v
		remaining--
		return len(need) == 0 || remaining > 0
	})
	if err != nil {
		return nil, err
	}
	return r, derr
}

// wanted reports whether key is needed, and the record key to use for it
// (the JSON key: describe casing). Id is always needed.
func wanted(key []byte, need []string) (string, bool) {
	if string(key) == "Id" {
		return "Id", true // not a new string per record
	}
	if len(need) == 0 {
		return string(key), true
	}
	for _, n := range need {
		if n == string(key) {
			return n, true
		}
	}
	for _, n := range need {
		if len(n) == len(key) && strings.EqualFold(n, string(key)) {
			return string(key), true
		}
	}
	return "", false
}

// DecodeRecord decodes a raw cached record into a soql.Record (all fields,
// or only those named in fields).
func DecodeRecord(raw []byte, fields ...string) (soql.Record, error) {
	return decodeFields(raw, fields)
}

// plainCount reports whether q is a COUNT() of every live record of one
// object (no WHERE, GROUP BY or HAVING; LIMIT and OFFSET are fine), which
// the stored record count answers, and the object's name.
func plainCount(q *soql.Query, cat *catalog, opts QueryOptions) (string, bool) {
	if opts.IncludeDeleted || q.Where != nil || q.GroupBy != nil || q.Having != nil || len(q.OrderBy) > 0 ||
		len(q.FromPath) != 1 || len(q.Select) != 1 {
		return "", false
	}
	it := q.Select[0]
	if it.Func != "COUNT" || it.Arg != nil || it.Path != nil || it.Subquery != nil || it.TypeOf != nil || it.Fields != "" || it.DateFunc != "" {
		return "", false
	}
	o, ok := cat.Object(q.From)
	if !ok {
		return "", false
	}
	return o.Name, true
}

// countSource answers the scan of a plain COUNT() (see plainCount) from the
// stored count: it yields n rows that are all alike (not deleted), which is
// all COUNT() looks at, instead of reading every record.
type countSource struct {
	*txSource
	object string
	n      int
}

// Scan implements soql.Source.
func (src *countSource) Scan(object string, need []string, fn func(soql.Record) bool) error {
	if object != src.object {
		return src.txSource.Scan(object, need, fn)
	}
	r := soql.Record{"IsDeleted": false}
	for range src.n {
		if !fn(r) {
			return nil
		}
	}
	return nil
}

// indexedFilter finds in q's WHERE a condition every matching record must
// meet (a top-level AND term) that the lookup index answers: a reference
// field indexed by indexEntries equal to an 18-character Id in its
// canonical form (idEqual then matches exactly that Id). It returns the
// object and the index prefix of the records that may match.
func indexedFilter(q *soql.Query, cat *catalog) (string, []byte, bool) {
	if q.Where == nil || len(q.FromPath) != 1 {
		return "", nil, false
	}
	o, ok := cat.Object(q.From)
	if !ok {
		return "", nil, false
	}
	var found []byte
	eachAndTerm(q.Where, func(x *soql.Condition) {
		if found != nil || x.Op != "=" || x.Subquery != nil || x.Left.Func != "" || len(x.Left.Path) != 1 || x.Value.Kind != soql.ValString {
			return
		}
		id, err := sfdc.ParseID(x.Value.Str)
		if err != nil || string(id) != x.Value.Str {
			return
		}
		for _, f := range o.Fields {
			if strings.EqualFold(f.Name, x.Left.Path[0]) {
				if f.Type == "reference" && !notIndexed[f.Name] && (strings.HasSuffix(f.Name, "Id") || strings.HasSuffix(f.Name, "__c")) {
					found = append(joinKey(o.Name, f.Name, x.Value.Str), 0)
				}
				return
			}
		}
	})
	return o.Name, found, found != nil
}

// eachAndTerm calls fn with each condition of e that is a top-level AND
// term: one every matching record meets.
func eachAndTerm(e soql.Expr, fn func(*soql.Condition)) {
	switch x := e.(type) {
	case *soql.BinaryExpr:
		if x.Op == "AND" {
			eachAndTerm(x.Left, fn)
			eachAndTerm(x.Right, fn)
		}
	case *soql.Condition:
		fn(x)
	}
}

// indexSource scans only the records of one object that the lookup index
// lists under prefix (see indexedFilter), in Id order like a full scan;
// the query's WHERE still decides which of them match.
type indexSource struct {
	*txSource
	object string
	prefix []byte
}

// Scan implements soql.Source.
func (src *indexSource) Scan(object string, need []string, fn func(soql.Record) bool) error {
	b := src.bucket(object)
	idx := src.tx.Bucket(bucketIndex).Bucket(indexRef)
	if object != src.object || b == nil || idx == nil || !indexReady(src.tx, src.object) {
		return src.txSource.Scan(object, need, fn)
	}
	return indexedRecords(idx, b, src.prefix, object, need, fn)
}
