package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/ask"
	"github.com/lazyforce/lazyforce/store/book/redact"
	"github.com/lazyforce/lazyforce/views"
)

// askExportedMsg is how writing a CSV file went.
type askExportedMsg struct {
	path string
	rows int
	err  error
}

// askWarmer is an Asker that can prepare, ahead of the first question,
// what answering costs the first time (StoreAsk: the engine and the
// records the question families read).
type askWarmer interface {
	Warm(ctx context.Context) error
}

// askWarmState is the Ask warm-up's progress in the model.
type askWarmState struct {
	running bool   // a warm-up command is running
	done    bool   // one has finished
	gen     uint64 // the cache generation the model knew when it started
}

// askWarmedMsg ends a warm-up started at the cache generation gen.
type askWarmedMsg struct {
	gen uint64
	err error
}

// warmAsk starts warming the Asker when the Ask pane is shown and no
// warm-up has run since the cache was last read with other data (or at
// all): in a command, under the app's context, so that the rep's first
// question finds the records decoded. A question asked meanwhile is not
// held up by it beyond the decoding it needs itself (store.Resident.Warm).
func (m *Model) warmAsk() tea.Cmd {
	w, ok := m.deps.Ask.(askWarmer)
	if !ok || m.quitting || m.askWarm.running || m.focused().shown() != views.Pane(m.ask) {
		return nil
	}
	if m.askWarm.done && (!m.genKnown || m.askWarm.gen == m.gen) {
		return nil
	}
	m.askWarm.running = true
	gen, ctx := m.gen, m.life
	return func() tea.Msg { return askWarmedMsg{gen: gen, err: w.Warm(ctx)} }
}

// askWarmed records a finished warm-up; a failure is only logged (the
// question that needs the records reports it) and, like a success, not
// retried until the cache changes: retrying at once would start another
// warm-up with every message while the failure lasts.
func (m *Model) askWarmed(msg askWarmedMsg) {
	m.askWarm.running = false
	if msg.err != nil && !errors.Is(msg.err, context.Canceled) && m.deps.Log != nil {
		m.deps.Log.Printf("warn: prepare the Ask pane: %v", msg.err)
	}
	m.askWarm.done, m.askWarm.gen = true, msg.gen
}

// updateAsk handles the Ask pane's requests; ok is false for messages
// that are not its.
func (m *Model) updateAsk(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case askWarmedMsg:
		m.askWarmed(msg)
		return nil, true
	case views.AskRequestMsg:
		return m.answer(msg), true
	case views.AskSuggestRequestMsg:
		return m.suggest(msg), true
	case views.AskExportMsg:
		if msg.Table == nil {
			return m.setFlash(flashMsg{level: flashWarn, text: "no SOQL result to export: ask SELECT … first"}), true
		}
		return m.exportCSV(*msg.Table), true
	case askExportedMsg:
		if msg.err != nil {
			return m.setFlash(flashMsg{level: flashError, text: msg.err.Error()}), true
		}
		return m.setFlash(flashMsg{text: fmt.Sprintf("exported %d rows to %s", msg.rows, msg.path)}), true
	case views.CopyTextMsg:
		return tea.Batch(tea.SetClipboard(msg.Text), m.setFlash(flashMsg{text: "copied " + msg.What})), true
	}
	return nil, false
}

// askRerender re-renders the Ask pane's answer after a resize or a theme
// change.
func (m *Model) askRerender() tea.Cmd { return m.ask.Rerender() }

// answer runs a question or SOQL in a command and replies to the pane.
func (m *Model) answer(req views.AskRequestMsg) tea.Cmd {
	a, ctx := m.deps.Ask, m.life
	if a == nil {
		return nil
	}
	return func() tea.Msg {
		res := views.AskResult{Text: req.Text, Source: "cache"}
		if req.Live {
			res.Source = "live"
		}
		if req.SOQL {
			rows, total, err := a.Query(ctx, req.Text, req.Live)
			if err != nil {
				res.Err = fmt.Errorf("soql: %w", err)
			} else {
				t := flattenTable(rows, total)
				t.SOQL, t.Source = req.Text, res.Source
				res.Table, res.Understood = t, true
			}
			return views.AskResultMsg{Seq: req.Seq, Result: res}
		}
		ans, err := a.Ask(ctx, req.Text, req.Live)
		if err != nil {
			res.Err = err
			return views.AskResultMsg{Seq: req.Seq, Result: res}
		}
		res.Markdown, res.Understood, res.Source = ans.Markdown, ans.Understood, ans.Source
		res.Links = askLinks(ans.Links)
		return views.AskResultMsg{Seq: req.Seq, Result: res}
	}
}

