package soql

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func BenchmarkParse(b *testing.B) {
	q := "SELECT Name, Account.Name, Account.Owner.Name, Amount, (SELECT LastName FROM Contacts) FROM Opportunity " +
		"WHERE (StageName IN ('Prospecting', 'Negotiation') OR Amount > 50000) AND CloseDate = THIS_FISCAL_QUARTER " +
		"AND Name LIKE 'Deal%' ORDER BY Amount DESC NULLS LAST, Name LIMIT 100"
	b.SetBytes(int64(len(q)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSource generates n opportunities over n/100 accounts and 50 users.
func benchSource(n int) *memSource {
	r := rand.New(rand.NewPCG(1, 2))
	s := newMemSource()
	stages := []string{"Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost"}
	users := 50
	for i := 0; i < users; i++ {
		s.add("User", Record{"Id": fmt.Sprintf("005%012dAAA", i), "Name": fmt.Sprintf("User %d", i), "IsDeleted": false})
	}
	accounts := n / 100
	for i := 0; i < accounts; i++ {
		s.add("Account", Record{"Id": fmt.Sprintf("001%012dAAA", i), "Name": fmt.Sprintf("Account %d", i),
			"OwnerId": fmt.Sprintf("005%012dAAA", r.IntN(users)), "IsDeleted": false})
	}
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		var amount any = float64(r.IntN(200000))
		if r.IntN(20) == 0 {
			amount = nil
		}
		close := base.AddDate(0, 0, r.IntN(730))
		s.add("Opportunity", Record{
			"Id":          fmt.Sprintf("006%012dAAA", i),
			"Name":        fmt.Sprintf("Deal %d", i),
			"AccountId":   fmt.Sprintf("001%012dAAA", r.IntN(accounts)),
			"OwnerId":     fmt.Sprintf("005%012dAAA", r.IntN(users)),
			"Amount":      amount,
			"StageName":   stages[r.IntN(len(stages))],
			"CloseDate":   close.Format(dateLayout),
			"IsClosed":    r.IntN(2) == 0,
			"CreatedDate": close.AddDate(0, -2, 0).Format(dateTimeLayout),
			"IsDeleted":   r.IntN(100) == 0,
		})
	}
	return s
}

func BenchmarkExecute100k(b *testing.B) {
	env := testEnv()
	env.Source = benchSource(100000)
	env.FiscalYearStartMonth = 4
	queries := map[string]string{
		"grouped": "SELECT StageName, CALENDAR_QUARTER(CloseDate) q, COUNT(Id), SUM(Amount) total, AVG(Amount) FROM Opportunity " +
			"WHERE Amount > 1000 AND CloseDate = LAST_N_DAYS:365 AND StageName != 'Closed Lost' " +
			"GROUP BY StageName, CALENDAR_QUARTER(CloseDate) ORDER BY SUM(Amount) DESC",
		"sorted": "SELECT Name, Amount, CloseDate, Account.Name FROM Opportunity " +
			"WHERE StageName IN ('Prospecting', 'Negotiation') AND Name LIKE 'deal 1%' " +
			"ORDER BY Amount DESC NULLS LAST, Name LIMIT 100",
		"parent_filter": "SELECT COUNT() FROM Opportunity WHERE Account.Owner.Name = 'User 7' AND IsClosed = false",
	}
	for _, name := range []string{"grouped", "sorted", "parent_filter"} {
		q, err := Parse(queries[name])
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := Execute(b.Context(), env, q)
				if err != nil {
					b.Fatal(err)
				}
				if res.TotalSize == 0 {
					b.Fatal("empty result")
				}
			}
		})
	}
}
