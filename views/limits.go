package views

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// LimitsPane is the org limits view (':limits').
const LimitsPane PaneID = "Limits"

// Limit is one org limit of GET /limits: DailyApiRequests, DataStorageMB…
type Limit struct {
	Name      string
	Max       int
	Remaining int
}

// Used is how much of the limit is used.
func (l Limit) Used() int { return l.Max - l.Remaining }

// LimitsReloadMsg asks the root to fetch the org's limits again.
type LimitsReloadMsg struct{}

// Limits shows the org's limits, each with a usage bar, the daily API
// requests first, then the most used. It holds no data until the root
// hands it some: the limits are fetched live when the view is opened.
type Limits struct {
	ctx       *Context
	limits    []Limit // in display order
	fetchedAt time.Time
	loading   bool
	err       error
	offset    int
	paneFocus
	width  int
	height int
}

var _ Pane = (*Limits)(nil)

// NewLimits returns an empty limits view.
func NewLimits(ctx *Context) *Limits { return &Limits{ctx: ctx} }

// SetLoading shows that the limits are being fetched.
func (p *Limits) SetLoading() { p.loading, p.err = true, nil }

// SetLimits shows limits fetched at at.
func (p *Limits) SetLimits(limits []Limit, at time.Time) {
	ls := slices.Clone(limits)
	share := func(l Limit) float64 {
		if l.Max <= 0 {
			return -1
		}
		return float64(l.Used()) / float64(l.Max)
	}
	slices.SortStableFunc(ls, func(a, b Limit) int {
		if (a.Name == "DailyApiRequests") != (b.Name == "DailyApiRequests") {
			if a.Name == "DailyApiRequests" {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(share(b), share(a)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	p.limits, p.fetchedAt, p.loading, p.err = ls, at, false, nil
	p.offset = min(p.offset, p.maxOffset())
}

// SetError shows why the limits could not be fetched; limits fetched
// before stay shown.
func (p *Limits) SetError(err error) { p.err, p.loading = err, false }

// Rows returns the limits in display order.
func (p *Limits) Rows() []Limit { return p.limits }

// SetSize implements Pane.
func (p *Limits) SetSize(w, h int) {
	p.width, p.height = w, h
	p.offset = min(p.offset, p.maxOffset())
}

// Capturing implements Pane.
func (p *Limits) Capturing() bool { return false }

// headLines is the title, the status line and a blank line.
const limitsHeadLines = 3

func (p *Limits) maxOffset() int {
	return max(0, len(p.limits)-(p.height-limitsHeadLines))
}

// Update implements Pane.
func (p *Limits) Update(msg tea.Msg) (Pane, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	k := &p.ctx.Keys.Limits
	switch {
	case key.Matches(kp, k.Up):
		p.offset = max(0, p.offset-1)
	case key.Matches(kp, k.Down):
		p.offset = min(p.maxOffset(), p.offset+1)
	case key.Matches(kp, k.Top):
		p.offset = 0
	case key.Matches(kp, k.Bottom):
		p.offset = p.maxOffset()
	case key.Matches(kp, k.Reload):
		return p, requestCmd(LimitsReloadMsg{})
	}
	return p, nil
}

// View implements Pane.
func (p *Limits) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.ctx.Styles
	w := p.width
	status := ""
	switch {
	case p.loading:
		status = st.Muted.Render(fit("fetching the limits from the org…", w))
	case p.err != nil:
		status = st.Error.Render(fit("could not fetch the limits: "+p.err.Error(), w))
	case p.fetchedAt.IsZero():
		status = st.Muted.Render(fit("the limits are fetched from the org when this view opens", w))
	default:
		status = st.Muted.Render(fit(fmt.Sprintf("%d limits · fetched %s · %s fetches again", len(p.limits), p.fetchedAt.Format("15:04"), p.ctx.Keys.Limits.Reload.Help().Key), w))
	}
	lines := []string{st.Title.Render(fit("Org limits", w)), status, ""}
	nameW := min(34, max(8, w/3))
	countW := 0 // the widest "used / max"
	for _, l := range p.limits {
		countW = max(countW, len(limitCount(l)))
	}
	pctW := 5
	barW := max(0, w-nameW-countW-pctW-3)
	for _, l := range p.limits[min(p.offset, len(p.limits)):] {
		if len(lines) >= p.height {
			break
		}
		lines = append(lines, p.row(l, nameW, barW, pctW, countW))
	}
	return padLines(strings.Join(lines, "\n"), w, p.height)
}

// row draws one limit: name, bar, share used and "used / max".
func (p *Limits) row(l Limit, nameW, barW, pctW, countW int) string {
	st := p.ctx.Styles
	if l.Max <= 0 {
		return fit(l.Name, nameW) + " " + st.Muted.Render(fit("no limit reported", barW+pctW+countW+2))
	}
	share := min(1, max(0, float64(l.Used())/float64(l.Max)))
	filled := int(share*float64(barW) + 0.5)
	if l.Used() > 0 && filled == 0 && barW > 0 {
		filled = 1 // anything used shows
	}
	style := st.Bar
	switch {
	case share >= 0.9:
		style = st.Error
	case share >= 0.75:
		style = st.Warn
	}
	bar := style.Render(strings.Repeat("█", filled)) + st.Muted.Render(strings.Repeat("░", barW-filled))
	pct := fmt.Sprintf("%d%%", int(share*100+0.5))
	return fit(l.Name, nameW) + " " + bar + " " + fitRight(pct, pctW) + " " + fitRight(limitCount(l), countW)
}

// limitCount is "used / max": "1,234 / 15,000".
func limitCount(l Limit) string {
	return formatInt(int64(l.Used())) + " / " + formatInt(int64(l.Max))
}

// ShortHelp implements help.KeyMap.
func (p *Limits) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Limits
	return []key.Binding{k.Up, k.Down, k.Reload}
}

// FullHelp implements help.KeyMap.
func (p *Limits) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Limits
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.Reload}}
}
