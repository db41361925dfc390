package workflows

import (
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
)

// a is the activities value used only for method expressions; the worker registers the real one.
var a *activities.Activities

func activityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeInvalidInput},
		},
	})
}

// ChallengeWorkflow drives one challenge from submission to its programme outcome. It continues
// as new at the phase 1 → phase 2 boundary so its history stays small.
func ChallengeWorkflow(ctx workflow.Context, in ChallengeInput) (ChallengeResult, error) {
	w := newChallengeWorkflow(in)
	if err := w.setup(ctx); err != nil {
		return ChallengeResult{}, err
	}
	return w.run(ctx)
}

type challengeWorkflow struct {
	ChallengeState
	mu workflow.Mutex
}

func newChallengeWorkflow(in ChallengeInput) *challengeWorkflow {
	w := &challengeWorkflow{}
	if in.State != nil {
		w.ChallengeState = *in.State
	} else {
		w.ChallengeState = ChallengeState{ChallengeID: in.ChallengeID, Stage: domain.ChallengeDraft, Phase: 1}
	}
	return w
}

func (w *challengeWorkflow) setup(ctx workflow.Context) error {
	w.mu = workflow.NewMutex(ctx)
	handlers := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateSubmitChallenge, w.submit, w.validateSubmit},
		{UpdateSelectChallenge, w.selectChallenge, w.validateSelect},
		{UpdateOpenCompetition, w.openCompetition, w.validateOpenCompetition},
		{UpdateRecordGateOutcome, w.recordGateOutcome, w.validateGateOutcome},
		{UpdateCompleteChallenge, w.complete, w.validateComplete},
		{UpdateStopForNoGo, w.stopForNoGo, w.validateStopForNoGo},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler,
			workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	progress := workflow.GetSignalChannel(ctx, SignalCompetitionProgress)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var s CompetitionProgressSignal
			progress.Receive(ctx, &s)
			w.competitionProgressed(s)
		}
	})
	return nil
}

// competitionProgressed mirrors what the competition wrote to the database, so the challenge's
// validators judge the next command against the stage people see.
func (w *challengeWorkflow) competitionProgressed(s CompetitionProgressSignal) {
	switch {
	case s.Status == domain.CompetitionAssessment || s.Status == domain.CompetitionEligibility:
		if next, err := w.Stage.CloseCompetition(); err == nil {
			w.Stage = next
		}
	case s.Status == domain.CompetitionDecided && len(s.Contracts) > 0:
		if next, err := w.Stage.AwardContracts(); err == nil {
			w.Stage = next
		}
		w.Contracts = nil
		for _, k := range s.Contracts {
			w.Contracts = append(w.Contracts, ContractState{ContractID: k.ContractID, OrganisationID: k.OrganisationID})
		}
	}
}

func (w *challengeWorkflow) run(ctx workflow.Context) (ChallengeResult, error) {
	// Before phase 1: wait to be submitted, then selected or rejected.
	if err := workflow.Await(ctx, func() bool {
		return w.Stage != domain.ChallengeDraft && w.Stage != domain.ChallengeSubmitted
	}); err != nil {
		return ChallengeResult{}, err
	}
	if w.Stage == domain.ChallengeRejected {
		return w.finish(ctx)
	}
	for {
		phase := w.Phase
		// The programme team configures and opens this phase's competition.
		if err := workflow.Await(ctx, func() bool { return w.CompetitionID != 0 }); err != nil {
			return ChallengeResult{}, err
		}
		res, err := w.runCompetition(ctx, phase)
		if err != nil {
			return ChallengeResult{}, err
		}
		if len(res.Contracts) == 0 {
			reason := "nothing was fundable"
			if res.Status == domain.CompetitionClosedNoBids {
				reason = "the deadline passed with no bids"
			}
			if res.NoneEligible {
				reason = "no bid was eligible"
			}
			return w.close(ctx, fmt.Sprintf("The phase %d competition ended without a contract: %s.", phase, reason))
		}
		if err := w.runContracts(ctx, phase, res.Contracts); err != nil {
			return ChallengeResult{}, err
		}
		if phase == 2 {
			break
		}
		// The gate handler moved the state to phase 2 as it decided the last contract.
		if len(w.Continued) == 0 {
			return w.close(ctx, "The phase 1 stage gate stopped every supplier.")
		}
		// Wait for phase 2's competition to open, then continue as new carrying it, so the
		// history stays small. Wait for handlers so no accepted update is lost.
		if err := workflow.Await(ctx, func() bool { return w.CompetitionID != 0 && workflow.AllHandlersFinished(ctx) }); err != nil {
			return ChallengeResult{}, err
		}
		next := w.ChallengeState
		next.Contracts = nil
		return ChallengeResult{}, workflow.NewContinueAsNewError(ctx, ChallengeWorkflow, ChallengeInput{ChallengeID: w.ChallengeID, State: &next})
	}
	// Phase 2 contracts are all decided: wait for the programme outcome.
	if err := workflow.Await(ctx, func() bool { return w.Stage == domain.ChallengeComplete }); err != nil {
		return ChallengeResult{}, err
	}
	return w.finish(ctx)
}

