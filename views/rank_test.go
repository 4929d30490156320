package views

import (
	"slices"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/store/book"
)

func TestRankKey(t *testing.T) {
	cases := []struct {
		key, query string
		want       relevance
	}{
		{"cedar — renewal 2026", "renewal", relWord},
		{"renewal", "renewal", relWord},
		{"o'brien & sons", "brien", relWord},
		{"renewals inc", "renewal", relPrefix},
		{"cedar — renewal 2026", "ren", relPrefix},
		{"prerenewal ltd", "renewal", relSubstring},
		{"riverside energy network — new deal", "renewal", relFuzzy},
		{"acme", "renewal", noMatch},
		// Several words: as good as the worst.
		{"acme — platform renewal", "renewal acme", relWord},
		{"acme — platform renewal", "renew acme", relPrefix},
		{"acme — platform renewal", "renewal xyz", noMatch},
		{"zürich énergie", "énerg", relPrefix},
	}
	for _, c := range cases {
		if got := rankKey(c.key, queryWords(c.query)); got != c.want {
			t.Errorf("rankKey(%q, %q) = %d, want %d", c.key, c.query, got, c.want)
		}
	}
}

// rankNames are names whose order by name says nothing about how well
// they match "renewal".
var rankNames = []string{
	"Acme Renewalist Energy",   // prefix
	"Brightwater Prerenewal",   // substring
	"Cedar — Renewal 2026",     // word
	"Delta Ren Ewal",           // fuzzy
	"Evergreen Renewal",        // word
	"Foxglove",                 // no match
	"Garnet Renewals Services", // prefix
}

var wantRenewal = []string{"Cedar — Renewal 2026", "Evergreen Renewal", "Acme Renewalist Energy", "Garnet Renewals Services", "Brightwater Prerenewal", "Delta Ren Ewal"}

func TestFilterRanksTheSameInEveryList(t *testing.T) {
	var accts []book.Account
	var opps []book.Opportunity
	for i, n := range rankNames {
		id := string(rune('a' + i))
		accts = append(accts, book.Account{ID: id, Name: n})
		opps = append(opps, book.Opportunity{ID: id, Name: n, StageName: "Prospecting", CloseDate: day(i)})
	}
	acc := NewAccounts(testContext(true))
	acc.SetSize(120, 20)
	acc.SetData(NewAccountIndex(accts))
	opp := NewOpportunities(testContext(true))
	opp.SetSize(120, 20)
	opp.SetData(NewOpportunityIndex(opps))

	for _, p := range []Pane{acc, opp} {
		send(t, p, "/", "r", "e", "n", "e", "w", "a", "l", "enter")
		var got []string
		switch p := p.(type) {
		case *Accounts:
			for _, r := range p.rows {
				got = append(got, p.index.Accounts[r].Name)
			}
		case *Opportunities:
			for _, o := range p.Rows() {
				got = append(got, o.Name)
			}
		}
		if !slices.Equal(got, wantRenewal) {
			t.Errorf("%T: /renewal gives\n %q, want\n %q", p, got, wantRenewal)
		}
		title := viewLines(p)[0]
		if !strings.Contains(title, "sorted by relevance") {
			t.Errorf("%T: title %q does not say the rows are sorted by relevance", p, title)
		}
		send(t, p, "esc")
		if title := viewLines(p)[0]; strings.Contains(title, "relevance") {
			t.Errorf("%T: without a filter the title still says %q", p, title)
		}
	}
}

func TestFilterEqualRelevanceFollowsTheSortOrder(t *testing.T) {
	// Two exact-word matches: the list's own order decides between them.
	opp := NewOpportunities(testContext(true))
	opp.SetSize(120, 20)
	opp.SetData(NewOpportunityIndex([]book.Opportunity{
		{ID: "1", Name: "Renewal North", Amount: 10, CloseDate: day(9)},
		{ID: "2", Name: "Renewal South", Amount: 20, CloseDate: day(1)},
		{ID: "3", Name: "Renewals West", Amount: 30, CloseDate: day(5)},
	}))
	send(t, opp, "/", "r", "e", "n", "e", "w", "a", "l", "enter")
	names := func() []string {
		var out []string
		for _, o := range opp.Rows() {
			out = append(out, o.Name)
		}
		return out
	}
	if got, want := names(), []string{"Renewal South", "Renewal North", "Renewals West"}; !slices.Equal(got, want) {
		t.Fatalf("by close date: %q, want %q", got, want)
	}
	send(t, opp, "-")
	if got, want := names(), []string{"Renewal North", "Renewal South", "Renewals West"}; !slices.Equal(got, want) {
		t.Fatalf("by close date, descending: %q, want %q", got, want)
	}
}

func TestRankSearchNarrowsToTheSameResult(t *testing.T) {
	keys := make([]string, len(rankNames))
	for i, n := range rankNames {
		keys[i] = strings.ToLower(n)
	}
	prev, _ := rankSearch(keys, nil, "ren")
	full, _ := rankSearch(keys, nil, "renewal")
	narrowed, _ := rankSearch(keys, prev, "renewal")
	if !slices.Equal(full, narrowed) {
		t.Fatalf("narrowed search %v, full search %v", narrowed, full)
	}
}
