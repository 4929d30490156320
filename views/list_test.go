package views

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestViewIsPure: the list window follows the cursor as it moves, and
// rendering neither moves it nor changes what the next render shows.
func TestViewIsPure(t *testing.T) {
	acc := NewAccounts(testContext(true))
	acc.SetSize(100, 5) // title, header and three rows
	acc.SetData(NewAccountIndex(testAccounts()))
	send(t, acc, "G")
	if acc.offset != acc.Rows()-3 {
		t.Fatalf("G: window at %d before any render, want %d", acc.offset, acc.Rows()-3)
	}
	send(t, acc, "/") // the filter's line takes a row from the window
	if acc.height != 2 || acc.offset != acc.Rows()-2 {
		t.Fatalf("filter line: window %d rows at %d, want 2 rows at %d", acc.height, acc.offset, acc.Rows()-2)
	}

	opps := NewOpportunities(testContext(true))
	opps.SetSize(120, 5) // title, chips, header and two rows
	opps.SetData(NewOpportunityIndex(testOpps()))
	send(t, opps, "G")
	if opps.offset != len(opps.Rows())-2 {
		t.Fatalf("opportunities G: window at %d, want %d", opps.offset, len(opps.Rows())-2)
	}

	pipe := NewPipeline(testContext(true))
	pipe.SetSize(2*minColumnWidth, 30) // two stage columns at a time
	pipe.SetData(NewOpportunityIndex(testOpps()), testRecordTypes())
	send(t, pipe, "l", "l", "l")
	if pipe.colOffset != 2 {
		t.Fatalf("pipeline: first visible column %d after three moves right, want 2", pipe.colOffset)
	}

	for name, p := range map[string]Pane{"accounts": acc, "opportunities": opps, "pipeline": pipe} {
		first := p.View()
		if again := p.View(); again != first {
			t.Errorf("%s: a second render differs from the first", name)
		}
	}
	if acc.offset != acc.Rows()-2 || opps.offset != len(opps.Rows())-2 || pipe.colOffset != 2 {
		t.Fatal("rendering moved a window")
	}
}

// TestOpportunitiesTotalFollowsTheRows: the title's total is the displayed
// opportunities' amount, summed by hand here.
func TestOpportunitiesTotalFollowsTheRows(t *testing.T) {
	p := newTestOpps(t)
	title := func() string { return ansi.Strip(strings.SplitN(p.View(), "\n", 2)[0]) }
	// Open: 120,000 + 80,000 + 15,000 + 50,000 + 9,000.
	if !strings.Contains(title(), "5 of 8 · $274K") {
		t.Fatalf("open total: %q", title())
	}
	send(t, p, "m") // mine: 120,000 + 15,000 + 50,000 + 9,000
	if !strings.Contains(title(), "4 of 8 · $194K") {
		t.Fatalf("my open total: %q", title())
	}
	p.SetData(NewOpportunityIndex(testOpps()[:2])) // new data: 120,000 mine
	if !strings.Contains(title(), "1 of 2 · $120K") {
		t.Fatalf("total after new data: %q", title())
	}
}

// TestListViewsFitTheirSize: a list pane fills exactly the size it is
// given, narrow or wide.
func TestListViewsFitTheirSize(t *testing.T) {
	for _, c := range []struct {
		name   string
		pane   func(t *testing.T) Pane
		widths []int
		height int
	}{
		{"accounts", func(t *testing.T) Pane { return newTestAccounts(t) }, []int{30, 80, 140}, 8},
		{"opportunities", func(t *testing.T) Pane { return newTestOpps(t) }, []int{40, 80, 140}, 12},
	} {
		for _, w := range c.widths {
			t.Run(fmt.Sprintf("%s/%d", c.name, w), func(t *testing.T) {
				p := c.pane(t)
				p.SetSize(w, c.height)
				assertBlock(t, p.View(), w, c.height)
			})
		}
	}
}
