package soql

import (
	"reflect"
	"testing"
	"time"
)

func d(s string) civil {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestDateLiteralRanges checks every date literal against ranges worked out
// by hand for Wednesday 2024-05-15 (weeks start on Sunday unless noted).
func TestDateLiteralRanges(t *testing.T) {
	type want struct{ start, end string }
	tests := []struct {
		lit    string
		n      int
		fiscal int
		week   time.Weekday
		want   want
	}{
		{lit: "YESTERDAY", want: want{"2024-05-14", "2024-05-15"}},
		{lit: "TODAY", want: want{"2024-05-15", "2024-05-16"}},
		{lit: "TOMORROW", want: want{"2024-05-16", "2024-05-17"}},
		{lit: "THIS_WEEK", want: want{"2024-05-12", "2024-05-19"}},
		{lit: "THIS_WEEK", week: time.Monday, want: want{"2024-05-13", "2024-05-20"}},
		{lit: "LAST_WEEK", want: want{"2024-05-05", "2024-05-12"}},
		{lit: "NEXT_WEEK", want: want{"2024-05-19", "2024-05-26"}},
		{lit: "THIS_MONTH", want: want{"2024-05-01", "2024-06-01"}},
		{lit: "LAST_MONTH", want: want{"2024-04-01", "2024-05-01"}},
		{lit: "NEXT_MONTH", want: want{"2024-06-01", "2024-07-01"}},
		{lit: "LAST_90_DAYS", want: want{"2024-02-15", "2024-05-16"}},
		{lit: "NEXT_90_DAYS", want: want{"2024-05-16", "2024-08-14"}},
		{lit: "LAST_N_DAYS", n: 1, want: want{"2024-05-14", "2024-05-16"}},
		{lit: "LAST_N_DAYS", n: 0, want: want{"2024-05-15", "2024-05-16"}},
		{lit: "NEXT_N_DAYS", n: 2, want: want{"2024-05-16", "2024-05-18"}},
		{lit: "N_DAYS_AGO", n: 3, want: want{"2024-05-12", "2024-05-13"}},
		{lit: "LAST_N_WEEKS", n: 2, want: want{"2024-04-28", "2024-05-12"}},
		{lit: "NEXT_N_WEEKS", n: 1, want: want{"2024-05-19", "2024-05-26"}},
		{lit: "LAST_N_MONTHS", n: 2, want: want{"2024-03-01", "2024-05-01"}},
		{lit: "NEXT_N_MONTHS", n: 2, want: want{"2024-06-01", "2024-08-01"}},
		{lit: "N_MONTHS_AGO", n: 5, want: want{"2023-12-01", "2024-01-01"}},
		{lit: "THIS_QUARTER", want: want{"2024-04-01", "2024-07-01"}},
		{lit: "LAST_QUARTER", want: want{"2024-01-01", "2024-04-01"}},
		{lit: "NEXT_QUARTER", want: want{"2024-07-01", "2024-10-01"}},
		{lit: "LAST_N_QUARTERS", n: 2, want: want{"2023-10-01", "2024-04-01"}},
		{lit: "NEXT_N_QUARTERS", n: 2, want: want{"2024-07-01", "2025-01-01"}},
		{lit: "THIS_YEAR", want: want{"2024-01-01", "2025-01-01"}},
		{lit: "LAST_YEAR", want: want{"2023-01-01", "2024-01-01"}},
		{lit: "NEXT_YEAR", want: want{"2025-01-01", "2026-01-01"}},
		{lit: "LAST_N_YEARS", n: 2, want: want{"2022-01-01", "2024-01-01"}},
		{lit: "NEXT_N_YEARS", n: 1, want: want{"2025-01-01", "2026-01-01"}},
		{lit: "THIS_FISCAL_QUARTER", want: want{"2024-04-01", "2024-07-01"}},
		{lit: "THIS_FISCAL_YEAR", want: want{"2024-01-01", "2025-01-01"}},
		// Fiscal year starting in April.
		{lit: "THIS_FISCAL_YEAR", fiscal: 4, want: want{"2024-04-01", "2025-04-01"}},
		{lit: "LAST_FISCAL_YEAR", fiscal: 4, want: want{"2023-04-01", "2024-04-01"}},
		{lit: "NEXT_FISCAL_YEAR", fiscal: 4, want: want{"2025-04-01", "2026-04-01"}},
		{lit: "THIS_FISCAL_QUARTER", fiscal: 4, want: want{"2024-04-01", "2024-07-01"}},
		{lit: "LAST_FISCAL_QUARTER", fiscal: 4, want: want{"2024-01-01", "2024-04-01"}},
		{lit: "NEXT_FISCAL_QUARTER", fiscal: 4, want: want{"2024-07-01", "2024-10-01"}},
		{lit: "LAST_N_FISCAL_QUARTERS", n: 2, fiscal: 4, want: want{"2023-10-01", "2024-04-01"}},
		{lit: "NEXT_N_FISCAL_QUARTERS", n: 3, fiscal: 4, want: want{"2024-07-01", "2025-04-01"}},
		{lit: "LAST_N_FISCAL_YEARS", n: 1, fiscal: 4, want: want{"2023-04-01", "2024-04-01"}},
		{lit: "NEXT_N_FISCAL_YEARS", n: 2, fiscal: 4, want: want{"2025-04-01", "2027-04-01"}},
		// Fiscal year starting in November: quarters Nov, Feb, May, Aug.
		{lit: "THIS_FISCAL_QUARTER", fiscal: 11, want: want{"2024-05-01", "2024-08-01"}},
		{lit: "LAST_FISCAL_QUARTER", fiscal: 11, want: want{"2024-02-01", "2024-05-01"}},
		{lit: "THIS_FISCAL_YEAR", fiscal: 11, want: want{"2023-11-01", "2024-11-01"}},
	}
	for _, tt := range tests {
		env := Env{Now: func() time.Time { return testNow }, FiscalYearStartMonth: tt.fiscal, WeekStart: tt.week}
		r, err := newCalendar(env).dateLiteralRange(tt.lit, tt.n)
		if err != nil {
			t.Errorf("%s:%d: %v", tt.lit, tt.n, err)
			continue
		}
		if got := (want{r.Start.Format(dateLayout), r.End.Format(dateLayout)}); got != tt.want {
			t.Errorf("%s:%d fiscal %d week %v = %v, want %v", tt.lit, tt.n, tt.fiscal, tt.week, got, tt.want)
		}
	}
}

func TestTodayFollowsLocation(t *testing.T) {
	kiri, err := time.LoadLocation("Pacific/Kiritimati") // UTC+14: already May 16
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	c := newCalendar(Env{Now: func() time.Time { return testNow }, Location: kiri})
	r, _ := c.dateLiteralRange("TODAY", 0)
	if r.Start != d("2024-05-16") {
		t.Errorf("TODAY in Kiritimati starts %v, want 2024-05-16", r.Start)
	}
}

// TestDateLiteralQueries checks boundaries through whole queries.
func TestDateLiteralQueries(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	tests := []struct {
		name   string
		q      string
		fiscal int
		loc    *time.Location
		want   []any
	}{
		// CloseDate: Big Deal 2024-03-31 (last day of Q1), Small Deal
		// 2024-04-01 (first day of Q2), No Amount 2024-06-30 (last day of
		// Q2), Renewal 2023-12-31, Orphan Opp null.
		{name: "last quarter includes its last day", q: "SELECT Name FROM Opportunity WHERE CloseDate = LAST_QUARTER", want: []any{"Big Deal"}},
		{name: "this quarter includes first and last day", q: "SELECT Name FROM Opportunity WHERE CloseDate = THIS_QUARTER ORDER BY Name", want: []any{"No Amount", "Small Deal"}},
		{name: "less than compares to range start", q: "SELECT Name FROM Opportunity WHERE CloseDate < THIS_QUARTER ORDER BY Name", want: []any{"Big Deal", "Renewal"}},
		{name: "greater than compares to range end", q: "SELECT Name FROM Opportunity WHERE CloseDate > LAST_QUARTER ORDER BY Name", want: []any{"No Amount", "Small Deal"}},
		{name: "less or equal is before range end", q: "SELECT Name FROM Opportunity WHERE CloseDate <= LAST_QUARTER ORDER BY Name", want: []any{"Big Deal", "Renewal"}},
		{name: "greater or equal is from range start", q: "SELECT Name FROM Opportunity WHERE CloseDate >= THIS_QUARTER ORDER BY Name", want: []any{"No Amount", "Small Deal"}},
		{name: "not equal keeps nulls", q: "SELECT Name FROM Opportunity WHERE CloseDate != THIS_QUARTER ORDER BY Name", want: []any{"Big Deal", "Orphan Opp", "Renewal"}},
		{name: "in with date literals", q: "SELECT Name FROM Opportunity WHERE CloseDate IN (LAST_YEAR, NEXT_MONTH) ORDER BY Name", want: []any{"No Amount", "Renewal"}},
		{name: "fiscal year from April", q: "SELECT Name FROM Opportunity WHERE CloseDate = THIS_FISCAL_YEAR ORDER BY Name", fiscal: 4, want: []any{"No Amount", "Small Deal"}},
		{name: "last fiscal year from April", q: "SELECT Name FROM Opportunity WHERE CloseDate = LAST_FISCAL_YEAR ORDER BY Name", fiscal: 4, want: []any{"Big Deal", "Renewal"}},
		{name: "last fiscal quarter from April", q: "SELECT Name FROM Opportunity WHERE CloseDate = LAST_FISCAL_QUARTER", fiscal: 4, want: []any{"Big Deal"}},
		{name: "last n fiscal quarters", q: "SELECT Name FROM Opportunity WHERE CloseDate = LAST_N_FISCAL_QUARTERS:2 ORDER BY Name", fiscal: 4, want: []any{"Big Deal", "Renewal"}},
		{name: "next n fiscal years excludes this one", q: "SELECT Name FROM Opportunity WHERE CloseDate = NEXT_N_FISCAL_YEARS:3", fiscal: 4, want: nil},
		// CreatedDate (datetime): No Amount 2024-05-15T11:59:59Z, Orphan Opp
		// 2024-05-01T00:00:00Z (exactly midnight 14 days ago).
		{name: "last n days includes today and its first midnight", q: "SELECT Name FROM Opportunity WHERE CreatedDate = LAST_N_DAYS:14 ORDER BY Name", want: []any{"No Amount", "Orphan Opp"}},
		{name: "last n days boundary excludes the day before", q: "SELECT Name FROM Opportunity WHERE CreatedDate = LAST_N_DAYS:13", want: []any{"No Amount"}},
		{name: "datetime today in UTC", q: "SELECT Name FROM Opportunity WHERE CreatedDate = TODAY", want: []any{"No Amount"}},
		{name: "datetime before today", q: "SELECT Name FROM Opportunity WHERE CreatedDate < TODAY AND CreatedDate >= THIS_MONTH", want: []any{"Orphan Opp"}},
		{name: "date value against datetime field is that day", q: "SELECT Name FROM Opportunity WHERE CreatedDate = 2024-05-01", want: []any{"Orphan Opp"}},
		// Account CreatedDate: Acme 2024-05-14T23:30Z, globex 2024-05-15T03:00Z.
		{name: "UTC today", q: "SELECT Name FROM Account WHERE CreatedDate = TODAY", want: []any{"globex"}},
		{name: "UTC yesterday", q: "SELECT Name FROM Account WHERE CreatedDate = YESTERDAY", want: []any{"Acme"}},
		{name: "New York today", q: "SELECT Name FROM Account WHERE CreatedDate = TODAY", loc: ny, want: nil},
		{name: "New York yesterday", q: "SELECT Name FROM Account WHERE CreatedDate = YESTERDAY ORDER BY Name", loc: ny, want: []any{"Acme", "globex"}},
		{name: "Tokyo today", q: "SELECT Name FROM Account WHERE CreatedDate = TODAY ORDER BY Name", loc: tokyo, want: []any{"Acme", "globex"}},
		{name: "Tokyo datetime less than today", q: "SELECT Name FROM Account WHERE CreatedDate < TODAY", loc: tokyo, want: []any{"Initech"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv()
			env.FiscalYearStartMonth = tt.fiscal
			env.Location = tt.loc
			got := column(run(t, env, tt.q), "Name")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s\n got %v\nwant %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestDateFunctions(t *testing.T) {
	c := newCalendar(Env{FiscalYearStartMonth: 4})
	tests := []struct {
		fn, v string
		want  any
	}{
		{"CALENDAR_YEAR", "2024-03-31", 2024.0},
		{"CALENDAR_QUARTER", "2024-03-31", 1.0},
		{"CALENDAR_QUARTER", "2024-04-01", 2.0},
		{"CALENDAR_MONTH", "2024-12-31", 12.0},
		{"FISCAL_QUARTER", "2024-03-31", 4.0},
		{"FISCAL_QUARTER", "2024-04-01", 1.0},
		{"FISCAL_YEAR", "2024-03-31", 2024.0},
		{"FISCAL_YEAR", "2024-04-01", 2025.0},
		{"CALENDAR_YEAR", "2024-12-31T23:30:00.000+0000", 2024.0},
		{"DAY_ONLY", "2024-05-01T10:00:00.000+0000", "2024-05-01"},
		{"DAY_IN_WEEK", "2024-05-15", 4.0},
	}
	for _, tt := range tests {
		if got := c.dateFuncValue(tt.fn, false, tt.v); got != tt.want {
			t.Errorf("%s(%s) = %v, want %v", tt.fn, tt.v, got, tt.want)
		}
	}
	if got := c.dateFuncValue("CALENDAR_YEAR", false, nil); got != nil {
		t.Errorf("CALENDAR_YEAR(null) = %v", got)
	}
	cal := newCalendar(Env{})
	if got := cal.dateFuncValue("FISCAL_YEAR", false, "2024-03-31"); got != 2024.0 {
		t.Errorf("January fiscal year = %v", got)
	}
}

func TestConvertTimezone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	env := testEnv()
	env.Location = ny
	// Account CreatedDate: Acme 2024-05-14T23:30Z (19:30 in New York),
	// globex 2024-05-15T03:00Z (23:00 on May 14 in New York), Initech
	// 2023-01-01T00:00Z (2022-12-31 19:00 in New York).
	res := run(t, env, "SELECT DAY_ONLY(convertTimezone(CreatedDate)) d, COUNT(Id) n FROM Account GROUP BY DAY_ONLY(convertTimezone(CreatedDate)) ORDER BY DAY_ONLY(convertTimezone(CreatedDate))")
	if got, want := rowsOf(res), [][]any{{"d", "2022-12-31", "n", 1.0}, {"d", "2024-05-14", "n", 2.0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("zoned: %v, want %v", got, want)
	}
	res = run(t, env, "SELECT DAY_ONLY(CreatedDate) d, COUNT(Id) n FROM Account GROUP BY DAY_ONLY(CreatedDate) ORDER BY DAY_ONLY(CreatedDate)")
	if got, want := rowsOf(res), [][]any{{"d", "2023-01-01", "n", 1.0}, {"d", "2024-05-14", "n", 1.0}, {"d", "2024-05-15", "n", 1.0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("UTC: %v, want %v", got, want)
	}
	res = run(t, env, "SELECT Name FROM Account WHERE CALENDAR_YEAR(convertTimezone(CreatedDate)) = 2022")
	if got := column(res, "Name"); !reflect.DeepEqual(got, []any{"Initech"}) {
		t.Errorf("zoned WHERE: %v", got)
	}
	// A GROUP BY with convertTimezone does not match a SELECT without it.
	if _, err := runErr(t, env, "SELECT DAY_ONLY(CreatedDate) FROM Account GROUP BY DAY_ONLY(convertTimezone(CreatedDate))"); err == nil {
		t.Error("mismatched convertTimezone accepted")
	}
}
