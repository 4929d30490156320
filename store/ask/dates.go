package ask

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DateRange is an inclusive range of calendar days.
type DateRange struct {
	From, To time.Time // civil dates (midnight UTC); To is inclusive
	Label    string    // how the question named it, e.g. "last fiscal quarter (Q1 FY2027)"
}

// String is the range as the answer states it.
func (r DateRange) String() string {
	if r.From.Year() <= 1900 {
		return "until " + r.To.Format("2 Jan 2006")
	}
	if r.From.Equal(r.To) {
		return r.From.Format("Mon 2 Jan 2006")
	}
	return fmt.Sprintf("%s to %s", r.From.Format("2 Jan 2006"), r.To.Format("2 Jan 2006"))
}

// Describe is the label with the exact dates.
func (r DateRange) Describe() string {
	if r.Label == "" {
		return r.String()
	}
	return r.Label + ", " + r.String()
}

// soqlDate renders a civil date as a SOQL date literal.
func soqlDate(t time.Time) string { return t.Format("2006-01-02") }

// soqlDateTime renders the start of a civil day in loc as a SOQL datetime.
func soqlDateTime(t time.Time, loc *time.Location) string {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UTC().Format("2006-01-02T15:04:05Z")
}

func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fiscalYearStart is the first day of the fiscal year containing d.
func (e *Engine) fiscalYearStart(d time.Time) time.Time {
	y := d.Year()
	if d.Month() < e.fyStart {
		y--
	}
	return civil(y, e.fyStart, 1)
}

// fiscalYearName names the fiscal year starting at start by the calendar
// year it ends in (Salesforce's default).
func (e *Engine) fiscalYearName(start time.Time) int {
	return start.AddDate(1, 0, -1).Year()
}

// fiscalQuarterStart is the first day of the fiscal quarter containing d.
func (e *Engine) fiscalQuarterStart(d time.Time) time.Time {
	offset := (int(d.Month()) - int(e.fyStart) + 12) % 12
	return civil(d.Year(), d.Month(), 1).AddDate(0, -(offset % 3), 0)
}

// quarterName is "Q2 FY2027" for the fiscal quarter starting at qs.
func (e *Engine) quarterName(qs time.Time) string {
	fy := e.fiscalYearStart(qs)
	n := (int(qs.Month())-int(fy.Month())+12)%12/3 + 1
	return fmt.Sprintf("Q%d FY%d", n, e.fiscalYearName(fy))
}

func weekStart(d time.Time) time.Time { return d.AddDate(0, 0, -int(d.Weekday())) }

// periodRange is the range of unit ("week", "month", "quarter", "year",
// "cquarter", "cyear") shifted by n periods from the one containing today.
func (e *Engine) periodRange(unit string, n int) DateRange {
	t := e.today()
	var from, to time.Time
	var name string
	switch unit {
	case "week":
		from = weekStart(t).AddDate(0, 0, 7*n)
		to = from.AddDate(0, 0, 6)
	case "month":
		from = civil(t.Year(), t.Month(), 1).AddDate(0, n, 0)
		to = from.AddDate(0, 1, -1)
		name = from.Format("January 2006")
	case "quarter":
		from = e.fiscalQuarterStart(t).AddDate(0, 3*n, 0)
		to = from.AddDate(0, 3, -1)
		name = e.quarterName(from)
	case "year":
		from = e.fiscalYearStart(t).AddDate(n, 0, 0)
		to = from.AddDate(1, 0, -1)
		name = fmt.Sprintf("FY%d", e.fiscalYearName(from))
	case "cquarter":
		from = civil(t.Year(), t.Month()-(t.Month()-1)%3, 1).AddDate(0, 3*n, 0)
		to = from.AddDate(0, 3, -1)
	case "cyear":
		from = civil(t.Year()+n, 1, 1)
		to = from.AddDate(1, 0, -1)
		name = strconv.Itoa(from.Year())
	}
	word := map[int]string{-1: "last", 0: "this", 1: "next"}[n]
	label := word + " " + map[string]string{
		"week": "week", "month": "month", "quarter": "fiscal quarter", "year": "fiscal year",
		"cquarter": "calendar quarter", "cyear": "calendar year",
	}[unit]
	if name != "" {
		label += " (" + name + ")"
	}
	return DateRange{From: from, To: to, Label: label}
}

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

var unitWords = map[string]string{
	"week": "week", "weeks": "week", "wk": "week",
	"month": "month", "months": "month", "mo": "month",
	"quarter": "quarter", "quarters": "quarter", "qtr": "quarter", "q": "quarter",
	"year": "year", "years": "year", "yr": "year", "fy": "year",
	"day": "day", "days": "day",
}

