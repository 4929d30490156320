package views

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lazyforce/lazyforce/views/keytest"
)

// askPane returns an available question pane of w×h.
func askPane(dark bool, w, h int) *Ask {
	p := NewAsk(testContext(dark))
	p.SetAvailable(true)
	p.SetSize(w, h)
	return p
}

// askDrain runs cmd to completion, feeding the pane's own messages
// (debounce, render) back, and returns the messages meant for the root.
func askDrain(p *Ask, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	keytest.Run(cmd, func(msg tea.Msg) tea.Cmd {
		switch msg.(type) {
		case askDebounceMsg, askRenderedMsg, askRerenderMsg:
			_, next := p.Update(msg)
			return next
		}
		out = append(out, msg)
		return nil
	})
	return out
}

// askKeys sends keys (a key name, or text typed rune by rune) and returns
// what the pane asked the root.
func askKeys(p *Ask, keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "ctrl+l":
			msg = tea.KeyPressMsg{Code: 'l', Mod: tea.ModCtrl}
		case "ctrl+e":
			msg = tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl}
		case "ctrl+n":
			msg = tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl}
		default:
			if len([]rune(k)) > 1 && k != "enter" && k != "esc" && k != "backspace" {
				// Text arrives as a paste: one debounce, not one per rune.
				_, cmd := p.Update(tea.PasteMsg{Content: k})
				out = append(out, askDrain(p, cmd)...)
				continue
			}
			msg = keyPress(k)
		}
		_, cmd := p.Update(msg)
		out = append(out, askDrain(p, cmd)...)
	}
	return out
}

func oneOf[T any](t *testing.T, msgs []tea.Msg) T {
	t.Helper()
	found := ofType[T](msgs)
	if len(found) != 1 {
		var zero T
		t.Fatalf("want one %T among %v, got %d", zero, msgs, len(found))
	}
	return found[0]
}

func answerResult() AskResult {
	return AskResult{
		Text:       "how many open opportunities do I have",
		Understood: true,
		Source:     "cache",
		Markdown:   "You have **42** open opportunities.\n\n| Opportunity | Amount |\n|---|---|\n| Acme — Platform | $120,000 |\n| Cedar — Renewal 2026 | $50,000 |\n\n_Source: local cache, synced 14 May 2026 10:00 UTC (30 min ago)_\n\n```sql\nSELECT COUNT() FROM Opportunity WHERE IsClosed = false AND OwnerId = '005000000000001AAA'\n```",
		Links: []AskLink{
			{Kind: OpportunityRecord, ID: "006000000000001AAA", Name: "Acme — Platform"},
			{Kind: AccountRecord, ID: "001000000000003AAA", Name: "Cedar Robotics"},
		},
	}
}

func TestAskNotAvailableWithoutEngine(t *testing.T) {
	p := NewAsk(testContext(true))
	p.SetSize(80, 10)
	if !strings.Contains(p.View(), "not available yet") {
		t.Fatalf("view:\n%s", p.View())
	}
	if msgs := askKeys(p, "/", "x"); len(msgs) != 0 || p.Capturing() {
		t.Fatalf("keys did something without an engine: %v", msgs)
	}
}

func TestAskSubmitQuestionAndSOQL(t *testing.T) {
	p := askPane(true, 100, 30)
	if p.Capturing() {
		t.Fatal("capturing before / was pressed")
	}
	askKeys(p, "/")
	if !p.Capturing() {
		t.Fatal("/ did not give the input the keys")
	}
	msgs := askKeys(p, "my pipeline by stage", "enter")
	req := oneOf[AskRequestMsg](t, msgs)
	if req.Text != "my pipeline by stage" || req.SOQL || req.Live || req.Seq == 0 {
		t.Fatalf("request %+v", req)
	}
	if p.Capturing() {
		t.Fatal("still capturing after enter: global keys would be lost")
	}
	// SOQL, live.
	msgs = askKeys(p, "/", "ctrl+l", "select Name from Account", "enter")
	req2 := oneOf[AskRequestMsg](t, msgs)
	if !req2.SOQL || !req2.Live || req2.Seq <= req.Seq {
		t.Fatalf("request %+v", req2)
	}
	if !strings.Contains(p.View(), "live org") {
		t.Error("the header does not say live")
	}
}