func (w *challengeWorkflow) runCompetition(ctx workflow.Context, phase int) (CompetitionResult, error) {
	var res CompetitionResult
	if w.Round == nil {
		return res, fmt.Errorf("competition %d has no configuration", w.CompetitionID)
	}
	info := *w.Round
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            CompetitionWorkflowID(w.CompetitionID),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	})
	err := workflow.ExecuteChildWorkflow(cctx, CompetitionWorkflow, info).Get(ctx, &res)
	return res, err
}

func (w *challengeWorkflow) runContracts(ctx workflow.Context, phase int, awarded []activities.AwardedContract) error {
	// w.Contracts was filled when the competition signalled its decision.
	var futures []workflow.ChildWorkflowFuture
	for _, k := range awarded {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            ContractWorkflowID(k.ContractID),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		})
		futures = append(futures, workflow.ExecuteChildWorkflow(cctx, ContractWorkflow,
			ContractInput{ContractID: k.ContractID, ChallengeID: w.ChallengeID, Phase: phase}))
	}
	// Make sure every child has started before the gate can signal it.
	for _, f := range futures {
		if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return err
		}
	}
	if err := workflow.Await(ctx, w.allDecided); err != nil {
		return err
	}
	for _, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

func (w *challengeWorkflow) allDecided() bool {
	for _, c := range w.Contracts {
		if c.Outcome == "" {
			return false
		}
	}
	return len(w.Contracts) > 0
}

func (w *challengeWorkflow) close(ctx workflow.Context, reason string) (ChallengeResult, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return ChallengeResult{}, err
	}
	err := workflow.ExecuteActivity(activityOptions(ctx), a.SetChallengeStage, activities.SetChallengeStageInput{
		ChallengeID: w.ChallengeID, To: domain.ChallengeClosed, Actor: authz.Actor{Reason: reason},
	}).Get(ctx, nil)
	if err != nil {
		return ChallengeResult{}, err
	}
	w.Stage = domain.ChallengeClosed
	return ChallengeResult{Stage: w.Stage}, nil
}

func (w *challengeWorkflow) finish(ctx workflow.Context) (ChallengeResult, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return ChallengeResult{}, err
	}
	return ChallengeResult{Stage: w.Stage}, nil
}

// --- updates ---------------------------------------------------------------------------------

func (w *challengeWorkflow) validateSubmit(ctx workflow.Context, req SubmitChallengeRequest) error {
	_, err := w.Stage.Submit()
	return refused(err)
}

func (w *challengeWorkflow) submit(ctx workflow.Context, req SubmitChallengeRequest) (StageResponse, error) {
	return w.moveTo(ctx, req.Actor, func(s domain.ChallengeStage) (domain.ChallengeStage, error) { return s.Submit() })
}

func (w *challengeWorkflow) validateSelect(ctx workflow.Context, req SelectChallengeRequest) error {
	if !req.Select && strings.TrimSpace(req.Actor.Reason) == "" {
		return refused(domain.Problems{{Field: "reason", Message: "Give a reason for not selecting the challenge: the challenge owner will read it"}})
	}
	var err error
	if req.Select {
		_, err = w.Stage.Select()
	} else {
		_, err = w.Stage.Reject()
	}
	return refused(err)
}

func (w *challengeWorkflow) selectChallenge(ctx workflow.Context, req SelectChallengeRequest) (StageResponse, error) {
	return w.moveToRound(ctx, req.Actor, req.RoundID, func(s domain.ChallengeStage) (domain.ChallengeStage, error) {
		if req.Select {
			return s.Select()
		}
		return s.Reject()
	})
}

// moveTo applies a transition under the mutex and writes it; a concurrent duplicate finds the
// stage already moved and is refused with the reason.
func (w *challengeWorkflow) moveTo(ctx workflow.Context, actor authz.Actor, step func(domain.ChallengeStage) (domain.ChallengeStage, error)) (StageResponse, error) {
	return w.moveToRound(ctx, actor, 0, step)
}

