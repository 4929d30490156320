package soql

import (
	"fmt"
	"strings"
	"time"
)

// Stored value layouts (Salesforce JSON).
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02T15:04:05.000-0700"
)

// dateUnit is the period a date literal counts in.
type dateUnit int

const (
	unitDay dateUnit = iota
	unitWeek
	unitMonth
	unitQuarter
	unitYear
	unitFiscalQuarter
	unitFiscalYear
)

// dateLiteralKind says how a date literal's range relates to the current
// period of its unit.
type dateLiteralKind int

const (
	litThis  dateLiteralKind = iota // the current period
	litLast                         // the period before
	litNext                         // the period after
	litLastN                        // the n periods before the current one
	litNextN                        // the n periods after the current one
	litNAgo                         // the single period n periods ago
)

type dateLiteralSpec struct {
	unit   dateUnit
	kind   dateLiteralKind
	takesN bool
	fixedN int // LAST_90_DAYS, NEXT_90_DAYS
}

// dateLiterals maps each SOQL date literal to its meaning
// (docs: sforce_api_calls_soql_select_dateformats).
var dateLiterals = makeDateLiterals()

// makeDateLiterals spells out the literals: for every unit U, THIS_U, LAST_U,
// NEXT_U, LAST_N_Us:n, NEXT_N_Us:n and N_Us_AGO:n, except that days say
// YESTERDAY, TODAY and TOMORROW, and have LAST_90_DAYS and NEXT_90_DAYS too.
func makeDateLiterals() map[string]dateLiteralSpec {
	m := map[string]dateLiteralSpec{
		"YESTERDAY":    {unit: unitDay, kind: litLast},
		"TODAY":        {unit: unitDay, kind: litThis},
		"TOMORROW":     {unit: unitDay, kind: litNext},
		"LAST_90_DAYS": {unit: unitDay, kind: litLastN, fixedN: 90},
		"NEXT_90_DAYS": {unit: unitDay, kind: litNextN, fixedN: 90},
	}
	units := []struct {
		name string
		unit dateUnit
	}{
		{"DAY", unitDay},
		{"WEEK", unitWeek},
		{"MONTH", unitMonth},
		{"QUARTER", unitQuarter},
		{"YEAR", unitYear},
		{"FISCAL_QUARTER", unitFiscalQuarter},
		{"FISCAL_YEAR", unitFiscalYear},
	}
	for _, u := range units {
		if u.unit != unitDay {
			m["THIS_"+u.name] = dateLiteralSpec{unit: u.unit, kind: litThis}
			m["LAST_"+u.name] = dateLiteralSpec{unit: u.unit, kind: litLast}
			m["NEXT_"+u.name] = dateLiteralSpec{unit: u.unit, kind: litNext}
		}
		m["LAST_N_"+u.name+"S"] = dateLiteralSpec{unit: u.unit, kind: litLastN, takesN: true}
		m["NEXT_N_"+u.name+"S"] = dateLiteralSpec{unit: u.unit, kind: litNextN, takesN: true}
		m["N_"+u.name+"S_AGO"] = dateLiteralSpec{unit: u.unit, kind: litNAgo, takesN: true}
	}
	return m
}

// civil is a calendar date held as midnight UTC, so AddDate is exact.
type civil = time.Time

