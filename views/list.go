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

// sortColumnID is a list's sort column: a number that names itself.
type sortColumnID interface {
	~int
	fmt.Stringer
}

// listIndex is the data of a list pane: an immutable snapshot of its
// records, with their search keys, their Ids and one order per sort
// column S. Row r is the r-th record.
type listIndex[S sortColumnID] interface {
	searchKeys() []string
	id(r int) string
	order(s S) []int
}

// sortedList is the list pane every record list shares (accounts,
// contacts, leads, opportunities): the data shown, new data waiting for
// the filter's result over it, the text filter, the order, the cursor
// over the displayed rows and the pane's keys. A pane embeds it and adds
// its records' look (View), its own keys and, when it shows only some of
// the records, which (rowsOf).
type sortedList[I listIndex[S], S sortColumnID] struct {
	rowList
	listOrder[S]
	paneFocus
	ctx      *Context
	keys     *keymap.List // the pane's list keys
	sortKeys *keymap.Sort
	kind     RecordKind // of the records listed
	n        S          // how many columns there are to sort by
	index    I
	next     I    // new data waiting for its filter results
	waiting  bool // next holds data
	filter   filter
	chrome   int // title and header lines above the list, without the filter's line
	width    int // the pane's size
	paneH    int
	// rowsOf returns the displayed rows when the pane shows only some of
	// its records; nil shows them all (sortedRows).
	rowsOf  func() []int
	seq     int   // of the snapshot shown (load)
	loadErr error // why the last read failed
}

// newSortedList returns the list of pane, listing records of kind (empty
// data ix) sorted by one of n columns, with chrome lines above the list
// and the keys k and s.
func newSortedList[I listIndex[S], S sortColumnID](ctx *Context, pane PaneID, kind RecordKind, n S, ix I, chrome int, k *keymap.List, s *keymap.Sort) sortedList[I, S] {
	return sortedList[I, S]{ctx: ctx, keys: k, sortKeys: s, kind: kind, n: n, index: ix, filter: newFilter(pane), chrome: chrome}
}

// sortedRows returns the displayed rows of the records keep keeps (nil:
// all of them): the filter's matches ranked by relevance (as every list
// ranks them), each rank in the sort's order; without a filter, the
// sort's order (reversed when desc).
func (l *sortedList[I, S]) sortedRows(keep func(r int) bool) []int {
	order := l.index.order(l.sort)
	if keep == nil && !l.filter.active() && !l.desc {
		return order
	}
	return l.filter.rank(order, l.desc, keep)
}

// load shows the snapshot ix of read seq unless a newer one is shown; a
// failed read (err) keeps what is shown and records why.
func (l *sortedList[I, S]) load(seq int, ix I, err error) tea.Cmd {
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
func (l *sortedList[I, S]) Rows() int { return len(l.rows) }

// Query returns the applied filter text.
func (l *sortedList[I, S]) Query() string { return l.filter.query }

// Cursor returns the selected row's position.
func (l *sortedList[I, S]) Cursor() int { return l.cursor }

// selectedRow returns the selected record's index in the data.
func (l *sortedList[I, S]) selectedRow() (int, bool) {
	if len(l.rows) == 0 {
		return 0, false
	}
	return l.rows[l.cursor], true
}

// selectedOf returns the record of items under l's cursor: items is the
// data l's rows index.
func selectedOf[I listIndex[S], S sortColumnID, T any](l *sortedList[I, S], items []T) (T, bool) {
	r, ok := l.selectedRow()
	if !ok {
		var none T
		return none, false
	}
	return items[r], true
}

// SelectedID returns the selected record's Id, or "".
func (l *sortedList[I, S]) SelectedID() string {
	if len(l.rows) == 0 {
		return ""
	}
	return l.index.id(l.rows[l.cursor])
}

// SetSize implements Pane.
func (l *sortedList[I, S]) SetSize(w, h int) {
	l.width, l.paneH = w, h
	l.filter.input.SetWidth(max(1, w-4))
	l.layout()
}

// Capturing implements Pane: the filter input takes all keys.
func (l *sortedList[I, S]) Capturing() bool { return l.filter.editing }

// ShortHelp implements help.KeyMap: shortHelp with the next sort column.
func (l *sortedList[I, S]) ShortHelp() []key.Binding { return l.shortHelp(l.sortKeys.SortNext) }

// shortHelp is the list's short help: the filter's keys while it is
// being typed, else the movement, open and filter keys and own, the
// pane's keys.
func (l *sortedList[I, S]) shortHelp(own ...key.Binding) []key.Binding {
	if l.filter.editing {
		return []key.Binding{l.ctx.Keys.Prompt.Submit, l.ctx.Keys.Prompt.Cancel}
	}
	k := l.keys
	return append([]key.Binding{k.Up, k.Down, k.Open, k.Filter}, own...)
}

// FullHelp implements help.KeyMap: fullHelp without keys of the pane's own.
func (l *sortedList[I, S]) FullHelp() [][]key.Binding { return l.fullHelp() }

// fullHelp is the list's full help: movement, then open, filter and
// order, then own, the pane's keys, and the record keys.
func (l *sortedList[I, S]) fullHelp(own ...key.Binding) [][]key.Binding {
	k, s := l.keys, l.sortKeys
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
		{k.Open, k.Filter, k.Back, s.SortNext, s.SortPrev, s.Reverse},
		append(own, k.Browser, k.Copy),
	}
}

