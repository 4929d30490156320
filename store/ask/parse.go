package ask

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// intent is what kind of answer a question asks for.
type intent int

const (
	intentUnknown  intent = iota
	intentMetric          // a sum, average, count or rate, maybe grouped
	intentRank            // top N records or groups
	intentOverview        // what we know about an account
	intentActivity        // latest activity on an account
	intentContacts        // main contacts of an account (or of every account)
	intentRecent          // recently created or modified records
	intentClosing         // deals closing in a period
	intentOverdue         // overdue tasks
	intentStale           // open deals not touched for a while
	intentOrganise        // my opportunities by stage with key contacts
	intentList            // list records matching filters
	intentWrite           // asks to change something: refused
)

// metric is the number a metric or ranking computes.
type metric int

const (
	metricSum metric = iota
	metricAvg
	metricCount
	metricRate
)

// question is a parsed question.
type question struct {
	raw    string
	words  []string // normalised tokens
	text   string   // " " + words joined + " "
	intent intent
	metric metric
	object string // "Opportunity", "Account", "Contact", "Lead", "Task", "Event"
	status string // opportunities: "", "open", "won", "lost", "closed"
	stage  string // an open stage named in the question
	mine   bool
	owner  *named // an owner named in the question
	group  string // "", "stage", "owner", "country", "state", "industry", "type", "account", "source"
	place  *place // a billing country or state named in the question
	// opportunities: an amount bound ("over 100k") and the date field a
	// period filters ("CloseDate", or "CreatedDate" for "created")
	amountOp  string
	amount    float64
	dateField string
	rng       *DateRange
	n         int  // top N (0: default)
	days      int  // stale: days without a change
	every     bool // contacts: of every account
	// account resolution
	account     *named
	others      []named // other accounts that matched as well
	phrase      string  // the words that named the account
	unresolved  string  // words that look like a name but match nothing
	unsupported string  // a measure the engine does not compute
}

// normalise lowercases s, folds accents, drops apostrophes and possessive
// 's, and splits it into tokens of letters and digits (dates keep - and /).
func normalise(s string) []string {
	s = strings.ToLower(s)
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\'' || r == '’' || r == '`' {
			// possessive 's at a word end is dropped with the apostrophe
			if i+1 < len(rs) && rs[i+1] == 's' && (i+2 == len(rs) || !isWordRune(rs[i+2])) {
				i++
			}
			continue
		}
		if f, ok := fold[r]; ok {
			b.WriteString(f)
			continue
		}
		if r == ',' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) {
			continue // 100,000
		}
		if isWordRune(r) || ((r == '-' || r == '/' || r == '.') && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1])) {
			b.WriteRune(r)
			continue
		}
		if r == '%' {
			b.WriteString(" percent ")
			continue
		}
		b.WriteByte(' ')
	}
	return strings.Fields(b.String())
}

func isWordRune(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'œ': "oe",
}

// has reports whether the question contains any of the phrases (whole words).
func (q *question) has(phrases ...string) bool {
	for _, p := range phrases {
		if strings.Contains(q.text, " "+p+" ") {
			return true
		}
	}
	return false
}

// hasWord reports whether a word of the question is in set.
func (q *question) hasWord(set map[string]bool) bool {
	return slices.ContainsFunc(q.words, func(w string) bool { return set[w] })
}

