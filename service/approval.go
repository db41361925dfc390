package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// A funding decision is proposed by the programme from the panel sheet and made once a panel
// chair or budget holder approves it within their delegated limit (domain/approval.go): the
// proposal is checked as the decision will be, and checked again when it is approved.

// fundingName is the identity that writes a competition's proposal, after the service has
// judged who may.
const fundingName = "funding"

// ProposeDecision records the programme's proposed funding decision, for approval: checked as
// the decision itself will be (the state, the evidence, the panel's reasons, a lower minimum,
// each bid's assessments, a portfolio against the caps), with the bids it funds and their total,
// which the approvers' delegated limits are judged against. Nothing is decided until approved.
func (s *Service) ProposeDecision(ctx context.Context, in Decision) (*domain.FundingProposal, error) {
	comp, err := s.DB.Competition.Get(ctx, in.CompetitionID)
	if err != nil {
		return nil, err
	}
	key := workflows.CommandKeyOf(ctx)
	if p := comp.FundingProposal; p != nil && key != "" && p.Key == key {
		return p, nil // a retry of this proposal, whose answer was lost: answered as it was
	}
	if err := s.mayDecide(ctx, comp); err != nil {
		return nil, err
	}
	reasons, err := s.checkDecision(ctx, comp, in)
	if err != nil {
		return nil, err
	}
	funded, total, err := s.decisionPreview(ctx, comp, in.Chosen, in.Lowered)
	if err != nil {
		return nil, err
	}
	actor := authz.ActorOf(ctx, "")
	p := &domain.FundingProposal{Chosen: in.Chosen, Reasons: reasons, Lowered: in.Lowered, Funded: funded, Total: total,
		ProposedBy: actor.Who, ProposedAt: time.Now().UTC(), Key: key}
	sys := authz.AsSystem(ctx, fundingName)
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		// Only where none waits: two proposals at once leave one.
		n, err := tx.Competition.Update().Where(competition.ID(comp.ID), competition.FundingProposalIsNil()).SetFundingProposal(p).Save(sys)
		if err != nil {
			return err
		}
		if n == 0 {
			return conflict("proposal-waiting", "another decision was proposed a moment ago: read the panel sheet again")
		}
		return records.Audit(ctx, tx, actor, "competition.decision_proposed", "competition", comp.ID, nil, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// decisionPreview is what a decision would fund, and its total, from the panel sheet as it
// stands: top down when nothing is chosen, else the portfolio checked against the caps; every
// bid with its assessments (or the lower minimum's).
func (s *Service) decisionPreview(ctx context.Context, comp *ent.Competition, chosen []int, lowered *domain.LoweredMinimum) ([]int, domain.Money, error) {
	sheet, _, err := s.panel(authz.AsSystem(ctx, fundingName), comp.ID)
	if err != nil {
		return nil, 0, err
	}
	ranked := make([]domain.BidResult, 0, len(sheet.Rows))
	ids := make([]int, 0, len(sheet.Rows))
	scored, names := map[int]int{}, map[int]string{}
	for _, r := range sheet.Rows {
		ranked = append(ranked, r.Result)
		ids = append(ids, r.Bid.ID)
		scored[r.Bid.ID] = len(r.Assessments)
		names[r.Bid.ID] = fmt.Sprintf("%q", r.Bid.Title)
		if o := r.Bid.Edges.Organisation; o != nil {
			names[r.Bid.ID] += " from " + o.Name
		}
	}
	minimum := comp.Scheme.MinAssessors
	if lowered != nil && lowered.Minimum < minimum {
		minimum = lowered.Minimum
	}
	if err := domain.CheckAssessed(comp.Status, ids, func(id int) int { return scored[id] }, func(id int) string { return names[id] }, minimum); err != nil {
		return nil, 0, err
	}
	caps := domain.PhaseCaps{Pot: comp.Pot, MaxContract: comp.MaxContract, MaxContracts: comp.MaxContracts}
	if len(chosen) == 0 {
		sel := domain.SelectTopDown(ranked, caps)
		return sel.Funded, sel.Committed, nil
	}
	total, err := domain.CheckPortfolio(chosen, ranked, caps, func(id int) string { return names[id] })
	return chosen, total, err
}

// Approval is a panel chair's or budget holder's answer to a proposed decision: approved, or
// refused with why.
type Approval struct {
	CompetitionID int
	Approve       bool
	Reason        string
}

// mayApprove is the rule for approving a proposed decision, which ApproveDecision applies and
// the panel sheet offers by: an approver may answer it (mayAnswer), the decision has the
// evidence it waits for, and the panel sheet still funds what was proposed.
func (s *Service) mayApprove(ctx context.Context, comp *ent.Competition) (domain.Money, error) {
	limit, err := s.mayAnswer(ctx, comp)
	if err != nil {
		return 0, err
	}
	if err := s.decisionEvidence(ctx, comp); err != nil {
		return 0, err
	}
	p := comp.FundingProposal
	funded, total, err := s.decisionPreview(ctx, comp, p.Chosen, p.Lowered)
	if err != nil {
		return 0, err
	}
	if !slices.Equal(funded, p.Funded) || total != p.Total {
		return 0, &domain.TransitionError{Record: "competition", Action: "approve the decision for", From: string(comp.Status), Kind: domain.ErrInvalidTransition,
			Reason: fmt.Sprintf("the panel sheet has changed since the proposal: it would now fund %d bids for %s, not %d for %s; refuse it, and the programme proposes again",
				len(funded), total, len(p.Funded), p.Total)}
	}
	return limit, nil
}

// mayAnswer is the rule for approving or refusing a proposed decision: an approver, within
// their delegated limit, who did not propose it nor approve it already.
func (s *Service) mayAnswer(ctx context.Context, comp *ent.Competition) (domain.Money, error) {
	v, _ := authz.FromContext(ctx)
	if !v.Approves() {
		return 0, forbidden("only a panel chair or a budget holder approves a funding decision")
	}
	me, err := s.DB.Person.Get(authz.AsSystem(ctx, fundingName), v.PersonID)
	if err != nil {
		return 0, err
	}
	if err := domain.CheckApproval(comp.FundingProposal, comp.Status, v.Name(), me.DelegatedLimit); err != nil {
		return 0, err
	}
	return me.DelegatedLimit, s.noInterestInBidders(ctx, comp.ID)
}

// ApproveDecision records an approver's answer to the proposed decision. A refusal, with its
// reason, sends it back: the programme may propose again. An approval is recorded with the
// approver's limit; once the approvals are enough, the decision is made, as proposed, in the
// approver's name, the sheet checked again first (scores moderated since the proposal change
// what it funds, and then it is refused, to be proposed again).
func (s *Service) ApproveDecision(ctx context.Context, in Approval) error {
	if v, _ := authz.FromContext(ctx); !v.Approves() {
		return forbidden("only a panel chair or a budget holder approves a funding decision")
	}
	comp, err := s.DB.Competition.Get(ctx, in.CompetitionID)
	if err != nil {
		return err
	}
	p := comp.FundingProposal
	key := workflows.CommandKeyOf(ctx)
	retry := p != nil && key != "" && slices.ContainsFunc(p.Approvals, func(a domain.Approval) bool { return a.Key == key })
	switch {
	case p != nil && p.Approved() && comp.Status == domain.CompetitionAssessment:
		return s.makeDecision(ctx, comp, p) // approved before, and not yet made: make it now
	case retry:
		return nil // a retry of an approval that took effect although its answer was lost
	}
	var ps domain.Problems
	reason := domain.ApprovalReason.CleanAll(in.Reason, &ps)
	if !in.Approve && reason == "" {
		ps.Add("reason", "Say why you refuse it: the programme reads it")
	}
	rule := s.mayAnswer
	if in.Approve {
		rule = s.mayApprove
	}
	limit, err := rule(ctx, comp)
	if err != nil {
		return err
	}
	if err := ps.Err(); err != nil {
		return err
	}
	proposal := *comp.FundingProposal
	actor := authz.ActorOf(ctx, reason)
	sys := authz.AsSystem(ctx, fundingName)
	if !in.Approve {
		return s.DB.WithTx(sys, func(tx *ent.Tx) error {
			if err := tx.Competition.UpdateOneID(comp.ID).ClearFundingProposal().Exec(sys); err != nil {
				return err
			}
			return records.Audit(ctx, tx, actor, "competition.decision_refused", "competition", comp.ID, proposal, nil)
		})
	}
	proposal.Approvals = append(slices.Clone(proposal.Approvals), domain.Approval{By: actor.Who, Limit: limit, Reason: reason, At: time.Now().UTC(), Key: key})
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if err := tx.Competition.UpdateOneID(comp.ID).SetFundingProposal(&proposal).Exec(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, actor, "competition.decision_approved", "competition", comp.ID, comp.FundingProposal, proposal)
	})
	if err != nil || !proposal.Approved() {
		return err
	}
	return s.makeDecision(ctx, comp, &proposal)
}

