package views

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/ui/theme"
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

// listOrder is a sorted list's order: its sort column and whether it is
// descending.
type listOrder[S ~int] struct {
	sort S
	desc bool
}

// Sort returns the sort column and whether it is descending.
func (o *listOrder[S]) Sort() (S, bool) { return o.sort, o.desc }

// sortKey applies kp when it is one of the keys k that change the order:
// the next or the previous of n columns, or reverse. It reports whether
// kp was one of them.
func (o *listOrder[S]) sortKey(kp tea.KeyPressMsg, k *keymap.Sort, n S) bool {
	switch {
	case key.Matches(kp, k.SortNext):
		o.sort = (o.sort + 1) % n
	case key.Matches(kp, k.SortPrev):
		o.sort = (o.sort + n - 1) % n
	case key.Matches(kp, k.Reverse):
		o.desc = !o.desc
	default:
		return false
	}
	return true
}

// paneFocus is whether a pane has the focus: Focus and Blur of Pane.
type paneFocus struct{ focused bool }

// Focus implements Pane.
func (f *paneFocus) Focus() { f.focused = true }

// Blur implements Pane.
func (f *paneFocus) Blur() { f.focused = false }

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
	paneFocus
	rowsOf  func() []int
	idOf    func(ix I, row int) string
	seq     int   // of the snapshot shown (load)
	loadErr error // why the last read failed
}

// newFilteredList returns the plumbing of pane's list over ix (empty
// data), with chrome lines above the list; rowsOf and idOf are the
// pane's (see filteredList).
func newFilteredList[I searchIndex](pane PaneID, ix I, chrome int, rowsOf func() []int, idOf func(ix I, row int) string) filteredList[I] {
	return filteredList[I]{index: ix, filter: newFilter(pane), chrome: chrome, rowsOf: rowsOf, idOf: idOf}
}

// load shows the snapshot ix of read seq unless a newer one is shown; a
// failed read (err) keeps what is shown and records why.
func (l *filteredList[I]) load(seq int, ix I, err error) tea.Cmd {
	if seq < l.seq {
		return nil
	}
	l.seq, l.loadErr = seq, err
	if err != nil {
		return nil
	}
	return l.SetData(ix)
}

// Rows returns how many records are displayed.
func (l *filteredList[I]) Rows() int { return len(l.rows) }

// Query returns the applied filter text.
func (l *filteredList[I]) Query() string { return l.filter.query }

// Cursor returns the selected row's position.
func (l *filteredList[I]) Cursor() int { return l.cursor }

// selectedRow returns the selected record's index in the data.
func (l *filteredList[I]) selectedRow() (int, bool) {
	if len(l.rows) == 0 {
		return 0, false
	}
	return l.rows[l.cursor], true
}

// selectedOf returns the record of items under l's cursor: items is the
// data l's rows index.
func selectedOf[I searchIndex, T any](l *filteredList[I], items []T) (T, bool) {
	r, ok := l.selectedRow()
	if !ok {
		var none T
		return none, false
	}
	return items[r], true
}

// SetSize implements Pane.
func (l *filteredList[I]) SetSize(w, h int) {
	l.width, l.paneH = w, h
	l.filter.input.SetWidth(max(1, w-4))
	l.layout()
}

// Capturing implements Pane: the filter input takes all keys.
func (l *filteredList[I]) Capturing() bool { return l.filter.editing }

// sortedListHelp is the full help of a sorted list (its keys k and its
// sort keys s): movement, then open, filter and order, then the pane's
// own keys and the record keys.
func sortedListHelp(k *keymap.List, s *keymap.Sort, own ...key.Binding) [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
		{k.Open, k.Filter, k.Back, s.SortNext, s.SortPrev, s.Reverse},
		append(own, k.Browser, k.Copy),
	}
}

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
// shares: movement, the filter and esc. done reports that msg was handled
// (or is no key, so nothing is left for the pane); else kp is the key
// for the pane's own keys, then the record keys (recordKeys).
func (l *filteredList[I]) update(ctx *Context, msg tea.Msg, k *keymap.List) (kp tea.KeyPressMsg, cmd tea.Cmd, done bool) {
	defer l.layout() // the filter's line may have come or gone
	if cmd, ok := l.filter.update(msg, l, &ctx.Keys.Prompt); ok {
		return kp, cmd, true
	}
	kp, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		return kp, nil, true // not a key: nothing else for the pane
	}
	if l.move(kp, k) {
		return kp, nil, true
	}
	switch {
	case key.Matches(kp, k.Filter):
		return kp, l.filter.start(ctx.Styles.IsDark), true
	case key.Matches(kp, k.Back):
		if l.filter.active() {
			l.clearFilter()
		}
		return kp, nil, true
	}
	return kp, nil, false
}

