// Package ask answers a rep's questions about their book of business
// exactly, from the local cache.
//
// A question becomes an explicit plan: one or more SOQL queries, run by the
// store's offline SOQL engine (or, for --live, against the org), then rows,
// then a markdown answer written by this package's own code. Numbers are
// never made up: a question the grammar does not understand gets an honest
// "I can't answer that yet" with suggestions.
//
// Conventions every answer states:
//   - "my / I / me" is the logged-in user (the cache's identity).
//   - Quarters and years are the org's fiscal quarters and years
//     (Organization.FiscalYearStartMonth; a fiscal year is named by the
//     calendar year it ends in, Salesforce's default). Weeks start on Sunday.
//   - Opportunity periods filter on CloseDate; tasks on ActivityDate;
//     "recently created/modified" on CreatedDate/LastModifiedDate.
//   - The latest activity of an account is its latest past task or event on
//     the account itself or on one of its opportunities.
//   - Pipeline is open opportunities (IsClosed = false); a win rate is
//     won / closed (won + lost) among the opportunities closing in the period.
package ask

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
)

// Answer is the engine's reply to one question.
type Answer struct {
	Question string
	// Understood is false when the question is outside what the engine can
	// answer (Markdown then says so and suggests questions it can answer).
	Understood bool
	// Markdown is the answer, written by this package from the rows.
	Markdown string
	// Value is the single number of a numeric question (exact, unrounded: a
	// rate as a fraction 0..1, money in the org's currency); nil otherwise.
	Value *float64
	// Rows are the rows of the plan's main query.
	Rows []*soql.Row
	// SOQL lists the queries of the plan, in the order they ran.
	SOQL []string
	// Source is "cache" or "live".
	Source string
	// AsOf is the cache's last sync (live: the time of the answer).
	AsOf time.Time
	// Range is the date range the answer used, if any.
	Range *DateRange
	// Breakdown is a grouped or ranked answer's label/value pairs, in the
	// order shown (what the bar chart draws).
	Breakdown []Bar
	// Links are the records named in the answer, in order (the TUI opens
	// them with enter).
	Links []Link
	// Suggestions are questions the engine can answer (for a question it
	// did not understand, or a partial match).
	Suggestions []string
}

// Bar is one group of a breakdown.
type Bar struct {
	Label string
	Value float64
	Count int // records in the group, when known
}

// Link is a record an answer names.
type Link struct {
	Object string // "Account", "Opportunity", "Contact", "Task", "Event", ...
	ID     string
	Name   string
}

// Runner runs one SOQL query and returns its rows (all pages).
type Runner interface {
	Query(ctx context.Context, soql string) ([]*soql.Row, error)
}

// RunnerFunc adapts a function to Runner.
type RunnerFunc func(ctx context.Context, soql string) ([]*soql.Row, error)

// Query implements Runner.
func (f RunnerFunc) Query(ctx context.Context, q string) ([]*soql.Row, error) { return f(ctx, q) }

// Options configure an Engine.
type Options struct {
	// Now is the clock ("today"); nil means time.Now.
	Now func() time.Time
	// Live, if set, runs every query against the org instead of the cache;
	// answers then say Source "live".
	Live Runner
	// Model, if set, proposes SOQL for questions outside the grammar (off
	// by default: nothing leaves the machine unless one is configured).
	Model Model
	// Mask, if set, masks the rows of every query of an answer's plan in
	// place before the answer is written from them (redacted mode: the
	// markdown, Rows and Links then show no personal data). It is called
	// for each answer, so it may change its mind between answers.
	Mask func(rows []*soql.Row)
	// Resident, if set, keeps the cache's decoded records in memory between
	// answers (store.Resident): for a long-lived engine (the TUI); nil
	// reads the cache file for every query, as a one-shot command should.
	Resident *store.Resident
}

// Engine answers questions over one store. It caches the account, user and
// stage lists on first use: make a new Engine after a sync. It is safe for
// concurrent use (questions are answered one at a time).
type Engine struct {
	mu       sync.Mutex // serialises Ask: it guards the lazily loaded lists
	st       *store.Store
	run      Runner
	source   string
	now      func() time.Time
	loc      *time.Location
	me       string
	meName   string
	fyStart  time.Month
	currency string
	model    Model
	mask     func(rows []*soql.Row)

	accounts []named
	// accountNames maps the Ids of accounts to their names (read only).
	accountNames map[string]string
	users        []named
	stages       []stageInfo
	places       []place // billing countries
	industries   []place // industries and billing states
}

// named is a record's Id and Name.
type named struct {
	ID, Name string
	norm     []string // normalised name tokens
}

type stageInfo struct {
	Name        string
	Order       int
	Closed, Won bool
}

