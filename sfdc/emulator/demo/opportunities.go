package demo

import (
	"math"
	"time"
)

// oppsPerAccount is the mean number of opportunities per account (1,500 per scale unit).
const oppsPerAccount = 5

// QuarterStart returns the first day of the quarter containing t for a year
// starting in startMonth (1 = calendar quarters).
func QuarterStart(t time.Time, startMonth int) time.Time {
	offset := (int(t.Month()) - startMonth + 12) % 12
	return time.Date(t.Year(), t.Month()-time.Month(offset%3), 1, 0, 0, 0, 0, time.UTC)
}

// fiscalYearName is the fiscal year a date falls in, named by the calendar
// year in which it ends (Salesforce's default).
func fiscalYearName(d time.Time) int {
	if FiscalYearStartMonth == 1 || int(d.Month()) < FiscalYearStartMonth {
		return d.Year()
	}
	return d.Year() + 1
}

func (g *generator) genOpportunities() {
	stages := Stages()
	g.stageByName = map[string]Stage{}
	for _, s := range stages {
		g.stageByName[s.Name] = s
	}
	var openNB, openRN []Stage
	for _, s := range stages {
		if s.Closed {
			continue
		}
		for _, rt := range s.RecordTypes {
			if rt == RecordTypeNewBusiness {
				openNB = append(openNB, s)
			} else {
				openRN = append(openRN, s)
			}
		}
	}
	for ai := range g.accounts {
		a := &g.accounts[ai]
		n := 1 + g.r.IntN(2*oppsPerAccount-1) // 1..9, mean 5
		for k := 0; k < n; k++ {
			close := g.today.AddDate(0, 0, -365+g.r.IntN(365+183))
			g.opportunity(a, close, "", openNB, openRN)
		}
	}
	// Guarantee won, lost and open deals for the logged-in rep in this and
	// last calendar quarter and this and last fiscal quarter.
	var mine []*account
	for ai := range g.accounts {
		if g.accounts[ai].owner == g.data.MeID {
			mine = append(mine, &g.accounts[ai])
		}
	}
	if len(mine) == 0 {
		return
	}
	for _, startMonth := range []int{1, FiscalYearStartMonth} {
		this := QuarterStart(g.today, startMonth)
		last := this.AddDate(0, -3, 0)
		for _, q := range []time.Time{last, this} {
			end := q.AddDate(0, 3, -1)
			days := int(end.Sub(q).Hours()/24) + 1
			for _, outcome := range []string{"Closed Won", "Closed Won", "Closed Lost", "Closed Lost", "open", "open"} {
				close := q.AddDate(0, 0, g.r.IntN(days))
				if outcome != "open" && close.After(g.today) {
					close = g.today
					if q.Before(g.today) && g.today.Sub(q) > 24*time.Hour {
						close = q.AddDate(0, 0, g.r.IntN(int(g.today.Sub(q).Hours()/24)))
					}
				}
				if outcome == "open" && q.Equal(this) && close.Before(g.today) {
					close = g.today.AddDate(0, 0, g.r.IntN(int(end.Sub(g.today).Hours()/24)+1))
				}
				if outcome == "open" && !q.Equal(this) {
					// Slipped deals of last quarter: due near its end.
					close = end.AddDate(0, 0, -g.r.IntN(15))
				}
				g.opportunity(mine[g.r.IntN(len(mine))], close, outcome, openNB, openRN)
			}
		}
	}
}

