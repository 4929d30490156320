package emulator

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

// writer carries what a write depends on besides its data.
type writer struct {
	now  time.Time
	user string // the acting user's id
	tx   *txn   // non-nil inside an all-or-none transaction
}

// txn records the previous version of every row it touches so an
// all-or-none request can be rolled back.
type txn struct {
	undo []undoEntry
}

type undoEntry struct {
	id      string
	prev    entry
	existed bool
}

// remember records id's current state before its first change in tx.
// The caller holds o.mu.
func (tx *txn) remember(o *org, id string) {
	if tx == nil {
		return
	}
	for _, u := range tx.undo {
		if u.id == id {
			return
		}
	}
	prev, ok := o.byID[id]
	tx.undo = append(tx.undo, undoEntry{id: id, prev: prev, existed: ok})
}

// rollback restores every row tx touched.
func (o *org) rollback(tx *txn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(tx.undo) - 1; i >= 0; i-- {
		u := tx.undo[i]
		if u.existed {
			def, _ := o.schema.Lookup(u.prev.object)
			o.putLocked(def, u.prev.rec)
			continue
		}
		o.removeLocked(u.id)
	}
	tx.undo = nil
}

// removeLocked forgets a row entirely (used to undo a create).
func (o *org) removeLocked(id string) {
	e, ok := o.byID[id]
	if !ok {
		return
	}
	def, _ := o.schema.Lookup(e.object)
	// Drop child-index entries by writing a version without references.
	blank := Record{"Id": id}
	o.putLocked(def, blank)
	delete(o.byID, id)
	t := o.byDef[def]
	for i, x := range t.ids {
		if x == id {
			t.ids = append(t.ids[:i:i], t.ids[i+1:]...)
			break
		}
	}
}

// newID mints an id for def. The caller holds o.mu.
func (o *org) newIDLocked(def *ObjectDef) string {
	o.serial++
	return string(sfdc.NewID(def.KeyPrefix, "Dm", 5_000_000_000+o.serial))
}

// stampTime returns the modification time for a write at now, in whole
// seconds as Salesforce stores it. It is strictly after the previous
// modification so every write moves LastModifiedDate: a second write to a
// record within the same second is stamped one second later.
func stampTime(now time.Time, old Record) time.Time {
	t := now.UTC().Truncate(time.Second)
	if old != nil {
		if s, _ := old["SystemModstamp"].(string); s != "" {
			if prev, ok := parseDateTime(s); ok && !t.After(prev) {
				t = prev.Add(time.Second)
			}
		}
	}
	return t
}

// applyFields coerces and copies client-supplied fields into rec.
func applyFields(def *ObjectDef, rec Record, fields map[string]any, creating bool) (map[string]bool, *Error) {
	changed := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if strings.EqualFold(k, "attributes") || (!creating && strings.EqualFold(k, "Id")) {
			continue
		}
		f, ok := def.Field(k)
		if !ok {
			return nil, errf(http.StatusBadRequest, "INVALID_FIELD", nil, "No such column '%s' on sobject of type %s", k, def.Name)
		}
		if (creating && !f.Createable) || (!creating && !f.Updateable) {
			return nil, errf(http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", []string{f.Name},
				"Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", f.Name)
		}
		v, err := coerce(f, fields[k])
		if err != nil {
			return nil, err
		}
		if v == nil && f.Type == "boolean" {
			v = false
		}
		rec[f.Name] = v
		changed[f.Name] = true
	}
	return changed, nil
}

