// Package write validates a user's writes (field updates and new records)
// against the cached describe and the record type's picklist values, and
// queues them in the store's outbox, which store/syncer pushes. The
// terminal app and the command line both write through it, so a value is
// refused the same way everywhere, and before anything is sent.
//
// What is checked, offline, from the cache:
//   - the field exists (names are matched case-insensitively and take the
//     describe's spelling), and is updateable (update) or createable (create);
//   - the value's type: numbers (int, double, currency, percent: digits
//     within precision and scale), dates (2006-01-02, today, tomorrow),
//     datetimes (RFC 3339), booleans, Ids (15 or 18 characters, stored as
//     18; of an object the field refers to), text length, email;
//   - picklist values against the UI API values of the record's record type
//     (cached by sync; describe's values when that cache is missing), so a
//     StageName of another record type is refused;
//   - nil clears a field, refused when the field is not nillable; a create
//     needs every required field.
//
// Rules only the org knows (validation rules, field-level security changes,
// triggers) come back from the push and are stored on the outbox entry.
//
// A stage change from a screen, for example:
//
//	w := write.New(st)
//	pl, _ := w.RecordPicklists("Opportunity", oppID) // pl.Values("StageName"): Attributes (closed, won,
//	                                                   // probability); pl.FetchedAt: their age
//	e, err := w.Update("Opportunity", oppID, map[string]any{"StageName": "Closed Lost", "Loss_Reason__c": "Price"})
//	// err: *ValidationError (per field) — nothing queued; else the cache shows the change, pending.
//	// Then, in a command: unlock, _ := st.LockSync(ctx, nil); syncer.Push(ctx, c, st, syncer.PushOptions{}); unlock()
//	// and st.OutboxEntry(e.ID) says sent, failed (ErrorCode, Error, ErrorFields) or conflict (Server).
//
// A task or a logged call is w.Create("Task", fields) (a call: TaskSubtype
// "Call", Status "Completed"); Edit re-validates new values for an entry.
package write

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
)

// Writer validates and queues writes on one cache.
type Writer struct {
	st *store.Store
	// Now is the clock (today for date words; queue time); nil: time.Now.
	Now func() time.Time
}

// New returns a Writer over st.
func New(st *store.Store) *Writer { return &Writer{st: st} }