func TestAskHistory(t *testing.T) {
	p := askPane(true, 100, 30)
	for _, q := range []string{"first", "second"} {
		askKeys(p, "/", q, "enter")
		if p.Value() != "" {
			t.Fatalf("the input still holds %q after enter", p.Value())
		}
	}
	askKeys(p, "/", "dra")
	askKeys(p, "up")
	if got := p.Value(); got != "second" {
		t.Fatalf("↑: %q, want second", got)
	}
	askKeys(p, "up", "up")
	if got := p.Value(); got != "first" {
		t.Fatalf("↑↑↑: %q, want first", got)
	}
	askKeys(p, "down", "down")
	if got := p.Value(); got != "dra" {
		t.Fatalf("back down: %q, want the draft dra", got)
	}
}

func TestAskSuggestionsAreDebouncedAndTaken(t *testing.T) {
	p := askPane(true, 100, 30)
	askKeys(p, "/")
	// Typed key by key: only the last key's debounce asks, for the whole text.
	var cmds []tea.Cmd
	for _, r := range "win r" {
		_, cmd := p.Update(keyPress(string(r)))
		cmds = append(cmds, cmd)
	}
	var reqs []AskSuggestRequestMsg
	for _, m := range askDrain(p, tea.Batch(cmds...)) {
		if r, ok := m.(AskSuggestRequestMsg); ok {
			reqs = append(reqs, r)
		}
	}
	if len(reqs) != 1 || reqs[0].Text != "win r" || reqs[0].SOQL {
		t.Fatalf("suggestion requests %+v, want one for the whole text", reqs)
	}
	// A late reply to an older request is dropped.
	p.Update(AskSuggestionsMsg{Seq: reqs[0].Seq - 1, Items: []string{"stale"}})
	if len(p.Suggestions()) != 0 {
		t.Fatal("a stale reply was shown")
	}
	p.Update(AskSuggestionsMsg{Seq: reqs[0].Seq, Items: []string{"win rate last quarter", "win rate this year by owner"}})
	if !strings.Contains(p.View(), "win rate this year by owner") {
		t.Fatalf("suggestions not shown:\n%s", p.View())
	}
	askKeys(p, "ctrl+n", "tab")
	if got := p.Value(); got != "win rate this year by owner" {
		t.Fatalf("tab took %q", got)
	}
	// SOQL asks for completions.
	p.input.SetValue("")
	msgs := askKeys(p, "SELECT N")
	if r := oneOf[AskSuggestRequestMsg](t, msgs); !r.SOQL {
		t.Fatalf("%+v is not a SOQL completion request", r)
	}
}

func TestAskResultRendersAndStaleResultsAreDropped(t *testing.T) {
	p := askPane(true, 100, 30)
	askKeys(p, "/", "q1", "enter")
	askKeys(p, "/", "q2", "enter")
	// The answer to q1 arrives after q2 was asked: dropped.
	if cmd := askUpdate(p, AskResultMsg{Seq: 1, Result: AskResult{Markdown: "old"}}); cmd != nil || p.Result() != nil {
		t.Fatal("a stale answer was taken")
	}
	if !strings.Contains(p.View(), "answering q2") {
		t.Fatalf("no pending state:\n%s", p.View())
	}
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 2, Result: answerResult()}))
	if !strings.Contains(ansi.Strip(p.Body()), "42") || !strings.Contains(ansi.Strip(p.View()), "open opportunities") {
		t.Fatalf("answer not rendered:\n%s", p.View())
	}
	// A resize re-renders at the new width; until then the old one shows.
	before := p.Body()
	p.SetSize(60, 30)
	if p.Body() != before {
		t.Fatal("the body changed before the new rendering arrived")
	}
	askDrain(p, p.Rerender())
	if p.Body() == before {
		t.Fatal("not re-rendered at the new width")
	}
	for i, l := range strings.Split(p.View(), "\n") {
		if w := ansi.StringWidth(l); w != 60 {
			t.Errorf("line %d is %d cells", i, w)
		}
	}
}

