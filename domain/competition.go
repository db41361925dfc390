package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SelectionMethod is how the panel picks bids once they are scored.
type SelectionMethod string

const (
	// TopDown funds bids in score order above the threshold until the money runs out.
	TopDown SelectionMethod = "top_down"
	// Portfolio lets the panel choose a balanced set from the bids above the threshold.
	Portfolio SelectionMethod = "portfolio"
)

// Values lists the methods, for the records' schema.
func (SelectionMethod) Values() []string { return []string{string(TopDown), string(Portfolio)} }

// Valid reports whether s is a known way to select.
func (s SelectionMethod) Valid() bool { return s == TopDown || s == Portfolio }

// Label is the selection as a person reads it.
func (s SelectionMethod) Label() string {
	if s == Portfolio {
		return "Portfolio: the panel chooses a balanced set above the threshold"
	}
	return "Top down: in score order above the threshold"
}

// The ranges of a competition's assessment settings. Innovate UK uses 3 to 5 independent
// assessors a bid, and an assessment period of a few working weeks.
const (
	MinAssessorsPerBid    = 3
	MaxAssessorsPerBid    = 5
	MaxAssessmentDays     = 60
	DefaultAssessmentDays = 15
	DefaultReminderDays   = 2  // working days before the due date that an assessor is reminded
	DefaultModeration     = 20 // percentage points from the bid's mean before a score is looked at again
	MaxWordLimit          = 2000
	MaxAppendixMB         = 50
)

// AppendixTypes are the kinds of file a question may allow as appendices.
var AppendixTypes = []string{"pdf", "docx", "xlsx", "png", "jpg"}

// The texts of a competition's brief and questions.
var (
	CompetitionSummary  = Text{Field: "summary", Label: "the summary", Max: 1000, MultiLine: true}
	CompetitionScope    = Text{Field: "scope", Label: "the scope", Max: 20000, MultiLine: true}
	BriefingDetails     = Text{Field: "briefing_details", Label: "the briefing details", Max: 2000, MultiLine: true, Optional: true}
	QuestionText        = Text{Field: "text", Label: "the question", Max: 2000, MultiLine: true}
	QuestionGuidance    = Text{Field: "guidance", Label: "the guidance", Max: 5000, MultiLine: true, Optional: true}
	ExtensionReason     = Text{Field: "reason", Label: "the reason", Max: 2000, MultiLine: true}
	ClarificationText   = Text{Field: "question", Label: "your question", Max: 2000, MultiLine: true}
	ClarificationAnswer = Text{Field: "answer", Label: "the answer", Max: 5000, MultiLine: true}
)

// Phase2MaxContracts is the most contracts a phase 2 competition funds.
const Phase2MaxContracts = 2

// PhaseContractLimit is the most one contract may be worth in a GovTech Catalyst phase: £50,000
// for phase 1 feasibility, £500,000 for phase 2 prototypes (VAT inclusive).
func PhaseContractLimit(phase int) Money {
	if phase == 2 {
		return Pounds(500_000)
	}
	return Pounds(50_000)
}

// CompetitionSetup is everything the programme decides before a competition opens. It is
// written over several sittings, task by task, and checked as a whole before it opens.
type CompetitionSetup struct {
	Phase                 int
	Summary, Scope        string
	Fields                []string
	OpensAt               time.Time // zero: opens when the programme says so
	ClosesAt              time.Time
	ClarificationClosesAt time.Time
	BriefingAt            time.Time
	BriefingDetails       string
	Caps                  PhaseCaps
	Scheme                Scheme
	AssessorsPerBid       int
	AssessmentDays        int
	ReminderDays          int
	ModerationBand        int
	Selection             SelectionMethod
}

// TaskStatus is a task list's status, as GOV.UK's task list pattern names them.
type TaskStatus string

// The statuses of a task.
const (
	TaskNotStarted TaskStatus = "Not yet started"
	TaskInProgress TaskStatus = "In progress"
	TaskCompleted  TaskStatus = "Completed"
)

