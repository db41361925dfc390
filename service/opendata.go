package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/ocds"
)

// openDataName is the identity open contracting data is read as. What it reads is public by
// the time ocds publishes it: bids are only counted, awards wait for the outcomes' release.
const openDataName = "open-data"

// OpenContracting reads every competition that has opened as an OCDS process, oldest first;
// competitionID 0 reads all, another one only that competition (none if it has not opened).
func (s *Service) OpenContracting(ctx context.Context, competitionID int) ([]ocds.Process, error) {
	sys := authz.AsSystem(ctx, openDataName)
	q := s.DB.Competition.Query().Where(competition.StatusNotIn(domain.CompetitionDraft, domain.CompetitionScheduled)).
		WithChallenge().
		WithContracts(func(q *ent.ContractQuery) {
			q.WithOrganisation().WithGateDecision().WithMilestones(func(q *ent.MilestoneQuery) { q.Order(ent.Asc(milestone.FieldNumber)) }).
				Order(ent.Asc("id"))
		}).
		Order(ent.Asc(competition.FieldID))
	if competitionID != 0 {
		q.Where(competition.ID(competitionID))
	}
	comps, err := q.All(sys)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		CompetitionID int `json:"competition_id"`
		Count         int `json:"count"`
	}
	if err := s.DB.Bid.Query().Where(bid.SubmittedAtNotNil(), bid.StatusNotIn(domain.BidDraft, domain.BidWithdrawn)).
		GroupBy(bid.FieldCompetitionID).Aggregate(ent.Count()).Scan(sys, &counts); err != nil {
		return nil, err
	}
	bids := map[int]int{}
	for _, c := range counts {
		bids[c.CompetitionID] = c.Count
	}
	// A phase 2 competition follows its challenge's phase 1 one.
	phase1 := map[int]int{}
	for _, c := range comps {
		if c.Phase == 1 {
			phase1[c.ChallengeID] = c.ID
		}
	}
	out := make([]ocds.Process, 0, len(comps))
	for _, c := range comps {
		ch := c.Edges.Challenge
		pr := ocds.Process{CompetitionID: c.ID, Phase: c.Phase, Title: ch.Title, Summary: c.Summary, Problem: ch.Problem,
			Buyer: ch.PublicBody, ChallengeID: ch.ID, Budget: ch.BudgetPhase1, Pot: c.Pot, Status: c.Status,
			OpenedAt: c.OpenedAt, ClosesAt: c.ClosesAt, ClarificationsEnd: c.ClarificationClosesAt, Bids: bids[c.ID],
			DecidedAt: c.DecidedAt, Released: c.FeedbackReleasedAt != nil}
		if cl := ClosingLogOf(c); cl != nil {
			pr.ClosingCheckpoint, pr.ClosingLogSize = cl.Note, cl.Size
		}
		if pr.OpenedAt.IsZero() {
			pr.OpenedAt = c.CreatedAt
		}
		if c.Phase == 2 {
			pr.Budget, pr.PriorCompetitionID = ch.BudgetPhase2, phase1[c.ChallengeID]
		}
		if pr.DecidedAt == nil && c.Status == domain.CompetitionDecided && len(c.Edges.Contracts) > 0 {
			// Decided before the decision's time was kept: the awards were written with it.
			pr.DecidedAt = &c.Edges.Contracts[0].CreatedAt
		}
		for _, k := range c.Edges.Contracts {
			org := k.Edges.Organisation
			kc := ocds.Contract{ID: k.ID, SupplierID: org.ID, Supplier: org.Name, SoleTrader: org.LegalForm == domain.FormSoleTrader,
				Title: org.Name + ": " + ch.Title, Awarded: k.AwardedValue, Value: k.Value, Status: k.Status,
				AcceptedAt: k.AcceptedAt, StartsOn: k.StartsOn, EndsOn: k.EndsOn}
			if kc.SoleTrader {
				kc.Title = "A sole trader: " + ch.Title
			}
			if g := k.Edges.GateDecision; g != nil && k.Status == domain.ContractStopped {
				kc.StopReason, kc.StoppedAt = g.Rationale, &g.CreatedAt
			}
			for _, m := range k.Edges.Milestones {
				kc.Milestones = append(kc.Milestones, ocds.Milestone{ID: m.ID, Number: m.Number, Deliverable: m.Deliverable,
					Amount: m.Amount, Status: m.Status, Due: milestoneDue(k, m), AcceptedAt: m.AcceptedAt, PaidAt: m.PaidAt})
			}
			pr.Contracts = append(pr.Contracts, kc)
		}
		out = append(out, pr)
	}
	return out, nil
}

// milestoneDue is when a milestone falls due, once its contract has started.
func milestoneDue(k *ent.Contract, m *ent.Milestone) *time.Time {
	if k.StartsOn == nil || k.EndsOn == nil {
		return nil
	}
	due := domain.MilestoneDue(*k.StartsOn, *k.EndsOn, m.Month)
	return &due
}
