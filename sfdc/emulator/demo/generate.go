// Package demo generates the emulator's demo org: a deterministic, believable
// sales org (users, accounts, contacts, leads, opportunities on two record
// types, contact roles, tasks and events) laid out around "today".
package demo

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

// Pod is the two-character instance marker in every generated id.
const Pod = "Dm"

// idBase offsets generated serials so ids look like real ones.
const idBase = 1_000_000_000

// Config selects what Generate produces.
type Config struct {
	Seed  int64
	Scale int       // multiplies record counts; values below 1 mean 1
	Now   time.Time // "today"; the zero value means time.Now()
	// SetupOnly generates only the organization, users, record types and
	// opportunity stages: an empty org for tests that create their own data.
	SetupOnly bool
}

// Record is one generated row of Object. Fields use API names and JSON
// values (nil, bool, float64, string; dates "2006-01-02", datetimes
// "2006-01-02T15:04:05.000+0000").
type Record struct {
	Object string
	Fields map[string]any
}

// Data is a generated org.
type Data struct {
	OrgID      string
	OrgName    string
	MeID       string // the logged-in rep
	MeUsername string
	Records    []Record // parents before children (nil from Stream)
	// RecordTypes maps Opportunity record type developer names to ids.
	RecordTypes map[string]string
}

// Counts per scale unit.
const (
	accountsPerScale = 300
	leadsPerScale    = 500
	tasksPerScale    = 5500
	eventsPerScale   = 2500
)

// DateLayout is the layout of Salesforce date values.
const DateLayout = "2006-01-02"

type generator struct {
	r        *rand.Rand
	now      time.Time
	today    time.Time
	scale    int
	data     *Data
	counters map[string]uint64

	users       []user
	sellerList  []user
	stageByName map[string]Stage
	roles       []string
	emit        func(Record)
	leads       []leadRef
	words       wordLists
	rtNB        string
	rtRenew     string
	accounts    []account
}

type user struct {
	id, first, last, title string
	seller                 bool
}

type account struct {
	id, name, owner, domain, segment string
	contacts                         []string
	opps                             []opp
}

type leadRef struct{ id, owner string }

type opp struct {
	id, owner, account string
}

// Generate builds the demo org for cfg. The same Seed, Scale and Now always
// give the same records.
func Generate(cfg Config) *Data {
	var records []Record
	if cfg.SetupOnly {
		records = make([]Record, 0, 32)
	} else {
		records = make([]Record, 0, 16+max(1, cfg.Scale)*(accountsPerScale*10+leadsPerScale+tasksPerScale+eventsPerScale))
	}
	d := Stream(cfg, func(r Record) { records = append(records, r) })
	d.Records = records
	return d
}

// Stream generates the demo org like Generate but hands each record to emit
// as soon as it exists (parents before children) instead of collecting
// them; the returned Data has no Records. The emulator loads while the
// generator runs.
func Stream(cfg Config, emit func(Record)) *Data {
	if cfg.Scale < 1 {
		cfg.Scale = 1
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	g := &generator{
		r:        rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6c617a79666f7263)),
		now:      now,
		today:    time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		scale:    cfg.Scale,
		data:     &Data{OrgName: "Lazyforce Demo Co.", RecordTypes: map[string]string{}},
		counters: map[string]uint64{},
		words:    newWordLists(),
		roles:    ContactRoles(),
		emit:     emit,
	}
	g.setup(cfg.Seed)
	if !cfg.SetupOnly {
		g.genAccounts()
		g.genLeads()
		g.genOpportunities()
		g.genActivities()
	}
	return g.data
}

// id mints the next id for a key prefix.
func (g *generator) id(prefix string) string {
	g.counters[prefix]++
	return string(sfdc.NewID(prefix, Pod, idBase+g.counters[prefix]))
}

// add appends a record, dropping nil fields (absent means null).
func (g *generator) add(object string, f map[string]any) {
	for k, v := range f {
		if v == nil {
			delete(f, k)
		}
	}
	g.emit(Record{Object: object, Fields: f})
}

