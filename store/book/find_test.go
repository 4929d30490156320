package book

import (
	"context"
	"fmt"
	"testing"

	"github.com/lazyforce/lazyforce/store/book/booktest"
)

func testFinder() *Finder {
	return NewFinder(FinderInput{
		Accounts: []Account{
			{ID: "001A", Name: "Acme", Phone: "(415) 555-0100"},
			{ID: "001B", Name: "Acme Widgets", Phone: "+44 20 7946 0958"},
			{ID: "001C", Name: "Global Acme Holdings"},
			{ID: "001D", Name: "Zenith Labs"},
		},
		Contacts: []Contact{
			{ID: "003A", Name: "Jane Doe", AccountName: "Zenith Labs", Email: "Jane.Doe+crm@Zenith.example", Phone: "030 901820"},
			{ID: "003B", Name: "Al Cameron", AccountName: "Acme", MobilePhone: "12 3"},
		},
		Leads: []Lead{
			{ID: "00QA", Name: "Acme", Company: "Someone Else", Email: "acme@lead.example", Phone: "4155550100"},
		},
		Opportunities: []Opportunity{
			{ID: "006A", Name: "Acme — renewal", AccountName: "Acme"},
		},
		Region: "US",
	})
}

func summary(fs []Found) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %s/%s", f.Kind, f.ID, f.Match, f.Field))
	}
	return out
}

func TestFinderRanksExactFirstAndGroupsByKind(t *testing.T) {
	got := summary(testFinder().Search("acme", 0))
	want := []string{
		"Account 001A exact/name",
		"Account 001B prefix/name",
		"Account 001C prefix/name", // a later word starts with it
		"Contact 003B exact/company",
		"Lead 00QA exact/name",
		"Opportunity 006A exact/company", // its account is Acme
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Search(acme) =\n%v\nwant\n%v", got, want)
	}
	if got := summary(testFinder().Search("acmw", 0)); len(got) == 0 || got[0] != "Account 001B fuzzy/name" {
		t.Errorf("fuzzy search = %v", got)
	}
	if got := testFinder().Search("acme", 1); len(got) != 4 {
		t.Errorf("one per kind kept %v", summary(got))
	}
}

func TestFinderPhonesAndEmails(t *testing.T) {
	f := testFinder()
	for _, typed := range []string{"+1 (415) 555-0100", "415.555.0100", "4155550100", "+14155550100"} {
		got := summary(f.Search(typed, 0))
		want := []string{"Account 001A exact/phone", "Lead 00QA exact/phone"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q found %v", typed, got)
		}
	}
	tests := map[string]string{
		"+44 20 7946 0958":              "Account 001B exact/phone",
		"020 7946 0958":                 "Account 001B exact/phone", // not a US number: its national digits end the UK one
		"+49 30 901820":                 "Contact 003A exact/phone",
		"123":                           "Contact 003B exact/phone",
		"  JANE.DOE+CRM@zenith.example": "Contact 003A exact/email",
		"jane.doe@zenith.example":       "Contact 003A exact/email",
		"jane.d":                        "Contact 003A prefix/email",
	}
	for typed, want := range tests {
		got := summary(f.Search(typed, 0))
		if len(got) == 0 || got[0] != want {
			t.Errorf("%q found %v, want %s first", typed, got, want)
		}
	}
}

func TestFindOverTheDemoOrg(t *testing.T) {
	st, _ := booktest.Demo(t, booktest.Options{})
	b := New(st, Options{})
	ctx := context.Background()
	contacts, err := b.AllContacts(ctx)
	if err != nil || len(contacts) == 0 {
		t.Fatal(err)
	}
	c := contacts[len(contacts)/2]
	for _, typed := range []string{c.Name, c.Email, c.Phone} {
		got, err := b.Find(ctx, typed, 0)
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		for _, f := range got {
			ok = ok || (f.ID == c.ID && f.Match == MatchExact)
		}
		if !ok {
			t.Errorf("%q did not find contact %s exactly: %v", typed, c.ID, summary(got))
		}
	}
}

// TestFinderFuzzyNeedsLettersClose: a fuzzy match is the typed letters in
// order and close together, not scattered over a long name.
func TestFinderFuzzyNeedsLettersClose(t *testing.T) {
	f := NewFinder(FinderInput{Accounts: []Account{
		{ID: "001A", Name: "O'Brien & Sons Construction"},
		{ID: "001B", Name: "Lakeside Foods & Beverage - Integration Suite"},
		{ID: "001C", Name: "Acme Media Co."},
	}})
	for typed, want := range map[string]string{
		"obrien": "[Account 001A fuzzy/name]",
		"acmmed": "[Account 001C fuzzy/name]",
		"o sons": "[Account 001A fuzzy/name]",
	} {
		if got := fmt.Sprint(summary(f.Search(typed, 0))); got != want {
			t.Errorf("Search(%q) = %s, want %s", typed, got, want)
		}
	}
}
