package ui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/book/redact"
	"github.com/lazyforce/lazyforce/views"
)

// The find view (ctrl+f, ':find') and redacted mode (--redact, ':redact').

// findState is the find view with what the root keeps for it.
type findState struct {
	view *views.Find
	open bool // shown over the panes, with every key
	// seq is the loadSeq the view's finder was read at (-1: none), so
	// that ctrl+f reads the cache only after it changed.
	seq int
	raw Data // deps.Data before masking: the finder searches real values
}

func newFindState(ctx *views.Context, raw Data) findState {
	return findState{view: views.NewFind(ctx), seq: -1, raw: raw}
}

// openFind shows the find view, empty, and reads the cache into a fresh
// finder (the view searches it on every key) unless the cache was not read
// again since the last one (a sync, ':redact').
func (m *Model) openFind() tea.Cmd {
	m.find.open = true
	m.find.view.Reset()
	m.find.view.Focus()
	if m.find.seq == m.loadSeq {
		return nil // the finder is of the data the panes show
	}
	m.find.seq = m.loadSeq
	return m.loadFinder()
}

// loadFinder builds a finder over the cache in a command. It reads the
// unmasked data: people are found by what they are called, and the view
// masks what it shows.
func (m *Model) loadFinder() tea.Cmd {
	data, life := m.find.raw, m.life
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		f, err := buildFinder(ctx, data)
		if err != nil {
			err = fmt.Errorf("read the cache: %w", err)
		}
		return views.FindLoadedMsg{Finder: f, Err: err}
	})
}

// finderSource is Data that builds its own finder (StoreData: with the
// store's phone index and the org's country).
type finderSource interface {
	Finder(ctx context.Context) (*book.Finder, error)
}

// buildFinder returns data's finder, or one built from its lists.
func buildFinder(ctx context.Context, data Data) (*book.Finder, error) {
	if fs, ok := data.(finderSource); ok {
		return fs.Finder(ctx)
	}
	in, err := book.ReadLists(ctx, data)
	if err != nil {
		return nil, err
	}
	return book.NewFinder(in), nil
}

// findUpdate handles the find view's messages; ok is false for others.
func (m *Model) findUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case views.FindLoadedMsg:
		if msg.Err != nil {
			m.find.seq = -1 // read again next time
		}
		_, cmd := m.find.view.Update(msg)
		return cmd, true
	case views.FindLiveResultsMsg:
		_, cmd := m.find.view.Update(msg)
		return cmd, true
	case views.CloseFindMsg:
		m.find.open = false
		m.find.view.Blur()
		return nil, true
	case views.FindLiveMsg:
		return m.searchOrg(msg.Text), true
	case views.OpenFoundMsg:
		return m.openFound(msg.Found), true
	case foundFetchedMsg:
		if msg.err != nil {
			return m.setFlash(flashMsg{level: flashError, text: "add to the cache: " + msg.err.Error()}), true
		}
		return tea.Batch(m.openFound(msg.found), m.loadData(), m.loadPeople()), true
	}
	return nil, false
}

// searchOrg runs the live search in a command.
func (m *Model) searchOrg(text string) tea.Cmd {
	search, life := m.deps.SearchOrg, m.life
	if search == nil {
		return func() tea.Msg {
			return views.FindLiveResultsMsg{Text: text, Err: fmt.Errorf("searching the org is not available here")}
		}
	}
	cached := make(map[string]bool)
	for _, f := range m.find.view.Results() {
		cached[f.ID] = true
	}
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		found, err := search(ctx, text)
		var out []book.Found
		for _, f := range found {
			if !cached[f.ID] {
				f.NotCached = true
				out = append(out, f)
			}
		}
		return views.FindLiveResultsMsg{Text: text, Found: out, Err: err}
	})
}

// foundFetchedMsg: a record found live was added to the cache.
type foundFetchedMsg struct {
	found book.Found
	err   error
}

// kindPanes are the panes records of each kind open on.
var kindPanes = map[book.Kind]struct {
	pane views.PaneID
	kind views.RecordKind
}{
	book.KindAccount:     {views.AccountsPane, views.AccountRecord},
	book.KindContact:     {views.ContactsPane, views.ContactRecord},
	book.KindLead:        {views.LeadsPane, views.LeadRecord},
	book.KindOpportunity: {views.OpportunitiesPane, views.OpportunityRecord},
}