// askLinks keeps the records an answer names that have a detail view.
func askLinks(links []ask.Link) []views.AskLink {
	var out []views.AskLink
	seen := map[string]bool{}
	for _, l := range links {
		var kind views.RecordKind
		switch l.Object {
		case "Account":
			kind = views.AccountRecord
		case "Opportunity":
			kind = views.OpportunityRecord
		case "Contact":
			kind = views.ContactRecord
		case "Lead":
			kind = views.LeadRecord
		default:
			continue
		}
		if l.ID == "" || seen[l.ID] {
			continue
		}
		seen[l.ID] = true
		out = append(out, views.AskLink{Kind: kind, ID: l.ID, Name: l.Name})
	}
	return out
}

// suggest fetches suggestions for what is typed.
func (m *Model) suggest(req views.AskSuggestRequestMsg) tea.Cmd {
	a, ctx := m.deps.Ask, m.life
	if a == nil {
		return nil
	}
	return func() tea.Msg {
		var items []string
		var err error
		if req.SOQL {
			items, err = a.Complete(ctx, req.Text, 5)
		} else {
			items, err = a.Suggest(ctx, req.Text, 5)
		}
		if err != nil {
			items = nil // suggestions are a help, never an error on screen
		}
		return views.AskSuggestionsMsg{Seq: req.Seq, Items: items}
	}
}

// exportCSV writes t to a new CSV file in Deps.ExportDir (or the current
// directory) in a command.
func (m *Model) exportCSV(t views.AskTable) tea.Cmd {
	dir, now := m.deps.ExportDir, m.deps.Now()
	return func() tea.Msg {
		path, err := writeCSV(dir, now, t)
		return askExportedMsg{path: path, rows: len(t.Rows), err: err}
	}
}

// writeCSV writes t as lazyforce-query-YYYYMMDD-HHMMSS.csv in dir (""
// the current directory), never over an existing file.
func writeCSV(dir string, now time.Time, t views.AskTable) (string, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("export: %w", err)
		}
		dir = wd
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	base := "lazyforce-query-" + now.Format("20060102-150405")
	var f *os.File
	var path string
	for i := 0; ; i++ {
		path = filepath.Join(dir, base+".csv")
		if i > 0 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d.csv", base, i))
		}
		var err error
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i > 100 {
			return "", fmt.Errorf("export: %w", err)
		}
	}
	w := csv.NewWriter(f)
	_ = w.Write(t.Columns)
	_ = w.WriteAll(t.Rows) // flushes
	if err := w.Error(); err != nil {
		f.Close()
		return "", fmt.Errorf("export %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("export %s: %w", path, err)
	}
	return path, nil
}

