package sfdc_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// demoPages returns the first page of what store/syncer's initial pass asks
// the demo org for (every field, in Id order) for a few of its largest
// objects: the record shapes a sync decodes most.
func demoPages(b *testing.B) map[string][]byte {
	b.Helper()
	ts := emulator.StartTest(b, emulator.Options{Seed: 1, Scale: 12, Now: func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }})
	pages := map[string][]byte{}
	for _, object := range []string{"Task", "Opportunity", "Account", "Contact"} {
		def, ok := ts.Schema().Lookup(object)
		if !ok {
			b.Fatalf("no %s in the demo schema", object)
		}
		fields := []string{"Id"}
		for _, f := range def.Fields {
			if f.Name != "Id" {
				fields = append(fields, f.Name)
			}
		}
		soql := "SELECT " + strings.Join(fields, ", ") + " FROM " + object + " ORDER BY Id ASC"
		req, err := http.NewRequest("GET", ts.URL+"/services/data/v62.0/query?q="+url.QueryEscape(soql), nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+ts.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("query %s: %d %v", object, resp.StatusCode, err)
		}
		pages[object] = body
	}
	return pages
}

// BenchmarkDecodeDemoPage decodes the first 2,000-record page of the demo
// org's Task, Opportunity, Account and Contact as a sync fetches them.
func BenchmarkDecodeDemoPage(b *testing.B) {
	pages := demoPages(b)
	for _, object := range []string{"Task", "Opportunity", "Account", "Contact"} {
		body := pages[object]
		b.Run(object, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				p, err := sfdc.DecodeQueryPage(body)
				if err != nil || len(p.Records) != 2000 {
					b.Fatalf("decode: %d records, %v", len(p.Records), err)
				}
			}
		})
	}
}

// BenchmarkSplitDemoPage splits the same pages as BenchmarkDecodeDemoPage
// the way a sync's QueryPages does, into recycled spans: the page split
// alone, without the allocations of a new page.
func BenchmarkSplitDemoPage(b *testing.B) {
	pages := demoPages(b)
	for _, object := range []string{"Task", "Opportunity", "Account", "Contact"} {
		body := pages[object]
		b.Run(object, func(b *testing.B) {
			split := sfdc.SplitPageRecycled()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if n, ok := split(body); !ok || n != 2000 {
					b.Fatalf("split: %d records, %v", n, ok)
				}
			}
		})
	}
}
