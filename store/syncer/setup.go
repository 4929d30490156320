package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// orgObject is the org's settings record (name, fiscal year, currency),
// refreshed with the describes rather than by watermark.
const orgObject = "Organization"

// picklistObjects get their UI API picklist values cached per record type
// (the TUI's stage lists and forms read them); custom objects too.
var picklistObjects = map[string]bool{"Account": true, "Contact": true, "Lead": true, "Opportunity": true, "Task": true, "Event": true}

// fetchSetup caches, for the objects just described, the picklist values of
// every available record type, and the Organization record: one /composite
// call for up to 25 of them. Failures here are returned as notes to report,
// not fatal: the records sync regardless. It may run beside the pipeline
// (it reports nothing itself).
func (p *puller) fetchSetup(ctx context.Context, described []string, descs map[string]describeResult) ([]Progress, error) {
	var notes []Progress
	type job struct {
		object, recordType string // recordType "" marks the Organization query
		global             bool   // the describe global (GET sobjects)
	}
	var jobs []job
	var reqs []sfdc.Subrequest
	for _, object := range described {
		d := descs[object].desc
		if d == nil {
			continue
		}
		if object == orgObject {
			var fields []string
			for _, f := range d.Fields {
				if f.Type != "address" && f.Type != "location" && f.Type != "base64" {
					fields = append(fields, f.Name)
				}
			}
			jobs = append(jobs, job{object: object})
			reqs = append(reqs, sfdc.Subrequest{Method: "GET", URL: p.c.DataPath("query") + "?" +
				url.Values{"q": {"SELECT " + strings.Join(fields, ", ") + " FROM Organization LIMIT 1"}}.Encode()})
			continue
		}
		if !picklistObjects[object] && !d.Custom {
			continue
		}
		rts := []sfdc.ID{sfdc.MasterRecordTypeID}
		if len(d.RecordTypeInfos) > 0 {
			rts = rts[:0]
			for _, rt := range d.RecordTypeInfos {
				if rt.Available {
					rts = append(rts, rt.RecordTypeID)
				}
			}
		}
		for _, rt := range rts {
			jobs = append(jobs, job{object: object, recordType: string(rt)})
			reqs = append(reqs, sfdc.Subrequest{Method: "GET", URL: p.c.DataPath("ui-api", "object-info", object, "picklist-values", string(rt))})
		}
	}
	// The org's object list rides along when the last call has room, so it
	// costs no API call: offline commands tell "not synced" from "no such
	// object" with it.
	if len(reqs) > 0 && len(reqs)%maxSubrequests != 0 {
		jobs = append(jobs, job{global: true})
		reqs = append(reqs, sfdc.Subrequest{Method: "GET", URL: p.c.DataPath("sobjects") + "/"})
	}
	for start := 0; start < len(reqs); start += maxSubrequests {
		end := min(start+maxSubrequests, len(reqs))
		chunk := reqs[start:end]
		for i := range chunk {
			chunk[i].ReferenceID = "s" + strconv.Itoa(i)
		}
		resps, err := p.composite(ctx, chunk)
		if err != nil {
			return notes, fmt.Errorf("sync: picklists: %w", err)
		}
		for i, resp := range resps {
			j := jobs[start+i]
			if err := resp.Err(); err != nil {
				notes = append(notes, Progress{Object: j.object, Phase: PhaseDescribe, Note: "picklists not cached: " + err.Error()})
				continue
			}
			if j.global {
				if err := p.putOrgObjects(resp.Body); err != nil {
					return notes, err
				}
				continue
			}
			if j.recordType != "" {
				if err := p.st.PutPicklists(j.object, j.recordType, resp.Body, p.cfg.now()); err != nil {
					return notes, err
				}
				continue
			}
			var page sfdc.QueryPage
			if err := json.Unmarshal(resp.Body, &page); err != nil {
				return notes, fmt.Errorf("sync: decode Organization: %w", err)
			}
			err := p.st.Update(func(w *store.Writer) error {
				for _, raw := range page.Records {
					if _, err := w.PutRecord(orgObject, raw); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return notes, err
			}
		}
	}
	return notes, nil
}

// putOrgObjects records the queryable objects of a describe global.
func (p *puller) putOrgObjects(body []byte) error {
	var g sfdc.GlobalDescribe
	if err := json.Unmarshal(body, &g); err != nil {
		return fmt.Errorf("sync: decode the object list: %w", err)
	}
	var names []string
	for _, o := range g.SObjects {
		if o.Queryable {
			names = append(names, o.Name)
		}
	}
	return p.st.SetOrgObjects(names, p.cfg.now())
}
