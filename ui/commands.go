package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// Timeouts for the IO the app starts.
const (
	loadTimeout       = 30 * time.Second
	syncTimeout       = 5 * time.Minute
	defaultFlashTTL   = 5 * time.Second
	defaultAgeRefresh = 30 * time.Second
	// defaultPollEvery is how often the app asks whether another process
	// (a sync in another terminal, a queued write) changed the cache.
	defaultPollEvery = 2 * time.Second
)

// watchedData is a Data whose cache other processes may change (a
// *book.Book): Generation identifies the last committed write, by any
// process, and costs one read of the file's first pages.
type watchedData interface {
	Generation() (uint64, error)
}

// watched returns data as a watchedData, looking under the masking layer.
func watched(data Data) (watchedData, bool) {
	if md, ok := data.(maskedData); ok {
		data = md.unmasked()
	}
	w, ok := data.(watchedData)
	return w, ok
}

// generation reads data's generation before a read of the cache, so that
// a write committed while the read runs is noticed by the next poll; ok is
// false when data cannot tell.
func generation(data Data) (gen uint64, ok bool) {
	w, ok := watched(data)
	if !ok {
		return 0, false
	}
	gen, err := w.Generation()
	return gen, err == nil
}

// dataLoadedMsg carries a fresh snapshot of the cache, already indexed.
type dataLoadedMsg struct {
	seq         int
	gen         uint64 // the cache's generation before it was read
	genOK       bool   // gen is known
	accounts    *views.AccountIndex
	opps        *views.OpportunityIndex
	recordTypes []book.RecordType
	// warmAccounts and warmOpps build what the first frame did not need
	// of accounts and opps (and keep it in the cache for the next
	// start-up), off the event loop; nil when there is nothing to build.
	warmAccounts, warmOpps tea.Cmd
	err                    error
}

// statusLoadedMsg carries the org/sync status.
type statusLoadedMsg struct {
	status Status
	err    error
}

// syncDoneMsg ends a sync (or a rebuild); note, if set, replaces the
// "synced" of the status bar.
type syncDoneMsg struct {
	err  error
	note string
}

// cacheGenMsg carries the cache's generation, read by the poll numbered
// seq.
type cacheGenMsg struct {
	seq int
	gen uint64
	err error
}

// syncProgressMsg carries the latest progress report of the sync that
// reports on ch; ok is false once that sync has ended and closed ch.
type syncProgressMsg struct {
	ch <-chan syncer.Progress
	p  syncer.Progress
	ok bool
}

// detailLoadedMsg carries a record for the detail view of pane.
type detailLoadedMsg struct {
	pane    views.PaneID
	kind    views.RecordKind
	id      string
	account book.AccountDetail
	opp     book.OpportunityDetail
	contact book.ContactDetail
	lead    book.LeadDetail
	err     error
}

// flashLevel is the severity of a transient status message.
type flashLevel int

const (
	flashInfo flashLevel = iota
	flashWarn
	flashError
)

// String returns the level's name.
func (l flashLevel) String() string {
	return [...]string{"info", "warn", "error"}[l]
}

// flashMsg shows a transient message in the status bar.
type flashMsg struct {
	level flashLevel
	text  string
}

// clearFlashMsg clears the flash message numbered seq.
type clearFlashMsg struct{ seq int }

// ageTickMsg re-renders the cache age ("synced 3 min ago").
type ageTickMsg struct{}

// loadData reads and indexes the cache, accounts and opportunities in two
// commands so the (smaller) accounts show first. The indexes are built
// here, off the event loop, so Update only swaps pointers. A message whose
// half is nil leaves that half alone.
//
// An index comes with what the list shows first (its default order); its
// other sort orders and search keys are read from the cache, where the
// previous start-up kept them with the list (a keeper), or else built by a
// command of their own that dataLoaded returns with the index installed
// (views' Warm), which then keeps them, so that the first frame does not
// wait for them. When the pane is sorted by another field or filtered (a
// reload) and they were not kept, the index is warmed before it is
// delivered instead, so the event loop never builds an order.
func (m *Model) loadData() tea.Cmd {
	m.loadSeq++
	seq, data, life := m.loadSeq, m.deps.Data, m.life
	m.genKnown = false // until this read's generation arrives
	acctSort, acctDesc := m.accounts.Sort()
	acctsFirst := acctSort != views.SortAccountName || acctDesc || m.accounts.Query() != ""
	oppSort, _ := m.opps.SortColumn()
	oppsFirst := oppSort != views.ColCloseDate || m.opps.Query() != ""
	accounts := loadList(life, data, seq, func(ctx context.Context, msg *dataLoadedMsg) error {
		accts, kept, err := readAccounts(ctx, data)
		if err != nil {
			return fmt.Errorf("read accounts: %w", err)
		}
		ix, ok := views.NewAccountIndexKept(accts, kept.Data)
		msg.accounts = ix
		if !ok {
			msg.warmAccounts = warmCmd(func() { kept.Keep(ix.AppendKept(nil)) })
			if acctsFirst {
				ix.Warm()
			}
		}
		return nil
	})
	opportunities := loadList(life, data, seq, func(ctx context.Context, msg *dataLoadedMsg) error {
		opps, kept, err := readOpportunities(ctx, data)
		if err != nil {
			return fmt.Errorf("read opportunities: %w", err)
		}
		rts, err := data.RecordTypes(ctx)
		if err != nil {
			return fmt.Errorf("read record types: %w", err)
		}
		ix, ok := views.NewOpportunityIndexKept(opps, kept.Data, rts...)
		msg.opps, msg.recordTypes = ix, book.NarrowStages(rts, opps)
		if !ok {
			msg.warmOpps = warmCmd(func() { kept.Keep(ix.AppendKept(nil)) })
			if oppsFirst {
				ix.Warm()
			}
		}
		return nil
	})
	return tea.Batch(accounts, opportunities)
}