func civilDate(y int, m time.Month, d int) civil { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// dateRange is a half-open range of calendar days [Start, End).
type dateRange struct {
	Start, End civil
}

// calendar holds what date literals and date functions depend on.
type calendar struct {
	today       civil
	loc         *time.Location
	fiscalStart time.Month
	weekStart   time.Weekday
}

func newCalendar(env Env) calendar {
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	loc := env.Location
	if loc == nil {
		loc = time.UTC
	}
	fs := time.Month(env.FiscalYearStartMonth)
	if fs < 1 || fs > 12 {
		fs = time.January
	}
	t := now().In(loc)
	return calendar{today: civilDate(t.Year(), t.Month(), t.Day()), loc: loc, fiscalStart: fs, weekStart: env.WeekStart}
}

// periodStart returns the first day of the period of unit containing d.
func (c calendar) periodStart(d civil, u dateUnit) civil {
	switch u {
	case unitWeek:
		back := (int(d.Weekday()) - int(c.weekStart) + 7) % 7
		return d.AddDate(0, 0, -back)
	case unitMonth:
		return civilDate(d.Year(), d.Month(), 1)
	case unitQuarter:
		return civilDate(d.Year(), d.Month()-(d.Month()-1)%3, 1)
	case unitYear:
		return civilDate(d.Year(), time.January, 1)
	case unitFiscalQuarter, unitFiscalYear:
		fy := c.fiscalYearStart(d)
		if u == unitFiscalYear {
			return fy
		}
		months := monthsBetween(fy, d)
		return fy.AddDate(0, months-months%3, 0)
	}
	return d
}

// fiscalYearStart returns the first day of the fiscal year containing d.
func (c calendar) fiscalYearStart(d civil) civil {
	y := d.Year()
	if d.Month() < c.fiscalStart {
		y--
	}
	return civilDate(y, c.fiscalStart, 1)
}

func monthsBetween(a, b civil) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// addUnits moves d (a period start) by n periods of u.
func addUnits(d civil, u dateUnit, n int) civil {
	switch u {
	case unitDay:
		return d.AddDate(0, 0, n)
	case unitWeek:
		return d.AddDate(0, 0, 7*n)
	case unitMonth:
		return d.AddDate(0, n, 0)
	case unitQuarter, unitFiscalQuarter:
		return d.AddDate(0, 3*n, 0)
	default:
		return d.AddDate(n, 0, 0)
	}
}

// dateLiteralRange computes the day range of a date literal.
//
// LAST_N_DAYS:n starts n days before today and includes today (n+1 days);
// NEXT_N_DAYS:n starts tomorrow and lasts n days. The other LAST_N_x:n
// literals cover the n whole periods before the current one, NEXT_N_x:n the
// n whole periods after it (docs: sforce_api_calls_soql_select_dateformats).
func (c calendar) dateLiteralRange(name string, n int) (dateRange, error) {
	spec, ok := dateLiterals[name]
	if !ok {
		return dateRange{}, fmt.Errorf("unknown date literal %s", name)
	}
	if spec.fixedN > 0 {
		n = spec.fixedN
	}
	s := c.periodStart(c.today, spec.unit)
	u := spec.unit
	switch spec.kind {
	case litThis:
		return dateRange{s, addUnits(s, u, 1)}, nil
	case litLast:
		return dateRange{addUnits(s, u, -1), s}, nil
	case litNext:
		return dateRange{addUnits(s, u, 1), addUnits(s, u, 2)}, nil
	case litLastN:
		if u == unitDay {
			return dateRange{addUnits(s, u, -n), addUnits(s, u, 1)}, nil
		}
		return dateRange{addUnits(s, u, -n), s}, nil
	case litNextN:
		return dateRange{addUnits(s, u, 1), addUnits(s, u, 1+n)}, nil
	case litNAgo:
		return dateRange{addUnits(s, u, -n), addUnits(s, u, 1-n)}, nil
	}
	return dateRange{}, fmt.Errorf("unknown date literal %s", name)
}

// instant converts a civil day to its midnight in the calendar's zone.
func (c calendar) instant(d civil) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, c.loc)
}

// parseDateTimeLiteral parses an unquoted SOQL datetime literal.
func parseDateTimeLiteral(s string) (time.Time, error) {
	s = strings.ToUpper(s)
	for _, layout := range []string{
		"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid datetime literal %q", s)
}

