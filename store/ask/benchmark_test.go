package ask

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
)

// The benchmark: every question of testdata/questions.txt is asked of the
// engine over a cache synced from the emulator's demo org, and its answer is
// checked against an expectation computed here, independently, with plain
// loops over the demo generator's raw records (never through the engine or
// SOQL). It fails below 95% overall or below 80% in any family.

type benchItem struct {
	line     int
	family   string
	question string
	expect   []string
}

func loadQuestions(t *testing.T) []benchItem {
	t.Helper()
	f, err := os.Open("testdata/questions.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []benchItem
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		if len(parts) != 3 {
			t.Fatalf("questions.txt:%d: want FAMILY | QUESTION | EXPECTATION", n)
		}
		items = append(items, benchItem{line: n, family: strings.TrimSpace(parts[0]), question: strings.TrimSpace(parts[1]), expect: splitQuoted(parts[2])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return items
}

// splitQuoted splits on spaces, keeping "quoted text" (and key="quoted
// text") together, without the quotes.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '"':
			in = !in
		case r == ' ' && !in:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// rawOrg is the demo org as the generator made it.
type rawOrg struct {
	me       string
	today    string // "2006-01-02"
	now      time.Time
	users    map[string]string // id -> name
	userByNm map[string]string
	accounts map[string]map[string]any
	acctByNm map[string]string
	byObject map[string][]map[string]any
	oppByID  map[string]map[string]any
}

func newRawOrg(d *demo.Data, now time.Time) *rawOrg {
	o := &rawOrg{
		me: d.MeID, today: now.Format("2006-01-02"), now: now,
		users: map[string]string{}, userByNm: map[string]string{}, accounts: map[string]map[string]any{},
		acctByNm: map[string]string{}, byObject: map[string][]map[string]any{}, oppByID: map[string]map[string]any{},
	}
	for _, r := range d.Records {
		f := r.Fields
		o.byObject[r.Object] = append(o.byObject[r.Object], f)
		id, _ := f["Id"].(string)
		name, _ := f["Name"].(string)
		switch r.Object {
		case "User":
			o.users[id], o.userByNm[name] = name, id
		case "Account":
			o.accounts[id], o.acctByNm[name] = f, id
		case "Opportunity":
			o.oppByID[id] = f
		}
	}
	return o
}

func s(f map[string]any, k string) string { v, _ := f[k].(string); return v }

func amount(f map[string]any) (float64, bool) { v, ok := f["Amount"].(float64); return v, ok }

func stageOf(f map[string]any) demo.Stage { st, _ := demo.StageByName(s(f, "StageName")); return st }

// filters are an expectation's record filters.
type filters map[string]string

func parseFilters(words []string) filters {
	f := filters{}
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		f[k] = v
	}
	return f
}

func inRange(v, rng string) bool {
	from, to, _ := strings.Cut(rng, "..")
	if len(v) < 10 {
		return false
	}
	v = v[:10]
	return v >= from && v <= to
}

func parseDT(v string) time.Time {
	t, _ := time.Parse("2006-01-02T15:04:05.000-0700", v)
	return t
}

// match reports whether record f of object passes the filters.
func (o *rawOrg) match(object string, f map[string]any, fl filters) bool {
	for k, v := range fl {
		switch k {
		case "owner":
			id := o.me
			if v != "me" {
				id = o.userByNm[v]
			}
			if s(f, "OwnerId") != id {
				return false
			}
		case "account":
			field := "AccountId"
			if object == "Account" {
				field = "Id"
			}
			if s(f, field) != o.acctByNm[v] {
				return false
			}
		case "industry":
			acct := f
			if object != "Account" {
				acct = o.accounts[s(f, "AccountId")]
			}
			if s(acct, "Industry") != v {
				return false
			}
		case "country":
			acct := f
			if object != "Account" {
				acct = o.accounts[s(f, "AccountId")]
			}
			if s(acct, "BillingCountry") != v {
				return false
			}
		case "status":
			st := stageOf(f)
			ok := map[string]bool{"open": !st.Closed, "won": st.Won, "lost": st.Closed && !st.Won, "closed": st.Closed}[v]
			if !ok {
				return false
			}
		case "amountgt":
			a, ok := amount(f)
			limit, _ := strconv.ParseFloat(v, 64)
			if !ok || a <= limit {
				return false
			}
		case "stage":
			if s(f, "StageName") != v {
				return false
			}
		case "close":
			if !inRange(s(f, "CloseDate"), v) {
				return false
			}
		case "created":
			if !inRange(s(f, "CreatedDate"), v) {
				return false
			}
		case "overdue":
			if s(f, "Status") == "Completed" || s(f, "ActivityDate") == "" || s(f, "ActivityDate") >= o.today {
				return false
			}
		case "event":
			// events on an ActivityDate in a range
			if !inRange(s(f, "ActivityDate"), v) {
				return false
			}
		case "due":
			if !inRange(s(f, "ActivityDate"), v) {
				return false
			}
		case "taskstatus":
			if (s(f, "Status") == "Completed") != (v == "completed") {
				return false
			}
		case "stale":
			days, _ := strconv.Atoi(v)
			today, _ := time.Parse("2006-01-02", o.today)
			if !parseDT(s(f, "LastModifiedDate")).Before(today.AddDate(0, 0, -days)) {
				return false
			}
		}
	}
	return true
}

var objectNames = map[string]string{"opp": "Opportunity", "account": "Account", "contact": "Contact", "lead": "Lead", "task": "Task", "event": "Event"}

func (o *rawOrg) records(obj string, fl filters) []map[string]any {
	object := objectNames[obj]
	var out []map[string]any
	for _, f := range o.byObject[object] {
		if o.match(object, f, fl) {
			out = append(out, f)
		}
	}
	return out
}

// groupLabel is the label of record f of object in a breakdown by field.
func (o *rawOrg) groupLabel(object, field string, f map[string]any) string {
	acct := f
	if object != "Account" {
		acct = o.accounts[s(f, "AccountId")]
	}
	switch field {
	case "stage":
		return s(f, "StageName")
	case "owner":
		return o.users[s(f, "OwnerId")]
	case "country":
		return s(acct, "BillingCountry")
	case "state":
		return s(acct, "BillingState")
	case "industry":
		return s(acct, "Industry")
	case "type":
		return s(f, "Type")
	case "accounttype":
		return s(acct, "Type")
	case "account":
		return s(acct, "Name")
	case "quarter":
		// the demo's fiscal year starts in February and is named by the
		// calendar year it ends in
		d, _ := time.Parse("2006-01-02", s(f, "CloseDate"))
		fy, m := d.Year(), int(d.Month())
		if m >= demo.FiscalYearStartMonth {
			fy++
		}
		return fmt.Sprintf("FY%d Q%d", fy, (m-demo.FiscalYearStartMonth+12)%12/3+1)
	case "month":
		return s(f, "CloseDate")[:7]
	}
	panic("unknown group field " + field)
}

// aggregate computes sum, avg, count or rate over recs (ok false: no value).
func aggregate(agg string, recs []map[string]any) (float64, bool) {
	switch agg {
	case "count":
		return float64(len(recs)), true
	case "sum":
		t := 0.0
		for _, r := range recs {
			a, _ := amount(r)
			t += a
		}
		return t, true
	case "avg":
		t, n := 0.0, 0
		for _, r := range recs {
			if a, ok := amount(r); ok {
				t += a
				n++
			}
		}
		if n == 0 {
			return 0, false
		}
		return t / float64(n), true
	case "rate":
		won, closed := 0, 0
		for _, r := range recs {
			st := stageOf(r)
			if st.Closed {
				closed++
				if st.Won {
					won++
				}
			}
		}
		if closed == 0 {
			return 0, false
		}
		return float64(won) / float64(closed), true
	}
	panic("unknown aggregate " + agg)
}

func (o *rawOrg) groups(agg, obj, field string, fl filters) map[string]float64 {
	object := objectNames[obj]
	by := map[string][]map[string]any{}
	for _, r := range o.records(obj, fl) {
		by[o.groupLabel(object, field, r)] = append(by[o.groupLabel(object, field, r)], r)
	}
	out := map[string]float64{}
	for k, recs := range by {
		if v, ok := aggregate(agg, recs); ok {
			out[k] = v
		}
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func linkSet(a *Answer, object string) map[string]bool {
	out := map[string]bool{}
	for _, l := range a.Links {
		if l.Object == object {
			out[l.ID] = true
		}
	}
	return out
}

func idSet(recs []map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, r := range recs {
		out[s(r, "Id")] = true
	}
	return out
}

func sameSet(got, want map[string]bool) error {
	missing, extra := 0, 0
	for k := range want {
		if !got[k] {
			missing++
		}
	}
	for k := range got {
		if !want[k] {
			extra++
		}
	}
	if missing+extra > 0 {
		return fmt.Errorf("%d expected records missing, %d unexpected (want %d)", missing, extra, len(want))
	}
	return nil
}

// lastActivityDate is the latest ActivityDate, not after today, among the
// tasks and events on the account or on one of its opportunities.
func (o *rawOrg) lastActivityDate(account string) string {
	best := ""
	for _, obj := range []string{"Task", "Event"} {
		for _, f := range o.byObject[obj] {
			what := s(f, "WhatId")
			on := what == account || s(o.oppByID[what], "AccountId") == account
			if on && s(f, "ActivityDate") <= o.today && s(f, "ActivityDate") > best {
				best = s(f, "ActivityDate")
			}
		}
	}
	return best
}

// mainContacts are the account's contacts with a role on its opportunities
// (all of its contacts when none has one).
func (o *rawOrg) mainContacts(account string) map[string]bool {
	out := map[string]bool{}
	for _, r := range o.byObject["OpportunityContactRole"] {
		if s(o.oppByID[s(r, "OpportunityId")], "AccountId") == account {
			out[s(r, "ContactId")] = true
		}
	}
	if len(out) == 0 {
		for _, c := range o.byObject["Contact"] {
			if s(c, "AccountId") == account {
				out[s(c, "Id")] = true
			}
		}
	}
	return out
}

// topContacts is, for every account (owned by owner when set), the contact
// with the most opportunity roles on its deals; ties go to the first name
// in alphabetical order, then the lowest Id.
func (o *rawOrg) topContacts(owner string) map[string]bool {
	names := map[string]string{}
	for _, c := range o.byObject["Contact"] {
		names[s(c, "Id")] = s(c, "Name")
	}
	type key struct{ account, contact string }
	n := map[key]int{}
	for _, r := range o.byObject["OpportunityContactRole"] {
		acct := s(o.oppByID[s(r, "OpportunityId")], "AccountId")
		if owner != "" && s(o.accounts[acct], "OwnerId") != owner {
			continue
		}
		n[key{acct, s(r, "ContactId")}]++
	}
	best := map[string]key{}
	for k, c := range n {
		b, ok := best[k.account]
		if !ok || c > n[b] || c == n[b] && cmp.Or(cmp.Compare(names[k.contact], names[b.contact]), cmp.Compare(k.contact, b.contact)) < 0 {
			best[k.account] = k
		}
	}
	out := map[string]bool{}
	for _, k := range best {
		out[k.contact] = true
	}
	return out
}

// check compares an answer with an expectation.
func (o *rawOrg) check(it benchItem, a *Answer) error {
	ex := it.expect
	if ex[0] == "unknown" {
		if a.Understood || a.Value != nil {
			return fmt.Errorf("answered (understood=%v) a question it should not", a.Understood)
		}
		return nil
	}
	if !a.Understood {
		return fmt.Errorf("not understood")
	}
	if ex[len(ex)-1] == "ambiguous" {
		ex = ex[:len(ex)-1]
		if !strings.Contains(a.Markdown, "Also matching") {
			return fmt.Errorf("does not say which of several accounts it chose")
		}
	}
	switch ex[0] {
	case "value":
		want, ok := aggregate(ex[1], o.records(ex[2], parseFilters(ex[3:])))
		if !ok {
			if a.Value != nil {
				return fmt.Errorf("value %v, want none", *a.Value)
			}
			return nil
		}
		if a.Value == nil {
			return fmt.Errorf("no value, want %v", want)
		}
		if !near(*a.Value, want) {
			return fmt.Errorf("value %v, want %v", *a.Value, want)
		}
	case "groups":
		want := o.groups(ex[1], ex[2], ex[4], parseFilters(ex[5:]))
		got := map[string]float64{}
		for _, b := range a.Breakdown {
			got[b.Label] = b.Value
		}
		if len(got) != len(want) {
			return fmt.Errorf("%d groups, want %d", len(got), len(want))
		}
		for k, v := range want {
			if g, ok := got[k]; !ok || !near(g, v) {
				return fmt.Errorf("group %q = %v, want %v", k, g, v)
			}
		}
	case "topvalues":
		n, _ := strconv.Atoi(ex[1])
		var amounts []float64
		for _, r := range o.records(ex[2], parseFilters(ex[3:])) {
			if v, ok := amount(r); ok {
				amounts = append(amounts, v)
			}
		}
		slices.SortFunc(amounts, func(a, b float64) int { return cmp.Compare(b, a) })
		amounts = amounts[:min(n, len(amounts))]
		var got []float64
		for _, b := range a.Breakdown {
			got = append(got, b.Value)
		}
		if !slices.Equal(got, amounts) {
			return fmt.Errorf("amounts %v, want %v", got, amounts)
		}
	case "topgroups":
		n, _ := strconv.Atoi(ex[1])
		var vals []float64
		for _, v := range o.groups(ex[2], ex[3], ex[5], parseFilters(ex[6:])) {
			vals = append(vals, v)
		}
		slices.SortFunc(vals, func(a, b float64) int { return cmp.Compare(b, a) })
		vals = vals[:min(n, len(vals))]
		var got []float64
		for _, b := range a.Breakdown {
			got = append(got, b.Value)
		}
		if len(got) != len(vals) {
			return fmt.Errorf("values %v, want %v", got, vals)
		}
		for i := range vals {
			if !near(got[i], vals[i]) {
				return fmt.Errorf("values %v, want %v", got, vals)
			}
		}
	case "links":
		return sameSet(linkSet(a, objectNames[ex[1]]), idSet(o.records(ex[1], parseFilters(ex[2:]))))
	case "recent":
		n, _ := strconv.Atoi(ex[1])
		field := map[string]string{"created": "CreatedDate", "modified": "LastModifiedDate"}[ex[3]]
		recs := o.records(ex[2], parseFilters(ex[4:]))
		slices.SortFunc(recs, func(a, b map[string]any) int { return parseDT(s(b, field)).Compare(parseDT(s(a, field))) })
		want := min(n, len(recs))
		got := linkSet(a, objectNames[ex[2]])
		if len(got) != want {
			return fmt.Errorf("%d records, want %d", len(got), want)
		}
		if want == 0 {
			return nil
		}
		cut := parseDT(s(recs[want-1], field))
		for _, r := range recs {
			t := parseDT(s(r, field))
			if t.After(cut) && !got[s(r, "Id")] {
				return fmt.Errorf("missing %s (%s %s)", s(r, "Id"), field, s(r, field))
			}
			if t.Before(cut) && got[s(r, "Id")] {
				return fmt.Errorf("named %s, older than the %d most recent", s(r, "Id"), n)
			}
		}
	case "overview":
		id := o.acctByNm[ex[1]]
		if len(a.Links) == 0 || a.Links[0].ID != id {
			return fmt.Errorf("account %v, want %s", a.Links, ex[1])
		}
		return sameSet(linkSet(a, "Opportunity"), idSet(o.records("opp", filters{"account": ex[1], "status": "open"})))
	case "latest":
		id := o.acctByNm[ex[1]]
		if len(a.Links) == 0 || a.Links[0].ID != id {
			return fmt.Errorf("account %v, want %s", a.Links, ex[1])
		}
		want := o.lastActivityDate(id)
		for _, l := range a.Links {
			if l.Object != "Task" && l.Object != "Event" {
				continue
			}
			for _, f := range o.byObject[l.Object] {
				if s(f, "Id") == l.ID {
					if s(f, "ActivityDate") != want {
						return fmt.Errorf("first activity on %s, want %s", s(f, "ActivityDate"), want)
					}
					return nil
				}
			}
			return fmt.Errorf("unknown activity %s", l.ID)
		}
		if want != "" {
			return fmt.Errorf("no activity named, want one on %s", want)
		}
	case "contacts":
		id := o.acctByNm[ex[1]]
		if len(a.Links) == 0 || a.Links[0].ID != id {
			return fmt.Errorf("account %v, want %s", a.Links, ex[1])
		}
		return sameSet(linkSet(a, "Contact"), o.mainContacts(id))
	case "maincontacts":
		owner := ""
		if parseFilters(ex[1:])["owner"] == "me" {
			owner = o.me
		}
		return sameSet(linkSet(a, "Contact"), o.topContacts(owner))
	case "organise":
		return sameSet(linkSet(a, "Opportunity"), idSet(o.records("opp", parseFilters(ex[1:]))))
	default:
		return fmt.Errorf("questions.txt:%d: unknown expectation %q", it.line, ex[0])
	}
	return nil
}

func TestBenchmarkAccuracy(t *testing.T) {
	st, _ := syncedDemo(t)
	e, err := New(st, Options{Now: func() time.Time { return benchNow }})
	if err != nil {
		t.Fatal(err)
	}
	raw := newRawOrg(demo.Generate(demo.Config{Seed: demoSeed, Now: benchNow}), benchNow)
	// The cache holds what the generator made (the default sync scope
	// covers the whole demo org).
	for _, obj := range []string{"Opportunity", "Task", "Event", "Account", "Contact", "OpportunityContactRole"} {
		if n, err := st.Count(obj); err != nil || n != len(raw.byObject[obj]) {
			t.Fatalf("cache holds %d %s (%v), the generator made %d", n, obj, err, len(raw.byObject[obj]))
		}
	}
	items := loadQuestions(t)
	if len(items) < 100 {
		t.Fatalf("%d questions, want at least 100", len(items))
	}
	type score struct{ ok, all int }
	scores := map[string]*score{}
	var families []string
	total := score{}
	for _, it := range items {
		sc := scores[it.family]
		if sc == nil {
			sc = &score{}
			scores[it.family] = sc
			families = append(families, it.family)
		}
		sc.all++
		total.all++
		a, err := e.Ask(context.Background(), it.question)
		if err == nil {
			err = raw.check(it, a)
		}
		if err != nil {
			t.Logf("MISS %s: %q: %v", it.family, it.question, err)
			continue
		}
		sc.ok++
		total.ok++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ask benchmark accuracy (%d questions):\n", total.all)
	failed := false
	for _, f := range families {
		sc := scores[f]
		pct := 100 * float64(sc.ok) / float64(sc.all)
		fmt.Fprintf(&b, "  %-10s %3d/%-3d %5.1f%%\n", f, sc.ok, sc.all, pct)
		if pct < 80 {
			failed = true
		}
	}
	overall := 100 * float64(total.ok) / float64(total.all)
	fmt.Fprintf(&b, "  %-10s %3d/%-3d %5.1f%%", "overall", total.ok, total.all, overall)
	t.Log(b.String())
	if failed || overall < 95 {
		t.Errorf("accuracy below the bar (95%% overall, 80%% per family):\n%s", b.String())
	}
}