func (g *generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

// odds is a value and the chance of taking it.
type odds struct {
	p float64
	v string
}

// firstChance returns the value of the first of choices whose chance comes
// up, drawn in turn, or def when none does.
func (g *generator) firstChance(def string, choices ...odds) string {
	for _, c := range choices {
		if g.chance(c.p) {
			return c.v
		}
	}
	return def
}

// stamp sets the audit fields of a record created at created by owner and
// last modified at modified.
func stamp(f map[string]any, owner string, created, modified time.Time) {
	if modified.Before(created) {
		modified = created
	}
	c, m := FormatDateTime(created), FormatDateTime(modified)
	f["CreatedDate"] = c
	f["CreatedById"] = owner
	f["LastModifiedDate"] = m
	f["LastModifiedById"] = owner
	f["SystemModstamp"] = m
	f["IsDeleted"] = false
}

// FormatDateTime renders t as a Salesforce datetime in UTC
// ("2006-01-02T15:04:05.000+0000"). It is hand-rolled because the
// generator formats millions of timestamps at large scales.
func FormatDateTime(t time.Time) string {
	t = t.UTC()
	var b [28]byte
	putDate(b[:10], t)
	b[10] = 'T'
	put2(b[11:], t.Hour())
	b[13] = ':'
	put2(b[14:], t.Minute())
	b[16] = ':'
	put2(b[17:], t.Second())
	b[19] = '.'
	ms := t.Nanosecond() / 1e6
	b[20], b[21], b[22] = byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10)
	copy(b[23:], "+0000")
	return string(b[:])
}

// FormatDate renders t as a Salesforce date ("2006-01-02").
func FormatDate(t time.Time) string {
	var b [10]byte
	putDate(b[:], t)
	return string(b[:])
}

func putDate(b []byte, t time.Time) {
	y := t.Year()
	b[0], b[1], b[2], b[3] = byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4] = '-'
	put2(b[5:], int(t.Month()))
	b[7] = '-'
	put2(b[8:], t.Day())
}

func put2(b []byte, n int) { b[0], b[1] = byte('0'+n/10), byte('0'+n%10) }

// clampPast keeps t at or before now.
func (g *generator) clampPast(t time.Time) time.Time {
	if t.After(g.now) {
		return g.now.Add(-time.Duration(g.r.IntN(3600)) * time.Second)
	}
	return t
}

// workTime returns a moment during business hours on day.
func (g *generator) workTime(day time.Time) time.Time {
	return day.Add(time.Duration(8*3600+g.r.IntN(9*3600)) * time.Second)
}