func (w *Writer) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// FieldError is one refused value.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every refused value of a write; nothing was queued.
type ValidationError struct {
	Object string       `json:"object"`
	Errors []FieldError `json:"errors"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		if fe.Field == "" {
			parts[i] = fe.Message
		} else {
			parts[i] = fe.Field + ": " + fe.Message
		}
	}
	return "invalid " + e.Object + ": " + strings.Join(parts, "; ")
}

// ErrNoDescribe: the object's describe is not cached (sync first).
var ErrNoDescribe = errors.New("not described in the cache")

// Describe returns the object's cached describe.
func (w *Writer) Describe(object string) (*sfdc.SObjectDescribe, error) {
	raw, _, ok, err := w.st.Describe(object)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w; run 'lazyforce sync' while online first", object, ErrNoDescribe)
	}
	var d sfdc.SObjectDescribe
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("decode cached describe of %s: %w", object, err)
	}
	return &d, nil
}

// Picklists are the picklist values of one record type, and their age.
type Picklists struct {
	RecordTypeID sfdc.ID
	Fields       map[string]sfdc.PicklistValues
	// FetchedAt is when they were read from the org (zero: not cached;
	// Fields then holds describe's values).
	FetchedAt time.Time
}

// Values returns the values of one picklist field (nil if none).
func (p *Picklists) Values(field string) []sfdc.PicklistValue {
	if p == nil {
		return nil
	}
	for name, v := range p.Fields {
		if strings.EqualFold(name, field) {
			return v.Values
		}
	}
	return nil
}

// Value returns one value's entry, or nil.
func (p *Picklists) Value(field, value string) *sfdc.PicklistValue {
	for _, v := range p.Values(field) {
		if v.Value == value {
			return &v
		}
	}
	return nil
}

// RecordPicklists returns the picklist values for the record type of a
// cached record (id "" or a record with none: the default record type).
func (w *Writer) RecordPicklists(object, id string) (*Picklists, error) {
	d, err := w.Describe(object)
	if err != nil {
		return nil, err
	}
	rt := sfdc.ID("")
	if id != "" {
		if raw, ok, err := w.st.Get(object, id); err != nil {
			return nil, err
		} else if ok {
			rt = recordTypeOf(raw)
		}
	}
	return w.picklists(d, rt)
}

// RecordTypeID returns the record type a record of d with rt ("" for
// none) uses for its picklists.
func RecordTypeID(d *sfdc.SObjectDescribe, rt sfdc.ID) sfdc.ID {
	if rt != "" {
		return rt
	}
	if def := d.DefaultRecordType(); def != nil && def.RecordTypeID != "" {
		return def.RecordTypeID
	}
	return sfdc.MasterRecordTypeID
}

// picklists reads the cached UI API values of record type rt, falling back
// to the describe's active values.
func (w *Writer) picklists(d *sfdc.SObjectDescribe, rt sfdc.ID) (*Picklists, error) {
	rt = RecordTypeID(d, rt)
	raw, at, ok, err := w.st.Picklists(d.Name, string(rt))
	if err != nil {
		return nil, err
	}
	if ok {
		var rp sfdc.RecordTypePicklists
		if err := json.Unmarshal(raw, &rp); err != nil {
			return nil, fmt.Errorf("decode cached picklists of %s %s: %w", d.Name, rt, err)
		}
		return &Picklists{RecordTypeID: rt, Fields: rp.Fields, FetchedAt: at}, nil
	}
	p := &Picklists{RecordTypeID: rt, Fields: map[string]sfdc.PicklistValues{}}
	for _, f := range d.Fields {
		if f.Type != "picklist" && f.Type != "multipicklist" {
			continue
		}
		var vs sfdc.PicklistValues
		for _, e := range f.ActivePicklistValues() {
			vs.Values = append(vs.Values, sfdc.PicklistValue{Label: e.Label, Value: e.Value})
		}
		p.Fields[f.Name] = vs
	}
	return p, nil
}

func recordTypeOf(raw []byte) sfdc.ID {
	var r struct {
		RecordTypeID string `json:"RecordTypeId"`
	}
	_ = json.Unmarshal(raw, &r)
	if r.RecordTypeID == "" {
		return ""
	}
	id, err := sfdc.ParseID(r.RecordTypeID)
	if err != nil {
		return ""
	}
	return id
}

// ParseAssignments turns command-line FIELD=VALUE arguments into values:
// "null" (or an empty value) clears the field; everything else stays text
// and is typed by Check.
func ParseAssignments(args []string) (map[string]any, error) {
	out := make(map[string]any, len(args))
	for _, a := range args {
		name, val, ok := strings.Cut(a, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: want FIELD=VALUE", a)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("field %s given twice", name)
		}
		if val == "" || val == "null" {
			out[name] = nil
		} else {
			out[name] = val
		}
	}
	return out, nil
}

// Checked is a validated write, ready to queue.
type Checked struct {
	Object string
	// ID is the record's 18-character Id ("" for a create).
	ID string
	// Fields are the typed values to send, with the describe's names.
	Fields map[string]any
	// Overlay are values Salesforce derives, shown in the cache at once.
	Overlay map[string]any
	// KeyPrefix is the object's key prefix (a create's placeholder Id).
	KeyPrefix string
}

// CheckUpdate validates an update of record id (15 or 18 characters).
func (w *Writer) CheckUpdate(object, id string, fields map[string]any) (*Checked, error) {
	d, err := w.Describe(object)
	if err != nil {
		return nil, err
	}
	verr := &ValidationError{Object: d.Name}
	rid, err := parseRecordID(id)
	if err != nil {
		verr.Errors = append(verr.Errors, FieldError{Field: "Id", Message: err.Error()})
		return nil, verr
	}
	if d.KeyPrefix != "" && rid.KeyPrefix() != d.KeyPrefix {
		verr.Errors = append(verr.Errors, FieldError{Field: "Id", Message: fmt.Sprintf("%s is not a %s Id (those start with %s)", id, d.Name, d.KeyPrefix)})
		return nil, verr
	}
	if !d.Updateable {
		verr.Errors = append(verr.Errors, FieldError{Message: d.Name + " records cannot be updated"})
		return nil, verr
	}
	if len(fields) == 0 {
		verr.Errors = append(verr.Errors, FieldError{Message: "no fields to change"})
		return nil, verr
	}
	var rt sfdc.ID
	if raw, ok, err := w.st.Get(d.Name, string(rid)); err != nil {
		return nil, err
	} else if ok {
		rt = recordTypeOf(raw)
	}
	ch, pl, err := w.check(d, fields, string(rid), rt, verr)
	if err != nil {
		return nil, err
	}
	if len(verr.Errors) > 0 {
		return nil, verr
	}
	ch.Overlay = derived(d.Name, pl, ch.Fields)
	return ch, nil
}

// CheckCreate validates a new record.
func (w *Writer) CheckCreate(object string, fields map[string]any) (*Checked, error) {
	d, err := w.Describe(object)
	if err != nil {
		return nil, err
	}
	verr := &ValidationError{Object: d.Name}
	if !d.Createable {
		verr.Errors = append(verr.Errors, FieldError{Message: d.Name + " records cannot be created"})
		return nil, verr
	}
	ch, pl, err := w.check(d, fields, "", "", verr)
	if err != nil {
		return nil, err
	}
	for _, f := range d.Fields {
		if !f.Createable || f.Nillable || f.DefaultedOnCreate || f.Type == "boolean" {
			continue
		}
		if v, ok := ch.Fields[f.Name]; !ok || v == nil {
			if !slices.ContainsFunc(verr.Errors, func(e FieldError) bool { return e.Field == f.Name }) {
				verr.Errors = append(verr.Errors, FieldError{Field: f.Name, Message: "required"})
			}
		}
	}
	if len(verr.Errors) > 0 {
		return nil, verr
	}
	ch.Overlay = derived(d.Name, pl, ch.Fields)
	return ch, nil
}

func lookup(fields map[string]any, name string) (any, bool) {
	for k, v := range fields {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// check types and checks fields for the record id of d ("" creates one)
// against the picklists of its record type: the one fields set, else rt
// (the record's). What is wrong is added to verr.
func (w *Writer) check(d *sfdc.SObjectDescribe, fields map[string]any, id string, rt sfdc.ID, verr *ValidationError) (*Checked, *Picklists, error) {
	if v, ok := lookup(fields, "RecordTypeId"); ok {
		if s, _ := v.(string); s != "" {
			if set, err := sfdc.ParseID(s); err == nil {
				rt = set
			}
		}
	}
	pl, err := w.picklists(d, rt)
	if err != nil {
		return nil, nil, err
	}
	ch := &Checked{Object: d.Name, ID: id, Fields: map[string]any{}, KeyPrefix: d.KeyPrefix}
	w.checkFields(d, pl, fields, id == "", ch, verr)
	return ch, pl, nil
}

// checkFields types and checks every value into ch.Fields.
func (w *Writer) checkFields(d *sfdc.SObjectDescribe, pl *Picklists, fields map[string]any, creating bool, ch *Checked, verr *ValidationError) {
	for _, name := range slices.Sorted(mapsKeys(fields)) {
		f := d.Field(name)
		if f == nil {
			verr.Errors = append(verr.Errors, FieldError{Field: name, Message: "no such field on " + d.Name})
			continue
		}
		if creating && !f.Createable {
			verr.Errors = append(verr.Errors, FieldError{Field: f.Name, Message: "cannot be set on a new record"})
			continue
		}
		if !creating && !f.Updateable {
			verr.Errors = append(verr.Errors, FieldError{Field: f.Name, Message: "cannot be changed"})
			continue
		}
		if _, dup := ch.Fields[f.Name]; dup {
			verr.Errors = append(verr.Errors, FieldError{Field: f.Name, Message: "given twice"})
			continue
		}
		v, err := w.value(f, pl, fields[name])
		if err != nil {
			verr.Errors = append(verr.Errors, FieldError{Field: f.Name, Message: err.Error()})
			continue
		}
		ch.Fields[f.Name] = v
	}
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// value types v (a string from the command line, or a JSON-typed value)
// for field f.
func (w *Writer) value(f *sfdc.Field, pl *Picklists, v any) (any, error) {
	if v == nil {
		if f.Type == "boolean" {
			return false, nil
		}
		if !f.Nillable {
			return nil, errors.New("required: cannot be cleared")
		}
		return nil, nil
	}
	if n, ok := v.(json.Number); ok {
		v = n.String()
	}
	switch f.Type {
	case "boolean":
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "1":
				return true, nil
			case "false", "no", "0":
				return false, nil
			}
		}
		return nil, fmt.Errorf("%v is not a boolean (true or false)", v)
	case "int", "double", "currency", "percent", "long":
		return number(f, v)
	case "date":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not a date", v)
		}
		return w.date(s)
	case "datetime":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not a date and time", v)
		}
		t, err := sfdc.ParseTime(strings.TrimSpace(s))
		if err != nil {
			if t, err = time.Parse(time.RFC3339, strings.TrimSpace(s)); err != nil {
				return nil, fmt.Errorf("%q is not a date and time (like 2026-12-01T09:30:00Z)", s)
			}
		}
		return t.UTC().Format("2006-01-02T15:04:05.000+0000"), nil
	case "reference", "id":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not an Id", v)
		}
		id, err := parseRecordID(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		if obj, known := id.ObjectType(); known && len(f.ReferenceTo) > 0 && !slices.Contains(f.ReferenceTo, obj) {
			return nil, fmt.Errorf("%s is a %s Id; the field refers to %s", id, obj, strings.Join(f.ReferenceTo, " or "))
		}
		return string(id), nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%v is not text", v)
	}
	switch f.Type {
	case "picklist":
		if err := checkPicklist(f, pl, s); err != nil {
			return nil, err
		}
	case "multipicklist":
		for _, part := range strings.Split(s, ";") {
			if err := checkPicklist(f, pl, part); err != nil {
				return nil, err
			}
		}
	case "email":
		if _, err := mail.ParseAddress(s); err != nil || strings.ContainsAny(s, "<> ") {
			return nil, fmt.Errorf("%q is not an email address", s)
		}
	}
	if f.Length > 0 && len([]rune(s)) > f.Length {
		return nil, fmt.Errorf("too long: %d characters, at most %d", len([]rune(s)), f.Length)
	}
	return s, nil
}

// checkPicklist accepts the values of the record type's picklist.
func checkPicklist(f *sfdc.Field, pl *Picklists, s string) error {
	values := pl.Values(f.Name)
	if values == nil && !f.RestrictedPicklist {
		return nil
	}
	var names []string
	for _, v := range values {
		if v.Value == s {
			return nil
		}
		names = append(names, v.Value)
	}
	where := "this record type"
	if pl.FetchedAt.IsZero() {
		where = "the field"
	}
	return fmt.Errorf("%q is not a value of %s (one of: %s)", s, where, strings.Join(names, ", "))
}

// number parses a numeric value within the field's precision and scale.
func number(f *sfdc.Field, v any) (any, error) {
	var x float64
	switch n := v.(type) {
	case float64:
		x = n
	case int:
		x = float64(n)
	case int64:
		x = float64(n)
	case string:
		s := strings.TrimSpace(strings.ReplaceAll(n, ",", ""))
		s = strings.TrimSuffix(s, "%")
		var err error
		if x, err = strconv.ParseFloat(s, 64); err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("%q is not a number", n)
		}
	default:
		return nil, fmt.Errorf("%v is not a number", v)
	}
	if f.Type == "int" || f.Type == "long" {
		if x != math.Trunc(x) {
			return nil, fmt.Errorf("%v is not a whole number", v)
		}
		if f.Digits > 0 && len(strconv.FormatInt(int64(math.Abs(x)), 10)) > f.Digits {
			return nil, fmt.Errorf("%v has more than %d digits", v, f.Digits)
		}
		return int64(x), nil
	}
	if f.Precision > 0 {
		intDigits := len(strconv.FormatInt(int64(math.Abs(x)), 10))
		if maxInt := f.Precision - f.Scale; intDigits > maxInt {
			return nil, fmt.Errorf("%v is too large: at most %d digits before the decimal point", v, maxInt)
		}
	}
	return x, nil
}

// date accepts 2006-01-02, today and tomorrow.
func (w *Writer) date(s string) (any, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	now := w.now()
	switch s {
	case "today":
		return now.Format(time.DateOnly), nil
	case "tomorrow":
		return now.AddDate(0, 0, 1).Format(time.DateOnly), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a date (like 2026-12-01, today or tomorrow)", s)
	}
	return t.Format(time.DateOnly), nil
}

// parseRecordID accepts a 15- or 18-character Id (or an offline
// placeholder) and returns its 18-character form.
func parseRecordID(s string) (sfdc.ID, error) {
	if store.IsLocalID(s) {
		return sfdc.ID(s), nil
	}
	return sfdc.ParseID(s)
}

// derived are the values Salesforce sets from the written ones, for the
// cache until the push reads the real ones back: an opportunity's
// probability, forecast category and closed/won flags follow its stage.
func derived(object string, pl *Picklists, fields map[string]any) map[string]any {
	if object != "Opportunity" {
		return nil
	}
	stage, ok := fields["StageName"].(string)
	if !ok {
		return nil
	}
	v := pl.Value("StageName", stage)
	if v == nil || v.Attributes == nil {
		return nil
	}
	out := map[string]any{
		"IsClosed":             v.Attributes.Closed,
		"IsWon":                v.Attributes.Won,
		"ForecastCategoryName": v.Attributes.ForecastCategoryName,
	}
	if _, set := fields["Probability"]; !set {
		out["Probability"] = v.Attributes.DefaultProbability
	}
	return out
}

// Update validates and queues an update of record id: the cached record
// shows it at once, marked pending in the outbox.
func (w *Writer) Update(object, id string, fields map[string]any) (store.OutboxEntry, error) {
	ch, err := w.CheckUpdate(object, id, fields)
	if err != nil {
		return store.OutboxEntry{}, err
	}
	return w.Queue(ch)
}

// Create validates and queues a new record: it is cached at once under a
// placeholder Id (store.IsLocalID) until the push gives it its real one.
func (w *Writer) Create(object string, fields map[string]any) (store.OutboxEntry, error) {
	ch, err := w.CheckCreate(object, fields)
	if err != nil {
		return store.OutboxEntry{}, err
	}
	return w.Queue(ch)
}

// Queue commits a checked write to the outbox.
func (w *Writer) Queue(ch *Checked) (store.OutboxEntry, error) {
	e := store.OutboxEntry{Object: ch.Object, RecordID: ch.ID, Fields: ch.Fields, Overlay: ch.Overlay, QueuedAt: w.now().UTC()}
	e.Kind = store.OutboxUpdate
	if ch.ID == "" {
		e.Kind = store.OutboxCreate
	}
	return w.st.Enqueue(e, ch.KeyPrefix)
}

// Edit validates new values for an unsent outbox entry and stores them
// (the entry becomes pending again).
func (w *Writer) Edit(entryID uint64, fields map[string]any) (store.OutboxEntry, error) {
	e, err := w.st.OutboxEntry(entryID)
	if err != nil {
		return e, err
	}
	var ch *Checked
	if e.Kind == store.OutboxCreate {
		ch, err = w.CheckCreate(e.Object, fields)
	} else {
		ch, err = w.CheckUpdate(e.Object, e.RecordID, fields)
	}
	if err != nil {
		return e, err
	}
	return w.st.EditEntry(entryID, ch.Fields, ch.Overlay)
}
