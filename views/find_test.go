package views

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views/keytest"
)

func testFinder() *book.Finder {
	return book.NewFinder(book.FinderInput{
		Accounts: []book.Account{{ID: "001A", Name: "Acme", Phone: "(415) 555-0100"}, {ID: "001B", Name: "Acme Widgets"}},
		Contacts: []book.Contact{{ID: "003A", Name: "Maya Chen", AccountName: "Acme", Email: "maya@acme.example", Phone: "+1 415 555 0142"}},
		Leads:    []book.Lead{{ID: "00QA", Name: "Lars Berg", Company: "Acme Labs", Email: "lars@labs.example"}},
		Opportunities: []book.Opportunity{
			{ID: "006A", Name: "Acme — renewal", AccountName: "Acme"},
			{ID: "006B", Name: "Evil \x1b[31mdeal\x1b]0;pwned\x07", AccountName: "Acme"},
		},
		Region: "US",
	})
}

func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

func TestFindSearchesAsYouTypeAndOpens(t *testing.T) {
	p := NewFind(testContext(true))
	p.SetSize(120, 20)
	p.SetFinder(testFinder(), nil)
	if !p.Capturing() {
		t.Fatal("the find view must have every key")
	}
	typeText(t, p, "acme")
	got := p.Results()
	if len(got) == 0 || got[0].ID != "001A" || got[0].Match != book.MatchExact {
		t.Fatalf("results for acme: %+v", got)
	}
	out := p.View()
	assertShows(t, out, "view lacks", "Accounts", "Contacts", "Leads", "Opportunities", "exact name")
	assertSafe(t, out)
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	msgs := send(t, p, "enter")
	if len(msgs) != 1 || msgs[0].(OpenFoundMsg).Found.ID != got[1].ID {
		t.Fatalf("enter on the second result sent %v", msgs)
	}
	// A phone number in another format finds the contact.
	p.Reset()
	typeText(t, p, "415.555.0142")
	if got := p.Results(); len(got) != 1 || got[0].ID != "003A" {
		t.Fatalf("results for the phone: %+v", got)
	}
	if msgs := send(t, p, "esc"); len(msgs) != 1 || fmt.Sprintf("%T", msgs[0]) != "views.CloseFindMsg" {
		t.Fatalf("esc sent %v", msgs)
	}
}

func TestFindLiveResultsAreMarkedNotCached(t *testing.T) {
	p := NewFind(testContext(true))
	p.SetSize(120, 20)
	p.SetFinder(testFinder(), nil)
	typeText(t, p, "zed")
	_, cmd := p.Update(ctrl('o'))
	msgs := drain(p, cmd)
	if len(msgs) != 1 || msgs[0] != (FindLiveMsg{Text: "zed"}) {
		t.Fatalf("ctrl+o sent %v", msgs)
	}
	if !strings.Contains(p.View(), "searching the org") {
		t.Error("no sign of the live search")
	}
	p.Update(FindLiveResultsMsg{Text: "zed", Found: []book.Found{{Kind: book.KindContact, ID: "003Z", Name: "Zed Zulu", NotCached: true}}})
	out := p.View()
	if !strings.Contains(out, "not cached") || !strings.Contains(out, "Zed Zulu") {
		t.Errorf("live result not shown as not cached:\n%s", out)
	}
	msgs = send(t, p, "enter")
	if len(msgs) != 1 || !msgs[0].(OpenFoundMsg).Found.NotCached {
		t.Fatalf("enter on a live result sent %v", msgs)
	}
	// Typing on drops results for other text.
	typeText(t, p, "x")
	if len(p.Results()) != 0 {
		t.Errorf("stale live results kept: %+v", p.Results())
	}
}

func TestFindMasksWhatItShows(t *testing.T) {
	p := NewFind(testContext(true))
	p.SetSize(120, 20)
	p.SetFinder(testFinder(), nil)
	p.SetMask(func(fs []book.Found) []book.Found {
		out := make([]book.Found, len(fs))
		for i, f := range fs {
			f.Name, f.Email, f.Phone = "Person x", "masked", "masked"
			out[i] = f
		}
		return out
	})
	typeText(t, p, "maya@acme.example")
	if got := p.Results(); len(got) != 1 || got[0].ID != "003A" {
		t.Fatalf("masked search found %+v", got)
	}
	out := p.View()
	if strings.Count(out, "maya@acme.example") != 1 || strings.Contains(out, "Maya Chen") {
		t.Errorf("masked view shows personal data:\n%s", out)
	}
}

// TestGoldenFind renders the find view at two widths in both themes.
// Regenerate with: go test ./views/ -run TestGoldenFind -update
func TestGoldenFind(t *testing.T) {
	const height = 16
	for _, width := range []int{80, 140} {
		keytest.EachTheme(t, fmt.Sprintf("%d", width), func(t *testing.T, dark bool) {
			p := NewFind(testContext(dark))
			p.SetSize(width, height)
			p.Focus()
			p.SetFinder(testFinder(), nil)
			typeText(t, p, "acme")
			out := p.View()
			assertBlock(t, out, width, height)
			golden.RequireEqual(t, fixedProfile(t, out))
		})
	}
}
