package emulator

import (
	"strings"
	"testing"
)

func TestDescribeMatchesRealKeySets(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	var want map[string]any
	fixture(t, "describe-contact-v42-trimmed.json", &want)
	wantField := want["fields"].([]any)[0].(map[string]any)

	r := call(t, ts, "GET", v+"/sobjects/Contact/describe", nil)
	var got map[string]any
	r.json(t, &got)
	for _, k := range sortedKeys(want) {
		if _, ok := got[k]; !ok {
			t.Errorf("describe lacks top-level key %q", k)
		}
	}
	for _, f := range got["fields"].([]any) {
		fm := f.(map[string]any)
		for _, k := range sortedKeys(wantField) {
			if _, ok := fm[k]; !ok {
				t.Errorf("field %v lacks key %q", fm["name"], k)
			}
		}
	}
	// Contact's lookup to Account and the child relationships.
	var accountID map[string]any
	for _, f := range got["fields"].([]any) {
		if f.(map[string]any)["name"] == "AccountId" {
			accountID = f.(map[string]any)
		}
	}
	if accountID["type"] != "reference" || accountID["relationshipName"] != "Account" || accountID["referenceTo"].([]any)[0] != "Account" {
		t.Errorf("AccountId = %v", accountID)
	}
	rels := []string{}
	for _, c := range got["childRelationships"].([]any) {
		rels = append(rels, c.(map[string]any)["relationshipName"].(string))
	}
	if s := strings.Join(rels, ","); !strings.Contains(s, "Tasks") || !strings.Contains(s, "OpportunityContactRoles") {
		t.Errorf("childRelationships = %s", s)
	}
	if lm := r.header.Get("Last-Modified"); lm == "" {
		t.Error("describe without Last-Modified")
	} else if r2 := call(t, ts, "GET", v+"/sobjects/Contact/describe", nil, "If-Modified-Since", lm); r2.status != 304 {
		t.Errorf("describe If-Modified-Since: %d", r2.status)
	}
	if got["keyPrefix"] != "003" || got["urls"].(map[string]any)["rowTemplate"] != v+"/sobjects/Contact/{ID}" {
		t.Errorf("keyPrefix %v urls %v", got["keyPrefix"], got["urls"])
	}
}

