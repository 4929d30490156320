package soql

import (
	"context"
	"reflect"
	"testing"
)

// TestWhereOrderLimit covers filters, ordering and paging on the fixture.
// Expected values are worked out by hand from fixture_test.go.
func TestWhereOrderLimit(t *testing.T) {
	tests := []struct {
		name string
		q    string
		key  string
		want []any
	}{
		{"all live accounts sorted case-insensitively", "SELECT Name FROM Account ORDER BY Name", "Name", []any{"Acme", "globex", "Initech"}},
		{"keywords and fields case-insensitive", "select NAME from ACCOUNT where name = 'acme'", "Name", []any{"Acme"}},
		{"equals is case-insensitive", "SELECT Name FROM Account WHERE Name = 'ACME'", "Name", []any{"Acme"}},
		{"not equals", "SELECT Name FROM Account WHERE Name != 'acme' ORDER BY Name", "Name", []any{"globex", "Initech"}},
		{"diamond not equals", "SELECT Name FROM Account WHERE Name <> 'acme' ORDER BY Name", "Name", []any{"globex", "Initech"}},
		{"empty string is null", "SELECT Name FROM Account WHERE Industry = ''", "Name", []any{"globex"}},
		{"not empty string is not null", "SELECT Name FROM Account WHERE Industry != '' ORDER BY Name", "Name", []any{"Acme", "Initech"}},
		{"equals null", "SELECT Name FROM Account WHERE Industry = null", "Name", []any{"globex"}},
		{"not equals null", "SELECT Name FROM Account WHERE Industry != null ORDER BY Name", "Name", []any{"Acme", "Initech"}},
		{"not equals keeps nulls", "SELECT Name FROM Account WHERE Industry != 'Technology' ORDER BY Name", "Name", []any{"globex", "Initech"}},
		{"less than on strings is case-insensitive", "SELECT Name FROM Account WHERE Name < 'H' ORDER BY Name", "Name", []any{"Acme", "globex"}},
		{"greater or equal on strings", "SELECT Name FROM Account WHERE Name >= 'GLOBEX' ORDER BY Name", "Name", []any{"globex", "Initech"}},
		{"like prefix, case-insensitive", "SELECT Name FROM Account WHERE Name LIKE 'a%'", "Name", []any{"Acme"}},
		{"like contains", "SELECT Name FROM Account WHERE Name LIKE '%E%' ORDER BY Name", "Name", []any{"Acme", "globex", "Initech"}},
		{"like underscore", "SELECT Name FROM Account WHERE Name LIKE 'gl_bex'", "Name", []any{"globex"}},
		{"like both ends", "SELECT Name FROM Account WHERE Name LIKE 'G%X'", "Name", []any{"globex"}},
		{"like no match", "SELECT Name FROM Account WHERE Name LIKE 'cme%'", "Name", nil},
		{"like escaped underscore and percent", `SELECT LastName FROM Contact WHERE LastName LIKE '%\_\%'`, "LastName", []any{"Brown_%"}},
		{"like escaped underscore is literal", `SELECT LastName FROM Contact WHERE LastName LIKE 'Smi\_h'`, "LastName", nil},
		{"like wildcard underscore", `SELECT LastName FROM Contact WHERE LastName LIKE 'Brown__'`, "LastName", []any{"Brown_%"}},
		{"number greater or equal", "SELECT Name FROM Opportunity WHERE Amount >= 5000 ORDER BY Amount", "Name", []any{"Small Deal", "Renewal", "Big Deal"}},
		{"number less than skips null", "SELECT Name FROM Opportunity WHERE Amount < 5000", "Name", []any{"Orphan Opp"}},
		{"negative number", "SELECT Name FROM Opportunity WHERE Amount > -1 ORDER BY Name", "Name", []any{"Big Deal", "Orphan Opp", "Renewal", "Small Deal"}},
		{"decimal number", "SELECT Name FROM Opportunity WHERE Amount = 1000.00", "Name", []any{"Orphan Opp"}},
		{"in numbers", "SELECT Name FROM Opportunity WHERE Amount IN (1000, 25000) ORDER BY Name", "Name", []any{"Orphan Opp", "Renewal"}},
		{"not in keeps nulls", "SELECT Name FROM Opportunity WHERE Amount NOT IN (1000) ORDER BY Name", "Name", []any{"Big Deal", "No Amount", "Renewal", "Small Deal"}},
		{"in strings case-insensitive", "SELECT Name FROM Opportunity WHERE StageName IN ('closed won') ORDER BY Name", "Name", []any{"Renewal", "Small Deal"}},
		{"in with null", "SELECT Name FROM Account WHERE Industry IN (null, 'Finance') ORDER BY Name", "Name", []any{"globex", "Initech"}},
		{"boolean true", "SELECT Name FROM Opportunity WHERE IsClosed = true ORDER BY Name", "Name", []any{"Renewal", "Small Deal"}},
		{"boolean false", "SELECT Name FROM Opportunity WHERE IsClosed = FALSE ORDER BY Name", "Name", []any{"Big Deal", "No Amount", "Orphan Opp"}},
		{"and or not parentheses", "SELECT Name FROM Opportunity WHERE (StageName = 'Prospecting' OR Amount < 2000) AND NOT Name LIKE 'No%' ORDER BY Name", "Name", []any{"Big Deal", "Orphan Opp"}},
		{"and binds tighter than or", "SELECT Name FROM Opportunity WHERE Amount > 50000 OR StageName = 'Prospecting' AND Amount = null ORDER BY Name", "Name", []any{"Big Deal", "No Amount"}},
		{"not of a group", "SELECT Name FROM Opportunity WHERE NOT (IsClosed = true OR Amount = null) ORDER BY Name", "Name", []any{"Big Deal", "Orphan Opp"}},
		{"includes one value", "SELECT Name FROM Opportunity WHERE Interests__c INCLUDES ('AI') ORDER BY Name", "Name", []any{"Big Deal", "Small Deal"}},
		{"includes and-terms or-list", "SELECT Name FROM Opportunity WHERE Interests__c INCLUDES ('cloud;ai', 'Security') ORDER BY Name", "Name", []any{"Big Deal", "Orphan Opp", "Renewal"}},
		{"includes empty matches nothing", "SELECT Name FROM Opportunity WHERE Interests__c INCLUDES ('')", "Name", nil},
		{"excludes", "SELECT Name FROM Opportunity WHERE Interests__c EXCLUDES ('Cloud') ORDER BY Name", "Name", []any{"No Amount", "Orphan Opp", "Small Deal"}},
		{"multipicklist equals is a set match", "SELECT Name FROM Opportunity WHERE Interests__c = 'ai;cloud'", "Name", []any{"Big Deal"}},
		{"parent field filter", "SELECT Name FROM Opportunity WHERE Account.Owner.Name = 'Carol Rep' ORDER BY Name", "Name", []any{"Big Deal", "Renewal", "Small Deal"}},
		{"five relationship levels", "SELECT LastName FROM Contact WHERE Account.Parent.Owner.Manager.Manager.Name = 'Alice Admin'", "LastName", []any{"Brown_%"}},
		{"id equals 15-char id", "SELECT Name FROM Account WHERE Id = '" + a2[:15] + "'", "Name", []any{"globex"}},
		{"id equals 18-char id in other case", "SELECT Name FROM Account WHERE Id = '" + "001000000000002aaa" + "'", "Name", []any{"globex"}},
		{"empty id literal is null", "SELECT LastName FROM Contact WHERE AccountId = ''", "LastName", []any{"Orphan"}},
		{"reference equals", "SELECT LastName FROM Contact WHERE AccountId = '" + a1 + "' ORDER BY LastName", "LastName", []any{"jones", "Smith"}},
		{"semi-join", "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) ORDER BY Name", "Name", []any{"Acme", "globex"}},
		{"anti-join", "SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)", "Name", []any{"Initech"}},
		{"semi-join with where", "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE IsClosed = true) ORDER BY Name", "Name", []any{"Acme", "Initech"}},
		{"reference semi-join", "SELECT LastName FROM Contact WHERE AccountId IN (SELECT Id FROM Account WHERE Industry = 'Technology')  ORDER BY LastName", "LastName", []any{"jones", "Smith"}},
		{"qualified field names", "SELECT Account.Name FROM Account WHERE Account.Name = 'Acme'", "Name", []any{"Acme"}},
		{"object alias", "SELECT a.Name FROM Account a WHERE a.Industry = 'Finance'", "Name", []any{"Initech"}},
		{"nulls first ascending by default", "SELECT Name FROM Opportunity ORDER BY Amount", "Name", []any{"No Amount", "Orphan Opp", "Small Deal", "Renewal", "Big Deal"}},
		{"nulls first descending by default", "SELECT Name FROM Opportunity ORDER BY Amount DESC", "Name", []any{"No Amount", "Big Deal", "Renewal", "Small Deal", "Orphan Opp"}},
		{"nulls last descending", "SELECT Name FROM Opportunity ORDER BY Amount DESC NULLS LAST", "Name", []any{"Big Deal", "Renewal", "Small Deal", "Orphan Opp", "No Amount"}},
		{"nulls last ascending", "SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST", "Name", []any{"Orphan Opp", "Small Deal", "Renewal", "Big Deal", "No Amount"}},
		{"nulls first explicit on desc", "SELECT Name FROM Opportunity ORDER BY CloseDate DESC NULLS FIRST", "Name", []any{"Orphan Opp", "No Amount", "Small Deal", "Big Deal", "Renewal"}},
		{"multiple keys, case-insensitive ties", "SELECT Name FROM Opportunity ORDER BY StageName, Name DESC", "Name", []any{"Small Deal", "Renewal", "Orphan Opp", "No Amount", "Big Deal"}},
		{"order by parent field", "SELECT LastName FROM Contact ORDER BY Account.Name DESC NULLS LAST, LastName", "LastName", []any{"Brown_%", "jones", "Smith", "Orphan"}},
		{"order by boolean", "SELECT Name FROM Opportunity WHERE Amount != null ORDER BY IsClosed, Amount", "Name", []any{"Orphan Opp", "Big Deal", "Small Deal", "Renewal"}},
		{"order by datetime", "SELECT Name FROM Opportunity ORDER BY CreatedDate DESC LIMIT 2", "Name", []any{"No Amount", "Orphan Opp"}},
		{"limit and offset", "SELECT Name FROM Opportunity ORDER BY Name LIMIT 2 OFFSET 1", "Name", []any{"No Amount", "Orphan Opp"}},
		{"offset past the end", "SELECT Name FROM Opportunity ORDER BY Name OFFSET 10", "Name", nil},
		{"limit without order keeps scan order", "SELECT Name FROM Opportunity LIMIT 2", "Name", []any{"Big Deal", "Small Deal"}},
		{"limit zero", "SELECT Name FROM Opportunity LIMIT 0", "Name", nil},
		{"with security_enforced and for view", "SELECT Name FROM Account WHERE Name = 'Acme' WITH SECURITY_ENFORCED LIMIT 1 FOR VIEW", "Name", []any{"Acme"}},
		{"date equals", "SELECT Name FROM Opportunity WHERE CloseDate = 2024-03-31", "Name", []any{"Big Deal"}},
		{"date greater", "SELECT Name FROM Opportunity WHERE CloseDate > 2024-03-31 ORDER BY Name", "Name", []any{"No Amount", "Small Deal"}},
		{"datetime greater", "SELECT Name FROM Opportunity WHERE CreatedDate > 2024-05-01T00:00:00Z", "Name", []any{"No Amount"}},
		{"datetime greater or equal", "SELECT Name FROM Opportunity WHERE CreatedDate >= 2024-05-01T00:00:00Z ORDER BY Name", "Name", []any{"No Amount", "Orphan Opp"}},
		{"datetime equal with offset", "SELECT Name FROM Opportunity WHERE CreatedDate = 2024-05-01T02:00:00+02:00", "Name", []any{"Orphan Opp"}},
		{"datetime less or equal", "SELECT Name FROM Opportunity WHERE CreatedDate <= 2024-01-15T10:00:00.000Z ORDER BY Name", "Name", []any{"Big Deal", "Renewal"}},
		{"leap day", "SELECT LastName FROM Contact WHERE Birthdate = 1980-02-29", "LastName", []any{"Smith"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, testEnv(), tt.q)
			got := column(res, tt.key)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s\n got %v\nwant %v", tt.q, got, tt.want)
			}
			if res.TotalSize != len(tt.want) {
				t.Errorf("TotalSize = %d, want %d", res.TotalSize, len(tt.want))
			}
		})
	}
}

