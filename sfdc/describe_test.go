package sfdc

import (
	"testing"
)

func TestDescribeGlobal(t *testing.T) {
	body := `{"encoding":"UTF-8","maxBatchSize":200,"sobjects":[
		{"activateable":false,"createable":true,"custom":false,"customSetting":false,"deletable":true,"deprecatedAndHidden":false,"feedEnabled":true,
		 "keyPrefix":"001","label":"Account","labelPlural":"Accounts","layoutable":true,"mergeable":true,"name":"Account","queryable":true,"replicateable":true,
		 "retrieveable":true,"searchable":true,"triggerable":true,"undeletable":true,"updateable":true,
		 "urls":{"sobject":"/services/data/v62.0/sobjects/Account","describe":"/services/data/v62.0/sobjects/Account/describe","rowTemplate":"/services/data/v62.0/sobjects/Account/{ID}"}},
		{"createable":false,"custom":true,"deletable":false,"keyPrefix":null,"label":"Audit","labelPlural":"Audits","name":"Audit__c","queryable":false,"replicateable":false,"searchable":false,"updateable":false,"urls":{}}]}`
	c, _ := newTestClient(t, serveJSON(t, 200, []byte(body), expectRequest(t, "GET", "/services/data/v62.0/sobjects/")))
	g, err := c.DescribeGlobal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.MaxBatchSize != 200 || g.Encoding != "UTF-8" || len(g.SObjects) != 2 {
		t.Fatalf("global = %+v", g)
	}
	a := g.SObjects[0]
	if a.Name != "Account" || a.KeyPrefix != "001" || !a.Queryable || !a.Replicateable || a.Custom || a.URLs["describe"] != "/services/data/v62.0/sobjects/Account/describe" {
		t.Errorf("Account = %+v", a)
	}
	if au := g.SObjects[1]; au.Name != "Audit__c" || !au.Custom || au.Queryable || au.KeyPrefix != "" {
		t.Errorf("Audit__c = %+v", au)
	}
	if _, err := c.Describe(ctx, "Account/../../limits"); err == nil {
		t.Error("invalid object name accepted")
	}
}
