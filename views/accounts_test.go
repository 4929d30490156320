package views

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/store/book"
)

func accountNames(p *Accounts) []string {
	return listColumn(&p.sortedList, p.index.Accounts, func(a *book.Account) string { return Sanitize(a.Name) })
}

func TestAccountsMoveAndBounds(t *testing.T) {
	p := newTestAccounts(t)
	send(t, p, "k")
	if p.Cursor() != 0 {
		t.Fatalf("k at the top moved to %d", p.Cursor())
	}
	send(t, p, "j", "j")
	if p.Cursor() != 2 {
		t.Fatalf("after j j cursor = %d, want 2", p.Cursor())
	}
	send(t, p, "G")
	if p.Cursor() != p.Rows()-1 {
		t.Fatalf("G: cursor = %d, want %d", p.Cursor(), p.Rows()-1)
	}
	send(t, p, "j")
	if p.Cursor() != p.Rows()-1 {
		t.Fatalf("j at the bottom moved to %d", p.Cursor())
	}
	send(t, p, "g")
	if p.Cursor() != 0 {
		t.Fatalf("g: cursor = %d", p.Cursor())
	}
}

func TestAccountsSortCyclesFieldsAndReverses(t *testing.T) {
	p := newTestAccounts(t)
	names := accountNames(p)
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Fatalf("default order is not by name: %q", names)
	}
	send(t, p, ">")
	if s, _ := p.Sort(); s != SortAccountType {
		t.Fatalf("> sorted by %v, want Type", s)
	}
	var types []string
	for _, r := range p.rows {
		types = append(types, p.index.Accounts[r].Type)
	}
	if !slices.IsSorted(types) {
		t.Fatalf("not sorted by type: %q", types)
	}
	send(t, p, "-")
	var rev []string
	for _, r := range p.rows {
		rev = append(rev, p.index.Accounts[r].Type)
	}
	if !slices.IsSortedFunc(rev, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Fatalf("- did not reverse: %q", rev)
	}
	send(t, p, "<", "<")
	if s, _ := p.Sort(); s != SortAccountActivity {
		t.Fatalf("< < from Type sorted by %v, want Last activity", s)
	}
}

func TestAccountsFuzzyFilter(t *testing.T) {
	p := newTestAccounts(t)
	send(t, p, "/")
	if !p.Capturing() {
		t.Fatal("/ did not start the filter")
	}
	// While typing, q and j are text, not commands.
	send(t, p, "a", "t", "l")
	if got := p.Query(); got != "atl" {
		t.Fatalf("query = %q, want %q", got, "atl")
	}
	names := accountNames(p)
	if len(names) == 0 || names[0] != "Atlas Motors" {
		t.Fatalf("filter atl: got %q, want Atlas Motors first", names)
	}
	for _, n := range names {
		if !fuzzyContains(strings.ToLower(n), "atl") {
			t.Errorf("%q does not match atl", n)
		}
	}
	send(t, p, "enter")
	if p.Capturing() {
		t.Fatal("enter kept the filter input open")
	}
	if p.Query() != "atl" {
		t.Fatal("enter dropped the filter")
	}
	send(t, p, "j")
	selected := p.SelectedID()
	send(t, p, "esc")
	if p.Query() != "" || p.Rows() != len(testAccounts()) {
		t.Fatalf("esc did not clear the filter: query %q, %d rows", p.Query(), p.Rows())
	}
	// The record selected in the filtered list stays selected.
	if got := p.SelectedID(); selected == "" || got != selected {
		t.Errorf("after esc the selection is %q, want %q (selected while filtered)", got, selected)
	}
}

func TestAccountsFilterNarrowsIncrementallyAndWidensOnBackspace(t *testing.T) {
	p := newTestAccounts(t)
	send(t, p, "/", "c")
	withC := p.Rows()
	send(t, p, "e", "d")
	if p.Rows() >= withC || accountNames(p)[0] != "Cedar Robotics" {
		t.Fatalf("ced: %q", accountNames(p))
	}
	send(t, p, "backspace", "backspace")
	if p.Rows() != withC {
		t.Fatalf("back to c: %d rows, want %d", p.Rows(), withC)
	}
	send(t, p, "backspace")
	if p.Rows() != len(testAccounts()) {
		t.Fatalf("empty filter shows %d rows", p.Rows())
	}
}

func TestAccountsStaleFilterResultIsDropped(t *testing.T) {
	p := newTestAccounts(t)
	send(t, p, "/")
	p.Update(keyPress("x"))
	stale := p.filter.seq
	p.Update(keyPress("a"))
	// The first keystroke's debounce tick arrives after the second key:
	// it must not start a search.
	if _, cmd := p.Update(filterTickMsg{pane: AccountsPane, seq: stale}); cmd != nil {
		t.Fatal("a stale debounce tick started a search")
	}
	// Nor may an old search result replace the list.
	p.Update(filterDoneMsg{pane: AccountsPane, seq: stale, query: "x", matches: []int{}})
	if p.Rows() != len(testAccounts()) || p.Query() != "" {
		t.Fatalf("stale result applied: %d rows, query %q", p.Rows(), p.Query())
	}
	// A tick for another pane is ignored too.
	if _, cmd := p.Update(filterTickMsg{pane: OpportunitiesPane, seq: p.filter.seq}); cmd != nil {
		t.Fatal("a tick for the opportunities pane started an accounts search")
	}
}