func askUpdate(p *Ask, msg tea.Msg) tea.Cmd {
	_, cmd := p.Update(msg)
	return cmd
}

func TestAskLinksOpenRecords(t *testing.T) {
	p := askPane(true, 100, 30)
	askKeys(p, "/", "q", "enter")
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 1, Result: answerResult()}))
	if l, ok := p.SelectedLink(); !ok || l.Name != "Acme — Platform" {
		t.Fatalf("first link not selected: %+v", l)
	}
	if !strings.Contains(p.View(), "→ Opportunity · Acme — Platform (1/2)") {
		t.Fatalf("selected link not shown:\n%s", p.View())
	}
	open := oneOf[OpenRecordMsg](t, askKeys(p, "]", "enter"))
	if open != (OpenRecordMsg{From: AskPane, Kind: AccountRecord, ID: "001000000000003AAA"}) {
		t.Fatalf("opened %+v", open)
	}
	open = oneOf[OpenRecordMsg](t, askKeys(p, "[", "enter"))
	if open.ID != "006000000000001AAA" || open.Kind != OpportunityRecord {
		t.Fatalf("opened %+v", open)
	}
}

func TestAskCopyAndExport(t *testing.T) {
	p := askPane(true, 100, 30)
	if ex := oneOf[AskExportMsg](t, askKeys(p, "ctrl+e")); ex.Table != nil {
		t.Fatal("export before any SOQL result has a table")
	}
	askKeys(p, "/", "q", "enter")
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 1, Result: answerResult()}))
	cp := oneOf[CopyTextMsg](t, askKeys(p, "y"))
	if cp.Text != answerResult().Markdown {
		t.Fatalf("copied %q", cp.Text)
	}
	table := &AskTable{SOQL: "SELECT Name, Account.Name FROM Opportunity", Columns: []string{"Name", "Account.Name"}, Rows: [][]string{{"A\tB", "Acme"}, {"C", ""}}, Total: 2, Source: "cache"}
	askKeys(p, "/", "SELECT Name, Account.Name FROM Opportunity", "enter")
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 2, Result: AskResult{Table: table, Understood: true}}))
	view := ansi.Strip(p.View())
	if !strings.Contains(view, "Account.Name") || !strings.Contains(view, "2 rows · from the cache") {
		t.Fatalf("table not shown:\n%s", view)
	}
	cp = oneOf[CopyTextMsg](t, askKeys(p, "y"))
	if want := "Name\tAccount.Name\nA B\tAcme\nC\t\n"; cp.Text != want {
		t.Fatalf("TSV %q, want %q", cp.Text, want)
	}
	// The export is the last SOQL result, even after a question.
	askKeys(p, "/", "q", "enter")
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 3, Result: answerResult()}))
	if ex := oneOf[AskExportMsg](t, askKeys(p, "ctrl+e")); ex.Table == nil || ex.Table.SOQL != table.SOQL {
		t.Fatalf("export %+v", ex)
	}
}

func TestAskErrorIsShown(t *testing.T) {
	p := askPane(false, 80, 20)
	askKeys(p, "/", "SELECT Nope FROM Account", "enter")
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 1, Result: AskResult{Err: errors.New("soql: No such column 'Nope' on entity 'Account'\x1b[2J")}}))
	out := p.View()
	if !strings.Contains(ansi.Strip(out), "No such column 'Nope'") {
		t.Fatalf("error not shown:\n%s", out)
	}
	assertSafe(t, out)
}