// loadCmd returns a command that runs read under a context of life
// bounded by loadTimeout: the app's reads of the cache and the org.
func loadCmd(life context.Context, read func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(life, loadTimeout)
		defer cancel()
		return read(ctx)
	}
}

// loadList is a command of loadData: read fills the message numbered seq
// for the cache's generation under a context bounded by loadTimeout, and
// an error it returns is the message instead.
func loadList(life context.Context, data Data, seq int, read func(ctx context.Context, msg *dataLoadedMsg) error) tea.Cmd {
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		gen, genOK := generation(data)
		msg := dataLoadedMsg{seq: seq, gen: gen, genOK: genOK}
		if err := read(ctx, &msg); err != nil {
			return dataLoadedMsg{seq: seq, gen: gen, genOK: genOK, err: err}
		}
		return msg
	})
}

// keeper is a Data that keeps what the app derives from its lists (the
// indexes' sort orders and search keys) in the cache with them, for the
// next start-up over the same cache: *book.Book is one.
type keeper interface {
	AccountsKept(ctx context.Context, name string) ([]book.Account, book.Kept, error)
	OpportunitiesKept(ctx context.Context, name string) ([]book.Opportunity, book.Kept, error)
}

// keeperOf returns the keeper under data's masking layer while masking is
// off: a masked list is not the one kept, so it is read and indexed as
// it is.
func keeperOf(data Data) (keeper, bool) {
	if md, ok := data.(maskedData); ok {
		if md.m.On() {
			return nil, false
		}
		data = md.unmasked()
	}
	k, ok := data.(keeper)
	return k, ok
}

// readAccounts reads the accounts and, when data is a keeper, what was
// kept with them.
func readAccounts(ctx context.Context, data Data) ([]book.Account, book.Kept, error) {
	if k, ok := keeperOf(data); ok {
		return k.AccountsKept(ctx, views.KeptName)
	}
	accts, err := data.Accounts(ctx)
	return accts, book.Kept{}, err
}

// readOpportunities reads the opportunities and, when data is a keeper,
// what was kept with them.
func readOpportunities(ctx context.Context, data Data) ([]book.Opportunity, book.Kept, error) {
	if k, ok := keeperOf(data); ok {
		return k.OpportunitiesKept(ctx, views.KeptName)
	}
	opps, err := data.Opportunities(ctx)
	return opps, book.Kept{}, err
}

// warmCmd runs warm (an index's Warm) in a command; it reports nothing.
func warmCmd(warm func()) tea.Cmd {
	return func() tea.Msg {
		warm()
		return nil
	}
}

// loadStatus reads the org and sync status.
func (m *Model) loadStatus() tea.Cmd {
	data, life := m.deps.Data, m.life
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		st, err := data.Status(ctx)
		if err != nil {
			return statusLoadedMsg{err: fmt.Errorf("read sync status: %w", err)}
		}
		return statusLoadedMsg{status: st}
	})
}

// runSync runs the sync dependency, and streams its progress to the
// status bar (STYLE.md §1.7): the sync leaves its latest report in a
// one-slot channel, never blocking, and waitProgress reads one report per
// command, re-issued by Update on each syncProgressMsg. The channel is
// closed when the sync returns, which ends the stream.
func (m *Model) runSync() tea.Cmd {
	sync := m.deps.Sync
	return m.runSyncing(func(ctx context.Context, progress func(syncer.Progress)) (string, error) {
		return "", sync(ctx, progress)
	})
}

// runRebuild runs the rebuild dependency as runSync runs a sync.
func (m *Model) runRebuild() tea.Cmd {
	return m.runSyncing(m.deps.Rebuild)
}