// fuzzyContains reports whether every rune of pat appears in s in order.
func fuzzyContains(s, pat string) bool {
	i := 0
	rs := []rune(pat)
	for _, r := range s {
		if i < len(rs) && r == rs[i] {
			i++
		}
	}
	return i == len(rs)
}

func TestAccountsOpenBrowseCopy(t *testing.T) {
	p := newTestAccounts(t)
	send(t, p, "j")
	want := p.SelectedID()
	msgs := send(t, p, "enter", "o", "y")
	if len(msgs) != 3 {
		t.Fatalf("got %d messages, want 3: %#v", len(msgs), msgs)
	}
	if m, ok := msgs[0].(OpenRecordMsg); !ok || m.ID != want || m.Kind != AccountRecord || m.From != AccountsPane {
		t.Errorf("enter sent %#v", msgs[0])
	}
	if m, ok := msgs[1].(BrowseMsg); !ok || m.ID != want {
		t.Errorf("o sent %#v", msgs[1])
	}
	if m, ok := msgs[2].(CopyMsg); !ok || m.ID != want {
		t.Errorf("y sent %#v", msgs[2])
	}
}

func TestAccountsSetDataKeepsSelection(t *testing.T) {
	p := newTestAccounts(t)
	send(t, p, "j", "j")
	id := p.SelectedID()
	accts := testAccounts()
	accts = append(accts, book.Account{ID: "001000000000009AAA", Name: "AAA First"})
	p.SetData(NewAccountIndex(accts))
	if p.SelectedID() != id {
		t.Fatalf("selection moved from %s to %s", id, p.SelectedID())
	}
}

func TestAccountsRebindFilter(t *testing.T) {
	ctx := testContext(true)
	if err := ctx.Keys.Rebind(map[string][]string{"accounts.filter": {"f"}}); err != nil {
		t.Fatal(err)
	}
	p := NewAccounts(ctx)
	p.SetSize(80, 10)
	p.SetData(NewAccountIndex(testAccounts()))
	send(t, p, "/")
	if p.Capturing() {
		t.Fatal("/ still filters after rebinding to f")
	}
	send(t, p, "f")
	if !p.Capturing() {
		t.Fatal("f does not filter after rebinding")
	}
}

func TestAccountsNewDataWithFilterIsSearchedBeforeShown(t *testing.T) {
	p := newTestAccounts(t)
	send(t, p, "/", "c", "e", "d", "a", "r", "enter")
	if p.Rows() != 1 {
		t.Fatalf("cedar: %d rows", p.Rows())
	}
	accts := append(testAccounts(), book.Account{ID: "001000000000010AAA", Name: "Cedar Hotels"})
	cmd := p.SetData(NewAccountIndex(accts))
	if cmd == nil {
		t.Fatal("SetData with a filter returned no search")
	}
	if p.Rows() != 1 || p.index.Accounts[p.rows[0]].Name != "Cedar Robotics" {
		t.Fatal("the old rows should stay until the search is done")
	}
	drain(p, cmd)
	names := accountNames(p)
	if len(names) != 2 || !slices.Contains(names, "Cedar Hotels") {
		t.Fatalf("after the search: %q", names)
	}
	if p.Query() != "cedar" {
		t.Fatalf("the filter was lost: %q", p.Query())
	}
}

// TestTitlesKeepTheirStyles: the pane titles are styled (title and muted
// parts) after fitting them to the width, at every width, even when cut.
func TestTitlesKeepTheirStyles(t *testing.T) {
	ctx := testContext(true)
	acc := NewAccounts(ctx)
	acc.SetData(NewAccountIndex(testAccounts()))
	opps := NewOpportunities(ctx)
	opps.SetData(NewOpportunityIndex(testOpps()))
	pipe := NewPipeline(ctx)
	pipe.SetData(NewOpportunityIndex(testOpps()), testRecordTypes())
	title := ctx.Styles.Title.Render("T")
	styleStart := title[:strings.Index(title, "T")]
	for name, p := range map[string]Pane{"accounts": acc, "opportunities": opps, "pipeline": pipe} {
		for _, w := range []int{30, 80, 140} {
			p.SetSize(w, 20)
			first, _, _ := strings.Cut(p.View(), "\n")
			if !strings.HasPrefix(first, styleStart) {
				t.Errorf("%s at %d: title lost its style: %q", name, w, first)
			}
			if got := ansi.StringWidth(first); got != w {
				t.Errorf("%s at %d: title is %d cells", name, w, got)
			}
		}
	}
}

func TestLastActivityHeaderFits(t *testing.T) {
	p := NewAccounts(testContext(true))
	p.SetData(NewAccountIndex(testAccounts()))
	for _, w := range []int{80, 140} {
		p.SetSize(w, 20)
		if out := ansi.Strip(p.View()); !strings.Contains(out, "Last activity") {
			t.Errorf("width %d: header cuts Last activity:\n%s", w, out)
		}
	}
	p.SetSize(50, 20)
	if out := ansi.Strip(p.View()); strings.Contains(out, "Last activi…") {
		t.Errorf("width 50: header cut:\n%s", out)
	}
}
