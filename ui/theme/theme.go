// Package theme holds lazyforce's semantic colours and the styles built
// from them. It is a leaf package: panes receive a *Styles and never pick
// colours themselves.
package theme

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Palette is the set of semantic colour tokens.
type Palette struct {
	Primary       color.Color
	Text          color.Color
	Muted         color.Color
	Border        color.Color
	BorderFocused color.Color
	Selected      color.Color // background of the selected row
	SelectedText  color.Color
	Error         color.Color
	Warn          color.Color
	Success       color.Color
	Bar           color.Color // bar chart bars
	StatusBar     color.Color // status bar background
}

// NewPalette returns the palette for a dark or a light terminal background.
func NewPalette(isDark bool) Palette {
	ld := lipgloss.LightDark(isDark)
	c := lipgloss.Color
	return Palette{
		Primary:       ld(c("#5A3FD6"), c("#A08CFF")),
		Text:          ld(c("#1B1B1F"), c("#E8E6F0")),
		Muted:         ld(c("#6B6878"), c("#8E8A9E")),
		Border:        ld(c("#C9C5D6"), c("#45424F")),
		BorderFocused: ld(c("#5A3FD6"), c("#A08CFF")),
		Selected:      ld(c("#E3DCFF"), c("#3B2F7A")),
		SelectedText:  ld(c("#1B1B1F"), c("#FFFFFF")),
		Error:         ld(c("#C62828"), c("#FF6B6B")),
		Warn:          ld(c("#A15C00"), c("#FFB74D")),
		Success:       ld(c("#1B7F3B"), c("#6BD68A")),
		Bar:           ld(c("#7E67E0"), c("#8F7BFF")),
		StatusBar:     ld(c("#ECEAF3"), c("#26242E")),
	}
}

// Styles are the styles every pane and the root use.
type Styles struct {
	IsDark  bool
	Palette Palette

	Title       lipgloss.Style // pane titles
	Tab         lipgloss.Style // an inactive tab in the header
	TabActive   lipgloss.Style // the focused pane's tab
	Header      lipgloss.Style // table column headers
	HeaderSort  lipgloss.Style // the sorted column's header
	Selected    lipgloss.Style // the selected row
	Muted       lipgloss.Style
	Text        lipgloss.Style
	Error       lipgloss.Style
	Warn        lipgloss.Style
	Success     lipgloss.Style
	Chip        lipgloss.Style // an inactive quick filter
	ChipActive  lipgloss.Style // an active quick filter
	Column      lipgloss.Style // a pipeline column
	ColumnFocus lipgloss.Style // the focused pipeline column
	Bar         lipgloss.Style // bar chart bars
	StatusBar   lipgloss.Style
	StatusKey   lipgloss.Style // labels inside the status bar
	Overlay     lipgloss.Style // help overlay and prompt frame
	Prompt      lipgloss.Style // the ':' and '/' prompts
}

// New builds the styles for a dark or light background.
func New(isDark bool) *Styles {
	p := NewPalette(isDark)
	base := lipgloss.NewStyle().Foreground(p.Text)
	return &Styles{
		IsDark:      isDark,
		Palette:     p,
		Title:       lipgloss.NewStyle().Bold(true).Foreground(p.Primary),
		Tab:         lipgloss.NewStyle().Foreground(p.Muted).Padding(0, 1),
		TabActive:   lipgloss.NewStyle().Bold(true).Foreground(p.SelectedText).Background(p.Primary).Padding(0, 1),
		Header:      lipgloss.NewStyle().Bold(true).Foreground(p.Muted),
		HeaderSort:  lipgloss.NewStyle().Bold(true).Foreground(p.Primary),
		Selected:    lipgloss.NewStyle().Foreground(p.SelectedText).Background(p.Selected),
		Muted:       lipgloss.NewStyle().Foreground(p.Muted),
		Text:        base,
		Error:       lipgloss.NewStyle().Foreground(p.Error).Bold(true),
		Warn:        lipgloss.NewStyle().Foreground(p.Warn),
		Success:     lipgloss.NewStyle().Foreground(p.Success),
		Chip:        lipgloss.NewStyle().Foreground(p.Muted).Padding(0, 1),
		ChipActive:  lipgloss.NewStyle().Foreground(p.SelectedText).Background(p.Selected).Padding(0, 1),
		Column:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.Border).Padding(0, 1),
		ColumnFocus: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.BorderFocused).Padding(0, 1),
		Bar:         lipgloss.NewStyle().Foreground(p.Bar),
		StatusBar:   lipgloss.NewStyle().Foreground(p.Text).Background(p.StatusBar),
		StatusKey:   lipgloss.NewStyle().Foreground(p.Primary).Background(p.StatusBar).Bold(true),
		Overlay:     lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.BorderFocused).Padding(0, 1),
		Prompt:      lipgloss.NewStyle().Foreground(p.Primary).Bold(true),
	}
}

// Mode is how the app picks its palette: from the terminal's background
// (Auto), or always Dark or Light, as the config's "theme" or ":theme"
// says.
type Mode int

// The modes. Auto starts dark: a terminal that does not report its
// background (detached, or unknown to the terminal library) is far more
// often dark than light, and a light palette on a dark background is
// unreadable.
const (
	Auto Mode = iota
	Dark
	Light
)

// String returns the mode's name as the config and ":theme" spell it.
func (m Mode) String() string {
	switch m {
	case Dark:
		return "dark"
	case Light:
		return "light"
	}
	return "auto"
}

// ParseMode reads a mode as the config and ":theme" spell it; "" is Auto.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return Auto, nil
	case "dark":
		return Dark, nil
	case "light":
		return Light, nil
	}
	return Auto, fmt.Errorf("theme %q: want dark, light or auto", s)
}

// IsDark returns whether the mode starts with the dark palette, before
// (or without) the terminal's answer.
func (m Mode) IsDark() bool { return m != Light }

// FollowsTerminal reports whether the terminal's background colour picks
// the palette.
func (m Mode) FollowsTerminal() bool { return m == Auto }
