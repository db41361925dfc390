package domain

import (
	"fmt"
	"strings"
)

// EligibilityReason is the programme's reason for finding a bid ineligible, or eligible after
// all; the supplier reads it.
var EligibilityReason = Text{Field: "reason", Label: "the reason", Max: 2000, MultiLine: true}

// BidFacts are what the automatic eligibility checks look at in one submitted bid.
type BidFacts struct {
	Amount, MaxContract Money
	Documents           int
	Phase               int
	ContinuedToPhase2   bool // phase 2 only: the stage gate continued this organisation
	PublicBody          bool
	PassFailUnanswered  []string // titles of pass or fail questions the bid does not answer
	Unconfirmed         bool     // submitted before an amendment and not confirmed since
}

// EligibilityFlags are the automatic checks a bid fails, each as a sentence the programme
// reads before it decides. None: nothing to look at.
func (f BidFacts) EligibilityFlags() []string {
	var out []string
	if _, over := AboveMaximum(f.Amount, f.MaxContract); over {
		out = append(out, fmt.Sprintf("Its price, %s, is above the %s maximum per contract", f.Amount, f.MaxContract))
	}
	if f.Documents == 0 {
		out = append(out, "It has no documents: the proposal is missing")
	}
	if f.Phase == 2 && !f.ContinuedToPhase2 {
		out = append(out, "Its organisation was not continued to phase 2 at the stage gate")
	}
	if f.PublicBody {
		out = append(out, "It is from a public body, not a supplier")
	}
	if f.Unconfirmed {
		out = append(out, "It was submitted before the competition's questions were amended, and not confirmed again")
	}
	for _, q := range f.PassFailUnanswered {
		out = append(out, fmt.Sprintf("It does not answer the pass or fail question %q", q))
	}
	return out
}

// CloseForEligibility applies the deadline when eligibility is checked before assessment: to
// the eligibility check if any bid arrived, else closed with no bids.
func (s CompetitionStatus) CloseForEligibility(bids int) (CompetitionStatus, error) {
	if s != CompetitionOpen {
		return s, refuse("competition", "close", string(s), "it is not open; it is "+s.Label())
	}
	if bids == 0 {
		return CompetitionClosedNoBids, nil
	}
	return CompetitionEligibility, nil
}

// CheckEligibility says whether bids' eligibility may be decided now: only between the close
// and assessment.
func (s CompetitionStatus) CheckEligibility() error {
	if s != CompetitionEligibility {
		return refuse("competition", "decide eligibility in", string(s),
			"eligibility is decided after the deadline and before assessment; it is "+s.Label())
	}
	return nil
}

// CheckAssess says whether assessments are taken now: only in assessment. The workflow and the
// service's own path (competitions whose assessments are in the records) both ask it.
func (s CompetitionStatus) CheckAssess() error {
	if s != CompetitionAssessment {
		return &TransitionError{Record: "competition", Action: "assess", From: string(s),
			Reason: "assessment starts after the deadline, once eligibility is checked; it is " + s.Label(),
			Kind:   ErrInvalidTransition}
	}
	return nil
}

// CheckAssessed says whether every bid has its assessments for a decision: scored counts, by
// bid in the order given, against minimum (the scheme's, or a lower one the programme gave);
// name says which bid it is as people know it. The workflow and the decision's activity both
// ask it.
func CheckAssessed(status CompetitionStatus, bids []int, scored func(bid int) int, name func(bid int) string, minimum int) error {
	var short []string
	for _, id := range bids {
		if n := scored(id); n < minimum {
			short = append(short, fmt.Sprintf("%s has %d of its %d assessments", name(id), n, minimum))
		}
	}
	if len(short) == 0 {
		return nil
	}
	return &TransitionError{Record: "competition", Action: "decide", From: string(status),
		Reason: "every bid needs its assessments first: " + strings.Join(short, "; "), Kind: ErrEvidenceMissing}
}

// StartAssessment ends the eligibility check: to assessment if any bid is eligible, else
// closed with no bids to assess.
func (s CompetitionStatus) StartAssessment(eligible int) (CompetitionStatus, error) {
	if err := s.CheckEligibility(); err != nil {
		return s, err
	}
	if eligible == 0 {
		return CompetitionClosedNoBids, nil
	}
	return CompetitionAssessment, nil
}

// Eligibility decides one bid: ineligible from submitted, or eligible (reinstated) from
// ineligible. A submitted bid found eligible stays submitted, with the reason recorded.
func (s BidStatus) Eligibility(eligible bool) (BidStatus, error) {
	switch {
	case eligible && (s == BidSubmitted || s == BidIneligible):
		return BidSubmitted, nil
	case !eligible && (s == BidSubmitted || s == BidIneligible):
		return BidIneligible, nil
	}
	return s, refuse("bid", "decide the eligibility of", string(s), "only a submitted bid's eligibility is decided; this one is "+s.Label())
}

// CheckEligibilityDone says whether every bid the automatic checks flagged has the
// programme's decision, naming those that do not.
func CheckEligibilityDone(undecided []string) error {
	if len(undecided) == 0 {
		return nil
	}
	return &TransitionError{Record: "competition", Action: "finish the eligibility check of", From: string(CompetitionEligibility),
		Kind: ErrEvidenceMissing, Reason: fmt.Sprintf("decide the %s the automatic checks flagged first: %s",
			Plural(len(undecided), "bid", "bids"), strings.Join(undecided, "; "))}
}
