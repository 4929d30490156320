package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
	bolt "go.etcd.io/bbolt"
)

// readFixture reads a recorded Salesforce response from
// shared/fixtures/salesforce, which sits beside the repository (as in
// sfdc's fixture tests). A missing fixture fails the test: it never skips.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatal("no go.mod above the test's directory: cannot find the repository root")
		}
		root = parent
	}
	path := filepath.Join(root, "..", "shared", "fixtures", "salesforce", name)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("fixture missing (the shared/ checkout must sit beside the repository): %v", err)
	}
	return raw
}

// TestCatalogFromRealDescribe builds the catalog from a recorded describe.
func TestCatalogFromRealDescribe(t *testing.T) {
	raw := readFixture(t, "describe-contact-v42-trimmed.json")
	s := openTemp(t)
	if err := s.PutDescribe("Contact", raw, time.Now()); err != nil {
		t.Fatal(err)
	}
	cat, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	obj, ok := cat.Object("contact")
	if !ok || obj.Name != "Contact" {
		t.Fatalf("Object(contact) = %v %v", obj, ok)
	}
	var sawTasks bool
	for _, c := range obj.Children {
		if c.Name == "Tasks" && c.Object == "Task" && c.Field == "WhoId" {
			sawTasks = true
		}
	}
	if !sawTasks {
		t.Fatalf("child relationship Tasks missing: %+v", obj.Children)
	}
	if len(obj.Fields) == 0 || obj.Fields[0].Name == "" {
		t.Fatalf("fields = %+v", obj.Fields)
	}
	// A describe written later invalidates the cached catalog.
	if err := s.PutDescribe("Thing__c", []byte(`{"name":"Thing__c","keyPrefix":"a00","fields":[{"name":"Id","type":"id"}]}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	cat, _ = s.Catalog()
	if _, ok := cat.Object("THING__C"); !ok {
		t.Fatal("catalog not rebuilt after PutDescribe")
	}
}

// TestSourceScanGetChildren exercises the soql.Source over bbolt directly.
func TestSourceScanGetChildren(t *testing.T) {
	s := openTemp(t)
	thingID := string(sfdc.NewID("a00", "4S", 1))
	acct := string(sfdc.NewID("001", "4S", 1))
	c1 := string(sfdc.NewID("003", "4S", 1))
	c2 := string(sfdc.NewID("003", "4S", 2))
	c3 := string(sfdc.NewID("003", "4S", 3))
	if err := s.PutDescribe("Thing__c", []byte(`{"name":"Thing__c","keyPrefix":"a00","fields":[{"name":"Id","type":"id"}]}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	err := s.Update(func(w *Writer) error {
		for _, r := range []struct {
			obj string
			raw []byte
		}{
			{"Account", rec("Account", acct, `,"Name":"Acme","AnnualRevenue":1.5e6,"IsActive__c":true,"Description":null`)},
			{"Contact", rec("Contact", c1, `,"LastName":"One","AccountId":"`+acct+`"`)},
			{"Contact", rec("Contact", c2, `,"LastName":"Two","AccountId":"`+acct+`"`)},
			{"Contact", rec("Contact", c3, `,"LastName":"Three","AccountId":null`)},
			{"Thing__c", rec("Thing__c", thingID, `,"Name":"T"`)},
		} {
			if _, err := w.PutRecord(r.obj, r.raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := s.loadCatalog()
	err = s.view(func(tx *bolt.Tx) error {
		src := &txSource{tx: tx, cat: cat}
		// Scan with a need hint decodes only those fields (plus Id).
		var rows []soql.Record
		if err := src.Scan("account", []string{"annualrevenue", "IsActive__c", "Description"}, func(r soql.Record) bool {
			rows = append(rows, r)
			return true
		}); err != nil {
			return err
		}
		if len(rows) != 1 || len(rows[0]) != 4 || rows[0]["AnnualRevenue"] != 1.5e6 || rows[0]["IsActive__c"] != true ||
			rows[0]["Id"] != acct || rows[0]["Name"] != nil {
			t.Errorf("Scan(Account) = %v", rows)
		}
		if _, ok := rows[0]["Description"]; !ok {
			t.Errorf("null field missing from decoded record: %v", rows[0])
		}
		// Get resolves any object by Id, including custom objects via keyPrefix.
		obj, r, ok := src.Get(thingID)
		if !ok || obj != "Thing__c" || r["Name"] != "T" {
			t.Errorf("Get(thing) = %q %v %v", obj, r, ok)
		}
		if _, _, ok := src.Get(string(sfdc.NewID("001", "4S", 99))); ok {
			t.Error("Get of an unknown id succeeded")
		}
		// Children uses the lookup index.
		var names []string
		if err := src.Children("Contact", "AccountId", acct, func(r soql.Record) bool {
			names = append(names, r["LastName"].(string))
			return true
		}); err != nil {
			return err
		}
		if len(names) != 2 || names[0] != "One" || names[1] != "Two" {
			t.Errorf("Children = %v", names)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
