package redact

import (
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store/book"
)

func TestMaskingIsDeterministicPerRunAndHidesTheValue(t *testing.T) {
	m := NewWithKey([]byte("run one"), true)
	if a, b := m.Person("Jane Doe"), m.Person("  jane   DOE "); a != b || !strings.HasPrefix(a, "Person ") {
		t.Errorf("the same person got %q and %q", a, b)
	}
	if m.Person("Jane Doe") == m.Person("John Doe") {
		t.Error("two people got one alias")
	}
	if a, b := m.Phone("(415) 555-0100"), m.Phone("415.555.0100"); a != b || strings.Contains(a, "555") {
		t.Errorf("the same number got %q and %q", a, b)
	}
	if a, b := m.Email("Jane@Example.com"), m.Email(" jane@example.com"); a != b || strings.Contains(a, "jane") {
		t.Errorf("the same address got %q and %q", a, b)
	}
	other := NewWithKey([]byte("run two"), true)
	if other.Person("Jane Doe") == m.Person("Jane Doe") {
		t.Error("another run's key gave the same alias")
	}
	one, two := New(true), New(true)
	if one.Person("Jane Doe") == two.Person("Jane Doe") {
		t.Error("two runs with random keys gave the same alias")
	}
	m.Set(false)
	if m.Person("Jane Doe") != "Jane Doe" || (*Masker)(nil).Email("a@b.c") != "a@b.c" {
		t.Error("a switched-off or nil masker masked")
	}
}

func TestMaskBookTypes(t *testing.T) {
	m := NewWithKey([]byte("k"), true)
	c := book.Contact{Name: "Jane Doe", Email: "jane@example.com", Phone: "415", AccountName: "Acme", Title: "CFO"}
	got := m.Contact(c)
	if got.Name == c.Name || got.Email == c.Email || got.Phone == c.Phone || got.AccountName != "Acme" || got.Title != "CFO" {
		t.Errorf("masked contact %+v", got)
	}
	o := book.OpportunityDetail{
		Opportunity:  book.Opportunity{Name: "Acme renewal", Amount: 5000, StageName: "Prospecting"},
		ContactRoles: []book.ContactRole{{ContactName: "Jane Doe"}},
		Activities:   []book.Activity{{Subject: "Call Jane about pricing", WhoName: "Jane Doe"}},
	}
	od := m.OpportunityDetail(o)
	if od.Opportunity != o.Opportunity || od.ContactRoles[0].ContactName != m.Person("Jane Doe") ||
		od.Activities[0].WhoName != m.Person("Jane Doe") || strings.Contains(od.Activities[0].Subject, "Jane") {
		t.Errorf("masked opportunity detail %+v", od)
	}
	if o.ContactRoles[0].ContactName != "Jane Doe" {
		t.Error("masking changed the original")
	}
}

func TestMaskQueryRecords(t *testing.T) {
	m := NewWithKey([]byte("k"), true)
	r := map[string]any{
		"attributes": map[string]any{"type": "Task"},
		"Subject":    "Call Jane", "Status": "Open",
		"Who": map[string]any{"attributes": map[string]any{"type": "Contact"}, "Name": "Jane Doe", "Email": "jane@example.com"},
		"Account": map[string]any{"attributes": map[string]any{"type": "Account"}, "Name": "Acme", "Phone": "(415) 555-0100",
			"Contacts": map[string]any{"records": []any{map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": "Doe"}}}},
	}
	m.Record("Task", r)
	who := r["Who"].(map[string]any)
	acct := r["Account"].(map[string]any)
	sub := acct["Contacts"].(map[string]any)["records"].([]any)[0].(map[string]any)
	if r["Subject"] == "Call Jane" || r["Status"] != "Open" || who["Name"] == "Jane Doe" || who["Email"] == "jane@example.com" ||
		acct["Name"] != "Acme" || acct["Phone"] == "(415) 555-0100" || sub["LastName"] == "Doe" {
		t.Errorf("masked record %v", r)
	}
}

func TestMaskQueryRows(t *testing.T) {
	m := NewWithKey([]byte("k"), true)
	attrs := func(typ string) *soql.Row { return &soql.Row{Keys: []string{"type"}, Values: []any{typ}} }
	contact := &soql.Row{Keys: []string{"attributes", "Name", "Email"}, Values: []any{attrs("Contact"), "Jane Doe", "jane@example.com"}}
	row := &soql.Row{
		Keys: []string{"attributes", "Name", "Phone", "Contacts", "Owner"},
		Values: []any{attrs("Account"), "Acme", "(415) 555-0100",
			&soql.ChildSet{Records: []*soql.Row{contact}},
			&soql.Row{Keys: []string{"Name"}, Values: []any{"Sam Seller"}}},
	}
	m.Rows("", []*soql.Row{row})
	if row.Values[1] != "Acme" || row.Values[2] == "(415) 555-0100" || contact.Values[1] != m.Person("Jane Doe") ||
		contact.Values[2] != m.Email("jane@example.com") || row.Values[4].(*soql.Row).Values[0] != "Sam Seller" {
		t.Errorf("masked rows: account %v, contact %v", row.Values, contact.Values)
	}
	off := &soql.Row{Keys: []string{"Name"}, Values: []any{"Jane Doe"}}
	m.Set(false)
	m.Rows("Contact", []*soql.Row{off})
	(*Masker)(nil).Rows("Contact", []*soql.Row{off})
	if off.Values[0] != "Jane Doe" {
		t.Errorf("a switched-off or nil masker masked: %v", off.Values)
	}
}
