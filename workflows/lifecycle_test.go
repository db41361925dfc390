package workflows_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/worker"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// fixture is a real SQLite database with one draft challenge, two suppliers and three assessors.
type fixture struct {
	db        *ent.Client
	challenge int
	orgs      []int
	assessors []int
	owner     int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := testdb.Fixture()
	db := testdb.Open(t)
	f := &fixture{db: db}
	owner := db.Person.Create().SetName("Olu Owner").SetEmail("owner@council.gov.uk").SetRoles([]string{"challenge_owner"}).SaveX(ctx)
	f.owner = owner.ID
	f.challenge = db.Challenge.Create().SetTitle("Reduce missed bin collections").SetPublicBody("Anytown Council").
		SetProblem("Too many missed collections").SetOwner(owner).SaveX(ctx).ID
	for i, name := range []string{"Acme Analytics Ltd", "Binsight Ltd"} {
		f.orgs = append(f.orgs, db.Organisation.Create().SetName(name).SetEmailDomain(fmt.Sprintf("s%d.example", i)).SaveX(ctx).ID)
	}
	for i := 0; i < 3; i++ {
		f.assessors = append(f.assessors, db.Person.Create().SetName(fmt.Sprintf("Assessor %d", i)).
			SetEmail(fmt.Sprintf("assessor%d@assess.example", i)).SetRoles([]string{"assessor"}).SaveX(ctx).ID)
	}
	return f
}

// sealBid writes a submitted bid as the API's submit transaction would.
func (f *fixture) sealBid(t *testing.T, competitionID, org int, amount domain.Money, at time.Time) int {
	t.Helper()
	return f.db.Bid.Create().SetCompetitionID(competitionID).SetOrganisationID(org).SetTitle("Bid").
		SetAmount(amount).SetStatus(domain.BidSubmitted).SetSubmittedAt(at).
		SetReceipt(fmt.Sprintf("R-%d-%d", competitionID, org)).SaveX(testdb.Fixture()).ID
}

func (f *fixture) competitionID(t *testing.T, phase int) int {
	t.Helper()
	return f.db.Competition.Query().Where(competition.ChallengeID(f.challenge), competition.Phase(phase)).OnlyIDX(testdb.Fixture())
}

func (f *fixture) stage(t *testing.T) domain.ChallengeStage {
	t.Helper()
	return f.db.Challenge.GetX(testdb.Fixture(), f.challenge).Stage
}

// clearFlags records the programme's decision that each flagged bid is eligible after all, as
// the service does.
func (f *fixture) clearFlags(t *testing.T, competitionID int) {
	t.Helper()
	f.db.Bid.Update().Where(bid.CompetitionID(competitionID)).SetEligibilityNote("The proposal was sent by post").ExecX(testdb.Fixture())
}

func scores(score int, inScope, fund bool) domain.Assessment {
	a := domain.Assessment{Scores: map[string]domain.CriterionScore{}, InScope: inScope, Fund: fund}
	for _, c := range domain.DefaultScheme().Criteria {
		a.Scores[c.Key] = domain.CriterionScore{Score: score, Comment: "Clear evidence for " + c.Title}
	}
	return a
}

type harness struct {
	t            *testing.T
	env          *testsuite.TestWorkflowEnvironment
	n            int
	wantRefusals int
	gotRefusals  int
}

func newHarness(t *testing.T, f *fixture) *harness {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.ChallengeWorkflowID(f.challenge)})
	worker.Register(env, &activities.Activities{DB: f.db})
	return &harness{t: t, env: env}
}

// update sends an update and fails the test if it is refused or fails.
func (h *harness) update(workflowID, name string, arg any) {
	h.t.Helper()
	h.n++
	cb := &testsuite.TestUpdateCallback{
		OnReject: func(err error) { h.t.Errorf("update %s refused: %v", name, err) },
		OnAccept: func() {},
		OnComplete: func(_ any, err error) {
			if err != nil {
				h.t.Errorf("update %s failed: %v", name, err)
			}
		},
	}
	if err := h.send(workflowID, name, cb, arg); err != nil {
		h.t.Errorf("update %s: %v", name, err)
	}
}

// refused sends an update that must be refused, with a reason containing want. The answer
// comes back asynchronously; check counts the answers at the end.
func (h *harness) refused(workflowID, name string, arg any, want string) {
	h.t.Helper()
	h.n++
	h.wantRefusals++
	check := func(err error) {
		h.gotRefusals++
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(want)) {
			h.t.Errorf("update %s: want refusal containing %q, got %v", name, want, err)
		}
	}
	cb := &testsuite.TestUpdateCallback{
		OnReject:   check,
		OnAccept:   func() {},
		OnComplete: func(_ any, err error) { check(err) },
	}
	if err := h.send(workflowID, name, cb, arg); err != nil {
		h.t.Errorf("update %s: %v", name, err)
	}
}

// check verifies every expected refusal was answered.
func (h *harness) check() {
	h.t.Helper()
	if h.gotRefusals != h.wantRefusals {
		h.t.Errorf("%d of %d expected refusals were answered", h.gotRefusals, h.wantRefusals)
	}
}

func (h *harness) send(workflowID, name string, cb *testsuite.TestUpdateCallback, arg any) error {
	id := fmt.Sprintf("%s-%d", name, h.n)
	if workflowID == "" {
		h.env.UpdateWorkflow(name, id, cb, arg)
		return nil
	}
	return h.env.UpdateWorkflowByID(workflowID, name, id, cb, arg)
}

