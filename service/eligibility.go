package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// After the close and before any assessor sees a bid, the programme checks each bid is
// eligible: the automatic checks flag what to look at; the programme decides, with a reason the
// supplier reads; then it finishes the check and assessors are assigned to the eligible bids.

// EligibilityBids lists a closed competition's submitted bids with what the automatic checks
// found and the programme's decisions, in bid order.
func (s *Service) EligibilityBids(ctx context.Context, competitionID int) ([]*ent.Bid, error) {
	if _, err := s.DB.Competition.Get(ctx, competitionID); err != nil {
		return nil, err
	}
	return s.DB.Bid.Query().Where(bid.CompetitionID(competitionID), bid.StatusNEQ(domain.BidDraft)).
		Order(ent.Asc(bid.FieldID)).WithOrganisation().WithDocuments().All(ctx)
}

// EligibilityActions are what the viewer may do to one bid in the eligibility check: decide it,
// unless they declared an interest in its supplier. The competition's own actions say whether
// the check is open at all.
func EligibilityActions(ctx context.Context, b *ent.Bid) Actions {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.ProgrammeOfficer) {
		return nil
	}
	var as Actions
	as.add("decide", "Save decision", noInterest(v, b.OrganisationID, bidderName(b)))
	return as
}

// bidderName is the bid's supplier as a person reads it.
func bidderName(b *ent.Bid) string {
	if o := b.Edges.Organisation; o != nil {
		return o.Name
	}
	return "the supplier"
}

// DecideEligibility is the programme's decision on one bid, with its reason.
type DecideEligibility struct {
	BidID    int
	Eligible bool
	Reason   string
}

// DecideEligibility finds a bid ineligible, or eligible after all (reinstating one found
// ineligible, or clearing one the automatic checks flagged). The supplier is told of either
// change of status.
func (s *Service) DecideEligibility(ctx context.Context, in DecideEligibility) (*ent.Bid, error) {
	var ps domain.Problems
	in.Reason = domain.EligibilityReason.CleanAll(in.Reason, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Bid
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		b, err := tx.Bid.Query().Where(bid.ID(in.BidID)).WithOrganisation().WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).Only(ctx)
		if err != nil {
			return err
		}
		v, _ := authz.FromContext(ctx)
		if err := noInterest(v, b.OrganisationID, bidderName(b)); err != nil {
			return err
		}
		comp := b.Edges.Competition
		// The competition's row first: finishing the check takes it too, so a decision and
		// the finish never cross.
		if err := tx.Competition.UpdateOneID(comp.ID).SetUpdatedAt(comp.UpdatedAt).Exec(authz.AsSystem(ctx, "eligibility")); err != nil {
			return err
		}
		if err := comp.Status.CheckEligibility(); err != nil {
			return err
		}
		next, err := b.Status.Eligibility(in.Eligible)
		if err != nil {
			return err
		}
		if out, err = tx.Bid.UpdateOne(b).SetStatus(next).SetEligibilityNote(in.Reason).Save(ctx); err != nil {
			return err
		}
		action := "bid.eligible"
		if !in.Eligible {
			action = "bid.ineligible"
		}
		if err := records.Audit(ctx, tx, authz.ActorOf(ctx, in.Reason), action, "bid", b.ID,
			map[string]any{"status": b.Status}, map[string]any{"status": next, "reason": in.Reason}); err != nil {
			return err
		}
		var template domain.NoticeTemplate
		switch {
		case next == domain.BidIneligible && (b.Status != domain.BidIneligible || b.EligibilityNote != in.Reason):
			template = domain.NoticeBidIneligible // found ineligible, or for a new reason
		case next == domain.BidSubmitted && b.Status == domain.BidIneligible:
			template = domain.NoticeBidReinstated
		default:
			return nil // no change the supplier needs to hear of
		}
		values := map[string]string{"bid": b.Title, "title": comp.Edges.Challenge.Title, "reason": in.Reason}
		return records.NotifyBidders(ctx, tx, comp.ID, b.OrganisationID, template, values)
	})
	return out, err
}

// EligibilityReadiness says whether the eligibility check may finish now, and if not, why.
func (s *Service) EligibilityReadiness(ctx context.Context, comp *ent.Competition) error {
	if err := comp.Status.CheckEligibility(); err != nil {
		return err
	}
	var undecided []string
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		undecided, err = records.UndecidedEligibility(ctx, tx, comp.ID)
		return err
	})
	if err != nil {
		return err
	}
	return domain.CheckEligibilityDone(undecided)
}

// FinishEligibility ends the eligibility check: the competition's workflow assigns assessors to
// the eligible bids, or closes it if none is.
func (s *Service) FinishEligibility(ctx context.Context, competitionID int) (*ent.Competition, error) {
	comp, err := s.DB.Competition.Get(ctx, competitionID)
	if err != nil {
		return nil, err
	}
	if err := s.EligibilityReadiness(ctx, comp); err != nil && !s.Lifecycle.Sent(ctx, workflows.CompetitionWorkflowID(comp.ID), workflows.UpdateFinishEligibility) {
		return nil, err
	}
	if _, err := s.Lifecycle.FinishEligibility(ctx, comp.ID, workflows.FinishEligibilityRequest{Actor: authz.ActorOf(ctx, "")}); err != nil {
		return nil, err
	}
	return s.DB.Competition.Get(ctx, comp.ID)
}
