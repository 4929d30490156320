package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/keymap"
)

// rowList is the cursor and the scroll window over a list's displayed
// rows. The window moves with the cursor, the rows and the height, never
// while rendering: View only reads offset.
type rowList struct {
	rows   []int // indexes into the pane's records, in display order
	cursor int
	offset int // first visible row
	height int // rows the window shows
}

// setRows replaces the displayed rows, keeping the cursor in range.
func (l *rowList) setRows(rows []int) {
	l.rows = rows
	l.cursor = clamp(l.cursor, len(rows))
	l.follow()
}

// setCursor moves the cursor to row i (kept in range).
func (l *rowList) setCursor(i int) {
	l.cursor = clamp(i, len(l.rows))
	l.follow()
}

// setHeight sets how many rows the window shows.
func (l *rowList) setHeight(h int) {
	l.height = max(0, h)
	l.follow()
}

// follow scrolls the window so that the cursor is visible.
func (l *rowList) follow() { l.offset = scroll(l.cursor, l.offset, l.height, len(l.rows)) }

// visible returns the displayed rows' range [start, end) in the window.
func (l *rowList) visible() (start, end int) {
	return l.offset, min(len(l.rows), l.offset+l.height)
}

// writeRows writes the rows in the window to b, one line each as line
// renders the i-th displayed row, without a final line break.
func (l *rowList) writeRows(b *strings.Builder, line func(i int) string) {
	start, end := l.visible()
	for i := start; i < end; i++ {
		b.WriteString(line(i))
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
}

// move applies a movement key of k; it reports whether kp was one.
func (l *rowList) move(kp tea.KeyPressMsg, k *keymap.List) bool {
	cursor, ok := moveCursor(kp, k, l.cursor, len(l.rows), l.height)
	if ok {
		l.setCursor(cursor)
	}
	return ok
}

// recordKeys handles the keys every list shares on its selected record
// (id, "" when none): open its detail view (asked of the root for pane
// from), open it in the browser, copy its Id. ok reports that kp was one
// of them.
func recordKeys(kp tea.KeyPressMsg, k *keymap.List, from PaneID, kind RecordKind, id string) (cmd tea.Cmd, ok bool) {
	var msg tea.Msg
	switch {
	case key.Matches(kp, k.Open):
		msg = OpenRecordMsg{From: from, Kind: kind, ID: id}
	case key.Matches(kp, k.Browser):
		msg = BrowseMsg{ID: id}
	case key.Matches(kp, k.Copy):
		msg = CopyMsg{ID: id}
	default:
		return nil, false
	}
	if id == "" {
		return nil, true
	}
	return requestCmd(msg), true
}

// requestCmd wraps a request message for the root in a command.
func requestCmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// searchIndex is the data of a filterable list: its search keys.
type searchIndex interface {
	searchKeys() []string
}

// filteredList is the plumbing the filterable list panes share: the data
// shown, new data waiting for the filter's result over it, the text
// filter and the cursor over the displayed rows. The pane supplies how
// its rows are computed (rows), where the record under row r is (idOf),
// and how many lines sit above the list (chrome).
type filteredList[I searchIndex] struct {
	rowList
	index   I
	next    I    // new data waiting for its filter results
	waiting bool // next holds data
	filter  filter
	chrome  int // title and header lines above the list, without the filter's line
	width   int // the pane's size
	paneH   int
	focused bool
	rowsOf  func() []int
	idOf    func(ix I, row int) string
}

// SetSize implements Pane.
func (l *filteredList[I]) SetSize(w, h int) {
	l.width, l.paneH = w, h
	l.filter.input.SetWidth(max(1, w-4))
	l.layout()
}

// Focus implements Pane.
func (l *filteredList[I]) Focus() { l.focused = true }

// Blur implements Pane.
func (l *filteredList[I]) Blur() { l.focused = false }

// Capturing implements Pane: the filter input takes all keys.
func (l *filteredList[I]) Capturing() bool { return l.filter.editing }

// shortHelp is the list's short help: the filter's keys while it is
// being typed, else the movement, open and filter keys and the pane's own.
func (l *filteredList[I]) shortHelp(ctx *Context, k *keymap.List, own ...key.Binding) []key.Binding {
	if l.filter.editing {
		return []key.Binding{ctx.Keys.Prompt.Submit, ctx.Keys.Prompt.Cancel}
	}
	return append([]key.Binding{k.Up, k.Down, k.Open, k.Filter}, own...)
}

// SetData replaces the data, keeping the selected record when it is still
// there. With a filter applied, the old data stays on screen until the
// returned command has searched the new one.
func (l *filteredList[I]) SetData(ix I) tea.Cmd {
	if l.filter.active() {
		l.next, l.waiting = ix, true
		return l.filter.research(ix.searchKeys())
	}
	l.swap(ix)
	return nil
}

// swap installs ix and restores the selection.
func (l *filteredList[I]) swap(ix I) {
	selected := l.selectedID()
	var none I
	l.index, l.next, l.waiting = ix, none, false
	l.refresh()
	for i, r := range l.rows {
		if l.idOf(ix, r) == selected {
			l.setCursor(i)
			break
		}
	}
}

// selectedID returns the selected record's Id, or "".
func (l *filteredList[I]) selectedID() string {
	if len(l.rows) == 0 {
		return ""
	}
	return l.idOf(l.index, l.rows[l.cursor])
}

// refresh recomputes the displayed rows and the window.
func (l *filteredList[I]) refresh() {
	l.setRows(l.rowsOf())
	l.layout()
}

// layout sizes the window: the filter's line takes one row when shown.
func (l *filteredList[I]) layout() {
	h := l.paneH - l.chrome
	if l.filter.editing || l.filter.active() {
		h--
	}
	l.setHeight(h)
}

// clearFilter implements filterList: it removes the filter and shows any
// data that was waiting for it.
func (l *filteredList[I]) clearFilter() {
	l.filter.clear()
	if l.waiting {
		l.swap(l.next)
		return
	}
	l.refresh()
}

// searchKeys implements filterList.
func (l *filteredList[I]) searchKeys() ([]string, bool) {
	if l.waiting {
		return l.next.searchKeys(), true
	}
	return l.index.searchKeys(), false
}

// filtered implements filterList.
func (l *filteredList[I]) filtered() {
	if l.waiting {
		l.swap(l.next)
		return
	}
	l.cursor = 0
	l.refresh()
}

// update handles the filter's messages and the keys every filterable list
// shares: movement, the filter and esc. ok reports that msg was handled;
// the pane handles its own keys, then the record keys (recordKeys).
func (l *filteredList[I]) update(ctx *Context, msg tea.Msg, k *keymap.List) (cmd tea.Cmd, ok bool) {
	defer l.layout() // the filter's line may have come or gone
	if cmd, ok := l.filter.update(msg, l, &ctx.Keys.Prompt); ok {
		return cmd, true
	}
	kp, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		return nil, true // not a key: nothing else for the pane
	}
	if l.move(kp, k) {
		return nil, true
	}
	switch {
	case key.Matches(kp, k.Filter):
		return l.filter.start(ctx.Styles.IsDark), true
	case key.Matches(kp, k.Back):
		if l.filter.active() {
			l.clearFilter()
		}
		return nil, true
	}
	return nil, false
}
