package views

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// AccountSort is a field the accounts list can be sorted by.
type AccountSort int

// The accounts list's sort fields, in the order '>' cycles through them.
const (
	SortAccountName AccountSort = iota
	SortAccountType
	SortAccountCity
	SortAccountOwner
	SortAccountActivity
	numAccountSorts
)

// String returns the field's label.
func (s AccountSort) String() string {
	return [...]string{"Name", "Type", "City", "Owner", "Last activity"}[s]
}

// AccountIndex is an immutable, searchable snapshot of the accounts: the
// records, their sanitized search keys and one precomputed order per sort
// field. Build it in a command (NewAccountIndex costs O(n log n)); Update
// then only walks slices.
type AccountIndex struct {
	Accounts []Account
	keys     []string
	orders   [numAccountSorts][]int
}

// NewAccountIndex builds the index of accts.
func NewAccountIndex(accts []Account) *AccountIndex {
	ix := &AccountIndex{Accounts: accts, keys: make([]string, len(accts))}
	for i, a := range accts {
		ix.keys[i] = Sanitize(a.Name)
	}
	for s := range numAccountSorts {
		var keys []float64
		switch s {
		case SortAccountName:
			keys = stringRanks(len(accts), func(i int) string { return ix.keys[i] })
		case SortAccountType:
			keys = stringRanks(len(accts), func(i int) string { return accts[i].Type })
		case SortAccountCity:
			keys = stringRanks(len(accts), func(i int) string { return accts[i].BillingCity })
		case SortAccountOwner:
			keys = stringRanks(len(accts), func(i int) string { return accts[i].OwnerName })
		case SortAccountActivity:
			keys = timeKeys(accts, func(a *Account) int64 {
				if a.LastActivity.IsZero() {
					return 0
				}
				return a.LastActivity.Unix()
			})
		}
		ix.orders[s] = sortedOrder(keys)
	}
	return ix
}

// Search returns the accounts whose name fuzzy-matches query, best first;
// when within is not nil only those are searched.
func (ix *AccountIndex) Search(query string, within []int) []int {
	return fuzzySearch(ix.keys, within, query, true)
}

// Accounts is the accounts list pane.
type Accounts struct {
	ctx     *Context
	index   *AccountIndex
	rows    []int // indexes into index.Accounts, in display order
	cursor  int
	offset  int
	sort    AccountSort
	desc    bool
	filter  filter
	next    *AccountIndex // new data waiting for its filter results
	focused bool
	width   int
	height  int
}

var _ Pane = (*Accounts)(nil)

// NewAccounts returns an empty accounts pane.
func NewAccounts(ctx *Context) *Accounts {
	return &Accounts{ctx: ctx, index: NewAccountIndex(nil), filter: newFilter(AccountsPane, true)}
}

// SetData replaces the data, keeping the selected record when it is still
// there. With a filter applied, the old data stays on screen until the
// returned command has searched the new one.
func (p *Accounts) SetData(ix *AccountIndex) tea.Cmd {
	if p.filter.active() {
		p.next = ix
		return p.filter.research(ix.keys)
	}
	p.swap(ix)
	return nil
}

// swap installs ix and restores the selection.
func (p *Accounts) swap(ix *AccountIndex) {
	selected := p.SelectedID()
	p.index, p.next = ix, nil
	p.refresh()
	for i, r := range p.rows {
		if ix.Accounts[r].ID == selected {
			p.cursor = i
			break
		}
	}
}

// refresh recomputes the displayed rows from the filter and sort.
func (p *Accounts) refresh() {
	if p.filter.active() {
		// Filtered rows are ordered by relevance.
		p.rows = p.filter.matches
	} else {
		order := p.index.orders[p.sort]
		if p.desc {
			rows := make([]int, len(order))
			for i, r := range order {
				rows[len(order)-1-i] = r
			}
			p.rows = rows
		} else {
			p.rows = order
		}
	}
	p.cursor = clamp(p.cursor, len(p.rows))
}

// Selected returns the selected account.
func (p *Accounts) Selected() (Account, bool) {
	if len(p.rows) == 0 {
		return Account{}, false
	}
	return p.index.Accounts[p.rows[p.cursor]], true
}

// SelectedID returns the selected account's Id, or "".
func (p *Accounts) SelectedID() string {
	a, _ := p.Selected()
	return a.ID
}

// Rows returns how many accounts are displayed.
func (p *Accounts) Rows() int { return len(p.rows) }

// Cursor returns the selected row's position.
func (p *Accounts) Cursor() int { return p.cursor }

// Query returns the applied filter text.
func (p *Accounts) Query() string { return p.filter.query }

// Sort returns the sort field and whether it is descending.
func (p *Accounts) Sort() (AccountSort, bool) { return p.sort, p.desc }

// SetSize implements Pane.
func (p *Accounts) SetSize(w, h int) {
	p.width, p.height = w, h
	p.filter.input.SetWidth(max(1, w-4))
}

// Focus implements Pane.
func (p *Accounts) Focus() { p.focused = true }

// Blur implements Pane.
func (p *Accounts) Blur() { p.focused = false }

// Capturing implements Pane: the filter input takes all keys.
func (p *Accounts) Capturing() bool { return p.filter.editing }

// clearFilter implements filterList: it removes the filter and shows any
// data that was waiting for it.
func (p *Accounts) clearFilter() {
	p.filter.clear()
	if p.next != nil {
		p.swap(p.next)
		return
	}
	p.refresh()
}

