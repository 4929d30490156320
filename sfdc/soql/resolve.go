package soql

import (
	"fmt"
	"slices"
	"strings"
)

// maxParentLevels is how many relationship hops SOQL allows in a path.
const maxParentLevels = 5

// objInfo is an Object with case-insensitive indexes.
type objInfo struct {
	obj      *Object
	fields   map[string]*Field             // lower-case name → field
	rels     map[string]*Field             // lower-case relationship name → lookup field
	children map[string]*ChildRelationship // lower-case relationship name → child relationship
}

func newObjInfo(o *Object) *objInfo {
	info := &objInfo{
		obj:      o,
		fields:   make(map[string]*Field, len(o.Fields)),
		rels:     make(map[string]*Field),
		children: make(map[string]*ChildRelationship, len(o.Children)),
	}
	for i := range o.Fields {
		f := &o.Fields[i]
		info.fields[strings.ToLower(f.Name)] = f
		if f.RelationshipName != "" {
			info.rels[strings.ToLower(f.RelationshipName)] = f
		}
	}
	for i := range o.Children {
		c := &o.Children[i]
		info.children[strings.ToLower(c.Name)] = c
	}
	return info
}

// hop is one parent traversal: read idField, Get the parent row.
type hop struct {
	idField string // lookup field on the current object, e.g. "AccountId"
	relName string // relationship name in describe casing, e.g. "Account"
	object  string // target object (first of ReferenceTo), describe casing
}

// fieldRef is a resolved field path.
type fieldRef struct {
	hops  []hop
	field *Field
	kind  valueKind
}

// key is a canonical signature of the path, for matching GROUP BY items.
func (f fieldRef) key() string {
	var b strings.Builder
	for _, h := range f.hops {
		b.WriteString(h.relName)
		b.WriteByte('.')
	}
	b.WriteString(f.field.Name)
	return strings.ToLower(b.String())
}

// object returns the indexed description of an object, cached per
// execution.
func (x *executor) object(name string) (*objInfo, bool) {
	key := strings.ToLower(name)
	if info, ok := x.objects[key]; ok {
		return info, info != nil
	}
	o, ok := x.env.Catalog.Object(name)
	if !ok || o == nil {
		x.objects[key] = nil
		return nil, false
	}
	info := newObjInfo(o)
	x.objects[key] = info
	return info, true
}

// trimPrefix drops a leading object name or alias from a path
// ("Account.Name" on FROM Account, "a.Name" on FROM Account a), unless the
// first element is a relationship of the object.
func trimPrefix(info *objInfo, alias string, path []string) []string {
	if len(path) < 2 {
		return path
	}
	first := strings.ToLower(path[0])
	if alias != "" && strings.EqualFold(alias, path[0]) {
		return path[1:]
	}
	if _, isRel := info.rels[first]; isRel {
		return path
	}
	if strings.EqualFold(info.obj.Name, path[0]) {
		return path[1:]
	}
	return path
}

// resolvePath resolves a field path on info into hops and a leaf field.
// A polymorphic lookup (What, Who, Owner) resolves through the first of its
// ReferenceTo objects, in order, that the Catalog knows and on which the
// rest of the path resolves.
func (x *executor) resolvePath(info *objInfo, alias string, path []string, p Pos) (fieldRef, error) {
	path = trimPrefix(info, alias, path)
	if len(path)-1 > maxParentLevels {
		return fieldRef{}, posError(CodeMalformedQuery, x.text, p,
			fmt.Sprintf("SOQL statements cannot query more than %d levels of relationships", maxParentLevels))
	}
	return x.resolveFrom(info, path, p)
}

func (x *executor) resolveFrom(cur *objInfo, path []string, p Pos) (fieldRef, error) {
	if len(path) == 1 {
		f, ok := cur.fields[strings.ToLower(path[0])]
		if !ok {
			return fieldRef{}, noSuchColumn(x.text, p, path[0], cur.obj.Name)
		}
		return fieldRef{field: f, kind: kindOf(f.Type)}, nil
	}
	rel := path[0]
	f, ok := cur.rels[strings.ToLower(rel)]
	if !ok {
		return fieldRef{}, badRelationship(x.text, p, rel)
	}
	var firstErr error
	for _, target := range f.ReferenceTo {
		next, ok := x.object(target)
		if !ok {
			continue
		}
		ref, err := x.resolveFrom(next, path[1:], p)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		ref.hops = append([]hop{{idField: f.Name, relName: f.RelationshipName, object: next.obj.Name}}, ref.hops...)
		return ref, nil
	}
	if firstErr != nil {
		return fieldRef{}, firstErr
	}
	return fieldRef{}, badRelationship(x.text, p, rel)
}

// getter reads a value from a row of the FROM object.
type getter func(Record) any

// getterFor builds a getter for a resolved path; parent hops go through
// Source.Get.
func (x *executor) getterFor(ref fieldRef) getter {
	name := ref.field.Name
	if len(ref.hops) == 0 {
		return func(r Record) any { return r[name] }
	}
	hops := ref.hops
	return func(r Record) any { return x.follow(r, hops, name) }
}

// follow returns field name of the record reached from cur through hops
// (lookup fields followed through Source.Get): nil when a lookup is empty
// or points at no record.
func (x *executor) follow(cur Record, hops []hop, name string) any {
	for _, h := range hops {
		id, _ := cur[h.idField].(string)
		if id == "" {
			return nil
		}
		_, pr, ok := x.get(id)
		if !ok {
			return nil
		}
		cur = pr
	}
	return cur[name]
}

// parentRow is a cached Source.Get answer.
type parentRow struct {
	object string
	rec    Record
	ok     bool
}

// get is Source.Get memoised for the execution: many rows share a parent,
// and a source may decode a record on every Get.
func (x *executor) get(id string) (string, Record, bool) {
	if p, ok := x.parents[id]; ok {
		return p.object, p.rec, p.ok
	}
	obj, rec, ok := x.env.Source.Get(id)
	x.parents[id] = parentRow{obj, rec, ok}
	return obj, rec, ok
}

// needSet collects the fields a query reads on its FROM object.
type needSet struct {
	seen  map[string]bool
	names []string
}

func newNeedSet() *needSet { return &needSet{seen: map[string]bool{}} }

// index adds name and returns its position in names.
func (n *needSet) index(name string) int {
	n.add(name)
	return slices.Index(n.names, name)
}

func (n *needSet) add(name string) {
	if !n.seen[name] {
		n.seen[name] = true
		n.names = append(n.names, name)
	}
}

// addRef records the field (or first lookup field) a path reads.
func (n *needSet) addRef(ref fieldRef) {
	if len(ref.hops) > 0 {
		n.add(ref.hops[0].idField)
		return
	}
	n.add(ref.field.Name)
}
