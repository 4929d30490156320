package views

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

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

// filterDoneMsg carries the result of a search.
type filterDoneMsg struct {
	pane    PaneID
	seq     int
	query   string
	matches []int       // indexes into the searched keys, best match first
	rel     []relevance // rel[i]: how key i matches; noMatch when it does not
}

// relevance is how well a search key matches a query, best first. Every
// filterable list ranks its matches with it (rankKey), so a query finds
// the same records in the same order of relevance everywhere.
type relevance uint8

const (
	// relWord: every word of the query is a word of the key.
	relWord relevance = iota
	// relPrefix: every word of the query starts a word of the key.
	relPrefix
	// relSubstring: the key contains every word of the query.
	relSubstring
	// relFuzzy: the key contains the runes of every word of the query, in
	// order, with gaps.
	relFuzzy
	// noMatch: some word of the query is not in the key at all.
	noMatch
)

// queryWords splits a query into the lower-cased words rankKey expects.
func queryWords(query string) []string { return strings.Fields(strings.ToLower(query)) }

// rankKey returns how well key, lower-cased, matches the lower-cased
// query words: as well as its worst-matching word.
func rankKey(key string, words []string) relevance {
	worst := relWord
	for _, w := range words {
		r := rankWord(key, w)
		if r == noMatch {
			return noMatch
		}
		worst = max(worst, r)
	}
	return worst
}

// rankWord returns how well key contains the query word w: it looks at
// every place w occurs until one is a whole word.
func rankWord(key, w string) relevance {
	best := noMatch
	for off := 0; off <= len(key); {
		i := strings.Index(key[off:], w)
		if i < 0 {
			break
		}
		i += off
		end := i + len(w)
		startsWord := i == 0 || !isWordRune(lastRune(key[:i]))
		endsWord := end == len(key) || !isWordRune(firstRune(key[end:]))
		switch {
		case startsWord && endsWord:
			return relWord
		case startsWord:
			best = relPrefix
		case best == noMatch:
			best = relSubstring
		}
		off = i + 1
	}
	if best == noMatch && isSubsequence(key, w) {
		best = relFuzzy
	}
	return best
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func lastRune(s string) rune {
	if n := len(s); n > 0 && s[n-1] < utf8.RuneSelf {
		return rune(s[n-1])
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	if len(s) > 0 && s[0] < utf8.RuneSelf {
		return rune(s[0])
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// isSubsequence reports whether s contains the runes of w in order.
func isSubsequence(s, w string) bool {
	for _, r := range s {
		if w == "" {
			return true
		}
		if q, n := utf8.DecodeRuneInString(w); r == q {
			w = w[n:]
		}
	}
	return w == ""
}

// rankSearch ranks the lower-cased keys against query: matches lists the
// matching keys' indexes, best first and in index order within equal
// relevance; rel holds every key's relevance. When candidates is not nil
// only those are searched (a query that extends the previous one matches
// a subset of its matches).
func rankSearch(keys []string, candidates []int, query string) (matches []int, rel []relevance) {
	words := queryWords(query)
	rel = make([]relevance, len(keys))
	var count [noMatch]int
	if len(words) == 0 {
		for i := range rel {
			rel[i] = noMatch
		}
		return []int{}, rel
	}
	if candidates == nil {
		for i, k := range keys {
			rel[i] = rankKey(k, words)
			if rel[i] < noMatch {
				count[rel[i]]++
			}
		}
	} else {
		for i := range rel {
			rel[i] = noMatch
		}
		for _, i := range candidates {
			rel[i] = rankKey(keys[i], words)
			if rel[i] < noMatch {
				count[rel[i]]++
			}
		}
	}
	// A counting sort by relevance, stable in index order.
	var next [noMatch]int
	total := 0
	for r, n := range count {
		next[r] = total
		total += n
	}
	matches = make([]int, total)
	for i, r := range rel {
		if r < noMatch {
			matches[next[r]] = i
			next[r]++
		}
	}
	return matches, rel
}

// rank returns the rows of order (walked backwards with desc) that keep
// accepts; with a filter applied only its matches, the most relevant
// first and in the list's order within equal relevance, so that a query
// leads with the records it names, not with the first in the sort order.
func (f *filter) rank(order []int, desc bool, keep func(i int) bool) []int {
	rows := make([]int, 0, len(order))
	if !f.active() {
		for j := range order {
			if desc {
				j = len(order) - 1 - j
			}
			if keep == nil || keep(order[j]) {
				rows = append(rows, order[j])
			}
		}
		return rows
	}
	var buckets [noMatch][]int
	for j := range order {
		if desc {
			j = len(order) - 1 - j
		}
		i := order[j]
		if i >= len(f.rel) {
			continue // rel is of other data: its own result is on its way
		}
		if r := f.rel[i]; r < noMatch && (keep == nil || keep(i)) {
			buckets[r] = append(buckets[r], i)
		}
	}
	for _, b := range buckets {
		rows = append(rows, b...)
	}
	return rows
}

// filter is the type-to-filter state shared by the list panes.
type filter struct {
	pane    PaneID
	input   textinput.Model
	editing bool        // the input has the keys
	query   string      // the query whose result is applied
	matches []int       // result of query, best first; nil when there is no filter
	rel     []relevance // every key's relevance to query (see rankSearch)
	seq     int
}

func newFilter(pane PaneID) filter {
	return filter{pane: pane, input: NewInput("/", "type to filter", true)}
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
	f.matches, f.rel = nil, nil
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
		f.matches, f.rel = nil, nil
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
	seq, pane := f.seq, f.pane
	return func() tea.Msg {
		matches, rel := rankSearch(keys, candidates, query)
		return filterDoneMsg{pane: pane, seq: seq, query: query, matches: matches, rel: rel}
	}
}

// research returns the command that runs the applied query again over new
// keys (after the data changed), or nil when no filter is applied.
func (f *filter) research(keys []string) tea.Cmd {
	if !f.active() {
		return nil
	}
	f.seq++
	seq, pane, query := f.seq, f.pane, f.query
	return func() tea.Msg {
		matches, rel := rankSearch(keys, nil, query)
		return filterDoneMsg{pane: pane, seq: seq, query: query, matches: matches, rel: rel}
	}
}

// done applies a search result; it reports false for a stale one.
func (f *filter) done(msg filterDoneMsg) bool {
	if msg.seq != f.seq {
		return false
	}
	f.query = msg.query
	f.matches, f.rel = msg.matches, msg.rel
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
	case tea.KeyPressMsg, tea.PasteMsg:
		if !f.editing {
			return nil, false
		}
		if kp, isKey := msg.(tea.KeyPressMsg); isKey {
			switch {
			case key.Matches(kp, k.Cancel):
				l.clearFilter()
				return nil, true
			case key.Matches(kp, k.Submit):
				f.accept()
				return nil, true
			}
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
