package soql

import (
	"strings"
	"testing"
	"time"
)

// Test fixture: a tiny org held in memory.

type memCatalog map[string]*Object

func (c memCatalog) Object(name string) (*Object, bool) {
	o, ok := c[strings.ToLower(name)]
	return o, ok
}

// memSource holds rows per object in insertion order.
type memSource struct {
	objects map[string][]Record // describe-cased object name → rows
	byID    map[string]string   // id → object
	rows    map[string]Record
	scans   map[string][]string // object → last need list
	project bool                // Scan returns only the needed fields
}

func newMemSource() *memSource {
	return &memSource{objects: map[string][]Record{}, byID: map[string]string{}, rows: map[string]Record{}, scans: map[string][]string{}}
}

func (s *memSource) add(object string, r Record) {
	s.objects[object] = append(s.objects[object], r)
	id := r["Id"].(string)
	s.byID[id] = object
	s.rows[id] = r
}

// Scan hands out rows; with project set it keeps only the need fields, as
// a source that decodes lazily would, so a field missing from need shows
// up as a wrong answer in the tests.
func (s *memSource) Scan(object string, need []string, fn func(Record) bool) error {
	s.scans[object] = need
	for _, r := range s.objects[object] {
		if s.project {
			p := make(Record, len(need))
			for _, n := range need {
				if v, ok := r[n]; ok {
					p[n] = v
				}
			}
			r = p
		}
		if !fn(r) {
			break
		}
	}
	return nil
}

func (s *memSource) Get(id string) (string, Record, bool) {
	r, ok := s.rows[id]
	return s.byID[id], r, ok
}

// childSource adds the ChildSource fast path and counts its use.
type childSource struct {
	*memSource
	calls int
}

func (s *childSource) Children(object, field, parentID string, fn func(Record) bool) error {
	s.calls++
	for _, r := range s.objects[object] {
		if r[field] == parentID && !fn(r) {
			break
		}
	}
	return nil
}

func id(prefix string, n int) string {
	s := "000000000000" + string(rune('0'+n/10)) + string(rune('0'+n%10))
	return prefix + s[len(s)-12:] + "AAA"
}

var (
	u1, u2, u3     = id("005", 1), id("005", 2), id("005", 3)
	a1, a2, a3, a4 = id("001", 1), id("001", 2), id("001", 3), id("001", 4)
	c1, c2, c3     = id("003", 1), id("003", 2), id("003", 3)
	c4, c5         = id("003", 4), id("003", 5)
	o1, o2, o3     = id("006", 1), id("006", 2), id("006", 3)
	o4, o5         = id("006", 4), id("006", 5)
)

func testCatalog() memCatalog {
	user := &Object{Name: "User", Fields: []Field{
		{Name: "Id", Type: "id"},
		{Name: "Name", Type: "string"},
		{Name: "ManagerId", Type: "reference", ReferenceTo: []string{"User"}, RelationshipName: "Manager"},
		{Name: "IsDeleted", Type: "boolean"},
	}}
	account := &Object{Name: "Account", Fields: []Field{
		{Name: "Id", Type: "id"},
		{Name: "Name", Type: "string"},
		{Name: "Industry", Type: "picklist"},
		{Name: "AnnualRevenue", Type: "currency"},
		{Name: "OwnerId", Type: "reference", ReferenceTo: []string{"User"}, RelationshipName: "Owner"},
		{Name: "ParentId", Type: "reference", ReferenceTo: []string{"Account"}, RelationshipName: "Parent"},
		{Name: "CreatedDate", Type: "datetime"},
		{Name: "IsDeleted", Type: "boolean"},
		{Name: "Rating__c", Type: "double"},
	}, Children: []ChildRelationship{
		{Name: "Contacts", Object: "Contact", Field: "AccountId"},
		{Name: "Opportunities", Object: "Opportunity", Field: "AccountId"},
	}}
	contact := &Object{Name: "Contact", Fields: []Field{
		{Name: "Id", Type: "id"},
		{Name: "FirstName", Type: "string"},
		{Name: "LastName", Type: "string"},
		{Name: "AccountId", Type: "reference", ReferenceTo: []string{"Account"}, RelationshipName: "Account"},
		{Name: "Birthdate", Type: "date"},
		{Name: "IsDeleted", Type: "boolean"},
	}}
	opp := &Object{Name: "Opportunity", Fields: []Field{
		{Name: "Id", Type: "id"},
		{Name: "Name", Type: "string"},
		{Name: "AccountId", Type: "reference", ReferenceTo: []string{"Account"}, RelationshipName: "Account"},
		{Name: "OwnerId", Type: "reference", ReferenceTo: []string{"User"}, RelationshipName: "Owner"},
		{Name: "Amount", Type: "currency"},
		{Name: "StageName", Type: "picklist"},
		{Name: "CloseDate", Type: "date"},
		{Name: "IsClosed", Type: "boolean"},
		{Name: "CreatedDate", Type: "datetime"},
		{Name: "Interests__c", Type: "multipicklist"},
		{Name: "IsDeleted", Type: "boolean"},
	}}
	return memCatalog{"user": user, "account": account, "contact": contact, "opportunity": opp}
}

