package ask

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Suggestions are questions the engine answers, shown when it cannot.
var Suggestions = []string{
	"What is my pipeline by stage?",
	"What was my win rate last quarter?",
	"How many open opportunities do I have?",
	"Top 5 accounts by pipeline",
	"What do you know about <account>?",
	"Deals closing this month",
	"My overdue tasks",
	"Stale deals",
	"Won amount by industry this year",
	"Recently created accounts",
}

// examples are the Suggestions with "<account>" replaced by the name of a
// cached account (markdown would take "<account>" for an HTML tag and drop
// it), or by "(an account)" before the names are loaded.
func (e *Engine) examples() []string {
	name := "(an account)"
	if len(e.accounts) > 0 {
		name = cellText(e.accounts[0].Name)
	}
	out := make([]string, len(Suggestions))
	for i, s := range Suggestions {
		out[i] = strings.ReplaceAll(s, "<account>", name)
	}
	return out
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// answer runs the plan for q.
func (x *exec) answer(q *question) error {
	switch q.intent {
	case intentUnknown:
		if x.e.model != nil && len(q.words) > 0 {
			if handled, err := x.askModel(q); err != nil || handled {
				return err
			}
		}
		x.notUnderstood(q, "")
		return nil
	case intentWrite:
		x.notUnderstood(q, "I only answer questions; I can't change records. Use the panes or `lazyforce update` for that.")
		return nil
	}
	if q.unsupported != "" {
		x.notUnderstood(q, q.unsupported)
		return nil
	}
	if q.unresolved != "" && q.account == nil {
		x.notUnderstood(q, fmt.Sprintf("I don't know what “%s” refers to: no account or user matches it.", q.unresolved))
		return nil
	}
	if q.unresolved != "" {
		x.notUnderstood(q, fmt.Sprintf("I matched %s, but I don't know what “%s” means here.", q.account.Name, q.unresolved))
		return nil
	}
	if q.account != nil {
		x.a.Links = append(x.a.Links, Link{Object: "Account", ID: q.account.ID, Name: q.account.Name})
	}
	x.a.Range = q.rng
	x.a.Understood = true
	// What answers the questions of each intent that has an answer.
	answerers := map[intent]func(*exec, *question) error{
		intentMetric: (*exec).metric, intentRank: (*exec).rank, intentOverview: (*exec).overview,
		intentActivity: (*exec).activity, intentContacts: (*exec).contacts, intentRecent: (*exec).recent,
		intentClosing: (*exec).closing, intentOverdue: (*exec).overdue, intentStale: (*exec).stale,
		intentOrganise: (*exec).organise, intentList: (*exec).list,
	}
	if answer := answerers[q.intent]; answer != nil {
		if err := answer(x, q); err != nil {
			return err
		}
	}
	note := x.matchNote(q)
	x.a.Markdown = note + x.md.String()
	x.plain = note == ""
	return nil
}

// matchNote says which account a name matched when several did.
func (x *exec) matchNote(q *question) string {
	if q.account == nil || len(q.others) == 0 {
		return ""
	}
	var names []string
	for i, o := range q.others {
		if i == 5 {
			names = append(names, fmt.Sprintf("and %d more", len(q.others)-5))
			break
		}
		names = append(names, o.Name)
	}
	list := strings.Join(names, "; ")
	if !strings.HasSuffix(list, ".") {
		list += "."
	}
	return fmt.Sprintf("> “%s” matches several accounts: I used **%s**. Also matching: %s\n\n", q.phrase, q.account.Name, list)
}

// notUnderstood writes the honest "can't answer" answer.
func (x *exec) notUnderstood(q *question, why string) {
	x.a.Understood = false
	x.a.Value, x.a.Rows, x.a.Breakdown, x.a.Links = nil, nil, nil, nil
	var b strings.Builder
	b.WriteString("**I can't answer that yet.**")
	if why != "" {
		b.WriteString(" " + why)
	}
	b.WriteString("\n\nI answer questions about your accounts, opportunities, contacts and tasks from the local cache. Try:\n\n")
	x.a.Suggestions = x.e.examples()
	for _, s := range x.a.Suggestions {
		b.WriteString("- " + s + "\n")
	}
	x.a.Markdown = b.String()
}

// scope is a WHERE clause under construction with its plain-words reading.
type scope struct {
	conds []string
	words []string
}

func (s *scope) add(cond, words string) {
	s.conds = append(s.conds, cond)
	if words != "" {
		s.words = append(s.words, words)
	}
}

func (s *scope) where() string {
	if len(s.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(s.conds, " AND ")
}

func (s *scope) text() string { return strings.Join(s.words, ", ") }

// ownerScope adds the owner filter (field: "OwnerId" or "Opportunity.OwnerId").
func (x *exec) ownerScope(s *scope, q *question, field string) {
	switch {
	case q.mine:
		s.add(field+" = "+quote(x.e.me), "owned by you")
	case q.owner != nil:
		s.add(field+" = "+quote(q.owner.ID), "owned by "+q.owner.Name)
	}
}

// oppScope is the filter of opportunities a question is about. prefix is ""
// or a relationship path like "Opportunity.".
func (x *exec) oppScope(q *question, prefix string, status string) *scope {
	s := &scope{}
	x.ownerScope(s, q, prefix+"OwnerId")
	if q.account != nil {
		s.add(prefix+"AccountId = "+quote(q.account.ID), "of "+q.account.Name)
	}
	switch status {
	case "open":
		s.add(prefix+"IsClosed = false", "")
	case "won":
		s.add(prefix+"IsWon = true", "")
	case "lost":
		s.add(prefix+"IsClosed = true AND "+prefix+"IsWon = false", "")
	case "closed":
		s.add(prefix+"IsClosed = true", "")
	}
	if q.stage != "" {
		s.add(prefix+"StageName = "+quote(q.stage), "in stage "+q.stage)
	}
	if q.place != nil {
		s.add(prefix+"Account."+q.place.field+" = "+quote(q.place.value), "of accounts "+q.place.words())
	}
	if q.amountOp != "" {
		s.add(fmt.Sprintf("%sAmount %s %s", prefix, q.amountOp, strconv.FormatFloat(q.amount, 'f', -1, 64)),
			fmt.Sprintf("with an amount %s %s", map[string]string{">": "over", ">=": "of at least", "<": "under", "<=": "of at most"}[q.amountOp], x.e.money(q.amount)))
	}
	if q.rng != nil {
		switch q.dateField {
		case "CreatedDate", "LastModifiedDate":
			verb := map[string]string{"CreatedDate": "created ", "LastModifiedDate": "modified "}[q.dateField]
			s.add(fmt.Sprintf("%s%s >= %s AND %s%s < %s", prefix, q.dateField, soqlDateTime(q.rng.From, x.e.loc), prefix, q.dateField, soqlDateTime(q.rng.To.AddDate(0, 0, 1), x.e.loc)),
				verb+q.rng.Describe())
		default:
			s.add(fmt.Sprintf("%sCloseDate >= %s AND %sCloseDate <= %s", prefix, soqlDate(q.rng.From), prefix, soqlDate(q.rng.To)),
				"closing "+q.rng.Describe())
		}
	}
	return s
}

func statusWord(status string) string {
	return map[string]string{"open": "open ", "won": "won ", "lost": "lost ", "closed": "closed "}[status]
}

// groupField is the field a breakdown groups object by.
func groupField(object, group string) (string, string) {
	switch object {
	case "Opportunity":
		return map[string]string{
			"stage": "StageName", "owner": "Owner.Name", "country": "Account.BillingCountry", "state": "Account.BillingState",
			"industry": "Account.Industry", "type": "Type", "account": "Account.Name", "source": "LeadSource",
			"accounttype": "Account.Type",
		}[group], group
	case "Account":
		return map[string]string{
			"owner": "Owner.Name", "country": "BillingCountry", "state": "BillingState", "industry": "Industry",
			"type": "Type", "source": "AccountSource", "accounttype": "Type",
		}[group], group
	case "Lead":
		return map[string]string{
			"owner": "Owner.Name", "country": "Country", "state": "State", "industry": "Industry",
			"source": "LeadSource", "stage": "Status",
		}[group], group
	case "Contact":
		return map[string]string{
			"owner": "Owner.Name", "country": "Account.BillingCountry", "state": "Account.BillingState",
			"industry": "Account.Industry", "account": "Account.Name", "source": "LeadSource",
		}[group], group
	case "Task":
		return map[string]string{"owner": "Owner.Name", "type": "TaskSubtype", "account": "Account.Name", "stage": "Status"}[group], group
	case "Event":
		return map[string]string{"owner": "Owner.Name", "account": "Account.Name"}[group], group
	}
	return "", group
}

var groupLabels = map[string]string{
	"stage": "stage", "owner": "owner", "country": "billing country", "state": "billing state",
	"industry": "industry", "type": "type", "account": "account", "source": "source", "accounttype": "account type",
}

// otherScope is the filter for accounts, contacts, leads, tasks and events.
func (x *exec) otherScope(q *question) *scope {
	s := &scope{}
	x.ownerScope(s, q, "OwnerId")
	switch q.object {
	case "Contact", "Task", "Event":
		if q.account != nil {
			s.add("AccountId = "+quote(q.account.ID), "of "+q.account.Name)
		}
	case "Account":
		if q.account != nil {
			s.add("Id = "+quote(q.account.ID), q.account.Name)
		}
	}
	if q.place != nil {
		switch q.object {
		case "Account":
			s.add(q.place.field+" = "+quote(q.place.value), q.place.words())
		case "Contact":
			s.add("Account."+q.place.field+" = "+quote(q.place.value), "of accounts "+q.place.words())
		case "Lead":
			s.add(strings.TrimPrefix(q.place.field, "Billing")+" = "+quote(q.place.value), q.place.words())
		}
	}
	switch q.object {
	case "Task":
		today := x.e.today()
		switch {
		case q.has("overdue", "past due", "late", "missed", "overdo"):
			s.add("IsClosed = false AND ActivityDate < "+soqlDate(today), "open and due before "+today.Format("2 Jan 2006"))
		case q.has("open", "outstanding", "not done", "incomplete", "pending"):
			s.add("IsClosed = false", "open")
		case q.has("completed", "done", "finished", "closed"):
			s.add("IsClosed = true", "completed")
		}
		if q.rng != nil {
			s.add(fmt.Sprintf("ActivityDate >= %s AND ActivityDate <= %s", soqlDate(q.rng.From), soqlDate(q.rng.To)), "due "+q.rng.Describe())
		}
	case "Event":
		if q.rng != nil {
			s.add(fmt.Sprintf("ActivityDate >= %s AND ActivityDate <= %s", soqlDate(q.rng.From), soqlDate(q.rng.To)), "dated "+q.rng.Describe())
		}
	case "Lead":
		if q.has("open", "unconverted", "not converted") {
			s.add("IsConverted = false", "not converted")
		} else if q.has("converted") {
			s.add("IsConverted = true", "converted")
		}
		fallthrough
	default:
		if q.rng != nil {
			s.add(fmt.Sprintf("CreatedDate >= %s AND CreatedDate < %s", soqlDateTime(q.rng.From, x.e.loc), soqlDateTime(q.rng.To.AddDate(0, 0, 1), x.e.loc)),
				"created "+q.rng.Describe())
		}
	}
	return s
}

var objectPlural = map[string][2]string{
	"Opportunity": {"opportunity", "opportunities"}, "Account": {"account", "accounts"}, "Contact": {"contact", "contacts"},
	"Lead": {"lead", "leads"}, "Task": {"task", "tasks"}, "Event": {"event", "events"},
}

func nameField(object string) string {
	if object == "Task" || object == "Event" {
		return "Subject"
	}
	return "Name"
}

// metric answers a sum, average, count or rate, maybe grouped.
func (x *exec) metric(q *question) error {
	object := q.object
	if q.metric == metricSum || q.metric == metricAvg || q.metric == metricRate {
		object = "Opportunity"
	}
	var s *scope
	status := q.status
	if q.metric == metricRate {
		status = "closed"
	}
	if object == "Opportunity" {
		s = x.oppScope(q, "", status)
	} else {
		s = x.otherScope(q)
	}
	if q.group == "month" || q.group == "quarter" || q.group == "year" {
		return x.byPeriod(q, object, s, status)
	}
	gf := ""
	if q.group != "" {
		gf, _ = groupField(object, q.group)
		if gf == "" {
			x.notUnderstood(q, fmt.Sprintf("I can't break %s down by %s.", objectPlural[object][1], groupLabels[q.group]))
			return nil
		}
	}
	var agg string
	switch q.metric {
	case metricSum:
		agg = "SUM(Amount) total, COUNT(Id) n"
	case metricAvg:
		agg = "AVG(Amount) average, COUNT(Id) n"
	case metricCount:
		agg = "COUNT(Id) n"
	case metricRate:
		agg = "IsWon, COUNT(Id) n"
	}
	// Grouping by the account name groups by AccountId and labels the
	// groups from the engine's account list (no query). Other account
	// fields are grouped by in SOQL (Account.BillingCountry): reading the
	// field of every account to label groups by AccountId cost more than
	// the parent lookups (one per account) of the grouped query.
	groupExpr, label := gf, func(r rowLike) string { return str(r, "grp") }
	if gf == "Account.Name" && q.metric != metricAvg {
		groupExpr = "AccountId"
		byAccount, err := x.accountField("Name")
		if err != nil {
			return err
		}
		label = func(r rowLike) string { return byAccount[str(r, "grp")] }
	}
	sel, groupBy := agg, ""
	switch {
	case gf != "" && q.metric == metricRate:
		sel, groupBy = groupExpr+" grp, "+agg, " GROUP BY "+groupExpr+", IsWon"
	case gf != "":
		sel, groupBy = groupExpr+" grp, "+agg, " GROUP BY "+groupExpr
	case q.metric == metricRate:
		groupBy = " GROUP BY IsWon"
	}
	rows, err := x.query("SELECT " + sel + " FROM " + object + s.where() + groupBy)
	if err != nil {
		return err
	}
	x.a.Rows = rows
	noun := objectPlural[object][1]
	if object == "Opportunity" {
		noun = statusWord(status) + noun
	}
	if q.metric == metricRate {
		noun = "closed opportunities"
	}
	scopeText := s.text()
	if scopeText != "" {
		scopeText = " " + scopeText
	}
	if gf == "" {
		x.single(q, rows, noun, scopeText)
		return nil
	}
	// Breakdown.
	type acc struct {
		label    string
		value    float64
		n        int
		won, all int
	}
	groups := map[string]*acc{}
	var order []string
	for _, r := range rows {
		label := label(r)
		g := groups[label]
		if g == nil {
			g = &acc{label: label}
			groups[label] = g
			order = append(order, label)
		}
		n, _ := num(r, "n")
		switch q.metric {
		case metricSum:
			v, _ := num(r, "total")
			g.value += v
			g.n += int(n)
		case metricAvg:
			v, _ := num(r, "average")
			g.value, g.n = v, int(n)
		case metricCount:
			g.value += n
			g.n += int(n)
		case metricRate:
			g.all += int(n)
			if boolean(r, "IsWon") {
				g.won += int(n)
			}
		}
	}
	var bars []Bar
	for _, label := range order {
		g := groups[label]
		if q.metric == metricRate {
			g.value, g.n = float64(g.won)/float64(max(1, g.all)), g.all
		}
		bars = append(bars, Bar{Label: g.label, Value: g.value, Count: g.n})
	}
	if q.group == "stage" && object == "Opportunity" {
		x.loadStages()
		x.e.sortStages(bars)
	} else {
		slices.SortStableFunc(bars, func(a, b Bar) int { return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.Label, b.Label)) })
	}
	x.a.Breakdown = bars
	format := x.e.money
	what := map[metric]string{metricSum: "Total amount", metricAvg: "Average amount", metricCount: "Number", metricRate: "Win rate (won ÷ closed)"}[q.metric]
	switch q.metric {
	case metricCount:
		format = func(v float64) string { return group(fmt.Sprint(int(v))) }
	case metricRate:
		format = percent
	}
	fmt.Fprintf(&x.md, "**%s of %s%s by %s**\n\n", what, noun, scopeText, groupLabels[q.group])
	barChart(&x.md, bars, format)
	total, n := 0.0, 0
	for _, b := range bars {
		total += b.Value
		n += b.Count
	}
	switch q.metric {
	case metricSum:
		fmt.Fprintf(&x.md, "\nIn all: **%s** over %s.\n", x.e.money(total), count(n, objectPlural[object][0], objectPlural[object][1]))
	case metricCount:
		fmt.Fprintf(&x.md, "\nIn all: **%s**.\n", count(n, objectPlural[object][0], objectPlural[object][1]))
	case metricRate:
		fmt.Fprintf(&x.md, "\nOver %s.\n", count(n, "closed opportunity", "closed opportunities"))
	}
	return nil
}