func (h *harness) at(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

// steps runs each step a minute after the one before, from start, as a person would: every
// update has finished before the next is sent.
func (h *harness) steps(start time.Duration, fns ...func()) {
	for i, fn := range fns {
		h.at(start+time.Duration(i)*time.Minute, fn)
	}
}

const day = 24 * time.Hour

// twoBidsInAssessment drives the challenge to a phase 1 competition under scheme with a bid from
// each supplier, both eligible, assessment started 8 days in; bids fills as the steps run.
func (h *harness) twoBidsInAssessment(t *testing.T, f *fixture, admin authz.Actor, scheme domain.Scheme, bids *[]int) {
	h.steps(time.Second, func() {
		h.update("", workflows.UpdateSubmitChallenge, workflows.SubmitChallengeRequest{Actor: admin})
	}, func() {
		h.update("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: true, Actor: admin})
	}, func() {
		h.update("", workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
			ClosesAt: h.env.Now().Add(7 * day), Caps: domain.DefaultCaps(1), Scheme: scheme, Actor: admin})
	}, func() {
		comp := f.competitionID(t, 1)
		*bids = append(*bids, f.sealBid(t, comp, f.orgs[0], domain.Pounds(40_000), h.env.Now()),
			f.sealBid(t, comp, f.orgs[1], domain.Pounds(40_000), h.env.Now()))
	})
	h.steps(8*day, func() {
		comp := f.competitionID(t, 1)
		f.clearFlags(t, comp)
		h.update(workflows.CompetitionWorkflowID(comp), workflows.UpdateFinishEligibility, workflows.FinishEligibilityRequest{Actor: admin})
	})
}

func TestChallengeLifecycleThroughBothPhases(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example"}
	scheme := domain.DefaultScheme()

	// Phase 1: submitted → selected → open → deadline → assessed → two contracts → gate.
	h := newHarness(t, f)
	closes := h.env.Now().Add(7 * day)
	var bids []int
	var contracts []int
	h.steps(time.Second, func() {
		h.refused("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: true, Actor: admin}, "only a submitted challenge")
		h.update("", workflows.UpdateSubmitChallenge, workflows.SubmitChallengeRequest{Actor: authz.Actor{Who: "owner@council.gov.uk"}})
	}, func() {
		h.refused("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: false, Actor: admin}, "give a reason")
		h.update("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: true, Actor: admin})
	}, func() {
		h.refused("", workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
			ClosesAt: h.env.Now().Add(-time.Hour), Caps: domain.DefaultCaps(1), Scheme: scheme, Actor: admin}, "deadline must be")
		h.update("", workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
			ClosesAt: closes, Caps: domain.DefaultCaps(1), Scheme: scheme, Actor: admin})
	})
	h.at(time.Hour, func() {
		if got := f.stage(t); got != domain.ChallengePhase1Open {
			t.Errorf("stage after opening = %s, want %s", got, domain.ChallengePhase1Open)
		}
		comp := f.competitionID(t, 1)
		bids = append(bids,
			f.sealBid(t, comp, f.orgs[0], domain.Pounds(40_000), h.env.Now()),
			f.sealBid(t, comp, f.orgs[1], domain.Pounds(45_000), h.env.Now()))
		for _, b := range bids {
			if err := h.env.SignalWorkflowByID(workflows.CompetitionWorkflowID(comp), workflows.SignalBidSubmitted, workflows.BidSubmittedSignal{BidID: b}); err != nil {
				t.Error(err)
			}
		}
		// Scoring before the deadline is refused: bids are sealed.
		h.refused(workflows.CompetitionWorkflowID(comp), workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{
			BidID: bids[0], AssessorID: f.assessors[0], Assessment: scores(9, true, true), Actor: admin}, "assessment starts after the deadline")
	})
	h.at(8*day, func() {
		comp := f.competitionID(t, 1)
		wf := workflows.CompetitionWorkflowID(comp)
		if got := f.stage(t); got != domain.ChallengePhase1Assessment {
			t.Errorf("stage after the deadline = %s, want %s", got, domain.ChallengePhase1Assessment)
		}
		// The deadline leads to the eligibility check: nobody is assigned until it is done, and
		// it is not done while a flagged bid waits for the programme's decision.
		if got := f.db.Competition.GetX(testdb.Fixture(), comp).Status; got != domain.CompetitionEligibility {
			t.Errorf("competition after the deadline = %s, want %s", got, domain.CompetitionEligibility)
		}
		if n := f.db.Assignment.Query().CountX(testdb.Fixture()); n != 0 {
			t.Errorf("%d assignments before the eligibility check is done", n)
		}
		if flags := f.db.Bid.GetX(testdb.Fixture(), bids[0]).EligibilityFlags; len(flags) != 1 || !strings.Contains(flags[0], "no documents") {
			t.Errorf("bid without documents flagged %q", flags)
		}
		h.refused(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{
			BidID: bids[0], AssessorID: f.assessors[0], Assessment: scores(9, true, true), Actor: admin}, "once eligibility is checked")
		h.refused(wf, workflows.UpdateFinishEligibility, workflows.FinishEligibilityRequest{Actor: admin}, "decide the 2 bids the automatic checks flagged first")
	})
	h.at(8*day+30*time.Second, func() {
		comp := f.competitionID(t, 1)
		f.clearFlags(t, comp)
		h.update(workflows.CompetitionWorkflowID(comp), workflows.UpdateFinishEligibility, workflows.FinishEligibilityRequest{Actor: admin})
	})
	h.at(8*day+time.Minute, func() {
		comp := f.competitionID(t, 1)
		wf := workflows.CompetitionWorkflowID(comp)
		h.refused(wf, workflows.UpdateDecide, workflows.DecideRequest{Actor: admin}, "from Acme Analytics Ltd has 0 of its 3 assessments")
		h.refused(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{
			BidID: bids[0], AssessorID: f.assessors[0], Assessment: domain.Assessment{Scores: map[string]domain.CriterionScore{"innovation": {Score: 11}}}, Actor: admin},
			"must be from 0 to 10")
		// The deadline assigned every bid its assessors; someone else's scores are refused.
		if n := f.db.Assignment.Query().CountX(testdb.Fixture()); n != 6 {
			t.Errorf("%d assignments after the deadline, want 2 bids × 3 assessors", n)
		}
		h.refused(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{
			BidID: bids[0], AssessorID: f.owner, Assessment: scores(9, true, true), Actor: admin}, "is not assigned bid")
		for _, as := range f.assessors {
			h.update(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: bids[0], AssessorID: as, Assessment: scores(9, true, true), Actor: admin})
			h.update(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: bids[1], AssessorID: as, Assessment: scores(8, true, true), Actor: admin})
		}
	})
	h.at(8*day+2*time.Minute, func() {
		h.update(workflows.CompetitionWorkflowID(f.competitionID(t, 1)), workflows.UpdateDecide, workflows.DecideRequest{Actor: admin})
	})
	h.at(8*day+time.Hour, func() {
		if got := f.stage(t); got != domain.ChallengePhase1Contracts {
			t.Errorf("stage after decisions = %s, want %s", got, domain.ChallengePhase1Contracts)
		}
		contracts = f.db.Contract.Query().Order(ent.Asc(contract.FieldID)).IDsX(testdb.Fixture())
		if len(contracts) != 2 {
			t.Fatalf("contracts awarded = %d, want 2", len(contracts))
		}
		h.refused("", workflows.UpdateRecordGateOutcome, workflows.GateOutcomeRequest{
			ContractID: contracts[0], Outcome: domain.GateContinue, Rationale: "Good", Actor: admin}, "the gate needs the end-of-phase report first")
	})
	h.at(8*day+2*time.Hour, func() {
		// Each supplier accepts its contract (a service call, outside the workflows).
		f.db.Contract.Update().Where(contract.IDIn(contracts...)).SetStatus(domain.ContractActive).ExecX(testdb.Fixture())
		for _, k := range contracts {
			h.update(workflows.ContractWorkflowID(k), workflows.UpdateSubmitReport, workflows.SubmitReportRequest{Summary: "Feasible", Actor: admin})
		}
	})
	h.steps(90*day, func() {
		h.refused("", workflows.UpdateRecordGateOutcome, workflows.GateOutcomeRequest{
			ContractID: contracts[0], Outcome: domain.GateComplete, Rationale: "x", Actor: admin}, "outcome must be continue or stop")
		h.update("", workflows.UpdateRecordGateOutcome, workflows.GateOutcomeRequest{
			ContractID: contracts[0], Outcome: domain.GateContinue, Rationale: "Showed a working sensor trial", Actor: admin})
	}, func() {
		h.update("", workflows.UpdateRecordGateOutcome, workflows.GateOutcomeRequest{
			ContractID: contracts[1], Outcome: domain.GateStop, Rationale: "Data access was not feasible", Actor: admin})
	}, func() {
		// Phase 2 opens as soon as the gate has decided: the run then continues as new.
		h.update("", workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
			ClosesAt: h.env.Now().Add(14 * day), Caps: domain.DefaultCaps(2), Scheme: scheme, Actor: admin})
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})

	if !h.env.IsWorkflowCompleted() {
		t.Fatal("phase 1 did not finish")
	}
	h.check()
	next := continuedInput(t, h.env.GetWorkflowError())
	if got := next.State.Continued; len(got) != 1 || got[0] != f.orgs[0] {
		t.Fatalf("continued organisations = %v, want [%d]", got, f.orgs[0])
	}
	ctx := testdb.Fixture()
	k0, k1 := f.db.Contract.GetX(ctx, contracts[0]), f.db.Contract.GetX(ctx, contracts[1])
	if k0.Status != domain.ContractContinued || k1.Status != domain.ContractStopped {
		t.Errorf("contract statuses = %s, %s; want continued, stopped", k0.Status, k1.Status)
	}
	if reason := f.db.Bid.GetX(ctx, bids[0]).OutcomeReason; !strings.Contains(reason, "Ranked 1 of 2: funded") {
		t.Errorf("bid 1 outcome reason = %q", reason)
	}

	// Phase 2: open to the continued supplier only, then the final gate and the outcome.
	if next.State.CompetitionID == 0 || next.State.Round == nil || next.State.Stage != domain.ChallengePhase2Open {
		t.Fatalf("continued state = %+v, want phase 2's competition open", next.State)
	}
	h2 := newHarness(t, f)
	h2.env.SetStartTime(h.env.Now())
	var p2contract int
	h2.at(time.Hour, func() {
		comp := f.competitionID(t, 2)
		if elig := f.db.Competition.GetX(ctx, comp).EligibleOrganisations; len(elig) != 1 || elig[0] != f.orgs[0] {
			t.Errorf("phase 2 eligible organisations = %v, want [%d]", elig, f.orgs[0])
		}
		f.sealBid(t, comp, f.orgs[0], domain.Pounds(480_000), h2.env.Now())
	})
	h2.at(14*day+30*time.Second, func() {
		comp := f.competitionID(t, 2)
		f.clearFlags(t, comp)
		h2.update(workflows.CompetitionWorkflowID(comp), workflows.UpdateFinishEligibility, workflows.FinishEligibilityRequest{Actor: admin})
	})
	h2.at(14*day+time.Minute, func() {
		comp := f.competitionID(t, 2)
		b := f.db.Bid.Query().Where(bid.CompetitionID(comp)).OnlyIDX(ctx)
		for _, as := range f.assessors {
			h2.update(workflows.CompetitionWorkflowID(comp), workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: b, AssessorID: as, Assessment: scores(8, true, true), Actor: admin})
		}
	})
	h2.at(14*day+2*time.Minute, func() {
		comp := f.competitionID(t, 2)
		h2.update(workflows.CompetitionWorkflowID(comp), workflows.UpdateDecide, workflows.DecideRequest{Actor: admin})
	})
	h2.at(16*day, func() {
		p2contract = f.db.Contract.Query().Where(contract.Phase(2)).OnlyIDX(ctx)
		h2.refused("", workflows.UpdateCompleteChallenge, workflows.CompleteChallengeRequest{Outcome: domain.OutcomeAdopted, Actor: admin}, "has not decided every phase 2 contract")
		f.db.Contract.UpdateOneID(p2contract).SetStatus(domain.ContractActive).ExecX(ctx)
		h2.update(workflows.ContractWorkflowID(p2contract), workflows.UpdateSubmitReport, workflows.SubmitReportRequest{Summary: "Prototype works", Actor: admin})
	})
	h2.steps(380*day, func() {
		h2.update("", workflows.UpdateRecordGateOutcome, workflows.GateOutcomeRequest{
			ContractID: p2contract, Outcome: domain.GateComplete, Rationale: "Prototype met its acceptance tests", Actor: admin})
	}, func() {
		h2.update("", workflows.UpdateCompleteChallenge, workflows.CompleteChallengeRequest{Outcome: domain.OutcomeAdopted, Lessons: "Start data sharing early", Actor: admin})
	})
	h2.env.ExecuteWorkflow(workflows.ChallengeWorkflow, next)
	h2.check()
	if err := h2.env.GetWorkflowError(); err != nil {
		t.Fatalf("phase 2: %v", err)
	}
	var res workflows.ChallengeResult
	if err := h2.env.GetWorkflowResult(&res); err != nil || res.Stage != domain.ChallengeComplete {
		t.Fatalf("result = %+v, %v; want complete", res, err)
	}
	ch := f.db.Challenge.GetX(ctx, f.challenge)
	if ch.Stage != domain.ChallengeComplete || ch.Outcome == nil || *ch.Outcome != domain.OutcomeAdopted {
		t.Errorf("challenge = %s / %v; want complete / adopted", ch.Stage, ch.Outcome)
	}
}