// Task is one part of the setup, with what is still missing from it.
type Task struct {
	Key, Label string
	Status     TaskStatus
	Missing    Problems
}

// Tasks lists the setup's parts in order, each with its status and what it still needs.
func (s CompetitionSetup) Tasks() []Task {
	status := func(started bool, missing Problems) TaskStatus {
		switch {
		case len(missing) == 0:
			return TaskCompleted
		case started:
			return TaskInProgress
		}
		return TaskNotStarted
	}
	var details, dates, money, questions, assessment Problems
	if s.Summary == "" {
		details.Add("summary", "Enter a summary of the competition")
	}
	if s.Scope == "" {
		details.Add("scope", "Enter the scope: what is in and out of it")
	}
	if len(s.Fields) == 0 {
		details.Add("fields", "Choose at least one field")
	}
	if s.ClosesAt.IsZero() {
		dates.Add("closes_at", "Enter the closing date and time")
	}
	if s.ClarificationClosesAt.IsZero() {
		dates.Add("clarification_closes_at", "Enter the last day for clarification questions")
	}
	if s.Caps.Pot == 0 {
		money.Add("pot_pence", "Enter the pot")
	}
	if s.Caps.MaxContract == 0 {
		money.Add("max_contract_pence", "Enter the most one contract may be worth")
	}
	scored := 0
	for _, c := range s.Scheme.Criteria {
		if !c.PassFail {
			scored++
		}
	}
	if scored == 0 {
		questions.Add("questions", "Add at least one scored question")
	}
	if s.AssessorsPerBid == 0 {
		assessment.Add("assessors_per_bid", "Choose how many assessors score each bid")
	}
	if s.Selection == "" {
		assessment.Add("selection", "Choose how bids are selected")
	}
	return []Task{
		{"details", "Competition details", status(s.Summary != "" || s.Scope != "" || len(s.Fields) > 0, details), details},
		{"dates", "Dates", status(!s.ClosesAt.IsZero() || !s.OpensAt.IsZero() || !s.ClarificationClosesAt.IsZero(), dates), dates},
		{"money", "Money", status(s.Caps.Pot != 0 || s.Caps.MaxContract != 0, money), money},
		{"questions", "Questions", status(len(s.Scheme.Criteria) > 0, questions), questions},
		{"assessment", "Assessment", status(s.AssessorsPerBid != 0 || s.Selection != "", assessment), assessment},
	}
}

// Missing is every task's missing answer, in the task list's order.
func (s CompetitionSetup) Missing() Problems {
	var ps Problems
	for _, t := range s.Tasks() {
		ps = append(ps, t.Missing...)
	}
	return ps
}

// DefaultShortestOpen is how long a competition must be open at least, unless the deployment
// says otherwise (a demo runs whole competitions in seconds).
const DefaultShortestOpen = 24 * time.Hour

// CheckDates checks the dates against each other and against now: the competition opens in the
// future or now, is open at least shortest (never less than MinOpenPeriod), clarification
// questions stop before the close, and the briefing happens while it is open.
func (s CompetitionSetup) CheckDates(now time.Time, shortest time.Duration) Problems {
	shortest = max(shortest, MinOpenPeriod)
	var ps Problems
	opens := s.OpensAt
	if !opens.IsZero() && opens.Before(now) {
		ps.Add("opens_at", "The opening time has passed: leave it blank to open when you choose, or enter a later time")
	}
	if opens.IsZero() || opens.Before(now) {
		opens = now
	}
	if !s.ClosesAt.IsZero() {
		switch {
		case s.ClosesAt.Before(opens.Add(shortest)):
			ps.Add("closes_at", "The closing time must be at least %s after the competition opens (%s)", Period(shortest), FormatTime(opens))
		case s.ClosesAt.After(opens.Add(MaxOpenPeriod)):
			ps.Add("closes_at", "The closing time must be within a year of opening, not %s", FormatTime(s.ClosesAt))
		}
	}
	if !s.ClarificationClosesAt.IsZero() && !s.ClosesAt.IsZero() && !s.ClarificationClosesAt.Before(s.ClosesAt) {
		ps.Add("clarification_closes_at", "The last day for clarification questions must be before the closing time, so every bidder can read the answers")
	}
	if !s.BriefingAt.IsZero() && !s.ClosesAt.IsZero() && (s.BriefingAt.Before(opens) || !s.BriefingAt.Before(s.ClosesAt)) {
		ps.Add("briefing_at", "The briefing must be while the competition is open, between %s and %s", FormatTime(opens), FormatTime(s.ClosesAt))
	}
	return ps
}

