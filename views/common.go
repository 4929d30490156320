// Package views holds one file per pane of lazyforce. Every pane satisfies
// Pane, renders a string and does no IO: data arrives through setters called
// by the root model (package ui), and requests leave as messages.
package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/ui/theme"
)

// Pane is the contract every pane satisfies (STYLE.md §1.2).
type Pane interface {
	Update(tea.Msg) (Pane, tea.Cmd)
	View() string
	SetSize(w, h int)
	Focus()
	Blur()
	// Capturing reports that a text input or filter is active, so the root
	// must not steal keys.
	Capturing() bool
	help.KeyMap
}

// Context is shared by every pane: styles, keys and the clock. The root
// owns it and replaces Styles when the background colour changes.
type Context struct {
	Styles *theme.Styles
	Keys   *keymap.KeyMap
	Now    func() time.Time
	// Me is the Id of the signed-in user, for the "mine" filters.
	Me string
	// FiscalYearStartMonth is the org's first fiscal month; 0 means
	// January (fiscal quarters are then calendar quarters).
	FiscalYearStartMonth time.Month
	// Currency is the org's ISO currency code, e.g. "EUR"; "" means USD.
	Currency string
	// Marks is where each record's latest write stands in the outbox, by
	// record Id; records without a write are not in it. The root replaces
	// the map, never changes it in place.
	Marks map[string]WriteState
}

// Mark returns where the latest write of record id stands (WriteNone for
// none).
func (c *Context) Mark(id string) WriteState {
	if c == nil || id == "" {
		return WriteNone
	}
	return c.Marks[id]
}

// FiscalQuarter returns the first day of the org's fiscal quarter that
// holds now and the first day of the next one. They are UTC midnights of
// the calendar days, as close dates are.
func (c *Context) FiscalQuarter(now time.Time) (start, end time.Time) {
	first := c.FiscalYearStartMonth
	if first < time.January || first > time.December {
		first = time.January
	}
	into := (int(now.Month()) - int(first) + 12) % 3 // months into the quarter
	start = time.Date(now.Year(), now.Month()-time.Month(into), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 3, 0)
}

// QuarterLabel names the fiscal quarter holding now for people: "this
// quarter (Apr–Jun)", or "this fiscal quarter (May–Jul)" when the fiscal
// year does not start in January.
func (c *Context) QuarterLabel(now time.Time) string {
	start, end := c.FiscalQuarter(now)
	which := "this quarter"
	if c.FiscalYearStartMonth > time.January && c.FiscalYearStartMonth <= time.December {
		which = "this fiscal quarter"
	}
	return fmt.Sprintf("%s (%s–%s)", which, start.Format("Jan"), end.AddDate(0, -1, 0).Format("Jan"))
}

// currencySymbols are the currencies shown with a symbol rather than
// their code.
var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}

// Money formats an amount in the org's currency the way a rep reads it:
// $1.2M, €350K, CHF 900.
func (c *Context) Money(v float64) string {
	code := strings.ToUpper(strings.TrimSpace(Sanitize(c.Currency)))
	if code == "" {
		code = "USD"
	}
	prefix, ok := currencySymbols[code]
	if !ok {
		prefix = code + " "
	}
	neg := ""
	if v < 0 {
		neg, v = "-", -v
	}
	return neg + prefix + compact(v)
}

// Amount is Money, or "—" for an amount Salesforce left empty (null).
func (c *Context) Amount(v float64, null bool) string {
	if null {
		return "—"
	}
	return c.Money(v)
}

// PaneID names a pane, so that asynchronous results find their addressee.
// It is the pane's title, as the tabs and the help show it; every pane
// file declares its own (AccountsPane, PipelinePane, …).
type PaneID string

// String returns the pane's title.
func (p PaneID) String() string { return string(p) }

// RecordKind is the kind of record a detail view shows.
type RecordKind int

const (
	// AccountRecord is an Account.
	AccountRecord RecordKind = iota
	// OpportunityRecord is an Opportunity.
	OpportunityRecord
	// ContactRecord is a Contact.
	ContactRecord
	// LeadRecord is a Lead.
	LeadRecord
)

// OpenRecordMsg asks the root to load and show a record's detail view.
type OpenRecordMsg struct {
	From PaneID
	Kind RecordKind
	ID   string
}

// CloseDetailMsg asks the root to close the detail view open on Pane, the
// pane that opened it (OpenRecordMsg.From).
type CloseDetailMsg struct{ Pane PaneID }

// BrowseMsg asks the root to open a record in the browser.
type BrowseMsg struct{ ID string }

// CopyMsg asks the root to copy a record's Id (and URL) to the clipboard.
type CopyMsg struct{ ID string }

// padLines pads or cuts the block to exactly h lines of width w, so panes
// always fill the space the root gave them.
func padLines(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lw := ansi.StringWidth(l)
		switch {
		case lw > w:
			lines[i] = ansi.Truncate(l, w, "")
		case lw < w:
			lines[i] = l + strings.Repeat(" ", w-lw)
		}
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// compact formats a non-negative amount: 1.2M, 350K, 900.
func compact(v float64) string {
	switch {
	case v >= 1e9:
		return trimFloat(v/1e9) + "B"
	case v >= 1e6:
		return trimFloat(v/1e6) + "M"
	case v >= 1e4:
		return trimFloat(v/1e3) + "K"
	default:
		return formatInt(int64(v))
	}
}

func trimFloat(v float64) string {
	s := strconvFormat(v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// date formats a date as 2006-01-02, or "—" when it is zero.
func date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02")
}

// dateOrEmpty formats a date as 2006-01-02, or "" when it is zero (a
// field left out).
func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return date(t)
}

// clamp keeps i within [0, n-1] (0 when n is 0).
func clamp(i, n int) int {
	if i >= n {
		i = n - 1
	}
	if i < 0 {
		i = 0
	}
	return i
}

// moveCursor applies a movement key of k to cursor, one of n rows, paging
// by half the height rows the list shows; ok reports whether msg was a
// movement key.
func moveCursor(msg tea.KeyPressMsg, k *keymap.List, cursor, n, height int) (moved int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return clamp(cursor-1, n), true
	case key.Matches(msg, k.Down):
		return clamp(cursor+1, n), true
	case key.Matches(msg, k.Top):
		return 0, true
	case key.Matches(msg, k.Bottom):
		return clamp(n-1, n), true
	case key.Matches(msg, k.PageDown):
		return clamp(cursor+max(1, height/2), n), true
	case key.Matches(msg, k.PageUp):
		return clamp(cursor-max(1, height/2), n), true
	}
	return cursor, false
}
