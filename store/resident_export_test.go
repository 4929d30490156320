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
			if c.isText() {
				n["text arenas"]++
			}
			n["dictionary values"] += len(c.vals)
			n["other values"] += len(c.anys)
		}
		// Each index is a few arrays, whatever it holds.
		n["indexes"] += len(t.ids) + len(t.refs) + len(t.dates) + len(t.bools)
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
