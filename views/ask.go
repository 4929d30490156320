package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// AskPane is the question pane.
const AskPane PaneID = "Ask"

// Messages between the question pane and the root. The pane asks; the
// root runs the engine or the SOQL in a command and answers with
// AskResultMsg / AskSuggestionsMsg carrying the request's Seq, so a late
// reply to an older request is dropped.
type (
	// AskRequestMsg asks the root to answer Text: a question, or SOQL
	// when SOQL is set, from the cache or (Live) the org.
	AskRequestMsg struct {
		Seq  int
		Text string
		SOQL bool
		Live bool
	}
	// AskResultMsg is the root's reply to AskRequestMsg.
	AskResultMsg struct {
		Seq    int
		Result AskResult
	}
	// AskSuggestRequestMsg asks the root for suggestions for what is
	// typed: questions, or (SOQL) objects and fields from the describe.
	AskSuggestRequestMsg struct {
		Seq  int
		Text string
		SOQL bool
	}
	// AskSuggestionsMsg is the root's reply to AskSuggestRequestMsg: each
	// item is the whole input as it would read once taken.
	AskSuggestionsMsg struct {
		Seq   int
		Items []string
	}
	// AskExportMsg asks the root to write the last SOQL result to a CSV
	// file; Table is nil when there is none yet.
	AskExportMsg struct{ Table *AskTable }
	// CopyTextMsg asks the root to copy Text to the clipboard; What says
	// what it is ("answer", "12 rows").
	CopyTextMsg struct{ Text, What string }
)

// AskResult is an answer (Markdown) or a SOQL result (Table), or Err.
type AskResult struct {
	Text       string // the question or SOQL asked
	Markdown   string
	Understood bool
	Links      []AskLink // the records the answer names that open
	Source     string    // "cache" or "live"
	Table      *AskTable
	Err        error
}

// AskLink is a record an answer names.
type AskLink struct {
	Kind RecordKind
	ID   string
	Name string
}

// AskTable is a SOQL result, flattened: nested relationship fields are
// dotted columns (Account.Name).
type AskTable struct {
	SOQL    string
	Columns []string
	Rows    [][]string
	Total   int // totalSize: may exceed len(Rows) for COUNT()
	Source  string
}

// TSV returns the table as tab-separated values with a header line.
func (t *AskTable) TSV() string {
	var b strings.Builder
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s) }
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(clean(c))
	}
	b.WriteByte('\n')
	for _, r := range t.Rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(clean(c))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// askDebounce is how long typing must pause before suggestions are asked.
const askDebounce = 150 * time.Millisecond

// maxSuggestions is how many suggestions are shown.
const maxSuggestions = 5

// maxTableRows is how many rows of a SOQL result the pane shows (all
// are copied and exported).
const maxTableRows = 500

type askDebounceMsg struct{ seq int }

type askRerenderMsg struct{ seq int }

// askRenderedMsg carries the rendered body of answer seq at width/dark.
type askRenderedMsg struct {
	key renderKey
	out string
	err error
}

type renderKey struct {
	seq   int
	width int
	dark  bool
}

// Ask is the question pane: questions answered from the cache, and SOQL.
type Ask struct {
	ctx *Context
	paneFocus
	width     int
	height    int
	available bool // the root has an engine (SetAvailable)

	input   textinput.Model
	editing bool
	live    bool

	history []string
	histPos int    // index into history while browsing it; len = the draft
	draft   string // what was typed before browsing the history

	typeSeq     int // debounce of suggestions
	suggestions []string
	sugSel      int

	seq     int // the latest request
	pending string
	result  *AskResult
	resSeq  int // the request result answers
	table   *AskTable
	link    int // selected link (-1: none)

	md      *Markdown
	renders map[renderKey]string // the current result's rendered bodies
	vp      viewport.Model
	shownAt renderKey // what vp holds

	rerenderSeq int
}

var _ Pane = (*Ask)(nil)

