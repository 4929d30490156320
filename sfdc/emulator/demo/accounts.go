package demo

import (
	"math"
	"strings"
	"time"
)

// sellers returns the users who own accounts, with "me" first.
func (g *generator) sellers() []user {
	if g.sellerList == nil {
		for _, u := range g.users {
			if u.seller {
				g.sellerList = append(g.sellerList, u)
			}
		}
	}
	return g.sellerList
}

// ownerFor picks an account owner: the logged-in rep owns about a quarter.
func (g *generator) ownerFor() string {
	s := g.sellers()
	if g.chance(0.25) {
		return s[0].id
	}
	return s[1+g.r.IntN(len(s)-1)].id
}

// roundAmount rounds to the granularity a rep would type.
func roundAmount(v float64) float64 {
	step := 500.0
	switch {
	case v >= 1_000_000:
		step = 25_000
	case v >= 100_000:
		step = 5_000
	case v >= 10_000:
		step = 1_000
	}
	r := math.Round(v/step) * step
	if r < step {
		r = step
	}
	return r
}

func (g *generator) accountName(seen map[string]bool, p place) string {
	name := g.pick(g.words.stems) + " " + g.pick(g.words.nouns)
	if sfx := g.pick(g.words.suffixes); sfx != "" {
		name += " " + sfx
	}
	if seen[name] {
		name += " - " + p.City
	}
	for n := 2; seen[name]; n++ {
		name = strings.TrimSuffix(name, " "+itoa(n-1)) + " " + itoa(n)
	}
	seen[name] = true
	return name
}

func (g *generator) genAccounts() {
	n := accountsPerScale * g.scale
	seen := map[string]bool{}
	pl := g.words.places
	inds := Industries()
	g.accounts = make([]account, 0, n)
	for i := 0; i < n; i++ {
		p := pl[g.r.IntN(len(pl))]
		name := g.accountName(seen, p)
		owner := g.ownerFor()
		switch i {
		case 7:
			name, owner = "O'Brien & Sons Construction", g.data.MeID
			seen[name] = true
		case 11:
			name, owner = "Müller Präzisionstechnik GmbH", g.data.MeID
			seen[name] = true
		}
		segment := "SMB"
		employees := 10 + g.r.IntN(190)
		switch x := g.r.Float64(); {
		case x < 0.2:
			segment, employees = "Enterprise", 5000+g.r.IntN(95000)
		case x < 0.55:
			segment, employees = "Mid-Market", 200+g.r.IntN(4800)
		}
		revenue := roundAmount(float64(employees) * (80_000 + float64(g.r.IntN(220_000))))
		domain := strings.ToLower(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.Fields(name)[0]+strings.Fields(name)[1])) + ".example.com"
		id := g.id("001")
		typ := g.firstChance("Customer - Direct", odds{0.3, "Prospect"}, odds{0.15, "Customer - Channel"})
		f := map[string]any{
			"Id": id, "Name": name, "Type": typ, "Industry": inds[g.r.IntN(len(inds))],
			"BillingStreet": itoa(10+g.r.IntN(2000)) + " " + g.pick(g.words.streets), "BillingCity": p.City,
			"BillingState": nilIfEmpty(p.State), "BillingPostalCode": itoa(10000 + g.r.IntN(89999)),
			"BillingCountry": p.Country, "Phone": g.phone(p.Phone), "Website": "https://www." + domain,
			"AnnualRevenue": revenue, "NumberOfEmployees": float64(employees), "Rating": g.pick(g.words.ratings),
			"OwnerId": owner, "Segment__c": segment, "Region__c": p.Region,
			"Description": nil, "ParentId": nil, "AccountSource": g.pick(g.words.leadSources),
		}
		if i == 3 {
			f["Description"] = "Imported from the legacy CRM. \x1b[31mDO NOT CALL\x1b[0m before noon;\rbilling contact changed\x07."
		}
		created := g.today.AddDate(0, 0, -400-g.r.IntN(700)).Add(time.Duration(g.r.IntN(86400)) * time.Second)
		modified := g.clampPast(created.AddDate(0, 0, g.r.IntN(900)))
		stamp(f, owner, created, modified)
		g.add("Account", f)
		a := account{id: id, name: name, owner: owner, domain: domain, segment: segment}
		g.genContacts(&a, p, created)
		g.genPlan(&a, revenue, created)
		g.accounts = append(g.accounts, a)
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (g *generator) genContacts(a *account, p place, after time.Time) {
	n := 2 + g.r.IntN(5) // 2..6, mean 4
	for i := 0; i < n; i++ {
		first, last := g.pick(g.words.first), g.pick(g.words.last)
		id := g.id("003")
		email := strings.ToLower(strings.Map(asciiLetter, first)+"."+strings.Map(asciiLetter, last)) + "@" + a.domain
		f := map[string]any{
			"Id": id, "AccountId": a.id, "FirstName": first, "LastName": last, "Name": first + " " + last,
			"Salutation": g.pick(g.words.salutations), "Title": g.pick(g.words.titles), "Department": g.pick(g.words.depts),
			"Email": email, "Phone": g.phone(p.Phone), "MobilePhone": g.phone(p.Phone),
			"MailingCity": p.City, "MailingState": nilIfEmpty(p.State), "MailingCountry": p.Country,
			"LeadSource": g.pick(g.words.leadSources), "OwnerId": a.owner, "Description": nil,
		}
		created := after.Add(time.Duration(g.r.IntN(200*86400)) * time.Second)
		stamp(f, a.owner, g.clampPast(created), g.clampPast(created.AddDate(0, 0, g.r.IntN(400))))
		g.add("Contact", f)
		a.contacts = append(a.contacts, id)
	}
}

func asciiLetter(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		return r
	case r == 'ü':
		return 'u'
	case r == 'á':
		return 'a'
	}
	return -1
}

