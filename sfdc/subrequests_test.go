package sfdc

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestSubrequestBuildersOverComposite(t *testing.T) {
	var sent struct {
		AllOrNone        bool
		CompositeRequest []Subrequest
	}
	resp := `{"compositeResponse":[
		{"body":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Opportunity"},"Id":"006B0000002SiedIAC"}]},"httpHeaders":{},"httpStatusCode":200,"referenceId":"q"},
		{"body":{"id":"00TB000000AbcdEIAR","success":true,"errors":[]},"httpHeaders":{"Location":"/services/data/v62.0/sobjects/Task/00TB000000AbcdEIAR"},"httpStatusCode":201,"referenceId":"t"},
		{"body":[{"errorCode":"PRECONDITION_FAILED","message":"modified since"}],"httpHeaders":{},"httpStatusCode":412,"referenceId":"u"},
		{"body":null,"httpHeaders":{},"httpStatusCode":204,"referenceId":"d"}]}`
	c, _ := newTestClient(t, serveJSON(t, 200, []byte(resp), func(r *http.Request, in []byte) {
		if err := json.Unmarshal(in, &sent); err != nil {
			t.Error(err)
		}
	}))
	since := time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)
	t1, err1 := c.CreateSubrequest("t", "Task", map[string]any{"Subject": "Call", "WhatId": "@{q.records[0].Id}"})
	u, err2 := c.UpdateSubrequest("u", "Opportunity", "006B0000002SiedIAC", map[string]any{"StageName": "Closed Won"}, UpdateOptions{IfUnmodifiedSince: since})
	d, err3 := c.DeleteSubrequest("d", "Task", "00TB000000AbcdEIAR")
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	reqs := []Subrequest{c.QuerySubrequest("q", Query{SOQL: "SELECT Id FROM Opportunity LIMIT 1", BatchSize: 200}), t1, u, d}
	res, err := c.Composite(ctx, false, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.CompositeRequest) != 4 {
		t.Fatalf("sent %+v", sent)
	}
	q := sent.CompositeRequest[0]
	if q.Method != "GET" || q.URL != "/services/data/v62.0/query?q=SELECT+Id+FROM+Opportunity+LIMIT+1" || q.HTTPHeaders["Sforce-Query-Options"] != "batchSize=200" {
		t.Errorf("query subrequest %+v", q)
	}
	if s := sent.CompositeRequest[2]; s.Method != "PATCH" || s.URL != "/services/data/v62.0/sobjects/Opportunity/006B0000002SiedIAC" ||
		s.HTTPHeaders["If-Unmodified-Since"] != "Fri, 20 Nov 2026 08:30:00 GMT" {
		t.Errorf("update subrequest %+v", s)
	}
	if s := sent.CompositeRequest[3]; s.Method != "DELETE" || s.Body != nil {
		t.Errorf("delete subrequest %+v", s)
	}
	var page QueryPage
	if err := json.Unmarshal(res[0].Body, &page); err != nil || len(page.Records) != 1 {
		t.Errorf("query subresponse: %v %+v", err, page)
	}
	if res[1].ID() != "00TB000000AbcdEIAR" || res[1].Err() != nil {
		t.Errorf("create subresponse %+v", res[1])
	}
	if !IsConflict(res[2].Err()) {
		t.Errorf("412 subresponse not a conflict: %v", res[2].Err())
	}
	if res[3].Err() != nil {
		t.Errorf("delete subresponse %v", res[3].Err())
	}
	if _, err := c.UpdateSubrequest("x", "Bad Name", "006B0000002SiedIAC", nil, UpdateOptions{}); err == nil {
		t.Error("bad object name accepted")
	}
}

func TestGetRecordSubrequest(t *testing.T) {
	c := &Client{version: "66.0"}
	s, err := c.GetRecordSubrequest("r1", "Task", "@{w1.id}", []string{"Id", "Subject"})
	if err != nil || s.Method != "GET" || s.URL != "/services/data/v66.0/sobjects/Task/@{w1.id}?fields=Id%2CSubject" {
		t.Fatalf("ref: %+v %v", s, err)
	}
	if s, err = c.GetRecordSubrequest("r1", "Task", "00T000000000001AAA", nil); err != nil || s.URL != "/services/data/v66.0/sobjects/Task/00T000000000001AAA" {
		t.Fatalf("id: %+v %v", s, err)
	}
	for _, bad := range []string{"../x", "@{a b.id}", ""} {
		if _, err := c.GetRecordSubrequest("r1", "Task", bad, nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := c.GetRecordSubrequest("r1", "Task", "00T000000000001AAA", []string{"a,b"}); err == nil {
		t.Error("bad field accepted")
	}
}