// NewAsk returns the question pane.
func NewAsk(ctx *Context) *Ask {
	p := &Ask{ctx: ctx, md: NewMarkdown(), renders: map[renderKey]string{}, link: -1}
	p.input = NewInput("? ", "press / and ask: how many open opportunities do I have — or type SELECT …", ctx.Styles == nil || ctx.Styles.IsDark)
	p.vp = viewport.New()
	return p
}

// SetAvailable tells the pane whether questions can be answered (the root
// has an engine); without one it says so.
func (p *Ask) SetAvailable(ok bool) { p.available = ok }

// SetSize implements Pane.
func (p *Ask) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.SetWidth(max(1, w-ansi.StringWidth(p.input.Prompt)-1))
	p.layout()
}

// Capturing implements Pane: the input has the keys while typing.
func (p *Ask) Capturing() bool { return p.editing }

// Editing reports whether the input has the keys.
func (p *Ask) Editing() bool { return p.editing }

// Value returns what is typed.
func (p *Ask) Value() string { return p.input.Value() }

// Live reports whether requests go to the org instead of the cache.
func (p *Ask) Live() bool { return p.live }

// Suggestions returns the suggestions shown.
func (p *Ask) Suggestions() []string { return p.suggestions }

// Result returns the result shown, or nil.
func (p *Ask) Result() *AskResult { return p.result }

// SelectedLink returns the selected record of the answer, if any.
func (p *Ask) SelectedLink() (AskLink, bool) {
	if p.result == nil || p.link < 0 || p.link >= len(p.result.Links) {
		return AskLink{}, false
	}
	return p.result.Links[p.link], true
}

// Body returns the rendered answer the viewport holds ("" while
// rendering).
func (p *Ask) Body() string { return p.renders[p.shownAt] }

// isSOQL reports whether text is SOQL rather than a question.
func isSOQL(text string) bool {
	f := strings.Fields(text)
	return len(f) > 0 && strings.EqualFold(f[0], "select")
}

// Update implements Pane.
func (p *Ask) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case AskResultMsg:
		return p, p.setResult(msg)
	case AskSuggestionsMsg:
		if msg.Seq == p.typeSeq && p.editing {
			p.suggestions = msg.Items
			if len(p.suggestions) > maxSuggestions {
				p.suggestions = p.suggestions[:maxSuggestions]
			}
			p.sugSel = 0
			p.layout()
		}
		return p, nil
	case askDebounceMsg:
		if msg.seq != p.typeSeq || !p.editing {
			return p, nil
		}
		text := p.input.Value()
		if strings.TrimSpace(text) == "" {
			p.suggestions = nil
			p.layout()
			return p, nil
		}
		return p, requestCmd(AskSuggestRequestMsg{Seq: msg.seq, Text: text, SOQL: isSOQL(text)})
	case askRerenderMsg:
		if msg.seq != p.rerenderSeq {
			return p, nil
		}
		return p, p.render()
	case askRenderedMsg:
		if p.result == nil || msg.key.seq != p.resSeq {
			return p, nil
		}
		out := msg.out
		if msg.err != nil {
			out = Sanitize(p.result.Markdown) // readable even when Glamour fails
		}
		p.renders[msg.key] = out
		p.layout()
		return p, nil
	case tea.PasteMsg:
		if p.editing {
			return p, p.typed(msg)
		}
		return p, nil
	case tea.KeyPressMsg:
		if !p.available {
			return p, nil
		}
		if p.editing {
			return p, p.inputKey(msg)
		}
		return p, p.browseKey(msg)
	}
	return p, nil
}

// startEditing gives the input the keys.
func (p *Ask) startEditing() tea.Cmd {
	p.editing = true
	p.input.SetStyles(inputStyles(p.dark()))
	p.input.CursorEnd()
	p.layout()
	return p.input.Focus()
}

func (p *Ask) stopEditing() {
	p.editing = false
	p.suggestions = nil
	p.input.Blur()
	p.layout()
}

func (p *Ask) dark() bool { return p.ctx.Styles == nil || p.ctx.Styles.IsDark }