func TestDeletedRows(t *testing.T) {
	env := testEnv()
	q := "SELECT Name FROM Account ORDER BY Name"
	if got := column(run(t, env, q), "Name"); !reflect.DeepEqual(got, []any{"Acme", "globex", "Initech"}) {
		t.Errorf("query: %v", got)
	}
	env.IncludeDeleted = true
	if got := column(run(t, env, q), "Name"); !reflect.DeepEqual(got, []any{"Acme", "globex", "Initech", "Umbrella"}) {
		t.Errorf("queryAll: %v", got)
	}
	// Deleted children are excluded from subqueries and semi-joins too.
	env.IncludeDeleted = false
	res := run(t, env, "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Initech'")
	if v, _ := res.Records[0].Get("Contacts"); v != nil {
		t.Errorf("Initech contacts = %v, want nil (only child is deleted)", v)
	}
}

func TestOutputCasingAndKeys(t *testing.T) {
	res := run(t, testEnv(), "select name, INDUSTRY, account.annualrevenue from ACCOUNT where NAME = 'acme'")
	r := res.Records[0]
	if want := []string{"attributes", "Name", "Industry", "AnnualRevenue"}; !reflect.DeepEqual(r.Keys, want) {
		t.Errorf("keys = %v, want %v", r.Keys, want)
	}
	attrs := r.Values[0].(*Row)
	if got, _ := attrs.Get("type"); got != "Account" {
		t.Errorf("type = %v", got)
	}
	if got, _ := attrs.Get("url"); got != "/services/data/v62.0/sobjects/Account/"+a1 {
		t.Errorf("url = %v", got)
	}
	if got, _ := r.Get("AnnualRevenue"); got != 5e6 {
		t.Errorf("AnnualRevenue = %v", got)
	}
}

