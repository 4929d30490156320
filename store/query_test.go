package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

const (
	describeAccount = `{"name":"Account","keyPrefix":"001","fields":[
		{"name":"Id","type":"id"},{"name":"Name","type":"string"},{"name":"AnnualRevenue","type":"currency"},
		{"name":"OwnerId","type":"reference","referenceTo":["User"],"relationshipName":"Owner"},
		{"name":"SystemModstamp","type":"datetime"},{"name":"IsDeleted","type":"boolean"}],
		"childRelationships":[{"childSObject":"Contact","field":"AccountId","relationshipName":"Contacts"}]}`
	describeContact = `{"name":"Contact","keyPrefix":"003","fields":[
		{"name":"Id","type":"id"},{"name":"LastName","type":"string"},
		{"name":"AccountId","type":"reference","referenceTo":["Account"],"relationshipName":"Account"},
		{"name":"IsDeleted","type":"boolean"}],"childRelationships":[]}`
	describeUser = `{"name":"User","keyPrefix":"005","fields":[
		{"name":"Id","type":"id"},{"name":"Name","type":"string"},{"name":"IsDeleted","type":"boolean"}],"childRelationships":[]}`
)

// TestOfflineQuery runs real SOQL (filters, parent paths, child subqueries,
// aggregates) over cached records through the soql engine.
func TestOfflineQuery(t *testing.T) {
	s := openTemp(t)
	now := time.Now()
	for obj, d := range map[string]string{"Account": describeAccount, "Contact": describeContact, "User": describeUser} {
		if err := s.PutDescribe(obj, []byte(d), now); err != nil {
			t.Fatal(err)
		}
	}
	user := string(sfdc.NewID("005", "4S", 1))
	a1 := string(sfdc.NewID("001", "4S", 1))
	a2 := string(sfdc.NewID("001", "4S", 2))
	err := s.Update(func(w *Writer) error {
		for _, r := range []struct{ obj, raw string }{
			{"User", string(rec("User", user, `,"Name":"Rep One","IsDeleted":false`))},
			{"Account", string(rec("Account", a1, `,"Name":"Acme","AnnualRevenue":500,"OwnerId":"`+user+`","IsDeleted":false`))},
			{"Account", string(rec("Account", a2, `,"Name":"Globex","AnnualRevenue":1500,"OwnerId":"`+user+`","IsDeleted":false`))},
			{"Contact", string(rec("Contact", string(sfdc.NewID("003", "4S", 1)), `,"LastName":"Zed","AccountId":"`+a1+`","IsDeleted":false`))},
			{"Contact", string(rec("Contact", string(sfdc.NewID("003", "4S", 2)), `,"LastName":"Amy","AccountId":"`+a1+`","IsDeleted":false`))},
		} {
			if _, err := w.PutRecord(r.obj, []byte(r.raw)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	res, err := s.Query(ctx, "SELECT Name, Owner.Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE AnnualRevenue > 100 ORDER BY Name", QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(rowsJSON(res.Records))
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"Contacts":[{"LastName":"Amy"},{"LastName":"Zed"}],"Name":"Acme","Owner":{"Name":"Rep One"}},` +
		`{"Contacts":null,"Name":"Globex","Owner":{"Name":"Rep One"}}]`
	if res.TotalSize != 2 || string(got) != want {
		t.Fatalf("query = %d %s\nwant %s", res.TotalSize, got, want)
	}

	res, err = s.Query(ctx, "SELECT COUNT() FROM Contact WHERE Account.Name LIKE 'ac%'", QueryOptions{})
	if err != nil || res.TotalSize != 2 {
		t.Fatalf("COUNT() = %+v %v", res, err)
	}

	_, err = s.Query(ctx, "SELECT Bacon__c FROM Account", QueryOptions{})
	var qe *soql.Error
	if !errors.As(err, &qe) || qe.Code != "INVALID_FIELD" {
		t.Fatalf("bad field: %v", err)
	}
}

// rowsJSON flattens soql rows to plain maps (without attributes) for comparison.
func rowsJSON(rows []*soql.Row) []map[string]any {
	var out []map[string]any
	for _, r := range rows {
		out = append(out, rowJSON(r))
	}
	return out
}

func rowJSON(r *soql.Row) map[string]any {
	m := map[string]any{}
	for i, k := range r.Keys {
		if k == "attributes" {
			continue
		}
		switch v := r.Values[i].(type) {
		case *soql.Row:
			m[k] = rowJSON(v)
		case *soql.ChildSet:
			m[k] = rowsJSON(v.Records)
		default:
			m[k] = v
		}
	}
	return m
}