// TestGoldenAskAnswer renders the pane with an answer at two sizes in both
// themes. Regenerate with: go test ./views/... -run TestGoldenAskAnswer -update
func TestGoldenAskAnswer(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {140, 40}} {
		keytest.EachTheme(t, fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T, dark bool) {
			p := askPane(dark, size[0], size[1])
			askKeys(p, "/", "how many open opportunities do I have", "enter")
			askDrain(p, askUpdate(p, AskResultMsg{Seq: 1, Result: answerResult()}))
			out := p.View()
			assertBlock(t, out, size[0], size[1])
			golden.RequireEqual(t, fixedProfile(t, out))
		})
	}
}

// TestMarkdownRendersConcurrently renders from several goroutines at
// once, as render commands do, through the shared per-width renderers.
func TestMarkdownRendersConcurrently(t *testing.T) {
	md := NewMarkdown()
	want := map[int]string{}
	for _, w := range []int{40, 60} {
		out, err := md.Render(answerResult().Markdown, w, true)
		if err != nil {
			t.Fatal(err)
		}
		want[w] = out
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := []int{40, 60}[i%2]
			out, err := md.Render(answerResult().Markdown, w, true)
			if err == nil && out != want[w] {
				err = fmt.Errorf("width %d rendered differently", w)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAskSelectingALinkScrollsToIt(t *testing.T) {
	p := askPane(true, 80, 16)
	var md strings.Builder
	md.WriteString("**Alpha Ltd** first.\n\n")
	for i := range 40 {
		fmt.Fprintf(&md, "filler %d\n\n", i)
	}
	md.WriteString("**Zeta Corp** is last.\n")
	askKeys(p, "/", "q", "enter")
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 1, Result: AskResult{Understood: true, Markdown: md.String(),
		Links: []AskLink{{Kind: AccountRecord, ID: "001A", Name: "Alpha Ltd"}, {Kind: AccountRecord, ID: "001Z", Name: "Zeta Corp"}}}}))
	if strings.Contains(p.View(), "Zeta Corp is last") {
		t.Fatal("the end is already in view: the test proves nothing")
	}
	askKeys(p, "]")
	if !strings.Contains(ansi.Strip(p.View()), "Zeta Corp is last") {
		t.Fatalf("] did not scroll to the record:\n%s", ansi.Strip(p.View()))
	}
	askKeys(p, "]")
	if !strings.Contains(ansi.Strip(p.View()), "Alpha Ltd first") {
		t.Fatalf("] did not come back to the first record:\n%s", ansi.Strip(p.View()))
	}
}

func TestAskAgainAsksTheShownAnswerAgain(t *testing.T) {
	p := askPane(true, 100, 30)
	if p.Again() != nil {
		t.Fatal("asked again with nothing shown")
	}
	askKeys(p, "/", "q1", "enter")
	if p.Again() != nil {
		t.Fatal("asked again while a request is pending")
	}
	live := answerResult()
	live.Source = "live"
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 1, Result: live}))
	req := oneOf[AskRequestMsg](t, askDrain(p, p.Again()))
	if req.Seq != 2 || req.Text != live.Text || req.SOQL || !req.Live {
		t.Fatalf("asked again %+v", req)
	}
	// The old answer stays until the new one arrives, which is taken.
	if p.Result() == nil || !strings.Contains(ansi.Strip(p.Body()), "42") {
		t.Fatal("the shown answer was dropped before the new one arrived")
	}
	again := answerResult()
	again.Markdown = "You have **43** open opportunities."
	askDrain(p, askUpdate(p, AskResultMsg{Seq: 2, Result: again}))
	if !strings.Contains(ansi.Strip(p.Body()), "43") {
		t.Fatalf("the new answer is not shown:\n%s", p.Body())
	}
}