func TestParentRelationships(t *testing.T) {
	res := run(t, testEnv(), "SELECT Name, Account.Name, Account.Owner.Manager.Name, Account.Industry FROM Opportunity WHERE Name IN ('Big Deal', 'Orphan Opp') ORDER BY Name")
	if len(res.Records) != 2 {
		t.Fatalf("got %d rows", len(res.Records))
	}
	big := res.Records[0]
	if want := []string{"attributes", "Name", "Account"}; !reflect.DeepEqual(big.Keys, want) {
		t.Fatalf("keys = %v, want %v", big.Keys, want)
	}
	acc, _ := big.Get("Account")
	accRow := acc.(*Row)
	if want := []string{"attributes", "Name", "Owner", "Industry"}; !reflect.DeepEqual(accRow.Keys, want) {
		t.Errorf("Account keys = %v, want %v", accRow.Keys, want)
	}
	if v, _ := big.Get("Account.Owner.Manager.Name"); v != "Bob Boss" {
		t.Errorf("manager = %v, want Bob Boss", v)
	}
	if v, _ := big.Get("Account.Industry"); v != "Technology" {
		t.Errorf("industry = %v", v)
	}
	orphan := res.Records[1]
	if v, ok := orphan.Get("Account"); !ok || v != nil {
		t.Errorf("empty lookup = %v, %v; want nil, true", v, ok)
	}
	// Manager of Alice is empty: the nested Manager is null.
	res = run(t, testEnv(), "SELECT Name, Owner.Manager.Name FROM Opportunity WHERE Name = 'Orphan Opp'")
	if v, ok := res.Records[0].Get("Owner.Manager"); !ok || v != nil {
		t.Errorf("Owner.Manager = %v, %v; want nil, true", v, ok)
	}
}

