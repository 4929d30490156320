package emulator

import "time"

// LastActivityDate on accounts, contacts, leads and opportunities is, as in
// Salesforce, the latest due date of a closed task or of a past event related
// to the record (through WhatId, WhoId or the activity's AccountId).

// activityDate returns the date an activity contributes, if any.
func activityDate(object string, rec Record, today string) (string, bool) {
	if rec["IsDeleted"] == true {
		return "", false
	}
	d, ok := rec["ActivityDate"].(string)
	if !ok || d == "" {
		return "", false
	}
	switch object {
	case "Task":
		return d, rec["IsClosed"] == true
	case "Event":
		return d, d <= today
	}
	return "", false
}

// activityKeys are the fields through which an activity counts for a record.
func activityKeys() [3]string { return [3]string{"WhatId", "WhoId", "AccountId"} }

// relatedIDs are the records an activity counts for.
func relatedIDs(rec Record) []string {
	var out []string
	for _, k := range activityKeys() {
		if id, ok := rec[k].(string); ok && id != "" {
			dup := false
			for _, x := range out {
				dup = dup || x == id
			}
			if !dup {
				out = append(out, id)
			}
		}
	}
	return out
}

func dateOf(t time.Time) string { return t.UTC().Format(dateLayout) }

// lastActivity collects the latest activity date per record while the demo
// org loads.
type lastActivity map[string]string

// add counts one loaded record if it is an activity.
func (la lastActivity) add(object string, rec Record, today string) {
	if object != "Task" && object != "Event" {
		return
	}
	d, ok := activityDate(object, rec, today)
	if !ok {
		return
	}
	for _, k := range activityKeys() {
		if id, ok := rec[k].(string); ok && id != "" && d > la[id] {
			la[id] = d
		}
	}
}

// applyLastActivityLocked sets LastActivityDate from la. It mutates records
// in place, so it only runs while the org is being built. The caller holds
// mu for writing.
func (o *org) applyLastActivityLocked(la lastActivity) {
	for id, d := range la {
		e, ok := o.byID[id]
		if !ok {
			continue
		}
		if def, _ := o.schema.Lookup(e.object); def != nil {
			if _, has := def.Field("LastActivityDate"); has {
				e.rec["LastActivityDate"] = d
			}
		}
	}
}

// noteActivityLocked moves related records' LastActivityDate forward after
// an activity write. It does not touch their SystemModstamp, as Salesforce
// does not. The caller holds mu for writing.
func (o *org) noteActivityLocked(w writer, object string, rec Record) {
	d, ok := activityDate(object, rec, dateOf(w.now))
	if !ok {
		return
	}
	for _, rid := range relatedIDs(rec) {
		e, found := o.byID[rid]
		if !found {
			continue
		}
		def, _ := o.schema.Lookup(e.object)
		if _, has := def.Field("LastActivityDate"); !has {
			continue
		}
		if cur, _ := e.rec["LastActivityDate"].(string); cur >= d {
			continue
		}
		next := make(Record, len(e.rec)+1)
		for k, v := range e.rec {
			next[k] = v
		}
		next["LastActivityDate"] = d
		w.tx.remember(o, rid)
		o.putLocked(def, next)
	}
}