// moveToRound is moveTo, also writing the round a selection puts the challenge in.
func (w *challengeWorkflow) moveToRound(ctx workflow.Context, actor authz.Actor, roundID int, step func(domain.ChallengeStage) (domain.ChallengeStage, error)) (StageResponse, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return StageResponse{}, err
	}
	defer w.mu.Unlock()
	next, err := step(w.Stage)
	if err != nil {
		return StageResponse{Stage: w.Stage}, refused(err)
	}
	err = workflow.ExecuteActivity(activityOptions(ctx), a.SetChallengeStage, activities.SetChallengeStageInput{
		ChallengeID: w.ChallengeID, To: next, RoundID: roundID, Actor: actor,
	}).Get(ctx, nil)
	if err != nil {
		return StageResponse{Stage: w.Stage}, err
	}
	w.Stage = next
	return StageResponse{Stage: w.Stage}, nil
}

func (w *challengeWorkflow) validateOpenCompetition(ctx workflow.Context, req OpenCompetitionRequest) error {
	if _, err := w.Stage.OpenCompetition(w.Phase); err != nil {
		return refused(err)
	}
	if err := req.Caps.Validate(); err != nil {
		return refused(err)
	}
	if err := req.Scheme.Check(); err != nil {
		return refused(err)
	}
	from := workflow.Now(ctx)
	if req.OpensAt.After(from) {
		from = req.OpensAt // a scheduled competition's deadline counts from its opening
	}
	return refused(domain.CheckDeadline(req.ClosesAt, from))
}

func (w *challengeWorkflow) openCompetition(ctx workflow.Context, req OpenCompetitionRequest) (OpenCompetitionResponse, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return OpenCompetitionResponse{}, err
	}
	defer w.mu.Unlock()
	if w.CompetitionID != 0 {
		// A duplicate that passed validation before the first took the mutex: the stage says no.
		_, err := w.Stage.OpenCompetition(w.Phase)
		return OpenCompetitionResponse{CompetitionID: w.CompetitionID, Stage: w.Stage}, refused(err)
	}
	phase := w.Phase
	next, err := w.Stage.OpenCompetition(phase)
	if err != nil {
		return OpenCompetitionResponse{}, refused(err)
	}
	inRecords := workflow.GetVersion(ctx, versionAssessedInRecords, workflow.DefaultVersion, 1) == 1
	var out activities.OpenCompetitionOutput
	err = workflow.ExecuteActivity(activityOptions(ctx), a.OpenCompetition, activities.OpenCompetitionInput{
		ChallengeID: w.ChallengeID, Phase: phase, ClosesAt: req.ClosesAt, Caps: req.Caps, Scheme: req.Scheme,
		EligibleOrganisations: w.Continued, OpensAt: req.OpensAt, Actor: req.Actor, AssessmentsInRecords: inRecords,
	}).Get(ctx, &out)
	if err != nil {
		return OpenCompetitionResponse{}, err
	}
	w.Round = &CompetitionInput{
		CompetitionID: out.CompetitionID, ChallengeID: w.ChallengeID, Phase: phase,
		ClosesAt: req.ClosesAt, Scheme: req.Scheme, OpensAt: req.OpensAt, AssessmentsInRecords: inRecords,
	}
	w.CompetitionID = out.CompetitionID
	w.Stage = next
	return OpenCompetitionResponse{CompetitionID: out.CompetitionID, Stage: next}, nil
}

func (w *challengeWorkflow) contract(id int) (*ContractState, error) {
	for i := range w.Contracts {
		if w.Contracts[i].ContractID == id {
			return &w.Contracts[i], nil
		}
	}
	return nil, domain.InvalidInput("contract %d is not one of this challenge's current contracts", id)
}

func (w *challengeWorkflow) validateGateOutcome(ctx workflow.Context, req GateOutcomeRequest) error {
	if w.Stage != domain.ChallengePhase1Contracts && w.Stage != domain.ChallengePhase2Contracts {
		return refused(&domain.TransitionError{Record: "challenge", Action: "record a gate outcome for", From: string(w.Stage),
			Reason: "the stage gate comes after contracts are awarded; the challenge is " + w.Stage.Label(), Kind: domain.ErrInvalidTransition})
	}
	k, err := w.contract(req.ContractID)
	if err != nil {
		return refused(err)
	}
	if k.Outcome != "" {
		_, err := k.Outcome.Contract().Decide(req.Outcome, w.Stage.Phase())
		return refused(err)
	}
	if err := domain.CheckGateDecision(req.Outcome, req.Rationale, w.Stage.Phase()); err != nil {
		return refused(err)
	}
	// Whether the report is in is not judged here: the contract's signal saying so can reach
	// this workflow in the same task as the gate's update, and the validator runs before the
	// signal is read. RecordGateDecision judges it from the contract's record, in the gate's
	// own transaction.
	return nil
}

