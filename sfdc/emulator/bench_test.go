package emulator

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// benchPage is what the benchmark client reads from a page.
type benchPage struct {
	Done           bool
	NextRecordsURL string
	Records        int
}

// benchFetch GETs a query page and reads only its envelope, so the
// benchmark measures the server rather than client-side JSON decoding (the
// queries are flat: one "attributes" object per record).
func benchFetch(b *testing.B, client *http.Client, ts *TestServer, path string) benchPage {
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+ts.AccessToken)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	head := data[:min(len(data), 200)]
	p := benchPage{Done: bytes.Contains(head, []byte(`"done":true`)), Records: bytes.Count(data, []byte(`{"attributes":`))}
	if i := bytes.Index(head, []byte(`"nextRecordsUrl":"`)); i >= 0 {
		rest := head[i+len(`"nextRecordsUrl":"`):]
		p.NextRecordsURL = string(rest[:bytes.IndexByte(rest, '"')])
	}
	if !p.Done && p.NextRecordsURL == "" {
		b.Fatalf("page without nextRecordsUrl: %.200s", data)
	}
	return p
}

// BenchmarkQueryPages measures records/s a client receives paging through
// all tasks in pages of 2,000 over real HTTP; the client only reads each
// page's envelope, so this is the server's throughput.
// "full" includes evaluating the query; "continuation" serves only the
// nextRecordsUrl pages of an open cursor.
func BenchmarkQueryPages(b *testing.B) {
	ts := Start(Options{Seed: 1, Scale: 5, Now: func() time.Time { return testNow }, DailyAPILimit: 1 << 30})
	defer ts.Close()
	client := &http.Client{}
	soql := "SELECT Id, Subject, Status, Priority, ActivityDate, WhoId, WhatId, OwnerId, LastModifiedDate FROM Task"
	first := v + "/query?q=" + url.QueryEscape(soql)

	b.Run("full", func(b *testing.B) { benchAllPages(b, client, ts, first) })
	// What store/syncer's initial pass sends: every field, in Id order.
	def, _ := ts.Schema().Lookup("Task")
	all := "SELECT Id"
	for _, f := range def.Fields {
		if f.Name != "Id" {
			all += ", " + f.Name
		}
	}
	sync := v + "/query?q=" + url.QueryEscape(all+" FROM Task ORDER BY Id ASC")
	b.Run("sync_all_fields", func(b *testing.B) { benchAllPages(b, client, ts, sync) })
	b.Run("continuation", func(b *testing.B) {
		p := benchFetch(b, client, ts, first)
		next := p.NextRecordsURL
		b.ResetTimer()
		records := 0
		for i := 0; i < b.N; i++ {
			p := benchFetch(b, client, ts, next)
			records += p.Records
		}
		b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	})
}

// benchAllPages fetches every page of the query at path, b.N times, and
// reports the records per second.
func benchAllPages(b *testing.B, client *http.Client, ts *TestServer, path string) {
	records := 0
	for i := 0; i < b.N; i++ {
		p := benchFetch(b, client, ts, path)
		records += p.Records
		for !p.Done {
			p = benchFetch(b, client, ts, p.NextRecordsURL)
			records += p.Records
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkNewScale70 measures building the scale-70 demo org (generation
// plus loading), the size `lazyforce demo --serve --scale 70` serves.
func BenchmarkNewScale70(b *testing.B) {
	for i := 0; i < b.N; i++ {
		srv := New(Options{Seed: 1, Scale: 70, Now: func() time.Time { return testNow }})
		b.ReportMetric(float64(srv.Count("Opportunity")+srv.Count("Task")), "opps+tasks")
	}
}