// CheckMoney checks the caps on their own and against the phase's contract limit and what is
// left of the round's budget (left < 0 means the challenge is in no round).
func (s CompetitionSetup) CheckMoney(roundLeft Money, roundName string) Problems {
	var ps Problems
	if err := s.Caps.Validate(); err != nil {
		if more, ok := err.(Problems); ok {
			ps = append(ps, more...)
		}
	}
	if limit := PhaseContractLimit(s.Phase); s.Caps.MaxContract > limit {
		ps.Add("max_contract_pence", "A phase %d contract can be worth at most %s, including VAT", s.Phase, limit)
	}
	if s.Phase == 2 && s.Caps.MaxContracts > Phase2MaxContracts {
		ps.Add("max_contracts", "Phase 2 funds at most %d contracts, to build prototypes of the best ideas", Phase2MaxContracts)
	}
	if roundLeft >= 0 && s.Caps.Pot > roundLeft {
		ps.Add("pot_pence", "The pot (%s) is more than %s has left of its budget (%s)", s.Caps.Pot, roundName, roundLeft)
	}
	return ps
}

// CheckAssessment checks the assessment settings.
func (s CompetitionSetup) CheckAssessment() Problems {
	var ps Problems
	if s.AssessorsPerBid != 0 && (s.AssessorsPerBid < MinAssessorsPerBid || s.AssessorsPerBid > MaxAssessorsPerBid) {
		ps.Add("assessors_per_bid", "Each bid needs from %d to %d assessors", MinAssessorsPerBid, MaxAssessorsPerBid)
	}
	if s.AssessmentDays < 1 || s.AssessmentDays > MaxAssessmentDays {
		ps.Add("assessment_days", "The assessment period must be from 1 to %d working days", MaxAssessmentDays)
	}
	if s.ReminderDays < 0 || (s.ReminderDays > 0 && s.ReminderDays >= s.AssessmentDays) {
		ps.Add("reminder_days", "The reminder must come from 0 to %d working days before the due date, less than the assessment period", max(s.AssessmentDays-1, 0))
	}
	ps = append(ps, CheckInterviewWeight(s.Scheme.InterviewWeight)...)
	if s.ModerationBand < 1 || s.ModerationBand > 100 {
		ps.Add("moderation_band", "The moderation band must be from 1 to 100 percentage points")
	}
	if s.Scheme.Threshold < 0 || s.Scheme.Threshold > 100 {
		ps.Add("threshold", "The quality threshold must be from 0 to 100 percent")
	}
	if s.Selection != "" && !s.Selection.Valid() {
		ps.Add("selection", "Choose top down or portfolio")
	}
	return ps
}

// CheckOpen is everything that must hold before the competition opens or is scheduled: every
// task complete, the dates, the money and the questions. Its words are the ones the pages show
// under "You cannot open this competition yet".
func (s CompetitionSetup) CheckOpen(now time.Time, shortest time.Duration, roundLeft Money, roundName string) error {
	ps := s.Missing()
	for _, more := range []Problems{s.CheckDates(now, shortest), s.CheckMoney(roundLeft, roundName), s.CheckAssessment()} {
		for _, p := range more {
			if ps.For(p.Field) == "" {
				ps = append(ps, p)
			}
		}
	}
	if len(s.Scheme.Criteria) > 0 {
		if err := s.Scheme.Check(); err != nil {
			if more, ok := err.(Problems); ok {
				for _, p := range more {
					if p.Field == "criteria" && ps.For("questions") != "" {
						continue
					}
					ps = append(ps, p)
				}
			}
		}
	}
	return ps.Err()
}

