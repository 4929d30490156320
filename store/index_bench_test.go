package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
)

// benchContact is a Contact as a query returns it: lookups, a name, phones
// and an e-mail (Contact's phones and e-mails are indexed).
func benchContact(i int) []byte {
	id := sfdc.NewID("003", "4S", uint64(i))
	acct := sfdc.NewID("001", "4S", uint64(i%5000))
	owner := sfdc.NewID("005", "4S", uint64(i%40))
	return fmt.Appendf(nil, `{"attributes":{"type":"Contact","url":"/services/data/v66.0/sobjects/Contact/%s"},`+
		`"Id":"%s","SystemModstamp":"2026-10-%02dT10:%02d:00.000+0000","IsDeleted":false,"AccountId":"%s",`+
		`"FirstName":"Ann","LastName":"Smith %d","Name":"Ann Smith %d","Title":"VP Sales","Department":null,`+
		`"Phone":"+44 20 7946 %04d","MobilePhone":"+44 7700 9%05d","HomePhone":null,"OtherPhone":null,`+
		`"Email":"ann.smith%d@example.com","MailingCity":"London","MailingCountry":"United Kingdom","LeadSource":"Web",`+
		`"OwnerId":"%s","ReportsToId":null,"CreatedDate":"2025-01-01T00:00:00.000+0000","CreatedById":"%s",`+
		`"LastModifiedDate":"2026-10-01T00:00:00.000+0000","LastModifiedById":"%s","LastActivityDate":null,"DoNotCall":false}`,
		id, id, 1+i%28, i%60, acct, i, i, i%10000, i%100000, i, owner, owner, owner)
}

// benchPages is n pages of 2000 records of object.
func benchPages(object string, n int) [][][]byte {
	gen := benchOpportunity
	if object == "Contact" {
		gen = benchContact
	}
	pages := make([][][]byte, n)
	for p := range pages {
		for i := range 2000 {
			pages[p] = append(pages[p], gen(p*2000+i))
		}
	}
	return pages
}

// BenchmarkIndexSetAdd computes the index entries of 20 pages of 2000
// records, one IndexSet per page, as a full pass's fetching goroutines do.
func BenchmarkIndexSetAdd(b *testing.B) {
	for _, object := range []string{"Opportunity", "Contact"} {
		b.Run(object, func(b *testing.B) {
			pages := benchPages(object, 20)
			b.ReportAllocs()
			for b.Loop() {
				for _, page := range pages {
					var set IndexSet
					for _, raw := range page {
						if err := set.Add(object, raw); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
		})
	}
}

// BenchmarkIndexSetMergeSort merges the IndexSets of 20 pages of 2000
// records into one and sorts it, as a full pass's writer does.
func BenchmarkIndexSetMergeSort(b *testing.B) {
	for _, object := range []string{"Opportunity", "Contact"} {
		b.Run(object, func(b *testing.B) {
			pages := benchPages(object, 20)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				sets := make([]*IndexSet, len(pages))
				for p, page := range pages {
					sets[p] = &IndexSet{}
					for _, raw := range page {
						if err := sets[p].Add(object, raw); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.StartTimer()
				var all IndexSet
				for _, set := range sets {
					all.Merge(set)
				}
				all.Sort()
			}
		})
	}
}

// BenchmarkEachField scans every field of 2000 Opportunities (the scan
// under ReadStamp, decodeFields, live and the index).
func BenchmarkEachField(b *testing.B) {
	page := benchPages("Opportunity", 1)[0]
	n := 0
	for b.Loop() {
		for _, raw := range page {
			if err := eachField(raw, func(key, val []byte) bool { n += len(val); return true }); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkBulkBlocks writes the sorted index entries of 40k Contacts into
// emptied index buckets, as InsertIndexes does after a full pass (the
// transaction is rolled back each time).
func BenchmarkBulkBlocks(b *testing.B) {
	var set IndexSet
	for _, page := range benchPages("Contact", 20) {
		for _, raw := range page {
			if err := set.Add("Contact", raw); err != nil {
				b.Fatal(err)
			}
		}
	}
	set.Sort()
	s := openTemp(b)
	errRollback := errors.New("roll back")
	b.ReportAllocs()
	for b.Loop() {
		err := s.Update(func(w *Writer) error {
			for kind, refs := range set.refs {
				ib, err := w.indexBucket(indexKind(kind).bucket())
				if err != nil {
					return err
				}
				if err := bulkBlocks(ib, keyList{set.arena.chunks, refs}); err != nil {
					return err
				}
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			b.Fatal(err)
		}
	}
}