// searchKeys implements filterList.
func (p *Accounts) searchKeys() ([]string, bool) {
	if p.next != nil {
		return p.next.keys, true
	}
	return p.index.keys, false
}

// filtered implements filterList.
func (p *Accounts) filtered() {
	if p.next != nil {
		p.swap(p.next)
		return
	}
	p.cursor = 0
	p.refresh()
}

// Update implements Pane.
func (p *Accounts) Update(msg tea.Msg) (Pane, tea.Cmd) {
	if cmd, ok := p.filter.update(msg, p, &p.ctx.Keys.Prompt); ok {
		return p, cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	k := &p.ctx.Keys.Accounts
	if cursor, ok := moveCursor(kp, &k.List, p.cursor, len(p.rows), p.listHeight()); ok {
		p.cursor = cursor
		return p, nil
	}
	switch {
	case key.Matches(kp, k.Filter):
		return p, p.filter.start(p.ctx.Styles.IsDark)
	case key.Matches(kp, k.Back):
		if p.filter.active() {
			p.clearFilter()
		}
	case key.Matches(kp, k.SortNext):
		p.sort = (p.sort + 1) % numAccountSorts
		p.refresh()
	case key.Matches(kp, k.SortPrev):
		p.sort = (p.sort + numAccountSorts - 1) % numAccountSorts
		p.refresh()
	case key.Matches(kp, k.Reverse):
		p.desc = !p.desc
		p.refresh()
	case key.Matches(kp, k.Open):
		if id := p.SelectedID(); id != "" {
			return p, requestCmd(OpenRecordMsg{From: AccountsPane, Kind: AccountRecord, ID: id})
		}
	case key.Matches(kp, k.Browser):
		if id := p.SelectedID(); id != "" {
			return p, requestCmd(BrowseMsg{ID: id})
		}
	case key.Matches(kp, k.Copy):
		if id := p.SelectedID(); id != "" {
			return p, requestCmd(CopyMsg{ID: id})
		}
	}
	return p, nil
}

// requestCmd wraps a request message for the root in a command.
func requestCmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// listHeight is the number of rows the list shows.
func (p *Accounts) listHeight() int {
	h := p.height - 2 // title, header
	if p.filter.editing || p.filter.active() {
		h--
	}
	return max(0, h)
}

// View implements Pane.
func (p *Accounts) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.ctx.Styles
	var b strings.Builder
	order := "↑"
	if p.desc {
		order = "↓"
	}
	sortLabel := p.sort.String() + " " + order
	if p.filter.active() {
		sortLabel = "relevance"
	}
	title := fmt.Sprintf("Accounts %s", st.Muted.Render(fmt.Sprintf("%s of %s · sorted by %s",
		formatInt(int64(len(p.rows))), formatInt(int64(len(p.index.Accounts))), sortLabel)))
	b.WriteString(fitStyled(st.Title.Render(title), p.width))
	b.WriteByte('\n')
	if line, ok := p.filter.line(st); ok {
		b.WriteString(line)
		b.WriteByte('\n')
	}

	// Columns: name takes what the others leave.
	// "Last activity" gets its whole header when the name column can
	// spare the cell; dates need only 10.
	cityW, typeW, ownerW, actW := 16, 18, 16, 13
	actLabel := "Last activity"
	if p.width < 100 {
		ownerW = 0
		typeW = 14
		cityW = 12
	}
	nameW := p.width - 2 - cityW - typeW - ownerW - actW - 4
	if nameW < 20 {
		actW, actLabel = 10, "Activity"
		nameW += 3
	}
	if nameW < 12 {
		cityW, nameW = 0, nameW+cityW
	}
	cols := func(name, typ, city, owner, act string) string {
		s := "  " + fit(name, nameW) + " " + fit(typ, typeW) + " "
		if cityW > 0 {
			s += fit(city, cityW) + " "
		}
		if ownerW > 0 {
			s += fit(owner, ownerW) + " "
		}
		return s + fit(act, actW)
	}
	b.WriteString(st.Header.Render(cols("Name", "Type", "City", "Owner", actLabel)))
	b.WriteByte('\n')

	h := p.listHeight()
	if len(p.rows) == 0 {
		msg := "No accounts in the cache yet."
		if p.filter.active() || p.filter.editing {
			msg = "No account matches the filter."
		}
		b.WriteString(st.Muted.Render("  " + msg))
	}
	p.offset = scroll(p.cursor, p.offset, h, len(p.rows))
	end := min(len(p.rows), p.offset+h)
	for i := p.offset; i < end; i++ {
		a := &p.index.Accounts[p.rows[i]]
		line := cols(a.Name, a.Type, a.BillingCity, a.OwnerName, date(a.LastActivity))
		if i == p.cursor {
			line = "▌" + line[len(" "):]
			if p.focused {
				line = st.Selected.Render(line)
			}
		}
		b.WriteString(line)
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	return padLines(b.String(), p.width, p.height)
}

// ShortHelp implements help.KeyMap.
func (p *Accounts) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Accounts
	if p.filter.editing {
		return []key.Binding{p.ctx.Keys.Prompt.Submit, p.ctx.Keys.Prompt.Cancel}
	}
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.SortNext}
}

// FullHelp implements help.KeyMap.
func (p *Accounts) FullHelp() [][]key.Binding {
	k := &p.ctx.Keys.Accounts
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
		{k.Open, k.Filter, k.Back, k.SortNext, k.SortPrev, k.Reverse},
		{k.Browser, k.Copy},
	}
}