func continuedInput(t *testing.T, err error) workflows.ChallengeInput {
	t.Helper()
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("phase 1 ended with %v, want continue-as-new", err)
	}
	var in workflows.ChallengeInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
		t.Fatal(err)
	}
	if in.State == nil || in.State.Phase != 2 {
		t.Fatalf("continued state = %+v, want phase 2", in.State)
	}
	return in
}

func TestDeadlinePassesWithNoBids(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example"}
	h := newHarness(t, f)
	h.steps(time.Second, func() {
		h.update("", workflows.UpdateSubmitChallenge, workflows.SubmitChallengeRequest{Actor: admin})
	}, func() {
		h.update("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: true, Actor: admin})
	}, func() {
		h.update("", workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
			ClosesAt: h.env.Now().Add(42 * day), Caps: domain.DefaultCaps(1), Scheme: domain.DefaultScheme(), Actor: admin})
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res workflows.ChallengeResult
	_ = h.env.GetWorkflowResult(&res)
	if res.Stage != domain.ChallengeClosed {
		t.Errorf("result stage = %s, want closed", res.Stage)
	}
	ctx := testdb.Fixture()
	comp := f.db.Competition.GetX(ctx, f.competitionID(t, 1))
	if comp.Status != domain.CompetitionClosedNoBids {
		t.Errorf("competition status = %s, want %s", comp.Status, domain.CompetitionClosedNoBids)
	}
	ch := f.db.Challenge.GetX(ctx, f.challenge)
	if ch.Stage != domain.ChallengeClosed || !strings.Contains(ch.StageReason, "no bids") {
		t.Errorf("challenge = %s (%q), want closed because no bids", ch.Stage, ch.StageReason)
	}
	// The timer, not a person, closed it: at the deadline, in workflow time.
	if got := h.env.Now().Sub(comp.OpenedAt); got < 42*day-time.Minute {
		t.Logf("workflow clock advanced %s", got)
	}
}

func TestRejectedChallengeEndsWithReason(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example", Reason: "An off-the-shelf product already solves this"}
	h := newHarness(t, f)
	h.steps(time.Second, func() {
		h.update("", workflows.UpdateSubmitChallenge, workflows.SubmitChallengeRequest{Actor: admin})
	}, func() {
		h.update("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: false, Actor: admin})
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	ch := f.db.Challenge.GetX(testdb.Fixture(), f.challenge)
	if ch.Stage != domain.ChallengeRejected || ch.StageReason != admin.Reason {
		t.Errorf("challenge = %s (%q), want rejected with the reason", ch.Stage, ch.StageReason)
	}
}

// refusals carry a stable application error type the API maps to a problem type.
func TestRefusalsCarryStableTypes(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f)
	var got error
	h.at(time.Second, func() {
		h.env.UpdateWorkflow(workflows.UpdateSelectChallenge, "u1", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { got = err }, OnAccept: func() {}, OnComplete: func(any, error) {},
		}, workflows.SelectChallengeRequest{Select: true})
		h.update("", workflows.UpdateSubmitChallenge, workflows.SubmitChallengeRequest{})
	})
	h.at(time.Minute, func() {
		h.update("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: false, Actor: authz.Actor{Reason: "no"}})
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	var app *temporal.ApplicationError
	if !errors.As(got, &app) || app.Type() != workflows.ErrTypeInvalidTransition {
		t.Fatalf("refusal = %v, want application error of type %s", got, workflows.ErrTypeInvalidTransition)
	}
}

func TestPassFailAnswersReachTheDecision(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example"}
	scheme := domain.DefaultScheme()
	scheme.Criteria = append(scheme.Criteria, domain.Criterion{Key: "start", Title: "Can start by 1 June", PassFail: true})
	answer := func(pass bool) domain.Assessment {
		a := scores(9, true, true)
		a.PassFail = map[string]domain.PassFailAnswer{"start": {Pass: pass, Comment: "from the project plan"}}
		return a
	}
	h := newHarness(t, f)
	var bids []int
	checked := false
	h.twoBidsInAssessment(t, f, admin, scheme, &bids)
	h.steps(8*day+time.Minute, func() {
		wf := workflows.CompetitionWorkflowID(f.competitionID(t, 1))
		h.refused(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{
			BidID: bids[0], AssessorID: f.assessors[0], Assessment: scores(9, true, true), Actor: admin}, `Say whether the bid passes or fails Can start by 1 June`)
		for i, as := range f.assessors {
			h.update(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: bids[0], AssessorID: as, Assessment: answer(true), Actor: admin})
			h.update(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: bids[1], AssessorID: as, Assessment: answer(i == 0), Actor: admin})
		}
	}, func() {
		h.update(workflows.CompetitionWorkflowID(f.competitionID(t, 1)), workflows.UpdateDecide, workflows.DecideRequest{Actor: admin})
	}, func() {
		checked = true
		ctx := testdb.Fixture()
		won, lost := f.db.Bid.GetX(ctx, bids[0]), f.db.Bid.GetX(ctx, bids[1])
		if won.Status != domain.BidFunded || lost.Status != domain.BidNotFunded {
			t.Errorf("statuses %s, %s; want funded, not funded", won.Status, lost.Status)
		}
		if !strings.Contains(lost.OutcomeReason, `did not pass it on "Can start by 1 June" (2 of 3 failed it)`) {
			t.Errorf("reason = %q", lost.OutcomeReason)
		}
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	h.check()
	if !checked {
		t.Fatal("the decision was never checked")
	}
}

// A scheduled competition opens at its time; extensions move its close, for everyone and for
// one supplier, and it never closes at a deadline that was moved.
func TestScheduledOpenAndExtendedDeadlines(t *testing.T) {
	f := newFixture(t)
	ctx := testdb.Fixture()
	admin := authz.Actor{Who: "admin@catalyst.example"}
	supplier := f.db.Person.Create().SetName("Sam Supplier").SetEmail("sam@s0.example").SetRoles([]string{"supplier"}).
		SetOrganisationID(f.orgs[0]).SaveX(ctx)
	h := newHarness(t, f)
	start := h.env.Now()
	status := func() domain.CompetitionStatus {
		return f.db.Competition.GetX(ctx, f.competitionID(t, 1)).Status
	}
	expect := func(at time.Duration, want domain.CompetitionStatus) {
		h.at(at, func() {
			if got := status(); got != want {
				t.Errorf("at %s: competition is %s, want %s", at, got, want)
			}
		})
	}
	compWF := func() string { return workflows.CompetitionWorkflowID(f.competitionID(t, 1)) }
	h.steps(time.Second, func() {
		h.update("", workflows.UpdateSubmitChallenge, workflows.SubmitChallengeRequest{Actor: admin})
	}, func() {
		h.update("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: true, Actor: admin})
	}, func() {
		h.update("", workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
			OpensAt: start.Add(3 * day), ClosesAt: start.Add(10 * day), Caps: domain.DefaultCaps(1), Scheme: domain.DefaultScheme(), Actor: admin})
	})
	expect(2*day, domain.CompetitionScheduled)
	expect(3*day+time.Minute, domain.CompetitionOpen)
	h.at(4*day, func() {
		f.db.Bid.Create().SetCompetitionID(f.competitionID(t, 1)).SetOrganisationID(f.orgs[0]).SetTitle("Draft").
			SetAmount(domain.Pounds(40_000)).SaveX(ctx)
		h.refused(compWF(), workflows.UpdateExtendDeadline, workflows.ExtendDeadlineRequest{
			ClosesAt: start.Add(9 * day), Reason: "Too early", Actor: admin}, "later than the current one")
		h.update(compWF(), workflows.UpdateExtendDeadline, workflows.ExtendDeadlineRequest{
			ClosesAt: start.Add(12 * day), Reason: "The briefing moved", Actor: admin})
	})
	h.at(5*day, func() {
		h.update(compWF(), workflows.UpdateExtendDeadline, workflows.ExtendDeadlineRequest{
			OrganisationID: f.orgs[1], ClosesAt: start.Add(15 * day), Reason: "Their office flooded", Actor: admin})
	})
	expect(11*day, domain.CompetitionOpen) // the first deadline was moved
	expect(13*day, domain.CompetitionOpen) // one supplier still has until day 15
	h.at(14*day, func() {
		h.refused(compWF(), workflows.UpdateExtendDeadline, workflows.ExtendDeadlineRequest{
			ClosesAt: start.Add(20 * day), Reason: "Too late", Actor: admin}, "passed")
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.check()
	if got := status(); got != domain.CompetitionClosedNoBids {
		t.Errorf("competition ended %s, want %s (the draft was never submitted)", got, domain.CompetitionClosedNoBids)
	}
	if got := h.env.Now().Sub(start); got < 15*day {
		t.Errorf("the competition closed after %s, before the last extension (15 days)", got)
	}
	comp := f.db.Competition.GetX(ctx, f.competitionID(t, 1))
	near := func(a, b time.Time) bool { return a.Sub(b).Abs() < time.Millisecond } // databases keep microseconds
	if !near(comp.ClosesAt, start.Add(12*day)) || len(comp.Extensions) != 1 || comp.Extensions[0].OrganisationID != f.orgs[1] ||
		!near(comp.Extensions[0].ClosesAt, start.Add(15*day)) {
		t.Errorf("deadlines = %s %+v, want day 12 for all and day 15 for %d", comp.ClosesAt, comp.Extensions, f.orgs[1])
	}
	// The bidder was told of the extension for everyone; the other organisation's own
	// extension concerns nobody else.
	notices := f.db.Notice.Query().Where(notice.Template(string(domain.NoticeDeadlineExtended))).AllX(ctx)
	if len(notices) != 1 || notices[0].RecipientID != supplier.ID ||
		notices[0].Values["reason"] != "The briefing moved" {
		t.Errorf("notices = %+v, want one extension notice to the bidder", notices)
	}
}

// When the programme finds every bid ineligible, nothing is assessed and the challenge closes.
func TestNoEligibleBidClosesTheChallenge(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example"}
	h := newHarness(t, f)
	var b int
	h.steps(time.Second, func() {
		h.update("", workflows.UpdateSubmitChallenge, workflows.SubmitChallengeRequest{Actor: admin})
	}, func() {
		h.update("", workflows.UpdateSelectChallenge, workflows.SelectChallengeRequest{Select: true, Actor: admin})
	}, func() {
		h.update("", workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
			ClosesAt: h.env.Now().Add(7 * day), Caps: domain.DefaultCaps(1), Scheme: domain.DefaultScheme(), Actor: admin})
	}, func() {
		b = f.sealBid(t, f.competitionID(t, 1), f.orgs[0], domain.Pounds(40_000), h.env.Now())
	})
	h.steps(8*day, func() {
		f.db.Bid.UpdateOneID(b).SetStatus(domain.BidIneligible).SetEligibilityNote("No proposal").ExecX(testdb.Fixture())
		h.update(workflows.CompetitionWorkflowID(f.competitionID(t, 1)), workflows.UpdateFinishEligibility, workflows.FinishEligibilityRequest{Actor: admin})
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	h.check()
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	ctx := testdb.Fixture()
	if got := f.db.Competition.GetX(ctx, f.competitionID(t, 1)).Status; got != domain.CompetitionClosedNoBids {
		t.Errorf("competition = %s, want %s", got, domain.CompetitionClosedNoBids)
	}
	if n := f.db.Assignment.Query().CountX(ctx); n != 0 {
		t.Errorf("%d assignments for an ineligible bid", n)
	}
	if ch := f.db.Challenge.GetX(ctx, f.challenge); ch.Stage != domain.ChallengeClosed || !strings.Contains(ch.StageReason, "no bid was eligible") {
		t.Errorf("challenge = %s (%q), want closed because no bid was eligible", ch.Stage, ch.StageReason)
	}
}

// With too few assessors the decision is refused with what is short, until the programme goes
// ahead with a lower minimum and says why; the panel's reason for a bid reaches its outcome.
func TestTooFewAssessorsHasAWayOut(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example"}
	h := newHarness(t, f)
	var bids []int
	checked := false
	h.twoBidsInAssessment(t, f, admin, domain.DefaultScheme(), &bids)
	h.steps(8*day+time.Minute, func() {
		wf := workflows.CompetitionWorkflowID(f.competitionID(t, 1))
		for _, as := range f.assessors[:2] { // the third assessor never scores
			h.update(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: bids[0], AssessorID: as, Assessment: scores(9, true, true), Actor: admin})
			h.update(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: bids[1], AssessorID: as, Assessment: scores(4, true, false), Actor: admin})
		}
	}, func() {
		wf := workflows.CompetitionWorkflowID(f.competitionID(t, 1))
		h.refused(wf, workflows.UpdateDecide, workflows.DecideRequest{Actor: admin}, "from Acme Analytics Ltd has 2 of its 3 assessments")
	}, func() {
		wf := workflows.CompetitionWorkflowID(f.competitionID(t, 1))
		h.update(wf, workflows.UpdateDecide, workflows.DecideRequest{Actor: admin,
			Lowered: &domain.LoweredMinimum{Minimum: 2, Reason: "the third assessor fell ill"},
			Reasons: map[int]string{bids[1]: "strong team, but no evidence of demand"}})
	}, func() {
		checked = true
		ctx := testdb.Fixture()
		won, lost := f.db.Bid.GetX(ctx, bids[0]), f.db.Bid.GetX(ctx, bids[1])
		if won.Status != domain.BidFunded || lost.Status != domain.BidNotFunded {
			t.Errorf("statuses %s, %s; want funded, not funded", won.Status, lost.Status)
		}
		if !strings.HasSuffix(lost.OutcomeReason, "The panel's reason: strong team, but no evidence of demand") {
			t.Errorf("reason = %q", lost.OutcomeReason)
		}
		ev := f.db.AuditEvent.Query().Where(auditevent.Action("competition.decided")).OnlyX(ctx)
		if ev.Reason != "the third assessor fell ill" || !strings.Contains(ev.After, `"minimum_assessments":2`) {
			t.Errorf("audit = %q %s", ev.Reason, ev.After)
		}
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	h.check()
	if !checked {
		t.Fatal("the decision was never checked")
	}
}

// Once the assignments are released, an assessor with bids still to score is reminded a set
// number of working days before the due date, and told when it has passed, once each; an
// assessor who has scored everything hears nothing.
func TestAssessorsAreRemindedBeforeTheDueDateAndWhenOverdue(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example"}
	h := newHarness(t, f)
	// The assignments' rows are written at the real time, so the workflow's clock starts there.
	start := time.Now().UTC().Truncate(time.Second)
	h.env.SetStartTime(start)
	released := start.Add(8*day + time.Minute)
	due, err := domain.AddWorkingDays(released, 5)
	if err != nil {
		t.Fatal(err)
	}
	remind := domain.ReminderDue(released, due, 2)
	var bids []int
	ctx := testdb.Fixture()
	told := func(template domain.NoticeTemplate) map[int]string {
		out := map[int]string{}
		for _, n := range f.db.Notice.Query().Where(notice.Template(string(template))).AllX(ctx) {
			if _, twice := out[n.RecipientID]; twice {
				t.Errorf("%s sent twice to %d", template, n.RecipientID)
			}
			out[n.RecipientID] = n.Values["count"] + " due " + n.Values["due"]
		}
		return out
	}
	h.twoBidsInAssessment(t, f, admin, domain.DefaultScheme(), &bids)
	wf := func() string { return workflows.CompetitionWorkflowID(f.competitionID(t, 1)) }
	h.at(released.Sub(start), func() { // the programme releases the assignments, as the service does
		f.db.Competition.UpdateOneID(f.competitionID(t, 1)).SetAssignmentsReleasedAt(h.env.Now()).
			SetAssessmentDays(5).SetReminderDays(2).ExecX(ctx)
		h.env.SignalWorkflowByID(wf(), workflows.SignalAssignmentsChanged, workflows.AssignmentsChangedSignal{})
	})
	h.at(released.Sub(start)+time.Minute, func() {
		for _, as := range f.assessors[:2] { // the third assessor never scores
			for _, b := range bids {
				h.update(wf(), workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: b, AssessorID: as, Assessment: scores(7, true, true), Actor: admin})
			}
		}
	})
	late := f.assessors[2]
	want := "2 due " + domain.FormatTime(due)
	h.at(remind.Sub(start)-time.Hour, func() {
		if got := told(domain.NoticeAssessmentDueSoon); len(got) != 0 {
			t.Errorf("reminded before time: %v", got)
		}
	})
	h.at(remind.Sub(start)+time.Hour, func() {
		if got := told(domain.NoticeAssessmentDueSoon); len(got) != 1 || got[late] != want {
			t.Errorf("reminders = %v, want only assessor %d told %q", got, late, want)
		}
		if got := told(domain.NoticeAssessmentOverdue); len(got) != 0 {
			t.Errorf("overdue before the due date: %v", got)
		}
	})
	h.at(due.Sub(start)+time.Hour, func() {
		if got := told(domain.NoticeAssessmentOverdue); len(got) != 1 || got[late] != want {
			t.Errorf("overdue = %v, want only assessor %d told %q", got, late, want)
		}
		// Run again, as a retry would: nothing is sent twice.
		out, err := (&activities.Activities{DB: f.db}).RemindAssessors(ctx, activities.RemindAssessorsInput{
			CompetitionID: f.competitionID(t, 1), Now: h.env.Now()})
		if err != nil || out.Reminded+out.Overdue != 0 || out.Next != nil {
			t.Errorf("run again = %+v, %v; want nothing sent and nothing pending", out, err)
		}
		told(domain.NoticeAssessmentDueSoon)
		told(domain.NoticeAssessmentOverdue)
		h.update(wf(), workflows.UpdateDecide, workflows.DecideRequest{Actor: admin,
			Lowered: &domain.LoweredMinimum{Minimum: 2, Reason: "the third assessor did not score in time"}})
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	h.check()
	if got := f.db.Competition.GetX(ctx, f.competitionID(t, 1)).Status; got != domain.CompetitionDecided {
		t.Errorf("competition = %s, want decided", got)
	}
}

// A challenge-level no-go stops every phase 1 contract, whether or not its supplier has reported
// (one has, one has not even accepted), each at its spend so far, and closes the challenge
// with nothing left to decide: no phase 2 follows.
func TestANoGoStopsEveryContractAndClosesTheChallenge(t *testing.T) {
	f := newFixture(t)
	admin := authz.Actor{Who: "admin@catalyst.example"}
	h := newHarness(t, f)
	var bids, contracts []int
	h.twoBidsInAssessment(t, f, admin, domain.DefaultScheme(), &bids)
	h.at(8*day+time.Minute, func() {
		wf := workflows.CompetitionWorkflowID(f.competitionID(t, 1))
		for _, as := range f.assessors {
			for _, b := range bids {
				h.update(wf, workflows.UpdateRecordAssessment, workflows.RecordAssessmentRequest{BidID: b, AssessorID: as, Assessment: scores(8, true, true), Actor: admin})
			}
		}
	})
	h.at(8*day+2*time.Minute, func() {
		h.update(workflows.CompetitionWorkflowID(f.competitionID(t, 1)), workflows.UpdateDecide, workflows.DecideRequest{Actor: admin})
	})
	h.at(8*day+time.Hour, func() {
		contracts = f.db.Contract.Query().Order(ent.Asc(contract.FieldID)).IDsX(testdb.Fixture())
		if len(contracts) != 2 {
			t.Fatalf("contracts awarded = %d, want 2", len(contracts))
		}
		// The first supplier accepts and reports; the second never accepts its offer.
		f.db.Contract.UpdateOneID(contracts[0]).SetStatus(domain.ContractActive).ExecX(testdb.Fixture())
		h.update(workflows.ContractWorkflowID(contracts[0]), workflows.UpdateSubmitReport, workflows.SubmitReportRequest{Summary: "Partly feasible", Actor: admin})
	})
	// Twelve weeks on, the challenge-level gate decides no-go, as the service sends it: one
	// update, which stops both contracts inside the workflow.
	h.at(8*day+84*day, func() {
		h.update("", workflows.UpdateStopForNoGo, workflows.NoGoRequest{Rationale: "No-go: the data will not exist for years", Actor: admin})
	})
	h.env.ExecuteWorkflow(workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: f.challenge})
	h.check()
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatalf("the challenge did not end after the no-go: %v", err)
	}
	ctx := testdb.Fixture()
	for _, id := range contracts {
		if k := f.db.Contract.GetX(ctx, id); k.Status != domain.ContractStopped || k.Value != 0 {
			t.Errorf("contract %d after the no-go: %s worth %s, want stopped at its spend so far (nothing accepted: £0)", id, k.Status, k.Value)
		}
	}
	if ch := f.db.Challenge.GetX(ctx, f.challenge); ch.Stage != domain.ChallengeClosed || !strings.Contains(ch.StageReason, "stopped every supplier") {
		t.Errorf("challenge = %s (%q), want closed", ch.Stage, ch.StageReason)
	}
	if n := f.db.Competition.Query().CountX(ctx); n != 1 {
		t.Errorf("%d competitions after a no-go, want only phase 1's", n)
	}
}

// A 12-week contract keeps its own dates on durable timers: the supplier is asked for a progress
// update at the midpoint (not before), reminded of its report two weeks before the end, and a
// payment past its 30-day term is flagged to the programme the day after; a deliverable accepted
// later wakes the timers through the outbox's signal. Each is told once.
func TestAContractsDatesAreKeptByDurableTimers(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f)
	ctx := testdb.Fixture()
	start := time.Date(2027, 1, 4, 9, 0, 0, 0, domain.London)
	h.env.SetStartTime(start)
	supplier := f.db.Person.Create().SetName("Dana").SetEmail("dana@s0.example").SetRoles([]string{"supplier"}).SetOrganisationID(f.orgs[0]).SaveX(ctx)
	admin := f.db.Person.Create().SetName("Priya").SetEmail("priya@programme.example").SetRoles([]string{"programme_officer"}).SaveX(ctx)
	comp := f.db.Competition.Create().SetChallengeID(f.challenge).SetPhase(1).SetStatus(domain.CompetitionDecided).
		SetClosesAt(start.AddDate(0, 0, -30)).SetScheme(domain.DefaultScheme()).SaveX(ctx)
	b := f.sealBid(t, comp.ID, f.orgs[0], domain.Pounds(40_000), start.AddDate(0, 0, -31))
	end := domain.ContractEnd(start, 12)
	k := f.db.Contract.Create().SetBidID(b).SetCompetitionID(comp.ID).SetOrganisationID(f.orgs[0]).SetPhase(1).
		SetValue(domain.Pounds(40_000)).SetStatus(domain.ContractActive).SetStartsOn(domain.StartOfDay(start)).SetEndsOn(end).SaveX(ctx)
	accepted := start.AddDate(0, 0, 10)
	first := f.db.Milestone.Create().SetContractID(k.ID).SetNumber(1).SetDeliverable("Discovery").SetMonth(1).SetAmount(domain.Pounds(15_000)).
		SetStatus(domain.MilestoneAccepted).SetAcceptedAt(accepted).SetPaymentDue(domain.PaymentDue(accepted)).SaveX(ctx)
	second := f.db.Milestone.Create().SetContractID(k.ID).SetNumber(2).SetDeliverable("Trial").SetMonth(3).SetAmount(domain.Pounds(25_000)).SaveX(ctx)

	told := func(who int, template domain.NoticeTemplate) int {
		return f.db.Notice.Query().Where(notice.RecipientID(who), notice.Template(string(template))).CountX(ctx)
	}
	want := func(when string, who int, template domain.NoticeTemplate, n int) {
		if got := told(who, template); got != n {
			t.Errorf("%s: %s sent %d times, want %d", when, template, got, n)
		}
	}
	mid := domain.ContractMidpoint(*k.StartsOn, end)
	h.at(mid.Sub(start)-time.Hour, func() { want("an hour before the midpoint", supplier.ID, domain.NoticeMidpointReview, 0) })
	h.at(mid.Sub(start)+time.Hour, func() { want("an hour after the midpoint", supplier.ID, domain.NoticeMidpointReview, 1) })
	overdue := domain.OverdueFrom(*first.PaymentDue)
	h.at(overdue.Sub(start)-time.Hour, func() { want("on the payment's due day", admin.ID, domain.NoticePaymentOverdue, 0) })
	h.at(overdue.Sub(start)+time.Hour, func() { want("the day after it", admin.ID, domain.NoticePaymentOverdue, 1) })
	// The second deliverable is accepted later; the outbox wakes the timers with its payment.
	later := start.AddDate(0, 0, 50)
	h.at(later.Sub(start), func() {
		f.db.Milestone.UpdateOne(second).SetStatus(domain.MilestoneAccepted).SetAcceptedAt(later).SetPaymentDue(domain.PaymentDue(later)).ExecX(ctx)
		if err := h.env.SignalWorkflowByID(workflows.ContractWorkflowID(k.ID), workflows.SignalContractChanged, workflows.ContractChangedSignal{ContractID: k.ID}); err != nil {
			t.Error(err)
		}
	})
	h.at(domain.OverdueFrom(domain.PaymentDue(later)).Sub(start)+time.Hour, func() {
		want("after the second payment's term", admin.ID, domain.NoticePaymentOverdue, 2)
	})
	remind := domain.ReportReminder(end)
	h.at(remind.Sub(start)-time.Hour, func() { want("before the report's reminder", supplier.ID, domain.NoticeReportDue, 0) })
	h.at(remind.Sub(start)+time.Hour, func() { want("after it", supplier.ID, domain.NoticeReportDue, 1) })
	h.at(end.Sub(start)+30*day, func() {
		if err := h.env.SignalWorkflowByID(workflows.ContractWorkflowID(k.ID), workflows.SignalGateDecided, workflows.GateDecidedSignal{Outcome: domain.GateStop}); err != nil {
			t.Error(err)
		}
	})
	h.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.ContractWorkflowID(k.ID)})
	h.env.ExecuteWorkflow(workflows.ContractWorkflow, workflows.ContractInput{ContractID: k.ID, ChallengeID: f.challenge, Phase: 1})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	want("at the end", supplier.ID, domain.NoticeMidpointReview, 1)
	want("at the end", supplier.ID, domain.NoticeReportDue, 1)
	want("at the end", admin.ID, domain.NoticePaymentOverdue, 2)
}
