package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestFindAndRedact logs in to an emulated org, syncs, and finds people
// by name, e-mail and phone (any format), offline and live; with --redact
// no e-mail address or phone number of the org appears in find's or
// query's output, JSON included.
func TestFindAndRedact(t *testing.T) {
	_, c := syncedOrg(t, "--alias", "demo")
	ctx := context.Background()
	res, err := c.Query(ctx, "SELECT Id, Name, Email, Phone FROM Contact WHERE Email != null AND Phone != null ORDER BY Id LIMIT 1")
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("a contact: %v", err)
	}
	contact := res.Records[0]
	id := string(contact.ID())
	type result struct {
		Query   string
		Results []struct {
			Type, ID, Name, Email, Phone, Match string
			Cached                              bool
		}
	}
	find := func(args ...string) result {
		t.Helper()
		var r result
		runJSON(t, &r, append([]string{"find", "--json"}, args...)...)
		return r
	}
	digits := regexp.MustCompile(`\D`).ReplaceAllString(contact.String("Phone"), "")
	for _, typed := range []string{contact.String("Name"), "  " + strings.ToUpper(contact.String("Email")), contact.String("Phone"), "+1 " + digits} {
		r := find(typed)
		ok := false
		for _, x := range r.Results {
			ok = ok || (x.ID == id && x.Match == "exact" && x.Cached)
		}
		if !ok {
			t.Errorf("find %q: contact %s not an exact match in %+v", typed, id, r.Results)
		}
	}

	// A contact created in the org after the sync is found live only.
	newID, err := c.Create(ctx, "Contact", map[string]any{"LastName": "Quetzalcoatl", "Email": "q@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if r := find("Quetzalcoatl"); len(r.Results) != 0 {
		t.Errorf("offline find saw a record the cache does not hold: %+v", r.Results)
	}
	r := find("--live", "Quetzalcoatl")
	if len(r.Results) != 1 || r.Results[0].ID != string(newID) || r.Results[0].Cached {
		t.Errorf("live find = %+v, want %s not cached", r.Results, newID)
	}

	// Redacted: no e-mail or phone of the org in any output.
	all := orgRecords(t, c, "SELECT Email, Phone, MobilePhone FROM Contact")
	leads := orgRecords(t, c, "SELECT Email, Phone FROM Lead")
	var secrets []string
	for _, rec := range append(all, leads...) {
		for _, f := range []string{"Email", "Phone", "MobilePhone"} {
			if v := rec.String(f); v != "" {
				secrets = append(secrets, v)
			}
		}
	}
	var outputs []string
	for _, args := range [][]string{
		{"find", "--redact", "--json", contact.String("Email")},
		{"find", "--redact", contact.String("Name")},
		{"find", "--redact", "--json", "a"},
		{"query", "--redact", "--json", "SELECT Name, Email, Phone, MobilePhone, Account.Phone FROM Contact"},
		{"query", "--redact", "SELECT Name, Email, Phone, Company FROM Lead"},
		{"query", "--redact", "--json", "SELECT Subject, Who.Name, Who.Email FROM Task LIMIT 50"},
	} {
		out, errs, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
		outputs = append(outputs, out)
	}
	joined := strings.Join(outputs, "\n")
	for _, s := range secrets {
		if strings.Contains(joined, s) {
			t.Errorf("redacted output shows %q", s)
		}
	}
	if strings.Contains(joined, contact.String("Name")) {
		t.Errorf("redacted output shows the contact's name %q", contact.String("Name"))
	}
	if !strings.Contains(outputs[1], "Person ") {
		t.Errorf("redacted find output has no alias:\n%s", outputs[1])
	}
}