// SetData replaces the data, keeping the selected record when it is still
// there. With a filter applied, the old data stays on screen until the
// returned command has searched the new one.
func (l *sortedList[I, S]) SetData(ix I) tea.Cmd {
	if l.filter.active() {
		l.next, l.waiting = ix, true
		return l.filter.research(ix.searchKeys())
	}
	l.swap(ix)
	return nil
}

// swap installs ix and restores the selection.
func (l *sortedList[I, S]) swap(ix I) {
	selected := l.SelectedID()
	var none I
	l.index, l.next, l.waiting = ix, none, false
	l.refresh()
	l.selectID(selected)
}

// selectID moves the cursor to the row of the record id, if it is shown.
func (l *sortedList[I, S]) selectID(id string) {
	for i, r := range l.rows {
		if l.index.id(r) == id {
			l.setCursor(i)
			return
		}
	}
}

// refresh recomputes the displayed rows and the window.
func (l *sortedList[I, S]) refresh() {
	if l.rowsOf != nil {
		l.setRows(l.rowsOf())
	} else {
		l.setRows(l.sortedRows(nil))
	}
	l.layout()
}

// layout sizes the window: the filter's line takes one row when shown.
func (l *sortedList[I, S]) layout() {
	h := l.paneH - l.chrome
	if l.filter.editing || l.filter.active() {
		h--
	}
	l.setHeight(h)
}

// clearFilter implements filterList: it removes the filter and shows any
// data that was waiting for it, the selected record still selected.
func (l *sortedList[I, S]) clearFilter() {
	l.filter.clear()
	if l.waiting {
		l.swap(l.next)
		return
	}
	selected := l.SelectedID()
	l.refresh()
	l.selectID(selected)
}

// searchKeys implements filterList.
func (l *sortedList[I, S]) searchKeys() ([]string, bool) {
	if l.waiting {
		return l.next.searchKeys(), true
	}
	return l.index.searchKeys(), false
}

// filtered implements filterList.
func (l *sortedList[I, S]) filtered() {
	if l.waiting {
		l.swap(l.next)
		return
	}
	l.cursor = 0
	l.refresh()
}

