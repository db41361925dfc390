package records

import (
	"context"
	"reflect"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
)

// AssessmentInput is one assessor's scoring of one bid.
type AssessmentInput struct {
	CompetitionID int
	BidID         int
	AssessorID    int
	Assessment    domain.Assessment
	Actor         authz.Actor
}

// AssessmentOutput gives the weighted percentage the scores came to.
type AssessmentOutput struct {
	Percent float64
}

// Refused marks a rule's refusal among WriteAssessment's errors, for the activity to tell a
// refusal (never retried) from a failure.
type Refused struct{ Err error }

func (r Refused) Error() string { return r.Err.Error() }
func (r Refused) Unwrap() error { return r.Err }

// WriteAssessment stores (or replaces) an assessor's scoring of a bid in tx: the activity
// RecordAssessment and the service's own path (competitions whose assessments are in the records) share it.
func WriteAssessment(ctx context.Context, tx *ent.Tx, in AssessmentInput) (AssessmentOutput, error) {
	ctx = authz.AsSystem(ctx, SystemName)
	var out AssessmentOutput
	c, err := tx.Competition.Get(ctx, in.CompetitionID)
	if err != nil {
		return out, err
	}
	if err := c.Scheme.ValidateAssessment(in.Assessment); err != nil {
		return out, Refused{err}
	}
	b, err := tx.Bid.Get(ctx, in.BidID)
	if err != nil {
		return out, err
	}
	if b.CompetitionID != c.ID {
		return out, Refused{domain.InvalidInput("bid %d is not in competition %d", b.ID, c.ID)}
	}
	if ok, err := tx.Bid.Query().Where(bid.ID(b.ID), Assessable).Exist(ctx); err != nil || !ok {
		if err != nil {
			return out, err
		}
		return out, Refused{domain.InvalidInput("bid %d is not one of this competition's submitted bids", b.ID)}
	}
	// Only an assessor the bid is assigned to (and who has not declined it) may score it.
	assigned, err := tx.Assignment.Query().Where(assignment.BidID(b.ID), assignment.AssessorID(in.AssessorID),
		assignment.StatusEQ(assignment.StatusAssigned)).Exist(ctx)
	if err != nil {
		return out, err
	}
	if !assigned {
		return out, Refused{domain.InvalidInput("assessor %d is not assigned bid %d, or has declined it", in.AssessorID, b.ID)}
	}
	out.Percent = c.Scheme.Percent(in.Assessment)
	// A retry of a submission already recorded (the same scores, not sent back since)
	// writes nothing again, not even its audit event; a changed submission replaces it.
	prev, err := tx.Assessment.Query().Where(assessment.BidID(b.ID), assessment.AssessorID(in.AssessorID)).Only(ctx)
	if err == nil && prev.Returned == nil && prev.InScope == in.Assessment.InScope && prev.Fund == in.Assessment.Fund &&
		reflect.DeepEqual(prev.Scores, in.Assessment.Scores) && len(prev.PassFail) == len(in.Assessment.PassFail) &&
		(len(prev.PassFail) == 0 || reflect.DeepEqual(prev.PassFail, in.Assessment.PassFail)) {
		return out, nil
	}
	if err != nil && !ent.IsNotFound(err) {
		return out, err
	}
	id, err := tx.Assessment.Create().
		SetBidID(b.ID).
		SetAssessorID(in.AssessorID).
		SetScores(in.Assessment.Scores).
		SetPassFail(in.Assessment.PassFail).
		SetInScope(in.Assessment.InScope).
		SetFund(in.Assessment.Fund).
		SetPercent(out.Percent).
		OnConflictColumns(assessment.FieldBidID, assessment.FieldAssessorID).
		UpdateNewValues().
		ID(ctx)
	if err != nil {
		return out, err
	}
	// Submitted: a sending back is answered, and the draft it was written in is done with.
	if err := tx.Assessment.UpdateOneID(id).ClearReturned().Exec(ctx); err != nil {
		return out, err
	}
	if err := tx.Assignment.Update().Where(assignment.BidID(b.ID), assignment.AssessorID(in.AssessorID)).
		ClearDraft().ClearDraftSavedAt().Exec(ctx); err != nil {
		return out, err
	}
	// Scoring a bid confirms the assessor will assess it, if they had not said so first.
	if err := tx.Assignment.Update().Where(assignment.BidID(b.ID), assignment.AssessorID(in.AssessorID), assignment.AcceptedAtIsNil()).
		SetAcceptedAt(time.Now().UTC()).Exec(ctx); err != nil {
		return out, err
	}
	return out, Audit(ctx, tx, in.Actor, "assessment.recorded", "assessment", id, nil,
		map[string]any{"bid": b.ID, "assessor": in.AssessorID, "percent": out.Percent})
}
