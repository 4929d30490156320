package soql

import (
	"reflect"
	"testing"
)

// rowsOf returns each record's keys (without attributes) and values.
func rowsOf(res *Result) [][]any {
	var out [][]any
	for _, r := range res.Records {
		var row []any
		for i, k := range r.Keys {
			if k == "attributes" {
				continue
			}
			row = append(row, k, r.Values[i])
		}
		out = append(out, row)
	}
	return out
}

func TestAggregates(t *testing.T) {
	tests := []struct {
		name   string
		q      string
		fiscal int
		want   [][]any
	}{
		{
			name: "all aggregate functions without group by",
			q:    "SELECT COUNT(Id), COUNT(Amount), SUM(Amount), AVG(Amount), MIN(Amount), MAX(Amount), COUNT_DISTINCT(StageName), MIN(CloseDate), MAX(Name) FROM Opportunity",
			want: [][]any{{"expr0", 5.0, "expr1", 4.0, "expr2", 131000.0, "expr3", 32750.0, "expr4", 1000.0, "expr5", 100000.0, "expr6", 3.0, "expr7", "2023-12-31", "expr8", "Small Deal"}},
		},
		{
			name: "no matching rows still gives one row",
			q:    "SELECT COUNT(Id), SUM(Amount), MAX(CloseDate) FROM Opportunity WHERE Name = 'zzz'",
			want: [][]any{{"expr0", 0.0, "expr1", nil, "expr2", nil}},
		},
		{
			name: "aliases replace exprN and only unaliased take a number",
			q:    "SELECT COUNT(Id) n, SUM(Amount) FROM Opportunity WHERE IsClosed = true",
			want: [][]any{{"n", 2.0, "expr0", 30000.0}},
		},
		{
			name: "group by with having and order by aggregate",
			q:    "SELECT StageName, COUNT(Id) n, SUM(Amount) total FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 1 ORDER BY SUM(Amount) DESC",
			want: [][]any{{"StageName", "Prospecting", "n", 2.0, "total", 100000.0}, {"StageName", "Closed Won", "n", 2.0, "total", 30000.0}},
		},
		{
			name: "having on group field and alias order",
			q:    "SELECT StageName, SUM(Amount) total FROM Opportunity GROUP BY StageName HAVING StageName != 'Prospecting' ORDER BY total",
			want: [][]any{{"StageName", "Negotiation", "total", 1000.0}, {"StageName", "Closed Won", "total", 30000.0}},
		},
		{
			name: "null group and nulls last",
			q:    "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry ORDER BY Industry NULLS LAST",
			want: [][]any{{"Industry", "Finance", "expr0", 1.0}, {"Industry", "Technology", "expr0", 1.0}, {"Industry", nil, "expr0", 1.0}},
		},
		{
			name: "group by parent field",
			q:    "SELECT Account.Name, SUM(Amount) FROM Opportunity GROUP BY Account.Name ORDER BY Account.Name",
			want: [][]any{{"Name", nil, "expr0", 1000.0}, {"Name", "Acme", "expr0", 105000.0}, {"Name", "globex", "expr0", nil}, {"Name", "Initech", "expr0", 25000.0}},
		},
		{
			name: "group by two fields with limit and offset",
			q:    "SELECT IsClosed, StageName, COUNT(Id) FROM Opportunity GROUP BY IsClosed, StageName ORDER BY IsClosed, StageName LIMIT 2 OFFSET 1",
			want: [][]any{{"IsClosed", false, "StageName", "Prospecting", "expr0", 2.0}, {"IsClosed", true, "StageName", "Closed Won", "expr0", 2.0}},
		},
		{
			name:   "deal size by fiscal quarter",
			q:      "SELECT FISCAL_YEAR(CloseDate) fy, FISCAL_QUARTER(CloseDate) q, SUM(Amount) FROM Opportunity WHERE CloseDate != null GROUP BY FISCAL_YEAR(CloseDate), FISCAL_QUARTER(CloseDate) ORDER BY FISCAL_YEAR(CloseDate), FISCAL_QUARTER(CloseDate)",
			fiscal: 4,
			want:   [][]any{{"fy", 2024.0, "q", 3.0, "expr0", 25000.0}, {"fy", 2024.0, "q", 4.0, "expr0", 100000.0}, {"fy", 2025.0, "q", 1.0, "expr0", 5000.0}},
		},
		{
			name: "calendar functions take exprN",
			q:    "SELECT CALENDAR_YEAR(CloseDate), CALENDAR_MONTH(CloseDate), COUNT(Id) FROM Opportunity WHERE CloseDate = THIS_YEAR GROUP BY CALENDAR_YEAR(CloseDate), CALENDAR_MONTH(CloseDate) ORDER BY CALENDAR_MONTH(CloseDate) DESC",
			want: [][]any{{"expr0", 2024.0, "expr1", 6.0, "expr2", 1.0}, {"expr0", 2024.0, "expr1", 4.0, "expr2", 1.0}, {"expr0", 2024.0, "expr1", 3.0, "expr2", 1.0}},
		},
		{
			name: "date function in where",
			q:    "SELECT COUNT(Id) FROM Opportunity WHERE CALENDAR_QUARTER(CloseDate) = 2",
			want: [][]any{{"expr0", 2.0}},
		},
		{
			name: "count distinct is case-insensitive for text",
			q:    "SELECT COUNT_DISTINCT(StageName) FROM Opportunity WHERE IsClosed = true",
			want: [][]any{{"expr0", 1.0}},
		},
		{
			name: "group by with no rows gives no rows",
			q:    "SELECT StageName, COUNT(Id) FROM Opportunity WHERE Amount > 1000000000 GROUP BY StageName",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv()
			env.FiscalYearStartMonth = tt.fiscal
			res, err := runErr(t, env, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsOf(res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s\n got %v\nwant %v", tt.q, got, tt.want)
			}
			if res.TotalSize != len(tt.want) {
				t.Errorf("TotalSize = %d, want %d", res.TotalSize, len(tt.want))
			}
			for _, r := range res.Records {
				a := r.Values[0].(*Row)
				if !reflect.DeepEqual(a.Keys, []string{"type"}) || a.Values[0] != "AggregateResult" {
					t.Errorf("attributes = %v %v", a.Keys, a.Values)
				}
			}
		})
	}
}

func TestCountOnly(t *testing.T) {
	tests := []struct {
		q    string
		want int
	}{
		{"SELECT COUNT() FROM Opportunity", 5},
		{"SELECT COUNT() FROM Opportunity WHERE Amount > 2000", 3},
		{"SELECT COUNT() FROM Opportunity LIMIT 2", 2},
		{"SELECT COUNT() FROM Account", 3},
	}
	for _, tt := range tests {
		res := run(t, testEnv(), tt.q)
		if res.TotalSize != tt.want || len(res.Records) != 0 {
			t.Errorf("%s: TotalSize %d records %d, want %d and 0", tt.q, res.TotalSize, len(res.Records), tt.want)
		}
	}
}