// single writes a one-number answer.
func (x *exec) single(q *question, rows []rowLike, noun, scopeText string) {
	// "1 open opportunity"; no ".." after a name ending in "Co."
	nouns := func(n float64) string {
		if n == 1 {
			for plural, one := range map[string]string{"opportunities": "opportunity", "accounts": "account", "contacts": "contact",
				"leads": "lead", "tasks": "task", "events": "event"} {
				if strings.HasSuffix(noun, plural) {
					return "1 " + strings.TrimSuffix(noun, plural) + one
				}
			}
		}
		return group(fmt.Sprint(int(n))) + " " + noun
	}
	scopeText = strings.TrimSuffix(scopeText, ".")
	var n float64
	switch q.metric {
	case metricSum:
		var total float64
		if len(rows) > 0 {
			total, _ = num(rows[0], "total")
			n, _ = num(rows[0], "n")
		}
		x.a.Value = &total
		fmt.Fprintf(&x.md, "**%s** — total amount of %s%s.\n", x.e.money(total), nouns(n), scopeText)
	case metricAvg:
		var avg float64
		ok := false
		if len(rows) > 0 {
			avg, ok = num(rows[0], "average")
			n, _ = num(rows[0], "n")
		}
		if !ok || n == 0 {
			fmt.Fprintf(&x.md, "There are no %s%s, so there is no average.\n", noun, scopeText)
			return
		}
		x.a.Value = &avg
		fmt.Fprintf(&x.md, "**%s** — average amount of %s%s.\n", x.e.money(avg), nouns(n), scopeText)
	case metricCount:
		if len(rows) > 0 {
			n, _ = num(rows[0], "n")
		}
		x.a.Value = &n
		fmt.Fprintf(&x.md, "**%s**%s.\n", nouns(n), scopeText)
	case metricRate:
		won, all := 0, 0
		for _, r := range rows {
			k, _ := num(r, "n")
			all += int(k)
			if boolean(r, "IsWon") {
				won += int(k)
			}
		}
		if all == 0 {
			fmt.Fprintf(&x.md, "There are no closed opportunities%s, so there is no win rate.\n", scopeText)
			return
		}
		rate := float64(won) / float64(all)
		x.a.Value = &rate
		fmt.Fprintf(&x.md, "**%s** win rate — %d won of %s%s (won ÷ closed).\n", percent(rate), won, count(all, "closed opportunity", "closed opportunities"), scopeText)
	}
}