// Question is one question of the question builder: what suppliers answer and assessors score.
// It is a Criterion of the competition's Scheme.
type Question = Criterion

// CheckQuestion checks one question as the builder saves it.
func CheckQuestion(q *Question) Problems {
	var ps Problems
	q.Title = CriterionTitle.CleanAll(q.Title, &ps)
	q.Text = QuestionText.CleanAll(q.Text, &ps)
	q.Guidance = QuestionGuidance.CleanAll(q.Guidance, &ps)
	if q.WordLimit < 1 || q.WordLimit > MaxWordLimit {
		ps.Add("word_limit", "The word limit must be from 1 to %d words", MaxWordLimit)
	}
	if q.PassFail {
		q.Weight, q.Max = 0, 0
	} else {
		if q.Weight < 1 || q.Weight > MaxWeight {
			ps.Add("weight", "The weight must be from 1 to %d", MaxWeight)
		}
		if q.Max < 1 || q.Max > MaxScoreLimit {
			ps.Add("max", "The highest score must be from 1 to %d", MaxScoreLimit)
		}
	}
	if len(q.AppendixTypes) > 0 {
		for _, t := range q.AppendixTypes {
			if !slices.Contains(AppendixTypes, t) {
				ps.Add("appendix_types", "Appendices may be %s, not %q", strings.Join(AppendixTypes, ", "), t)
			}
		}
		if q.AppendixMB < 1 || q.AppendixMB > MaxAppendixMB {
			ps.Add("appendix_mb", "An appendix may be from 1 to %d MB", MaxAppendixMB)
		}
	} else {
		q.AppendixMB = 0
	}
	return ps
}

// NextQuestionKey is a key no question of the scheme has yet: q1, q2…
func (s Scheme) NextQuestionKey() string {
	for n := 1; ; n++ {
		k := "q" + strconv.Itoa(n)
		if _, taken := s.Criterion(k); !taken {
			return k
		}
	}
}

// Deadlines are a competition's closing time and the later times it gave single suppliers.
type Deadlines struct {
	ClosesAt  time.Time
	Extension []Extension
}

// Extension is a later deadline for one supplier's organisation.
type Extension struct {
	OrganisationID int       `json:"organisation_id"`
	ClosesAt       time.Time `json:"closes_at"`
	Reason         string    `json:"reason"`
}

// For is the deadline that applies to one organisation's bid: its own extension, if later.
func (d Deadlines) For(organisationID int) time.Time {
	at := d.ClosesAt
	for _, e := range d.Extension {
		if e.OrganisationID == organisationID && e.ClosesAt.After(at) {
			at = e.ClosesAt
		}
	}
	return at
}

// A bid is judged by its receipt time, taken when its submit arrives, before it waits for a turn
// (the API's admission, at most 2 s, then the database). So that no bid received in time is
// shut out by the close committing first, a submit
// must commit within SubmitCommitLimit of its receipt or be turned away (nothing sealed, send it
// again), and the close waits CloseGrace after the last deadline, longer than any submit may
// still be in flight.
//
// A submit refused busy is not late for that: sent again with the same Idempotency-Key and body
// within LateRetryWindow of its deadline, it is received as of its first arrival, and the close
// waits (that long at most) for each such retry of a submit that first arrived in time.
const (
	SubmitCommitLimit = 10 * time.Second
	CloseGrace        = 12 * time.Second
	LateRetryWindow   = 15 * time.Minute
)

// Last is when the competition closes for everyone: the latest of all its deadlines.
func (d Deadlines) Last() time.Time {
	at := d.ClosesAt
	for _, e := range d.Extension {
		if e.ClosesAt.After(at) {
			at = e.ClosesAt
		}
	}
	return at
}

