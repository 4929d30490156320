package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/views"
)

// StoreData reads what the app shows from the bbolt cache (package store).
// It decodes the raw records Salesforce sent into the views' domain types.
type StoreData struct {
	st   *store.Store
	opts StoreDataOptions
}

// StoreDataOptions complete what the cache does not hold.
type StoreDataOptions struct {
	// OrgName is shown when the cache has no Organization record (e.g. the
	// org's alias).
	OrgName string
	// APIUsage returns the last Sforce-Limit-Info api-usage seen by the
	// client (used, limit); nil or a zero limit hides it.
	APIUsage func() (used, limit int)
	// PendingWrites returns the number of outbox entries waiting; nil
	// until the outbox exists.
	PendingWrites func() (int, error)
}

var _ Data = (*StoreData)(nil)

// NewStoreData returns a Data over an open cache.
func NewStoreData(st *store.Store, opts StoreDataOptions) *StoreData {
	return &StoreData{st: st, opts: opts}
}

// The fields decoded from cached records; extra fields are ignored.
type (
	rawNamed struct {
		ID   string `json:"Id"`
		Name string `json:"Name"`
	}
	rawAccount struct {
		ID               string   `json:"Id"`
		Name             string   `json:"Name"`
		Type             string   `json:"Type"`
		Industry         string   `json:"Industry"`
		BillingCity      string   `json:"BillingCity"`
		Phone            string   `json:"Phone"`
		Website          string   `json:"Website"`
		OwnerID          string   `json:"OwnerId"`
		AnnualRevenue    *float64 `json:"AnnualRevenue"`
		LastActivityDate string   `json:"LastActivityDate"`
	}
	rawOpportunity struct {
		ID               string   `json:"Id"`
		Name             string   `json:"Name"`
		AccountID        string   `json:"AccountId"`
		StageName        string   `json:"StageName"`
		Amount           *float64 `json:"Amount"`
		CloseDate        string   `json:"CloseDate"`
		OwnerID          string   `json:"OwnerId"`
		Probability      *float64 `json:"Probability"`
		IsClosed         bool     `json:"IsClosed"`
		IsWon            bool     `json:"IsWon"`
		RecordTypeID     string   `json:"RecordTypeId"`
		LastActivityDate string   `json:"LastActivityDate"`
	}
	rawRecordType struct {
		ID          string `json:"Id"`
		Name        string `json:"Name"`
		SobjectType string `json:"SobjectType"`
		IsActive    bool   `json:"IsActive"`
	}
	rawStage struct {
		APIName            string   `json:"ApiName"`
		MasterLabel        string   `json:"MasterLabel"`
		SortOrder          int      `json:"SortOrder"`
		IsActive           bool     `json:"IsActive"`
		IsClosed           bool     `json:"IsClosed"`
		IsWon              bool     `json:"IsWon"`
		DefaultProbability *float64 `json:"DefaultProbability"`
	}
	rawContact struct {
		ID    string `json:"Id"`
		Name  string `json:"Name"`
		Title string `json:"Title"`
		Email string `json:"Email"`
		Phone string `json:"Phone"`
	}
	rawActivity struct {
		ID               string `json:"Id"`
		Subject          string `json:"Subject"`
		ActivityDate     string `json:"ActivityDate"`
		ActivityDateTime string `json:"ActivityDateTime"`
		StartDateTime    string `json:"StartDateTime"`
		Status           string `json:"Status"`
		WhoID            string `json:"WhoId"`
		OwnerID          string `json:"OwnerId"`
	}
	rawContactRole struct {
		ContactID string `json:"ContactId"`
		Role      string `json:"Role"`
		IsPrimary bool   `json:"IsPrimary"`
	}
	// rawPicklists is the UI API picklist-values response.
	rawPicklists struct {
		PicklistFieldValues map[string]struct {
			Values []struct {
				Label string `json:"label"`
				Value string `json:"value"`
			} `json:"values"`
		} `json:"picklistFieldValues"`
	}
)

