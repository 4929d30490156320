package views

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/lazyforce/lazyforce/keymap"
	"github.com/lazyforce/lazyforce/ui/theme"
)

// FilterDebounce is how long typing must pause before a fuzzy search runs.
// Searching 100k names costs tens of milliseconds, so it runs in a command,
// after the debounce, and only over the previous matches when the query
// grows (fuzzy matches of "abc" are a subset of those of "ab").
const FilterDebounce = 60 * time.Millisecond

// filterTickMsg ends a debounce period; seq drops ticks of older keystrokes.
type filterTickMsg struct {
	pane PaneID
	seq  int
}

// filterDoneMsg carries the result of a fuzzy search.
type filterDoneMsg struct {
	pane    PaneID
	seq     int
	query   string
	matches []int // indexes into the searched keys, best match first
}

// subset is a fuzzy.Source over some of the keys.
type subset struct {
	keys []string
	ids  []int // nil means all keys
}

func (s subset) String(i int) string {
	if s.ids == nil {
		return s.keys[i]
	}
	return s.keys[s.ids[i]]
}

func (s subset) Len() int {
	if s.ids == nil {
		return len(s.keys)
	}
	return len(s.ids)
}

// fuzzySearch returns the indexes of keys matching query. Ranked, it uses
// github.com/sahilm/fuzzy and returns the best matches first. Unranked (a
// table keeps its own sort order, so scores are not needed) it expects
// lower-cased keys and runs a plain case-insensitive subsequence match,
// the same matches without the scoring, about 20× faster at 100k rows.
// When candidates is not nil only those are searched.
func fuzzySearch(keys []string, candidates []int, query string, ranked bool) []int {
	if !ranked {
		return subsequenceSearch(keys, candidates, strings.ToLower(query))
	}
	src := subset{keys: keys, ids: candidates}
	found := fuzzy.FindFrom(query, src)
	out := make([]int, len(found))
	for i, m := range found {
		if candidates == nil {
			out[i] = m.Index
		} else {
			out[i] = candidates[m.Index]
		}
	}
	return out
}

// subsequenceSearch returns the indexes of the lower-cased keys that contain
// the runes of query in order.
func subsequenceSearch(lower []string, candidates []int, query string) []int {
	q := []rune(query)
	match := func(s string) bool {
		i := 0
		for _, r := range s {
			if r == q[i] {
				i++
				if i == len(q) {
					return true
				}
			}
		}
		return false
	}
	var out []int
	if len(q) == 0 {
		return out
	}
	if candidates != nil {
		for _, c := range candidates {
			if match(lower[c]) {
				out = append(out, c)
			}
		}
		return out
	}
	for i, s := range lower {
		if match(s) {
			out = append(out, i)
		}
	}
	return out
}

// filter is the type-to-filter state shared by the list panes.
type filter struct {
	pane    PaneID
	input   textinput.Model
	editing bool   // the input has the keys
	query   string // the query whose result is applied
	matches []int  // result of query; nil when there is no filter
	seq     int
	ranked  bool // results best first (a list) or in key order (a sorted table)
}

func newFilter(pane PaneID, ranked bool) filter {
	return filter{pane: pane, input: NewInput("/", "type to filter", true), ranked: ranked}
}

// inputStyles are the text input styles for the theme, with a steady
// cursor: a blinking one would keep the event loop and goldens busy.
func inputStyles(dark bool) textinput.Styles {
	s := textinput.DefaultStyles(dark)
	s.Cursor.Blink = false
	return s
}

// NewInput returns a one-line text input with a steady cursor.
func NewInput(prompt, placeholder string, dark bool) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = InputLimit
	in.SetStyles(inputStyles(dark))
	return in
}

// start gives the filter input the keys.
func (f *filter) start(dark bool) tea.Cmd {
	f.editing = true
	f.input.SetStyles(inputStyles(dark))
	f.input.SetValue(f.query)
	f.input.CursorEnd()
	return f.input.Focus()
}

// accept keeps the current filter and returns the keys to the pane.
func (f *filter) accept() {
	f.editing = false
	f.input.Blur()
}

// clear removes the filter.
func (f *filter) clear() {
	f.editing = false
	f.input.Blur()
	f.input.SetValue("")
	f.query = ""
	f.matches = nil
	f.seq++
}

// active reports whether a filter is applied.
func (f *filter) active() bool { return f.query != "" }