func (g *generator) setup(seed int64) {
	orgSerial := uint64(seed%1000+1000) % 1000
	g.data.OrgID = string(sfdc.NewID("00D", Pod, idBase+orgSerial))
	orgCreated := g.today.AddDate(-3, 0, 0)
	people := []struct {
		first, last, title, dept, username string
		seller                             bool
	}{
		{"Riley", "Parker", "Account Executive", "Sales", "rep@demo.lazyforce.dev", true},
		{"Jordan", "Ellis", "VP of Sales", "Sales", "jordan.ellis@demo.lazyforce.dev", false},
		{"Sam", "Okafor", "Account Executive", "Sales", "sam.okafor@demo.lazyforce.dev", true},
		{"Priya", "Natarajan", "Senior Account Executive", "Sales", "priya.natarajan@demo.lazyforce.dev", true},
		{"Marco", "Bianchi", "Account Executive", "Sales", "marco.bianchi@demo.lazyforce.dev", true},
		{"Hannah", "Schultz", "Sales Development Rep", "Sales", "hannah.schultz@demo.lazyforce.dev", false},
		{"Ken", "Watanabe", "Sales Engineer", "Sales", "ken.watanabe@demo.lazyforce.dev", false},
		{"Dana", "Whitfield", "Salesforce Administrator", "IT", "dana.whitfield@demo.lazyforce.dev", false},
	}
	profiles := map[string]string{}
	for _, p := range []struct{ name, desc string }{
		{"System Administrator", "Full access to the org"},
		{"Standard User", "Sales users"},
	} {
		id := g.id("00e")
		profiles[p.name] = id
		f := map[string]any{"Id": id, "Name": p.name, "UserType": "Standard", "Description": p.desc}
		stamp(f, "", orgCreated, orgCreated)
		delete(f, "CreatedById")
		delete(f, "LastModifiedById")
		g.add("Profile", f)
	}
	admin := ""
	ids := make([]string, len(people))
	for i := range people {
		ids[i] = g.id("005")
	}
	for i, p := range people {
		id := ids[i]
		if i == 0 {
			g.data.MeID, g.data.MeUsername = id, p.username
		}
		g.users = append(g.users, user{id: id, first: p.first, last: p.last, title: p.title, seller: p.seller})
		f := map[string]any{
			"Id": id, "Username": p.username, "FirstName": p.first, "LastName": p.last,
			"Name": p.first + " " + p.last, "Email": strings.Replace(p.username, "rep@", "riley.parker@", 1),
			"Alias": strings.ToLower(p.first[:1] + p.last[:min(4, len(p.last))]), "Title": p.title,
			"Department": p.dept, "CompanyName": g.data.OrgName, "IsActive": true,
			"TimeZoneSidKey": "GMT", "LocaleSidKey": "en_US", "LanguageLocaleKey": "en_US",
			"EmailEncodingKey": "UTF-8", "UserType": "Standard", "Phone": g.phone("415"),
		}
		if i != 1 {
			f["ManagerId"] = ids[1]
		}
		f["ProfileId"] = profiles["Standard User"]
		if p.dept == "IT" {
			f["ProfileId"] = profiles["System Administrator"]
		}
		if i == 7 {
			admin = id
		}
		stamp(f, id, orgCreated.AddDate(0, 0, i), orgCreated.AddDate(0, 1, i))
		g.add("User", f)
	}
	if admin == "" {
		admin = g.data.MeID
	}

	org := map[string]any{
		"Id": g.data.OrgID, "Name": g.data.OrgName, "FiscalYearStartMonth": float64(FiscalYearStartMonth),
		"UsesStartDateAsFiscalYearName": false, "DefaultCurrencyIsoCode": "USD", "InstanceName": "DM1",
		"IsSandbox": false, "OrganizationType": "Enterprise Edition", "NamespacePrefix": nil,
		"TrialExpirationDate": nil, "TimeZoneSidKey": "GMT", "LanguageLocaleKey": "en_US",
		"DefaultLocaleSidKey": "en_US", "Country": "United States", "City": "San Francisco",
		"PrimaryContact": "Dana Whitfield",
	}
	stamp(org, admin, orgCreated, orgCreated)
	g.add("Organization", org)

	g.rtNB, g.rtRenew = g.id("012"), g.id("012")
	g.data.RecordTypes[RecordTypeNewBusiness], g.data.RecordTypes[RecordTypeRenewal] = g.rtNB, g.rtRenew
	for _, rt := range []struct{ id, name, dev, desc string }{
		{g.rtNB, "New Business", RecordTypeNewBusiness, "Deals with new customers and upsells"},
		{g.rtRenew, "Renewal", RecordTypeRenewal, "Subscription renewals"},
	} {
		f := map[string]any{"Id": rt.id, "Name": rt.name, "DeveloperName": rt.dev, "SobjectType": "Opportunity",
			"IsActive": true, "Description": rt.desc, "NamespacePrefix": nil}
		stamp(f, admin, orgCreated, orgCreated)
		g.add("RecordType", f)
	}
	for i, s := range Stages() {
		f := map[string]any{"Id": g.id("01J"), "MasterLabel": s.Name, "ApiName": s.Name, "IsActive": true,
			"SortOrder": float64(i + 1), "IsClosed": s.Closed, "IsWon": s.Won,
			"ForecastCategory": s.ForecastCategory, "ForecastCategoryName": s.ForecastName,
			"DefaultProbability": s.Probability, "Description": nil}
		stamp(f, admin, orgCreated, orgCreated)
		g.add("OpportunityStage", f)
	}
}

// RecordTypeIDs returns the ids of the demo org's Opportunity record types by
// developer name.
func (d *Data) RecordTypeIDs() map[string]string {
	out := make(map[string]string, len(d.RecordTypes))
	for k, v := range d.RecordTypes {
		out[k] = v
	}
	return out
}

func (g *generator) phone(area string) string {
	return "(" + area + ") 555-0" + itoa(100+g.r.IntN(900))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