// opportunity generates one deal for a closing on close. outcome forces
// "Closed Won", "Closed Lost" or "open"; "" picks one from the date.
func (g *generator) opportunity(a *account, close time.Time, outcome string, openNB, openRN []Stage) {
	renewal := a.segment != "SMB" && g.chance(0.3)
	open := openNB
	rt := g.rtNB
	if renewal {
		open, rt = openRN, g.rtRenew
	}
	if outcome == "" {
		switch {
		case close.Before(g.today) && g.chance(0.97):
			if (renewal && g.chance(0.75)) || (!renewal && g.chance(0.42)) {
				outcome = "Closed Won"
			} else {
				outcome = "Closed Lost"
			}
		case close.Before(g.today):
			// A few open deals are slightly overdue, never by months.
			outcome = "open"
			if close.Before(g.today.AddDate(0, 0, -30)) {
				close = g.today.AddDate(0, 0, -1-g.r.IntN(30))
			}
		case g.chance(0.03):
			outcome = "Closed Won" // closed early: the rep moved the date
			close = g.today.AddDate(0, 0, -g.r.IntN(14))
		default:
			outcome = "open"
		}
	}
	var stage Stage
	if outcome == "open" {
		// Deals far out are in early stages, deals about to close are late;
		// overdue (slipped) deals sit anywhere in the second half.
		days := close.Sub(g.today).Hours() / 24
		var idx int
		if days < 0 {
			idx = len(open)/2 + g.r.IntN(len(open)-len(open)/2)
		} else {
			idx = len(open) - 1 - int(math.Min(float64(len(open)-1), math.Max(0, days/22+1.5*g.r.NormFloat64())))
		}
		stage = open[max(0, min(len(open)-1, idx))]
	} else {
		stage = g.stageByName[outcome]
	}
	base := map[string]float64{"SMB": 12_000, "Mid-Market": 48_000, "Enterprise": 180_000}[a.segment]
	amount := roundAmount(base * math.Exp(g.r.NormFloat64()*0.6))
	var name, typ string
	if renewal {
		name = a.name + " - Renewal FY" + itoa(fiscalYearName(close)%100)
		typ = "Existing Customer - Upgrade"
		if g.chance(0.5) {
			typ = "Existing Customer - Replacement"
		}
	} else {
		name = a.name + " - " + g.pick(g.words.products)
		typ = "New Customer"
		if g.chance(0.35) {
			typ = "Existing Customer - Upgrade"
		}
	}
	created := close.AddDate(0, 0, -20-g.r.IntN(130)).Add(time.Duration(g.r.IntN(9*3600)+8*3600) * time.Second)
	created = g.clampPast(created)
	modified := created.AddDate(0, 0, g.r.IntN(60))
	if stage.Closed {
		modified = close.Add(time.Duration(g.r.IntN(20*3600)) * time.Second)
	}
	modified = g.clampPast(modified)
	id := g.id("006")
	f := map[string]any{
		"Id": id, "AccountId": a.id, "RecordTypeId": rt, "Name": name, "StageName": stage.Name,
		"Amount": amount, "Probability": stage.Probability, "CloseDate": FormatDate(close), "Type": typ,
		"LeadSource": g.pick(g.words.leadSources), "OwnerId": a.owner, "Description": nil, "NextStep": nil,
		"Loss_Reason__c": nil, "LastStageChangeDate": FormatDateTime(modified),
	}
	if !stage.Closed {
		f["NextStep"] = g.pick(g.words.nextSteps)
	}
	if stage.Name == "Closed Lost" {
		f["Loss_Reason__c"] = g.pick(LossReasons())
	}
	stamp(f, a.owner, created, modified)
	g.add("Opportunity", f)
	a.opps = append(a.opps, opp{id: id, owner: a.owner, account: a.id})
	// Contact roles on about 60% of deals.
	if len(a.contacts) > 0 && g.chance(0.6) {
		roles := g.roles
		for k, n := 0, 1+g.r.IntN(2); k < n && k < len(a.contacts); k++ {
			r := map[string]any{"Id": g.id("00k"), "OpportunityId": id, "ContactId": a.contacts[(k+g.r.IntN(len(a.contacts)))%len(a.contacts)],
				"Role": roles[g.r.IntN(len(roles))], "IsPrimary": k == 0}
			stamp(r, a.owner, created, created)
			g.add("OpportunityContactRole", r)
		}
	}
}
