package ask

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
)

// suffixes are company-name words a rep may leave out.
var suffixes = wordSet(`inc co corp corporation llc ltd limited group holdings gmbh plc sa ag and the company`)

func (e *Engine) loadNames(ctx context.Context) error {
	if e.accounts == nil {
		rows, err := e.support(ctx, "SELECT Id, Name FROM Account")
		if err != nil {
			return err
		}
		e.accounts = make([]named, 0, len(rows))
		e.accountNames = make(map[string]string, len(rows))
		for _, r := range rows {
			a := namedOf(r)
			e.accounts = append(e.accounts, a)
			e.accountNames[a.ID] = a.Name
		}
	}
	if e.users == nil {
		rows, err := e.support(ctx, "SELECT Id, Name FROM User")
		if err != nil {
			return err
		}
		e.users = make([]named, 0, len(rows))
		for _, r := range rows {
			e.users = append(e.users, namedOf(r))
		}
	}
	return nil
}

func namedOf(r rowLike) named {
	n := named{ID: str(r, "Id"), Name: str(r, "Name")}
	n.norm = normalise(n.Name)
	return n
}

// resolveNames finds an owner and an account named in the question among
// the words not used by the time expression.
func (e *Engine) resolveNames(ctx context.Context, q *question, used []bool) error {
	if q.intent == intentUnknown || q.intent == intentWrite {
		return nil
	}
	if err := e.loadNames(ctx); err != nil {
		return err
	}
	// An open stage by its full name, or its first word when distinctive.
	e.loadStages(ctx)
	for _, st := range e.stages {
		if st.Closed {
			continue
		}
		norm := normalise(st.Name)
		for i := range q.words {
			if i+len(norm) <= len(q.words) && slices.Equal(q.words[i:i+len(norm)], norm) {
				q.stage = st.Name
				for k := i; k < i+len(norm); k++ {
					used[k] = true
				}
				break
			}
			if len(norm[0]) >= 8 && q.words[i] == norm[0] && !vocabulary[norm[0]] {
				q.stage = st.Name
				used[i] = true
				break
			}
		}
		if q.stage != "" {
			break
		}
	}
	// A billing country by its full name (states and industries: below).
	if err := e.loadPlaces(ctx); err != nil {
		return err
	}
	for _, p := range e.places {
		for i := range q.words {
			if i+len(p.norm) <= len(q.words) && slices.Equal(q.words[i:i+len(p.norm)], p.norm) && !slices.Contains(used[i:i+len(p.norm)], true) {
				q.place = &p
				for k := i; k < i+len(p.norm); k++ {
					used[k] = true
				}
				break
			}
		}
		if q.place != nil {
			break
		}
	}
	// Owners by first, last or full name.
	for i, w := range q.words {
		if used[i] || vocabulary[w] || len(w) < 3 {
			continue
		}
		for k := range e.users {
			u := &e.users[k]
			for _, part := range u.norm {
				if part == w {
					q.owner = u
					used[i] = true
					// the rest of the full name
					if i+1 < len(q.words) && slices.Contains(u.norm, q.words[i+1]) {
						used[i+1] = true
					}
					break
				}
			}
			if q.owner != nil {
				break
			}
		}
		if q.owner != nil {
			break
		}
	}
	if q.owner != nil && q.owner.ID == e.me {
		q.mine, q.owner = true, nil
	}
	// Runs of words that may be a name.
	type run struct{ from, to int }
	var runs []run
	for i := 0; i < len(q.words); {
		if used[i] || !nameWord(q.words[i]) {
			i++
			continue
		}
		j := i
		for j < len(q.words) && !used[j] && (nameWord(q.words[j]) || (suffixes[q.words[j]] && j > i)) {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	var best []named
	bestScore, bestLen := 0.0, 0
	var bestPhrase string
	var unresolved []string
	for _, r := range runs {
		// A run that is exactly an industry or a billing state ("pipeline
		// in retail") names it; such words inside a longer run ("Acme
		// Media") are part of an account's name.
		if q.place == nil {
			if ind := e.industry(q.words[r.from:r.to]); ind != nil {
				q.place = ind
				continue
			}
		}
		// The best sub-span of the run; its other name words are unresolved.
		var runBest []named
		runScore, runFrom, runTo := 0.0, 0, 0
		for from := r.from; from < r.to; from++ {
			if !nameWord(q.words[from]) {
				continue
			}
			for to := r.to; to > from; to-- {
				s, matches := e.matchAccounts(q.words[from:to])
				if len(matches) == 0 {
					continue
				}
				if s > runScore+1e-9 || (s > runScore-1e-9 && to-from > runTo-runFrom) {
					runBest, runScore, runFrom, runTo = matches, s, from, to
				}
			}
		}
		var left []string
		for i := r.from; i < r.to; i++ {
			if (runBest == nil || i < runFrom || i >= runTo) && nameWord(q.words[i]) {
				left = append(left, q.words[i])
			}
		}
		if len(left) > 0 {
			unresolved = append(unresolved, strings.Join(left, " "))
		}
		if runBest != nil && (runScore > bestScore+1e-9 || (runScore > bestScore-1e-9 && runTo-runFrom > bestLen)) {
			best, bestScore, bestLen = runBest, runScore, runTo-runFrom
			bestPhrase = strings.Join(q.words[runFrom:runTo], " ")
		}
	}
	if len(best) > 0 {
		slices.SortFunc(best, func(a, b named) int {
			return cmp.Or(cmp.Compare(len(a.norm), len(b.norm)), cmp.Compare(len(a.Name), len(b.Name)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
		q.account = &best[0]
		q.others = best[1:]
		q.phrase = bestPhrase
	}
	if len(unresolved) > 0 {
		q.unresolved = strings.Join(unresolved, ", ")
	}
	return nil
}

// nameWord reports whether w may be part of an account name.
func nameWord(w string) bool {
	if vocabulary[w] || suffixes[w] {
		return false
	}
	if _, ok := monthNames[w]; ok {
		return false
	}
	if _, err := strconv.Atoi(w); err == nil {
		return false
	}
	return len(w) > 1
}

// matchAccounts scores phrase against every account name and returns the
// best score and the accounts that share it.
func (e *Engine) matchAccounts(phrase []string) (float64, []named) {
	best := 0.0
	var out []named
	for _, a := range e.accounts {
		s := nameScore(phrase, a.norm)
		if s <= 0 {
			continue
		}
		switch {
		case s > best+1e-9:
			best, out = s, []named{a}
		case s > best-1e-9:
			out = append(out, a)
		}
	}
	return best, out
}

// nameScore is how well phrase names an account called name (0: not at
// all). Every phrase word must match a name word, in order: exactly, as a
// prefix (3+ letters) or with a small typo. The score rewards exact words
// and covering the whole name (company suffixes aside).
func nameScore(phrase, name []string) float64 {
	if len(phrase) == 0 || len(name) == 0 {
		return 0
	}
	if slices.Equal(phrase, name) {
		return 2
	}
	// People type a name from its start: the first word must match the
	// name's first word ("the" aside), which keeps a stray word
	// ("coverage") from matching the middle of a name ("Beverage").
	first := name[0]
	if first == "the" && len(name) > 1 {
		first = name[1]
	}
	if wordMatch(phrase[0], first) == 0 {
		return 0
	}
	quality, j, matched, optional := 0.0, 0, 0, 0
	for _, p := range phrase {
		found := false
		j0, q0 := j, quality
		for ; j < len(name); j++ {
			n := name[j]
			q := wordMatch(p, n)
			if q > 0 {
				quality += q
				matched++
				j++
				found = true
				break
			}
			if !suffixes[n] && matched > 0 {
				// a skipped required word inside the phrase
				quality -= 0.2
			}
		}
		if !found {
			if suffixes[p] {
				// "and", "inc", ... the name may spell differently
				j, quality = j0, q0
				optional++
				continue
			}
			return 0
		}
	}
	if matched == 0 {
		return 0
	}
	required := 0
	for _, n := range name {
		if !suffixes[n] {
			required++
		}
	}
	coverage := float64(matched) / float64(max(1, required))
	return quality/float64(len(phrase)-optional)*0.6 + min(1, coverage)*0.4
}

// osa is the optimal string alignment distance (Levenshtein with
// transpositions).
func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// place is a billing country or state, or an industry, of the cached
// accounts.
type place struct {
	field string // the Account field: "BillingCountry", "BillingState" or "Industry"
	value string
	norm  []string
}

// loadPlaces reads the billing countries and states once (longest names
// first, so "United States" wins over a state called "States").
func (e *Engine) loadPlaces(ctx context.Context) error {
	if e.places != nil {
		return nil
	}
	e.places = []place{}
	for _, field := range []string{"BillingCountry", "BillingState", "Industry"} {
		rows, err := e.support(ctx, "SELECT "+field+" v, COUNT(Id) n FROM Account GROUP BY "+field)
		if err != nil {
			return err
		}
		for _, r := range rows {
			v := str(r, "v")
			norm := normalise(v)
			// Two-letter codes ("OR", "IN") are words too: full names only.
			if len(v) <= 2 || len(norm) == 0 {
				continue
			}
			if field != "BillingCountry" {
				e.industries = append(e.industries, place{field: field, value: v, norm: norm})
				continue
			}
			e.places = append(e.places, place{field: field, value: v, norm: norm})
		}
	}
	slices.SortStableFunc(e.places, func(a, b place) int { return cmp.Compare(len(b.norm), len(a.norm)) })
	return nil
}

// industry is the industry or billing state named exactly words, if any.
func (e *Engine) industry(words []string) *place {
	for i := range e.industries {
		if slices.Equal(e.industries[i].norm, words) {
			return &e.industries[i]
		}
	}
	return nil
}

// wordMatch is how well a typed word p matches a name word n: exactly (1),
// as a prefix of 3+ letters (0.85), or with a small typo that keeps the
// first letter (one edit from 4 letters: 0.8, two from 8: 0.7); 0 if not.
func wordMatch(p, n string) float64 {
	switch {
	case p == n:
		return 1
	case len(p) >= 3 && strings.HasPrefix(n, p):
		return 0.85
	case p[0] != n[0]:
		return 0
	case len(p) >= 4 && len(n) >= 4 && osa(p, n) <= 1:
		return 0.8
	case len(p) >= 8 && osa(p, n) <= 2:
		return 0.7
	}
	return 0
}
