package views

import (
	"fmt"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
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
// records, their sanitized search keys and one order per sort field.
// Build it in a command; Update then only walks slices. NewAccountIndex
// builds the keys and the name order (what start-up shows); the other
// orders are built on first use, or earlier by Warm, run in a command.
type AccountIndex struct {
	Accounts []book.Account
	keys     []string
	orders   [numAccountSorts]lazy[[]int]
}

// NewAccountIndex builds the index of accts.
func NewAccountIndex(accts []book.Account) *AccountIndex {
	ix := newAccountIndex(accts)
	ix.order(SortAccountName)
	return ix
}

// newAccountIndex is NewAccountIndex without the name order.
func newAccountIndex(accts []book.Account) *AccountIndex {
	ix := &AccountIndex{Accounts: accts, keys: make([]string, len(accts))}
	for i, a := range accts {
		ix.keys[i] = strings.ToLower(Sanitize(a.Name))
	}
	return ix
}

// order returns the indexes of the accounts in ascending order of s,
// building it on first use.
func (ix *AccountIndex) order(s AccountSort) []int {
	return ix.orders[s].get(func() []int {
		accts := ix.Accounts
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
			keys = timeKeys(accts, func(a *book.Account) int64 {
				if a.LastActivity.IsZero() {
					return 0
				}
				return a.LastActivity.Unix()
			})
		}
		return sortedOrder(keys)
	})
}

// Warm builds every sort order, concurrently. Run it in a command: it is
// what makes the first sort keystroke instant.
func (ix *AccountIndex) Warm() {
	var wg sync.WaitGroup
	for s := range numAccountSorts {
		wg.Go(func() { ix.order(s) })
	}
	wg.Wait()
}

// Search returns the accounts whose name matches query, best first (see
// rankSearch); when within is not nil only those are searched.
func (ix *AccountIndex) Search(query string, within []int) []int {
	matches, _ := rankSearch(ix.keys, within, query)
	return matches
}

// searchKeys implements searchIndex.
func (ix *AccountIndex) searchKeys() []string { return ix.keys }

// AccountsPane is the accounts list's pane.
const AccountsPane PaneID = "Accounts"

// Accounts is the accounts list pane.
type Accounts struct {
	filteredList[*AccountIndex]
	ctx  *Context
	sort AccountSort
	desc bool
}

var _ Pane = (*Accounts)(nil)

// NewAccounts returns an empty accounts pane.
func NewAccounts(ctx *Context) *Accounts {
	p := &Accounts{ctx: ctx}
	p.filteredList = filteredList[*AccountIndex]{
		index:  NewAccountIndex(nil),
		filter: newFilter(AccountsPane),
		chrome: 2, // title, header
		rowsOf: p.rowsOf,
		idOf:   func(ix *AccountIndex, r int) string { return ix.Accounts[r].ID },
	}
	return p
}

// rowsOf returns the displayed rows for the filter and sort: filtered rows
// are ordered by relevance, then by the sort field.
func (p *Accounts) rowsOf() []int {
	if !p.filter.active() && !p.desc {
		return p.index.order(p.sort)
	}
	return p.filter.rank(p.index.order(p.sort), p.desc, nil)
}

// Selected returns the selected account.
func (p *Accounts) Selected() (book.Account, bool) {
	if len(p.rows) == 0 {
		return book.Account{}, false
	}
	return p.index.Accounts[p.rows[p.cursor]], true
}

// SelectedID returns the selected account's Id, or "".
func (p *Accounts) SelectedID() string { return p.selectedID() }

// Rows returns how many accounts are displayed.
func (p *Accounts) Rows() int { return len(p.rows) }

// Cursor returns the selected row's position.
func (p *Accounts) Cursor() int { return p.cursor }

// Query returns the applied filter text.
func (p *Accounts) Query() string { return p.filter.query }

// Sort returns the sort field and whether it is descending.
func (p *Accounts) Sort() (AccountSort, bool) { return p.sort, p.desc }

// Update implements Pane.
func (p *Accounts) Update(msg tea.Msg) (Pane, tea.Cmd) {
	k := &p.ctx.Keys.Accounts
	if cmd, ok := p.update(p.ctx, msg, &k.List); ok {
		return p, cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	switch {
	case key.Matches(kp, k.SortNext):
		p.sort = (p.sort + 1) % numAccountSorts
		p.refresh()
	case key.Matches(kp, k.SortPrev):
		p.sort = (p.sort + numAccountSorts - 1) % numAccountSorts
		p.refresh()
	case key.Matches(kp, k.Reverse):
		p.desc = !p.desc
		p.refresh()
	default:
		cmd, _ := recordKeys(kp, &k.List, AccountsPane, AccountRecord, p.SelectedID())
		return p, cmd
	}
	return p, nil
}

// View implements Pane.
func (p *Accounts) View() string {
	if p.width <= 0 || p.paneH <= 0 {
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

	if len(p.rows) == 0 {
		msg := "No accounts in the cache yet."
		if p.filter.active() || p.filter.editing {
			msg = "No account matches the filter."
		}
		b.WriteString(st.Muted.Render("  " + msg))
	}
	p.writeRows(&b, func(i int) string {
		a := &p.index.Accounts[p.rows[i]]
		line := cols(a.Name, a.Type, a.BillingCity, a.OwnerName, date(a.LastActivity))
		line = p.ctx.markGutter(a.ID, line, i != p.cursor || !p.focused)
		if i != p.cursor {
			return line
		}
		line = "▌" + line[len(" "):]
		if p.focused {
			line = st.Selected.Render(line)
		}
		return line
	})
	return padLines(b.String(), p.width, p.paneH)
}

// ShortHelp implements help.KeyMap.
func (p *Accounts) ShortHelp() []key.Binding {
	k := &p.ctx.Keys.Accounts
	return p.shortHelp(p.ctx, &k.List, k.SortNext)
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
