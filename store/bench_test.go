package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

// benchOpportunity is a realistic ~1 KB Opportunity as a query returns it.
func benchOpportunity(i int) []byte {
	id := sfdc.NewID("006", "4S", uint64(i))
	acct := sfdc.NewID("001", "4S", uint64(i%5000))
	owner := sfdc.NewID("005", "4S", uint64(i%40))
	stages := []string{"Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}
	return fmt.Appendf(nil, `{"attributes":{"type":"Opportunity","url":"/services/data/v66.0/sobjects/Opportunity/%s"},`+
		`"Id":"%s","SystemModstamp":"2026-10-%02dT10:%02d:00.000+0000","IsDeleted":false,"AccountId":"%s","RecordTypeId":null,`+
		`"IsPrivate":false,"Name":"Deal %d for account %d","Description":"Renewal and expansion of the platform licence, phase %d","StageName":"%s",`+
		`"Amount":%d,"Probability":%d,"ExpectedRevenue":%d,"TotalOpportunityQuantity":null,"CloseDate":"2026-%02d-%02d",`+
		`"Type":"Existing Customer - Upgrade","NextStep":"Call back","LeadSource":"Web","IsClosed":%t,"IsWon":%t,`+
		`"ForecastCategory":"Pipeline","ForecastCategoryName":"Pipeline","CampaignId":null,"HasOpportunityLineItem":false,`+
		`"Pricebook2Id":null,"OwnerId":"%s","CreatedDate":"2025-01-01T00:00:00.000+0000","CreatedById":"%s",`+
		`"LastModifiedDate":"2026-10-01T00:00:00.000+0000","LastModifiedById":"%s","LastActivityDate":null,`+
		`"FiscalQuarter":3,"FiscalYear":2026,"Fiscal":"2026 3","LastViewedDate":null,"LastReferencedDate":null,`+
		`"HasOpenActivity":true,"HasOverdueTask":false,"Loss_Reason__c":null}`,
		id, id, 1+i%28, i%60, acct, i, i%5000, i%4, stages[i%7], 1000+i%90000, 10*(i%10), 100*(i%900), 1+i%12, 1+i%28,
		i%7 >= 5, i%7 == 5, owner, owner, owner)
}

func fillOpportunities(b *testing.B, s *Store, n int) {
	b.Helper()
	const perTx = 2000
	for start := 0; start < n; start += perTx {
		err := s.Update(func(w *Writer) error {
			for i := start; i < min(start+perTx, n); i++ {
				if _, err := w.PutRecord("Opportunity", benchOpportunity(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutRecords measures bbolt writes with indexes, committing every
// 2000 records (one query page) or every 10000 (five pages), as sync does.
func BenchmarkPutRecords(b *testing.B) {
	for _, perTx := range []int{2000, 10000} {
		b.Run(fmt.Sprintf("per-tx-%d", perTx), func(b *testing.B) {
			s := openTemp(b)
			recs := make([][]byte, b.N)
			for i := range recs {
				recs[i] = benchOpportunity(i)
			}
			b.ResetTimer()
			start := time.Now()
			for lo := 0; lo < b.N; lo += perTx {
				err := s.Update(func(w *Writer) error {
					for _, raw := range recs[lo:min(lo+perTx, b.N)] {
						if _, err := w.PutRecord("Opportunity", raw); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
		})
	}
}

// BenchmarkOfflineQuery measures offline SOQL over a 100k-record cache.
func BenchmarkOfflineQuery(b *testing.B) {
	const n = 100_000
	s := openTemp(b)
	fillOpportunities(b, s, n)
	desc := `{"name":"Opportunity","keyPrefix":"006","fields":[{"name":"Id","type":"id"},{"name":"Name","type":"string"},` +
		`{"name":"StageName","type":"picklist"},{"name":"Amount","type":"currency"},{"name":"CloseDate","type":"date"},` +
		`{"name":"IsDeleted","type":"boolean"},{"name":"IsClosed","type":"boolean"},{"name":"OwnerId","type":"reference","referenceTo":["User"]}],"childRelationships":[]}`
	if err := s.PutDescribe("Opportunity", []byte(desc), time.Now()); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, soql string }{
		{"count", "SELECT COUNT() FROM Opportunity"},
		{"filter-sort-limit", "SELECT Id, Name, Amount FROM Opportunity WHERE StageName = 'Negotiation/Review' AND Amount > 50000 ORDER BY Amount DESC LIMIT 20"},
		{"group-by", "SELECT StageName, SUM(Amount) FROM Opportunity WHERE IsClosed = false GROUP BY StageName"},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				res, err := s.Query(context.Background(), q.soql, QueryOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if res.TotalSize == 0 {
					b.Fatal("no rows")
				}
			}
		})
	}
	size, _ := s.Size()
	b.ReportMetric(float64(size)/(1<<20), "cache-MiB")
}