func TestChildSubquery(t *testing.T) {
	q := "SELECT Name, (SELECT LastName, Account.Name FROM Contacts WHERE LastName != 'Smith' ORDER BY LastName) FROM Account ORDER BY Name"
	check := func(t *testing.T, env Env) {
		res := run(t, env, q)
		if got := column(res, "Name"); !reflect.DeepEqual(got, []any{"Acme", "globex", "Initech"}) {
			t.Fatalf("names = %v", got)
		}
		wantChildren := [][]any{{"jones"}, {"Brown_%"}, nil}
		for i, r := range res.Records {
			v, _ := r.Get("Contacts")
			if wantChildren[i] == nil {
				if v != nil {
					t.Errorf("row %d: Contacts = %v, want nil", i, v)
				}
				continue
			}
			cs, ok := v.(*ChildSet)
			if !ok {
				t.Fatalf("row %d: Contacts is %T", i, v)
			}
			got := column(&Result{Records: cs.Records}, "LastName")
			if !reflect.DeepEqual(got, wantChildren[i]) || cs.TotalSize != len(wantChildren[i]) || !cs.Done {
				t.Errorf("row %d: children %v (total %d done %v), want %v", i, got, cs.TotalSize, cs.Done, wantChildren[i])
			}
			if n, _ := cs.Records[0].Get("Account.Name"); n != r.Values[1] {
				t.Errorf("child Account.Name = %v, want %v", n, r.Values[1])
			}
		}
	}
	t.Run("scan", func(t *testing.T) { check(t, testEnv()) })
	t.Run("ChildSource", func(t *testing.T) {
		env := testEnv()
		cs := &childSource{memSource: env.Source.(*memSource)}
		env.Source = cs
		check(t, env)
		if cs.calls != 3 {
			t.Errorf("Children called %d times, want 3", cs.calls)
		}
	})
	t.Run("qualified relationship and limit", func(t *testing.T) {
		res := run(t, testEnv(), "SELECT Name, (SELECT Name FROM Account.Opportunities ORDER BY Amount DESC LIMIT 1) FROM Account WHERE Name = 'Acme'")
		v, _ := res.Records[0].Get("Opportunities")
		cs := v.(*ChildSet)
		if got := column(&Result{Records: cs.Records}, "Name"); !reflect.DeepEqual(got, []any{"Big Deal"}) || cs.TotalSize != 1 {
			t.Errorf("children = %v total %d", got, cs.TotalSize)
		}
	})
}

