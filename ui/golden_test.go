package ui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenScreens renders the whole screen on every pane at two sizes in
// both themes, downsampled to 256 colours so the files are stable.
// Regenerate with: go test ./ui/... -update
func TestGoldenScreens(t *testing.T) {
	screens := []struct {
		name string
		keys []string
	}{
		{"accounts", nil},
		{"opportunities", []string{"2"}},
		{"pipeline", []string{"3"}},
		{"ask", []string{"4"}},
		{"account-detail", []string{"j", "enter"}},
		{"opportunity-detail", []string{"2", "enter"}},
		{"help", []string{"2", "?"}},
		{"prompt", []string{":", "p", "i", "p"}},
	}
	sizes := [][2]int{{80, 24}, {140, 40}}
	for _, s := range screens {
		for _, size := range sizes {
			for _, dark := range []bool{true, false} {
				theme := "light"
				if dark {
					theme = "dark"
				}
				t.Run(fmt.Sprintf("%s/%dx%d/%s", s.name, size[0], size[1], theme), func(t *testing.T) {
					m, _ := newLoaded(t, 300, size[0], size[1], dark)
					for _, k := range s.keys {
						run(m, press(m, k))
					}
					out := m.render()
					lines := strings.Split(out, "\n")
					if len(lines) != size[1] {
						t.Errorf("%d lines, want %d", len(lines), size[1])
					}
					for i, l := range lines {
						if w := ansi.StringWidth(l); w != size[0] {
							t.Errorf("line %d is %d cells, want %d: %q", i, w, size[0], ansi.Strip(l))
						}
					}
					var buf bytes.Buffer
					w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ANSI256}
					if _, err := w.WriteString(out); err != nil {
						t.Fatal(err)
					}
					golden.RequireEqual(t, buf.String())
				})
			}
		}
	}
}
