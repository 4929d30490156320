package emulator

import (
	"net/http"
	"strings"
	"time"
)

// masterRecordTypeID is the id of every object's master record type.
const masterRecordTypeID = "012000000000000AAA"

// recordType is an active record type of an object.
type recordType struct {
	ID, Name, DeveloperName string
}

// recordTypes returns the record types of object from the org's RecordType rows.
func (s *Server) recordTypes(object string) []recordType {
	var out []recordType
	for _, rec := range s.org.snapshot("RecordType") {
		if d, _ := rec["IsDeleted"].(bool); d || !strings.EqualFold(str0(rec["SobjectType"]), object) {
			continue
		}
		out = append(out, recordType{ID: str0(rec["Id"]), Name: str0(rec["Name"]), DeveloperName: str0(rec["DeveloperName"])})
	}
	return out
}

// describeSummary is the per-object entry of the global describe.
func (s *Server) describeSummary(def *ObjectDef, version string) map[string]any {
	base := "/services/data/v" + version + "/sobjects/" + def.Name
	return map[string]any{
		"activateable": false, "associateEntityType": nil, "associateParentEntity": nil,
		"createable": def.Createable, "custom": def.Custom, "customSetting": false,
		"deepCloneable": false, "deletable": def.Deletable, "deprecatedAndHidden": false, "feedEnabled": def.Createable,
		"hasSubtypes": false, "isInterface": false, "isSubtype": false, "keyPrefix": def.KeyPrefix,
		"label": def.Label, "labelPlural": def.LabelPlural, "layoutable": def.Createable, "mergeable": false,
		"mruEnabled": def.Createable, "name": def.Name, "queryable": true, "replicateable": true,
		"retrieveable": true, "searchable": def.Createable, "triggerable": def.Createable,
		"undeletable": def.Deletable, "updateable": def.Updateable,
		"urls": map[string]string{"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"},
	}
}

// handleGlobalDescribe serves GET sobjects.
func (s *Server) handleGlobalDescribe(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "HEAD"))
		return
	}
	var list []map[string]any
	for _, def := range s.schema.Objects() {
		list = append(list, s.describeSummary(def, versionOf(r.Context())))
	}
	writeJSON(w, http.StatusOK, map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": list})
}

func soapType(f *FieldDef) string {
	switch f.Type {
	case "id", "reference":
		return "tns:ID"
	case "boolean":
		return "xsd:boolean"
	case "int":
		return "xsd:int"
	case "double", "currency", "percent":
		return "xsd:double"
	case "date":
		return "xsd:date"
	case "datetime":
		return "xsd:dateTime"
	}
	return "xsd:string"
}

// picklistEntries is a field's describe picklistValues.
func picklistEntries(f *FieldDef) []map[string]any {
	out := make([]map[string]any, 0, len(f.Picklist))
	for _, p := range f.Picklist {
		out = append(out, map[string]any{"active": true, "defaultValue": p.Default, "label": p.Label, "validFor": nil, "value": p.Value})
	}
	return out
}

// describeField renders one field with the full key set of a real describe.
func describeField(f *FieldDef) map[string]any {
	longText := f.Type == "textarea" && f.Length > 255
	isText := soapType(f) == "xsd:string"
	byteLength := 0
	if isText || f.Type == "id" || f.Type == "reference" {
		byteLength = f.Length * 3
		if f.Type == "id" || f.Type == "reference" {
			byteLength = f.Length
		}
	}
	var extra any
	switch f.Type {
	case "textarea":
		extra = "plaintextarea"
	case "url":
		extra = "url"
	}
	referenceTo := f.ReferenceTo
	if referenceTo == nil {
		referenceTo = []string{}
	}
	var relName any
	if f.RelationshipName != "" {
		relName = f.RelationshipName
	}
	var defaultValue any
	if f.Type == "boolean" {
		defaultValue = f.DefaultValue == true
	}
	numeric := f.Type == "double" || f.Type == "currency" || f.Type == "percent"
	return map[string]any{
		"aggregatable": !longText && f.Type != "boolean", "aiPredictionField": false, "autoNumber": false,
		"byteLength": byteLength, "calculated": f.Calculated, "calculatedFormula": nil, "cascadeDelete": false,
		"caseSensitive": false, "compoundFieldName": nil, "controllerName": nil, "createable": f.Createable,
		"custom": f.Custom, "defaultValue": defaultValue, "defaultValueFormula": nil,
		"defaultedOnCreate": f.Defaulted, "dependentPicklist": false, "deprecatedAndHidden": false,
		"digits": f.Digits, "displayLocationInDecimal": false, "encrypted": false, "externalId": f.ExternalID,
		"extraTypeInfo": extra, "filterable": !longText, "filteredLookupInfo": nil, "formulaTreatNullNumberAsZero": false,
		"groupable": !longText && !numeric && f.Type != "datetime", "highScaleNumber": false, "htmlFormatted": false,
		"idLookup": f.IDLookup, "inlineHelpText": nil, "label": f.Label, "length": f.Length, "mask": nil,
		"maskType": nil, "name": f.Name, "nameField": f.NameField, "namePointing": len(f.ReferenceTo) > 1,
		"nillable": f.Nillable, "permissionable": f.Nillable && (f.Createable || f.Updateable),
		"picklistValues": picklistEntries(f), "polymorphicForeignKey": len(f.ReferenceTo) > 1,
		"precision": f.Precision, "queryByDistance": false, "referenceTargetField": nil, "referenceTo": referenceTo,
		"relationshipName": relName, "relationshipOrder": nil, "restrictedDelete": false,
		"restrictedPicklist": f.Restricted, "scale": f.Scale, "searchPrefilterable": f.Type == "reference",
		"soapType": soapType(f), "sortable": !longText, "type": string(f.Type), "unique": false,
		"updateable": f.Updateable, "writeRequiresMasterRead": false,
	}
}

