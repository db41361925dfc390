package activities

import (
	"errors"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/gatedecision"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// The gate's transaction is where "the report comes first" is decided, since the challenge's
// workflow may not yet have heard of a report: without one it refuses as evidence missing and
// writes nothing; once the report is recorded the same decision goes through.
func TestTheGateNeedsTheReportInItsOwnTransaction(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	k := p.db.Contract.Create().SetBidID(p.bidAcme.ID).SetCompetitionID(p.comp.ID).SetOrganisationID(p.acme.ID).
		SetPhase(1).SetValue(domain.Pounds(40_000)).SaveX(ctx)
	acts := &Activities{DB: p.db}
	gate := RecordGateDecisionInput{ContractID: k.ID, Outcome: domain.GateContinue, Rationale: "Feasible", Actor: authz.Actor{Who: "person:1"}}

	err := acts.RecordGateDecision(ctx, gate)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != ErrTypeEvidenceMissing || !app.NonRetryable() {
		t.Fatalf("gate before the report: %v, want a non-retryable %s refusal", err, ErrTypeEvidenceMissing)
	}
	if n := p.db.GateDecision.Query().Where(gatedecision.ContractID(k.ID)).CountX(ctx); n != 0 {
		t.Fatalf("a refused gate wrote %d decisions", n)
	}

	if err := acts.RecordReport(ctx, RecordReportInput{ContractID: k.ID, Summary: "It works", Actor: authz.Actor{Who: "person:2"}}); err != nil {
		t.Fatal(err)
	}
	if err := acts.RecordGateDecision(ctx, gate); err != nil {
		t.Fatalf("gate after the report: %v", err)
	}
	if got := p.db.Contract.GetX(ctx, k.ID).Status; got != domain.ContractContinued {
		t.Errorf("contract after the gate is %s, want %s", got, domain.ContractContinued)
	}
}
