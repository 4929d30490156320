package demo

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, time.June, 10, 15, 30, 0, 0, time.UTC)

func TestDeterministicPerSeed(t *testing.T) {
	a := Generate(Config{Seed: 3, Now: now})
	b := Generate(Config{Seed: 3, Now: now})
	c := Generate(Config{Seed: 4, Now: now})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different data")
	}
	if reflect.DeepEqual(a.Records, c.Records) {
		t.Fatal("different seeds gave identical data")
	}
}

func count(d *Data) map[string]int {
	n := map[string]int{}
	for _, r := range d.Records {
		n[r.Object]++
	}
	return n
}

func TestSizesAndScale(t *testing.T) {
	n := count(Generate(Config{Seed: 1, Now: now}))
	if n["User"] != 8 || n["Account"] != 300 || n["Lead"] != 500 || n["Task"] != 5500 || n["Event"] != 2500 ||
		n["Contact"] < 1000 || n["Opportunity"] < 1300 || n["OpportunityStage"] != 11 || n["RecordType"] != 2 ||
		n["Organization"] != 1 || n["Profile"] != 2 || n["Account_Plan__c"] < 80 || n["OpportunityContactRole"] < 500 {
		t.Errorf("scale 1 counts = %v", n)
	}
	n2 := count(Generate(Config{Seed: 1, Scale: 2, Now: now}))
	if n2["Account"] != 600 || n2["Task"] != 11000 || n2["User"] != 8 {
		t.Errorf("scale 2 counts = %v", n2)
	}
	setup := count(Generate(Config{Seed: 1, Now: now, SetupOnly: true}))
	if setup["Account"] != 0 || setup["User"] != 8 || setup["OpportunityStage"] != 11 {
		t.Errorf("setup-only counts = %v", setup)
	}
}

func TestMeHasWonLostOpenEveryQuarter(t *testing.T) {
	for _, today := range []time.Time{now, time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)} {
		d := Generate(Config{Seed: 9, Now: today})
		day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
		for _, start := range []int{1, FiscalYearStartMonth} {
			this := QuarterStart(day, start)
			for _, q := range []time.Time{this, this.AddDate(0, -3, 0)} {
				lo, hi := FormatDate(q), FormatDate(q.AddDate(0, 3, -1))
				outcomes := map[string]int{}
				for _, r := range d.Records {
					f := r.Fields
					if r.Object != "Opportunity" || f["OwnerId"] != d.MeID {
						continue
					}
					cd := f["CloseDate"].(string)
					if cd < lo || cd > hi {
						continue
					}
					switch f["StageName"] {
					case "Closed Won", "Closed Lost":
						outcomes[f["StageName"].(string)]++
					default:
						outcomes["open"]++
					}
				}
				if outcomes["Closed Won"] < 2 || outcomes["Closed Lost"] < 2 || outcomes["open"] < 2 {
					t.Errorf("today %s, quarter %s..%s (start month %d): %v", FormatDate(day), lo, hi, start, outcomes)
				}
			}
		}
	}
}

func TestBelievableAndHostileData(t *testing.T) {
	d := Generate(Config{Seed: 1, Now: now})
	var apostrophe, escape bool
	overdueStages := map[string]bool{}
	stages := map[string]bool{}
	for _, s := range Stages() {
		stages[s.Name] = true
	}
	nowStr := FormatDateTime(now)
	for _, r := range d.Records {
		f := r.Fields
		if name, _ := f["Name"].(string); r.Object == "Account" && strings.Contains(name, "'") {
			apostrophe = true
		}
		if desc, _ := f["Description"].(string); strings.Contains(desc, "\x1b[") {
			escape = true
		}
		if c, _ := f["CreatedDate"].(string); c > nowStr {
			t.Fatalf("%s %v created in the future: %s", r.Object, f["Id"], c)
		}
		if lm, _ := f["LastModifiedDate"].(string); lm < f["CreatedDate"].(string) {
			t.Fatalf("%s %v modified before created", r.Object, f["Id"])
		}
		if r.Object == "Opportunity" {
			if !stages[f["StageName"].(string)] {
				t.Fatalf("bad stage %v", f["StageName"])
			}
			if f["StageName"] == "Closed Lost" && f["Loss_Reason__c"] == nil {
				t.Fatalf("Closed Lost without loss reason: %v", f["Id"])
			}
			if f["StageName"] != "Closed Won" && f["StageName"] != "Closed Lost" {
				cd := f["CloseDate"].(string)
				if cd < FormatDate(now.AddDate(0, -4, 0)) {
					t.Fatalf("open deal %v closes months ago: %s", f["Name"], cd)
				}
				if cd < FormatDate(now) {
					overdueStages[f["StageName"].(string)] = true
				}
			} else if cd := f["CloseDate"].(string); cd > FormatDate(now) {
				t.Fatalf("closed deal %v closes in the future: %s", f["Name"], cd)
			}
			amt := f["Amount"].(float64)
			if amt < 500 || amt != float64(int64(amt)) || int64(amt)%500 != 0 {
				t.Fatalf("amount %v is not round", amt)
			}
		}
	}
	if len(overdueStages) < 3 {
		t.Errorf("overdue open deals only in stages %v", overdueStages)
	}
	if !apostrophe || !escape {
		t.Errorf("apostrophe account %v, escape-sequence description %v", apostrophe, escape)
	}
	if d.MeUsername != "rep@demo.lazyforce.dev" || !strings.HasPrefix(d.MeID, "005") || !strings.HasPrefix(d.OrgID, "00D") {
		t.Errorf("me = %s %s org %s", d.MeUsername, d.MeID, d.OrgID)
	}
}

func TestFormatters(t *testing.T) {
	ts := time.Date(2026, 2, 3, 4, 5, 6, 789_000_000, time.FixedZone("X", 3600))
	if got := FormatDateTime(ts); got != "2026-02-03T03:05:06.789+0000" {
		t.Errorf("FormatDateTime = %s", got)
	}
	if got := FormatDate(ts); got != "2026-02-03" {
		t.Errorf("FormatDate = %s", got)
	}
	if got := QuarterStart(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), 2); !got.Equal(time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("fiscal quarter start of Jan 15 = %v", got)
	}
}