// parseStoredDateTime parses a stored datetime value. Salesforce stores
// "2006-01-02T15:04:05.000+0000"; RFC 3339 forms are accepted too.
func parseStoredDateTime(s string) (time.Time, bool) {
	if t, err := time.Parse(dateTimeLayout, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// formatDateTime formats an instant in Salesforce's stored form (UTC).
func formatDateTime(t time.Time) string {
	return t.UTC().Format(dateTimeLayout)
}

// isCanonicalDateTime reports whether s has exactly the stored UTC layout
// "2006-01-02T15:04:05.000+0000", so it can be compared as a string.
func isCanonicalDateTime(s string) bool {
	return len(s) == 28 && s[10] == 'T' && s[19] == '.' && strings.HasSuffix(s, "+0000")
}

// dateFuncValue evaluates a date function (CALENDAR_YEAR, ...) on a stored
// date or datetime value. Datetimes are taken in UTC, as Salesforce's date
// functions do, unless inZone (convertTimezone()) asks for the user's zone.
// FISCAL_YEAR names a fiscal year after the calendar year it ends in (the
// org default, UsesStartDateAsFiscalYearName=false).
func (c calendar) dateFuncValue(fn string, inZone bool, v any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	zoned := inZone && len(s) > 10 && c.loc != time.UTC
	d, hour, ok := quickDate(s)
	if !ok || zoned {
		t, ok := parseStoredDateTime(s)
		if !ok {
			return nil
		}
		t = t.UTC()
		if zoned {
			t = t.In(c.loc)
		}
		d, hour = civilDate(t.Year(), t.Month(), t.Day()), t.Hour()
	}
	switch fn {
	case "CALENDAR_YEAR":
		return boxInt(d.Year())
	case "CALENDAR_QUARTER":
		return boxInt((int(d.Month())-1)/3 + 1)
	case "CALENDAR_MONTH":
		return boxInt(int(d.Month()))
	case "FISCAL_YEAR":
		fy := c.fiscalYearStart(d)
		if c.fiscalStart == time.January {
			return boxInt(fy.Year())
		}
		return boxInt(fy.Year() + 1)
	case "FISCAL_QUARTER":
		return boxInt(monthsBetween(c.fiscalYearStart(d), d)/3 + 1)
	case "FISCAL_MONTH":
		return boxInt(monthsBetween(c.fiscalYearStart(d), d) + 1)
	case "DAY_IN_MONTH":
		return boxInt(d.Day())
	case "DAY_IN_WEEK":
		return boxInt(int(d.Weekday()) + 1) // 1 = Sunday
	case "DAY_IN_YEAR":
		return boxInt(d.YearDay())
	case "DAY_ONLY":
		return d.Format(dateLayout)
	case "HOUR_IN_DAY":
		return boxInt(hour)
	case "WEEK_IN_MONTH":
		return boxInt((d.Day()-1)/7 + 1)
	case "WEEK_IN_YEAR":
		return boxInt((d.YearDay()-1)/7 + 1)
	}
	return nil
}

// quickDate reads the UTC calendar day (and hour) of a stored date
// "2006-01-02" or canonical datetime "2006-01-02T15:04:05.000+0000"
// without allocating; ok is false for other forms.
func quickDate(s string) (civil, int, bool) {
	if len(s) != 10 && !isCanonicalDateTime(s) {
		return civil{}, 0, false
	}
	if !matchDigits(s, "dddd-dd-dd") {
		return civil{}, 0, false
	}
	y := atoiDigits(s[0:4])
	m := atoiDigits(s[5:7])
	day := atoiDigits(s[8:10])
	if m < 1 || m > 12 || day < 1 || day > 31 {
		return civil{}, 0, false
	}
	hour := 0
	if len(s) > 10 {
		if !matchDigits(s[11:], "dd") {
			return civil{}, 0, false
		}
		hour = atoiDigits(s[11:13])
	}
	return civilDate(y, time.Month(m), day), hour, true
}

func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// boxedInts holds float64 values 0..4095 already converted to any, so
// date functions (years, quarters, months, days) do not allocate per row.
// It is filled once and never written afterwards.
var boxedInts = func() (t [4096]any) {
	for i := range t {
		t[i] = float64(i)
	}
	return t
}()

// boxInt returns n as a float64 in an interface, without allocating for
// common values.
func boxInt(n int) any {
	if n >= 0 && n < len(boxedInts) {
		return boxedInts[n]
	}
	return float64(n)
}
