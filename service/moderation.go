package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
)

// moderationName is the system identity moderation writes assessments as, after the service
// has checked the programme may moderate: nobody else changes an assessor's scores.
const moderationName = "moderation"

// ExcludeScore takes one assessment out of its bid's mean, with a reason, while the competition
// is in assessment. Its comments stay in the feedback; the panel sheet's mean and rank change at
// once.
func (s *Service) ExcludeScore(ctx context.Context, assessmentID int, reason string) (*ent.Assessment, error) {
	var ps domain.Problems
	reason = domain.ExclusionReason.CleanAll(reason, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	by := authz.ActorOf(ctx, "").Who
	return s.moderate(ctx, assessmentID, "assessment.excluded", func(u *ent.AssessmentUpdateOne) *ent.AssessmentUpdateOne {
		return u.SetExclusion(&domain.Exclusion{Reason: reason, By: by})
	}, reason)
}

// IncludeScore puts an excluded assessment back into its bid's mean.
func (s *Service) IncludeScore(ctx context.Context, assessmentID int) (*ent.Assessment, error) {
	return s.moderate(ctx, assessmentID, "assessment.included", func(u *ent.AssessmentUpdateOne) *ent.AssessmentUpdateOne {
		return u.ClearExclusion()
	}, "")
}

func (s *Service) moderate(ctx context.Context, id int, action string, change func(*ent.AssessmentUpdateOne) *ent.AssessmentUpdateOne, reason string) (*ent.Assessment, error) {
	a, err := s.DB.Assessment.Query().Where(assessment.ID(id)).WithBid(func(q *ent.BidQuery) { q.WithCompetition() }).Only(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Edges.Bid.Edges.Competition.Status.CheckModeration(); err != nil {
		return nil, err
	}
	var out *ent.Assessment
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		sys := authz.AsSystem(ctx, moderationName)
		before := a.Exclusion
		var err error
		if out, err = change(tx.Assessment.UpdateOneID(id)).Save(sys); err != nil {
			return err
		}
		out.Edges.Bid = a.Edges.Bid
		return activities.Audit(ctx, tx, authz.ActorOf(ctx, reason), action, "assessment", id,
			map[string]any{"exclusion": before}, map[string]any{"exclusion": out.Exclusion})
	})
	return out, err
}