func TestDescribeOpportunity(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	var got struct {
		Fields []struct {
			Name               string `json:"name"`
			Type               string `json:"type"`
			Nillable           bool   `json:"nillable"`
			RestrictedPicklist bool   `json:"restrictedPicklist"`
			Custom             bool   `json:"custom"`
			PicklistValues     []struct {
				Value string `json:"value"`
			} `json:"picklistValues"`
		} `json:"fields"`
		RecordTypeInfos []struct {
			Name, DeveloperName, RecordTypeID string
			Master, DefaultRecordTypeMapping  bool
		} `json:"recordTypeInfos"`
	}
	call(t, ts, "GET", v+"/sobjects/Opportunity/describe", nil).json(t, &got)
	found := 0
	for _, f := range got.Fields {
		switch f.Name {
		case "StageName":
			found++
			if f.Type != "picklist" || f.Nillable || !f.RestrictedPicklist || len(f.PicklistValues) != 11 ||
				f.PicklistValues[0].Value != "Prospecting" || f.PicklistValues[10].Value != "Closed Lost" {
				t.Errorf("StageName = %+v", f)
			}
		case "Loss_Reason__c":
			found++
			if !f.Custom || f.Type != "picklist" {
				t.Errorf("Loss_Reason__c = %+v", f)
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of StageName, Loss_Reason__c", found)
	}
	names := []string{}
	for _, rt := range got.RecordTypeInfos {
		names = append(names, rt.Name)
	}
	if strings.Join(names, ",") != "New Business,Renewal,Master" || got.RecordTypeInfos[2].RecordTypeID != "012000000000000AAA" ||
		!got.RecordTypeInfos[0].DefaultRecordTypeMapping || !got.RecordTypeInfos[2].Master {
		t.Errorf("recordTypeInfos = %+v", got.RecordTypeInfos)
	}

	var global struct {
		MaxBatchSize int              `json:"maxBatchSize"`
		SObjects     []map[string]any `json:"sobjects"`
	}
	call(t, ts, "GET", v+"/sobjects", nil).json(t, &global)
	if global.MaxBatchSize != 200 || len(global.SObjects) < 10 {
		t.Fatalf("global describe: %+v", global)
	}
	wantError(t, call(t, ts, "GET", v+"/sobjects/ScratchOrgInfo/describe", nil), 404, "NOT_FOUND")
	r := call(t, ts, "GET", v+"/sobjects/Opportunity", nil)
	var info map[string]any
	r.json(t, &info)
	if info["objectDescribe"].(map[string]any)["keyPrefix"] != "006" {
		t.Errorf("basic info = %s", r.body)
	}
}

func TestStagePicklistPerRecordType(t *testing.T) {
	ts := startTest(t, func(o *Options) { o.Empty = true })
	rts := ts.recordTypes("Opportunity")
	if len(rts) != 2 {
		t.Fatalf("record types = %v", rts)
	}
	values := func(rt string) []string {
		var out struct {
			DefaultValue any `json:"defaultValue"`
			URL          string
			Values       []struct {
				Label, Value string
				Attributes   map[string]any
			}
		}
		r := call(t, ts, "GET", v+"/ui-api/object-info/Opportunity/picklist-values/"+rt+"/StageName", nil)
		if r.status != 200 {
			t.Fatalf("picklist values: %d %s", r.status, r.body)
		}
		r.json(t, &out)
		var names []string
		for _, val := range out.Values {
			names = append(names, val.Value)
			a := val.Attributes
			if a["picklistAtrributesValueType"] != "OpportunityStage" {
				t.Errorf("attributes = %v", a)
			}
			if val.Value == "Closed Won" && (a["closed"] != true || a["won"] != true || a["defaultProbability"] != 100.0 || a["forecastCategoryName"] != "Closed") {
				t.Errorf("Closed Won attributes = %v", a)
			}
		}
		return names
	}
	nb, rn := strings.Join(values(rts[0].ID), ","), strings.Join(values(rts[1].ID), ",")
	if nb == rn || !strings.HasPrefix(nb, "Prospecting,") || strings.Contains(nb, "Renewal Review") || !strings.Contains(rn, "Renewal Review") {
		t.Errorf("New Business: %s\nRenewal: %s", nb, rn)
	}
	if all := values("012000000000000AAA"); len(all) != 11 {
		t.Errorf("master stages = %v", all)
	}
	// The all-fields form.
	var all struct {
		ETag                string                    `json:"eTag"`
		PicklistFieldValues map[string]map[string]any `json:"picklistFieldValues"`
	}
	call(t, ts, "GET", v+"/ui-api/object-info/Opportunity/picklist-values/"+rts[1].ID, nil).json(t, &all)
	if all.ETag == "" || all.PicklistFieldValues["StageName"] == nil || all.PicklistFieldValues["LeadSource"] == nil {
		t.Errorf("all-fields form keys: %v", all.PicklistFieldValues)
	}
	wantError(t, call(t, ts, "GET", v+"/ui-api/object-info/Opportunity/picklist-values/012Dm0000000000AAA/StageName", nil), 404, "NOT_FOUND")
}

func TestCustomObject(t *testing.T) {
	ts := startTest(t, nil)
	var d map[string]any
	call(t, ts, "GET", v+"/sobjects/Account_Plan__c/describe", nil).json(t, &d)
	if d["custom"] != true || d["keyPrefix"] != "a01" || d["name"] != "Account_Plan__c" {
		t.Fatalf("describe custom object: %v %v %v", d["custom"], d["keyPrefix"], d["name"])
	}
	p := query(t, ts, "SELECT Id, Name, Account__r.Name, Status__c FROM Account_Plan__c LIMIT 5")
	if p.TotalSize != 5 || p.Records[0]["Account__r"].(map[string]any)["Name"] == nil {
		t.Fatalf("custom object query: %+v", p.Records)
	}
	acct := p.Records[0]["Account__r"].(map[string]any)["attributes"].(map[string]any)["url"].(string)
	acctID := acct[strings.LastIndex(acct, "/")+1:]
	q := query(t, ts, "SELECT Id, (SELECT Name FROM Account_Plans__r) FROM Account WHERE Id = '"+acctID+"'")
	if kids, _ := q.Records[0]["Account_Plans__r"].(map[string]any); kids == nil || kids["totalSize"].(float64) < 1 {
		t.Errorf("child relationship Account_Plans__r = %v", q.Records[0]["Account_Plans__r"])
	}
	r := call(t, ts, "POST", v+"/sobjects/Account_Plan__c", map[string]any{"Name": "New Plan", "Account__c": acctID, "Status__c": "Sideways"})
	wantError(t, r, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
	r = call(t, ts, "POST", v+"/sobjects/Account_Plan__c", map[string]any{"Name": "New Plan", "Account__c": acctID})
	if r.status != 201 || !strings.Contains(string(r.body), `"id":"a01`) {
		t.Errorf("create custom record: %d %s", r.status, r.body)
	}
}
