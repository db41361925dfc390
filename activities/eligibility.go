package activities

import (
	"context"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/records"
)

// flagEligibility runs the automatic eligibility checks on each submitted bid at the close and
// records what each fails, for the programme to decide on.
func flagEligibility(ctx context.Context, tx *ent.Tx, c *ent.Competition, ids []int) error {
	bids, err := tx.Bid.Query().Where(bid.IDIn(ids...)).WithOrganisation().WithDocuments().All(ctx)
	if err != nil {
		return err
	}
	for _, b := range bids {
		facts := domain.BidFacts{Amount: b.Amount, MaxContract: c.MaxContract, Documents: len(b.Edges.Documents), Phase: c.Phase,
			ContinuedToPhase2: slices.Contains(c.EligibleOrganisations, b.OrganisationID), PublicBody: b.Edges.Organisation.PublicBody,
			Unconfirmed:        domain.NeedsConfirmation(b.SubmittedAt, b.ConfirmedAt, c.AmendedAt),
			PassFailUnanswered: domain.BidContent{Declarations: b.Declarations}.PassFailUnanswered(c.Scheme)}
		flags := facts.EligibilityFlags()
		if len(flags) == 0 {
			continue
		}
		if err := tx.Bid.UpdateOne(b).SetEligibilityFlags(flags).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// StartAssessmentInput ends a competition's eligibility check.
type StartAssessmentInput struct {
	CompetitionID int
	Actor         authz.Actor
}

// StartAssessment ends the eligibility check once every flagged bid has the programme's
// decision, and gives the eligible bids their assessors. Run again, it finds assessment
// started and answers as the first run did.
func (a *Activities) StartAssessment(ctx context.Context, in StartAssessmentInput) (CloseCompetitionOutput, error) {
	ctx = asSystem(ctx)
	var out CloseCompetitionOutput
	err := a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		// The competition's row first: a decision on a bid being written now holds it.
		if err := tx.Competition.UpdateOneID(in.CompetitionID).SetUpdatedAt(time.Now().UTC()).Exec(ctx); err != nil {
			return err
		}
		c, err := tx.Competition.Get(ctx, in.CompetitionID)
		if err != nil {
			return err
		}
		ids, err := tx.Bid.Query().Where(bid.CompetitionID(c.ID), records.Assessable).Order(ent.Asc(bid.FieldID)).IDs(ctx)
		if err != nil {
			return err
		}
		out.BidIDs = ids
		if c.Status != domain.CompetitionEligibility {
			out.Status = c.Status // a retry: assessment has started
			return nil
		}
		undecided, err := records.UndecidedEligibility(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := domain.CheckEligibilityDone(undecided); err != nil {
			return refusal(err)
		}
		next, err := c.Status.StartAssessment(len(ids))
		if err != nil {
			return refusal(err)
		}
		out.Status = next
		if err := tx.Competition.UpdateOne(c).SetStatus(next).Exec(ctx); err != nil {
			return err
		}
		if next == domain.CompetitionAssessment {
			if _, err := records.AssignAssessors(ctx, tx, c.ID, in.Actor); err != nil {
				return err
			}
			if err := records.TellLapsed(ctx, tx, c.ID, time.Now()); err != nil {
				return err
			}
		}
		return records.Audit(ctx, tx, in.Actor, "competition."+string(next), "competition", c.ID,
			map[string]any{"status": c.Status}, map[string]any{"status": next, "eligible_bids": len(ids)})
	})
	return out, err
}