// openFound opens a record found on its own pane (a record not cached is
// added to the cache first), closing the find view.
func (m *Model) openFound(f book.Found) tea.Cmd {
	if f.NotCached {
		fetch, life := m.deps.Fetch, m.life
		if fetch == nil {
			return m.setFlash(flashMsg{level: flashWarn, text: "adding records to the cache is not available here"})
		}
		return loadCmd(life, func(ctx context.Context) tea.Msg {
			err := fetch(ctx, f.Kind.String(), f.ID)
			f.NotCached = false
			return foundFetchedMsg{found: f, err: err}
		})
	}
	home, ok := kindPanes[f.Kind]
	if !ok {
		return nil
	}
	for i, t := range m.tabs {
		if t.id == home.pane {
			m.find.open = false
			m.find.view.Blur()
			m.setFocus(i)
			return func() tea.Msg { return views.OpenRecordMsg{From: home.pane, Kind: home.kind, ID: f.ID} }
		}
	}
	return nil
}

// redactCommand is ':redact [on|off]': without an argument it toggles.
// Everything shown is read again, masked or not.
func (m *Model) redactCommand(args []string) tea.Cmd {
	on := !m.deps.Redact.On()
	if len(args) == 1 && (args[0] == "on" || args[0] == "off") {
		on = args[0] == "on"
	} else if len(args) > 0 {
		return m.setFlash(flashMsg{level: flashError, text: "usage: redact [on|off]"})
	}
	m.deps.Redact.Set(on)
	m.find.view.SetMask(m.findMask())
	text := "personal data shown"
	if on {
		text = "personal data masked"
	}
	cmds := []tea.Cmd{m.loadData(), m.loadPeople(), m.loadStatus(), m.setFlash(flashMsg{text: text}), m.ask.Again()}
	for _, t := range m.tabs {
		if d := t.detail; d != nil {
			cmds = append(cmds, m.loadDetail(t.id, d.Kind(), d.ID()))
		}
	}
	return tea.Batch(cmds...)
}

// findMask is how the find view masks results: by the masker while it is
// on.
func (m *Model) findMask() func([]book.Found) []book.Found {
	if !m.deps.Redact.On() {
		return nil
	}
	return m.deps.Redact.Founds
}

// redactData returns data masked by masker (a new one, off, when nil).
func redactData(data Data, masker *redact.Masker) (Data, *redact.Masker) {
	if masker == nil {
		masker = redact.New(false)
	}
	return maskedData{Data: data, m: masker}, masker
}

// maskedData is Data whose personal data is masked while the masker is
// on: every pane and detail reads through it.
type maskedData struct {
	Data
	m *redact.Masker
}

// unmasked returns the Data under the masking layer, for what it offers
// besides Data (the cache's generation).
func (d maskedData) unmasked() Data { return d.Data }

// Accounts implements Data.
func (d maskedData) Accounts(ctx context.Context) ([]book.Account, error) {
	as, err := d.Data.Accounts(ctx)
	return d.m.Accounts(as), err
}

// AllContacts implements Data.
func (d maskedData) AllContacts(ctx context.Context) ([]book.Contact, error) {
	cs, err := d.Data.AllContacts(ctx)
	return d.m.Contacts(cs), err
}

// Leads implements Data.
func (d maskedData) Leads(ctx context.Context) ([]book.Lead, error) {
	ls, err := d.Data.Leads(ctx)
	return d.m.Leads(ls), err
}

// AccountDetail implements Data.
func (d maskedData) AccountDetail(ctx context.Context, id string) (book.AccountDetail, error) {
	det, err := d.Data.AccountDetail(ctx, id)
	return d.m.AccountDetail(det), err
}

// OpportunityDetail implements Data.
func (d maskedData) OpportunityDetail(ctx context.Context, id string) (book.OpportunityDetail, error) {
	det, err := d.Data.OpportunityDetail(ctx, id)
	return d.m.OpportunityDetail(det), err
}

// ContactDetail implements Data.
func (d maskedData) ContactDetail(ctx context.Context, id string) (book.ContactDetail, error) {
	det, err := d.Data.ContactDetail(ctx, id)
	return d.m.ContactDetail(det), err
}

// LeadDetail implements Data.
func (d maskedData) LeadDetail(ctx context.Context, id string) (book.LeadDetail, error) {
	det, err := d.Data.LeadDetail(ctx, id)
	return d.m.LeadDetail(det), err
}

// Status implements Data.
func (d maskedData) Status(ctx context.Context) (Status, error) {
	st, err := d.Data.Status(ctx)
	return d.m.Status(st), err
}
