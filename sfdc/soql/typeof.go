package soql

import (
	"strings"
)

// planTypeOf compiles TYPEOF rel WHEN Type THEN fields ... END.
func (x *executor) planTypeOf(p *plan, t *TypeOf) error {
	f, ok := p.info.rels[strings.ToLower(t.Relationship)]
	if !ok {
		return badRelationship(x.text, t.Pos, t.Relationship)
	}
	out := &outTypeOf{idField: f.Name, cases: map[string][]*outField{}}
	at := p.need.index(f.Name)
	fieldsOn := func(info *objInfo, paths [][]string, pos Pos) ([]*outField, error) {
		var list []*outField
		for _, path := range paths {
			ref, err := x.resolvePath(info, "", path, pos)
			if err != nil {
				return nil, err
			}
			l := &list
			for _, h := range ref.hops {
				l = parentList(l, h, -1)
			}
			name := ref.field.Name
			addLeaf(l, name, func(r Record) any { return r[name] }, -1)
		}
		return list, nil
	}
	for _, w := range t.When {
		info, ok := x.object(w.Object)
		if !ok || !refersTo(f, info.obj.Name) {
			return unsupportedType(x.text, w.Pos, w.Object)
		}
		fields, err := fieldsOn(info, w.Fields, w.Pos)
		if err != nil {
			return err
		}
		out.cases[strings.ToLower(info.obj.Name)] = fields
	}
	if t.Else != nil {
		// ELSE fields must exist on the other objects; resolve them on the
		// first referenced object the catalog knows that has them.
		var lastErr error
		for _, target := range f.ReferenceTo {
			info, ok := x.object(target)
			if !ok {
				continue
			}
			fields, err := fieldsOn(info, t.Else, t.Pos)
			if err == nil {
				out.other, lastErr = fields, nil
				break
			}
			lastErr = err
		}
		if lastErr != nil {
			return lastErr
		}
	}
	p.out = append(p.out, &outField{key: f.RelationshipName, typeOf: out, at: at})
	return nil
}

func refersTo(f *Field, object string) bool {
	for _, r := range f.ReferenceTo {
		if strings.EqualFold(r, object) {
			return true
		}
	}
	return false
}

// buildTypeOf builds the nested record of a TYPEOF column whose lookup
// field holds id, or nil when the lookup is empty.
func (x *executor) buildTypeOf(id string, t *outTypeOf) (*Row, error) {
	obj, pr, ok := x.lookup(id, "")
	if !ok {
		return nil, nil
	}
	fields, ok := t.cases[strings.ToLower(obj)]
	if !ok {
		fields = t.other
	}
	return x.buildRow(obj, pr, nil, 0, fields)
}
