package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Contract is one contract with its organisation, competition and gate decision.
func (s *Service) Contract(ctx context.Context, id int) (*ent.Contract, error) {
	return s.DB.Contract.Query().Where(contract.ID(id)).WithOrganisation().WithGateDecision().WithCompetition().Only(ctx)
}

// SubmitReport records a supplier's end-of-phase report on its contract.
func (s *Service) SubmitReport(ctx context.Context, contractID int, summary string) error {
	if _, err := s.Contract(ctx, contractID); err != nil {
		return err
	}
	clean, p := domain.ReportSummary.Clean(summary)
	if p != nil {
		if clean == "" && p.Message == "Enter the report's summary" {
			p.Message = "Write a summary of what the phase found: the gate reads it"
		}
		return domain.Problems{*p}
	}
	return s.Lifecycle.SubmitReport(ctx, contractID, workflows.SubmitReportRequest{Summary: clean, Actor: authz.ActorOf(ctx, "")})
}

// RecordGateDecision is the stage gate's decision for one contract.
type RecordGateDecision struct {
	ContractID int
	Outcome    string
	Rationale  string
}

// RecordGateDecision records the gate's continue, stop or complete for a contract, with the
// rationale its supplier reads.
func (s *Service) RecordGateDecision(ctx context.Context, in RecordGateDecision) error {
	k, err := s.Contract(ctx, in.ContractID)
	if err != nil {
		return err
	}
	outcome := domain.GateOutcome(in.Outcome)
	if k.Status != domain.ContractReported {
		// No report yet, or decided already: the record says so at once, naming its state (the
		// gate's transaction checks it again).
		if _, err := k.Status.Decide(outcome, k.Phase); err != nil {
			return err
		}
	}
	if err := domain.CheckGateDecision(outcome, in.Rationale, k.Phase); err != nil {
		return err
	}
	rationale, _ := domain.GateRationale.Clean(in.Rationale)
	_, err = s.Lifecycle.RecordGateOutcome(ctx, k.Edges.Competition.ChallengeID,
		workflows.GateOutcomeRequest{ContractID: in.ContractID, Outcome: outcome, Rationale: rationale, Actor: authz.ActorOf(ctx, "")})
	return err
}
