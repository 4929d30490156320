package ui

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/store/write"
	"github.com/lazyforce/lazyforce/views"
)

// StoreEditor is the RecordEditor over the cache: forms come from the
// cached describe and picklists, saves go through store/write (the
// validation and outbox every write uses) and syncer.Push.
type StoreEditor struct {
	st *store.Store
	// client returns the org's client; nil, or an error, leaves writes
	// queued for the next sync.
	client func(context.Context) (*sfdc.Client, error)
	// MaxLookups caps the candidates a lookup lists per object (0: 5000).
	MaxLookups int
}

var _ RecordEditor = (*StoreEditor)(nil)

// NewStoreEditor returns the editor over st, pushing with client's.
func NewStoreEditor(st *store.Store, client func(context.Context) (*sfdc.Client, error)) *StoreEditor {
	return &StoreEditor{st: st, client: client}
}

// FormFor implements RecordEditor.
func (e *StoreEditor) FormFor(ctx context.Context, object, id, from string) (views.RecordFormInput, error) {
	w := write.New(e.st)
	d, err := w.Describe(object)
	if err != nil {
		return views.RecordFormInput{}, err
	}
	in := views.RecordFormInput{Object: d.Name, ID: id}
	rec := map[string]any{}
	if id != "" {
		raw, ok, err := e.st.Get(d.Name, id)
		if err != nil {
			return in, fmt.Errorf("read %s %s: %w", d.Name, id, err)
		}
		if !ok {
			return in, fmt.Errorf("%s %s is not in the cache", d.Name, id)
		}
		if err := json.Unmarshal(raw, &rec); err != nil {
			return in, fmt.Errorf("decode %s %s: %w", d.Name, id, err)
		}
		in.Name, _ = rec["Name"].(string)
	} else if acct := e.accountOf(from); acct != "" && d.Field("AccountId") != nil {
		rec["AccountId"] = acct
	}
	pl, err := w.RecordPicklists(d.Name, id)
	if err != nil {
		return in, err
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		if !offered(f, id == "", rec) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return in, err
		}
		in.Fields = append(in.Fields, e.formField(d, f, pl, rec[f.Name]))
	}
	return in, nil
}

// offered says whether a form shows field f: an edit every field the
// user may update (describe's updateable is the user's field-level
// security); a create the required ones (createable, not nillable, not
// defaulted) and the values it starts with (the account).
func offered(f *sfdc.Field, creating bool, rec map[string]any) bool {
	if !creating {
		return f.Updateable
	}
	if _, preset := rec[f.Name]; preset && f.Createable {
		return true
	}
	return f.Createable && !f.Nillable && !f.DefaultedOnCreate && f.Type != "boolean"
}

// accountOf returns the account of record from: from itself when it is
// an account, else its AccountId in the cache ("" when none).
func (e *StoreEditor) accountOf(from string) string {
	if from == "" {
		return ""
	}
	object, raw, ok, err := e.st.Lookup(from)
	if err != nil || !ok {
		return ""
	}
	if object == "Account" {
		return from
	}
	var r struct {
		AccountID string `json:"AccountId"`
	}
	_ = json.Unmarshal(raw, &r)
	return r.AccountID
}

// formField builds one form field from its describe and value.
func (e *StoreEditor) formField(d *sfdc.SObjectDescribe, f *sfdc.Field, pl *write.Picklists, v any) views.RecordField {
	rf := views.RecordField{Name: f.Name, Label: f.Label, Type: f.Type, Length: f.Length,
		Required: !f.Nillable && f.Type != "boolean", Value: sfdc.ValueText(v)}
	switch f.Type {
	case "int", "double", "currency", "percent", "long":
		rf.Kind = views.RecordNumber
	case "date":
		rf.Kind = views.RecordDate
	case "boolean":
		rf.Kind = views.RecordCheckbox
		if rf.Value == "" {
			rf.Value = "false"
		}
	case "picklist":
		rf.Kind = views.RecordPicklist
		rf.Options, rf.Controller = picklistOptions(d, f, pl)
	case "reference":
		rf.Kind = views.RecordLookup
		rf.Options = e.lookupOptions(f.ReferenceTo)
		if rf.Value != "" {
			rf.ValueLabel = e.nameOf(rf.Value)
		}
	}
	return rf
}

// picklistOptions are the values of the record's record type for field
// f, each with the controlling field's values it is valid for when f is
// a dependent picklist: from the UI API's validFor indexes into
// controllerValues when cached, else from describe's validFor bitmaps
// over the controller's values.
func picklistOptions(d *sfdc.SObjectDescribe, f *sfdc.Field, pl *write.Picklists) ([]views.RecordOption, string) {
	var ui *sfdc.PicklistValues
	for name, v := range pl.Fields {
		if strings.EqualFold(name, f.Name) {
			ui = &v
		}
	}
	ctl := ""
	if f.DependentPicklist && f.ControllerName != "" {
		ctl = f.ControllerName
	}
	var out []views.RecordOption
	if ui != nil && len(ui.Values) > 0 && (ctl == "" || len(ui.ControllerValues) > 0) {
		byIndex := map[int]string{}
		for name, i := range ui.ControllerValues {
			byIndex[i] = name
		}
		for _, v := range ui.Values {
			o := views.RecordOption{Value: v.Value, Label: v.Label}
			if ctl != "" {
				o.ValidFor = []string{}
				for _, i := range v.ValidFor {
					o.ValidFor = append(o.ValidFor, byIndex[i])
				}
			}
			out = append(out, o)
		}
		return out, ctl
	}
	var controller []string
	if c := d.Field(ctl); c != nil {
		controller = controllerValues(c)
	}
	for _, v := range f.ActivePicklistValues() {
		o := views.RecordOption{Value: v.Value, Label: v.Label}
		if ctl != "" {
			o.ValidFor = ValidFor(v.ValidFor, controller)
		}
		out = append(out, o)
	}
	return out, ctl
}

