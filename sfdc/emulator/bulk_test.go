package emulator

import (
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestBulkQueryJob(t *testing.T) {
	ts := startTest(t, nil)
	r := call(t, ts, "POST", v+"/jobs/query", map[string]any{"operation": "query",
		"query": "SELECT Id, Name, Owner.Name, Amount FROM Opportunity WHERE IsClosed = false ORDER BY Id"})
	var job map[string]any
	r.json(t, &job)
	id, _ := job["id"].(string)
	if r.status != 200 || job["state"] != "UploadComplete" || job["object"] != "Opportunity" || !strings.HasPrefix(id, "750") ||
		!strings.Contains(string(r.body), `"apiVersion":62.0`) {
		t.Fatalf("create job: %d %s", r.status, r.body)
	}
	call(t, ts, "GET", v+"/jobs/query/"+id, nil).json(t, &job)
	if job["state"] != "JobComplete" {
		t.Fatalf("job state %v", job["state"])
	}
	total := int(job["numberRecordsProcessed"].(float64))
	want := query(t, ts, "SELECT COUNT() FROM Opportunity WHERE IsClosed = false").TotalSize
	if total != want || total < 300 {
		t.Fatalf("processed %d, want %d", total, want)
	}
	// Page through the CSV with maxRecords.
	var rows [][]string
	locator := ""
	for pages := 0; pages < 10; pages++ {
		path := v + "/jobs/query/" + id + "/results?maxRecords=100"
		if locator != "" {
			path += "&locator=" + url.QueryEscape(locator)
		}
		r := call(t, ts, "GET", path, nil)
		if r.status != 200 || r.header.Get("Content-Type") != "text/csv" {
			t.Fatalf("results: %d %s", r.status, r.body)
		}
		recs, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		if strings.Join(recs[0], ",") != "Id,Name,Owner.Name,Amount" {
			t.Fatalf("header %v", recs[0])
		}
		if r.header.Get("Sforce-NumberOfRecords") != strconv.Itoa(len(recs)-1) {
			t.Errorf("Sforce-NumberOfRecords %q for %d rows", r.header.Get("Sforce-NumberOfRecords"), len(recs)-1)
		}
		rows = append(rows, recs[1:]...)
		locator = r.header.Get("Sforce-Locator")
		if locator == "null" {
			break
		}
	}
	if len(rows) != total || rows[0][2] == "" || !strings.HasPrefix(rows[0][0], "006") {
		t.Errorf("read %d rows (want %d), first %v", len(rows), total, rows[0])
	}
	wantError(t, call(t, ts, "POST", v+"/jobs/query", map[string]any{"operation": "query", "query": "SELECT COUNT() FROM Account"}), 400, "API_ERROR")
	if r := call(t, ts, "DELETE", v+"/jobs/query/"+id, nil); r.status != 204 {
		t.Errorf("delete job: %d", r.status)
	}
	wantError(t, call(t, ts, "GET", v+"/jobs/query/"+id, nil), 404, "NOT_FOUND")
}
