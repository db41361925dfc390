package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/document"
)

// An assessor's own assignments with their due dates in working days. AcceptAssignment records
// that the assessor, shown only the bid's title and supplier, has no conflict and will assess it
// (scoring it records the same; domain.AnswerOf is the one rule for an answer). A bid as they
// read it to score it, and SaveAssessmentDraft: scores saved part way on the assignment, made by
// domain.Scheme.Draft and checked for what is wrong but not what is missing, counted for nothing
// and cleared when the submission is recorded.

// YourAssessment is one of an assessor's assignments: the bid with its competition, when the
// scoring is due, and the assessor's own scores once recorded.
type YourAssessment struct {
	Assignment *ent.Assignment
	Bid        *ent.Bid
	Due        time.Time // the assessment period in working days from the release; zero if unset
	Mine       *ent.Assessment
}

// Status is where the assessor's work on the bid is, as their list says it.
func (y YourAssessment) Status() string {
	switch {
	case y.Assignment.Status == assignment.StatusDeclined:
		return "Declined"
	case answerOf(y.Assignment, y.Mine != nil) == domain.AnswerNotAnswered:
		return "Not answered"
	case y.Mine != nil && y.Mine.Returned != nil:
		return "Sent back"
	case y.Mine != nil:
		return "Scored"
	case y.Assignment.Draft != nil:
		return "In progress"
	}
	return "To score"
}

// MayAccept says whether the assessor may say they will assess the bid now.
func (y YourAssessment) MayAccept() error {
	return domain.CheckAcceptAssignment(y.Assignment.Status == assignment.StatusDeclined, y.Bid.Edges.Competition.Status)
}

// MayDecline says whether the assessor may turn the bid down now: the rule DeclineAssignment
// applies, while the competition's assessors may change.
func (y YourAssessment) MayDecline() error {
	return y.Bid.Edges.Competition.Status.ChangeAssignments()
}

// MayScore says whether the assessor may record or change their scores now: the bid is theirs,
// not declined, and its competition is in assessment.
func (y YourAssessment) MayScore() error {
	if y.Assignment.Status == assignment.StatusDeclined {
		return &domain.TransitionError{Record: "assignment", Action: "score", From: "declined", Kind: domain.ErrInvalidTransition,
			Reason: "you declined this bid, so it went to another assessor"}
	}
	if c := y.Bid.Edges.Competition; c.Status != domain.CompetitionAssessment {
		return &domain.TransitionError{Record: "competition", Action: "score", From: string(c.Status), Kind: domain.ErrInvalidTransition,
			Reason: "the competition is " + c.Status.Label() + ", and bids are scored only while it is in assessment"}
	}
	return nil
}

func (s *Service) yourAssessment(ctx context.Context, a *ent.Assignment) (YourAssessment, error) {
	y := YourAssessment{Assignment: a, Bid: a.Edges.Bid}
	if c := y.Bid.Edges.Competition; c != nil {
		y.Due = DueDate(c, a)
	}
	mine, err := s.DB.Assessment.Query().Where(assessment.BidID(a.BidID), assessment.AssessorID(a.AssessorID)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return y, err
	}
	y.Mine = mine
	return y, nil
}

// YourAssessments are the signed-in assessor's assignments, newest competition first. A bid
// they declined is no longer theirs to read, so it is not listed.
func (s *Service) YourAssessments(ctx context.Context) ([]YourAssessment, error) {
	v, _ := authz.FromContext(ctx)
	rows, err := s.DB.Assignment.Query().Where(assignment.AssessorID(v.PersonID)).
		WithBid(func(q *ent.BidQuery) { q.WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }) }).
		Order(ent.Desc(assignment.FieldCompetitionID), ent.Asc(assignment.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]YourAssessment, 0, len(rows))
	for _, a := range rows {
		if a.Edges.Bid == nil {
			continue // declined: the bid is hidden from them from then on
		}
		y, err := s.yourAssessment(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, nil
}

// Assessing is one of the assessor's assignments with the bid as they read it: its answers,
// its documents and its competition's questions.
func (s *Service) Assessing(ctx context.Context, assignmentID int) (YourAssessment, error) {
	y, err := s.assessing(ctx, assignmentID)
	if err != nil {
		return y, err
	}
	return y, s.recordRead(ctx, readOf{kind: ReadOfBid, id: y.Bid.ID, bidID: y.Bid.ID, orgID: y.Bid.OrganisationID})
}

// assessing is Assessing without the read log, for the commands that save what was read.
func (s *Service) assessing(ctx context.Context, assignmentID int) (YourAssessment, error) {
	v, _ := authz.FromContext(ctx)
	a, err := s.DB.Assignment.Query().Where(assignment.ID(assignmentID), assignment.AssessorID(v.PersonID)).
		WithBid(func(q *ent.BidQuery) {
			q.Where(bid.StatusNEQ(domain.BidDraft)).WithOrganisation().WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).
				WithDocuments(func(q *ent.DocumentQuery) { q.Order(ent.Asc(document.FieldID)) })
		}).Only(ctx)
	if err != nil {
		return YourAssessment{}, err
	}
	if a.Edges.Bid == nil {
		return YourAssessment{}, &Refusal{Kind: NotFound, Code: "not-found", Title: "Not found", Detail: "there is no such assignment of yours"}
	}
	return s.yourAssessment(ctx, a)
}

// SaveAssessmentDraft keeps the assessor's scoring part way, to finish at another sitting:
// whatever they have entered, checked for what is wrong but not for what is missing. Nothing
// of it counts until they submit.
func (s *Service) SaveAssessmentDraft(ctx context.Context, assignmentID int, in domain.DraftAnswers) (*ent.Assignment, error) {
	y, err := s.assessing(ctx, assignmentID)
	if err != nil {
		return nil, err
	}
	if err := y.MayScore(); err != nil {
		return nil, err
	}
	d, err := y.Bid.Edges.Competition.Scheme.Draft(in)
	if err != nil {
		return nil, err
	}
	// Written as the assessor: the data layer lets them change only their own assignments.
	// Scoring a bid, even part way, confirms the assessor will assess it.
	up := s.DB.Assignment.UpdateOneID(y.Assignment.ID).SetDraft(&d).SetDraftSavedAt(time.Now().UTC())
	if y.Assignment.AcceptedAt == nil {
		up.SetAcceptedAt(time.Now().UTC())
	}
	return up.Save(ctx)
}