func testSource() *memSource {
	s := newMemSource()
	s.project = true
	s.add("User", Record{"Id": u1, "Name": "Alice Admin", "ManagerId": nil, "IsDeleted": false})
	s.add("User", Record{"Id": u2, "Name": "Bob Boss", "ManagerId": u1, "IsDeleted": false})
	s.add("User", Record{"Id": u3, "Name": "Carol Rep", "ManagerId": u2, "IsDeleted": false})

	s.add("Account", Record{"Id": a1, "Name": "Acme", "Industry": "Technology", "AnnualRevenue": 5e6, "OwnerId": u3, "ParentId": nil, "CreatedDate": "2024-05-14T23:30:00.000+0000", "IsDeleted": false, "Rating__c": 4.0})
	s.add("Account", Record{"Id": a2, "Name": "globex", "Industry": nil, "AnnualRevenue": 750000.0, "OwnerId": u2, "ParentId": a1, "CreatedDate": "2024-05-15T03:00:00.000+0000", "IsDeleted": false, "Rating__c": nil})
	s.add("Account", Record{"Id": a3, "Name": "Initech", "Industry": "Finance", "AnnualRevenue": nil, "OwnerId": u3, "ParentId": nil, "CreatedDate": "2023-01-01T00:00:00.000+0000", "IsDeleted": false, "Rating__c": 2.0})
	s.add("Account", Record{"Id": a4, "Name": "Umbrella", "Industry": "Technology", "AnnualRevenue": 1.0, "OwnerId": u1, "ParentId": nil, "CreatedDate": "2022-01-01T00:00:00.000+0000", "IsDeleted": true, "Rating__c": 1.0})

	s.add("Contact", Record{"Id": c1, "FirstName": "Ann", "LastName": "Smith", "AccountId": a1, "Birthdate": "1980-02-29", "IsDeleted": false})
	s.add("Contact", Record{"Id": c2, "FirstName": "bill", "LastName": "jones", "AccountId": a1, "Birthdate": nil, "IsDeleted": false})
	s.add("Contact", Record{"Id": c3, "FirstName": "Cy", "LastName": "Brown_%", "AccountId": a2, "Birthdate": "1990-12-31", "IsDeleted": false})
	s.add("Contact", Record{"Id": c4, "FirstName": nil, "LastName": "Orphan", "AccountId": nil, "Birthdate": "2000-01-01", "IsDeleted": false})
	s.add("Contact", Record{"Id": c5, "FirstName": "Del", "LastName": "Deleted", "AccountId": a3, "Birthdate": nil, "IsDeleted": true})

	s.add("Opportunity", Record{"Id": o1, "Name": "Big Deal", "AccountId": a1, "OwnerId": u3, "Amount": 100000.0, "StageName": "Prospecting", "CloseDate": "2024-03-31", "IsClosed": false, "CreatedDate": "2024-01-15T10:00:00.000+0000", "Interests__c": "Cloud;AI", "IsDeleted": false})
	s.add("Opportunity", Record{"Id": o2, "Name": "Small Deal", "AccountId": a1, "OwnerId": u3, "Amount": 5000.0, "StageName": "Closed Won", "CloseDate": "2024-04-01", "IsClosed": true, "CreatedDate": "2024-02-01T00:00:00.000+0000", "Interests__c": "AI", "IsDeleted": false})
	s.add("Opportunity", Record{"Id": o3, "Name": "No Amount", "AccountId": a2, "OwnerId": u2, "Amount": nil, "StageName": "Prospecting", "CloseDate": "2024-06-30", "IsClosed": false, "CreatedDate": "2024-05-15T11:59:59.000+0000", "Interests__c": nil, "IsDeleted": false})
	s.add("Opportunity", Record{"Id": o4, "Name": "Renewal", "AccountId": a3, "OwnerId": u3, "Amount": 25000.0, "StageName": "closed won", "CloseDate": "2023-12-31", "IsClosed": true, "CreatedDate": "2023-11-01T08:00:00.000+0000", "Interests__c": "Cloud;Security;Data", "IsDeleted": false})
	s.add("Opportunity", Record{"Id": o5, "Name": "Orphan Opp", "AccountId": nil, "OwnerId": u1, "Amount": 1000.0, "StageName": "Negotiation", "CloseDate": nil, "IsClosed": false, "CreatedDate": "2024-05-01T00:00:00.000+0000", "Interests__c": "Security", "IsDeleted": false})
	return s
}

// testNow is Wednesday 2024-05-15 12:00 UTC.
var testNow = time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)

func testEnv() Env {
	return Env{
		Catalog:    testCatalog(),
		Source:     testSource(),
		Now:        func() time.Time { return testNow },
		APIVersion: "62.0",
	}
}

// run parses and executes q, failing the test on error.
func run(t *testing.T, env Env, q string) *Result {
	t.Helper()
	pq, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	res, err := Execute(t.Context(), env, pq)
	if err != nil {
		t.Fatalf("Execute(%q): %v", q, err)
	}
	return res
}

// runErr parses and executes q, returning the first error.
func runErr(t *testing.T, env Env, q string) (*Result, error) {
	t.Helper()
	pq, err := Parse(q)
	if err != nil {
		return nil, err
	}
	return Execute(t.Context(), env, pq)
}

// column returns the values of key across the result rows.
func column(res *Result, key string) []any {
	var out []any
	for _, r := range res.Records {
		v, _ := r.Get(key)
		out = append(out, v)
	}
	return out
}
