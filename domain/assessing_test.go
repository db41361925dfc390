package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBandsCoverEveryScoreOnce(t *testing.T) {
	for _, max := range []int{1, 3, 5, 10, 20} {
		bands := Bands(max)
		next := 0
		for _, b := range bands {
			if b.From != next || b.To < b.From {
				t.Errorf("max %d: band %+v after %d", max, b, next-1)
			}
			next = b.To + 1
		}
		if next != max+1 {
			t.Errorf("max %d: bands end at %d", max, next-1)
		}
	}
	if b := Bands(10); len(b) != 5 || b[4].Label != "Excellent" || b[4].From != 9 || b[0].To != 2 {
		t.Errorf("Bands(10) = %+v", b)
	}
}

func TestADraftMayBeIncompleteButNotWrong(t *testing.T) {
	s := DefaultScheme()
	s.Criteria = append(s.Criteria, Criterion{Key: "start", Title: "Can start", PassFail: true})
	if err := s.CheckDraft(AssessmentDraft{Scores: map[string]CriterionScore{"innovation": {Score: 7}}}); err != nil {
		t.Errorf("a draft with one score and no comment: %v", err)
	}
	err := s.CheckDraft(AssessmentDraft{
		Scores:   map[string]CriterionScore{"innovation": {Score: 11}, "start": {Score: 1}, "value": {Score: 5, Comment: strings.Repeat("x", 5001)}},
		PassFail: map[string]PassFailAnswer{"innovation": {Pass: true}},
	})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("CheckDraft = %v", err)
	}
	for _, field := range []string{"scores.innovation.score", "scores.start", "scores.value.comment", "pass_fail.innovation"} {
		if ps.For(field) == "" {
			t.Errorf("no problem for %s in %v", field, ps)
		}
	}
}

func TestAssessmentIsDueInWorkingDaysFromTheRelease(t *testing.T) {
	released := time.Date(2026, 12, 18, 10, 0, 0, 0, time.UTC) // a Friday before Christmas
	if due := AssessmentDue(nil, released, 10); !due.IsZero() {
		t.Errorf("due before the release: %v", due)
	}
	due := AssessmentDue(&released, released.Add(-time.Hour), 3)
	// Monday 21, Tuesday 22, Wednesday 23 December.
	if due.Day() != 23 || due.Month() != time.December {
		t.Errorf("three working days from Friday 18 December: %v", due)
	}
	// Handed on after the release: counted from the hand-on, over Christmas and Boxing Day.
	later := time.Date(2026, 12, 23, 10, 0, 0, 0, time.UTC)
	if due := AssessmentDue(&released, later, 2); due.Day() != 29 {
		t.Errorf("two working days from Wednesday 23 December: %v", due)
	}
}

func TestReminderComesWorkingDaysBeforeTheDueDate(t *testing.T) {
	released := time.Date(2026, 12, 21, 10, 0, 0, 0, time.UTC)                     // Monday before Christmas
	due := AssessmentDue(&released, released, 5)                                   // 25 and 28 December are bank holidays: due on the 30th
	if got := ReminderDue(released, due, 2); got.Day() != 24 || got.Hour() != 10 { // 29 and 24 December are the two working days before
		t.Errorf("reminder = %v for due %v, want 10:00 on 24 December", got, due)
	}
	if got := ReminderDue(released, due, 5); !got.IsZero() {
		t.Errorf("a reminder as long as the period came at %v; want none", got)
	}
	if got := ReminderDue(released, due, 0); !got.IsZero() {
		t.Errorf("reminder of 0 days = %v, want none", got)
	}
}