// parseDate reads one explicit date at words[i]: 2026-03-31, 3/31/2026,
// "31 march 2026", "march 31 2026". It returns the date and the tokens used.
func parseDate(words []string, i int) (time.Time, int, bool) {
	w := words[i]
	if t, err := time.Parse("2006-01-02", w); err == nil {
		return t, 1, true
	}
	if t, err := time.Parse("1/2/2006", w); err == nil {
		return t, 1, true
	}
	if i+2 < len(words) {
		if m, ok := monthNames[w]; ok {
			d, err1 := strconv.Atoi(words[i+1])
			y, err2 := strconv.Atoi(words[i+2])
			if err1 == nil && err2 == nil && d >= 1 && d <= 31 && y > 1900 {
				return civil(y, m, d), 3, true
			}
		}
		if m, ok := monthNames[words[i+1]]; ok {
			d, err1 := strconv.Atoi(w)
			y, err2 := strconv.Atoi(words[i+2])
			if err1 == nil && err2 == nil && d >= 1 && d <= 31 && y > 1900 {
				return civil(y, m, d), 3, true
			}
		}
	}
	return time.Time{}, 0, false
}

// fiscalYearToken reads "fy2026", "fy26" or "fy" "2026".
func fiscalYearToken(words []string, i int) (int, int, bool) {
	w := words[i]
	if strings.HasPrefix(w, "fy") && len(w) > 2 {
		if y, err := strconv.Atoi(w[2:]); err == nil {
			return fullYear(y), 1, true
		}
	}
	if (w == "fy" || w == "fiscal") && i+1 < len(words) {
		if y, err := strconv.Atoi(words[i+1]); err == nil && (y > 1900 || y < 100) {
			return fullYear(y), 2, true
		}
		if words[i+1] == "year" && i+2 < len(words) {
			if y, err := strconv.Atoi(words[i+2]); err == nil && (y > 1900 || y < 100) {
				return fullYear(y), 3, true
			}
		}
	}
	return 0, 0, false
}

func fullYear(y int) int {
	if y < 100 {
		return 2000 + y
	}
	return y
}

// fiscalYearRange is the fiscal year named fy.
func (e *Engine) fiscalYearRange(fy int) DateRange {
	from := civil(fy, e.fyStart, 1)
	if e.fyStart != time.January {
		from = from.AddDate(-1, 0, 0)
	}
	return DateRange{From: from, To: from.AddDate(1, 0, -1), Label: fmt.Sprintf("FY%d", fy)}
}

