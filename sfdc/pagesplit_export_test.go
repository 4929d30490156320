package sfdc

// SplitPageRecycled returns a function that splits a query page as
// QueryPages does, noting the records' members into spans it reuses from
// call to call, and returns the number of records: for the benchmarks of
// package sfdc_test, which can use the emulator.
func SplitPageRecycled() func(b []byte) (records int, ok bool) {
	var sp recordSpans
	return func(b []byte) (int, bool) {
		p, ok := splitPageSpans(b, &sp)
		return len(p.Records), ok
	}
}
