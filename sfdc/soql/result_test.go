package soql

import (
	"encoding/json"
	"testing"
)

func TestResultJSON(t *testing.T) {
	tests := []struct {
		name, q, want string
	}{
		{
			name: "parent relationships, null lookup",
			q:    "SELECT Name, Amount, IsClosed, CloseDate, Account.Name FROM Opportunity WHERE Name IN ('Big Deal', 'Orphan Opp') ORDER BY Name",
			want: `[{"attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/006000000000001AAA"},"Name":"Big Deal","Amount":100000,"IsClosed":false,"CloseDate":"2024-03-31","Account":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000001AAA"},"Name":"Acme"}},` +
				`{"attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/006000000000005AAA"},"Name":"Orphan Opp","Amount":1000,"IsClosed":false,"CloseDate":null,"Account":null}]`,
		},
		{
			name: "child subquery and null child set",
			q:    "SELECT Name, (SELECT LastName FROM Contacts WHERE LastName = 'Brown_%') FROM Account WHERE Name IN ('globex', 'Initech') ORDER BY Name",
			want: `[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000002AAA"},"Name":"globex","Contacts":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003000000000003AAA"},"LastName":"Brown_%"}]}},` +
				`{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000003AAA"},"Name":"Initech","Contacts":null}]`,
		},
		{
			name: "aggregate rows",
			q:    "SELECT StageName, AVG(Amount) FROM Opportunity WHERE IsClosed = false GROUP BY StageName ORDER BY StageName",
			want: `[{"attributes":{"type":"AggregateResult"},"StageName":"Negotiation","expr0":1000},{"attributes":{"type":"AggregateResult"},"StageName":"Prospecting","expr0":100000}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, testEnv(), tt.q)
			b, err := json.Marshal(res.Records)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("\n got %s\nwant %s", b, tt.want)
			}
		})
	}
}

func TestRowJSONNoHTMLEscape(t *testing.T) {
	// json.Marshal re-escapes HTML in Marshaler output; callers that want
	// it verbatim use an Encoder with SetEscapeHTML(false) or MarshalJSON.
	r := &Row{Keys: []string{"a", "b"}, Values: []any{"x<y & z", 1.5}}
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":"x<y & z","b":1.5}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	bad := &Row{Keys: []string{"a"}}
	if _, err := json.Marshal(bad); err == nil {
		t.Error("mismatched keys and values marshalled without error")
	}
}

func TestRowGet(t *testing.T) {
	inner := &Row{Keys: []string{"Name"}, Values: []any{"Acme"}}
	r := &Row{Keys: []string{"Id", "Account", "Owner"}, Values: []any{"1", inner, nil}}
	if v, ok := r.Get("id"); !ok || v != "1" {
		t.Errorf("Get(id) = %v %v", v, ok)
	}
	if v, ok := r.Get("Account.Name"); !ok || v != "Acme" {
		t.Errorf("Get(Account.Name) = %v %v", v, ok)
	}
	if v, ok := r.Get("Owner.Name"); !ok || v != nil {
		t.Errorf("Get(Owner.Name) = %v %v, want nil true (empty lookup)", v, ok)
	}
	if _, ok := r.Get("Missing"); ok {
		t.Error("Get(Missing) found")
	}
	if _, ok := r.Get("Account.Missing"); ok {
		t.Error("Get(Account.Missing) found")
	}
}
