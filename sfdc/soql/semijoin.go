package soql

// semiJoinSet runs a semi-join subquery and returns the set of its single
// column's values.
func (x *executor) semiJoinSet(sub *Query) (map[string]struct{}, error) {
	p, err := x.planRoot(sub)
	if err != nil {
		return nil, err
	}
	if p.agg != nil || p.count || len(sub.Select) != 1 || len(sub.Select[0].Path) == 0 {
		return nil, posError(CodeMalformedQuery, x.text, sub.fromPos, "a semi-join subquery must select exactly one field")
	}
	ref, err := x.resolvePath(p.info, p.alias, sub.Select[0].Path, sub.Select[0].Pos)
	if err != nil {
		return nil, err
	}
	p.need.addRef(ref)
	get := x.getterFor(ref)
	rows, err := x.scan(p, 0)
	if err != nil {
		return nil, err
	}
	rows = sortLimit(rows, p.order, p.offset, p.limit)
	set := make(map[string]struct{}, len(rows))
	for _, r := range rows {
		if s, ok := get(r).(string); ok && s != "" {
			set[memberKey(ref.kind, s)] = struct{}{}
		}
	}
	return set, nil
}
