package ui

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/ui/theme"
	"github.com/lazyforce/lazyforce/views"
)

func editorOf(st *store.Store, c *sfdc.Client) *StoreEditor {
	return NewStoreEditor(st, func(context.Context) (*sfdc.Client, error) { return c, nil })
}

// firstRecord returns the Id of a cached record of object for which ok
// says yes.
func firstRecord(t *testing.T, st *store.Store, object string, ok func(r map[string]any) bool) (string, map[string]any) {
	t.Helper()
	var id string
	var rec map[string]any
	if err := st.ForEach(object, func(k string, raw []byte) bool {
		var r map[string]any
		if json.Unmarshal(raw, &r) == nil && ok(r) {
			id, rec = k, r
			return false
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if id == "" {
		t.Fatalf("no cached %s fits", object)
	}
	return id, rec
}

// formKey is keyPress with the form's keys.
func formKey(k string) tea.KeyPressMsg {
	switch k {
	case "ctrl+s":
		return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	}
	return keyPress(k)
}

func editorContext() *views.Context {
	return &views.Context{Styles: theme.New(true), Keys: keymap.Default(), Now: func() time.Time { return testNow }}
}

func formKeys(f *views.RecordForm, keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		_, cmd := f.Update(formKey(k))
		if cmd != nil {
			out = append(out, cmd())
		}
	}
	return out
}

func typeIntoForm(f *views.RecordForm, s string) {
	for _, r := range s {
		f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func focusField(t *testing.T, f *views.RecordForm, name string) {
	t.Helper()
	for range len(f.Fields()) {
		if f.Focused() == name {
			return
		}
		formKeys(f, "tab")
	}
	t.Fatalf("the form has no field %s: %v", name, f.Fields())
}

// TestRecordFormOffersTheUpdateableFields: the edit form of an
// opportunity offers exactly the fields the org's describe says the user
// may update; a field field-level security closes disappears; StageName
// offers the values of the record's record type only.
func TestRecordFormOffersTheUpdateableFields(t *testing.T) {
	st, c := liveDemo(t)
	ctx := context.Background()
	ed := editorOf(st, c)
	oppID, rec := firstRecord(t, st, "Opportunity", func(r map[string]any) bool { return r["RecordTypeId"] != nil })
	d, err := c.Describe(ctx, "Opportunity")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range d.Fields {
		if f.Updateable {
			want = append(want, f.Name)
		}
	}
	in, err := ed.FormFor(ctx, "Opportunity", oppID, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range in.Fields {
		got = append(got, f.Name)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) || !slices.Contains(got, "Loss_Reason__c") {
		t.Fatalf("form fields %v, want the updateable %v (custom ones included)", got, want)
	}
	// The record type's stages, from the org's UI API, and no other.
	rt, _ := sfdc.ParseID(rec["RecordTypeId"].(string))
	pls, err := c.Picklists(ctx, "Opportunity", rt)
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	for _, v := range pls.Fields["StageName"].Values {
		stages = append(stages, v.Value)
	}
	form := views.NewRecordForm(editorContext(), in)
	if got := form.Choices("StageName"); !slices.Equal(got, stages) {
		t.Fatalf("StageName offers %v, want the record type's %v", got, stages)
	}
	var other []string
	for _, info := range d.RecordTypeInfos {
		if info.RecordTypeID != rt && !info.Master && info.RecordTypeID != "" {
			p, err := c.Picklists(ctx, "Opportunity", info.RecordTypeID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range p.Fields["StageName"].Values {
				if !slices.Contains(stages, v.Value) {
					other = append(other, v.Value)
				}
			}
		}
	}
	if len(other) == 0 {
		t.Fatal("the demo org's other record type has no stage of its own to check")
	}
	for _, v := range other {
		if slices.Contains(form.Choices("StageName"), v) {
			t.Errorf("StageName offers %q, a stage of another record type", v)
		}
	}
	// Field-level security takes NextStep away: the form follows.
	setCachedField(t, st, "Opportunity", "NextStep", func(f map[string]any) { f["updateable"] = false })
	in, err = ed.FormFor(ctx, "Opportunity", oppID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range in.Fields {
		if f.Name == "NextStep" {
			t.Fatal("the form offers NextStep, which the user may no longer edit")
		}
	}
}

// setCachedField changes one field of the cached describe of object (add
// is appended when field is not there).
func setCachedField(t *testing.T, st *store.Store, object, field string, change func(f map[string]any)) {
	t.Helper()
	raw, at, ok, err := st.Describe(object)
	if err != nil || !ok {
		t.Fatalf("describe of %s: %v %v", object, ok, err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	fields := d["fields"].([]any)
	found := false
	for _, f := range fields {
		if f.(map[string]any)["name"] == field {
			change(f.(map[string]any))
			found = true
		}
	}
	if !found {
		f := map[string]any{"name": field}
		change(f)
		d["fields"] = append(fields, f)
	}
	out, _ := json.Marshal(d)
	if err := st.PutDescribe(object, out, at); err != nil {
		t.Fatal(err)
	}
}

// TestRecordFormDependentPicklist: a dependent picklist offers the values
// whose validFor bitmap names the controller's current value.
func TestRecordFormDependentPicklist(t *testing.T) {
	st, c := liveDemo(t)
	ctx := context.Background()
	acctID, _ := firstRecord(t, st, "Account", func(map[string]any) bool { return true })
	d, err := c.Describe(ctx, "Account")
	if err != nil {
		t.Fatal(err)
	}
	var regions []string
	for _, v := range d.Field("Region__c").PicklistValues {
		regions = append(regions, v.Value)
	}
	// Bit 0 (0x80) is the first region, bit 1 (0x40) the second.
	setCachedField(t, st, "Account", "Office__c", func(f map[string]any) {
		for k, v := range map[string]any{"label": "Office", "type": "picklist", "updateable": true, "createable": true, "nillable": true,
			"custom": true, "dependentPicklist": true, "controllerName": "Region__c", "picklistValues": []any{
				map[string]any{"active": true, "label": "Boston", "value": "Boston", "validFor": "gA=="},
				map[string]any{"active": true, "label": "Paris", "value": "Paris", "validFor": "QA=="},
				map[string]any{"active": true, "label": "Remote", "value": "Remote", "validFor": "wA=="},
			}} {
			f[k] = v
		}
	})
	in, err := editorOf(st, c).FormFor(ctx, "Account", acctID, "")
	if err != nil {
		t.Fatal(err)
	}
	form := views.NewRecordForm(editorContext(), in)
	focusField(t, form, "Region__c")
	for range len(regions) + 1 {
		if form.Value("Region__c") == regions[0] {
			break
		}
		formKeys(form, "right")
	}
	if got := form.Choices("Office__c"); !slices.Equal(got, []string{"", "Boston", "Remote"}) {
		t.Fatalf("with Region %s, Office offers %v", form.Value("Region__c"), got)
	}
	formKeys(form, "right") // the second region
	if form.Value("Region__c") != regions[1] {
		t.Fatalf("→ chose %q, want %q", form.Value("Region__c"), regions[1])
	}
	if got := form.Choices("Office__c"); !slices.Equal(got, []string{"", "Paris", "Remote"}) {
		t.Fatalf("with Region %s, Office offers %v", regions[1], got)
	}
}

// TestRecordFormRequiredFieldRefusedBeforeSending: a new opportunity
// without a close date is refused by the form and by the write path, and
// nothing reaches the outbox or the org.
func TestRecordFormRequiredFieldRefusedBeforeSending(t *testing.T) {
	st, c := liveDemo(t)
	ctx := context.Background()
	ed := editorOf(st, c)
	acctID, _ := firstRecord(t, st, "Account", func(map[string]any) bool { return true })
	in, err := ed.FormFor(ctx, "Opportunity", "", acctID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range in.Fields {
		names = append(names, f.Name)
		if f.Name == "AccountId" && f.Value != acctID {
			t.Errorf("the new opportunity's account is %q, want %s", f.Value, acctID)
		}
	}
	for _, want := range []string{"Name", "StageName", "CloseDate", "AccountId"} {
		if !slices.Contains(names, want) {
			t.Errorf("the create form lacks %s: %v", want, names)
		}
	}
	form := views.NewRecordForm(editorContext(), in)
	focusField(t, form, "Name")
	typeIntoForm(form, "Big deal")
	if msgs := formKeys(form, "ctrl+s"); len(msgs) != 0 {
		t.Fatalf("saved without a close date: %v", msgs)
	}
	if form.Error("CloseDate") == "" || form.Focused() != "CloseDate" {
		t.Fatalf("no error at the close date (focus %s)", form.Focused())
	}
	calls := c.APICalls()
	res, err := ed.Save(ctx, "Opportunity", "", map[string]any{"Name": "Big deal", "StageName": "Prospecting", "AccountId": acctID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Queued || len(res.Errors) != 1 || res.Errors[0].Field != "CloseDate" {
		t.Fatalf("save without CloseDate: %+v", res)
	}
	if box, _ := st.Outbox(); len(box) != 0 || c.APICalls() != calls {
		t.Fatalf("a refused write reached the outbox (%d) or the org (%d calls)", len(box), c.APICalls()-calls)
	}
}

// TestRecordFormCustomFieldEditLands: an account's Region__c, changed in
// its form, is on the server after the save.
func TestRecordFormCustomFieldEditLands(t *testing.T) {
	st, c := liveDemo(t)
	ctx := context.Background()
	ed := editorOf(st, c)
	acctID, rec := firstRecord(t, st, "Account", func(r map[string]any) bool { return r["Region__c"] == "EMEA" })
	in, err := ed.FormFor(ctx, "Account", acctID, "")
	if err != nil {
		t.Fatal(err)
	}
	form := views.NewRecordForm(editorContext(), in)
	focusField(t, form, "Region__c")
	for range 6 {
		if form.Value("Region__c") == "APAC" {
			break
		}
		formKeys(form, "right")
	}
	msgs := formKeys(form, "ctrl+s")
	if len(msgs) != 1 {
		t.Fatalf("ctrl+s: %v", msgs)
	}
	sub := msgs[0].(views.RecordSubmittedMsg)
	if len(sub.Fields) != 1 || sub.Fields["Region__c"] != "APAC" {
		t.Fatalf("submitted %v, want only Region__c APAC", sub.Fields)
	}
	res, err := ed.Save(ctx, sub.Object, sub.ID, sub.Fields)
	if err != nil || !res.Pushed {
		t.Fatalf("save: %+v %v", res, err)
	}
	q, err := c.Query(ctx, "SELECT Region__c, Name FROM Account WHERE Id = '"+acctID+"'")
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Records) != 1 || q.Records[0].String("Region__c") != "APAC" || q.Records[0].String("Name") != rec["Name"] {
		t.Fatalf("server has %v", q.Records)
	}
}

// TestRecordCreateShowsPendingThenLands: a new opportunity is in the
// lists at once, pending, and on the server after the push.
func TestRecordCreateShowsPendingThenLands(t *testing.T) {
	st, c := liveDemo(t)
	ctx := context.Background()
	acctID, _ := firstRecord(t, st, "Account", func(map[string]any) bool { return true })
	offline := NewStoreEditor(st, nil)
	res, err := offline.Save(ctx, "Opportunity", "", map[string]any{"Name": "Zeppelin refit", "StageName": "Prospecting", "CloseDate": "2026-12-01", "AccountId": acctID})
	if err != nil || !res.Queued || res.Pushed {
		t.Fatalf("offline create: %+v %v", res, err)
	}
	data := NewStoreData(st, StoreDataOptions{OrgName: "demo"})
	opps, err := data.Opportunities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(opps, func(o book.Opportunity) bool { return o.Name == "Zeppelin refit" && o.ID == res.ID }) {
		t.Fatal("the new opportunity is not in the list")
	}
	states, err := st.OutboxStates()
	if err != nil || states[res.ID] != store.OutboxPending {
		t.Fatalf("the new opportunity's state: %v %v", states[res.ID], err)
	}
	if _, err := syncer.Push(ctx, c, st, syncer.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	q, err := c.Query(ctx, "SELECT Id, AccountId FROM Opportunity WHERE Name = 'Zeppelin refit'")
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Records) != 1 || q.Records[0].String("AccountId") != acctID {
		t.Fatalf("server has %v", q.Records)
	}
}

// TestRecordFormLookupPickerSetsTheId: typing part of another account's
// name in an opportunity's Account and picking it sets that account's Id.
func TestRecordFormLookupPickerSetsTheId(t *testing.T) {
	st, c := liveDemo(t)
	ctx := context.Background()
	oppID, opp := firstRecord(t, st, "Opportunity", func(r map[string]any) bool { return r["AccountId"] != nil })
	otherID, other := firstRecord(t, st, "Account", func(r map[string]any) bool { return r["Id"] != opp["AccountId"] })
	in, err := editorOf(st, c).FormFor(ctx, "Opportunity", oppID, "")
	if err != nil {
		t.Fatal(err)
	}
	form := views.NewRecordForm(editorContext(), in)
	focusField(t, form, "AccountId")
	if form.Value("AccountId") != opp["AccountId"] {
		t.Fatalf("the lookup starts at %q, want %v", form.Value("AccountId"), opp["AccountId"])
	}
	formKeys(form, "ctrl+u") // clear the current name
	for range 80 {
		formKeys(form, "backspace")
	}
	typeIntoForm(form, other["Name"].(string))
	formKeys(form, "enter")
	if form.Value("AccountId") != otherID {
		t.Fatalf("picked %q, want %s (%s)", form.Value("AccountId"), otherID, other["Name"])
	}
	msgs := formKeys(form, "ctrl+s")
	if len(msgs) != 1 || msgs[0].(views.RecordSubmittedMsg).Fields["AccountId"] != otherID {
		t.Fatalf("submitted %v", msgs)
	}
}

// TestDetailNavigationAndEditInTheApp: from an account's detail, ] moves
// onto its first opportunity, enter opens it, e edits its close date,
// esc comes back to the account with the opportunity still selected;
// the server has the new date.
func TestDetailNavigationAndEditInTheApp(t *testing.T) {
	st, c := liveDemo(t)
	m, err := New(Deps{Data: NewStoreData(st, StoreDataOptions{OrgName: "demo"}), Editor: editorOf(st, c), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	run(m, m.loadStatus())
	run(m, m.loadData())
	// An account with contacts and opportunities.
	for range 200 {
		run(m, press(m, "enter"))
		d := m.Detail(views.AccountsPane)
		if strings.Contains(screen(m), "Contacts (0)") || strings.Contains(screen(m), "Opportunities (0)") {
			run(m, press(m, "esc"))
			press(m, "j")
			continue
		}
		if d != nil {
			break
		}
	}
	acct := m.Detail(views.AccountsPane)
	if acct == nil || acct.Kind() != views.AccountRecord {
		t.Fatal("no account detail open")
	}
	var oppID string
	for range 100 {
		run(m, press(m, "]"))
		if kind, id, ok := acct.Selected(); ok && kind == views.OpportunityRecord {
			oppID = id
			break
		}
	}
	if oppID == "" {
		t.Fatal("] never reached an opportunity")
	}
	run(m, press(m, "enter"))
	if d := m.Detail(views.AccountsPane); d == nil || d.ID() != oppID || !strings.Contains(screen(m), "Opportunity · ") {
		t.Fatalf("enter did not open the opportunity:\n%s", screen(m))
	}
	runEdit(m, press(m, "e"))
	if m.edit.form == nil || m.edit.form.ID() != oppID {
		t.Fatalf("e opened no form: %q\n%s", m.flash.text, screen(m))
	}
	for range 40 {
		if m.edit.form.Focused() == "CloseDate" {
			break
		}
		press(m, "tab")
	}
	for range 12 {
		press(m, "backspace")
	}
	for _, r := range "2027-03-15" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd := m.Update(formKey("ctrl+s"))
	runEdit(m, cmd)
	if m.edit.form != nil {
		t.Fatalf("the form stayed open: %q\n%s", m.edit.form.Error(""), screen(m))
	}
	run(m, press(m, "esc"))
	if d := m.Detail(views.AccountsPane); d != acct {
		t.Fatal("esc did not come back to the account")
	}
	if kind, id, ok := acct.Selected(); !ok || kind != views.OpportunityRecord || id != oppID {
		t.Fatalf("back on the account, the selection is %v %q", ok, id)
	}
	q, err := c.Query(context.Background(), "SELECT CloseDate FROM Opportunity WHERE Id = '"+oppID+"'")
	if err != nil || len(q.Records) != 1 || q.Records[0].String("CloseDate") != "2027-03-15" {
		t.Fatalf("server: %v %v", q, err)
	}
}

// runEdit is run that also feeds the record form's own messages back.
func runEdit(m *Model, cmd tea.Cmd) {
	for _, msg := range run(m, cmd) {
		switch msg.(type) {
		case recordFormLoadedMsg, recordSavedMsg:
			_, next := m.Update(msg)
			runEdit(m, next)
		}
	}
}

func TestRecordNameReadsTheTopLevelName(t *testing.T) {
	for raw, want := range map[string]string{
		`{"attributes":{"type":"Account","Name":"no"},"Owner":{"Name":"Sam"},"Tags":["Name",{"Name":"x"}],"Name":"Acme \"Q\" \u00e9"}`: `Acme "Q" é`,
		`{"Id":"001","Name" : "Spaced"}`: "Spaced",
		`{"Id":"001","Title":"Name"}`:    "",
		`{"Name":null}`:                  "",
	} {
		if got := recordName([]byte(raw)); got != want {
			t.Errorf("recordName(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestValidForDecodesTheBitmap(t *testing.T) {
	ctl := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	// 0xA0 0x80: bits 0, 2 and 8.
	if got := ValidFor("oIA=", ctl); !slices.Equal(got, []string{"a", "c", "i"}) {
		t.Fatalf("ValidFor = %v", got)
	}
	if got := ValidFor("not base64!", ctl); len(got) != 0 {
		t.Fatalf("a bad bitmap is valid for %v", got)
	}
}

// TestRecordFormEditConflictOverwritesNothing: an edit of a record that
// changed on the server since the sync is a conflict: the server keeps
// its value, the outbox holds the edit.
func TestRecordFormEditConflictOverwritesNothing(t *testing.T) {
	st, c := liveDemo(t)
	ctx := context.Background()
	acctID, _ := firstRecord(t, st, "Account", func(map[string]any) bool { return true })
	// The emulator's clock is testNow: a later server change needs a
	// later LastModifiedDate than the cached one, which it sets.
	if err := c.Update(ctx, "Account", sfdc.ID(acctID), map[string]any{"Region__c": "LATAM"}, sfdc.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := editorOf(st, c).Save(ctx, "Account", acctID, map[string]any{"Region__c": "APAC"})
	if err != nil {
		t.Fatal(err)
	}
	q, qerr := c.Query(ctx, "SELECT Region__c FROM Account WHERE Id = '"+acctID+"'")
	if qerr != nil {
		t.Fatal(qerr)
	}
	if !res.Conflict || res.Pushed || q.Records[0].String("Region__c") != "LATAM" {
		t.Fatalf("result %+v, server %s", res, q.Records[0].String("Region__c"))
	}
}

// TestNewRecordKeys: n opens a new account on the accounts list, and a
// new opportunity on the account whose page is open; saved, it is on the
// account's page at once.
func TestNewRecordKeys(t *testing.T) {
	st, c := liveDemo(t)
	m, err := New(Deps{Data: NewStoreData(st, StoreDataOptions{OrgName: "demo"}), Editor: NewStoreEditor(st, nil), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	_ = c
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	run(m, m.loadStatus())
	run(m, m.loadData())
	runEdit(m, press(m, "n"))
	if f := m.edit.form; f == nil || f.Object() != "Account" || f.ID() != "" || !slices.Contains(f.Fields(), "Name") {
		t.Fatalf("n on the accounts list:\n%s", screen(m))
	}
	runEdit(m, press(m, "esc"))
	run(m, press(m, "enter"))
	acct := m.Detail(views.AccountsPane)
	if acct == nil {
		t.Fatal("no account page")
	}
	runEdit(m, press(m, "n"))
	f := m.edit.form
	if f == nil || f.Object() != "Opportunity" || f.Value("AccountId") != acct.ID() {
		t.Fatalf("n on an account's page:\n%s", screen(m))
	}
	focusField(t, f, "Name")
	for _, r := range "Zeppelin refit" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	focusField(t, f, "CloseDate")
	for _, r := range "2026-12-01" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd := m.Update(formKey("ctrl+s"))
	runEdit(m, cmd)
	if m.edit.form != nil {
		t.Fatalf("not saved: %q %q", f.Error(""), f.Error("StageName"))
	}
	if !strings.Contains(screen(m), "Zeppelin refit") || !strings.Contains(m.flash.text, "queued") {
		t.Fatalf("the new opportunity is not on the account's page (%q):\n%s", m.flash.text, screen(m))
	}
}