// update handles msg as every list does: the filter's messages, the
// movement keys, the filter and esc, the sort keys, then own, the pane's
// keys (nil for none; it reports whether kp was one). After a sort key
// or one of the pane's the rows are recomputed. Any other key is a
// record key on the selected record (recordKeys).
func (l *sortedList[I, S]) update(msg tea.Msg, own func(kp tea.KeyPressMsg) bool) tea.Cmd {
	defer l.layout() // the filter's line may have come or gone
	if cmd, ok := l.filter.update(msg, l, &l.ctx.Keys.Prompt); ok {
		return cmd
	}
	kp, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		return nil // not a key: nothing else for the pane
	}
	k := l.keys
	if l.move(kp, k) {
		return nil
	}
	switch {
	case key.Matches(kp, k.Filter):
		return l.filter.start(l.ctx.Styles.IsDark)
	case key.Matches(kp, k.Back):
		if l.filter.active() {
			l.clearFilter()
		}
		return nil
	}
	if !l.sortKey(kp, l.sortKeys, l.n) && (own == nil || !own(kp)) {
		cmd, _ := recordKeys(kp, k, l.filter.pane, l.kind, l.SelectedID())
		return cmd
	}
	l.refresh()
	return nil
}

// row marks line as the selected one when i is the cursor's row.
func (l *sortedList[I, S]) row(st *theme.Styles, i int, line string) string {
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

// listText is what a list's view says besides its records: the title's
// name and scope (see listTitle) out of total records, and why nothing
// shows (see view).
type listText struct {
	name, scope string
	total       int
	plural      string // the records' name, e.g. "contacts"
	noMatch     string // when nothing matches the filter
	empty       string // when there is nothing to show
}

// view renders the list: the title line (t) and, while it is shown, the
// filter's line, the column header, then the rows in the window, each
// the line of the record under it (record: its Id, for its write mark,
// and its line), after why nothing shows when so: the last read failed,
// nothing matches the filter, or there are no rows.
func (l *sortedList[I, S]) view(t listText, header string, record func(r int) (id, line string)) string {
	if l.width <= 0 || l.paneH <= 0 {
		return ""
	}
	st := l.ctx.Styles
	var b strings.Builder
	b.WriteString(listTitle(st, t.name, t.scope, len(l.rows), t.total, &l.filter, l.sort.String(), l.desc, l.width))
	if line, ok := l.filter.line(st); ok {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteString(st.Header.Render(header))
	b.WriteByte('\n')
	switch {
	case l.loadErr != nil:
		b.WriteString(st.Error.Render(fit("  Could not read the "+t.plural+": "+l.loadErr.Error(), l.width)))
	case len(l.rows) == 0 && (l.filter.active() || l.filter.editing):
		b.WriteString(st.Muted.Render("  " + t.noMatch))
	case len(l.rows) == 0:
		b.WriteString(st.Muted.Render("  " + t.empty))
	}
	l.writeRows(&b, func(i int) string {
		id, line := record(l.rows[i])
		return l.row(st, i, l.ctx.markGutter(id, line, i != l.cursor || !l.focused))
	})
	return padLines(b.String(), l.width, l.paneH)
}

// recordIndex is an immutable, searchable snapshot of a list's records,
// sorted by columns S (a listIndex): the records, their Ids and search
// keys, and one precomputed order per sort column. Build it in a
// command; Update then only walks slices.
type recordIndex[S sortColumnID, T any] struct {
	records []T
	ids     []string
	keys    []string
	orders  [][]int
}

// newRecordIndex builds the index of records in the orders of columns
// (one per S); of returns a record's Id and its search key.
func newRecordIndex[S sortColumnID, T any](records []T, columns []sortColumn[T], of func(*T) (id, key string)) recordIndex[S, T] {
	ix := recordIndex[S, T]{records: records, ids: make([]string, len(records)), keys: make([]string, len(records)),
		orders: make([][]int, len(columns))}
	for i := range records {
		ix.ids[i], ix.keys[i] = of(&records[i])
	}
	for s, c := range columns {
		ix.orders[s] = c.order(records)
	}
	return ix
}

// searchKeys implements listIndex.
func (ix *recordIndex[S, T]) searchKeys() []string { return ix.keys }

// id implements listIndex.
func (ix *recordIndex[S, T]) id(r int) string { return ix.ids[r] }

// order implements listIndex.
func (ix *recordIndex[S, T]) order(s S) []int { return ix.orders[s] }