// inputKey handles a key while the input has the keys.
func (p *Ask) inputKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &p.ctx.Keys.AskInput
	switch {
	case key.Matches(msg, k.Cancel):
		p.stopEditing()
		return nil
	case key.Matches(msg, k.Submit):
		return p.submit()
	case key.Matches(msg, k.HistPrev):
		p.browseHistory(-1)
		return nil
	case key.Matches(msg, k.HistNext):
		p.browseHistory(1)
		return nil
	case key.Matches(msg, k.Complete):
		if len(p.suggestions) > 0 {
			p.input.SetValue(p.suggestions[p.sugSel])
			p.input.CursorEnd()
			return p.changed()
		}
		return nil
	case key.Matches(msg, k.NextSugg):
		if n := len(p.suggestions); n > 0 {
			p.sugSel = (p.sugSel + 1) % n
		}
		return nil
	case key.Matches(msg, k.PrevSugg):
		if n := len(p.suggestions); n > 0 {
			p.sugSel = (p.sugSel - 1 + n) % n
		}
		return nil
	case key.Matches(msg, k.Live):
		p.live = !p.live
		return nil
	case key.Matches(msg, k.Export):
		return p.export()
	}
	return p.typed(msg)
}

// typed passes a key or a paste to the input and, when the text changed,
// starts the debounce of suggestions.
func (p *Ask) typed(msg tea.Msg) tea.Cmd {
	cmd, changed := editInput(&p.input, msg)
	if !changed {
		return cmd
	}
	p.histPos = len(p.history)
	return tea.Batch(cmd, p.changed())
}

// changed starts the debounce after the text changed.
func (p *Ask) changed() tea.Cmd {
	p.typeSeq++
	seq := p.typeSeq
	return tea.Tick(askDebounce, func(time.Time) tea.Msg { return askDebounceMsg{seq: seq} })
}

// browseHistory steps through the questions asked (dir -1: older).
func (p *Ask) browseHistory(dir int) {
	if len(p.history) == 0 {
		return
	}
	if p.histPos == len(p.history) {
		p.draft = p.input.Value()
	}
	p.histPos = clamp(p.histPos+dir, len(p.history)+1)
	if p.histPos == len(p.history) {
		p.input.SetValue(p.draft)
	} else {
		p.input.SetValue(p.history[p.histPos])
	}
	p.input.CursorEnd()
	p.suggestions = nil
	p.typeSeq++ // a pending debounce is for other text
	p.layout()
}

// submit sends what is typed.
func (p *Ask) submit() tea.Cmd {
	text := strings.TrimSpace(p.input.Value())
	if text == "" {
		return nil
	}
	if n := len(p.history); n == 0 || p.history[n-1] != text {
		p.history = append(p.history, text)
	}
	p.histPos = len(p.history)
	p.draft = ""
	p.suggestions = nil
	p.typeSeq++
	p.seq++
	p.pending = text
	p.input.SetValue("") // ↑ brings it back
	p.stopEditing()
	return requestCmd(AskRequestMsg{Seq: p.seq, Text: text, SOQL: isSOQL(text), Live: p.live})
}

// Again asks the question (or SOQL) shown again, as it was asked (cache
// or live), for ':redact', which reads everything shown again; nil when
// nothing is shown or a request is pending.
func (p *Ask) Again() tea.Cmd {
	if p.result == nil || p.pending != "" {
		return nil
	}
	text := p.result.Text
	p.seq++
	p.pending = text
	return requestCmd(AskRequestMsg{Seq: p.seq, Text: text, SOQL: isSOQL(text), Live: p.result.Source == "live"})
}

// browseKey handles a key while the pane (not the input) has the keys.
func (p *Ask) browseKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &p.ctx.Keys.Ask
	switch {
	case key.Matches(msg, k.Edit):
		return p.startEditing()
	case key.Matches(msg, k.Open):
		if l, ok := p.SelectedLink(); ok {
			return requestCmd(OpenRecordMsg{From: AskPane, Kind: l.Kind, ID: l.ID})
		}
		return p.startEditing()
	case key.Matches(msg, k.NextLink):
		p.stepLink(1)
	case key.Matches(msg, k.PrevLink):
		p.stepLink(-1)
	case key.Matches(msg, k.Copy):
		return p.copy()
	case key.Matches(msg, k.Export):
		return p.export()
	case key.Matches(msg, k.Live):
		p.live = !p.live
	case key.Matches(msg, k.Up):
		p.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		p.vp.ScrollDown(1)
	case key.Matches(msg, k.PageDown):
		p.vp.HalfPageDown()
	case key.Matches(msg, k.PageUp):
		p.vp.HalfPageUp()
	case key.Matches(msg, k.Top):
		p.vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		p.vp.GotoBottom()
	}
	return nil
}

