package emulator

import (
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
)

// deriveLocked computes the fields Salesforce maintains itself (formula-like
// and system-set fields) after a write. old is nil on create; changed names
// the fields the client set. The caller holds o.mu.
func (o *org) deriveLocked(def *ObjectDef, rec, old Record, changed map[string]bool, now time.Time) {
	switch def.Name {
	case "Contact", "Lead", "User":
		if changed["FirstName"] || changed["LastName"] || old == nil {
			rec["Name"] = fullName(rec["FirstName"], rec["LastName"])
		}
	case "Opportunity":
		o.deriveOpportunity(rec, old, changed, now)
	case "Task":
		status, _ := rec["Status"].(string)
		closed := status == "Completed"
		rec["IsClosed"] = closed
		rec["IsHighPriority"] = rec["Priority"] == "High"
		if rec["TaskSubtype"] == nil {
			rec["TaskSubtype"] = "Task"
		}
		if closed && rec["CompletedDateTime"] == nil {
			rec["CompletedDateTime"] = formatDateTime(now)
		} else if !closed {
			rec["CompletedDateTime"] = nil
		}
		if !changed["AccountId"] {
			rec["AccountId"] = o.accountOfLocked(rec)
		}
	case "Event":
		start, okStart := parseDateTime(str0(rec["StartDateTime"]))
		if !okStart {
			// Older clients set ActivityDateTime instead.
			if t, ok := parseDateTime(str0(rec["ActivityDateTime"])); ok {
				start, okStart = t, true
				rec["StartDateTime"] = formatDateTime(t)
			}
		}
		if !okStart {
			if d, err := time.Parse(dateLayout, str0(rec["ActivityDate"])); err == nil {
				start, okStart = d, true
				rec["StartDateTime"] = formatDateTime(d)
			}
		}
		if okStart {
			end, okEnd := parseDateTime(str0(rec["EndDateTime"]))
			dur, okDur := rec["DurationInMinutes"].(float64)
			switch {
			case okEnd && (changed["EndDateTime"] || !okDur):
				rec["DurationInMinutes"] = float64(int(end.Sub(start).Minutes()))
			case okDur:
				rec["EndDateTime"] = formatDateTime(start.Add(time.Duration(dur) * time.Minute))
			default:
				rec["DurationInMinutes"] = float64(60)
				rec["EndDateTime"] = formatDateTime(start.Add(time.Hour))
			}
			rec["ActivityDateTime"] = formatDateTime(start)
			rec["ActivityDate"] = start.Format(dateLayout)
		}
		if rec["EventSubtype"] == nil {
			rec["EventSubtype"] = "Event"
		}
		if !changed["AccountId"] {
			rec["AccountId"] = o.accountOfLocked(rec)
		}
	}
}

func (o *org) deriveOpportunity(rec, old Record, changed map[string]bool, now time.Time) {
	if rec["RecordTypeId"] == nil {
		if rt := o.defaultRecordType["Opportunity"]; rt != "" {
			rec["RecordTypeId"] = rt
		}
	}
	stageChanged := old == nil || rec["StageName"] != old["StageName"]
	if st, ok := o.stages[str0(rec["StageName"])]; ok {
		rec["IsClosed"], rec["IsWon"] = st.Closed, st.Won
		rec["ForecastCategory"] = st.ForecastCategory
		if stageChanged || !changed["ForecastCategoryName"] {
			if stageChanged || rec["ForecastCategoryName"] == nil {
				rec["ForecastCategoryName"] = st.ForecastName
			}
		}
		if stageChanged && !changed["Probability"] {
			rec["Probability"] = st.Probability
		}
	}
	if stageChanged && old != nil {
		rec["LastStageChangeDate"] = formatDateTime(now)
	}
	if amt, ok := rec["Amount"].(float64); ok {
		p, _ := rec["Probability"].(float64)
		rec["ExpectedRevenue"] = amt * p / 100
	} else {
		rec["ExpectedRevenue"] = nil
	}
	if d, err := time.Parse(dateLayout, str0(rec["CloseDate"])); err == nil {
		fy, fq := fiscalPeriod(d, demo.FiscalYearStartMonth)
		rec["FiscalYear"], rec["FiscalQuarter"] = float64(fy), float64(fq)
	}
}

// fiscalPeriod returns the fiscal year (named by its ending year) and quarter of d.
func fiscalPeriod(d time.Time, startMonth int) (int, int) {
	offset := (int(d.Month()) - startMonth + 12) % 12
	year := d.Year()
	if startMonth > 1 && int(d.Month()) >= startMonth {
		year++
	}
	return year, offset/3 + 1
}

// accountOfLocked returns the account an activity belongs to.
func (o *org) accountOfLocked(rec Record) any {
	for _, k := range []string{"WhatId", "WhoId"} {
		id, ok := rec[k].(string)
		if !ok {
			continue
		}
		e, ok := o.byID[id]
		if !ok {
			continue
		}
		switch e.object {
		case "Account":
			return id
		case "Opportunity", "Contact":
			if a, ok := e.rec["AccountId"].(string); ok {
				return a
			}
		}
	}
	return nil
}

func fullName(first, last any) string {
	return strings.TrimSpace(str0(first) + " " + str0(last))
}

// str0 returns v as a string, or "" when it is not one.
func str0(v any) string {
	s, _ := v.(string)
	return s
}
