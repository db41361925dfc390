package service

import (
	"cmp"
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/records"
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
	return s.moderate(ctx, assessmentID, "assessment.excluded", domain.ScoreModeration.CheckExclude, func(u *ent.AssessmentUpdateOne) *ent.AssessmentUpdateOne {
		return u.SetExclusion(&domain.Exclusion{Reason: reason, By: by})
	}, reason, nil)
}

// IncludeScore puts an excluded assessment back into its bid's mean.
func (s *Service) IncludeScore(ctx context.Context, assessmentID int) (*ent.Assessment, error) {
	return s.moderate(ctx, assessmentID, "assessment.included", domain.ScoreModeration.CheckInclude, func(u *ent.AssessmentUpdateOne) *ent.AssessmentUpdateOne {
		return u.ClearExclusion()
	}, "", nil)
}

// SendBack returns an assessment to its assessor with a note saying what to look at again. It
// leaves the mean until they submit again, and the decision waits for it; the assessor is told.
func (s *Service) SendBack(ctx context.Context, assessmentID int, note string) (*ent.Assessment, error) {
	var ps domain.Problems
	note = domain.ReturnNote.CleanAll(note, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	by := authz.ActorOf(ctx, "").Who
	return s.moderate(ctx, assessmentID, "assessment.returned", domain.ScoreModeration.CheckSendBack, func(u *ent.AssessmentUpdateOne) *ent.AssessmentUpdateOne {
		return u.SetReturned(&domain.Return{Note: note, By: by, At: time.Now().UTC()})
	}, note, func(tx *ent.Tx, a *ent.Assessment) error {
		b := a.Edges.Bid
		title := b.Edges.Competition.Edges.Challenge.Title
		return records.Notify(ctx, tx, a.AssessorID, domain.NoticeAssessmentReturned, "bid", b.ID,
			map[string]string{"bid": b.Title, "title": title, "note": note})
	})
}

// scoreModeration is an assessment as moderation judges it.
func scoreModeration(a *ent.Assessment, status domain.CompetitionStatus, conflicted map[domain.Pair]string) domain.ScoreModeration {
	_, conflict := conflicted[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}]
	return domain.ScoreModeration{Competition: status, Excluded: a.Exclusion != nil, SentBack: a.Returned != nil, Conflict: conflict}
}

// ScoreActions are what the programme may do to one assessor's scores of bid b on the panel
// sheet now: exclude them from the mean, include them again, send them back; none for someone
// who declared an interest in the bid's supplier. Each is the rule its command applies; others
// have none.
func ScoreActions(ctx context.Context, b *ent.Bid, m domain.ScoreModeration) Actions {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.ProgrammeOfficer) {
		return nil
	}
	conflicted := noInterest(v, b.OrganisationID, bidderName(b))
	var out Actions
	out.add("exclude", "Exclude the score", cmp.Or(conflicted, m.CheckExclude()))
	out.add("include", "Include again", cmp.Or(conflicted, m.CheckInclude()))
	out.add("send-back", "Send back to the assessor", cmp.Or(conflicted, m.CheckSendBack()))
	return out
}

// SentBack is how a score sent back is left out of the mean: not an exclusion of its own.
var SentBack = records.SentBack

// moderate changes one assessment as the moderation identity when its rule (check) allows,
// audited with the programme's reason; also, if given, writes in the same transaction (a notice).
func (s *Service) moderate(ctx context.Context, id int, action string, check func(domain.ScoreModeration) error,
	change func(*ent.AssessmentUpdateOne) *ent.AssessmentUpdateOne, reason string, also func(*ent.Tx, *ent.Assessment) error) (*ent.Assessment, error) {
	a, err := s.DB.Assessment.Query().Where(assessment.ID(id)).
		WithBid(func(q *ent.BidQuery) {
			q.WithOrganisation().WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() })
		}).Only(ctx)
	if err != nil {
		return nil, err
	}
	v, _ := authz.FromContext(ctx)
	if err := noInterest(v, a.Edges.Bid.OrganisationID, bidderName(a.Edges.Bid)); err != nil {
		return nil, err
	}
	conflicted, err := records.Conflicts(ctx, s.DB.Assignment, assignment.CompetitionID(a.Edges.Bid.CompetitionID),
		assignment.BidID(a.BidID), assignment.AssessorID(a.AssessorID))
	if err != nil {
		return nil, err
	}
	if err := check(scoreModeration(a, a.Edges.Bid.Edges.Competition.Status, conflicted)); err != nil {
		return nil, err
	}
	var out *ent.Assessment
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		sys := authz.AsSystem(ctx, moderationName)
		var err error
		if out, err = change(tx.Assessment.UpdateOneID(id)).Save(sys); err != nil {
			return err
		}
		out.Edges.Bid = a.Edges.Bid
		if also != nil {
			if err := also(tx, out); err != nil {
				return err
			}
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, reason), action, "assessment", id,
			map[string]any{"exclusion": a.Exclusion, "returned": a.Returned}, map[string]any{"exclusion": out.Exclusion, "returned": out.Returned})
	})
	return out, err
}