func (p *Ask) stepLink(dir int) {
	if p.result == nil || len(p.result.Links) == 0 {
		return
	}
	n := len(p.result.Links)
	if p.link < 0 {
		if dir > 0 {
			p.link = 0
		} else {
			p.link = n - 1
		}
		return
	}
	p.link = (p.link + dir + n) % n
	p.revealLink()
}

// revealLink scrolls the answer to the first line naming the selected
// record, when it is out of view (a long name wraps: its start is looked
// for).
func (p *Ask) revealLink() {
	l, ok := p.SelectedLink()
	body := p.Body()
	if !ok || body == "" {
		return
	}
	name := []rune(Sanitize(l.Name))
	if len(name) > 12 {
		name = name[:12]
	}
	for i, line := range strings.Split(body, "\n") {
		if strings.Contains(ansi.Strip(line), string(name)) {
			if i < p.vp.YOffset() || i >= p.vp.YOffset()+p.vp.Height() {
				p.vp.SetYOffset(max(0, i-1))
			}
			return
		}
	}
}

// copy asks the root to copy the answer's markdown, or the result as TSV.
func (p *Ask) copy() tea.Cmd {
	switch {
	case p.result == nil:
		return nil
	case p.result.Table != nil:
		t := p.result.Table
		return requestCmd(CopyTextMsg{Text: t.TSV(), What: fmt.Sprintf("%d rows as TSV", len(t.Rows))})
	case p.result.Markdown != "":
		return requestCmd(CopyTextMsg{Text: p.result.Markdown, What: "the answer"})
	}
	return nil
}

// export asks the root to write the last SOQL result as CSV.
func (p *Ask) export() tea.Cmd {
	return requestCmd(AskExportMsg{Table: p.table})
}

// setResult shows the reply to the latest request and renders it.
func (p *Ask) setResult(msg AskResultMsg) tea.Cmd {
	if msg.Seq != p.seq {
		return nil // an older request answered late
	}
	r := msg.Result
	p.pending = ""
	p.result = &r
	p.resSeq = msg.Seq
	p.link = -1
	if len(r.Links) > 0 {
		p.link = 0
	}
	if r.Table != nil {
		p.table = r.Table
	}
	clear(p.renders)
	p.vp.GotoTop()
	return p.render()
}

// bodyWidth is the width answers are rendered at.
func (p *Ask) bodyWidth() int { return max(10, p.width) }

// render returns the command that renders the result at the current width
// and theme, or nil when that render is cached.
func (p *Ask) render() tea.Cmd {
	if p.result == nil || p.width <= 0 {
		return nil
	}
	k := renderKey{seq: p.resSeq, width: p.bodyWidth(), dark: p.dark()}
	if _, ok := p.renders[k]; ok {
		p.layout()
		return nil
	}
	r := *p.result
	md, st := p.md, p.ctx.Styles
	return func() tea.Msg {
		switch {
		case r.Err != nil:
			// Salesforce's SOQL errors point at the column on a line of
			// their own: keep the lines.
			lines := strings.Split("⚠ "+r.Err.Error(), "\n")
			for i, l := range lines {
				lines[i] = st.Error.Render(wrapPlain(Sanitize(l), k.width))
			}
			return askRenderedMsg{key: k, out: strings.Join(lines, "\n")}
		case r.Table != nil:
			return askRenderedMsg{key: k, out: renderTable(r.Table, k.width, st.Title.Render, st.Muted.Render)}
		}
		out, err := md.Render(r.Markdown, k.width-2, k.dark)
		return askRenderedMsg{key: k, out: strings.Trim(out, "\n"), err: err}
	}
}