func TestScanNeed(t *testing.T) {
	env := testEnv()
	src := env.Source.(*memSource)
	run(t, env, "SELECT Name, Account.Name FROM Opportunity WHERE Amount > 0 ORDER BY CloseDate")
	got := map[string]bool{}
	for _, n := range src.scans["Opportunity"] {
		got[n] = true
	}
	for _, want := range []string{"Id", "IsDeleted", "Name", "AccountId", "Amount", "CloseDate"} {
		if !got[want] {
			t.Errorf("need %v lacks %s", src.scans["Opportunity"], want)
		}
	}
	if got["StageName"] {
		t.Errorf("need %v has unread StageName", src.scans["Opportunity"])
	}
}

func TestFieldsAll(t *testing.T) {
	res := run(t, testEnv(), "SELECT FIELDS(CUSTOM) FROM Account WHERE Name = 'Acme' LIMIT 200")
	if want := []string{"attributes", "Rating__c"}; !reflect.DeepEqual(res.Records[0].Keys, want) {
		t.Errorf("CUSTOM keys = %v", res.Records[0].Keys)
	}
	res = run(t, testEnv(), "SELECT FIELDS(ALL) FROM User WHERE Name = 'Bob Boss' LIMIT 10")
	if want := []string{"attributes", "Id", "Name", "ManagerId", "IsDeleted"}; !reflect.DeepEqual(res.Records[0].Keys, want) {
		t.Errorf("ALL keys = %v", res.Records[0].Keys)
	}
}

func TestCancelledContext(t *testing.T) {
	q, err := Parse("SELECT Name FROM Account")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Execute(ctx, testEnv(), q); err == nil {
		t.Error("Execute with a cancelled context succeeded")
	}
}

// TestRealChildQuery runs the query of the recorded child-subquery fixture
// (qualified names in the subquery, relationship named through the parent).
func TestRealChildQuery(t *testing.T) {
	res := run(t, testEnv(), "SELECT Account.Name, (SELECT Contact.FirstName, Contact.LastName FROM Account.Contacts) FROM Account LIMIT 5")
	if res.TotalSize != 3 {
		t.Fatalf("TotalSize = %d, want 3", res.TotalSize)
	}
	acme := res.Records[0]
	if want := []string{"attributes", "Name", "Contacts"}; !reflect.DeepEqual(acme.Keys, want) {
		t.Fatalf("keys = %v, want %v", acme.Keys, want)
	}
	cs := acme.Values[2].(*ChildSet)
	if got := column(&Result{Records: cs.Records}, "FirstName"); !reflect.DeepEqual(got, []any{"Ann", "bill"}) {
		t.Errorf("first names = %v", got)
	}
	if want := []string{"attributes", "FirstName", "LastName"}; !reflect.DeepEqual(cs.Records[0].Keys, want) {
		t.Errorf("child keys = %v, want %v", cs.Records[0].Keys, want)
	}
}
