package views

import (
	"sync"
	"time"

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
func (s AccountSort) String() string { return accountColumns[s].label }

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
	for i := range accts {
		ix.keys[i] = Sanitize(accts[i].Name)
	}
	lowerInPlace(ix.keys) // strings.ToLower of each
	return ix
}

// order returns the indexes of the accounts in ascending order of s,
// building it on first use.
func (ix *AccountIndex) order(s AccountSort) []int {
	return ix.orders[s].get(func() []int {
		if s == SortAccountName { // by the search keys: the sanitized names
			return textOrder(len(ix.keys), func(i int) string { return ix.keys[i] })
		}
		return accountColumns[s].order(ix.Accounts)
	})
}

// accountColumns are the accounts list's sort fields (the name's order is
// the search keys', see order).
var accountColumns = [numAccountSorts]sortColumn[book.Account]{
	SortAccountName:     {label: "Name"},
	SortAccountType:     textColumn("Type", func(a *book.Account) string { return a.Type }),
	SortAccountCity:     textColumn("City", func(a *book.Account) string { return a.BillingCity }),
	SortAccountOwner:    textColumn("Owner", func(a *book.Account) string { return a.OwnerName }),
	SortAccountActivity: timeColumn("Last activity", func(a *book.Account) time.Time { return a.LastActivity }),
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

// searchKeys implements listIndex.
func (ix *AccountIndex) searchKeys() []string { return ix.keys }

// id implements listIndex.
func (ix *AccountIndex) id(r int) string { return ix.Accounts[r].ID }

// AccountsPane is the accounts list's pane.
const AccountsPane PaneID = "Accounts"

// Accounts is the accounts list pane.
type Accounts struct {
	sortedList[*AccountIndex, AccountSort]
}

var _ Pane = (*Accounts)(nil)

// NewAccounts returns an empty accounts pane.
func NewAccounts(ctx *Context) *Accounts {
	k := &ctx.Keys.Accounts
	return &Accounts{newSortedList(ctx, AccountsPane, AccountRecord, numAccountSorts, NewAccountIndex(nil), 2 /* title, header */, &k.List, &k.Sort)}
}

// Selected returns the selected account.
func (p *Accounts) Selected() (book.Account, bool) {
	return selectedOf(&p.sortedList, p.index.Accounts)
}

// Update implements Pane.
func (p *Accounts) Update(msg tea.Msg) (Pane, tea.Cmd) { return p, p.update(msg, nil) }

// View implements Pane.
func (p *Accounts) View() string {
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
	text := listText{name: "Accounts", total: len(p.index.Accounts), plural: "accounts",
		noMatch: "No account matches the filter.", empty: "No accounts in the cache yet."}
	return p.view(text, cols("Name", "Type", "City", "Owner", actLabel), func(r int) (string, string) {
		a := &p.index.Accounts[r]
		return a.ID, cols(a.Name, a.Type, a.BillingCity, a.OwnerName, date(a.LastActivity))
	})
}
