package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// benchPage is a query page with records left undecoded.
type benchPage struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL string            `json:"nextRecordsUrl"`
	Records        []json.RawMessage `json:"records"`
}

// benchFetch GETs path and parses a query page (records stay raw JSON).
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
	var p benchPage
	if err := json.Unmarshal(data, &p); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkQueryPages measures records/s a client receives paging through
// all tasks in pages of 2,000 over real HTTP (the client parses each page's
// envelope and splits the records, without decoding them into maps).
// "full" includes evaluating the query; "continuation" serves only the
// nextRecordsUrl pages of an open cursor.
func BenchmarkQueryPages(b *testing.B) {
	ts := Start(Options{Seed: 1, Scale: 5, Now: func() time.Time { return testNow }, DailyAPILimit: 1 << 30})
	defer ts.Close()
	client := &http.Client{}
	soql := "SELECT Id, Subject, Status, Priority, ActivityDate, WhoId, WhatId, OwnerId, LastModifiedDate FROM Task"
	first := v + "/query?q=" + url.QueryEscape(soql)

	b.Run("full", func(b *testing.B) {
		records := 0
		for i := 0; i < b.N; i++ {
			p := benchFetch(b, client, ts, first)
			records += len(p.Records)
			for !p.Done {
				p = benchFetch(b, client, ts, p.NextRecordsURL)
				records += len(p.Records)
			}
		}
		b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("continuation", func(b *testing.B) {
		p := benchFetch(b, client, ts, first)
		next := p.NextRecordsURL
		b.ResetTimer()
		records := 0
		for i := 0; i < b.N; i++ {
			p := benchFetch(b, client, ts, next)
			records += len(p.Records)
		}
		b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkNewScale70 measures building the scale-70 demo org (generation
// plus loading), the size `lazyforce demo --serve --scale 70` serves.
func BenchmarkNewScale70(b *testing.B) {
	for i := 0; i < b.N; i++ {
		srv := New(Options{Seed: 1, Scale: 70, Now: func() time.Time { return testNow }})
		b.ReportMetric(float64(srv.Count("Opportunity")+srv.Count("Task")), "opps+tasks")
	}
}
