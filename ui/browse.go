package ui

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
)

// ErrNoBrowser is what Deps.OpenURL's error wraps when there is no
// browser to open (none installed, a headless machine): the app then says
// so and copies the URL instead.
var ErrNoBrowser = errors.New("no browser")

// openURL opens url in the browser. With no browser to open, it says so
// and copies the URL instead.
func (m *Model) openURL(url string) tea.Cmd {
	open := m.deps.OpenURL
	return func() tea.Msg {
		err := open(url)
		switch {
		case errors.Is(err, ErrNoBrowser):
			flash := flashMsg{level: flashWarn, text: "no browser to open here: copied the URL " + url}
			return tea.BatchMsg{tea.SetClipboard(url), func() tea.Msg { return flash }}
		case err != nil:
			return flashMsg{level: flashError, text: fmt.Sprintf("open %s: %v", url, err)}
		}
		return flashMsg{level: flashInfo, text: "opened " + url}
	}
}

// recordURL is the Lightning page of record id: instance/lightning/r/
// TYPE/ID/view, the type named by the Id's key prefix. An Id of an
// unknown prefix gets the classic /ID, which Salesforce redirects.
func recordURL(instance, id string) string {
	instance = strings.TrimRight(instance, "/")
	if typ, ok := sfdc.ID(id).ObjectType(); ok {
		return instance + "/lightning/r/" + typ + "/" + id + "/view"
	}
	return instance + "/" + id
}