// parseDate reads a Salesforce date or datetime; "" and junk give zero.
func parseDate(s string) time.Time {
	switch len(s) {
	case 0:
		return time.Time{}
	case len(time.DateOnly): // the common case: a date field
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// names maps the Ids of object's records to their Name.
func (d *StoreData) names(ctx context.Context, object string) (map[string]string, error) {
	out := make(map[string]string)
	err := eachRecord(ctx, d.st, object, nameFields, func(id string, r soql.Record) {
		out[id] = str(r, "Name")
	})
	if err != nil {
		return nil, fmt.Errorf("read %s names: %w", object, err)
	}
	return out, nil
}

// The fields the lists need. Reading only these with store.DecodeRecord,
// which stops scanning a record once it has them, is several times faster
// than decoding whole records with encoding/json: start-up over a cache
// of 100k opportunities is mostly this decoding (docs/benchmarks.md).
var (
	nameFields        = []string{"Name"}
	accountFields     = []string{"Name", "Type", "Industry", "BillingCity", "Phone", "Website", "OwnerId", "AnnualRevenue", "LastActivityDate"}
	opportunityFields = []string{"Name", "AccountId", "StageName", "Amount", "CloseDate", "OwnerId", "Probability", "IsClosed", "IsWon", "RecordTypeId", "LastActivityDate"}
)

// eachRecord decodes fields of every cached record of object and calls fn.
func eachRecord(ctx context.Context, st *store.Store, object string, fields []string, fn func(id string, r soql.Record)) error {
	var derr error
	err := st.ForEach(object, func(id string, raw []byte) bool {
		r, err := store.DecodeRecord(raw, fields...)
		if err != nil {
			derr = fmt.Errorf("decode %s %s: %w", object, id, err)
			return false
		}
		fn(id, r)
		return ctx.Err() == nil
	})
	if err = errors.Join(err, derr, ctx.Err()); err != nil {
		return fmt.Errorf("read %s: %w", object, err)
	}
	return nil
}

// str returns a string field of r, "" when null or not a string.
func str(r soql.Record, field string) string {
	s, _ := r[field].(string)
	return s
}

// num returns a number field of r; ok is false when it is null.
func num(r soql.Record, field string) (v float64, ok bool) {
	v, ok = r[field].(float64)
	return v, ok
}

// recordID is the record's own Id, else the key it is cached under.
func recordID(key string, r soql.Record) string {
	if id := str(r, "Id"); id != "" {
		return id
	}
	return key
}

// boolean returns a checkbox field of r.
func boolean(r soql.Record, field string) bool {
	b, _ := r[field].(bool)
	return b
}

// accountOf builds an account from the fields of accountFields.
func accountOf(id string, r soql.Record, users map[string]string) views.Account {
	a := views.Account{
		ID: recordID(id, r), Name: str(r, "Name"), Type: str(r, "Type"), Industry: str(r, "Industry"),
		BillingCity: str(r, "BillingCity"), Phone: str(r, "Phone"), Website: str(r, "Website"),
		OwnerID: str(r, "OwnerId"), LastActivity: parseDate(str(r, "LastActivityDate")),
	}
	a.OwnerName = users[a.OwnerID]
	var ok bool
	if a.AnnualRevenue, ok = num(r, "AnnualRevenue"); !ok {
		a.AnnualRevenueNull = true
	}
	return a
}

// opportunityOf builds an opportunity from the fields of
// opportunityFields.
func opportunityOf(id string, r soql.Record, accounts, users map[string]string) views.Opportunity {
	o := views.Opportunity{
		ID: recordID(id, r), Name: str(r, "Name"), AccountID: str(r, "AccountId"), StageName: str(r, "StageName"),
		CloseDate: parseDate(str(r, "CloseDate")), OwnerID: str(r, "OwnerId"),
		IsClosed: boolean(r, "IsClosed"), IsWon: boolean(r, "IsWon"), RecordTypeID: str(r, "RecordTypeId"),
		LastActivityDate: parseDate(str(r, "LastActivityDate")),
	}
	o.AccountName, o.OwnerName = accounts[o.AccountID], users[o.OwnerID]
	var ok bool
	if o.Amount, ok = num(r, "Amount"); !ok {
		o.AmountNull = true
	}
	o.Probability, _ = num(r, "Probability")
	return o
}

// each decodes every cached record of object into a T and calls fn.
func each[T any](ctx context.Context, st *store.Store, object string, fn func(id string, r *T)) error {
	var derr error
	err := st.ForEach(object, func(id string, raw []byte) bool {
		var r T
		if derr = json.Unmarshal(raw, &r); derr != nil {
			derr = fmt.Errorf("decode %s %s: %w", object, id, derr)
			return false
		}
		fn(id, &r)
		return ctx.Err() == nil
	})
	if err = errors.Join(err, derr, ctx.Err()); err != nil {
		return fmt.Errorf("read %s: %w", object, err)
	}
	return nil
}

// get decodes one cached record; ok is false when it is not cached.
func get[T any](st *store.Store, object, id string) (r T, ok bool, err error) {
	raw, ok, err := st.Get(object, id)
	if err != nil || !ok {
		return r, ok, err
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, false, fmt.Errorf("decode %s %s: %w", object, id, err)
	}
	return r, true, nil
}

// Accounts implements Data.
func (d *StoreData) Accounts(ctx context.Context) ([]views.Account, error) {
	users, err := d.names(ctx, "User")
	if err != nil {
		return nil, err
	}
	var out []views.Account
	err = eachRecord(ctx, d.st, "Account", accountFields, func(id string, r soql.Record) {
		out = append(out, accountOf(id, r, users))
	})
	return out, err
}

func (d *StoreData) account(r *rawAccount, users map[string]string) views.Account {
	a := views.Account{
		ID: r.ID, Name: r.Name, Type: r.Type, Industry: r.Industry, BillingCity: r.BillingCity,
		Phone: r.Phone, Website: r.Website, OwnerID: r.OwnerID, OwnerName: users[r.OwnerID],
		LastActivity: parseDate(r.LastActivityDate),
	}
	if r.AnnualRevenue != nil {
		a.AnnualRevenue = *r.AnnualRevenue
	} else {
		a.AnnualRevenueNull = true
	}
	return a
}

// Opportunities implements Data.
func (d *StoreData) Opportunities(ctx context.Context) ([]views.Opportunity, error) {
	users, err := d.names(ctx, "User")
	if err != nil {
		return nil, err
	}
	accounts, err := d.names(ctx, "Account")
	if err != nil {
		return nil, err
	}
	out := make([]views.Opportunity, 0, len(accounts)*5)
	err = eachRecord(ctx, d.st, "Opportunity", opportunityFields, func(id string, r soql.Record) {
		out = append(out, opportunityOf(id, r, accounts, users))
	})
	return out, err
}

func opportunity(r *rawOpportunity, accounts, users map[string]string) views.Opportunity {
	o := views.Opportunity{
		ID: r.ID, Name: r.Name, AccountID: r.AccountID, AccountName: accounts[r.AccountID],
		StageName: r.StageName, CloseDate: parseDate(r.CloseDate), OwnerID: r.OwnerID,
		OwnerName: users[r.OwnerID], IsClosed: r.IsClosed, IsWon: r.IsWon,
		RecordTypeID: r.RecordTypeID, LastActivityDate: parseDate(r.LastActivityDate),
	}
	if r.Amount != nil {
		o.Amount = *r.Amount
	} else {
		o.AmountNull = true
	}
	if r.Probability != nil {
		o.Probability = *r.Probability
	}
	return o
}

// RecordTypes implements Data: the active Opportunity record types, each
// with the stages of its StageName picklist when the UI API picklists are
// cached (StagesKnown), else every active stage. Without record types, one
// "All opportunities" entry with an empty Id and every active stage.
func (d *StoreData) RecordTypes(ctx context.Context) ([]views.RecordType, error) {
	var stages []views.Stage
	err := each(ctx, d.st, "OpportunityStage", func(_ string, r *rawStage) {
		if !r.IsActive {
			return
		}
		s := views.Stage{Label: r.APIName, SortOrder: r.SortOrder, IsClosed: r.IsClosed, IsWon: r.IsWon}
		if s.Label == "" {
			s.Label = r.MasterLabel
		}
		if r.DefaultProbability != nil {
			s.Probability = *r.DefaultProbability
		}
		stages = append(stages, s)
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(stages, func(a, b views.Stage) int { return a.SortOrder - b.SortOrder })
	var rts []views.RecordType
	err = each(ctx, d.st, "RecordType", func(_ string, r *rawRecordType) {
		if r.SobjectType == "Opportunity" && r.IsActive {
			rts = append(rts, views.RecordType{ID: r.ID, Name: r.Name})
		}
	})
	if err != nil {
		return nil, err
	}
	if len(rts) == 0 {
		return []views.RecordType{{Name: "All opportunities", Stages: stages, StagesKnown: true}}, nil
	}
	slices.SortFunc(rts, func(a, b views.RecordType) int { return cmpString(a.Name, b.Name) })
	for i := range rts {
		rts[i].Stages = stages
		raw, _, ok, err := d.st.Picklists("Opportunity", rts[i].ID)
		if err != nil {
			return nil, fmt.Errorf("read picklists of record type %s: %w", rts[i].ID, err)
		}
		if !ok {
			continue
		}
		var pl rawPicklists
		if err := json.Unmarshal(raw, &pl); err != nil {
			return nil, fmt.Errorf("decode picklists of record type %s: %w", rts[i].ID, err)
		}
		allowed := make(map[string]bool)
		for _, v := range pl.PicklistFieldValues["StageName"].Values {
			allowed[v.Value] = true
		}
		var own []views.Stage
		for _, s := range stages {
			if allowed[s.Label] {
				own = append(own, s)
			}
		}
		if len(own) > 0 {
			rts[i].Stages, rts[i].StagesKnown = own, true
		}
	}
	return rts, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// related returns the Ids of object's records pointing at parent through
// any of fields, without duplicates.
func (d *StoreData) related(parent, object string, fields ...string) ([]string, error) {
	var ids []string
	for _, f := range fields {
		got, err := d.st.Related(f, parent, object)
		if err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", object, parent, err)
		}
		for _, id := range got {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

// nameOf returns the Name of any cached record, or "".
func (d *StoreData) nameOf(id string) string {
	if id == "" {
		return ""
	}
	_, raw, ok, err := d.st.Lookup(id)
	if err != nil || !ok {
		return ""
	}
	var r rawNamed
	if json.Unmarshal(raw, &r) != nil {
		return ""
	}
	return r.Name
}

// activities returns the tasks and events attached to parent.
func (d *StoreData) activities(parent string, fields ...string) ([]views.Activity, error) {
	var out []views.Activity
	for _, object := range []string{"Task", "Event"} {
		ids, err := d.related(parent, object, fields...)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			r, ok, err := get[rawActivity](d.st, object, id)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			a := views.Activity{ID: r.ID, Subject: r.Subject, Status: r.Status, WhoName: d.nameOf(r.WhoID), OwnerName: d.nameOf(r.OwnerID)}
			if object == "Event" {
				a.Kind = views.EventActivity
				a.When = parseDate(r.StartDateTime)
				if a.When.IsZero() {
					a.When = parseDate(r.ActivityDateTime)
				}
			}
			if a.When.IsZero() {
				a.When = parseDate(r.ActivityDate)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// AccountDetail implements Data.
func (d *StoreData) AccountDetail(ctx context.Context, id string) (views.AccountDetail, error) {
	r, ok, err := get[rawAccount](d.st, "Account", id)
	if err != nil {
		return views.AccountDetail{}, err
	}
	if !ok {
		return views.AccountDetail{}, fmt.Errorf("account %s is not in the cache", id)
	}
	det := views.AccountDetail{Account: d.account(&r, map[string]string{r.OwnerID: d.nameOf(r.OwnerID)})}
	contacts, err := d.related(id, "Contact", "AccountId")
	if err != nil {
		return det, err
	}
	for _, cid := range contacts {
		c, ok, err := get[rawContact](d.st, "Contact", cid)
		if err != nil {
			return det, err
		}
		if ok {
			det.Contacts = append(det.Contacts, views.Contact{ID: c.ID, Name: c.Name, Title: c.Title, Email: c.Email, Phone: c.Phone})
		}
	}
	opps, err := d.related(id, "Opportunity", "AccountId")
	if err != nil {
		return det, err
	}
	names := map[string]string{id: r.Name}
	for _, oid := range opps {
		o, ok, err := get[rawOpportunity](d.st, "Opportunity", oid)
		if err != nil {
			return det, err
		}
		if ok {
			det.Opportunities = append(det.Opportunities, opportunity(&o, names, map[string]string{o.OwnerID: d.nameOf(o.OwnerID)}))
		}
	}
	det.Activities, err = d.activities(id, "WhatId", "AccountId")
	if err == nil {
		err = ctx.Err()
	}
	return det, err
}

// OpportunityDetail implements Data.
func (d *StoreData) OpportunityDetail(ctx context.Context, id string) (views.OpportunityDetail, error) {
	r, ok, err := get[rawOpportunity](d.st, "Opportunity", id)
	if err != nil {
		return views.OpportunityDetail{}, err
	}
	if !ok {
		return views.OpportunityDetail{}, fmt.Errorf("opportunity %s is not in the cache", id)
	}
	det := views.OpportunityDetail{Opportunity: opportunity(&r,
		map[string]string{r.AccountID: d.nameOf(r.AccountID)}, map[string]string{r.OwnerID: d.nameOf(r.OwnerID)})}
	roles, err := d.related(id, "OpportunityContactRole", "OpportunityId")
	if err != nil {
		return det, err
	}
	for _, rid := range roles {
		cr, ok, err := get[rawContactRole](d.st, "OpportunityContactRole", rid)
		if err != nil {
			return det, err
		}
		if ok {
			det.ContactRoles = append(det.ContactRoles, views.ContactRole{ContactID: cr.ContactID, ContactName: d.nameOf(cr.ContactID), Role: cr.Role, IsPrimary: cr.IsPrimary})
		}
	}
	slices.SortStableFunc(det.ContactRoles, func(a, b views.ContactRole) int {
		switch {
		case a.IsPrimary && !b.IsPrimary:
			return -1
		case b.IsPrimary && !a.IsPrimary:
			return 1
		}
		return 0
	})
	det.Activities, err = d.activities(id, "WhatId")
	if err == nil {
		err = ctx.Err()
	}
	return det, err
}

// Status implements Data.
func (d *StoreData) Status(ctx context.Context) (Status, error) {
	var st Status
	id, ok, err := d.st.Identity()
	if err != nil {
		return st, fmt.Errorf("read identity: %w", err)
	}
	if ok {
		st.UserID, st.Username, st.InstanceURL = id.UserID, id.Username, id.InstanceURL
		st.FiscalYearStartMonth, st.Currency = time.Month(id.FiscalYearStartMonth), id.Currency
	}
	st.OrgName = d.opts.OrgName
	orgs, err := d.names(ctx, "Organization")
	if err != nil {
		return st, err
	}
	for _, name := range orgs {
		st.OrgName = name
	}
	if st.OrgName == "" && ok {
		st.OrgName = id.OrgID
	}
	if st.LastSync, err = d.st.LastSync(); err != nil {
		return st, fmt.Errorf("read last sync: %w", err)
	}
	if d.opts.APIUsage != nil {
		st.APIUsed, st.APILimit = d.opts.APIUsage()
	}
	if d.opts.PendingWrites != nil {
		n, err := d.opts.PendingWrites()
		if err != nil {
			return st, fmt.Errorf("read outbox: %w", err)
		}
		st.HasOutbox, st.PendingWrites = true, n
	}
	return st, nil
}