// hasPrefix reports whether a word of the question starts with any prefix.
func (q *question) hasPrefix(prefixes ...string) bool {
	for _, w := range q.words {
		for _, p := range prefixes {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
	}
	return false
}

// parse reads a question.
func (e *Engine) parse(ctx context.Context, raw string) (*question, error) {
	q := &question{raw: raw, words: normalise(raw)}
	q.text = " " + strings.Join(q.words, " ") + " "
	if len(q.words) == 0 {
		return q, nil
	}
	// Time first: its words are not names.
	used := make([]bool, len(q.words))
	if r, from, to := e.parseTime(q.words); r != nil {
		q.rng = r
		for i := from; i < to; i++ {
			used[i] = true
		}
	}
	if q.has("my team", "our team", "the team", "whole team", "my reps", "my org") {
		q.text = strings.Replace(q.text, " my team ", " team ", 1)
	}
	q.mine = q.has("my", "i", "mine", "im", "ive", "myself", "me") &&
		!(q.has("me") && !q.has("my", "i", "mine", "im", "ive", "myself") &&
			q.has("show me", "tell me", "give me", "get me", "find me", "list me", "let me", "help me", "remind me"))
	q.object = objectOf(q)
	q.status = statusOf(q)
	q.group = groupOf(q)
	q.intent, q.metric = intentOf(q)
	if q.intent == intentRank || q.intent == intentRecent {
		for i, w := range q.words {
			if n, err := strconv.Atoi(w); err == nil && n > 0 && n <= 100 && !used[i] {
				q.n = n
				used[i] = true
				break
			}
		}
	}
	if q.intent == intentStale {
		for i, w := range q.words {
			if n, err := strconv.Atoi(w); err == nil && n > 0 && n < 1000 && !used[i] && i+1 < len(q.words) && strings.HasPrefix(q.words[i+1], "day") {
				q.days = n
				used[i] = true
			}
		}
	}
	e.parseAmount(q, used)
	if q.intent == intentStale {
		for i, w := range q.words {
			if (w == "days" || w == "day") && i > 0 && used[i-1] {
				used[i] = true
			}
		}
	}
	// Measures the engine does not compute: answering with an amount or a
	// count instead would be a confident wrong number.
	switch q.intent {
	case intentMetric, intentRank, intentList, intentClosing:
		for i, w := range q.words {
			if unsupported[w] && !used[i] {
				q.unsupported = "I can't compute “" + w + "” yet."
			}
		}
		if q.has("by week", "per week", "weekly", "over time", "trend", "by day", "per day", "daily") {
			q.unsupported = "I can't break answers down by week, by day or over time yet."
		}
		for i, w := range q.words {
			if negations[w] && !used[i] && !q.has("not converted", "not done", "not completed", "not started", "no of") {
				q.unsupported = "I don't handle negations (“" + w + "”) yet."
			}
		}
		if q.has("expected revenue", "expected amount", "expected value") {
			q.unsupported = "I can't compute expected revenue yet."
		}
		if q.amountOp != "" && q.object != "Opportunity" {
			q.unsupported = "Amount bounds apply to opportunities only."
		}
	}
	for i, w := range q.words {
		if _, ok := parseNumber(w); ok && !used[i] && q.intent != intentUnknown && q.intent != intentWrite {
			// A number we did not understand changes the question: never
			// answer as if it were not there.
			q.unresolved = strings.TrimSpace(q.unresolved + " " + w)
		}
	}
	q.dateField = "CloseDate"
	switch {
	case q.has("created", "opened", "added") || (q.has("new") && !q.has("close", "closing", "closes", "closed", "won", "lost")):
		q.dateField = "CreatedDate"
	case q.has("modified", "updated", "changed", "edited"):
		q.dateField = "LastModifiedDate"
	}
	if q.intent == intentContacts && q.has("every account", "all accounts", "each account", "all my accounts", "every customer", "each customer", "my accounts", "all customers") {
		q.every = true
	}
	if (q.intent == intentMetric || q.intent == intentRank) && q.status == "" && q.has("closing", "close", "closes", "due to close") {
		q.status = "open"
	}
	if q.intent == intentUnknown {
		// A question that is only an account's name asks about the account.
		q.intent = intentOverview
		if err := e.resolveNames(ctx, q, used); err != nil {
			return nil, err
		}
		if q.account == nil || q.unresolved != "" || q.owner != nil || q.place != nil || q.stage != "" || q.rng != nil {
			q.intent, q.account, q.others, q.unresolved, q.owner, q.place, q.stage = intentUnknown, nil, nil, "", nil, nil, ""
		}
		return q, nil
	}
	if err := e.resolveNames(ctx, q, used); err != nil {
		return nil, err
	}
	return q, nil
}

// opportunityWords name opportunities in a question, misspellings
// included.
var opportunityWords = wordSet(`opportunity opportunities opp opps deal deals oppty oppties oportunities opportunites oppurtunities`)

// objectOf is the object a question counts or lists (default Opportunity).
func objectOf(q *question) string {
	for _, w := range q.words {
		if opportunityWords[w] {
			return "Opportunity"
		}
		switch w {
		case "pipeline":
			return "Opportunity"
		case "account", "accounts", "customers", "customer", "companies", "company", "clients", "client", "acounts", "accouts":
			return "Account"
		case "contact", "contacts", "people":
			return "Contact"
		case "lead", "leads":
			return "Lead"
		case "task", "tasks", "todo", "todos", "to-dos":
			return "Task"
		case "event", "events", "meeting", "meetings":
			return "Event"
		}
	}
	return "Opportunity"
}

// statusOf is an opportunity status filter.
func statusOf(q *question) string {
	switch {
	case q.has("closed won", "won", "win", "wins", "bookings", "booked", "revenue", "sold", "closed-won", "sell", "book"):
		return "won"
	case q.has("closed lost", "lost", "lose", "losses", "closed-lost"):
		return "lost"
	case q.has("open", "pipeline", "active", "in flight", "in progress", "pipe", "ongoing", "still open"):
		return "open"
	case q.has("closed") || (q.has("did") && q.has("close")):
		return "closed"
	}
	return ""
}

var groupWords = map[string]string{
	"stage": "stage", "stages": "stage", "phase": "stage",
	"owner": "owner", "owners": "owner", "rep": "owner", "reps": "owner", "salesperson": "owner", "user": "owner", "users": "owner", "seller": "owner", "sellers": "owner", "person": "owner",
	"country": "country", "countries": "country", "nation": "country",
	"state": "state", "states": "state", "province": "state", "provinces": "state",
	"industry": "industry", "industries": "industry", "vertical": "industry", "verticals": "industry", "sector": "industry", "sectors": "industry",
	"type": "type", "types": "type",
	"account": "account", "accounts": "account", "customer": "account", "customers": "account",
	"source": "source", "sources": "source",
	"month": "month", "months": "month", "quarter": "quarter", "quarters": "quarter", "qtr": "quarter", "year": "year", "years": "year",
}

// groupOf reads "by X", "per X", "each X", "X breakdown".
func groupOf(q *question) string {
	for i, w := range q.words {
		if w != "by" && w != "per" && w != "each" && w != "across" && w != "for each" {
			continue
		}
		// "by stage", "by billing country", "by account type": the last
		// group word of the words that follow.
		g := ""
		for j := i + 1; j < len(q.words) && j <= i+3; j++ {
			w := q.words[j]
			if gw, ok := groupWords[w]; ok {
				if gw == "type" && g == "account" {
					gw = "accounttype"
				}
				g = gw
				continue
			}
			if !groupFillers[w] {
				break
			}
		}
		if g != "" {
			return g
		}
	}
	for _, w := range q.words {
		switch w {
		case "monthly":
			return "month"
		case "quarterly":
			return "quarter"
		case "yearly", "annually":
			return "year"
		}
	}
	for i, w := range q.words {
		if w == "breakdown" || w == "split" || w == "distribution" {
			for j := max(0, i-3); j < len(q.words) && j <= i+3; j++ {
				if g, ok := groupWords[q.words[j]]; ok && g != "account" {
					return g
				}
			}
		}
	}
	return ""
}

// intentOf classifies the question.
func intentOf(q *question) (intent, metric) {
	rate := q.has("win rate", "close rate", "closing rate", "win ratio", "win percentage", "win percent", "win pct",
		"success rate", "hit rate", "conversion rate", "close ratio", "winrate", "closerate", "win-rate") ||
		(q.has("percent", "percentage", "ratio", "proportion", "fraction") && q.has("won", "win", "closed"))
	if len(q.words) > 0 && !rate {
		switch q.words[0] {
		case "delete", "remove", "update", "change", "set", "send", "email", "create", "add", "log", "assign", "reassign", "move", "edit", "close", "mark", "schedule":
			return intentWrite, 0
		}
	}
	switch {
	case q.hasPrefix("contact") && q.has("stage", "stages") &&
		(q.has("organise", "organize", "organised", "organized", "group", "grouped", "arrange", "sort", "sorted") || q.hasWord(opportunityWords)),
		// "key contacts on my deals this quarter": the contacts of deals,
		// not of accounts, so the deals' filters apply
		q.hasPrefix("contact") && q.hasWord(opportunityWords) && !q.hasPrefix("account") && !q.has("no", "without", "missing"):
		return intentOrganise, 0
	case q.has("what do you know", "tell me about", "overview", "summary", "summarise", "summarize", "profile",
		"who is", "what is going on with", "whats going on with", "what about", "brief me on", "info on", "information on", "everything about", "details on", "details of", "details about"):
		return intentOverview, 0
	case q.hasPrefix("activit", "interaction", "touchpoint") || q.has("last meeting", "last call", "last email", "latest meeting", "latest call", "last touch", "last contacted", "last spoke", "last talked", "last time we", "when did we last", "last engagement", "latest engagement"):
		if q.has("how many") {
			return intentMetric, metricCount
		}
		return intentActivity, 0
	case q.has("contacts at", "contacts of", "contacts for", "contacts with", "people at", "who works at", "who do we know at") &&
		!q.has("how many", "number of", "count", "recent", "recently", "new", "newest", "latest"):
		return intentContacts, 0
	case q.has("main contacts", "key contacts", "primary contacts", "main contact", "key contact", "primary contact",
		"important contacts", "decision makers", "who should i talk to", "who do i talk to", "who are the contacts", "top contacts", "key people", "main people"):
		return intentContacts, 0
	case q.has("overdue", "past due", "late", "missed", "overdo") && !q.has("deals", "opportunities", "opps"):
		if q.has("how many", "number of", "count") {
			return intentMetric, metricCount
		}
		return intentOverdue, 0
	case q.has("stale", "stalled", "stuck", "neglected", "untouched", "dormant", "idle", "inactive", "gone cold",
		"not updated", "not been updated", "havent been updated", "no updates", "not touched", "havent touched", "not moved", "no movement"):
		return intentStale, 0
	case rate:
		return intentMetric, metricRate
	case q.has("recently", "recent", "newest", "latest", "new", "newly", "just created", "last created", "last modified", "last updated", "recently updated", "recently changed"):
		if q.has("how many", "number of", "count") || q.group != "" {
			return intentMetric, metricCount
		}
		return intentRecent, 0
	case q.has("top", "largest", "biggest", "highest", "best", "largest", "most valuable", "most", "who has the most", "who owns the most", "leading", "ranking", "rank", "ranked", "leaderboard", "bigest", "larget", "lagest", "smallest", "lowest"):
		return intentRank, metricSum
	case q.has("did") && q.has("close", "closes", "win", "sell", "lose", "book") &&
		!q.has("how many", "how much", "number of", "count", "total", "sum", "average", "avg", "rate") && q.group == "":
		// "what did Riley close last week": past deals, not upcoming ones
		return intentList, 0
	case (q.has("closing", "close", "closes", "due to close", "expected to close", "set to close", "going to close", "will close", "slated to close")) && !q.has("closed"):
		if q.has("how many", "number of", "count") {
			return intentMetric, metricCount
		}
		if q.has("total", "sum", "how much", "value", "amount", "worth") {
			return intentMetric, metricSum
		}
		return intentClosing, 0
	case q.has("how many", "number of", "count", "count of", "how much of", "no of"):
		return intentMetric, metricCount
	case q.has("average", "avg", "mean", "typical"):
		return intentMetric, metricAvg
	case q.has("total", "sum", "how much", "pipeline", "amount", "revenue", "bookings", "value", "size", "worth", "pipe", "totals", "amounts") || q.group != "":
		if q.group != "" && !q.has("total", "sum", "how much", "pipeline", "amount", "revenue", "bookings", "value", "size", "worth", "pipe", "totals", "amounts") {
			return intentMetric, metricCount
		}
		return intentMetric, metricSum
	case q.has("list", "show", "find", "which", "what are", "give me", "display", "get me", "pull up", "collect"):
		return intentList, 0
	}
	// "deals I lost last month": records with filters and nothing else.
	if q.has("deals", "opportunities", "opps", "accounts", "leads", "tasks", "contacts", "meetings", "events", "sell", "sold") {
		return intentList, 0
	}
	return intentUnknown, 0
}

// vocabulary are words that never name an account or a user.
var vocabulary = wordSet(`
a about above across activity activities add added after again against all also am among an and any anything are
around as ask at average avg based be been before being below best between big bigger biggest book booked bookings
both breakdown brief broken business but by calendar can change changed chart close closed closes closing
collect compare contact contacted contacts could count counts created current currently customer customers
data date dated dates day days deal deals decision detail details did do does doing done down due during
each engagement ever every everything expected find first fiscal for from fy get give go going gone good
group grouped had has have havent having help her here high highest his how i id idle if im in inactive info
information interaction interactions into is it its ive just key know largest last late latest lead leads least
left less let list look lost lose losses low lowest made main make many me mean meeting meetings mine missed
modified month months more most moved movement much my myself need neglected new newest newly next no not
number of on one only open opened opportunities opportunity opp opps oppty or order organise organize organised
organized other our out over overdue overview owned owner owners own past people per percent percentage person
pipe pipeline please soon shortly looking doing shaping standing monthly quarterly yearly annually sell sells selling owns own owned holds has located based primary prior profile progress pull q qtr quarter quarters rank ranked ranking rate rates ratio
recent recently rep reps revenue right sales see set should show since size slated so sold some sort sorted split
stage stages stale stalled state status still stuck such sum summary summarise summarize sure talk tell than that
the their them then there these they things this those through to today top total totals touch touched
touchpoint type types under until untouched up updated upcoming us value was we week weeks were what whats
when where which while who whom whose why will win wins with within won worth would year years you your ytd
how's whats who's rate give grouped arranged arrange key important talked spoke last time when engagement
deals dealz opportunites oppurtunities oportunities acount acounts accouts account accounts company companies
client clients task tasks todo todos event events lead leads contact contacts amount amounts ratio success hit
conversion average typical smallest value values size sizes count total sum much many number far ago been
going expected due currently this that these those across country countries state states industry industries
vertical verticals sector sectors source sources region regions billing segment segments each split distribution
per team teams everyone everybody anyone overall whole entire company s t d ll re ve m
`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// parseNumber reads 100000, 100k, 1.5m, 2m.
func parseNumber(w string) (float64, bool) {
	mult := 1.0
	switch {
	case strings.HasSuffix(w, "k"):
		mult, w = 1e3, w[:len(w)-1]
	case strings.HasSuffix(w, "m"):
		mult, w = 1e6, w[:len(w)-1]
	}
	if w == "" || strings.ContainsAny(w, "-/") {
		return 0, false
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil {
		return 0, false
	}
	return f * mult, true
}

// parseAmount reads an amount bound: "over 100k", "more than 50,000",
// "under 10000", "at least 1m".
func (e *Engine) parseAmount(q *question, used []bool) {
	ops := []struct {
		words []string
		op    string
	}{
		{[]string{"more", "than"}, ">"}, {[]string{"greater", "than"}, ">"}, {[]string{"bigger", "than"}, ">"}, {[]string{"larger", "than"}, ">"},
		{[]string{"at", "least"}, ">="}, {[]string{"less", "than"}, "<"}, {[]string{"smaller", "than"}, "<"}, {[]string{"at", "most"}, "<="},
		{[]string{"over"}, ">"}, {[]string{"above"}, ">"}, {[]string{"exceeding"}, ">"}, {[]string{"under"}, "<"}, {[]string{"below"}, "<"},
	}
	for i := range q.words {
		for _, o := range ops {
			j := i + len(o.words)
			if j >= len(q.words) || !slicesEqual(q.words[i:j], o.words) || used[j] {
				continue
			}
			v, ok := parseNumber(q.words[j])
			if !ok || v < 1000 {
				continue // "more than 5 deals" is a count, not an amount
			}
			q.amountOp, q.amount = o.op, v
			for k := i; k <= j; k++ {
				used[k] = true
			}
			return
		}
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// unsupported are measures a question may ask for that the engine does not
// compute (time to close, probability-weighted amounts, quotas, ...).
var unsupported = wordSet(`days day time cycle velocity duration length age aging probability weighted
forecast forecasted quota quotas margin margins discount discounts profit commission employees headcount score
calls emails`)

// negations flip what a question asks; the grammar does not handle them.
var negations = wordSet(`not no without except excluding exclude besides never nor neither other than`)

// groupFillers may stand between "by" and a group word.
var groupFillers = wordSet(`the each billing lead fiscal calendar opportunity deal their its`)
