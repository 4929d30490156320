package emulator

import (
	"strings"
	"sync"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Record is one stored row keyed by field API name (describe casing). Stored
// records are never mutated: a write replaces the map, so a reader holding a
// record keeps a consistent snapshot.
type Record = soql.Record

// table holds the rows of one object in creation order.
type table struct {
	def    *ObjectDef
	ids    []string    // creation order, deleted rows included
	stamps *stampIndex // by SystemModstamp; nil until a query needs it (stamps.go)
}

type entry struct {
	object string
	rec    Record
}

// org is the in-memory database: records by id, per-object row order and a
// child index for reference fields. It implements soql.Source and
// soql.ChildSource. All methods are safe for concurrent use.
type org struct {
	schema *Schema

	mu     sync.RWMutex
	byID   map[string]entry
	tables map[string]*table // by lower-case object name
	byDef  map[*ObjectDef]*table
	kids   map[string]map[string][]string // "object.field" (lower) -> parent id -> child ids
	serial uint64                         // last minted id serial

	defaultRecordType map[string]string // object -> default record type id
	stages            map[string]demo.Stage
	refs              map[*ObjectDef][]refIndex
}

// refIndex is a reference field kept in the child index.
type refIndex struct {
	field, key string
}

func newOrg(schema *Schema) *org {
	o := &org{schema: schema, byID: map[string]entry{}, tables: map[string]*table{}, kids: map[string]map[string][]string{},
		stages: map[string]demo.Stage{}, refs: map[*ObjectDef][]refIndex{}, byDef: map[*ObjectDef]*table{}}
	for _, def := range schema.Objects() {
		t := &table{def: def}
		o.tables[strings.ToLower(def.Name)] = t
		o.byDef[def] = t
		for _, f := range indexedRefs(def) {
			o.refs[def] = append(o.refs[def], refIndex{field: f, key: kidKey(def.Name, f)})
		}
	}
	for _, st := range demo.Stages() {
		o.stages[st.Name] = st
	}
	return o
}

// refFields lists the reference fields of def with a child relationship.
func indexedRefs(def *ObjectDef) []string {
	var out []string
	for _, f := range def.Fields {
		if f.Type == "reference" && f.ChildRelName != "" {
			out = append(out, f.Name)
		}
	}
	return out
}

func kidKey(object, field string) string { return strings.ToLower(object + "." + field) }

// putLocked stores rec (a new map) as the current version of its id. The
// caller holds mu for writing.
func (o *org) putLocked(def *ObjectDef, rec Record) {
	id := rec["Id"].(string)
	old, existed := o.byID[id]
	o.byID[id] = entry{object: def.Name, rec: rec}
	t := o.byDef[def]
	if !existed {
		t.ids = append(t.ids, id)
	}
	noteStampLocked(t, rec, existed)
	for _, ri := range o.refs[def] {
		var before any
		if existed {
			before = old.rec[ri.field]
		}
		after := rec[ri.field]
		if existed && before == after {
			continue
		}
		m := o.kids[ri.key]
		if m == nil {
			continue // index not built yet; built on first use
		}
		if b, ok := before.(string); ok && b != "" && existed {
			list := m[b]
			for i, c := range list {
				if c == id {
					m[b] = append(list[:i:i], list[i+1:]...)
					break
				}
			}
		}
		if a, ok := after.(string); ok && a != "" {
			m[a] = append(m[a], id)
		}
	}
}

// get returns the current version of a record by its 18-character id.
func (o *org) get(id string) (entry, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	e, ok := o.byID[id]
	return e, ok
}

// snapshot returns the current records of object in creation order.
func (o *org) snapshot(object string) []Record {
	o.mu.RLock()
	defer o.mu.RUnlock()
	t, ok := o.tables[strings.ToLower(object)]
	if !ok {
		return nil
	}
	out := make([]Record, len(t.ids))
	for i, id := range t.ids {
		out[i] = o.byID[id].rec
	}
	return out
}

// count returns the number of live records of object.
func (o *org) count(object string) int {
	n := 0
	for _, r := range o.snapshot(object) {
		if d, _ := r["IsDeleted"].(bool); !d {
			n++
		}
	}
	return n
}

// Scan implements soql.Source. It iterates a snapshot, so fn may call Get.
func (o *org) Scan(object string, need []string, fn func(soql.Record) bool) error {
	for _, r := range o.snapshot(object) {
		if !fn(r) {
			break
		}
	}
	return nil
}

// Get implements soql.Source.
func (o *org) Get(id string) (string, soql.Record, bool) {
	if len(id) == 15 {
		if full, err := sfdc.ParseID(id); err == nil {
			id = string(full)
		}
	}
	e, ok := o.get(id)
	if !ok {
		return "", nil, false
	}
	return e.object, e.rec, true
}

// Children implements soql.ChildSource.
func (o *org) Children(object, field, parentID string, fn func(soql.Record) bool) error {
	k := kidKey(object, field)
	o.mu.RLock()
	m, built := o.kids[k]
	if !built {
		o.mu.RUnlock()
		o.mu.Lock()
		m = o.kidsLocked(object, field)
		o.mu.Unlock()
		o.mu.RLock()
	}
	ids := m[parentID]
	recs := make([]Record, 0, len(ids))
	for _, id := range ids {
		recs = append(recs, o.byID[id].rec)
	}
	o.mu.RUnlock()
	for _, r := range recs {
		if !fn(r) {
			break
		}
	}
	return nil
}

// kidsLocked returns the child index of object.field (parent id -> child
// ids), building it on first use: loading millions of generated rows is
// faster without maintaining indexes nobody may read. The caller holds mu
// for writing.
func (o *org) kidsLocked(object, field string) map[string][]string {
	k := kidKey(object, field)
	if m, ok := o.kids[k]; ok {
		return m
	}
	def, _ := o.schema.Lookup(object)
	t := o.byDef[def]
	counts := map[string]int{}
	for _, id := range t.ids {
		if p, ok := o.byID[id].rec[field].(string); ok && p != "" {
			counts[p]++
		}
	}
	m := make(map[string][]string, len(counts))
	for _, id := range t.ids {
		if p, ok := o.byID[id].rec[field].(string); ok && p != "" {
			if m[p] == nil {
				m[p] = make([]string, 0, counts[p])
			}
			m[p] = append(m[p], id)
		}
	}
	o.kids[k] = m
	return m
}
