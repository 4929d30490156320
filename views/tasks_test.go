package views

import (
	"testing"
	"time"
)

func TestTaskGroupOfDateBoundaries(t *testing.T) {
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 0, 0, 0, 0, time.UTC) }
	thursday := time.Date(2026, time.May, 14, 10, 30, 0, 0, time.UTC)
	sunday := time.Date(2026, time.May, 17, 9, 0, 0, 0, time.UTC)
	// 23:30 on Thursday 14 May in California is Friday in UTC: the
	// user's day counts.
	lateThursday := time.Date(2026, time.May, 14, 23, 30, 0, 0, time.FixedZone("PDT", -7*3600))
	cases := []struct {
		name string
		due  time.Time
		now  time.Time
		want TaskGroup
	}{
		{"no date", time.Time{}, thursday, GroupNoDate},
		{"yesterday", d(time.May, 13), thursday, GroupOverdue},
		{"last year", d(time.May, 13).AddDate(-1, 0, 0), thursday, GroupOverdue},
		{"today", d(time.May, 14), thursday, GroupToday},
		{"tomorrow", d(time.May, 15), thursday, GroupThisWeek},
		{"sunday", d(time.May, 17), thursday, GroupThisWeek},
		{"next monday", d(time.May, 18), thursday, GroupLater},
		{"on sunday, sunday is today", d(time.May, 17), sunday, GroupToday},
		{"on sunday, monday is later", d(time.May, 18), sunday, GroupLater},
		{"on sunday, saturday is overdue", d(time.May, 16), sunday, GroupOverdue},
		{"late thursday: thursday is today", d(time.May, 14), lateThursday, GroupToday},
		{"late thursday: friday is this week", d(time.May, 15), lateThursday, GroupThisWeek},
	}
	for _, c := range cases {
		if got := TaskGroupOf(c.due, c.now); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
