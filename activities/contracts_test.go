package activities

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/gatedecision"
	"github.com/catalyst-sbri/catalyst/ent/notice"
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

// Run twice at the same moment, the contract's timers send each notice once.
func TestKeepContractTimeTwiceIsOnce(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	admin := p.db.Person.Create().SetName("priya").SetEmail("priya@programme.example").SetRoles([]string{string(authz.ProgrammeOfficer)}).SaveX(ctx)
	start := domain.StartOfDay(time.Date(2027, 1, 4, 9, 0, 0, 0, domain.London))
	end := domain.ContractEnd(start, 12)
	k := p.db.Contract.Create().SetBidID(p.bidAcme.ID).SetCompetitionID(p.comp.ID).SetOrganisationID(p.acme.ID).SetPhase(1).
		SetValue(domain.Pounds(40_000)).SetStatus(domain.ContractActive).SetStartsOn(start).SetEndsOn(end).SaveX(ctx)
	accepted := start.AddDate(0, 0, 5)
	p.db.Milestone.Create().SetContractID(k.ID).SetNumber(1).SetDeliverable("Discovery").SetMonth(1).SetAmount(domain.Pounds(10_000)).
		SetStatus(domain.MilestoneAccepted).SetAcceptedAt(accepted).SetPaymentDue(domain.PaymentDue(accepted)).ExecX(ctx)
	acts := &Activities{DB: p.db}
	now := end.AddDate(0, 0, -1) // past the midpoint, the report's reminder and the payment's term
	for range 2 {
		out, err := acts.KeepContractTime(ctx, KeepContractTimeInput{ContractID: k.ID, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if out.Next != nil {
			t.Errorf("with everything told, the next wake is %v, want none", out.Next)
		}
	}
	for who, templates := range map[int][]domain.NoticeTemplate{p.supplier.ID: {domain.NoticeMidpointReview, domain.NoticeReportDue}, admin.ID: {domain.NoticePaymentOverdue}} {
		for _, tpl := range templates {
			if n := p.db.Notice.Query().Where(notice.RecipientID(who), notice.Template(string(tpl))).CountX(ctx); n != 1 {
				t.Errorf("%s sent %d times over two runs, want once", tpl, n)
			}
		}
	}
}