// sortStages orders bars by the org's stage order.
func (e *Engine) sortStages(bars []Bar) {
	order := map[string]int{}
	for _, s := range e.stages {
		order[strings.ToLower(s.Name)] = s.Order
	}
	slices.SortStableFunc(bars, func(a, b Bar) int {
		oa, okA := order[strings.ToLower(a.Label)]
		ob, okB := order[strings.ToLower(b.Label)]
		switch {
		case okA && okB:
			return cmp.Compare(oa, ob)
		case okA:
			return -1
		case okB:
			return 1
		}
		return cmp.Compare(a.Label, b.Label)
	})
}

// loadStages reads the stage order once (best effort).
func (x *exec) loadStages() { x.e.loadStages(x.ctx) }

func (e *Engine) loadStages(ctx context.Context) {
	if e.stages != nil {
		return
	}
	e.stages = []stageInfo{}
	rows, err := e.support(ctx, "SELECT ApiName, SortOrder, IsClosed, IsWon FROM OpportunityStage")
	if err != nil {
		return
	}
	for _, r := range rows {
		o, _ := num(r, "SortOrder")
		e.stages = append(e.stages, stageInfo{Name: str(r, "ApiName"), Order: int(o), Closed: boolean(r, "IsClosed"), Won: boolean(r, "IsWon")})
	}
}

// accountField maps account Ids to one of their fields (Name comes from the
// engine's account list; other fields from one query, part of the plan).
// The map is read only.
func (x *exec) accountField(field string) (map[string]string, error) {
	if field == "Name" && x.e.accountNames != nil {
		return x.e.accountNames, nil
	}
	out := map[string]string{}
	if field == "Name" {
		for _, a := range x.e.accounts {
			out[a.ID] = a.Name
		}
		return out, nil
	}
	rows, err := x.query("SELECT Id, " + field + " FROM Account")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[str(r, "Id")] = str(r, field)
	}
	return out, nil
}

// rankEntity is what a ranking ranks: "deal", or a group.
func rankEntity(q *question) string {
	for _, w := range q.words {
		switch w {
		case "deal", "deals", "opportunity", "opportunities", "opp", "opps", "oppty":
			return "deal"
		case "account", "accounts", "customer", "customers", "company", "companies", "client", "clients":
			return "account"
		case "rep", "reps", "owner", "owners", "seller", "sellers", "salespeople", "people", "users", "who":
			return "owner"
		case "industry", "industries", "vertical", "verticals", "sector", "sectors":
			return "industry"
		case "country", "countries":
			return "country"
		case "state", "states":
			return "state"
		case "stage", "stages":
			return "stage"
		}
	}
	return "deal"
}

