package domain

import (
	"errors"
	"sort"
	"testing"
	"time"
)

func TestFormatTimeInUKTime(t *testing.T) {
	cases := map[time.Time]string{
		time.Date(2026, 5, 14, 10, 0, 0, 0, time.UTC):   "11:00am on 14 May 2026", // BST: UTC+1
		time.Date(2026, 1, 14, 11, 0, 0, 0, time.UTC):   "11:00am on 14 January 2026",
		time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC):   "12:30am on 29 March 2026", // before the clocks go forward at 01:00 UTC
		time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC):   "2:30am on 29 March 2026",
		time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC): "11:59pm on 31 December 2026",
	}
	for in, want := range cases {
		if got := FormatTime(in); got != want {
			t.Errorf("FormatTime(%s) = %q, want %q", in, got, want)
		}
	}
}

// easter is Easter Sunday by the anonymous Gregorian computus.
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 12, 0, 0, 0, time.UTC)
}

func firstMonday(y int, m time.Month) time.Time {
	d := time.Date(y, m, 1, 12, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func lastMonday(y int, m time.Month) time.Time {
	d := time.Date(y, m+1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

func nextWeekday(d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// TestShippedCalendarFollowsTheRules rebuilds the calendar from the rules (with the known moves
// and one-off holidays) and compares it with the shipped data, so a mistyped date fails here.
func TestShippedCalendarFollowsTheRules(t *testing.T) {
	want := map[string]bool{}
	add := func(d time.Time) { want[d.Format("2006-01-02")] = true }
	for y := CalendarFirstYear; y <= CalendarLastYear; y++ {
		add(nextWeekday(time.Date(y, 1, 1, 12, 0, 0, 0, time.UTC)))
		e := easter(y)
		add(e.AddDate(0, 0, -2))
		add(e.AddDate(0, 0, 1))
		switch y {
		case 2020:
			add(time.Date(2020, 5, 8, 12, 0, 0, 0, time.UTC)) // moved for VE Day
		default:
			add(firstMonday(y, time.May))
		}
		switch y {
		case 2022:
			add(time.Date(2022, 6, 2, 12, 0, 0, 0, time.UTC)) // moved for the Platinum Jubilee
		default:
			add(lastMonday(y, time.May))
		}
		add(lastMonday(y, time.August))
		// Christmas and Boxing Day, each moved to the next free weekday when on a weekend.
		xmas := nextWeekday(time.Date(y, 12, 25, 12, 0, 0, 0, time.UTC))
		boxing := nextWeekday(time.Date(y, 12, 26, 12, 0, 0, 0, time.UTC))
		if !boxing.After(xmas) {
			boxing = nextWeekday(xmas.AddDate(0, 0, 1))
		}
		add(xmas)
		add(boxing)
	}
	for _, d := range []string{"2022-06-03", "2022-09-19", "2023-05-08"} { // one-off holidays
		want[d] = true
	}
	var missing, extra []string
	for d := range want {
		tm, _ := time.Parse("2006-01-02", d)
		if _, ok := bankHolidays[civilDate{tm.Year(), tm.Month(), tm.Day()}]; !ok {
			missing = append(missing, d)
		}
	}
	for cd := range bankHolidays {
		d := time.Date(cd.y, cd.m, cd.d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		if !want[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("calendar disagrees with the rules: missing %v, unexpected %v", missing, extra)
	}
	if n := len(bankHolidays); n != 8*13+3 {
		t.Errorf("%d holidays, want 107 (8 a year for 13 years, plus 3 one-offs)", n)
	}
}

func at(y int, m time.Month, d, hour int) time.Time { return time.Date(y, m, d, hour, 0, 0, 0, London) }

func TestAddWorkingDays(t *testing.T) {
	cases := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"Mon + 5 = next Mon", at(2026, 6, 1, 11), 5, at(2026, 6, 8, 11)},
		{"Fri + 1 = Mon", at(2026, 6, 5, 9), 1, at(2026, 6, 8, 9)},
		{"Sat + 1 = Mon", at(2026, 6, 6, 9), 1, at(2026, 6, 8, 9)},
		// Thu 2 Apr 2026 + 1: Good Friday 3rd, weekend, Easter Monday 6th → Tue 7th
		{"over Easter", at(2026, 4, 2, 11), 1, at(2026, 4, 7, 11)},
		// Wed 23 Dec 2026 + 3: Thu 24 (1), Fri 25 holiday, weekend, Mon 28 substitute, Tue 29 (2), Wed 30 (3)
		{"over Christmas with a substitute day", at(2026, 12, 23, 17), 3, at(2026, 12, 30, 17)},
		{"backwards: Mon - 1 = Fri", at(2026, 6, 8, 11), -1, at(2026, 6, 5, 11)},
		{"zero keeps the instant", at(2026, 6, 6, 11), 0, at(2026, 6, 6, 11)},
		// BST ends 25 Oct 2026: the UK time of day is kept across the change
		{"across the clocks going back", at(2026, 10, 23, 11), 1, at(2026, 10, 26, 11)},
	}
	for _, c := range cases {
		got, err := AddWorkingDays(c.from, c.n)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s: got %s, %v; want %s", c.name, FormatTime(got), err, FormatTime(c.want))
		}
	}
	if _, err := AddWorkingDays(at(2030, 12, 30, 9), 5); !errors.Is(err, ErrOutsideCalendar) {
		t.Errorf("running into 2031: %v, want ErrOutsideCalendar", err)
	}
	if _, err := AddWorkingDays(at(2017, 6, 1, 9), 1); !errors.Is(err, ErrOutsideCalendar) {
		t.Errorf("starting in 2017: %v, want ErrOutsideCalendar", err)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cases := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"Mon to next Mon", at(2026, 6, 1, 9), at(2026, 6, 8, 9), 5},
		{"same day", at(2026, 6, 1, 9), at(2026, 6, 1, 17), 0},
		{"Fri to Mon", at(2026, 6, 5, 17), at(2026, 6, 8, 9), 1},
		// 1 Dec 2026 to 1 Jan 2027: 22 weekdays after the 1st, less 25 and 28 Dec and 1 Jan = 20
		{"December with holidays", at(2026, 12, 1, 9), at(2027, 1, 1, 9), 20},
		{"backwards is negative", at(2026, 6, 8, 9), at(2026, 6, 1, 9), -5},
	}
	for _, c := range cases {
		got, err := WorkingDaysBetween(c.from, c.to)
		if err != nil || got != c.want {
			t.Errorf("%s: got %d, %v; want %d", c.name, got, err, c.want)
		}
	}
	// Property: adding the count back gets to the same date, for every start in a year.
	for d := at(2026, 1, 1, 10); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		for _, n := range []int{1, 5, 20} {
			end, err := AddWorkingDays(d, n)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := WorkingDaysBetween(d, end); got != n {
				t.Fatalf("from %s, %d working days later is %s, but between them are %d", FormatTime(d), n, FormatTime(end), got)
			}
		}
	}
}

func TestPeriodIsWrittenAsAPersonSaysIt(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "a day", 72 * time.Hour: "3 days", time.Hour: "an hour", 90 * time.Minute: "90 minutes",
		5 * time.Second: "5 seconds", time.Second: "a second", 36 * time.Hour: "36 hours",
	} {
		if got := Period(d); got != want {
			t.Errorf("Period(%s) = %q, want %q", d, got, want)
		}
	}
}
