package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/views"
)

// limitsLoadedMsg carries the org's limits, fetched live.
type limitsLoadedMsg struct {
	limits []views.Limit
	at     time.Time
	err    error
}

// openLimits fetches the org's limits for the limits view (':limits').
func (m *Model) openLimits() tea.Cmd {
	if m.deps.Limits == nil {
		m.limits.SetError(fmt.Errorf("not available here: the app has no connection to an org"))
		return nil
	}
	m.limits.SetLoading()
	fetch, life, now := m.deps.Limits, m.life, m.deps.Now
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		raw, err := fetch(ctx)
		if err != nil {
			return limitsLoadedMsg{err: err}
		}
		ls := make([]views.Limit, 0, len(raw))
		for name, l := range raw {
			ls = append(ls, views.Limit{Name: name, Max: l.Max, Remaining: l.Remaining})
		}
		return limitsLoadedMsg{limits: ls, at: now()}
	})
}

// limitsLoaded shows the fetched limits; the status bar's API usage is
// read again, as the fetch brought a fresher Sforce-Limit-Info.
func (m *Model) limitsLoaded(msg limitsLoadedMsg) tea.Cmd {
	if msg.err != nil {
		err := msg.err
		if sfdc.IsNetworkError(err) {
			err = fmt.Errorf("the org cannot be reached (offline?); %s tries again", m.keys.Limits.Reload.Help().Key)
		}
		m.limits.SetError(err)
		if m.deps.Log != nil {
			m.deps.Log.Printf("limits: %v", msg.err)
		}
		return nil
	}
	m.limits.SetLimits(msg.limits, msg.at)
	return m.loadStatus()
}