// CheckExtension says whether a deadline may move to newAt at the instant now: only while the
// competition takes bids or is scheduled, only later than the deadline it replaces, and only
// to a time still ahead.
func CheckExtension(status CompetitionStatus, current, newAt, now time.Time) error {
	if status != CompetitionOpen && status != CompetitionScheduled {
		return refuse("competition", "extend the deadline of", string(status),
			"a deadline can be extended only before the competition closes; it is "+status.Label())
	}
	if DeadlinePassed(current, now) {
		return refuse("competition", "extend the deadline of", string(status),
			fmt.Sprintf("that deadline passed at %s; bids after it would not be sealed as the others were", FormatTime(current)))
	}
	var ps Problems
	switch {
	case newAt.IsZero():
		ps.Add("closes_at", "Enter the new closing date and time")
	case !newAt.After(current):
		ps.Add("closes_at", "The new closing time must be later than the current one, %s", FormatTime(current))
	case newAt.After(current.Add(MaxOpenPeriod)):
		ps.Add("closes_at", "The new closing time must be within a year of the current one")
	}
	return ps.Err()
}

// CheckClarification says whether a supplier may still ask a clarification question.
func CheckClarification(status CompetitionStatus, lastDay, now time.Time) error {
	if status != CompetitionOpen {
		return refuse("competition", "ask a question about", string(status),
			"questions can be asked only while the competition is open; it is "+status.Label())
	}
	if !lastDay.IsZero() && DeadlinePassed(lastDay, now) {
		return refuse("competition", "ask a question about", string(status),
			fmt.Sprintf("the last time for clarification questions was %s", FormatTime(lastDay)))
	}
	return nil
}

// ParseTimeOfDay reads a time as people type it: "11am", "11:30am", "5pm", "17:00", "noon".
func ParseTimeOfDay(s string) (hour, minute int, err error) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	t = strings.ReplaceAll(t, ".", ":")
	bad := InvalidInput("enter a time such as 11am, 5:30pm or 17:30")
	switch t {
	case "":
		return 0, 0, InvalidInput("enter a time")
	case "noon", "midday", "12noon", "12midday":
		return 12, 0, nil
	case "midnight":
		return 0, 0, InvalidInput("midnight is ambiguous: enter 11:59pm or 12:01am")
	}
	suffix := ""
	if strings.HasSuffix(t, "am") || strings.HasSuffix(t, "pm") {
		suffix, t = t[len(t)-2:], t[:len(t)-2]
	}
	hs, ms, hasMinutes := strings.Cut(t, ":")
	hour, herr := strconv.Atoi(hs)
	if herr != nil || len(hs) > 2 {
		return 0, 0, bad
	}
	if hasMinutes {
		var merr error
		minute, merr = strconv.Atoi(ms)
		if merr != nil || len(ms) != 2 || minute > 59 {
			return 0, 0, bad
		}
	}
	switch suffix {
	case "":
		if !hasMinutes || hour > 23 {
			return 0, 0, bad
		}
	default:
		if hour < 1 || hour > 12 {
			return 0, 0, bad
		}
		if hour == 12 {
			hour = 0
		}
		if suffix == "pm" {
			hour += 12
		}
	}
	return hour, minute, nil
}

// ParseDateTime reads a date and a time of day as typed, as an instant in UK time.
func ParseDateTime(day, month, year, timeOfDay string) (time.Time, error) {
	d, err := ParseDate(day, month, year)
	if err != nil {
		return time.Time{}, err
	}
	h, m, err := ParseTimeOfDay(timeOfDay)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, London), nil
}

// AmendmentReason is why the programme changed an open competition's questions; bidders read it.
var AmendmentReason = Text{Field: "reason", Label: "the reason", Max: 2000, MultiLine: true}

// MinAfterAmendment is the least time an amendment leaves bidders before the deadline, as
// Prozorro requires of any change while bids are taken (seven days): time to read the change,
// and to revise and confirm a bid. A later deadline comes first, through an extension.
const MinAfterAmendment = 7 * 24 * time.Hour