// controllerValues are the values a controlling field's validFor bits
// stand for: a checkbox's false and true, or a picklist's values in
// describe order.
func controllerValues(c *sfdc.Field) []string {
	if c.Type == "boolean" {
		return []string{"false", "true"}
	}
	var out []string
	for _, v := range c.PicklistValues {
		out = append(out, v.Value)
	}
	return out
}

// ValidFor decodes a describe validFor bitmap (base64; bit i, from the
// high bit of the first byte, for controller value i) into the controller
// values it is valid for.
func ValidFor(bitmap string, controller []string) []string {
	out := []string{}
	b, err := base64.StdEncoding.DecodeString(bitmap)
	if err != nil {
		return out
	}
	for i, v := range controller {
		if i>>3 < len(b) && b[i>>3]&(0x80>>(i&7)) != 0 {
			out = append(out, v)
		}
	}
	return out
}

// lookupOptions lists the cached records a lookup may point to, by name.
func (e *StoreEditor) lookupOptions(objects []string) []views.RecordOption {
	limit := e.MaxLookups
	if limit <= 0 {
		limit = 5000
	}
	var out []views.RecordOption
	for _, obj := range objects {
		n := 0
		_ = e.st.ForEach(obj, func(id string, raw []byte) bool {
			if name := recordName(raw); name != "" {
				out = append(out, views.RecordOption{Value: id, Label: name})
				n++
			}
			return n < limit
		})
	}
	slices.SortFunc(out, func(a, b views.RecordOption) int {
		return cmp.Or(strings.Compare(a.Label, b.Label), strings.Compare(a.Value, b.Value))
	})
	return out
}

// nameOf returns a cached record's name, or its Id.
func (e *StoreEditor) nameOf(id string) string {
	if _, raw, ok, err := e.st.Lookup(id); err == nil && ok {
		if n := recordName(raw); n != "" {
			return n
		}
	}
	return id
}

// recordName returns the top-level "Name" of a cached record. It scans
// the JSON rather than decoding it: a lookup lists thousands of records,
// and only their names.
func recordName(raw []byte) string {
	depth := 0
	key := true // the next string at depth 1 is a key
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{', '[':
			depth++
			key = raw[i] == '{'
		case '}', ']':
			depth--
		case ',':
			key = depth == 1 || key
		case ':':
			key = false
		case '"':
			end := stringEnd(raw, i)
			if end < 0 {
				return ""
			}
			if depth == 1 && key && string(raw[i+1:end]) == "Name" {
				j := end + 1
				for j < len(raw) && (raw[j] == ' ' || raw[j] == ':') {
					j++
				}
				if j < len(raw) && raw[j] == '"' {
					if e := stringEnd(raw, j); e > 0 {
						if !bytes.ContainsRune(raw[j+1:e], '\\') {
							return string(raw[j+1 : e])
						}
						var name string
						if json.Unmarshal(raw[j:e+1], &name) == nil {
							return name
						}
					}
				}
				return ""
			}
			i = end
		}
	}
	return ""
}

// stringEnd returns the index of the quote closing the JSON string that
// opens at raw[i], or -1.
func stringEnd(raw []byte, i int) int {
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

// Save implements RecordEditor.
func (e *StoreEditor) Save(ctx context.Context, object, id string, fields map[string]any) (EditResult, error) {
	w := write.New(e.st)
	var entry store.OutboxEntry
	var err error
	if id == "" {
		entry, err = w.Create(object, fields)
	} else {
		entry, err = w.Update(object, id, fields)
	}
	var verr *write.ValidationError
	if errors.As(err, &verr) {
		res := EditResult{}
		for _, fe := range verr.Errors {
			res.Errors = append(res.Errors, FieldRefusal{Field: fe.Field, Message: fe.Message})
		}
		return res, nil
	}
	if err != nil {
		return EditResult{}, err
	}
	res := EditResult{Queued: true, ID: entry.RecordID}
	if e.client == nil {
		return res, nil
	}
	c, err := e.client(ctx)
	if err != nil {
		return res, nil // offline: the outbox waits
	}
	unlock, err := e.st.LockSync(ctx, nil)
	if err != nil {
		return res, nil
	}
	_, perr := syncer.Push(ctx, c, e.st, syncer.PushOptions{})
	unlock()
	if perr != nil && !sfdc.IsNetworkError(perr) {
		return res, fmt.Errorf("queued, not pushed: %w", perr)
	}
	cur, err := e.st.OutboxEntry(entry.ID)
	if err != nil {
		return res, nil
	}
	res.ID = cur.RecordID
	switch cur.State {
	case store.OutboxSent:
		res.Pushed = true
	case store.OutboxConflict:
		res.Conflict = true
	case store.OutboxFailed:
		// The org refused it (a validation rule, field-level security):
		// the form shows why with the input kept, so the entry goes.
		if derr := e.st.DiscardEntry(cur.ID); derr != nil {
			return res, fmt.Errorf("the org refused the write (%s) and it could not be dropped from the outbox: %w", cur.Error, derr)
		}
		res = EditResult{}
		if len(cur.ErrorFields) == 0 {
			res.Errors = []FieldRefusal{{Message: cur.Error}}
		}
		for _, f := range cur.ErrorFields {
			res.Errors = append(res.Errors, FieldRefusal{Field: f, Message: cur.Error})
		}
	}
	return res, nil
}