// recordTypeInfos lists the master record type and the object's own.
func (s *Server) recordTypeInfos(def *ObjectDef, version string) []map[string]any {
	layout := "/services/data/v" + version + "/sobjects/" + def.Name + "/describe/layouts/"
	rts := s.recordTypes(def.Name)
	info := func(id, name, dev string, master, available, isDefault bool) map[string]any {
		return map[string]any{"active": true, "available": available, "defaultRecordTypeMapping": isDefault,
			"developerName": dev, "master": master, "name": name, "recordTypeId": id,
			"urls": map[string]string{"layout": layout + id}}
	}
	var out []map[string]any
	for i, rt := range rts {
		out = append(out, info(rt.ID, rt.Name, rt.DeveloperName, false, true, i == 0))
	}
	return append(out, info(masterRecordTypeID, "Master", "Master", true, len(rts) == 0, len(rts) == 0))
}

// handleDescribe serves GET sobjects/T/describe.
func (s *Server) handleDescribe(w http.ResponseWriter, r *http.Request, def *ObjectDef) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "HEAD"))
		return
	}
	// The schema never changes while the server runs: describe is as old as
	// the server, and If-Modified-Since after that gets 304.
	if h := r.Header.Get("If-Modified-Since"); h != "" {
		if t, err := http.ParseTime(h); err == nil && !s.started.Truncate(time.Second).After(t) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Last-Modified", s.started.UTC().Format(http.TimeFormat))
	version := versionOf(r.Context())
	out := s.describeSummary(def, version)
	fields := make([]map[string]any, len(def.Fields))
	for i := range def.Fields {
		fields[i] = describeField(&def.Fields[i])
	}
	children := []map[string]any{}
	for _, c := range def.Children {
		children = append(children, map[string]any{"cascadeDelete": def.CascadeChildren[c.Name], "childSObject": c.Object,
			"deprecatedAndHidden": false, "field": c.Field, "junctionIdListNames": []string{},
			"junctionReferenceTo": []string{}, "relationshipName": c.Name, "restrictedDelete": false})
	}
	inst := instanceURL(r)
	base := "/services/data/v" + version + "/sobjects/" + def.Name
	out["actionOverrides"] = []any{}
	out["childRelationships"] = children
	out["compactLayoutable"] = def.Createable
	out["fields"] = fields
	out["listviewable"] = nil
	out["lookupLayoutable"] = nil
	out["namedLayoutInfos"] = []any{}
	out["networkScopeFieldName"] = nil
	out["recordTypeInfos"] = s.recordTypeInfos(def, version)
	out["searchLayoutable"] = def.Createable
	out["sobjectDescribeOption"] = "FULL"
	out["supportedScopes"] = []map[string]string{{"label": "All " + strings.ToLower(def.LabelPlural), "name": "everything"},
		{"label": "My " + strings.ToLower(def.LabelPlural), "name": "mine"}}
	out["urls"] = map[string]string{
		"compactLayouts": base + "/describe/compactLayouts", "rowTemplate": base + "/{ID}",
		"approvalLayouts": base + "/describe/approvalLayouts", "uiDetailTemplate": inst + "/{ID}",
		"uiEditTemplate": inst + "/{ID}/e", "listviews": base + "/listviews", "describe": base + "/describe",
		"uiNewRecord": inst + "/" + def.KeyPrefix + "/e", "quickActions": base + "/quickActions",
		"layouts": base + "/describe/layouts", "sobject": base,
	}
	writeJSON(w, http.StatusOK, out)
}