func (w *challengeWorkflow) recordGateOutcome(ctx workflow.Context, req GateOutcomeRequest) (ContractState, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return ContractState{}, err
	}
	defer w.mu.Unlock()
	k, err := w.contract(req.ContractID)
	if err != nil {
		return ContractState{}, refused(err)
	}
	if k.Outcome != "" {
		_, err := k.Outcome.Contract().Decide(req.Outcome, w.Stage.Phase())
		return *k, refused(err)
	}
	return w.decideContract(ctx, k, req)
}

// decideContract records the gate's outcome for k and tells its contract; the last one decided
// in phase 1 moves the challenge on.
func (w *challengeWorkflow) decideContract(ctx workflow.Context, k *ContractState, req GateOutcomeRequest) (ContractState, error) {
	err := workflow.ExecuteActivity(activityOptions(ctx), a.RecordGateDecision, activities.RecordGateDecisionInput{
		ContractID: req.ContractID, Outcome: req.Outcome, Rationale: req.Rationale, NoGo: req.NoGo, Lesson: req.Lesson, Actor: req.Actor,
	}).Get(ctx, nil)
	if err != nil {
		return *k, err
	}
	err = workflow.SignalExternalWorkflow(ctx, ContractWorkflowID(k.ContractID), "", SignalGateDecided,
		GateDecidedSignal{Outcome: req.Outcome}).Get(ctx, nil)
	if err != nil {
		return *k, err
	}
	k.Outcome = req.Outcome
	out := *k
	if w.Phase == 1 && w.allDecided() {
		w.toPhase2()
	}
	return out, nil
}

func (w *challengeWorkflow) validateStopForNoGo(ctx workflow.Context, req NoGoRequest) error {
	if w.Stage != domain.ChallengePhase1Contracts {
		return refused(&domain.TransitionError{Record: "challenge", Action: "stop the contracts for a no-go of", From: string(w.Stage),
			Reason: "a no-go stops phase 1's contracts at the challenge-level gate; the challenge is " + w.Stage.Label(), Kind: domain.ErrInvalidTransition})
	}
	return nil
}

// stopForNoGo stops each phase 1 contract the gate has not decided, one after another, whatever
// its evidence. Sent again, it stops only those it had not reached.
func (w *challengeWorkflow) stopForNoGo(ctx workflow.Context, req NoGoRequest) (NoGoResponse, error) {
	var out NoGoResponse
	if err := w.mu.Lock(ctx); err != nil {
		return out, err
	}
	defer w.mu.Unlock()
	for i := range w.Contracts {
		k := &w.Contracts[i]
		if k.Outcome != "" {
			continue
		}
		if _, err := w.decideContract(ctx, k, GateOutcomeRequest{ContractID: k.ContractID, Outcome: domain.GateStop, NoGo: true,
			Rationale: req.Rationale, Actor: req.Actor}); err != nil {
			return out, err
		}
		out.Stopped = append(out.Stopped, k.ContractID)
	}
	return out, nil
}

// toPhase2 closes phase 1 once the gate has decided every contract: the continued suppliers
// may bid in phase 2, whose competition can open straight away.
func (w *challengeWorkflow) toPhase2() {
	w.Continued = nil
	for _, c := range w.Contracts {
		if c.Outcome == domain.GateContinue {
			w.Continued = append(w.Continued, c.OrganisationID)
		}
	}
	w.Phase = 2
	w.CompetitionID = 0
	w.Round = nil
}

func (w *challengeWorkflow) validateComplete(ctx workflow.Context, req CompleteChallengeRequest) error {
	if _, err := w.Stage.Complete(); err != nil {
		return refused(err)
	}
	if !w.allDecided() {
		return refused(&domain.TransitionError{Record: "challenge", Action: "complete", From: string(w.Stage),
			Reason: "the final gate has not decided every phase 2 contract", Kind: domain.ErrEvidenceMissing})
	}
	if !req.Outcome.Valid() {
		return refused(domain.InvalidInput("outcome must be one of %s", strings.Join(domain.ProgrammeOutcome("").Values(), ", ")))
	}
	return nil
}

func (w *challengeWorkflow) complete(ctx workflow.Context, req CompleteChallengeRequest) (StageResponse, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return StageResponse{}, err
	}
	defer w.mu.Unlock()
	if w.Stage == domain.ChallengeComplete {
		_, err := w.Stage.Complete()
		return StageResponse{Stage: w.Stage}, refused(err)
	}
	err := workflow.ExecuteActivity(activityOptions(ctx), a.CompleteChallenge, activities.CompleteChallengeInput{
		ChallengeID: w.ChallengeID, Outcome: req.Outcome, Lessons: req.Lessons, Route: req.Route, Lesson: req.Lesson, Actor: req.Actor,
	}).Get(ctx, nil)
	if err != nil {
		return StageResponse{Stage: w.Stage}, err
	}
	w.Stage = domain.ChallengeComplete
	return StageResponse{Stage: w.Stage}, nil
}
