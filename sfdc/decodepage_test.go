package sfdc

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeQueryPageOnRecordedPage(t *testing.T) {
	page, err := DecodeQueryPage(readFixture(t, "query-page1-nextRecordsUrl.json"))
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalSize != 10000 || page.Done || page.NextRecordsURL != "/services/data/v51.0/query/01gB000003OCxSPIA1-2000" {
		t.Errorf("page header = %d, %v, %q", page.TotalSize, page.Done, page.NextRecordsURL)
	}
	if len(page.Records) != 3 {
		t.Fatalf("got %d records, want 3", len(page.Records))
	}
	var first map[string]any
	if err := json.Unmarshal(page.Records[0], &first); err != nil {
		t.Fatalf("record 0 is not a JSON object: %v", err)
	}
	if attrs, _ := first["attributes"].(map[string]any); attrs["type"] != "random__c" {
		t.Errorf("record 0 attributes = %v", first["attributes"])
	}
}

func TestDecodeQueryPageFallsBackAndReportsBadBodies(t *testing.T) {
	// Upper-case "Records" is not the fast path's key, but encoding/json
	// matches it case-insensitively, as the client always has.
	page, err := DecodeQueryPage([]byte(`{"totalSize":1,"done":true,"Records":[{"Id":"001"}]}`))
	if err != nil || len(page.Records) != 1 {
		t.Fatalf("fallback decode = %v, %v", page, err)
	}
	_, err = DecodeQueryPage([]byte(`{"totalSize":1,"done":true,"records":[{"Id":`))
	if err == nil || !strings.Contains(err.Error(), "decode query page") {
		t.Fatalf("truncated body: err = %v, want a decode error", err)
	}
}