// sortedList is a filtered list in the order of one of its columns of
// type S: the plumbing of the accounts, contacts, leads and opportunities
// panes.
type sortedList[I searchIndex, S ~int] struct {
	filteredList[I]
	listOrder[S]
	kind RecordKind // of the records listed
	n    S          // how many columns there are to sort by
}

// newSortedList returns the plumbing of pane's list of records of kind,
// sorted by one of n columns (see newFilteredList for the rest).
func newSortedList[I searchIndex, S ~int](pane PaneID, kind RecordKind, n S, ix I, chrome int, rowsOf func() []int, idOf func(ix I, row int) string) sortedList[I, S] {
	return sortedList[I, S]{filteredList: newFilteredList(pane, ix, chrome, rowsOf, idOf), kind: kind, n: n}
}

// updateSorted handles msg as every sorted list does: the filter and the
// movement keys (see update), the sort keys s, then own, the pane's keys
// (nil for none; it reports whether kp was one). After a sort key or one
// of the pane's the rows are recomputed. Any other key is a record key
// on the selected record (recordKeys).
func (l *sortedList[I, S]) updateSorted(ctx *Context, msg tea.Msg, k *keymap.List, s *keymap.Sort, own func(kp tea.KeyPressMsg) bool) tea.Cmd {
	kp, cmd, done := l.update(ctx, msg, k)
	if done {
		return cmd
	}
	if !l.sortKey(kp, s, l.n) && (own == nil || !own(kp)) {
		cmd, _ := recordKeys(kp, k, l.filter.pane, l.kind, l.selectedID())
		return cmd
	}
	l.refresh()
	return nil
}

// row marks line as the selected one when i is the cursor's row.
func (l *filteredList[I]) row(st *theme.Styles, i int, line string) string {
	if i != l.cursor {
		return line
	}
	line = "▌" + line[len(" "):]
	if l.focused {
		line = st.Selected.Render(line)
	}
	return line
}

// listTitle renders a list's title line: its name, what is shown (scope,
// e.g. "open", may be empty) out of how many, and the order, followed by a
// line break.
func listTitle(st *theme.Styles, name, scope string, shown, total int, f *filter, sortLabel string, desc bool, width int) string {
	order := sortLabel + " ↑"
	if desc {
		order = sortLabel + " ↓"
	}
	if f.active() {
		order = "relevance"
	}
	if scope != "" {
		scope += " · "
	}
	title := fmt.Sprintf("%s %s", name, st.Muted.Render(fmt.Sprintf("%s of %s · %ssorted by %s",
		formatInt(int64(shown)), formatInt(int64(total)), scope, order)))
	return fitStyled(st.Title.Render(title), width) + "\n"
}

// writeTitle writes the list's title line (listTitle: name, scope, out of
// total, in the order sortLabel, desc) and, while it is shown, the
// filter's line.
func (l *filteredList[I]) writeTitle(b *strings.Builder, st *theme.Styles, name, scope string, total int, sortLabel string, desc bool) {
	b.WriteString(listTitle(st, name, scope, len(l.rows), total, &l.filter, sortLabel, desc, l.width))
	if line, ok := l.filter.line(st); ok {
		b.WriteString(line)
		b.WriteByte('\n')
	}
}

// writeRecords writes the rows in the window, each the line of the
// record under it (record: its Id, for its write mark, and its line),
// after why nothing shows when so: the last read failed (reading the
// plural, e.g. "contacts"), nothing matches the filter (noMatch), or
// there are no rows (empty).
func (l *filteredList[I]) writeRecords(b *strings.Builder, ctx *Context, plural, noMatch, empty string, record func(r int) (id, line string)) {
	st := ctx.Styles
	switch {
	case l.loadErr != nil:
		b.WriteString(st.Error.Render(fit("  Could not read the "+plural+": "+l.loadErr.Error(), l.width)))
	case len(l.rows) == 0 && (l.filter.active() || l.filter.editing):
		b.WriteString(st.Muted.Render("  " + noMatch))
	case len(l.rows) == 0:
		b.WriteString(st.Muted.Render("  " + empty))
	}
	l.writeRows(b, func(i int) string {
		id, line := record(l.rows[i])
		return l.row(st, i, ctx.markGutter(id, line, i != l.cursor || !l.focused))
	})
}