// rank answers top-N questions.
func (x *exec) rank(q *question) error {
	entity := rankEntity(q)
	asc := q.has("smallest", "lowest", "least")
	dir := "DESC"
	if asc {
		dir = "ASC"
	}
	s := x.oppScope(q, "", q.status)
	scopeText := s.text()
	if scopeText != "" {
		scopeText = ", " + scopeText
	}
	// "the biggest deal", "my largest account": one.
	single := q.n == 0 && !q.has("deals", "opportunities", "opps", "accounts", "customers", "reps", "owners", "industries", "countries", "states", "stages", "top")
	if entity == "deal" {
		n := q.n
		if n == 0 {
			n = 10
		}
		if single {
			n = 1
		}
		s.add("Amount != null", "")
		rows, _, err := x.opportunityRows(s, false, fmt.Sprintf(" ORDER BY Amount %s LIMIT %d", dir, n))
		if err != nil {
			return err
		}
		adj := "largest"
		if asc {
			adj = "smallest"
		}
		if len(rows) == 1 {
			fmt.Fprintf(&x.md, "**The %s %sopportunity%s**\n\n", adj, statusWord(q.status), scopeText)
		} else {
			fmt.Fprintf(&x.md, "**The %d %s %sopportunities%s**\n\n", len(rows), adj, statusWord(q.status), scopeText)
		}
		var bars []Bar
		var trows [][]string
		for _, r := range rows {
			amt, _ := num(r, "Amount")
			bars = append(bars, Bar{Label: str(r, "Name"), Value: amt, Count: 1})
			x.a.Links = append(x.a.Links, Link{Object: "Opportunity", ID: str(r, "Id"), Name: str(r, "Name")})
			trows = append(trows, x.oppCells(r, false))
		}
		x.a.Breakdown = bars
		if len(rows) == 0 {
			x.md.WriteString("No opportunities match.\n")
			return nil
		}
		table(&x.md, oppHead(false), trows)
		return nil
	}
	n := q.n
	if n == 0 {
		n = 5
	}
	if single {
		n = 1
	}
	if entity != "account" && q.has("number of accounts", "most accounts", "count of accounts", "how many accounts") {
		return x.rankAccounts(q, entity, n, dir)
	}
	gf, _ := groupField("Opportunity", entity)
	agg, orderBy, what := "SUM(Amount) total, COUNT(Id) n", "SUM(Amount)", "total amount"
	if q.has("number of", "count", "most deals", "most opportunities", "how many", "most wins", "most won") {
		agg, orderBy, what = "COUNT(Id) n, SUM(Amount) total", "COUNT(Id)", "number"
	}
	var bars []Bar
	if attr, ok := strings.CutPrefix(gf, "Account."); ok {
		// By AccountId, with the account field read once per account (see
		// metric); accounts are ranked in SOQL, other account fields here
		// after merging the accounts that share a value.
		byAccount, err := x.accountField(attr)
		if err != nil {
			return err
		}
		limit := ""
		if attr == "Name" {
			limit = fmt.Sprintf(" LIMIT %d", n)
		}
		rows, err := x.query(fmt.Sprintf("SELECT AccountId grp, %s FROM Opportunity%s GROUP BY AccountId ORDER BY %s %s%s", agg, s.where(), orderBy, dir, limit))
		if err != nil {
			return err
		}
		x.a.Rows = rows
		index := map[string]int{}
		for _, r := range rows {
			v, _ := num(r, "total")
			c, _ := num(r, "n")
			if what == "number" {
				v = c
			}
			label := byAccount[str(r, "grp")]
			if attr == "Name" {
				bars = append(bars, Bar{Label: label, Value: v, Count: int(c)})
				continue
			}
			i, ok := index[label]
			if !ok {
				i = len(bars)
				index[label] = i
				bars = append(bars, Bar{Label: label})
			}
			bars[i].Value += v
			bars[i].Count += int(c)
		}
		slices.SortStableFunc(bars, func(a, b Bar) int {
			if asc {
				return cmp.Or(cmp.Compare(a.Value, b.Value), cmp.Compare(a.Label, b.Label))
			}
			return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.Label, b.Label))
		})
		bars = bars[:min(n, len(bars))]
	} else {
		rows, err := x.query(fmt.Sprintf("SELECT %s grp, %s FROM Opportunity%s GROUP BY %s ORDER BY %s %s LIMIT %d", gf, agg, s.where(), gf, orderBy, dir, n))
		if err != nil {
			return err
		}
		x.a.Rows = rows
		for _, r := range rows {
			v, _ := num(r, "total")
			c, _ := num(r, "n")
			if what == "number" {
				v = c
			}
			bars = append(bars, Bar{Label: str(r, "grp"), Value: v, Count: int(c)})
		}
	}
	x.a.Breakdown = bars
	fmt.Fprintf(&x.md, "**%s by %s of %sopportunities%s**\n\n", topWords(len(bars), entity), what, statusWord(q.status), scopeText)
	if len(bars) == 0 {
		x.md.WriteString("No opportunities match.\n")
		return nil
	}
	format := x.e.money
	if what == "number" {
		format = func(v float64) string { return fmt.Sprint(int(v)) }
	}
	barChart(&x.md, bars, format)
	return nil
}

// needAccount reports (and answers) when an account question names none.
func (x *exec) needAccount(q *question, what string) bool {
	if q.account != nil {
		return false
	}
	x.notUnderstood(q, fmt.Sprintf("Which account? Name one, e.g. “%s Acme”.", what))
	return true
}