// WithdrawProposal takes back the programme's proposed decision before it is approved, saying
// why (a score to look at again, a bid found ineligible late): it may then propose again.
func (s *Service) WithdrawProposal(ctx context.Context, competitionID int, reason string) error {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.ProgrammeOfficer) {
		return forbidden("only the programme team withdraws its proposed decision")
	}
	comp, err := s.DB.Competition.Get(ctx, competitionID)
	if err != nil {
		return err
	}
	if err := domain.CheckWithdrawal(comp.FundingProposal, comp.Status); err != nil {
		return err
	}
	var ps domain.Problems
	reason = domain.WithdrawalReason.CleanAll(reason, &ps)
	if err := ps.Err(); err != nil {
		return err
	}
	proposal := *comp.FundingProposal
	sys := authz.AsSystem(ctx, fundingName)
	return s.DB.WithTx(sys, func(tx *ent.Tx) error {
		// Only the proposal as read (the record unchanged since): one approved or answered
		// meanwhile is not withdrawn.
		n, err := tx.Competition.Update().Where(competition.ID(comp.ID), competition.FundingProposalNotNil(), competition.UpdatedAt(comp.UpdatedAt)).
			ClearFundingProposal().Save(sys)
		if err != nil {
			return err
		}
		if n == 0 {
			return conflict("proposal-changed", "the proposal was answered a moment ago: read the panel sheet again")
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, reason), "competition.decision_withdrawn", "competition", comp.ID, proposal, nil)
	})
}

// makeDecision makes an approved proposal the competition's decision, through its workflow, in
// the name of who approved it, saying who proposed it.
func (s *Service) makeDecision(ctx context.Context, comp *ent.Competition, p *domain.FundingProposal) error {
	if err := s.decisionEvidence(ctx, comp); err != nil {
		return err
	}
	var by []string
	for _, a := range p.Approvals {
		by = append(by, a.By)
	}
	why := fmt.Sprintf("proposed by %s; approved by %s", p.ProposedBy, strings.Join(by, " and "))
	_, err := s.Lifecycle.Decide(ctx, comp.ID, workflows.DecideRequest{Chosen: p.Chosen, Reasons: p.Reasons, Lowered: p.Lowered, Actor: authz.ActorOf(ctx, why)})
	return err
}
