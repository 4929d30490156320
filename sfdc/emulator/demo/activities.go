package demo

import "time"

// activityWindow is where tasks and events fall: the past year and the next
// two quarters.
func (g *generator) activityDay() time.Time {
	return g.today.AddDate(0, 0, -365+g.r.IntN(365+183))
}

// activityTarget picks what an activity is about: an opportunity (with a
// contact of its account), an account, or nothing for lead activities.
func (g *generator) activityTarget() (what, who, owner, account any) {
	a := &g.accounts[g.r.IntN(len(g.accounts))]
	owner = a.owner
	if len(a.contacts) > 0 && g.chance(0.8) {
		who = a.contacts[g.r.IntN(len(a.contacts))]
	}
	if len(a.opps) > 0 && g.chance(0.6) {
		return a.opps[g.r.IntN(len(a.opps))].id, who, owner, a.id
	}
	return a.id, who, owner, a.id
}

func (g *generator) genActivities() {
	if len(g.accounts) == 0 {
		return
	}
	nTasks := tasksPerScale * g.scale
	for i := 0; i < nTasks; i++ {
		day := g.activityDay()
		what, who, owner, account := g.activityTarget()
		if len(g.leads) > 0 && g.chance(0.08) {
			k := g.r.IntN(len(g.leads))
			what, who, owner, account = nil, g.leads[k].id, g.leads[k].owner, nil
		}
		past := day.Before(g.today)
		status := "Not Started"
		switch {
		case past && (day.Before(g.today.AddDate(0, 0, -30)) || g.chance(0.8)):
			// Only recent tasks are still open (overdue).
			status = "Completed"
		case past:
			status = g.pick(g.words.openStatuses)
		case g.chance(0.2):
			status = "In Progress"
		}
		priority := g.firstChance("Normal", odds{0.15, "High"}, odds{0.1, "Low"})
		f := map[string]any{
			"Id": g.id("00T"), "WhatId": what, "WhoId": who, "OwnerId": owner, "ActivityDate": FormatDate(day),
			"Status": status, "Priority": priority, "Description": nil, "CallType": nil,
			"CallDurationInSeconds": nil, "CallDisposition": nil, "CompletedDateTime": nil, "AccountId": account,
		}
		switch x := g.r.Float64(); {
		case x < 0.45:
			f["TaskSubtype"], f["Subject"] = "Call", "Call"
			if g.chance(0.5) {
				f["Subject"] = "Call: " + g.pick(g.words.taskTopics)
			}
			f["CallType"] = "Outbound"
			if g.chance(0.2) {
				f["CallType"] = "Inbound"
			}
			if status == "Completed" {
				f["CallDurationInSeconds"] = float64(30 + g.r.IntN(2400))
				f["CallDisposition"] = g.pick(g.words.dispositions)
			}
		case x < 0.75:
			f["TaskSubtype"], f["Subject"] = "Email", "Email: "+g.pick(g.words.taskTopics)
		default:
			f["TaskSubtype"], f["Subject"] = "Task", g.pick(g.words.taskTopics)
			if g.chance(0.2) {
				f["Subject"] = "Send Quote"
			}
		}
		if g.chance(0.3) {
			f["Description"] = g.pick(g.words.nextSteps) + "."
		}
		if i == 5 {
			f["Description"] = "Customer said: \x1b[2J\x1b[1;31mCALL BACK NOW\x1b[0m\x07 (pasted from a terminal)"
		}
		created := g.clampPast(day.AddDate(0, 0, -g.r.IntN(14)).Add(time.Duration(8*3600+g.r.IntN(9*3600)) * time.Second))
		modified := created
		if status == "Completed" {
			done := g.clampPast(g.workTime(day))
			f["CompletedDateTime"] = FormatDateTime(done)
			modified = done
		}
		stamp(f, owner.(string), created, modified)
		g.add("Task", f)
	}
	nEvents := eventsPerScale * g.scale
	for i := 0; i < nEvents; i++ {
		day := g.activityDay()
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		what, who, owner, account := g.activityTarget()
		start := day.Add(time.Duration(8+g.r.IntN(9))*time.Hour + time.Duration(30*g.r.IntN(2))*time.Minute)
		minutes := []int{30, 30, 60, 60, 60, 90, 120}[g.r.IntN(7)]
		topic := g.pick(g.words.meetings)
		loc := g.pick(g.words.locations)
		f := map[string]any{
			"Id": g.id("00U"), "WhatId": what, "WhoId": who, "OwnerId": owner, "Subject": topic,
			"Location": loc, "IsAllDayEvent": false, "StartDateTime": FormatDateTime(start),
			"EndDateTime":      FormatDateTime(start.Add(time.Duration(minutes) * time.Minute)),
			"ActivityDateTime": FormatDateTime(start), "ActivityDate": FormatDate(day),
			"DurationInMinutes": float64(minutes), "ShowAs": "Busy", "EventSubtype": "Event", "Description": nil,
			"AccountId": account,
		}
		created := g.clampPast(start.AddDate(0, 0, -1-g.r.IntN(20)))
		stamp(f, owner.(string), created, created)
		g.add("Event", f)
	}
}
