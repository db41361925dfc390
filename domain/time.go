package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zone rules travel with the binary: no zoneinfo files are read
)

// London is where people read times: deadlines are instants, shown in UK time.
var London = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("the Europe/London zone rules are missing: " + err.Error())
	}
	return l
}()

// FormatTime writes an instant in UK time as GOV.UK style does: "11:00am on 14 May 2026".
func FormatTime(t time.Time) string {
	l := t.In(London)
	return strings.ToLower(l.Format("3:04pm")) + " on " + l.Format("2 January 2006")
}

// FormatDate writes the day of an instant in UK time as GOV.UK style does: "14 May 2026".
func FormatDate(t time.Time) string { return t.In(London).Format("2 January 2006") }

// ErrOutsideCalendar: a working-day period reaches a year the shipped bank holiday calendar does
// not cover; guessing would be wrong by a day around every holiday.
var ErrOutsideCalendar = errors.New("outside the bank holiday calendar")

// The years the shipped bank holiday calendar covers.
const (
	// CalendarFirstYear is the first year with bank holidays in the calendar.
	CalendarFirstYear = 2018
	// CalendarLastYear is the last year with bank holidays in the calendar.
	CalendarLastYear = 2030
)

type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.In(London).Date()
	return civilDate{y, m, d}
}

// bankHolidays maps each holiday to its name.
var bankHolidays = func() map[civilDate]string {
	out := map[civilDate]string{}
	for _, line := range strings.Split(strings.TrimSpace(englandAndWalesBankHolidays), "\n") {
		day, name, _ := strings.Cut(line, " ")
		t, err := time.Parse("2006-01-02", day)
		if err != nil {
			panic("bank holiday calendar: " + err.Error())
		}
		out[civilDate{t.Year(), t.Month(), t.Day()}] = name
	}
	return out
}()

// BankHoliday names the England and Wales bank holiday on the UK date of t, if it is one.
func BankHoliday(t time.Time) (string, bool) {
	name, ok := bankHolidays[dateOf(t)]
	return name, ok
}

func checkCalendar(t time.Time) error {
	if y := t.In(London).Year(); y < CalendarFirstYear || y > CalendarLastYear {
		return fmt.Errorf("%w: %d is not in %d–%d; add that year's bank holidays to domain/bankholidays.go",
			ErrOutsideCalendar, y, CalendarFirstYear, CalendarLastYear)
	}
	return nil
}

// IsWorkingDay reports whether t's UK date is a working day: not a weekend, not a bank holiday.
func IsWorkingDay(t time.Time) (bool, error) {
	if err := checkCalendar(t); err != nil {
		return false, err
	}
	l := t.In(London)
	if wd := l.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false, nil
	}
	_, holiday := BankHoliday(t)
	return !holiday, nil
}

// AddWorkingDays moves t forward by n working days (backwards if n < 0), keeping its UK time of
// day: "5 working days after Friday 11:00am" is the next Friday at 11:00am, later if a bank
// holiday falls in between.
func AddWorkingDays(t time.Time, n int) (time.Time, error) {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	l := t.In(London)
	for n > 0 {
		l = l.AddDate(0, 0, step)
		ok, err := IsWorkingDay(l)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			n--
		}
	}
	if err := checkCalendar(l); err != nil {
		return time.Time{}, err
	}
	return l.UTC(), nil
}

// WorkingDaysBetween counts the working days after from's UK date up to and including to's: from
// Monday to the next Monday is 5. It is negative when to is before from.
func WorkingDaysBetween(from, to time.Time) (int, error) {
	if err := checkCalendar(from); err != nil {
		return 0, err
	}
	if err := checkCalendar(to); err != nil {
		return 0, err
	}
	sign := 1
	a, b := from.In(London), to.In(London)
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	a = time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, London)
	end := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, London)
	count := 0
	for d := a.AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
		if ok, _ := IsWorkingDay(d); ok {
			count++
		}
	}
	return sign * count, nil
}

// ParseDate reads a date typed in GOV.UK's three boxes (day, month, year) as the start of that
// day in UK time, or says what to fix.
func ParseDate(day, month, year string) (time.Time, error) {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)
	if day == "" && month == "" && year == "" {
		return time.Time{}, InvalidInput("enter a date")
	}
	d, derr := strconv.Atoi(day)
	m, merr := strconv.Atoi(month)
	y, yerr := strconv.Atoi(year)
	switch {
	case derr != nil || merr != nil || yerr != nil:
		return time.Time{}, InvalidInput("enter the date as numbers, such as 27 3 2027")
	case len(year) != 4:
		return time.Time{}, InvalidInput("enter the year with 4 digits, such as 2027")
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, London)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return time.Time{}, InvalidInput("enter a real date")
	}
	return t, nil
}

// Period writes a length of time as a person says it: "a day", "3 days", "2 hours", "5 seconds".
func Period(d time.Duration) string {
	for _, u := range []struct {
		size       time.Duration
		one, units string
	}{{24 * time.Hour, "a day", "days"}, {time.Hour, "an hour", "hours"}, {time.Minute, "a minute", "minutes"}} {
		if d >= u.size && d%u.size == 0 {
			if d == u.size {
				return u.one
			}
			return fmt.Sprintf("%d %s", d/u.size, u.units)
		}
	}
	if d == time.Second {
		return "a second"
	}
	return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
}