func (g *generator) genLeads() {
	n := leadsPerScale * g.scale
	pl := g.words.places
	statuses := LeadStatuses()
	for i := 0; i < n; i++ {
		p := pl[g.r.IntN(len(pl))]
		first, last := g.pick(g.words.first), g.pick(g.words.last)
		company := g.pick(g.words.stems) + " " + g.pick(g.words.nouns)
		owner := g.ownerFor()
		if g.chance(0.3) {
			owner = g.users[5].id // the SDR works most leads
		}
		status := statuses[g.r.IntN(len(statuses))]
		f := map[string]any{
			"Id": g.id("00Q"), "FirstName": first, "LastName": last, "Name": first + " " + last,
			"Salutation": g.pick(g.words.salutations), "Company": company, "Title": g.pick(g.words.titles),
			"Email": strings.ToLower(strings.Map(asciiLetter, first)+"."+strings.Map(asciiLetter, last)) + "@" +
				strings.ToLower(strings.Map(asciiLetter, strings.Fields(company)[0])) + ".example.org",
			"Phone": g.phone(p.Phone), "Status": status, "LeadSource": g.pick(g.words.leadSources),
			"Industry": g.pick(g.words.industries), "Rating": g.pick(g.words.ratings), "City": p.City,
			"State": nilIfEmpty(p.State), "Country": p.Country, "NumberOfEmployees": float64(10 + g.r.IntN(5000)),
			"AnnualRevenue": roundAmount(float64(1_000_000 + g.r.IntN(90_000_000))), "OwnerId": owner,
			"IsConverted": status == "Closed - Converted", "Description": nil,
		}
		created := g.today.AddDate(0, 0, -g.r.IntN(365)).Add(time.Duration(g.r.IntN(86400)) * time.Second)
		stamp(f, owner, g.clampPast(created), g.clampPast(created.AddDate(0, 0, g.r.IntN(60))))
		g.add("Lead", f)
		g.leads = append(g.leads, leadRef{id: f["Id"].(string), owner: owner})
	}
}

// genPlan gives about 40% of accounts an account plan (a custom object) for
// the current fiscal year.
func (g *generator) genPlan(a *account, revenue float64, created time.Time) {
	if !g.chance(0.4) {
		return
	}
	fy := "FY" + itoa(fiscalYearName(g.today)%100)
	status := PlanStatuses()[1]
	if g.chance(0.25) {
		status = PlanStatuses()[0]
	}
	f := map[string]any{
		"Id": g.id("a01"), "Name": a.name + " " + fy + " Plan", "Account__c": a.id, "Fiscal_Year__c": "20" + fy[2:],
		"Status__c": status, "Target_Revenue__c": roundAmount(revenue * (0.001 + g.r.Float64()*0.004)),
		"Notes__c": nil, "OwnerId": a.owner,
	}
	if g.chance(0.3) {
		f["Notes__c"] = g.pick(g.words.nextSteps) + "."
	}
	made := g.clampPast(g.today.AddDate(0, 0, -g.r.IntN(120)).Add(9 * time.Hour))
	if made.Before(created) {
		made = created
	}
	stamp(f, a.owner, made, g.clampPast(made.AddDate(0, 0, g.r.IntN(30))))
	g.add("Account_Plan__c", f)
}
