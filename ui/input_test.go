package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/views"
)

func TestPasteIntoThePrompt(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	press(m, ":")
	m.Update(tea.PasteMsg{Content: "pipe\u202eline\n"})
	if got := m.prompt.Value(); got != "pipeline " {
		t.Fatalf("prompt holds %q after the paste, want %q", got, "pipeline ")
	}
	run(m, press(m, "enter"))
	if m.Focus() != views.PipelinePane {
		t.Fatalf("pasted :pipeline → focus %v", m.Focus())
	}
}

func TestPromptDropsInvisibleKeysAndEchoesNoneOfThem(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	press(m, ":")
	for _, k := range []string{"x", "\u202e", "y", "\u200f", "\u2028"} {
		press(m, k)
	}
	if got := m.prompt.Value(); got != "xy " {
		t.Fatalf("prompt holds %q, want %q", got, "xy ")
	}
	if v := m.View().Content; strings.ContainsAny(v, "\u202e\u200f\u2028") {
		t.Fatal("the screen draws an invisible character from the prompt")
	}
}

func TestPasteIntoTheFilterThroughTheRoot(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	press(m, "/")
	run(m, run1(m, tea.PasteMsg{Content: strings.Repeat("zz", 5000)}))
	if got := len([]rune(m.Accounts().Query())); got == 0 || got > views.InputLimit {
		t.Fatalf("a 10k paste applied a %d-character filter, want 1..%d", got, views.InputLimit)
	}
	for i, l := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(l); w != 100 {
			t.Errorf("line %d is %d cells wide, want 100", i, w)
		}
	}
}

func TestPasteOutsideAnInputDoesNothing(t *testing.T) {
	m, _ := newLoaded(t, 20, 100, 30, true)
	focus := m.Focus()
	if isQuit(run1(m, tea.PasteMsg{Content: "q:quit\n"})) || m.prompting || m.Focus() != focus {
		t.Fatal("a paste outside an input was run as keys")
	}
}

// run1 sends msg and returns the command.
func run1(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func TestFitLineKeepsTheWidthAcrossWideCharacters(t *testing.T) {
	for _, s := range []string{"ab東東", "東京東京東京", "a\U0001F600\U0001F600\U0001F600", "plain text that is long", "", "x"} {
		for w := 0; w <= 8; w++ {
			if got := ansi.StringWidth(fitLine(s, w)); got != w {
				t.Errorf("fitLine(%q, %d) is %d cells wide", s, w, got)
			}
		}
	}
}

func TestWideTextKeepsTheScreenWidth(t *testing.T) {
	wide := []string{
		"東京海上 株式会社 データ分析部",
		"Famille \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 Dupont",
		"\U0001F44D\U0001F3FD \U0001F1EB\U0001F1F7 \u2764\ufe0f 한국어",
	}
	const w, h = 110, 30
	m, fake := newLoaded(t, 40, w, h, true)
	for i := range fake.accounts {
		fake.accounts[i].Name = wide[i%len(wide)] + " " + fake.accounts[i].Name
	}
	for i := range fake.opps {
		fake.opps[i].Name = wide[(i+1)%len(wide)]
		fake.opps[i].AccountName = wide[i%len(wide)]
	}
	run(m, m.loadData())
	m.status.OrgName = wide[1]
	m.status.Username = wide[0]
	for _, pane := range []string{"1", "2", "3"} {
		press(m, pane)
		m.setFlash(flashMsg{text: wide[2] + " " + wide[1]})
		for i, l := range strings.Split(m.View().Content, "\n") {
			if g, wc := ansi.StringWidth(l), ansi.StringWidthWc(l); g != w || wc != w {
				t.Errorf("pane %s line %d is %d cells by grapheme clusters and %d by wcwidth, want %d:\n%s", pane, i, g, wc, w, l)
			}
		}
	}
}