// overview answers "what do you know about ACCOUNT".
func (x *exec) overview(q *question) error {
	if x.needAccount(q, "what do you know about") {
		return nil
	}
	ad, err := x.accountData(q.account.ID)
	if err != nil {
		return err
	}
	rows := ad.account
	x.a.Rows = rows
	if len(rows) == 0 {
		x.notUnderstood(q, "That account is no longer in the cache.")
		return nil
	}
	a := rows[0]
	fmt.Fprintf(&x.md, "## %s\n\n", cellText(str(a, "Name")))
	var facts []string
	add := func(label, v string) {
		if v != "" {
			facts = append(facts, fmt.Sprintf("- **%s:** %s", label, cellText(v)))
		}
	}
	add("Owner", str(a, "Owner.Name"))
	add("Type", str(a, "Type"))
	add("Industry", str(a, "Industry"))
	add("Location", strings.Trim(strings.Join(nonEmpty(str(a, "BillingCity"), str(a, "BillingState"), str(a, "BillingCountry")), ", "), ", "))
	add("Phone", str(a, "Phone"))
	add("Website", str(a, "Website"))
	if v, ok := num(a, "AnnualRevenue"); ok {
		add("Annual revenue", x.e.money(v))
	}
	if v, ok := num(a, "NumberOfEmployees"); ok {
		add("Employees", group(fmt.Sprint(int(v))))
	}
	add("Rating", str(a, "Rating"))
	x.md.WriteString(strings.Join(facts, "\n") + "\n\n")

	opps := ad.opps
	var open [][]string
	openTotal, wonTotal, won := 0.0, 0.0, 0
	for _, o := range opps {
		amt, _ := num(o, "Amount")
		switch {
		case !boolean(o, "IsClosed"):
			openTotal += amt
			open = append(open, []string{str(o, "Name"), str(o, "StageName"), x.e.money(amt), str(o, "CloseDate")})
			x.a.Links = append(x.a.Links, Link{Object: "Opportunity", ID: str(o, "Id"), Name: str(o, "Name")})
		case boolean(o, "IsWon"):
			wonTotal += amt
			won++
		}
	}
	fmt.Fprintf(&x.md, "### Open opportunities: %d, %s\n\n", len(open), x.e.money(openTotal))
	if len(open) > 0 {
		table(&x.md, []string{"Opportunity", "Stage", "Amount", "Close date"}, open)
	}
	fmt.Fprintf(&x.md, "\nWon so far: %s, %s.\n\n", count(won, "deal", "deals"), x.e.money(wonTotal))

	contacts := ad.contacts()
	x.md.WriteString("### Main contacts\n\n")
	x.contactTable(contacts, 5)

	acts := ad.activities(3)
	x.md.WriteString("\n### Latest activity\n\n")
	x.activityTable(acts)
	return nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// contactInfo is a contact with its opportunity roles on one account.
type contactInfo struct {
	ID, Name, Title, Email, Phone string
	Account, AccountName          string
	Roles, Primary                int
	RoleNames                     []string
}

// accountData is an account with its contacts, tasks and events, and its
// opportunities with their contact roles, tasks and events: two queries
// whose child subqueries read the children through the cache's lookup
// index instead of scanning every contact, role and activity.
type accountData struct {
	account []rowLike
	opps    []rowLike
}

// recentActivities is how many past tasks and events per parent an account
// question reads.
const recentActivities = 5

func (x *exec) accountData(accountID string) (*accountData, error) {
	id := quote(accountID)
	today := soqlDate(x.e.today())
	acts := fmt.Sprintf("(SELECT Id, Subject, ActivityDate, Status, Owner.Name FROM Tasks WHERE ActivityDate <= %s ORDER BY ActivityDate DESC LIMIT %d), "+
		"(SELECT Id, Subject, ActivityDate, StartDateTime, Owner.Name FROM Events WHERE ActivityDate <= %s ORDER BY StartDateTime DESC LIMIT %d)",
		today, recentActivities, today, recentActivities)
	account, err := x.query("SELECT Id, Name, Type, Industry, BillingCity, BillingState, BillingCountry, Phone, Website, AnnualRevenue, NumberOfEmployees, Rating, Owner.Name, " +
		"(SELECT Id, Name, Title, Email, Phone FROM Contacts), " + acts + " FROM Account WHERE Id = " + id)
	if err != nil {
		return nil, err
	}
	opps, err := x.query("SELECT Id, Name, StageName, Amount, CloseDate, IsClosed, IsWon, (SELECT ContactId, Role, IsPrimary FROM OpportunityContactRoles), " +
		acts + " FROM Opportunity WHERE AccountId = " + id + " ORDER BY CloseDate")
	if err != nil {
		return nil, err
	}
	return &accountData{account: account, opps: opps}, nil
}

// contacts are the account's contacts ranked by their roles on its
// opportunities (most roles first, then name).
func (ad *accountData) contacts() []contactInfo {
	byID := map[string]*contactInfo{}
	var out []*contactInfo
	for _, r := range children(ad.account, "Contacts") {
		c := &contactInfo{ID: str(r, "Id"), Name: str(r, "Name"), Title: str(r, "Title"), Email: str(r, "Email"), Phone: str(r, "Phone")}
		byID[c.ID] = c
		out = append(out, c)
	}
	for _, r := range children(ad.opps, "OpportunityContactRoles") {
		c := byID[str(r, "ContactId")]
		if c == nil {
			continue
		}
		c.Roles++
		if boolean(r, "IsPrimary") {
			c.Primary++
		}
		if role := str(r, "Role"); role != "" && !slices.Contains(c.RoleNames, role) {
			c.RoleNames = append(c.RoleNames, role)
		}
	}
	slices.SortFunc(out, func(a, b *contactInfo) int {
		return cmp.Or(cmp.Compare(b.Roles, a.Roles), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	res := make([]contactInfo, len(out))
	for i, c := range out {
		res[i] = *c
	}
	return res
}

// mainContacts are the contacts with roles (all contacts when none has one).
func mainContacts(all []contactInfo) []contactInfo {
	var out []contactInfo
	for _, c := range all {
		if c.Roles > 0 {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return all
	}
	return out
}

func (x *exec) contactTable(all []contactInfo, limit int) {
	main := mainContacts(all)
	if len(main) == 0 {
		x.md.WriteString("No contacts in the cache.\n")
		return
	}
	var rows [][]string
	for i, c := range main {
		x.a.Links = append(x.a.Links, Link{Object: "Contact", ID: c.ID, Name: c.Name})
		if limit > 0 && i >= limit {
			continue
		}
		rows = append(rows, []string{c.Name, c.Title, strings.Join(c.RoleNames, ", "), fmt.Sprint(c.Roles), c.Email, c.Phone})
	}
	table(&x.md, []string{"Contact", "Title", "Roles", "Deals", "Email", "Phone"}, rows)
	if limit > 0 && len(main) > limit {
		fmt.Fprintf(&x.md, "\n…and %d more.\n", len(main)-limit)
	}
	if main[0].Roles == 0 {
		x.md.WriteString("\nNone of these contacts has a role on an opportunity yet; these are all the account's contacts.\n")
	}
}

// contacts answers "main contacts of ACCOUNT" or of every account.
func (x *exec) contacts(q *question) error {
	if q.account == nil && (q.every || q.mine) {
		return x.everyAccountContacts(q)
	}
	if x.needAccount(q, "main contacts of") {
		return nil
	}
	ad, err := x.accountData(q.account.ID)
	if err != nil {
		return err
	}
	all := ad.contacts()
	fmt.Fprintf(&x.md, "**Main contacts of %s** (by their roles on its opportunities)\n\n", cellText(q.account.Name))
	x.contactTable(all, 0)
	return nil
}

// everyAccountContacts lists the main contact of every account (or every
// account of the owner): the contact with the most opportunity roles.
func (x *exec) everyAccountContacts(q *question) error {
	s := &scope{}
	x.ownerScope(s, q, "Account.OwnerId")
	rows, err := x.query("SELECT AccountId, Account.Name, (SELECT ContactId, Contact.Name FROM OpportunityContactRoles) FROM Opportunity" + s.where())
	if err != nil {
		return err
	}
	x.a.Rows = rows
	type key struct{ account, contact string }
	counts := map[key]int{}
	names := map[string]string{}
	accounts := map[string]string{}
	for _, o := range rows {
		for _, r := range children([]rowLike{o}, "OpportunityContactRoles") {
			k := key{str(o, "AccountId"), str(r, "ContactId")}
			if k.account == "" || k.contact == "" {
				continue
			}
			counts[k]++
			names[k.contact] = str(r, "Contact.Name")
			accounts[k.account] = str(o, "Account.Name")
		}
	}
	best := map[string]key{}
	for k, n := range counts {
		b, ok := best[k.account]
		if !ok || n > counts[b] || (n == counts[b] && (names[k.contact] < names[b.contact] || (names[k.contact] == names[b.contact] && k.contact < b.contact))) {
			best[k.account] = k
		}
	}
	ids := make([]string, 0, len(best))
	for a := range best {
		ids = append(ids, a)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(accounts[a], accounts[b]), cmp.Compare(a, b)) })
	who := "every account"
	if s.text() != "" {
		who = "every account " + s.text()
	}
	fmt.Fprintf(&x.md, "**Main contact of %s** (the contact with the most opportunity roles): %s\n\n", who, count(len(ids), "account", "accounts"))
	var trows [][]string
	for _, a := range ids {
		k := best[a]
		x.a.Links = append(x.a.Links, Link{Object: "Contact", ID: k.contact, Name: names[k.contact]})
		trows = append(trows, []string{accounts[a], names[k.contact], fmt.Sprint(counts[k])})
	}
	table(&x.md, []string{"Account", "Main contact", "Deals"}, trows)
	return nil
}

// activityInfo is one task or event.
type activityInfo struct {
	Object, ID, Subject, Date, When, Status, Owner string
}

// activities are the n most recent past tasks and events on the account
// or on its opportunities.
func (ad *accountData) activities(n int) []activityInfo {
	parents := append(append([]rowLike{}, ad.account...), ad.opps...)
	var out []activityInfo
	for _, r := range children(parents, "Tasks") {
		out = append(out, activityInfo{Object: "Task", ID: str(r, "Id"), Subject: str(r, "Subject"), Date: str(r, "ActivityDate"), When: str(r, "ActivityDate"), Status: str(r, "Status"), Owner: str(r, "Owner.Name")})
	}
	for _, r := range children(parents, "Events") {
		out = append(out, activityInfo{Object: "Event", ID: str(r, "Id"), Subject: str(r, "Subject"), Date: str(r, "ActivityDate"), When: str(r, "StartDateTime"), Status: "Meeting", Owner: str(r, "Owner.Name")})
	}
	slices.SortStableFunc(out, func(a, b activityInfo) int { return cmp.Or(cmp.Compare(b.Date, a.Date), cmp.Compare(b.When, a.When)) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (x *exec) activityTable(acts []activityInfo) {
	if len(acts) == 0 {
		x.md.WriteString("No past activity in the cache.\n")
		return
	}
	var rows [][]string
	for _, a := range acts {
		x.a.Links = append(x.a.Links, Link{Object: a.Object, ID: a.ID, Name: a.Subject})
		rows = append(rows, []string{a.Date, a.Object, a.Subject, a.Status, a.Owner})
	}
	table(&x.md, []string{"Date", "Type", "Subject", "Status", "Owner"}, rows)
}

// activity answers "latest activity on ACCOUNT".
func (x *exec) activity(q *question) error {
	if x.needAccount(q, "latest activity on") {
		return nil
	}
	ad, err := x.accountData(q.account.ID)
	if err != nil {
		return err
	}
	acts := ad.activities(5)
	if len(acts) == 0 {
		fmt.Fprintf(&x.md, "No past activity on **%s** in the cache.\n", cellText(q.account.Name))
		return nil
	}
	first := acts[0]
	fmt.Fprintf(&x.md, "**Latest activity on %s:** %s on %s — %s (%s, %s).\n\n", cellText(q.account.Name),
		strings.ToLower(first.Object), first.Date, cellText(first.Subject), cellText(first.Status), cellText(first.Owner))
	x.md.WriteString("Recent activity:\n\n")
	x.activityTable(acts)
	return nil
}

// listing writes a table of records and links them.
func (x *exec) listing(object string, rows []rowLike, head []string, cells func(r rowLike) []string, limit int) {
	var trows [][]string
	for i, r := range rows {
		x.a.Links = append(x.a.Links, Link{Object: object, ID: str(r, "Id"), Name: str(r, nameField(object))})
		if i < limit {
			trows = append(trows, cells(r))
		}
	}
	if len(rows) == 0 {
		x.md.WriteString("None.\n")
		return
	}
	table(&x.md, head, trows)
	if len(rows) > limit {
		fmt.Fprintf(&x.md, "\n…and %d more.\n", len(rows)-limit)
	}
}

// opportunityRows queries the opportunities in scope s, in the order (and
// limit) of tail, with the fields of their table (oppCells; modified: with
// LastModifiedDate), and makes them the answer's rows; total is the sum of
// their amounts.
func (x *exec) opportunityRows(s *scope, modified bool, tail string) (rows []rowLike, total float64, err error) {
	fields := "Id, Name, Account.Name, StageName, Amount, CloseDate, "
	if modified {
		fields += "LastModifiedDate, "
	}
	rows, err = x.query("SELECT " + fields + "Owner.Name FROM Opportunity" + s.where() + tail)
	if err != nil {
		return nil, 0, err
	}
	x.a.Rows = rows
	for _, r := range rows {
		v, _ := num(r, "Amount")
		total += v
	}
	return rows, total, nil
}

// oppHead is the header of a table of opportunities (oppCells).
func oppHead(modified bool) []string {
	if modified {
		return []string{"Opportunity", "Account", "Stage", "Amount", "Close date", "Last modified", "Owner"}
	}
	return []string{"Opportunity", "Account", "Stage", "Amount", "Close date", "Owner"}
}

// oppCells is an opportunity's row in a table of opportunities: with the
// day it was last modified when modified.
func (x *exec) oppCells(r rowLike, modified bool) []string {
	v, _ := num(r, "Amount")
	cells := []string{str(r, "Name"), str(r, "Account.Name"), str(r, "StageName"), x.e.money(v), str(r, "CloseDate")}
	if modified {
		cells = append(cells, day(str(r, "LastModifiedDate")))
	}
	return append(cells, str(r, "Owner.Name"))
}

// listOpportunities writes a table of the opportunities rows (oppCells)
// and links them.
func (x *exec) listOpportunities(rows []rowLike, modified bool) {
	x.listing("Opportunity", rows, oppHead(modified), func(r rowLike) []string { return x.oppCells(r, modified) }, 50)
}

// recent answers "recently created / modified RECORDS".
func (x *exec) recent(q *question) error {
	field, verb := "CreatedDate", "created"
	if q.has("modified", "updated", "changed", "edited", "touched") {
		field, verb = "LastModifiedDate", "modified"
	}
	n := q.n
	if n == 0 {
		n = 10
	}
	s := &scope{}
	x.ownerScope(s, q, "OwnerId")
	if q.object == "Opportunity" && q.account != nil {
		s.add("AccountId = "+quote(q.account.ID), "of "+q.account.Name)
	}
	if q.rng != nil {
		s.add(fmt.Sprintf("%s >= %s AND %s < %s", field, soqlDateTime(q.rng.From, x.e.loc), field, soqlDateTime(q.rng.To.AddDate(0, 0, 1), x.e.loc)), verb+" "+q.rng.Describe())
	}
	nf := nameField(q.object)
	rows, err := x.query(fmt.Sprintf("SELECT Id, %s, %s, Owner.Name FROM %s%s ORDER BY %s DESC LIMIT %d", nf, field, q.object, s.where(), field, n))
	if err != nil {
		return err
	}
	x.a.Rows = rows
	scopeText := s.text()
	if scopeText != "" {
		scopeText = ", " + scopeText
	}
	fmt.Fprintf(&x.md, "**The %s most recently %s%s**\n\n", count(len(rows), objectPlural[q.object][0], objectPlural[q.object][1]), verb, scopeText)
	x.listing(q.object, rows, []string{strings.ToUpper(nf[:1]) + nf[1:], strings.ToUpper(verb[:1]) + verb[1:], "Owner"}, func(r rowLike) []string {
		t := str(r, field)
		if tt, err := time.Parse("2006-01-02T15:04:05.000-0700", t); err == nil {
			t = tt.In(x.e.loc).Format("2006-01-02 15:04")
		}
		return []string{str(r, nf), t, str(r, "Owner.Name")}
	}, n)
	return nil
}

// closing answers "deals closing this month / next quarter".
func (x *exec) closing(q *question) error {
	if q.rng == nil {
		r := x.e.lastNext("day", 1, 30)
		q.rng = &r
		x.a.Range = q.rng
	}
	s := x.oppScope(q, "", "open")
	rows, total, err := x.opportunityRows(s, false, " ORDER BY CloseDate, Amount DESC")
	if err != nil {
		return err
	}
	fmt.Fprintf(&x.md, "**%s, %s** — open opportunities %s.\n\n", count(len(rows), "deal", "deals"), x.e.money(total), s.text())
	x.listOpportunities(rows, false)
	return nil
}

// overdue answers "overdue tasks".
func (x *exec) overdue(q *question) error {
	q.object = "Task"
	if !q.has("overdue", "past due", "late", "missed", "overdo") {
		q.text += "overdue "
	}
	s := x.otherScope(q)
	rows, err := x.query("SELECT Id, Subject, ActivityDate, Status, Priority, Account.Name, Owner.Name FROM Task" + s.where() + " ORDER BY ActivityDate, Subject")
	if err != nil {
		return err
	}
	x.a.Rows = rows
	fmt.Fprintf(&x.md, "**%s overdue** — tasks %s.\n\n", count(len(rows), "task", "tasks"), s.text())
	x.listing("Task", rows, []string{"Due", "Subject", "Status", "Priority", "Account", "Owner"}, func(r rowLike) []string {
		return []string{str(r, "ActivityDate"), str(r, "Subject"), str(r, "Status"), str(r, "Priority"), str(r, "Account.Name"), str(r, "Owner.Name")}
	}, 50)
	return nil
}

// stale answers "stale deals": open opportunities not modified for N days.
func (x *exec) stale(q *question) error {
	days := q.days
	if days == 0 {
		days = 30
	}
	rng := q.rng
	q.rng = nil // a period names staleness, not close dates
	s := x.oppScope(q, "", "open")
	q.rng = rng
	cut := x.e.today().AddDate(0, 0, -days)
	s.add("LastModifiedDate < "+soqlDateTime(cut, x.e.loc), fmt.Sprintf("not modified since %s (%d days)", cut.Format("2 Jan 2006"), days))
	rows, total, err := x.opportunityRows(s, true, " ORDER BY LastModifiedDate, Name")
	if err != nil {
		return err
	}
	x.a.Range = nil
	fmt.Fprintf(&x.md, "**%s, %s** — open opportunities %s.\n\n", count(len(rows), "stale deal", "stale deals"), x.e.money(total), s.text())
	x.listOpportunities(rows, true)
	return nil
}

// organise answers "my opportunities from last quarter by stage and key
// contacts".
func (x *exec) organise(q *question) error {
	s := x.oppScope(q, "", q.status)
	rows, err := x.query("SELECT Id, Name, Account.Name, StageName, Amount, CloseDate, (SELECT Contact.Name, Role, IsPrimary FROM OpportunityContactRoles) FROM Opportunity" + s.where() + " ORDER BY CloseDate, Name")
	if err != nil {
		return err
	}
	x.a.Rows = rows
	x.loadStages()
	byStage := map[string][]rowLike{}
	var bars []Bar
	size := 0 // about what the tables below write
	for _, r := range rows {
		o := readOrganised(r)
		if _, ok := byStage[o.stage]; !ok {
			bars = append(bars, Bar{Label: o.stage})
		}
		byStage[o.stage] = append(byStage[o.stage], r)
		size += len(o.name) + len(o.account) + len(o.closeDate) + 40
		if o.roles != nil {
			for _, c := range o.roles.Records {
				cr := readRole(c)
				size += len(cr.name) + len(cr.role) + 9
			}
		}
	}
	for i := range bars {
		for _, r := range byStage[bars[i].Label] {
			v, _ := num(r, "Amount")
			bars[i].Value += v
			bars[i].Count++
		}
	}
	x.e.sortStages(bars)
	x.a.Breakdown = bars
	fmt.Fprintf(&x.md, "**%s** — opportunities %s, by stage with key contacts.\n\n", count(len(rows), "opportunity", "opportunities"), s.text())
	barChart(&x.md, bars, x.e.money)
	x.a.Links = slices.Grow(x.a.Links, len(rows))
	// One allocation for the tables (and the footer) rather than a copy
	// of the answer so far at every doubling.
	x.md.Grow(size + len(bars)*200 + 1024)
	head := []string{"Opportunity", "Account", "Amount", "Close date", "Key contacts"}
	for _, b := range bars {
		fmt.Fprintf(&x.md, "\n### %s — %s, %s\n\n", cellText(b.Label), count(b.Count, "deal", "deals"), x.e.money(b.Value))
		tableHead(&x.md, head)
		for _, r := range byStage[b.Label] {
			o := readOrganised(r)
			x.a.Links = append(x.a.Links, Link{Object: "Opportunity", ID: o.id, Name: o.name})
			x.md.WriteString("|")
			writeCell(&x.md, o.name)
			writeCell(&x.md, o.account)
			writeCell(&x.md, x.e.money(o.amount))
			writeCell(&x.md, o.closeDate)
			x.md.WriteString(" ")
			writeKeyContacts(&x.md, o.roles)
			x.md.WriteString(" |\n")
		}
	}
	return nil
}

// organised is an opportunity row of organise's query.
type organised struct {
	id, name, account, stage, closeDate string
	amount                              float64
	roles                               *soql.ChildSet
}

// readOrganised reads an opportunity row of organise's query; its fields
// are where the query puts them (else looked up by name).
func readOrganised(r rowLike) organised {
	o := organised{
		id:        text(at(r, 1, "Id")),
		name:      text(at(r, 2, "Name")),
		stage:     text(at(r, 4, "StageName")),
		closeDate: text(at(r, 6, "CloseDate")),
	}
	if acc, ok := at(r, 3, "Account").(*soql.Row); ok && acc != nil {
		o.account = text(at(acc, 1, "Name"))
	}
	o.amount, _ = number(at(r, 5, "Amount"))
	o.roles, _ = at(r, 7, "OpportunityContactRoles").(*soql.ChildSet)
	return o
}

// contactRole is a row of organise's OpportunityContactRoles.
type contactRole struct {
	name, role string
	primary    bool
}

func readRole(r rowLike) contactRole {
	var c contactRole
	if ct, ok := at(r, 1, "Contact").(*soql.Row); ok && ct != nil {
		c.name = text(at(ct, 1, "Name"))
	}
	c.role = text(at(r, 2, "Role"))
	c.primary, _ = at(r, 3, "IsPrimary").(bool)
	return c
}

// writeKeyContacts writes the key contacts of an opportunity, from its
// OpportunityContactRoles, as a table cell (cellText): "Name (Role)" each,
// in bold when primary, joined by ", "; "no contact roles" when that is
// empty.
func writeKeyContacts(b *strings.Builder, roles *soql.ChildSet) {
	var recs []rowLike
	if roles != nil {
		recs = roles.Records
	}
	if len(recs) == 0 || len(recs) == 1 && readRole(recs[0]) == (contactRole{}) {
		b.WriteString("no contact roles")
		return
	}
	for i, r := range recs {
		c := readRole(r)
		if i > 0 {
			b.WriteString(", ")
		}
		if c.primary {
			b.WriteString("**")
		}
		writeCellPart(b, c.name)
		if c.role != "" {
			b.WriteString(" (")
			writeCellPart(b, c.role)
			b.WriteString(")")
		}
		if c.primary {
			b.WriteString("**")
		}
	}
}

// list answers "show / list RECORDS ..." with the question's filters.
func (x *exec) list(q *question) error {
	if q.object != "Opportunity" {
		s := x.otherScope(q)
		nf := nameField(q.object)
		rows, err := x.query(fmt.Sprintf("SELECT Id, %s, Owner.Name FROM %s%s ORDER BY %s", nf, q.object, s.where(), nf))
		if err != nil {
			return err
		}
		x.a.Rows = rows
		fmt.Fprintf(&x.md, "**%s** %s\n\n", count(len(rows), objectPlural[q.object][0], objectPlural[q.object][1]), s.text())
		x.listing(q.object, rows, []string{nf, "Owner"}, func(r rowLike) []string { return []string{str(r, nf), str(r, "Owner.Name")} }, 50)
		return nil
	}
	s := x.oppScope(q, "", q.status)
	rows, total, err := x.opportunityRows(s, false, " ORDER BY CloseDate, Name")
	if err != nil {
		return err
	}
	fmt.Fprintf(&x.md, "**%s, %s** — %sopportunities %s.\n\n", count(len(rows), "opportunity", "opportunities"), x.e.money(total), statusWord(q.status), s.text())
	x.listOpportunities(rows, false)
	return nil
}

// byPeriod answers a breakdown by fiscal quarter, fiscal year or calendar
// month of the close date (or of the created date for "created").
func (x *exec) byPeriod(q *question, object string, s *scope, status string) error {
	field := "CloseDate"
	switch {
	case object != "Opportunity" && object != "Task" && object != "Event":
		field = "CreatedDate"
	case object != "Opportunity":
		field = "ActivityDate"
	case q.dateField == "CreatedDate":
		field = "CreatedDate"
	}
	var keys []string
	switch q.group {
	case "quarter":
		keys = []string{"FISCAL_YEAR(" + field + ")", "FISCAL_QUARTER(" + field + ")"}
	case "year":
		keys = []string{"FISCAL_YEAR(" + field + ")"}
	case "month":
		keys = []string{"CALENDAR_YEAR(" + field + ")", "CALENDAR_MONTH(" + field + ")"}
	}
	agg := map[metric]string{metricSum: "SUM(Amount) total, COUNT(Id) n", metricAvg: "AVG(Amount) total, COUNT(Id) n",
		metricCount: "COUNT(Id) n", metricRate: "COUNT(Id) n"}[q.metric]
	sel := make([]string, len(keys))
	for i, k := range keys {
		sel[i] = fmt.Sprintf("%s p%d", k, i)
	}
	groupBy := strings.Join(keys, ", ")
	if q.metric == metricRate {
		sel = append(sel, "IsWon")
		groupBy += ", IsWon"
	}
	s.add(field+" != null", "")
	rows, err := x.query("SELECT " + strings.Join(sel, ", ") + ", " + agg + " FROM " + object + s.where() + " GROUP BY " + groupBy)
	if err != nil {
		return err
	}
	x.a.Rows = rows
	type acc struct {
		key            [2]int
		value          float64
		n, won, closed int
	}
	groups := map[[2]int]*acc{}
	for _, r := range rows {
		var k [2]int
		for i := range keys {
			v, _ := num(r, fmt.Sprintf("p%d", i))
			k[i] = int(v)
		}
		g := groups[k]
		if g == nil {
			g = &acc{key: k}
			groups[k] = g
		}
		n, _ := num(r, "n")
		v, _ := num(r, "total")
		switch q.metric {
		case metricSum:
			g.value += v
		case metricAvg:
			g.value = v
		case metricCount:
			g.value += n
		case metricRate:
			g.closed += int(n)
			if boolean(r, "IsWon") {
				g.won += int(n)
			}
		}
		g.n += int(n)
	}
	var list []*acc
	for _, g := range groups {
		if q.metric == metricRate {
			g.value = float64(g.won) / float64(max(1, g.closed))
		}
		list = append(list, g)
	}
	slices.SortFunc(list, func(a, b *acc) int { return cmp.Or(cmp.Compare(a.key[0], b.key[0]), cmp.Compare(a.key[1], b.key[1])) })
	var bars []Bar
	for _, g := range list {
		var label string
		switch q.group {
		case "quarter":
			label = fmt.Sprintf("FY%d Q%d", g.key[0], g.key[1])
		case "year":
			label = fmt.Sprintf("FY%d", g.key[0])
		case "month":
			label = fmt.Sprintf("%04d-%02d", g.key[0], g.key[1])
		}
		bars = append(bars, Bar{Label: label, Value: g.value, Count: g.n})
	}
	x.a.Breakdown = bars
	noun := objectPlural[object][1]
	if object == "Opportunity" {
		noun = statusWord(status) + noun
	}
	what := map[metric]string{metricSum: "Total amount", metricAvg: "Average amount", metricCount: "Number", metricRate: "Win rate (won ÷ closed)"}[q.metric]
	per := map[string]string{"quarter": "fiscal quarter", "year": "fiscal year", "month": "calendar month"}[q.group]
	scopeText := s.text()
	if scopeText != "" {
		scopeText = " " + scopeText
	}
	fmt.Fprintf(&x.md, "**%s of %s%s by %s of %s**\n\n", what, noun, scopeText, per, map[string]string{"CloseDate": "close date", "CreatedDate": "created date", "ActivityDate": "activity date"}[field])
	format := x.e.money
	switch q.metric {
	case metricCount:
		format = func(v float64) string { return group(fmt.Sprint(int(v))) }
	case metricRate:
		format = percent
	}
	if len(bars) == 0 {
		x.md.WriteString("Nothing matches.\n")
		return nil
	}
	barChart(&x.md, bars, format)
	return nil
}

// words is how an answer names the filter: "in Germany", "in industry Retail".
func (p *place) words() string {
	if p.field == "Industry" {
		return "in industry " + p.value
	}
	return "in " + p.value
}

// rankAccounts ranks groups of accounts by their number ("top industries
// by number of accounts").
func (x *exec) rankAccounts(q *question, entity string, n int, dir string) error {
	gf, _ := groupField("Account", entity)
	if gf == "" {
		x.notUnderstood(q, "I can't rank accounts by "+entity+".")
		return nil
	}
	q.object = "Account"
	s := x.otherScope(q)
	rows, err := x.query(fmt.Sprintf("SELECT %s grp, COUNT(Id) n FROM Account%s GROUP BY %s ORDER BY COUNT(Id) %s LIMIT %d", gf, s.where(), gf, dir, n))
	if err != nil {
		return err
	}
	x.a.Rows = rows
	var bars []Bar
	for _, r := range rows {
		c, _ := num(r, "n")
		bars = append(bars, Bar{Label: str(r, "grp"), Value: c, Count: int(c)})
	}
	x.a.Breakdown = bars
	scopeText := s.text()
	if scopeText != "" {
		scopeText = ", " + scopeText
	}
	fmt.Fprintf(&x.md, "**%s by number of accounts%s**\n\n", topWords(len(bars), entity), scopeText)
	if len(bars) == 0 {
		x.md.WriteString("No accounts match.\n")
		return nil
	}
	barChart(&x.md, bars, func(v float64) string { return fmt.Sprint(int(v)) })
	return nil
}

// topWords is "Top 5 accounts", or "The top account" for one.
func topWords(n int, entity string) string {
	if n == 1 {
		return "The top " + groupLabels[entity]
	}
	plural := map[string]string{"account": "accounts", "owner": "owners", "industry": "industries", "country": "billing countries",
		"state": "billing states", "stage": "stages"}[entity]
	return fmt.Sprintf("Top %d %s", n, plural)
}