// checkRequired reports missing required fields.
func checkRequired(def *ObjectDef, rec Record) *Error {
	var missing []string
	for i := range def.Fields {
		f := &def.Fields[i]
		if f.Required() && rec[f.Name] == nil {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return errf(http.StatusBadRequest, "REQUIRED_FIELD_MISSING", missing, "Required fields are missing: [%s]", strings.Join(missing, ", "))
}

// checkReferences verifies that changed lookups point at live records of an allowed type.
func (o *org) checkReferences(def *ObjectDef, rec Record, changed map[string]bool) *Error {
	for name := range changed {
		f, _ := def.Field(name)
		id, ok := rec[name].(string)
		if f.Type != "reference" || !ok {
			continue
		}
		e, found := o.byID[id]
		if !found {
			return errf(http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", []string{f.Name}, "invalid cross reference id")
		}
		allowed := false
		for _, t := range f.ReferenceTo {
			allowed = allowed || strings.EqualFold(t, e.object)
		}
		if !allowed {
			return errf(http.StatusBadRequest, "FIELD_INTEGRITY_EXCEPTION", []string{f.Name}, "%s: id value of incorrect type: %s", f.Label, id)
		}
		if d, _ := e.rec["IsDeleted"].(bool); d {
			return errf(http.StatusBadRequest, "ENTITY_IS_DELETED", []string{f.Name}, "entity is deleted")
		}
	}
	return nil
}

// create inserts a record and returns its id.
func (o *org) create(w writer, object string, fields map[string]any) (string, *Error) {
	def, ok := o.schema.Lookup(object)
	if !ok {
		return "", errNotFound()
	}
	if !def.Createable {
		return "", errf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", nil, "entity type cannot be inserted: %s", def.Name)
	}
	if idField(fields) != "" {
		return "", errf(http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", []string{"Id"}, "Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.")
	}
	rec := Record{}
	changed, err := applyFields(def, rec, fields, true)
	if err != nil {
		return "", err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range def.Fields {
		f := &def.Fields[i]
		if _, set := rec[f.Name]; set {
			continue
		}
		switch {
		case f.Name == "OwnerId":
			rec[f.Name] = w.user
			changed[f.Name] = true
		case f.Defaulted && f.DefaultValue != nil:
			rec[f.Name] = f.DefaultValue
		}
	}
	o.deriveLocked(def, rec, nil, changed, w.now)
	if err := o.checkReferences(def, rec, changed); err != nil {
		return "", err
	}
	if err := checkRequired(def, rec); err != nil {
		return "", err
	}
	if err := validationRules(def, rec); err != nil {
		return "", err
	}
	id := o.newIDLocked(def)
	ts := formatDateTime(stampTime(w.now, nil))
	rec["Id"], rec["IsDeleted"] = id, false
	rec["CreatedDate"], rec["LastModifiedDate"], rec["SystemModstamp"] = ts, ts, ts
	rec["CreatedById"], rec["LastModifiedById"] = w.user, w.user
	w.tx.remember(o, id)
	o.putLocked(def, rec)
	o.noteActivityLocked(w, def.Name, rec)
	return id, nil
}

// liveRecordLocked finds a record of def by a client-supplied id; a record
// in the recycle bin answers ENTITY_IS_DELETED, as Salesforce's DML does.
func (o *org) liveRecordLocked(def *ObjectDef, rawID string) (string, Record, *Error) {
	id, err := sfdc.ParseID(rawID)
	if err != nil {
		return "", nil, errMalformedID("Record ID", rawID, "Id")
	}
	e, ok := o.byID[string(id)]
	if !ok || !strings.EqualFold(e.object, def.Name) {
		return "", nil, errNotFound()
	}
	if d, _ := e.rec["IsDeleted"].(bool); d {
		return "", nil, errEntityDeleted()
	}
	return string(id), e.rec, nil
}

// update changes fields of a record. A non-zero ifUnmodifiedSince fails
// with 412 when the record changed after it.
func (o *org) update(w writer, object, rawID string, fields map[string]any, ifUnmodifiedSince time.Time) *Error {
	return o.onLiveRecord(object, rawID, func(def *ObjectDef, id string, old Record) *Error {
		return o.updateLocked(w, def, id, old, fields, ifUnmodifiedSince)
	})
}

// updateLocked is update of the live record id (old) of def, the org
// locked.
func (o *org) updateLocked(w writer, def *ObjectDef, id string, old Record, fields map[string]any, ifUnmodifiedSince time.Time) *Error {
	if !def.Updateable {
		return errf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", nil, "entity type cannot be updated: %s", def.Name)
	}
	if !ifUnmodifiedSince.IsZero() {
		if lm, ok := parseDateTime(old["LastModifiedDate"].(string)); ok && lm.Truncate(time.Second).After(ifUnmodifiedSince) {
			return errf(http.StatusPreconditionFailed, "PRECONDITION_FAILED", nil,
				"The requested resource has been modified since %s; it was last modified at %s", ifUnmodifiedSince.UTC().Format(http.TimeFormat), lm.UTC().Format(http.TimeFormat))
		}
	}
	rec := make(Record, len(old)+4)
	for k, v := range old {
		rec[k] = v
	}
	changed, err := applyFields(def, rec, fields, false)
	if err != nil {
		return err
	}
	o.deriveLocked(def, rec, old, changed, w.now)
	if err := o.checkReferences(def, rec, changed); err != nil {
		return err
	}
	if err := checkRequired(def, rec); err != nil {
		return err
	}
	if err := validationRules(def, rec); err != nil {
		return err
	}
	ts := formatDateTime(stampTime(w.now, old))
	rec["LastModifiedDate"], rec["SystemModstamp"], rec["LastModifiedById"] = ts, ts, w.user
	w.tx.remember(o, id)
	o.putLocked(def, rec)
	o.noteActivityLocked(w, def.Name, rec)
	return nil
}

// delete moves a record (and its cascade children) to the recycle bin.
func (o *org) delete(w writer, object, rawID string) *Error {
	return o.onLiveRecord(object, rawID, func(def *ObjectDef, id string, old Record) *Error {
		if !def.Deletable {
			return errf(http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", nil, "insufficient access rights on object id")
		}
		o.markDeletedLocked(w, def, id, old)
		return nil
	})
}

// onLiveRecord runs fn, with the org locked, on the live record of object
// that a client-supplied id names (liveRecordLocked).
func (o *org) onLiveRecord(object, rawID string, fn func(def *ObjectDef, id string, old Record) *Error) *Error {
	def, ok := o.schema.Lookup(object)
	if !ok {
		return errNotFound()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	id, old, err := o.liveRecordLocked(def, rawID)
	if err != nil {
		return err
	}
	return fn(def, id, old)
}

func (o *org) markDeletedLocked(w writer, def *ObjectDef, id string, old Record) {
	rec := make(Record, len(old))
	for k, v := range old {
		rec[k] = v
	}
	ts := formatDateTime(stampTime(w.now, old))
	rec["IsDeleted"], rec["LastModifiedDate"], rec["SystemModstamp"], rec["LastModifiedById"] = true, ts, ts, w.user
	w.tx.remember(o, id)
	o.putLocked(def, rec)
	for _, rel := range def.Children {
		if !def.CascadeChildren[rel.Name] {
			continue
		}
		childDef, _ := o.schema.Lookup(rel.Object)
		for _, cid := range append([]string(nil), o.kidsLocked(rel.Object, rel.Field)[id]...) {
			c := o.byID[cid].rec
			if d, _ := c["IsDeleted"].(bool); !d {
				o.markDeletedLocked(w, childDef, cid, c)
			}
		}
	}
}

// validationRules are the demo org's validation rules.
func validationRules(def *ObjectDef, rec Record) *Error {
	if def.Name == "Event" && rec["StartDateTime"] == nil {
		return errf(http.StatusBadRequest, "REQUIRED_FIELD_MISSING", []string{"StartDateTime"},
			"Required fields are missing: [StartDateTime]")
	}
	if def.Name == "Event" {
		if s, e := str0(rec["StartDateTime"]), str0(rec["EndDateTime"]); e != "" && e < s {
			return errf(http.StatusBadRequest, "FIELD_INTEGRITY_EXCEPTION", []string{"EndDateTime"},
				"End Date Time: End time can't be before start time")
		}
	}
	if def.Name == "Opportunity" && rec["StageName"] == "Closed Lost" && rec["Loss_Reason__c"] == nil {
		return errf(http.StatusBadRequest, "FIELD_CUSTOM_VALIDATION_EXCEPTION", []string{"Loss_Reason__c"},
			"Select a Loss Reason before closing an opportunity as Closed Lost.")
	}
	return nil
}