// runSyncing runs sync (a sync or a rebuild) with its progress streamed
// to the status bar.
func (m *Model) runSyncing(sync func(context.Context, func(syncer.Progress)) (string, error)) tea.Cmd {
	life := m.life
	ch := make(chan syncer.Progress, 1)
	m.progressCh, m.progress = ch, syncer.Progress{}
	report := func(p syncer.Progress) {
		for {
			select {
			case ch <- p:
				return
			default:
			}
			// Full: drop the older report the app has not read yet.
			select {
			case <-ch:
			default:
			}
		}
	}
	run := func() tea.Msg {
		defer close(ch)
		ctx, cancel := context.WithTimeout(life, syncTimeout)
		defer cancel()
		note, err := sync(ctx, report)
		if err != nil {
			return syncDoneMsg{err: fmt.Errorf("sync: %w", err)}
		}
		return syncDoneMsg{note: note}
	}
	return tea.Batch(run, waitProgress(ch))
}

// waitProgress reads the next progress report of the sync reporting on ch.
func waitProgress(ch <-chan syncer.Progress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		return syncProgressMsg{ch: ch, p: p, ok: ok}
	}
}

// syncProgress shows a progress report of the running sync and waits for
// the next one. Reports of an earlier sync are dropped.
func (m *Model) syncProgress(msg syncProgressMsg) tea.Cmd {
	if msg.ch != m.progressCh || !msg.ok {
		return nil
	}
	m.progress = msg.p
	return waitProgress(msg.ch)
}

// progressText says what the running sync is doing: "syncing Opportunity
// 4,000/15,531".
func (m *Model) progressText() string {
	p := m.progress
	verb := "syncing"
	if m.rebuilding {
		verb = "rebuilding the cache:"
	}
	if p.Object == "" {
		return verb + "…"
	}
	text := verb + " " + views.Sanitize(p.Object)
	switch p.Phase {
	case syncer.PhaseFetch:
		if p.Total > 0 {
			return fmt.Sprintf("%s %s/%s", text, formatCount(p.Records), formatCount(p.Total))
		}
		return fmt.Sprintf("%s %s", text, formatCount(p.Records))
	case syncer.PhaseDeletes:
		return text + " deletions"
	case syncer.PhaseDone, syncer.PhaseSkipped:
		return verb + "…"
	}
	return text + "…"
}

// formatCount formats n with thousands separators: 15,531.
func formatCount(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// loadDetail reads one record for the detail view of pane.
func (m *Model) loadDetail(pane views.PaneID, kind views.RecordKind, id string) tea.Cmd {
	data, life := m.deps.Data, m.life
	return loadCmd(life, func(ctx context.Context) tea.Msg {
		msg := detailLoadedMsg{pane: pane, kind: kind, id: id}
		switch kind {
		case views.AccountRecord:
			msg.account, msg.err = data.AccountDetail(ctx, id)
		case views.ContactRecord:
			msg.contact, msg.err = data.ContactDetail(ctx, id)
		case views.LeadRecord:
			msg.lead, msg.err = data.LeadDetail(ctx, id)
		default:
			msg.opp, msg.err = data.OpportunityDetail(ctx, id)
		}
		if msg.err != nil {
			msg.err = fmt.Errorf("read record %s: %w", id, msg.err)
		}
		return msg
	})
}

// ageTick schedules the next cache-age refresh.
func (m *Model) ageTick() tea.Cmd {
	return tea.Tick(m.ageRefresh, func(time.Time) tea.Msg { return ageTickMsg{} })
}

// pollCache schedules the next look at the cache's generation (a tagged
// tick: only the chain numbered pollSeq goes on). The generation is read
// in the command, off the event loop. A Data that cannot tell is not
// polled.
func (m *Model) pollCache() tea.Cmd {
	w, ok := watched(m.deps.Data)
	if !ok || m.pollEvery <= 0 {
		return nil
	}
	seq := m.pollSeq
	return tea.Tick(m.pollEvery, func(time.Time) tea.Msg {
		gen, err := w.Generation()
		return cacheGenMsg{seq: seq, gen: gen, err: err}
	})
}

// cacheGen reads the cache again when another process changed it since
// the last read, and schedules the next poll. While a read or this app's
// own sync runs, it waits: both end by reading the cache.
func (m *Model) cacheGen(msg cacheGenMsg) tea.Cmd {
	if msg.seq != m.pollSeq {
		return nil
	}
	next := m.pollCache()
	if msg.err != nil {
		if !m.pollFailed && m.deps.Log != nil {
			m.deps.Log.Printf("warn: read the cache's generation: %v", msg.err)
		}
		m.pollFailed = true
		return next
	}
	m.pollFailed = false
	if !m.genKnown || msg.gen == m.gen || m.sync == syncRunning {
		return next
	}
	return tea.Batch(next, m.reload())
}

// reload reads everything shown again: the lists, the people, the status
// and the records open in detail views. The panes keep their selection.
func (m *Model) reload() tea.Cmd {
	cmds := []tea.Cmd{m.loadData(), m.loadPeople(), m.loadStatus(), m.loadWrites()}
	for _, t := range m.tabs {
		if d := t.detail; d != nil {
			cmds = append(cmds, m.loadDetail(t.id, d.Kind(), d.ID()))
		}
	}
	return tea.Batch(cmds...)
}