// New makes an engine over st: the identity (who "me" is, the fiscal year
// start, the currency and time zone) comes from the cache.
func New(st *store.Store, opts Options) (*Engine, error) {
	id, _, err := st.Identity()
	if err != nil {
		return nil, fmt.Errorf("ask: %w", err)
	}
	e := &Engine{
		st:       st,
		source:   "cache",
		now:      opts.Now,
		loc:      time.UTC,
		me:       id.UserID,
		meName:   id.DisplayName,
		fyStart:  time.Month(id.FiscalYearStartMonth),
		currency: id.Currency,
		model:    opts.Model,
		mask:     opts.Mask,
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.fyStart < 1 || e.fyStart > 12 {
		e.fyStart = time.January
	}
	if id.TimeZone != "" {
		if loc, err := time.LoadLocation(id.TimeZone); err == nil {
			e.loc = loc
		}
	}
	if opts.Live != nil {
		e.run, e.source = opts.Live, "live"
	} else {
		e.run = RunnerFunc(func(ctx context.Context, q string) ([]*soql.Row, error) {
			res, err := st.Query(ctx, q, store.QueryOptions{Now: e.now, Resident: opts.Resident})
			if err != nil {
				return nil, err
			}
			return res.Records, nil
		})
	}
	return e, nil
}

// today is the user's current calendar day (midnight UTC as a civil date).
func (e *Engine) today() time.Time {
	t := e.now().In(e.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Ask answers one question. An error is returned only when the cache or the
// org fails; a question the engine cannot answer is an Answer with
// Understood false.
func (e *Engine) Ask(ctx context.Context, question string) (*Answer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := &Answer{Question: question, Source: e.source}
	if e.source == "live" {
		a.AsOf = e.now().UTC()
	} else if last, err := e.st.LastSync(); err == nil {
		a.AsOf = last
	}
	x := &exec{e: e, ctx: ctx, a: a}
	q, err := e.parse(ctx, question)
	if err != nil {
		return nil, err
	}
	if err := x.answer(q); err != nil {
		return nil, err
	}
	if !a.Understood && a.Markdown == "" {
		x.notUnderstood(q, "")
	}
	a.Markdown = sanitize(x.withFooter())
	return a, nil
}

// withFooter is the answer's markdown, its trailing newlines replaced by
// one blank line, then the footer. When the markdown is what x.md holds
// (most answers) the footer is written after it there, not joined to a
// copy of a long answer.
func (x *exec) withFooter() string {
	md := x.a.Markdown
	trimmed := strings.TrimRight(md, "\n")
	if nl := len(md) - len(trimmed); x.plain && nl <= 2 && md == x.md.String() {
		x.md.WriteString("\n\n"[nl:])
		x.md.WriteString(x.footer())
		return x.md.String()
	}
	return trimmed + "\n\n" + x.footer()
}

// sanitize drops control characters (record text may carry terminal escape
// sequences) but keeps newlines.
func sanitize(s string) string {
	if clean(s, false) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r < 32, r == 127, r >= 0x80 && r < 0xa0:
			return -1
		}
		return r
	}, s)
}

// exec is one answer in progress.
type exec struct {
	e   *Engine
	ctx context.Context
	a   *Answer
	md  strings.Builder
	// plain is set when answer made a.Markdown x.md's text alone.
	plain bool
}

// query runs one SOQL statement of the plan and records it.
func (x *exec) query(q string) ([]*soql.Row, error) {
	x.a.SOQL = append(x.a.SOQL, q)
	rows, err := x.e.run.Query(x.ctx, q)
	if err != nil {
		return nil, fmt.Errorf("ask: %s: %w", firstLine(q), err)
	}
	x.masked(rows)
	return rows, nil
}

// masked masks an answer's evidence rows (in place) when a Mask is set.
func (x *exec) masked(rows []*soql.Row) {
	if x.e.mask != nil {
		x.e.mask(rows)
	}
}

// support runs a query that resolves names (accounts, users, stages); it is
// not part of the answer's evidence.
func (e *Engine) support(ctx context.Context, q string) ([]*soql.Row, error) {
	rows, err := e.run.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("ask: %s: %w", firstLine(q), err)
	}
	return rows, nil
}

func firstLine(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// footer is the evidence line under every answer.
func (x *exec) footer() string {
	var b strings.Builder
	if x.a.Source == "live" {
		b.WriteString("_Source: live org")
	} else {
		b.WriteString("_Source: local cache")
		if !x.a.AsOf.IsZero() {
			b.WriteString(", synced " + x.a.AsOf.In(x.e.loc).Format("2 Jan 2006 15:04 MST"))
			if age := x.e.now().Sub(x.a.AsOf); age >= 0 {
				b.WriteString(" (" + ageText(age) + " ago)")
			}
		} else {
			b.WriteString(", never synced")
		}
	}
	b.WriteString("_")
	if len(x.a.SOQL) > 0 {
		b.WriteString("\n\n```sql\n")
		for _, q := range x.a.SOQL {
			b.WriteString(q + "\n")
		}
		b.WriteString("```")
	}
	return b.String()
}

func ageText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "moments"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
}

// Suggest returns up to n questions for what the user has typed so far: the
// example questions that contain every typed word, then, when the last
// words start an account's name, the typed text completed with that name.
func (e *Engine) Suggest(ctx context.Context, typed string, n int) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	words := normalise(typed)
	var out []string
	for _, s := range Suggestions {
		text := " " + strings.Join(normalise(s), " ") + " "
		ok := true
		for _, w := range words {
			if !strings.Contains(text, " "+w) {
				ok = false
				break
			}
		}
		if ok && len(out) < n {
			out = append(out, s)
		}
	}
	if len(words) == 0 || len(out) >= n {
		return out, nil
	}
	if err := e.loadNames(ctx); err != nil {
		return nil, err
	}
	// The longest tail of typed words that starts an account name.
	for k := min(3, len(words)); k >= 1; k-- {
		tail := words[len(words)-k:]
		if !nameWord(tail[0]) || len(strings.Join(tail, "")) < 2 {
			continue
		}
		raw := strings.Fields(typed)
		if len(raw) < k {
			continue
		}
		prefix := strings.Join(raw[:len(raw)-k], " ")
		found := false
		for _, a := range e.accounts {
			if len(a.norm) < k || !slices.Equal(a.norm[:k-1], tail[:k-1]) || !strings.HasPrefix(a.norm[k-1], tail[k-1]) {
				continue
			}
			found = true
			s := strings.TrimSpace(prefix + " " + a.Name)
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
			if len(out) >= n {
				break
			}
		}
		if found {
			break
		}
	}
	return out, nil
}
