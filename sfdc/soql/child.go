package soql

import (
	"fmt"
	"strings"
)

// planChild compiles a child subquery (SELECT ... FROM Contacts).
func (x *executor) planChild(p *plan, sub *Query) error {
	path := sub.FromPath
	if len(path) == 2 && (strings.EqualFold(path[0], p.info.obj.Name) || strings.EqualFold(path[0], p.alias)) {
		path = path[1:]
	}
	if len(path) != 1 {
		return badChildRelationship(x.text, sub.fromPos, strings.Join(sub.FromPath, "."))
	}
	rel, ok := p.info.children[strings.ToLower(path[0])]
	if !ok {
		return badChildRelationship(x.text, sub.fromPos, path[0])
	}
	info, ok := x.object(rel.Object)
	if !ok {
		return badChildRelationship(x.text, sub.fromPos, path[0])
	}
	if isAggregate(sub) {
		return posError(CodeMalformedQuery, x.text, sub.fromPos, "Aggregate functions are not allowed in a child relationship subquery")
	}
	cp, err := x.plan(sub, info)
	if err != nil {
		return err
	}
	cp.need.add(rel.Field)
	p.out = append(p.out, &outField{key: rel.Name, child: &childQuery{rel: rel, plan: cp}})
	return nil
}

// runChild evaluates a child subquery for one parent (row i of cols when
// cols is set); nil when no child rows match.
func (x *executor) runChild(c *childQuery, parentID string, cols Columns, i int) (*ChildSet, error) {
	if parentID == "" {
		return nil, nil
	}
	p := c.plan
	if cols != nil {
		child, pos, ok, err := x.childrenOfRow(c, cols, i)
		if err != nil {
			return nil, c.sourceError(err)
		}
		if ok {
			return x.childrenAt(c, child, pos)
		}
	}
	if cs, ok := x.env.Source.(ChildColumnSource); ok {
		cols, pos, handled, err := cs.ChildColumns(p.info.obj.Name, c.rel.Field, parentID, p.need.names)
		if err != nil {
			return nil, c.sourceError(err)
		}
		if handled {
			return x.childrenAt(c, cols, pos)
		}
	}
	var rows []Record
	keep := func(r Record) bool {
		if x.keep(p, r) {
			rows = append(rows, r)
		}
		return true
	}
	if cs, ok := x.env.Source.(ChildFieldSource); ok {
		if err := cs.ChildrenFields(p.info.obj.Name, c.rel.Field, parentID, p.need.names, keep); err != nil {
			return nil, c.sourceError(err)
		}
	} else if cs, ok := x.env.Source.(ChildSource); ok {
		if err := cs.Children(p.info.obj.Name, c.rel.Field, parentID, keep); err != nil {
			return nil, c.sourceError(err)
		}
	} else {
		idx, err := x.childRows(c)
		if err != nil {
			return nil, err
		}
		rows = idx[parentID]
		if rows == nil && len(parentID) == 18 {
			rows = idx[parentID[:15]]
		}
		// The index's rows are shared by every parent: shape sorts a copy.
		rows = append([]Record(nil), rows...)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out, err := x.shape(p, rows)
	return childSet(out), err
}

// sourceError is err, from the source asked for c's child rows, with
// the relationship it was asked about.
func (c *childQuery) sourceError(err error) error {
	return fmt.Errorf("soql: children %s.%s: %w", c.plan.info.obj.Name, c.rel.Field, err)
}

// childrenAt is runChild over the child rows at positions pos of cols
// (ChildColumnSource).
func (x *executor) childrenAt(c *childQuery, cols Columns, pos []int32) (*ChildSet, error) {
	p := c.plan
	prev := p.cur
	c.kept = c.kept[:0]
	for _, i := range pos {
		p.cur = colCursor{cols: cols, i: int(i)}
		if x.keep(p, nil) {
			c.kept = append(c.kept, int(i))
		}
	}
	p.cur = prev
	if len(c.kept) == 0 {
		return nil, nil
	}
	out, err := x.buildAt(p, cols, c.kept)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	// The ChildSets of a query's rows come from a slab.
	if len(x.sets) == cap(x.sets) {
		x.sets = make([]ChildSet, 0, min(256, max(4, 2*cap(x.sets))))
	}
	x.sets = append(x.sets, ChildSet{TotalSize: len(out), Done: true, Records: out})
	return &x.sets[len(x.sets)-1], nil
}

// childrenOfRow returns the child columns and the positions there of
// the child rows of row i of cols, when cols find them by position
// (ChildRowColumns), asked once per scan.
func (x *executor) childrenOfRow(c *childQuery, cols Columns, i int) (Columns, []int32, bool, error) {
	m := &c.rows
	if m.cols != cols {
		*m = childRows{cols: cols}
		if crc, ok := cols.(ChildRowColumns); ok {
			p := c.plan
			child, start, pos, found, err := crc.ChildRows(p.info.obj.Name, c.rel.Field, p.need.names)
			if err != nil {
				*m = childRows{}
				return nil, nil, false, err
			}
			if found {
				m.child, m.start, m.pos = child, start, pos
			}
		}
	}
	if m.child == nil {
		return nil, nil, false, nil
	}
	return m.child, m.pos[m.start[i]:m.start[i+1]], true, nil
}

// childSet is the ChildSet of a child subquery's rows: nil when there are
// none.
func childSet(out []*Row) *ChildSet {
	if len(out) == 0 {
		return nil
	}
	return &ChildSet{TotalSize: len(out), Done: true, Records: out}
}

// childRows scans a child object once and groups matching rows by parent.
func (x *executor) childRows(c *childQuery) (map[string][]Record, error) {
	key := strings.ToLower(c.rel.Object + "." + c.rel.Field + "." + c.rel.Name)
	if idx, ok := x.childIndex[key]; ok {
		return idx, nil
	}
	rows, err := x.scan(c.plan, 0)
	if err != nil {
		return nil, err
	}
	idx := map[string][]Record{}
	for _, r := range rows {
		if pid, _ := r[c.rel.Field].(string); pid != "" {
			idx[pid] = append(idx[pid], r)
		}
	}
	x.childIndex[key] = idx
	return idx, nil
}