// parseTime finds the first time expression in words. It returns the range
// and the span [start, end) of the tokens it used.
func (e *Engine) parseTime(words []string) (*DateRange, int, int) {
	today := e.today()
	for i := 0; i < len(words); i++ {
		w := words[i]
		next := func(k int) string {
			if i+k < len(words) {
				return words[i+k]
			}
			return ""
		}
		switch w {
		case "today":
			return &DateRange{From: today, To: today, Label: "today"}, i, i + 1
		case "yesterday":
			d := today.AddDate(0, 0, -1)
			return &DateRange{From: d, To: d, Label: "yesterday"}, i, i + 1
		case "tomorrow":
			d := today.AddDate(0, 0, 1)
			return &DateRange{From: d, To: d, Label: "tomorrow"}, i, i + 1
		case "ytd":
			fy := e.fiscalYearStart(today)
			return &DateRange{From: fy, To: today, Label: "fiscal year to date"}, i, i + 1
		case "qtd":
			q := e.fiscalQuarterStart(today)
			return &DateRange{From: q, To: today, Label: "fiscal quarter to date"}, i, i + 1
		case "mtd":
			return &DateRange{From: civil(today.Year(), today.Month(), 1), To: today, Label: "month to date"}, i, i + 1
		case "year", "quarter", "month":
			if next(1) == "to" && next(2) == "date" {
				r := map[string]DateRange{
					"year":    {From: e.fiscalYearStart(today), To: today, Label: "fiscal year to date"},
					"quarter": {From: e.fiscalQuarterStart(today), To: today, Label: "fiscal quarter to date"},
					"month":   {From: civil(today.Year(), today.Month(), 1), To: today, Label: "month to date"},
				}[w]
				return &r, i, i + 3
			}
		case "this", "current", "last", "previous", "prior", "past", "next", "coming", "upcoming":
			n := map[string]int{"this": 0, "current": 0, "last": -1, "previous": -1, "prior": -1, "past": -1,
				"next": 1, "coming": 1, "upcoming": 1}[w]
			j := i + 1
			if next(1) == "the" {
				j++
			}
			// last/next N days|weeks|months|quarters|years
			if n != 0 && j < len(words) {
				if k, err := strconv.Atoi(words[j]); err == nil && k > 0 && j+1 < len(words) {
					if u, ok := unitWords[words[j+1]]; ok {
						r := e.lastNext(u, n, k)
						return &r, i, j + 2
					}
				}
			}
			unit, used := "", 0
			if j < len(words) {
				switch words[j] {
				case "fiscal":
					if j+1 < len(words) {
						unit, used = unitWords[words[j+1]], 2
					}
				case "calendar":
					if j+1 < len(words) {
						switch unitWords[words[j+1]] {
						case "quarter":
							unit, used = "cquarter", 2
						case "year":
							unit, used = "cyear", 2
						}
					}
				default:
					unit, used = unitWords[words[j]], 1
				}
			}
			if unit == "day" {
				unit = ""
			}
			if unit != "" {
				r := e.periodRange(unit, n)
				return &r, i, j + used
			}
		case "in", "during", "for", "since", "from", "between", "before", "after", "on", "by":
			// explicit dates, month names, calendar years
			if i+1 >= len(words) {
				continue
			}
			if d, used, ok := parseDate(words, i+1); ok {
				end := i + 1 + used
				switch w {
				case "since", "after":
					if w == "after" {
						d = d.AddDate(0, 0, 1)
					}
					return &DateRange{From: d, To: today, Label: w + " " + d.Format("2 Jan 2006")}, i, end
				case "before", "by":
					from := civil(1900, 1, 1)
					return &DateRange{From: from, To: d.AddDate(0, 0, -1), Label: "before " + d.Format("2 Jan 2006")}, i, end
				case "from", "between":
					if end+1 < len(words) && (words[end] == "to" || words[end] == "and" || words[end] == "until" || words[end] == "through") {
						if d2, used2, ok := parseDate(words, end+1); ok {
							return &DateRange{From: d, To: d2}, i, end + 1 + used2
						}
					}
				}
				return &DateRange{From: d, To: d}, i, end
			}
			if m, ok := monthNames[next(1)]; ok && w != "on" && w != "by" {
				y := today.Year()
				used := 2
				if yy, err := strconv.Atoi(next(2)); err == nil && yy > 1900 {
					y, used = yy, 3
				}
				from := civil(y, m, 1)
				return &DateRange{From: from, To: from.AddDate(0, 1, -1), Label: from.Format("January 2006")}, i, i + used
			}
			if y, err := strconv.Atoi(next(1)); err == nil && y > 1900 && y < 2200 && (w == "in" || w == "during" || w == "for") {
				from := civil(y, 1, 1)
				return &DateRange{From: from, To: civil(y, 12, 31), Label: "calendar year " + strconv.Itoa(y)}, i, i + 2
			}
		}
		// "first quarter" is Q1
		if ord, ok := map[string]string{"first": "q1", "1st": "q1", "second": "q2", "2nd": "q2", "third": "q3", "3rd": "q3", "fourth": "q4", "4th": "q4"}[w]; ok &&
			i+1 < len(words) && unitWords[words[i+1]] == "quarter" {
			words = append(append(append([]string{}, words[:i]...), ord), words[i+2:]...)
			r, from, to := e.parseTime(words)
			if r != nil && to > i {
				to++ // the original span has one more word
			}
			return r, from, to
		}
		// Q1..Q4 [FY2026]
		if len(w) == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4' {
			qn := int(w[1] - '0')
			fyStart := e.fiscalYearStart(today)
			end := i + 1
			if i+1 < len(words) {
				if fy, used, ok := fiscalYearToken(words, i+1); ok {
					fyStart = e.fiscalYearRange(fy).From
					end += used
				} else if y, err := strconv.Atoi(words[i+1]); err == nil && y > 1900 {
					fyStart = e.fiscalYearRange(y).From
					end++
				}
			}
			from := fyStart.AddDate(0, 3*(qn-1), 0)
			return &DateRange{From: from, To: from.AddDate(0, 3, -1), Label: e.quarterName(from)}, i, end
		}
		if fy, used, ok := fiscalYearToken(words, i); ok {
			// "FY2026 Q2"
			if i+used < len(words) {
				q := words[i+used]
				if len(q) == 2 && q[0] == 'q' && q[1] >= '1' && q[1] <= '4' {
					from := e.fiscalYearRange(fy).From.AddDate(0, 3*int(q[1]-'1'), 0)
					return &DateRange{From: from, To: from.AddDate(0, 3, -1), Label: e.quarterName(from)}, i, i + used + 1
				}
			}
			r := e.fiscalYearRange(fy)
			return &r, i, i + used
		}
		if d, used, ok := parseDate(words, i); ok {
			return &DateRange{From: d, To: d}, i, i + used
		}
	}
	return nil, 0, 0
}

// lastNext is "last k units" (n = -1: the k units ending today) or "next k
// units" (n = 1: the k units starting today).
func (e *Engine) lastNext(unit string, n, k int) DateRange {
	t := e.today()
	var other time.Time
	switch unit {
	case "day":
		other = t.AddDate(0, 0, n*k)
	case "week":
		other = t.AddDate(0, 0, 7*n*k)
	case "month":
		other = t.AddDate(0, n*k, 0)
	case "quarter":
		other = t.AddDate(0, 3*n*k, 0)
	case "year":
		other = t.AddDate(n*k, 0, 0)
	}
	plural := unit + "s"
	if k == 1 {
		plural = unit
	}
	if n < 0 {
		return DateRange{From: other, To: t, Label: fmt.Sprintf("last %d %s", k, plural)}
	}
	return DateRange{From: t, To: other, Label: fmt.Sprintf("next %d %s", k, plural)}
}
