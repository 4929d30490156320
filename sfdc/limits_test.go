package sfdc

import (
	"encoding/json"
	"testing"
	"time"
)

func TestLimitPerAppSubObjects(t *testing.T) {
	var l map[string]Limit
	err := json.Unmarshal([]byte(`{"DailyApiRequests":{"Max":15000,"Remaining":14878,"Salesforce for iOS":{"Max":0,"Remaining":0},"lazyforce":{"Max":5000,"Remaining":4990}},"DataStorageMB":{"Max":5,"Remaining":4}}`), &l)
	if err != nil {
		t.Fatal(err)
	}
	d := l["DailyApiRequests"]
	if d.Max != 15000 || d.Used() != 122 || len(d.ByApp) != 2 || d.ByApp["lazyforce"].Remaining != 4990 {
		t.Errorf("DailyApiRequests = %+v", d)
	}
	if l["DataStorageMB"].ByApp != nil {
		t.Errorf("DataStorageMB has apps")
	}
}

func TestParseTimeAndTimeJSON(t *testing.T) {
	want := time.Date(2013, 5, 7, 22, 7, 19, 0, time.UTC)
	for _, s := range []string{"2013-05-07T22:07:19.000+0000", "2013-05-07T22:07:19Z", "2013-05-07T22:07:19.000Z", "2013-05-08T00:07:19.000+0200", "2013-05-07T22:07:19+0000"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseTime("yesterday"); err == nil {
		t.Error("ParseTime accepted garbage")
	}
	var v struct{ A, B Time }
	if err := json.Unmarshal([]byte(`{"A":"2013-05-07T22:07:19.000+0000","B":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Equal(want) || !v.B.IsZero() {
		t.Errorf("decoded %+v", v)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":"2013-05-07T22:07:19.000+0000","B":null}` {
		t.Errorf("encoded %s", b)
	}
	if FormatDatetime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", -3600))) != "2026-01-02T04:04:05Z" {
		t.Error("FormatDatetime not UTC")
	}
}
