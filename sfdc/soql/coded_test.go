package soql

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// codedSource is memSource answering scans as dictionary-coded columns
// (every field, one code per exact value), as a resident cache does.
type codedSource struct{ *memSource }

// codedCols are the need fields of one scan: codes[f][i] into vals[f].
type codedCols struct {
	need  []string
	codes [][]int
	vals  [][]any
}

func (s codedSource) ScanColumns(object string, need []string, fn func(Columns, int) bool) (bool, error) {
	c := &codedCols{need: need, codes: make([][]int, len(need)), vals: make([][]any, len(need))}
	n := 0
	for f, name := range need {
		index := map[any]int{}
		c.vals[f] = []any{nil}
		c.codes[f] = nil
		for _, r := range s.objects[object] {
			v := r[name]
			code, ok := index[v]
			if v == nil {
				code, ok = 0, true
			}
			if !ok {
				code = len(c.vals[f])
				index[v] = code
				c.vals[f] = append(c.vals[f], v)
			}
			c.codes[f] = append(c.codes[f], code)
		}
		n = len(c.codes[f])
	}
	for i := range n {
		if !fn(c, i) {
			break
		}
	}
	return true, nil
}

func (c *codedCols) Value(f, i int) any { return c.vals[f][c.codes[f][i]] }

func (c *codedCols) Record(i int) Record {
	r := Record{}
	for f, name := range c.need {
		if v := c.Value(f, i); v != nil {
			r[name] = v
		}
	}
	return r
}

func (c *codedCols) Code(f, i int) (int, bool) { return c.codes[f][i], true }

func (c *codedCols) Null(f, i int) bool {
	v := c.Value(f, i)
	s, text := v.(string)
	return v == nil || text && s == ""
}

func (c *codedCols) Number(f, i int) (float64, bool) {
	v, ok := c.Value(f, i).(float64)
	return v, ok
}

var (
	_ ColumnSource = codedSource{}
	_ CodedColumns = (*codedCols)(nil)
	_ TypedColumns = (*codedCols)(nil)
)

// TestAggregatesOverCodedColumns runs aggregates over coded columns, where
// rows are grouped by their code: values that differ only in case (two
// codes, "Closed Won" and "closed won") still make one group, as over
// records.
func TestAggregatesOverCodedColumns(t *testing.T) {
	queries := []string{
		"SELECT StageName, COUNT(Id) n, SUM(Amount) total FROM Opportunity GROUP BY StageName ORDER BY StageName",
		"SELECT StageName, COUNT(Id) n FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 1 ORDER BY SUM(Amount) DESC",
		"SELECT Account.Name, SUM(Amount), MIN(CloseDate), MAX(Name), COUNT_DISTINCT(StageName) FROM Opportunity GROUP BY Account.Name ORDER BY Account.Name",
		"SELECT AccountId, SUM(Amount) FROM Opportunity GROUP BY AccountId ORDER BY SUM(Amount) DESC NULLS LAST LIMIT 2",
		"SELECT IsClosed, StageName, COUNT(Id) FROM Opportunity GROUP BY IsClosed, StageName ORDER BY IsClosed, StageName",
		"SELECT CALENDAR_YEAR(CloseDate), COUNT(Id) FROM Opportunity GROUP BY CALENDAR_YEAR(CloseDate) ORDER BY CALENDAR_YEAR(CloseDate)",
		"SELECT COUNT(Id), SUM(Amount), AVG(Amount), MIN(Amount), MAX(Amount) FROM Opportunity",
		"SELECT COUNT(Id), SUM(Amount) FROM Opportunity WHERE Name = 'zzz'",
		"SELECT StageName, COUNT(Id) FROM Opportunity WHERE Amount > 1000000000 GROUP BY StageName",
	}
	coded := testEnv()
	coded.Source = codedSource{testSource()}
	for _, q := range queries {
		want := rowsOf(run(t, testEnv(), q))
		got := rowsOf(run(t, coded, q))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s\n coded columns %v\n records       %v", q, got, want)
		}
	}
	// The case-insensitive group is one group of two rows.
	res := run(t, coded, "SELECT StageName, COUNT(Id) n FROM Opportunity WHERE IsClosed = true GROUP BY StageName")
	if len(res.Records) != 1 {
		t.Fatalf("closed stages over coded columns: %v, want one group", rowsOf(res))
	}
	if n, _ := res.Records[0].Get("n"); n != 2.0 {
		t.Errorf("closed stages over coded columns: n = %v, want 2", n)
	}
}

// TestAggregateTopGroups checks ORDER BY … LIMIT over many groups, where
// only the first groups are kept as they come: the rows returned are those
// of the same query without LIMIT and OFFSET, cut where LIMIT and OFFSET
// cut, ties (equal sums, nulls) included, over records and coded columns.
func TestAggregateTopGroups(t *testing.T) {
	src := newMemSource()
	names := []string{"Acme", "acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell"}
	for i := range 120 {
		name := names[i%len(names)] + " " + string(rune('A'+i%13))
		var amount any = float64((i * 7919) % 5 * 1000)
		if i%11 == 0 {
			amount = nil
		}
		id := "006000000000" + string(rune('A'+i/26%26)) + string(rune('A'+i%26)) + "0AAA"
		src.add("Opportunity", Record{"Id": id, "Name": name, "Amount": amount, "StageName": "Prospecting", "IsClosed": false, "IsDeleted": false})
	}
	envs := map[string]Env{
		"records":       {Catalog: testCatalog(), Source: src, Now: func() time.Time { return testNow }},
		"coded columns": {Catalog: testCatalog(), Source: codedSource{src}, Now: func() time.Time { return testNow }},
	}
	queries := []string{
		"SELECT Name, SUM(Amount) s, COUNT(Id) n FROM Opportunity GROUP BY Name ORDER BY SUM(Amount) DESC",
		"SELECT Name, SUM(Amount) s FROM Opportunity GROUP BY Name ORDER BY SUM(Amount) NULLS LAST",
		"SELECT Name, COUNT(Id) n FROM Opportunity GROUP BY Name HAVING SUM(Amount) > 1000 ORDER BY COUNT(Id) DESC, Name",
		"SELECT Name, MAX(Amount) m, MIN(Amount) mn FROM Opportunity GROUP BY Name ORDER BY MAX(Amount) DESC NULLS LAST",
		"SELECT Name, COUNT_DISTINCT(Amount) d FROM Opportunity GROUP BY Name ORDER BY COUNT_DISTINCT(Amount)",
	}
	for envName, env := range envs {
		for _, q := range queries {
			all := rowsOf(run(t, env, q))
			if len(all) < 20 {
				t.Fatalf("%s: %d groups, want many", q, len(all))
			}
			for _, limit := range []int{0, 1, 2, 3, 5} {
				for _, offset := range []int{0, 1, 4} {
					got := rowsOf(run(t, env, fmt.Sprintf("%s LIMIT %d OFFSET %d", q, limit, offset)))
					want := all[min(offset, len(all)):min(offset+limit, len(all))]
					if len(want) == 0 {
						want = nil
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s, %s LIMIT %d OFFSET %d:\n got %v\nwant %v", envName, q, limit, offset, got, want)
					}
				}
			}
		}
	}
}
