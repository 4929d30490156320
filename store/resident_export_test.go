package store

// ResidentCensus counts, per kind of structure a Resident holds, the
// values that hold a pointer the garbage collector follows (a string, an
// interface, a map, a slice): what makes a warm Resident costly to mark.
// For BenchmarkResidentGC (package store_test).
func ResidentCensus(r *Resident) map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := map[string]int{}
	for _, t := range r.tables {
		for _, c := range t.columns {
			n["text values"] += len(c.strs)
			n["dictionary values"] += len(c.vals)
			n["other values"] += len(c.anys)
		}
		for _, x := range t.ids {
			n["id index keys"] += len(x.byKey)
		}
		for _, x := range t.refs {
			n["reference index keys"] += len(x)
		}
		for _, x := range t.dates {
			n["date index values"] += len(x.vals)
		}
		for _, pv := range t.parents {
			n["parent values by code"] += len(pv.vals)
		}
		t.madeMu.Lock()
		for _, rec := range t.made {
			if rec != nil {
				n["made records"]++
				n["made record fields"] += len(rec)
			}
		}
		t.madeMu.Unlock()
	}
	for _, e := range r.parents {
		n["parent records"]++
		n["parent record fields"] += len(e.rec)
	}
	return n
}
