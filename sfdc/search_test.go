package sfdc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
)

func TestEscapeSOSL(t *testing.T) {
	for _, c := range strings.Split(`? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -`, " ") {
		if got, want := sfdc.EscapeSOSL("a"+c+"b"), `a\`+c+"b"; got != want {
			t.Errorf("EscapeSOSL(%q) = %q, want %q", "a"+c+"b", got, want)
		}
	}
	if got := sfdc.EscapeSOSL("Zoë O\tBrien"); got != "Zoë O Brien" {
		t.Errorf("EscapeSOSL kept a control character or changed letters: %q", got)
	}
	if got := sfdc.FindSOSL(` x"} RETURNING User(Id) `, "Account(Id)"); got != `FIND {"x\"\} RETURNING User\(Id\)"} IN ALL FIELDS RETURNING Account(Id)` {
		t.Errorf("FindSOSL = %s", got)
	}
}

// TestSearchSurvivesEveryReservedCharacter searches the emulator for an
// account whose name holds each reserved character: the search is
// well-formed and finds it.
func TestSearchSurvivesEveryReservedCharacter(t *testing.T) {
	ctx := context.Background()
	c, _ := emulatorClient(t)
	for _, ch := range strings.Split(`? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -`, " ") {
		name := "Quokka " + ch + " Zebrafish"
		id, err := c.Create(ctx, "Account", map[string]any{"Name": name})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := c.Search(ctx, sfdc.FindSOSL(name, "Account(Id, Name)"))
		if err != nil {
			t.Errorf("search for %q: %v", name, err)
			continue
		}
		found := false
		for _, r := range recs {
			found = found || r.ID() == id
		}
		if !found {
			t.Errorf("search for %q did not find %s among %d records", name, id, len(recs))
		}
	}
}