// typed passes a key or a paste, cleaned by CleanInput, to the input and,
// when the text changed, starts the debounce: a paste searches once. It
// reports whether the query was cleared (so the pane can refresh at once).
func (f *filter) typed(msg tea.Msg) (tea.Cmd, bool) {
	msg, ok := CleanInput(msg)
	if !ok {
		return nil, false
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	after := f.input.Value()
	if after == before {
		return cmd, false
	}
	f.seq++
	if strings.TrimSpace(after) == "" {
		f.query = ""
		f.matches = nil
		return cmd, true
	}
	seq, pane := f.seq, f.pane
	tick := tea.Tick(FilterDebounce, func(time.Time) tea.Msg { return filterTickMsg{pane: pane, seq: seq} })
	return tea.Batch(cmd, tick), false
}

// search returns the command that runs the fuzzy search for the input's
// current text over keys, or nil when the tick is stale. With narrow, a
// query that extends the applied one only searches its matches; pass false
// when keys is not the slice the matches index.
func (f *filter) search(msg filterTickMsg, keys []string, narrow bool) tea.Cmd {
	if msg.seq != f.seq {
		return nil
	}
	query := strings.TrimSpace(f.input.Value())
	var candidates []int
	if narrow && f.query != "" && f.matches != nil && strings.HasPrefix(query, f.query) {
		candidates = f.matches
	}
	seq, pane, ranked := f.seq, f.pane, f.ranked
	return func() tea.Msg {
		return filterDoneMsg{pane: pane, seq: seq, query: query, matches: fuzzySearch(keys, candidates, query, ranked)}
	}
}

// research returns the command that runs the applied query again over new
// keys (after the data changed), or nil when no filter is applied.
func (f *filter) research(keys []string) tea.Cmd {
	if !f.active() {
		return nil
	}
	f.seq++
	seq, pane, query, ranked := f.seq, f.pane, f.query, f.ranked
	return func() tea.Msg {
		return filterDoneMsg{pane: pane, seq: seq, query: query, matches: fuzzySearch(keys, nil, query, ranked)}
	}
}

// done applies a search result; it reports false for a stale one.
func (f *filter) done(msg filterDoneMsg) bool {
	if msg.seq != f.seq {
		return false
	}
	f.query = msg.query
	f.matches = msg.matches
	return true
}

// line renders the filter's line above the list: the input while
// editing, else the applied query; ok is false when there is no filter.
func (f *filter) line(st *theme.Styles) (line string, ok bool) {
	switch {
	case f.editing:
		return f.input.View(), true
	case f.active():
		return st.Prompt.Render("/") + Sanitize(f.query) + st.Muted.Render("  (esc clears)"), true
	}
	return "", false
}

// filterList is the list pane a filter narrows. Data that arrives while
// a filter is applied waits, off screen, for the filter's result over it
// (see Accounts.SetData).
type filterList interface {
	// searchKeys returns the keys of the waiting data (waiting true), or
	// of the data shown when none waits.
	searchKeys() (keys []string, waiting bool)
	// filtered shows a new result: the waiting data, if any, else the
	// new matches from the top.
	filtered()
	// clearFilter removes the filter (with filter.clear) and shows the
	// rows without it, installing the waiting data, if any.
	clearFilter()
}

// update handles the filter's messages for l and, while the input is
// editing, every key; ok reports that msg was the filter's to handle.
func (f *filter) update(msg tea.Msg, l filterList, k *keymap.Prompt) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case filterTickMsg:
		if msg.pane != f.pane {
			return nil, true
		}
		// Matches index the data shown: narrow only a search of it.
		keys, waiting := l.searchKeys()
		return f.search(msg, keys, !waiting), true
	case filterDoneMsg:
		if msg.pane == f.pane && f.done(msg) {
			l.filtered()
		}
		return nil, true
	case tea.KeyPressMsg:
		if !f.editing {
			return nil, false
		}
		switch {
		case key.Matches(msg, k.Cancel):
			l.clearFilter()
		case key.Matches(msg, k.Submit):
			f.accept()
		default:
			cmd, cleared := f.typed(msg)
			if cleared {
				l.clearFilter()
				f.editing = true
				f.input.Focus()
			}
			return cmd, true
		}
		return nil, true
	case tea.PasteMsg:
		if !f.editing {
			return nil, false
		}
		cmd, cleared := f.typed(msg)
		if cleared {
			l.clearFilter()
			f.editing = true
			f.input.Focus()
		}
		return cmd, true
	}
	return nil, false
}

// scroll returns the first visible row so that the cursor stays within a
// window of height rows starting near offset.
func scroll(cursor, offset, height, n int) int {
	if height <= 0 || n == 0 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+height {
		offset = cursor - height + 1
	}
	if offset > n-height {
		offset = max(0, n-height)
	}
	return offset
}
