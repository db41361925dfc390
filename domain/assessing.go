package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// AssessmentDraft is an assessor's scoring saved part way, to finish at another sitting: what
// they have entered so far, nothing of it counted until they submit.
type AssessmentDraft struct {
	Scores   map[string]CriterionScore `json:"scores,omitempty"`
	PassFail map[string]PassFailAnswer `json:"pass_fail,omitempty"`
	InScope  *bool                     `json:"in_scope,omitempty"`
	Fund     *bool                     `json:"fund,omitempty"`
}

// DraftEntry is one scored criterion as an assessor leaves it part way: the score may be not
// yet given.
type DraftEntry struct {
	Score   *int   `json:"score"`
	Comment string `json:"comment"`
}

// DraftAnswers is what an assessor saves part way, from the page or the API alike.
type DraftAnswers struct {
	Scores   map[string]DraftEntry     `json:"scores"`
	PassFail map[string]PassFailAnswer `json:"pass_fail"`
	InScope  *bool                     `json:"in_scope"`
	Fund     *bool                     `json:"fund"`
}

// Draft makes the draft to keep from what the assessor saved: a comment is kept only with its
// score, so a draft never holds a score nobody gave; then CheckDraft.
func (s Scheme) Draft(in DraftAnswers) (AssessmentDraft, error) {
	d := AssessmentDraft{Scores: map[string]CriterionScore{}, PassFail: in.PassFail, InScope: in.InScope, Fund: in.Fund}
	var ps Problems
	for _, k := range sortedKeys(in.Scores) {
		e := in.Scores[k]
		if e.Score == nil {
			if strings.TrimSpace(e.Comment) != "" {
				title := k
				if c, ok := s.Criterion(k); ok {
					title = c.Title
				}
				ps.Add("scores."+k+".score", "Enter the score for %q too, or clear its comment, to save it", title)
			}
			continue
		}
		d.Scores[k] = CriterionScore{Score: *e.Score, Comment: e.Comment}
	}
	var more Problems
	if errors.As(s.CheckDraft(d), &more) {
		ps = append(ps, more...)
	}
	return d, ps.Err()
}

// CheckDraft checks what a draft holds against the scheme: each score given is in range, each
// comment within its limit, every key a criterion of the right kind. What is missing is fine.
func (s Scheme) CheckDraft(d AssessmentDraft) error {
	var ps Problems
	comment := func(field, key, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		if _, p := AssessmentComment.Clean(text); p != nil {
			p.Field = field
			p.Message = fmt.Sprintf("%s (on %q)", p.Message, key)
			ps = append(ps, *p)
		}
	}
	for _, k := range sortedKeys(d.Scores) {
		c, ok := s.Criterion(k)
		if !ok || c.PassFail {
			ps.Add("scores."+k, "criterion %q is not a scored criterion of this competition's scheme", k)
			continue
		}
		if sc := d.Scores[k]; sc.Score < 0 || sc.Score > c.MaxScore() {
			ps.Add("scores."+k+".score", "score for %q must be from 0 to %d, not %d", k, c.MaxScore(), sc.Score)
		}
		comment("scores."+k+".comment", k, d.Scores[k].Comment)
	}
	for _, k := range sortedKeys(d.PassFail) {
		if c, ok := s.Criterion(k); !ok || !c.PassFail {
			ps.Add("pass_fail."+k, "criterion %q is not a pass/fail criterion of this competition's scheme", k)
			continue
		}
		comment("pass_fail."+k+".comment", k, d.PassFail[k].Comment)
	}
	return ps.Err()
}

// Return is the programme sending an assessment back to its assessor with a note: until they
// submit again it is out of the mean, and the decision waits for it.
type Return struct {
	Note string    `json:"note"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// ScoreBand is what a range of scores means, so that assessors score alike.
type ScoreBand struct {
	From, To int
	Label    string
	Meaning  string
}

// bandShares split a criterion's range into five bands, as Innovate UK's assessor guidance does:
// the upper end of each band as a share of the maximum score.
var bandShares = []struct {
	upTo           float64
	label, meaning string
}{
	{0.2, "Poor", "The answer does not address the question, or has serious weaknesses."},
	{0.4, "Weak", "The answer addresses the question in part, with clear weaknesses or gaps."},
	{0.6, "Adequate", "The answer addresses the question, with some weaknesses."},
	{0.8, "Good", "A good answer with few, minor weaknesses."},
	{1.0, "Excellent", "An excellent answer, clear and complete, with strong evidence."},
}

// Bands are the score bands of a criterion scored from 0 to max.
func Bands(max int) []ScoreBand {
	var out []ScoreBand
	from := 0
	for _, b := range bandShares {
		to := int(b.upTo*float64(max) + 0.5)
		if to < from {
			continue // a small maximum has fewer bands
		}
		out = append(out, ScoreBand{From: from, To: to, Label: b.label, Meaning: b.meaning})
		from = to + 1
	}
	return out
}

// DeclarationLapses is when an assessor's declaration of interests, confirmed complete at since,
// lapses: 12 months on. An assessor whose declaration has lapsed is given no bids until they
// renew it.
func DeclarationLapses(since time.Time) time.Time { return since.AddDate(1, 0, 0) }

// DeclarationLapsed says whether a declaration confirmed at since has lapsed by now.
func DeclarationLapsed(since, now time.Time) bool { return !now.Before(DeclarationLapses(since)) }

// MaxCapacity is the most bids one assessor may take in one competition.
const MaxCapacity = 500

// CheckCapacity checks a capacity the programme sets for an assessor in a competition.
func CheckCapacity(n int) error {
	if n < 0 || n > MaxCapacity {
		return Problems{{Field: "capacity", Message: fmt.Sprintf("Enter the most bids they take as a whole number from 0 to %d", MaxCapacity)}}
	}
	return nil
}

// AssessmentDue is when an assessor's scoring is due: the competition's assessment period in
// working days from the release of the assignments, or from the assignment itself when it was
// handed on later. Zero before the release, or when no period is set or the calendar ends.
func AssessmentDue(released *time.Time, assigned time.Time, days int) time.Time {
	if released == nil || days <= 0 {
		return time.Time{}
	}
	from := *released
	if assigned.After(from) {
		from = assigned
	}
	due, err := AddWorkingDays(from, days)
	if err != nil {
		return time.Time{}
	}
	return due
}

// ReminderDue is when an assessor is reminded that an assignment falls due: days working days
// before due. Zero when days is 0, or when that is no later than the assessment began (from),
// since a period that short needs no reminder.
func ReminderDue(from, due time.Time, days int) time.Time {
	if days <= 0 || due.IsZero() {
		return time.Time{}
	}
	at, err := AddWorkingDays(due, -days)
	if err != nil || !at.After(from) {
		return time.Time{}
	}
	return at
}
