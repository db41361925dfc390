package activities

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/records"
)

// assessable are the bids assessors score: submitted and not found ineligible.
var assessable = bid.StatusNotIn(domain.BidDraft, domain.BidIneligible)

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
		ids, err := tx.Bid.Query().Where(bid.CompetitionID(c.ID), assessable).Order(ent.Asc(bid.FieldID)).IDs(ctx)
		if err != nil {
			return err
		}
		out.BidIDs = ids
		if c.Status != domain.CompetitionEligibility {
			out.Status = c.Status // a retry: assessment has started
			return nil
		}
		undecided, err := UndecidedEligibility(ctx, tx, c.ID)
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
			if _, err := AssignAssessors(ctx, tx, c.ID, in.Actor); err != nil {
				return err
			}
			if err := TellLapsed(ctx, tx, c.ID, time.Now()); err != nil {
				return err
			}
		}
		return records.Audit(ctx, tx, in.Actor, "competition."+string(next), "competition", c.ID,
			map[string]any{"status": c.Status}, map[string]any{"status": next, "eligible_bids": len(ids)})
	})
	return out, err
}

// UndecidedEligibility names the bids the automatic checks flagged that still wait for the
// programme's decision: still submitted, with no reason recorded.
func UndecidedEligibility(ctx context.Context, tx *ent.Tx, competitionID int) ([]string, error) {
	flagged, err := tx.Bid.Query().Where(bid.CompetitionID(competitionID), bid.StatusEQ(domain.BidSubmitted),
		bid.EligibilityFlagsNotNil(), bid.Or(bid.EligibilityNoteIsNil(), bid.EligibilityNote(""))).
		Order(ent.Asc(bid.FieldID)).WithOrganisation().All(authz.AsSystem(ctx, records.SystemName))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range flagged {
		if len(b.EligibilityFlags) == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("bid %d from %s", b.ID, b.Edges.Organisation.Name))
	}
	return out, nil
}