// Rerender renders the result again for the current width and theme, once
// a burst of resizes settles (the root calls it after a resize or a theme
// change). Until then the previous rendering stays on screen.
func (p *Ask) Rerender() tea.Cmd {
	if p.result == nil {
		return nil
	}
	p.rerenderSeq++
	seq := p.rerenderSeq
	return tea.Tick(askDebounce/2, func(time.Time) tea.Msg { return askRerenderMsg{seq: seq} })
}

// header lines: title, input, suggestions; footer: the selected record.
func (p *Ask) chrome() (head []string, foot []string) {
	st := p.ctx.Styles
	w := p.width
	src := "cache"
	if p.live {
		src = "live org"
	}
	title := st.Title.Render("Ask") + st.Muted.Render(" · "+src+" · ")
	title += st.Muted.Render(fit("questions in plain words, or SELECT … (SOQL)", max(0, w-ansi.StringWidth(title))))
	head = append(head, fit(title, w))
	if p.editing {
		head = append(head, fit(p.input.View(), w))
	} else {
		v := p.input.Value()
		switch {
		case v == "" && p.pending != "":
			v = p.pending
		case v == "" && p.result != nil:
			v = p.result.Text
		}
		if v == "" {
			head = append(head, st.Muted.Render(fit("? press / to ask: how many open opportunities do I have — or SELECT …", w)))
		} else {
			head = append(head, st.Muted.Render(fit("? "+Sanitize(v), w)))
		}
	}
	for i, s := range p.suggestions {
		line := "  " + Sanitize(s)
		if i == p.sugSel {
			head = append(head, st.Selected.Render(fit("› "+Sanitize(s), w)))
			continue
		}
		head = append(head, st.Muted.Render(fit(line, w)))
	}
	head = append(head, "")
	if l, ok := p.SelectedLink(); ok {
		n := len(p.result.Links)
		foot = append(foot, st.Selected.Render(fit(fmt.Sprintf("→ %s · %s (%d/%d) — enter opens, ]/[ next/previous", kindName(l.Kind), Sanitize(l.Name), p.link+1, n), w)))
	}
	return head, foot
}

func kindName(k RecordKind) string {
	switch k {
	case AccountRecord:
		return "Account"
	case OpportunityRecord:
		return "Opportunity"
	case ContactRecord:
		return "Contact"
	case LeadRecord:
		return "Lead"
	}
	return "Record"
}

// layout sizes the viewport to what the chrome leaves and gives it the
// rendered body for the current width and theme.
func (p *Ask) layout() {
	if p.width <= 0 || p.height <= 0 {
		return
	}
	head, foot := p.chrome()
	p.vp.SetWidth(p.width)
	p.vp.SetHeight(max(1, p.height-len(head)-len(foot)))
	k := renderKey{seq: p.resSeq, width: p.bodyWidth(), dark: p.dark()}
	if k != p.shownAt {
		if body, ok := p.renders[k]; ok {
			off := p.vp.YOffset()
			p.vp.SetContent(body)
			if p.shownAt.seq == k.seq {
				p.vp.SetYOffset(off) // a resize keeps the place
			}
			p.shownAt = k
		}
	}
}

// View implements Pane.
func (p *Ask) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.ctx.Styles
	if !p.available {
		lines := []string{
			st.Title.Render("Ask"),
			"",
			st.Warn.Render(fit("Asking questions is not available yet.", p.width)),
			"",
			st.Muted.Render(fit("The question engine (questions answered from the cache, such as", p.width)),
			st.Muted.Render(fit("\"my open opportunities closing this quarter\") is still being built.", p.width)),
			st.Muted.Render(fit("Meanwhile: lazyforce query \"SELECT …\" runs SOQL on the cache.", p.width)),
		}
		return padLines(strings.Join(lines, "\n"), p.width, p.height)
	}
	head, foot := p.chrome()
	body := ""
	switch {
	case p.pending != "":
		body = st.Muted.Render(fit("answering "+Sanitize(p.pending)+" …", p.width))
	case p.result == nil:
		body = st.Muted.Render(wrapPlain("Ask about your book of business: \"my pipeline by stage\", \"win rate last quarter\", \"what do you know about Acme\". Answers come from the cache, exactly, with the SOQL that produced them. Input that starts with SELECT runs as SOQL; ctrl+l asks the live org instead.", p.width))
	case p.Body() == "":
		body = st.Muted.Render("rendering…")
	default:
		body = p.vp.View()
	}
	bodyH := max(1, p.height-len(head)-len(foot))
	out := strings.Join(head, "\n") + "\n" + padLines(body, p.width, bodyH)
	if len(foot) > 0 {
		out += "\n" + strings.Join(foot, "\n")
	}
	return padLines(out, p.width, p.height)
}

