package soql

import (
	"fmt"
	"reflect"
	"testing"
)

var errorf = fmt.Errorf

func TestCompareFoldUsesUpperCase(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"abc", "ABC", 0},
		{"AB", "A_", -1}, // 'B' (0x42) < '_' (0x5F); lower-case folding would say the opposite
		{"a_", "AB", 1},
		{"straße", "STRASSE", 1}, // simple folding only: ß is not SS
		{"Émile", "émile", 0},
		{"a", "ab", -1},
		{"", "", 0},
	}
	for _, tt := range tests {
		if got := compareFold(tt.a, tt.b); sign(got) != tt.want {
			t.Errorf("compareFold(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// TestBooleanNullIsFalse follows the SOQL docs: booleans are never null;
// "= null" is "= false" and "!= null" is "= true".
func TestBooleanNullIsFalse(t *testing.T) {
	env := testEnv()
	src := env.Source.(*memSource)
	src.add("Opportunity", Record{"Id": id("006", 6), "Name": "Null Bool", "IsClosed": nil, "IsDeleted": false})
	tests := []struct {
		q    string
		want []any
	}{
		{"SELECT Name FROM Opportunity WHERE IsClosed = false ORDER BY Name", []any{"Big Deal", "No Amount", "Null Bool", "Orphan Opp"}},
		{"SELECT Name FROM Opportunity WHERE IsClosed = null ORDER BY Name", []any{"Big Deal", "No Amount", "Null Bool", "Orphan Opp"}},
		{"SELECT Name FROM Opportunity WHERE IsClosed != null ORDER BY Name", []any{"Renewal", "Small Deal"}},
		{"SELECT Name FROM Opportunity WHERE IsClosed IN (null) ORDER BY Name", []any{"Big Deal", "No Amount", "Null Bool", "Orphan Opp"}},
		{"SELECT Name FROM Opportunity ORDER BY IsClosed DESC, Name DESC", []any{"Small Deal", "Renewal", "Orphan Opp", "Null Bool", "No Amount", "Big Deal"}},
	}
	res := run(t, env, "SELECT IsClosed, COUNT(Id) FROM Opportunity GROUP BY IsClosed ORDER BY IsClosed")
	if got, want := rowsOf(res), [][]any{{"IsClosed", false, "expr0", 4.0}, {"IsClosed", true, "expr0", 2.0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("GROUP BY IsClosed: %v, want %v", got, want)
	}
	for _, tt := range tests {
		if got := column(run(t, env, tt.q), "Name"); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s\n got %v\nwant %v", tt.q, got, tt.want)
		}
	}
}

// TestPicklistOrder: picklists sort in setup order, not alphabetically.
func TestPicklistOrder(t *testing.T) {
	env := testEnv()
	cat := env.Catalog.(memCatalog)
	opp := cat["opportunity"]
	for i := range opp.Fields {
		if opp.Fields[i].Name == "StageName" {
			opp.Fields[i].Picklist = []string{"Prospecting", "Negotiation", "Closed Won"}
		}
	}
	got := column(run(t, env, "SELECT Name FROM Opportunity ORDER BY StageName, Name"), "Name")
	if want := []any{"Big Deal", "No Amount", "Orphan Opp", "Renewal", "Small Deal"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ORDER BY StageName: %v, want %v", got, want)
	}
	res := run(t, env, "SELECT MIN(StageName), MAX(StageName) FROM Opportunity")
	if got := rowsOf(res); !reflect.DeepEqual(got, [][]any{{"expr0", "Prospecting", "expr1", "Closed Won"}}) {
		t.Errorf("MIN/MAX: %v", got)
	}
	res = run(t, env, "SELECT StageName, COUNT(Id) FROM Opportunity GROUP BY StageName ORDER BY StageName DESC")
	if got := column(res, "StageName"); !reflect.DeepEqual(got, []any{"Closed Won", "Negotiation", "Prospecting"}) {
		t.Errorf("grouped ORDER BY StageName DESC: %v", got)
	}
	// Without setup order the same query sorts alphabetically.
	res = run(t, testEnv(), "SELECT StageName, COUNT(Id) FROM Opportunity GROUP BY StageName ORDER BY StageName DESC")
	if got := column(res, "StageName"); !reflect.DeepEqual(got, []any{"Prospecting", "Negotiation", "Closed Won"}) {
		t.Errorf("alphabetical ORDER BY StageName DESC: %v", got)
	}
}

// TestConcurrentExecute runs one parsed query from several goroutines: a
// Query is read-only during Execute and an execution keeps no shared state.
func TestConcurrentExecute(t *testing.T) {
	env := testEnv()
	env.Source = roSource{env.Source.(*memSource)}
	q, err := Parse("SELECT Name, Owner.Name, (SELECT Name FROM Opportunities ORDER BY Amount DESC NULLS LAST) FROM Account WHERE CreatedDate = THIS_YEAR OR Name LIKE 'I%' ORDER BY Name DESC")
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"Initech", "globex", "Acme"}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			res, err := Execute(t.Context(), env, q)
			if err == nil && !reflect.DeepEqual(column(res, "Name"), want) {
				err = errorf("got %v, want %v", column(res, "Name"), want)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// roSource reads a memSource without recording anything.
type roSource struct{ m *memSource }

func (s roSource) Scan(object string, need []string, fn func(Record) bool) error {
	for _, r := range s.m.objects[object] {
		if !fn(r) {
			break
		}
	}
	return nil
}

func (s roSource) Get(id string) (string, Record, bool) { return s.m.Get(id) }

// countingSource counts Get calls per id.
type countingSource struct {
	*memSource
	gets map[string]int
}

func (s *countingSource) Get(id string) (string, Record, bool) {
	s.gets[id]++
	return s.memSource.Get(id)
}

// TestParentLookupsMemoised: each parent is fetched once per execution,
// however many rows, keys and clauses read it.
func TestParentLookupsMemoised(t *testing.T) {
	env := testEnv()
	src := &countingSource{memSource: env.Source.(*memSource), gets: map[string]int{}}
	env.Source = src
	res := run(t, env, "SELECT Name, Account.Name, Account.Owner.Name FROM Opportunity WHERE Account.Name != null ORDER BY Account.Name, Name")
	if got := column(res, "Name"); !reflect.DeepEqual(got, []any{"Big Deal", "Small Deal", "No Amount", "Renewal"}) {
		t.Fatalf("names = %v", got)
	}
	for id, n := range src.gets {
		if n != 1 {
			t.Errorf("Get(%s) called %d times, want 1", id, n)
		}
	}
	if len(src.gets) != 5 { // a1, a2, a3 and owners u3, u2
		t.Errorf("Get called for %d ids, want 5: %v", len(src.gets), src.gets)
	}
}

// TestPolymorphicLookup: What points at several objects; the first one the
// catalog knows resolves the path, and each row's parent keeps its own type.
func TestPolymorphicLookup(t *testing.T) {
	env := testEnv()
	cat := env.Catalog.(memCatalog)
	cat["task"] = &Object{Name: "Task", Fields: []Field{
		{Name: "Id", Type: "id"},
		{Name: "Subject", Type: "string"},
		{Name: "WhatId", Type: "reference", ReferenceTo: []string{"Asset", "Opportunity", "Account"}, RelationshipName: "What"},
		{Name: "IsDeleted", Type: "boolean"},
	}}
	src := env.Source.(*memSource)
	src.add("Task", Record{"Id": id("00T", 1), "Subject": "Call", "WhatId": o1, "IsDeleted": false})
	src.add("Task", Record{"Id": id("00T", 2), "Subject": "Email", "WhatId": a2, "IsDeleted": false})
	src.add("Task", Record{"Id": id("00T", 3), "Subject": "Note", "WhatId": nil, "IsDeleted": false})
	t.Run("TYPEOF", func(t *testing.T) {
		res := run(t, env, "SELECT Subject, TYPEOF What WHEN Opportunity THEN Name, Amount, Account.Name WHEN Account THEN Name, Industry ELSE Name END FROM Task ORDER BY Subject")
		want := []string{
			`{"attributes":{"type":"Task","url":"/services/data/v62.0/sobjects/Task/00T000000000001AAA"},"Subject":"Call","What":{"attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/006000000000001AAA"},"Name":"Big Deal","Amount":100000,"Account":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000001AAA"},"Name":"Acme"}}}`,
			`{"attributes":{"type":"Task","url":"/services/data/v62.0/sobjects/Task/00T000000000002AAA"},"Subject":"Email","What":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000002AAA"},"Name":"globex","Industry":null}}`,
			`{"attributes":{"type":"Task","url":"/services/data/v62.0/sobjects/Task/00T000000000003AAA"},"Subject":"Note","What":null}`,
		}
		if len(res.Records) != len(want) {
			t.Fatalf("%d rows", len(res.Records))
		}
		for i, r := range res.Records {
			b, err := r.MarshalJSON()
			if err != nil || string(b) != want[i] {
				t.Errorf("row %d:\n got %s (%v)\nwant %s", i, b, err, want[i])
			}
		}
		for _, bad := range []string{
			"SELECT TYPEOF What WHEN Contact THEN Name END FROM Task",  // not a What target
			"SELECT TYPEOF What WHEN Account THEN Bacon END FROM Task", // no such field
			"SELECT TYPEOF What WHEN Account THEN Name FROM Task",      // no END
			"SELECT TYPEOF What ELSE Name END FROM Task",               // no WHEN
		} {
			if _, err := runErr(t, env, bad); err == nil {
				t.Errorf("%s: no error", bad)
			}
		}
	})
	res := run(t, env, "SELECT Subject, What.Name FROM Task WHERE What.Name != 'Acme' ORDER BY Subject")
	if got := column(res, "Subject"); !reflect.DeepEqual(got, []any{"Call", "Email", "Note"}) {
		t.Fatalf("subjects = %v", got)
	}
	wantTypes := []any{"Opportunity", "Account", nil}
	wantNames := []any{"Big Deal", "globex", nil}
	for i, r := range res.Records {
		typ, _ := r.Get("What.attributes.type")
		name, _ := r.Get("What.Name")
		if typ != wantTypes[i] || name != wantNames[i] {
			t.Errorf("row %d: What type %v name %v, want %v %v", i, typ, name, wantTypes[i], wantNames[i])
		}
	}
}
