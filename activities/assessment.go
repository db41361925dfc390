package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/predicate"
	"github.com/catalyst-sbri/catalyst/records"
)

func competitionOf(challengeID, phase int) []predicate.Competition {
	return []predicate.Competition{competition.ChallengeID(challengeID), competition.Phase(phase)}
}

func submittedBidIDs(ctx context.Context, tx *ent.Tx, competitionID int) ([]int, error) {
	return tx.Bid.Query().
		Where(bid.CompetitionID(competitionID), records.Assessable).
		Order(ent.Asc(bid.FieldID)).
		IDs(ctx)
}

// RecordAssessmentInput is one assessor's scoring of one bid.
type RecordAssessmentInput = records.AssessmentInput

// RecordAssessmentOutput gives the weighted percentage the scores came to.
type RecordAssessmentOutput = records.AssessmentOutput

// RecordAssessment stores (or replaces) an assessor's scoring of a bid, for a competition whose
// workflow takes assessments as updates (opened before versionAssessedInRecords).
func (a *Activities) RecordAssessment(ctx context.Context, in RecordAssessmentInput) (RecordAssessmentOutput, error) {
	ctx = asSystem(ctx)
	var out RecordAssessmentOutput
	err := a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		out, err = records.WriteAssessment(ctx, tx, in)
		var refused records.Refused
		if errors.As(err, &refused) {
			return refusal(refused.Err)
		}
		return err
	})
	return out, err
}

// DecideCompetitionInput records funding decisions. With Chosen empty, bids are selected top
// down; otherwise Chosen is a portfolio checked against the caps.
type DecideCompetitionInput struct {
	CompetitionID int
	Chosen        []int
	Reasons       map[int]string         // the panel's own reason for a bid's outcome, by bid
	Lowered       *domain.LoweredMinimum // the decision went ahead with fewer assessments, and why
	Actor         authz.Actor
}

// AwardedContract is a contract the decision created.
type AwardedContract struct {
	ContractID     int
	BidID          int
	OrganisationID int
	Value          domain.Money
}

// DecideCompetitionOutput lists the contracts awarded (none if nothing was fundable).
type DecideCompetitionOutput struct {
	Contracts []AwardedContract
}