// wrapPlain wraps plain text at w cells.
func wrapPlain(s string, w int) string { return ansi.Wrap(s, max(1, w), "") }

// renderTable lays a SOQL result out in aligned columns (header styled),
// at most maxTableRows rows, each cut to width.
func renderTable(t *AskTable, width int, head, muted func(...string) string) string {
	rows := t.Rows
	more := 0
	if len(rows) > maxTableRows {
		more = len(rows) - maxTableRows
		rows = rows[:maxTableRows]
	}
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = ansi.StringWidth(c)
	}
	clean := make([][]string, len(rows))
	for r, row := range rows {
		clean[r] = make([]string, len(row))
		for i, c := range row {
			c = Sanitize(c)
			if ansi.StringWidth(c) > 40 {
				c = ansi.Truncate(c, 40, "…")
			}
			clean[r][i] = c
			if i < len(widths) {
				widths[i] = max(widths[i], ansi.StringWidth(c))
			}
		}
	}
	line := func(cells []string) string {
		var b strings.Builder
		for i, c := range cells {
			b.WriteString(c)
			if i < len(cells)-1 && i < len(widths) {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		return ansi.Truncate(b.String(), width, "…")
	}
	var out []string
	if len(t.Columns) > 0 {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = Sanitize(c)
		}
		out = append(out, head(line(cols)))
	}
	for _, r := range clean {
		out = append(out, line(r))
	}
	summary := fmt.Sprintf("%d row%s", t.Total, plural(t.Total))
	if len(t.Rows) == 0 && t.Total > 0 {
		summary = fmt.Sprintf("%d record%s counted", t.Total, plural(t.Total))
	}
	if more > 0 {
		summary += fmt.Sprintf(" · showing the first %d (y copies and ctrl+e exports all)", maxTableRows)
	}
	src := "cache"
	if t.Source == "live" {
		src = "live org"
	}
	out = append(out, "", muted(ansi.Truncate(summary+" · from the "+src, width, "…")))
	out = append(out, muted(ansi.Truncate(Sanitize(t.SOQL), width, "…")))
	return strings.Join(out, "\n")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ShortHelp implements help.KeyMap.
func (p *Ask) ShortHelp() []key.Binding {
	if !p.available {
		return nil
	}
	if p.editing {
		k := &p.ctx.Keys.AskInput
		return []key.Binding{k.Submit, k.Complete, k.HistPrev, k.Live, k.Cancel}
	}
	k := &p.ctx.Keys.Ask
	out := []key.Binding{k.Edit}
	if p.result != nil && len(p.result.Links) > 0 {
		out = append(out, k.NextLink, k.Open)
	}
	if p.result != nil {
		out = append(out, k.Copy)
	}
	if p.table != nil {
		out = append(out, k.Export)
	}
	return append(out, k.Live)
}

// FullHelp implements help.KeyMap.
func (p *Ask) FullHelp() [][]key.Binding {
	if !p.available {
		return nil
	}
	if p.editing {
		k := &p.ctx.Keys.AskInput
		return [][]key.Binding{{k.Submit, k.Cancel, k.HistPrev, k.HistNext}, {k.Complete, k.NextSugg, k.PrevSugg}, {k.Live, k.Export}}
	}
	k := &p.ctx.Keys.Ask
	return [][]key.Binding{{k.Edit, k.Up, k.Down, k.PageDown, k.PageUp, k.Top, k.Bottom}, {k.NextLink, k.PrevLink, k.Open}, {k.Copy, k.Export, k.Live}}
}