// flattenTable lays rows out as a table: relationship fields become
// dotted columns, child sets their row count, in first-seen column order.
func flattenTable(rows []*soql.Row, total int) *views.AskTable {
	t := &views.AskTable{Total: total}
	seen := map[string]bool{}
	flat := make([]map[string]string, len(rows))
	for i, r := range rows {
		flat[i] = map[string]string{}
		FlattenRow(r, "", flat[i], func(c string) {
			if !seen[c] {
				seen[c] = true
				t.Columns = append(t.Columns, c)
			}
		}, func(s string) string { return s })
	}
	// A lookup that is null in some rows comes as "Account": null there
	// and as Account.Name elsewhere: drop the empty "Account" column.
	var kept []string
	for _, c := range t.Columns {
		nested := slices.ContainsFunc(t.Columns, func(o string) bool { return strings.HasPrefix(o, c+".") })
		if !nested || slices.ContainsFunc(flat, func(f map[string]string) bool { return f[c] != "" }) {
			kept = append(kept, c)
		}
	}
	t.Columns = kept
	for _, f := range flat {
		cells := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			cells[j] = f[c]
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// FlattenRow writes the cells of a SOQL result row into out, keyed by
// column (a parent's fields as "Account.Name", a subquery as its row
// count), each through text, and calls col with each column in order. The
// Ask pane's tables and the query command's share it.
func FlattenRow(r *soql.Row, prefix string, out map[string]string, col func(string), text func(string) string) {
	if r == nil {
		return
	}
	for i, k := range r.Keys {
		if k == "attributes" {
			continue
		}
		name := prefix + k
		switch v := r.Values[i].(type) {
		case *soql.Row:
			FlattenRow(v, name+".", out, col, text)
			continue
		case *soql.ChildSet:
			n := 0
			if v != nil {
				n = v.TotalSize
			}
			out[name] = fmt.Sprintf("%d row", n)
			if n != 1 {
				out[name] += "s"
			}
		case nil:
			out[name] = ""
		case float64:
			out[name] = strconv.FormatFloat(v, 'f', -1, 64)
		case string:
			out[name] = text(v)
		default:
			out[name] = text(fmt.Sprint(v))
		}
		col(name)
	}
}

// StoreAskOptions configure NewStoreAsk.
type StoreAskOptions struct {
	// Now is the clock ("today"); nil means time.Now.
	Now func() time.Time
	// Live runs SOQL on the org (all pages) for live questions and
	// queries; nil means live is not available.
	Live func(ctx context.Context, soql string) ([]*soql.Row, int, error)
	// Model, if set, proposes SOQL for questions outside the grammar.
	Model ask.Model
	// Redact masks personal data in answers and query rows while it is on
	// (redacted mode; the app's Masker, so ':redact' applies to the next
	// answer); nil masks nothing.
	Redact *redact.Masker
}

// StoreAsk is the Asker over the cache: the question engine (rebuilt
// whenever a sync has finished since it was built, as the engine caches
// names) and the store's offline SOQL.
type StoreAsk struct {
	st   *store.Store
	opts StoreAskOptions
	res  *store.Resident // decoded records kept between answers and queries

	mu        sync.Mutex
	eng       *ask.Engine
	builtAt   time.Time                        // the LastSync the engine was built after
	describes map[string]*sfdc.SObjectDescribe // decoded describes, since builtAt
}

var _ Asker = (*StoreAsk)(nil)

// ErrNoLive is returned for a live request when the org cannot be asked.
var ErrNoLive = errors.New("asking the live org is not available here")

// NewStoreAsk returns the Asker over st.
func NewStoreAsk(st *store.Store, opts StoreAskOptions) *StoreAsk {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &StoreAsk{st: st, opts: opts, res: store.NewResident(st)}
}

// engine returns the cache's engine, new after each sync.
func (a *StoreAsk) engine() (*ask.Engine, error) {
	last, err := a.st.LastSync()
	if err != nil {
		return nil, fmt.Errorf("ask: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.eng != nil && last.Equal(a.builtAt) {
		return a.eng, nil
	}
	e, err := ask.New(a.st, ask.Options{Now: a.opts.Now, Model: a.opts.Model, Mask: a.mask, Resident: a.res})
	if err != nil {
		return nil, err
	}
	a.eng, a.builtAt, a.describes = e, last, nil
	return e, nil
}

// Warm builds the engine and decodes the records the question families
// read (ask.ResidentFields, ask.ResidentParents) into the Resident, so that the first question
// is answered warm. It stops when ctx is cancelled; a question asked
// meanwhile continues what it needs rather than waiting for the rest.
func (a *StoreAsk) Warm(ctx context.Context) error {
	if _, err := a.engine(); err != nil {
		return err
	}
	if err := a.res.Warm(ctx, ask.ResidentFields()); err != nil {
		return err
	}
	return a.res.WarmParents(ctx, ask.ResidentParents())
}

// Ask implements Asker.
func (a *StoreAsk) Ask(ctx context.Context, question string, live bool) (*ask.Answer, error) {
	if !live {
		e, err := a.engine()
		if err != nil {
			return nil, err
		}
		return e.Ask(ctx, question)
	}
	if a.opts.Live == nil {
		return nil, ErrNoLive
	}
	run := ask.RunnerFunc(func(ctx context.Context, q string) ([]*soql.Row, error) {
		rows, _, err := a.opts.Live(ctx, q)
		return rows, err
	})
	e, err := ask.New(a.st, ask.Options{Now: a.opts.Now, Live: run, Model: a.opts.Model, Mask: a.mask})
	if err != nil {
		return nil, err
	}
	return e.Ask(ctx, question)
}

// Suggest implements Asker.
func (a *StoreAsk) Suggest(ctx context.Context, typed string, n int) ([]string, error) {
	e, err := a.engine()
	if err != nil {
		return nil, err
	}
	return e.Suggest(ctx, typed, n)
}

// Query implements Asker.
func (a *StoreAsk) Query(ctx context.Context, text string, live bool) ([]*soql.Row, int, error) {
	if live {
		if a.opts.Live == nil {
			return nil, 0, ErrNoLive
		}
		rows, total, err := a.opts.Live(ctx, text)
		a.mask(rows)
		return rows, total, err
	}
	res, err := a.st.Query(ctx, text, store.QueryOptions{Now: a.opts.Now, Resident: a.res})
	if err != nil {
		if object, ok := a.st.NotSynced(text, err); ok {
			return nil, 0, fmt.Errorf("%s is in the org but not in its cache: add it to \"extra_objects\" in the org's \"sync\" settings in config.json and sync, or press ctrl+l to ask the org: %w", object, err)
		}
		return nil, 0, err
	}
	a.mask(res.Records)
	return res.Records, res.TotalSize, nil
}

// mask masks personal data in rows (in place) in redacted mode.
func (a *StoreAsk) mask(rows []*soql.Row) { a.opts.Redact.Rows("", rows) }

// Complete implements Asker: after FROM, the cached objects; elsewhere,
// the fields of the FROM object (of every cached object before FROM is
// typed), following relationship names through dots (Account.Na).
func (a *StoreAsk) Complete(ctx context.Context, typed string, n int) ([]string, error) {
	if _, err := a.engine(); err != nil { // drops describes older than the last sync
		return nil, err
	}
	cut := strings.LastIndexAny(typed, " ,(\t\n") + 1
	head, word := typed[:cut], typed[cut:]
	prev := strings.Fields(strings.NewReplacer(",", " ", "(", " ").Replace(head))
	objects, err := a.st.Objects()
	if err != nil {
		return nil, fmt.Errorf("complete: %w", err)
	}
	slices.Sort(objects)
	var names []string
	if len(prev) > 0 && strings.EqualFold(prev[len(prev)-1], "from") {
		names = objects
	} else {
		from := fromObject(typed)
		scope := objects
		if from != "" {
			scope = []string{from}
		}
		path := ""
		if i := strings.LastIndex(word, "."); i >= 0 {
			path = word[:i+1]
		}
		seen := map[string]bool{}
		for _, obj := range scope {
			d := a.describe(obj)
			for _, rel := range strings.Split(strings.TrimSuffix(path, "."), ".") {
				if rel == "" || d == nil {
					continue
				}
				d = a.follow(d, rel)
			}
			if d == nil {
				continue
			}
			for _, f := range d.Fields {
				if !seen[f.Name] {
					seen[f.Name] = true
					names = append(names, path+f.Name)
				}
				if f.RelationshipName != "" && !seen[f.RelationshipName+"."] {
					seen[f.RelationshipName+"."] = true
					names = append(names, path+f.RelationshipName+".")
				}
			}
		}
	}
	var out []string
	lw := strings.ToLower(word)
	for _, name := range names {
		if strings.HasPrefix(strings.ToLower(name), lw) && !strings.EqualFold(name, word) {
			out = append(out, head+name)
			if len(out) >= n {
				break
			}
		}
	}
	return out, nil
}

// fromObject returns the object after FROM in text, or "".
func fromObject(text string) string {
	f := strings.Fields(text)
	for i := 0; i+1 < len(f); i++ {
		if strings.EqualFold(f[i], "from") {
			return strings.TrimRight(f[i+1], ",)")
		}
	}
	return ""
}

// describe returns the cached describe of object, or nil.
func (a *StoreAsk) describe(object string) *sfdc.SObjectDescribe {
	a.mu.Lock()
	defer a.mu.Unlock()
	if d, ok := a.describes[strings.ToLower(object)]; ok {
		return d
	}
	var d *sfdc.SObjectDescribe
	if raw, _, ok, err := a.st.Describe(object); err == nil && ok {
		d = new(sfdc.SObjectDescribe)
		if json.Unmarshal(raw, d) != nil {
			d = nil
		}
	}
	if a.describes == nil {
		a.describes = map[string]*sfdc.SObjectDescribe{}
	}
	a.describes[strings.ToLower(object)] = d
	return d
}

// follow returns the describe of the object relationship rel of d points
// to, or nil.
func (a *StoreAsk) follow(d *sfdc.SObjectDescribe, rel string) *sfdc.SObjectDescribe {
	for _, f := range d.Fields {
		if strings.EqualFold(f.RelationshipName, rel) && len(f.ReferenceTo) > 0 {
			return a.describe(f.ReferenceTo[0])
		}
	}
	return nil
}