// CheckAmendmentTime says whether an amendment now leaves bidders MinAfterAmendment before the
// competition's deadline, and if not, to what the deadline must first be extended.
func CheckAmendmentTime(closes, now time.Time) error {
	if closes.Sub(now) >= MinAfterAmendment {
		return nil
	}
	return &TransitionError{Record: "competition", Action: "amend", Kind: ErrInvalidTransition,
		Reason: fmt.Sprintf("an amendment leaves bidders at least 7 days before the deadline, and it is %s: extend the deadline for everyone to %s or later first",
			FormatTime(closes), FormatTime(now.Add(MinAfterAmendment)))}
}

// CheckAmend says whether a competition in this state may have its questions amended: only
// while it is open or scheduled.
func (s CompetitionStatus) CheckAmend() error {
	if s != CompetitionOpen && s != CompetitionScheduled {
		return refuse("competition", "amend", string(s), "only an open or scheduled competition is amended; it is "+s.Label())
	}
	return nil
}

// CheckSetUp says whether the competition's setup may change: only before it opens or is
// scheduled.
func (s CompetitionStatus) CheckSetUp() error {
	if s != CompetitionDraft {
		return &TransitionError{Record: "competition", Action: "change the setup of", From: string(s), Kind: ErrInvalidTransition,
			Reason: "its setup can change only before it opens or is scheduled; it is " + s.Label() + ". Once open, its deadline can be extended"}
	}
	return nil
}

// CheckAmendment says whether an open competition's questions may become next: the same
// questions, scored the same way, with only their wording, guidance, word limits or appendices
// changed. Adding, removing or rescoring a question would change how bids already in are judged.
func CheckAmendment(status CompetitionStatus, current, next []Question) error {
	if err := status.CheckAmend(); err != nil {
		return err
	}
	if len(current) != len(next) {
		return InvalidInput("an amendment keeps every question: it changes their wording, guidance, word limits or appendices, not how many there are")
	}
	var ps Problems
	changed := false
	for i := range current {
		c, n := current[i], next[i]
		if c.Key != n.Key || c.Weight != n.Weight || c.MaxScore() != n.MaxScore() || c.PassFail != n.PassFail {
			ps.Add(fmt.Sprintf("questions[%d]", i), "Question %d must keep its place and how it is scored", i+1)
		}
		if c.Title != n.Title || c.Text != n.Text || c.Guidance != n.Guidance || c.WordLimit != n.WordLimit ||
			!slices.Equal(c.AppendixTypes, n.AppendixTypes) || c.AppendixMB != n.AppendixMB {
			changed = true
		}
	}
	if len(ps) == 0 && !changed {
		ps.Add("questions", "Nothing is changed: an amendment changes at least one question")
	}
	return ps.Err()
}

// NeedsConfirmation says whether a submitted bid must be confirmed again: the competition was
// amended after it was submitted, and it has not been confirmed since.
func NeedsConfirmation(submittedAt, confirmedAt *time.Time, amendedAt time.Time) bool {
	if submittedAt == nil || amendedAt.IsZero() || amendedAt.Before(*submittedAt) {
		return false
	}
	return confirmedAt == nil || confirmedAt.Before(amendedAt)
}

// CheckConfirm says whether a supplier may confirm its submitted bid at now: it is submitted,
// and its deadline has not passed.
func (s BidStatus) CheckConfirm(comp CompetitionStatus, deadline, now time.Time) error {
	if s != BidSubmitted {
		return refuse("bid", "confirm", string(s), "only a submitted bid is confirmed; this one is "+s.Label())
	}
	if !AcceptsBids(comp, deadline, now) {
		return &TransitionError{Record: "bid", Action: "confirm", From: string(s), Kind: ErrCompetitionClosed,
			Reason: fmt.Sprintf("the deadline was %s (UK time)", FormatTime(deadline))}
	}
	return nil
}
