package emulator

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
)

func (s *Server) dispatchUIAPI(w http.ResponseWriter, r *http.Request, segs []string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErrors(w, errMethodNotAllowed(r.Method, "GET"))
		return
	}
	if len(segs) < 2 || segs[0] != "object-info" {
		writeErrors(w, errNotFound())
		return
	}
	def, ok := s.lookupObject(w, segs[1])
	if !ok {
		return
	}
	switch {
	case len(segs) == 4 && segs[2] == "picklist-values":
		s.handlePicklistValues(w, r, def, segs[3], "")
	case len(segs) == 5 && segs[2] == "picklist-values":
		s.handlePicklistValues(w, r, def, segs[3], segs[4])
	default:
		writeErrors(w, errNotFound())
	}
}

// picklistFieldValues is the UI API shape of one field's values.
func (s *Server) picklistFieldValues(def *ObjectDef, f *FieldDef, rt recordType, version string) map[string]any {
	values := []map[string]any{}
	var def0 any
	for _, p := range f.Picklist {
		if rt.ID != masterRecordTypeID && p.RecordTypes != nil && !contains(p.RecordTypes, rt.DeveloperName) {
			continue
		}
		var attrs any
		if def.Name == "Opportunity" && f.Name == "StageName" {
			attrs = map[string]any{"closed": p.Closed, "defaultProbability": p.Probability,
				"forecastCategoryName": p.ForecastName, "picklistAtrributesValueType": "OpportunityStage", "won": p.Won}
		}
		v := map[string]any{"attributes": attrs, "label": p.Label, "validFor": []int{}, "value": p.Value}
		values = append(values, v)
		if p.Default {
			def0 = v
		}
	}
	out := map[string]any{
		"controllerValues": map[string]int{},
		"defaultValue":     def0,
		"url":              "/services/data/v" + version + "/ui-api/object-info/" + def.Name + "/picklist-values/" + rt.ID + "/" + f.Name,
		"values":           values,
	}
	out["eTag"] = etagOf(out)
	return out
}

func etagOf(v any) string {
	b, _ := marshal(v)
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// handlePicklistValues serves ui-api/object-info/T/picklist-values/{rt}[/{field}].
func (s *Server) handlePicklistValues(w http.ResponseWriter, r *http.Request, def *ObjectDef, rtID, field string) {
	rt := recordType{ID: masterRecordTypeID, Name: "Master", DeveloperName: "Master"}
	if id, err := normalizeID(rtID); err != nil {
		writeErrors(w, errNotFound())
		return
	} else if id != masterRecordTypeID {
		found := false
		for _, x := range s.recordTypes(def.Name) {
			if x.ID == id {
				rt, found = x, true
			}
		}
		if !found {
			writeErrors(w, errNotFound())
			return
		}
	}
	version := versionOf(r.Context())
	if field != "" {
		f, ok := def.Field(field)
		if !ok || (f.Type != "picklist" && f.Type != "multipicklist") {
			writeErrors(w, errNotFound())
			return
		}
		writeJSON(w, http.StatusOK, s.picklistFieldValues(def, f, rt, version))
		return
	}
	all := map[string]any{}
	for i := range def.Fields {
		f := &def.Fields[i]
		if (f.Type == "picklist" || f.Type == "multipicklist") && (f.Createable || f.Updateable) {
			all[f.Name] = s.picklistFieldValues(def, f, rt, version)
		}
	}
	out := map[string]any{"picklistFieldValues": all}
	out["eTag"] = etagOf(all)
	writeJSON(w, http.StatusOK, out)
}