// DecideCompetition scores every bid from the recorded assessments, selects within the caps,
// marks each bid funded or not with a sentence the supplier can read, and awards a contract to
// each funded bid, all in one transaction. A retry returns the contracts already awarded.
func (a *Activities) DecideCompetition(ctx context.Context, in DecideCompetitionInput) (DecideCompetitionOutput, error) {
	ctx = asSystem(ctx)
	var out DecideCompetitionOutput
	err := a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		c, err := tx.Competition.Get(ctx, in.CompetitionID)
		if err != nil {
			return err
		}
		if c.Status == domain.CompetitionDecided {
			contracts, err := c.QueryContracts().All(ctx)
			if err != nil {
				return err
			}
			for _, k := range contracts {
				out.Contracts = append(out.Contracts, AwardedContract{ContractID: k.ID, BidID: k.BidID, OrganisationID: k.OrganisationID, Value: k.Value})
			}
			return nil
		}
		next, err := c.Status.Decide()
		if err != nil {
			return refusal(err)
		}
		bids, err := tx.Bid.Query().
			Where(bid.CompetitionID(c.ID), records.Assessable).
			WithAssessments().WithOrganisation().
			Order(ent.Asc(bid.FieldID)).
			All(ctx)
		if err != nil {
			return err
		}
		// Every bid needs its assessments: counted here in the records when they are written
		// there; a workflow from before versionAssessedInRecords counts them itself.
		minimum := c.Scheme.MinAssessors
		if in.Lowered != nil && in.Lowered.Minimum < minimum {
			minimum = in.Lowered.Minimum
		}
		names := map[int]string{}
		for _, b := range bids {
			names[b.ID] = fmt.Sprintf("%q", b.Title)
			if o := b.Edges.Organisation; o != nil {
				names[b.ID] += " from " + o.Name
			}
		}
		if c.AssessmentsInRecords {
			scored := map[int]int{}
			ids := make([]int, len(bids))
			for i, b := range bids {
				ids[i], scored[b.ID] = b.ID, len(b.Edges.Assessments)
			}
			if err := domain.CheckAssessed(c.Status, ids, func(id int) int { return scored[id] }, func(id int) string { return names[id] }, minimum); err != nil {
				return refusal(err)
			}
		}
		conflicted, err := records.Conflicts(ctx, tx.Assignment, assignment.CompetitionID(c.ID))
		if err != nil {
			return err
		}
		results := make([]domain.BidResult, 0, len(bids))
		byID := map[int]*ent.Bid{}
		for _, b := range bids {
			byID[b.ID] = b
			bs := domain.BidScores{BidID: b.ID, Amount: b.Amount, Interview: b.InterviewScore}
			if b.SubmittedAt != nil {
				bs.SubmittedAt = *b.SubmittedAt
			}
			for _, as := range b.Edges.Assessments {
				bs.Assessments = append(bs.Assessments, records.AsCounted(as, conflicted))
			}
			results = append(results, c.Scheme.Score(bs))
		}
		ranked := domain.Rank(results)
		caps := domain.PhaseCaps{Pot: c.Pot, MaxContract: c.MaxContract, MaxContracts: c.MaxContracts}
		var funded []int
		explain := map[int]string{}
		if len(in.Chosen) == 0 {
			sel := domain.SelectTopDown(ranked, caps)
			funded, explain = sel.Funded, sel.Explanation
		} else {
			if _, err := domain.CheckPortfolio(in.Chosen, ranked, caps, func(id int) string { return names[id] }); err != nil {
				return refusal(err)
			}
			funded = in.Chosen
			chosen := map[int]bool{}
			for _, id := range in.Chosen {
				chosen[id] = true
			}
			for i, r := range ranked {
				verdict := "not chosen for the portfolio"
				if chosen[r.BidID] {
					verdict = "chosen for the portfolio"
				}
				explain[r.BidID] = fmt.Sprintf("Ranked %d of %d: %s; %s.", i+1, len(ranked), verdict, r.Reason)
			}
		}
		isFunded := map[int]bool{}
		for _, id := range funded {
			isFunded[id] = true
		}
		for _, r := range ranked {
			status, err := byID[r.BidID].Status.Outcome(isFunded[r.BidID])
			if err != nil {
				return refusal(err)
			}
			score := r.Percent
			if why := in.Reasons[r.BidID]; why != "" {
				explain[r.BidID] += " The panel's reason: " + why
			}
			if err := tx.Bid.UpdateOneID(r.BidID).SetStatus(status).SetScore(score).SetOutcomeReason(explain[r.BidID]).Exec(ctx); err != nil {
				return err
			}
			if err := records.Audit(ctx, tx, in.Actor, "bid."+string(status), "bid", r.BidID, map[string]any{"status": byID[r.BidID].Status},
				map[string]any{"status": status, "score": score, "outcome_reason": explain[r.BidID]}); err != nil {
				return err
			}
		}
		for _, id := range funded {
			b := byID[id]
			// Offered: the programme may adjust the milestones until the supplier accepts.
			k, err := tx.Contract.Create().
				SetBidID(b.ID).SetCompetitionID(c.ID).SetOrganisationID(b.OrganisationID).
				SetPhase(c.Phase).SetValue(b.Amount).SetAwardedValue(b.Amount).SetStatus(domain.ContractOffered).
				SetTermWeeks(domain.ContractTermWeeks(c.Phase)).
				Save(ctx)
			if err != nil {
				return err
			}
			for i, m := range domain.ContractMilestones(b.Milestones, b.Amount, c.Phase) {
				if err := tx.Milestone.Create().SetContractID(k.ID).SetNumber(i + 1).SetDeliverable(m.Deliverable).
					SetSuccessCriteria(m.SuccessCriteria).SetMonth(m.Month).SetAmount(m.Amount).Exec(ctx); err != nil {
					return err
				}
			}
			if err := records.Audit(ctx, tx, in.Actor, "contract.awarded", "contract", k.ID, nil, map[string]any{"bid": b.ID, "value": b.Amount}); err != nil {
				return err
			}
			out.Contracts = append(out.Contracts, AwardedContract{ContractID: k.ID, BidID: b.ID, OrganisationID: b.OrganisationID, Value: b.Amount})
		}
		if err := tx.Competition.UpdateOne(c).SetStatus(next).SetDecidedAt(time.Now().UTC()).Exec(ctx); err != nil {
			return err
		}
		if len(funded) > 0 {
			if err := moveChallenge(ctx, tx, c.ChallengeID, in.Actor, domain.ChallengeStage.AwardContracts); err != nil {
				return err
			}
		}
		after := map[string]any{"status": next, "funded": funded}
		actor := in.Actor
		if in.Lowered != nil {
			// The way out of too few assessors is on the record with its reason.
			after["minimum_assessments"], after["scheme_minimum"] = in.Lowered.Minimum, c.Scheme.MinAssessors
			actor.Reason = in.Lowered.Reason
		}
		return records.Audit(ctx, tx, actor, "competition.decided", "competition", c.ID, map[string]any{"status": c.Status}, after)
	})
	return out, err
}
