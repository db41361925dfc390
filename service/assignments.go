package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/records"
)

// Assignments, feedback, and holdBack: until the programme releases a decided competition's
// outcomes in one batch, a supplier's bid reads as submitted, with no score or reason, and its
// contract is hidden by ent/rule; the release tells every bidder.

// ListAssignments lists the assignments the viewer may see (an assessor their own), in ID
// order, optionally of one competition, up to Limit+1.
func (s *Service) ListAssignments(ctx context.Context, page Page, competitionID int) ([]*ent.Assignment, error) {
	q := s.DB.Assignment.Query().Where(assignment.IDGT(page.After)).Order(ent.Asc(assignment.FieldID)).Limit(page.Limit + 1)
	if competitionID != 0 {
		q.Where(assignment.CompetitionID(competitionID))
	}
	return q.All(ctx)
}

// Decline is why an assessor turns an assignment down: a conflict of interest, or no capacity.
type Decline = records.Decline

// DeclineAssignment turns down one of the assessor's assignments, for a conflict of interest or
// for lack of capacity; the bid goes to another assessor.
func (s *Service) DeclineAssignment(ctx context.Context, id int, why Decline) (*ent.Assignment, error) {
	if _, err := s.DB.Assignment.Get(ctx, id); err != nil {
		return nil, err
	}
	var out *ent.Assignment
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		if out, err = records.DeclineAssignment(ctx, tx, id, why, authz.ActorOf(ctx, "")); err != nil {
			return err
		}
		return assignmentsChanged(ctx, tx, out.CompetitionID)
	})
	return out, err
}

// AcceptAssignment confirms that the assessor will assess one of their bids: they have seen its
// title and supplier and have no conflict of interest.
func (s *Service) AcceptAssignment(ctx context.Context, id int) (*ent.Assignment, error) {
	if _, err := s.DB.Assignment.Get(ctx, id); err != nil {
		return nil, err
	}
	var out *ent.Assignment
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		out, err = records.AcceptAssignment(ctx, tx, id, authz.ActorOf(ctx, ""))
		return err
	})
	return out, err
}

// ReleaseFeedback lets a decided competition's suppliers read their assessments. It is
// recorded once; releasing again changes nothing.
func (s *Service) ReleaseFeedback(ctx context.Context, competitionID int) error {
	return s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		return records.ReleaseFeedback(ctx, tx, competitionID, authz.ActorOf(ctx, ""))
	})
}

// FeedbackVisible says whether the viewer may read the scores and comments of comp's bids.
func FeedbackVisible(ctx context.Context, comp *ent.Competition) bool {
	v, _ := authz.FromContext(ctx)
	return domain.FeedbackVisible(v.Has(authz.ProgrammeOfficer) || v.Has(authz.ChallengeOwner), comp != nil && comp.FeedbackReleasedAt != nil)
}

// holdBack hides decided outcomes the viewer may not read yet: until the programme releases
// them, a supplier's funded or unfunded bid reads as submitted, with no score or reason (its
// contract is hidden by the contract rule in ent/rule until then too), and its interview score
// is hidden with it.
func (s *Service) holdBack(ctx context.Context, bids ...*ent.Bid) error {
	if v, _ := authz.FromContext(ctx); v.Has(authz.ProgrammeOfficer) || v.Has(authz.ChallengeOwner) {
		return nil
	}
	var ask []int
	for _, b := range bids {
		if b != nil && (decided(b) || b.InterviewScore != nil) && b.Edges.Competition == nil {
			ask = append(ask, b.CompetitionID)
		}
	}
	released := map[int]bool{}
	if len(ask) > 0 {
		comps, err := s.DB.Competition.Query().Where(competition.IDIn(ask...)).All(authz.AsSystem(ctx, "outcomes"))
		if err != nil {
			return err
		}
		for _, c := range comps {
			released[c.ID] = c.FeedbackReleasedAt != nil
		}
	}
	for _, b := range bids {
		if b == nil || (!decided(b) && b.InterviewScore == nil) {
			continue
		}
		out := released[b.CompetitionID]
		if c := b.Edges.Competition; c != nil {
			out = c.FeedbackReleasedAt != nil
		}
		if !out && decided(b) {
			b.Status, b.Score, b.OutcomeReason = domain.BidSubmitted, nil, ""
		}
		if !out {
			b.InterviewScore, b.InterviewNote = nil, ""
		}
	}
	return nil
}

func decided(b *ent.Bid) bool { return b.Status == domain.BidFunded || b.Status == domain.BidNotFunded }

// Feedback is a bid's assessments as its feedback: those that counted in the decision, in
// the order they were made.
type Feedback struct {
	Bid         *ent.Bid
	Assessments []*ent.Assessment
}

// Feedback is what the viewer may be told of a bid's assessment. Scores from an assessor with
// a conflict did not count in the decision, so they are not feedback either.
func (s *Service) Feedback(ctx context.Context, bidID int) (Feedback, error) {
	b, err := s.DB.Bid.Query().Where(bid.ID(bidID)).WithCompetition().Only(ctx)
	if err != nil {
		return Feedback{}, err
	}
	if !FeedbackVisible(ctx, b.Edges.Competition) {
		return Feedback{}, conflict("feedback-not-released", "feedback on this bid has not been released yet; you will be told when it is")
	}
	if err := s.recordRead(ctx, readOf{kind: ReadOfScores, id: b.ID, bidID: b.ID, orgID: b.OrganisationID}); err != nil {
		return Feedback{}, err
	}
	rows, err := s.DB.Assessment.Query().Where(assessment.BidID(b.ID)).Order(ent.Asc(assessment.FieldID)).All(ctx)
	if err != nil {
		return Feedback{}, err
	}
	conflicted, err := records.Conflicts(ctx, s.DB.Assignment, assignment.BidID(b.ID))
	if err != nil {
		return Feedback{}, err
	}
	out := Feedback{Bid: b}
	for _, a := range rows {
		if _, ok := conflicted[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}]; !ok {
			out.Assessments = append(out.Assessments, a)
		}
	}
	return out, nil
}
