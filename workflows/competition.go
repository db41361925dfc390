package workflows

import (
	"fmt"
	"sort"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/domain"
)

// CompetitionWorkflow runs one competition: open until its deadline (a durable timer), then
// assessment, then funding decisions. Bids are rows, not workflows; the deadline closes the
// competition whatever signals did or did not arrive.
func CompetitionWorkflow(ctx workflow.Context, in CompetitionInput) (CompetitionResult, error) {
	w := &competitionWorkflow{in: in, status: domain.CompetitionOpen, assessed: map[int][]int{},
		deadlines: domain.Deadlines{ClosesAt: in.ClosesAt}}
	if err := w.setup(ctx); err != nil {
		return CompetitionResult{}, err
	}
	return w.run(ctx)
}

type competitionWorkflow struct {
	in        CompetitionInput
	mu        workflow.Mutex
	status    domain.CompetitionStatus
	bids      []int         // sealed bids at the deadline, in ID order
	assessed  map[int][]int // bid → assessors who have scored it
	contracts []activities.AwardedContract
	deadlines domain.Deadlines // the closing time and each supplier's later one
	extending int              // extensions being written: the close waits for them
	rearm     workflow.Channel // told when the last deadline moves
}

func (w *competitionWorkflow) setup(ctx workflow.Context) error {
	w.mu = workflow.NewMutex(ctx)
	w.rearm = workflow.NewBufferedChannel(ctx, 1)
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateExtendDeadline, w.extendDeadline,
		workflow.UpdateHandlerOptions{Validator: w.validateExtension}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateFinishEligibility, w.finishEligibility,
		workflow.UpdateHandlerOptions{Validator: w.validateFinishEligibility}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRecordAssessment, w.recordAssessment,
		workflow.UpdateHandlerOptions{Validator: w.validateAssessment}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateDecide, w.decide,
		workflow.UpdateHandlerOptions{Validator: w.validateDecide})
}

func (w *competitionWorkflow) run(ctx workflow.Context) (CompetitionResult, error) {
	// Scheduled: a durable timer opens it at its time.
	if workflow.GetVersion(ctx, versionScheduledOpen, workflow.DefaultVersion, 1) == 1 &&
		w.in.OpensAt.After(workflow.Now(ctx)) {
		w.status = domain.CompetitionScheduled
		if err := workflow.Sleep(ctx, w.in.OpensAt.Sub(workflow.Now(ctx))); err != nil {
			return CompetitionResult{}, err
		}
		err := workflow.ExecuteActivity(activityOptions(ctx), a.OpenScheduledCompetition,
			activities.OpenScheduledInput{CompetitionID: w.in.CompetitionID}).Get(ctx, nil)
		if err != nil {
			return CompetitionResult{}, err
		}
		w.status = domain.CompetitionOpen
	}

	// Open: wait for the last deadline, counting sealed bids as the outbox reports them. An
	// extension re-arms the timer; the close waits for any extension still being written.
	submitted := workflow.GetSignalChannel(ctx, SignalBidSubmitted)
	for {
		last := w.deadlines.Last()
		timerCtx, cancelTimer := workflow.WithCancel(ctx)
		deadline := workflow.NewTimer(timerCtx, last.Sub(workflow.Now(ctx)))
		for fired, moved := false, false; !fired && !moved; {
			sel := workflow.NewSelector(ctx)
			sel.AddFuture(deadline, func(workflow.Future) { fired = true })
			// Each sealed bid's signal is taken as it arrives, so the competition's history
			// shows the bids in the order they were sealed; which bids count is read from the
			// database at the deadline, so a bid sealed while Temporal was down still counts.
			sel.AddReceive(submitted, func(c workflow.ReceiveChannel, more bool) {
				c.Receive(ctx, nil)
			})
			sel.AddReceive(w.rearm, func(c workflow.ReceiveChannel, more bool) {
				c.Receive(ctx, nil)
				moved = !w.deadlines.Last().Equal(last)
			})
			sel.Select(ctx)
		}
		cancelTimer()
		if err := workflow.Await(ctx, func() bool { return w.extending == 0 }); err != nil {
			return CompetitionResult{}, err
		}
		if domain.DeadlinePassed(w.deadlines.Last(), workflow.Now(ctx)) {
			break
		}
	}

	// The close: from versionEligibility on, to the programme's eligibility check, which the
	// workflow waits for before anyone is assigned; before it, straight to assessment.
	eligibility := workflow.GetVersion(ctx, versionEligibility, workflow.DefaultVersion, 1) == 1
	var closed activities.CloseCompetitionOutput
	err := workflow.ExecuteActivity(activityOptions(ctx), a.CloseCompetition,
		activities.CloseCompetitionInput{CompetitionID: w.in.CompetitionID, Eligibility: eligibility}).Get(ctx, &closed)
	if err != nil {
		return CompetitionResult{}, err
	}
	w.bids = closed.BidIDs
	w.status = closed.Status
	if err := w.tellParent(ctx, CompetitionProgressSignal{Status: w.status}); err != nil {
		return CompetitionResult{}, err
	}
	if w.status == domain.CompetitionEligibility {
		if err := workflow.Await(ctx, func() bool { return w.status != domain.CompetitionEligibility }); err != nil {
			return CompetitionResult{}, err
		}
	}
	if w.status == domain.CompetitionClosedNoBids {
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return CompetitionResult{}, err
		}
		return CompetitionResult{Status: w.status, NoneEligible: len(closed.BidIDs) > 0}, nil
	}

	// Assessment: wait for the decision, which needs every bid fully assessed, reminding
	// assessors meanwhile (from versionReminders on).
	stopReminders := func() {}
	if workflow.GetVersion(ctx, versionReminders, workflow.DefaultVersion, 1) == 1 {
		var remindCtx workflow.Context
		remindCtx, stopReminders = workflow.WithCancel(ctx)
		workflow.Go(remindCtx, w.remind)
	}
	if err := workflow.Await(ctx, func() bool { return w.status == domain.CompetitionDecided }); err != nil {
		return CompetitionResult{}, err
	}
	stopReminders()
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return CompetitionResult{}, err
	}
	return CompetitionResult{Status: w.status, Contracts: w.contracts}, nil
}

// remind sends the reminders that are due, then sleeps on a durable timer until the next one,
// or until the outbox says the assignments were released or changed. It runs until the
// decision cancels it.
func (w *competitionWorkflow) remind(ctx workflow.Context) {
	wakeLoop(ctx, SignalAssignmentsChanged, "assessment reminders", func(ctx workflow.Context) (*time.Time, error) {
		var out activities.RemindAssessorsOutput
		err := workflow.ExecuteActivity(activityOptions(ctx), a.RemindAssessors,
			activities.RemindAssessorsInput{CompetitionID: w.in.CompetitionID, Now: workflow.Now(ctx)}).Get(ctx, &out)
		return out.Next, err
	})
}

// wakeLoop runs step, then sleeps on a durable timer until the time it returns (none: until a
// change), or until the signal named says something changed, so its dates are read again. It
// runs until ctx is cancelled. A step refused for good ends it, logged, rather than failing the
// workflow it serves.
func wakeLoop(ctx workflow.Context, signal, what string, step func(workflow.Context) (*time.Time, error)) {
	changed := workflow.GetSignalChannel(ctx, signal)
	for ctx.Err() == nil {
		next, err := step(ctx)
		if err != nil {
			if ctx.Err() == nil {
				workflow.GetLogger(ctx).Error(what+" stopped", "error", err)
			}
			return
		}
		timerCtx, cancelTimer := workflow.WithCancel(ctx)
		sel := workflow.NewSelector(ctx)
		if next != nil {
			sel.AddFuture(workflow.NewTimer(timerCtx, next.Sub(workflow.Now(ctx))), func(workflow.Future) {})
		}
		sel.AddReceive(changed, func(c workflow.ReceiveChannel, more bool) {
			for c.ReceiveAsync(nil) { // one run of the step answers every change so far
			}
		})
		sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
		sel.Select(ctx)
		cancelTimer()
	}
}

func (w *competitionWorkflow) inAssessment() error { return w.status.CheckAssess() }

// closing reports whether the deadline has passed but the close is still being written: the
// database may already say "assessment", so a command arriving now is accepted and waits.
func (w *competitionWorkflow) closing(ctx workflow.Context) bool {
	return w.status == domain.CompetitionOpen && domain.DeadlinePassed(w.deadlines.Last(), workflow.Now(ctx))
}

// validateInAssessment accepts commands once assessment has started, or is starting.
func (w *competitionWorkflow) validateInAssessment(ctx workflow.Context) error {
	if w.closing(ctx) {
		return nil
	}
	return w.inAssessment()
}

// awaitAssessment lets a command accepted while the competition was closing wait for the close.
func (w *competitionWorkflow) awaitAssessment(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return w.status != domain.CompetitionOpen }); err != nil {
		return err
	}
	return w.inAssessment()
}

func (w *competitionWorkflow) hasBid(id int) bool {
	i := sort.SearchInts(w.bids, id)
	return i < len(w.bids) && w.bids[i] == id
}

func (w *competitionWorkflow) validateAssessment(ctx workflow.Context, req RecordAssessmentRequest) error {
	if err := w.validateInAssessment(ctx); err != nil {
		return refused(err)
	}
	if !w.closing(ctx) && !w.hasBid(req.BidID) {
		return refused(domain.InvalidInput("bid %d is not one of this competition's submitted bids", req.BidID))
	}
	if req.AssessorID <= 0 {
		return refused(domain.InvalidInput("name the assessor"))
	}
	return refused(w.in.Scheme.ValidateAssessment(req.Assessment))
}

func (w *competitionWorkflow) recordAssessment(ctx workflow.Context, req RecordAssessmentRequest) (RecordAssessmentResponse, error) {
	if err := w.awaitAssessment(ctx); err != nil {
		return RecordAssessmentResponse{}, refused(err)
	}
	if !w.hasBid(req.BidID) {
		return RecordAssessmentResponse{}, refused(domain.InvalidInput("bid %d is not one of this competition's submitted bids", req.BidID))
	}
	if err := w.mu.Lock(ctx); err != nil {
		return RecordAssessmentResponse{}, err
	}
	defer w.mu.Unlock()
	var out activities.RecordAssessmentOutput
	err := workflow.ExecuteActivity(activityOptions(ctx), a.RecordAssessment, activities.RecordAssessmentInput{
		CompetitionID: w.in.CompetitionID, BidID: req.BidID, AssessorID: req.AssessorID,
		Assessment: req.Assessment, Actor: req.Actor,
	}).Get(ctx, &out)
	if err != nil {
		return RecordAssessmentResponse{}, err
	}
	for _, id := range w.assessed[req.BidID] {
		if id == req.AssessorID {
			return RecordAssessmentResponse{Percent: out.Percent}, nil // a re-score replaces the first
		}
	}
	w.assessed[req.BidID] = append(w.assessed[req.BidID], req.AssessorID)
	return RecordAssessmentResponse{Percent: out.Percent}, nil
}

func (w *competitionWorkflow) validateDecide(ctx workflow.Context, req DecideRequest) error {
	if w.closing(ctx) {
		return nil // the handler waits for the close, then checks everything below
	}
	return refused(w.decisionReady(req))
}

// decisionReady says whether every bid has its assessments and the chosen bids are real.
func (w *competitionWorkflow) decisionReady(req DecideRequest) error {
	if err := w.inAssessment(); err != nil {
		return err
	}
	// Requests from before LoweredMinimum existed carry none, so they are checked as they were.
	minimum := w.in.Scheme.MinAssessors
	if req.Lowered != nil && req.Lowered.Minimum < minimum {
		minimum = req.Lowered.Minimum
	}
	// Counted in the records by the decision's activity from versionAssessedInRecords on; w.bids
	// is sorted, so the message is deterministic.
	if !w.in.AssessmentsInRecords {
		// Only the IDs are in the workflow's state: these old workflows name a bid by its number.
		byNumber := func(id int) string { return fmt.Sprintf("bid %d", id) }
		if err := domain.CheckAssessed(w.status, w.bids, func(id int) int { return len(w.assessed[id]) }, byNumber, minimum); err != nil {
			return err
		}
	}
	for _, id := range req.Chosen {
		if !w.hasBid(id) {
			return domain.InvalidInput("bid %d is not one of this competition's submitted bids", id)
		}
	}
	return nil
}

func (w *competitionWorkflow) decide(ctx workflow.Context, req DecideRequest) (DecideResponse, error) {
	if err := w.awaitAssessment(ctx); err != nil {
		return DecideResponse{}, refused(err)
	}
	if err := w.mu.Lock(ctx); err != nil {
		return DecideResponse{}, err
	}
	defer w.mu.Unlock()
	if err := w.decisionReady(req); err != nil {
		return DecideResponse{}, refused(err)
	}
	var out activities.DecideCompetitionOutput
	err := workflow.ExecuteActivity(activityOptions(ctx), a.DecideCompetition, activities.DecideCompetitionInput{
		CompetitionID: w.in.CompetitionID, Chosen: req.Chosen, Reasons: req.Reasons, Lowered: req.Lowered, Actor: req.Actor,
	}).Get(ctx, &out)
	if err != nil {
		return DecideResponse{}, err
	}
	w.contracts = out.Contracts
	w.status = domain.CompetitionDecided
	if err := w.tellParent(ctx, CompetitionProgressSignal{Status: w.status, Contracts: out.Contracts}); err != nil {
		return DecideResponse{}, err
	}
	return DecideResponse{Contracts: out.Contracts}, nil
}

func (w *competitionWorkflow) validateFinishEligibility(ctx workflow.Context, req FinishEligibilityRequest) error {
	if w.closing(ctx) {
		return nil // the database may already say so; the handler waits for the close
	}
	return refused(w.status.CheckEligibility())
}

// finishEligibility ends the eligibility check: the activity checks every flagged bid has the
// programme's decision, then assigns assessors to the eligible bids.
func (w *competitionWorkflow) finishEligibility(ctx workflow.Context, req FinishEligibilityRequest) (FinishEligibilityResponse, error) {
	if err := workflow.Await(ctx, func() bool { return w.status != domain.CompetitionOpen }); err != nil {
		return FinishEligibilityResponse{}, err
	}
	if err := w.mu.Lock(ctx); err != nil {
		return FinishEligibilityResponse{}, err
	}
	defer w.mu.Unlock()
	if err := w.status.CheckEligibility(); err != nil {
		return FinishEligibilityResponse{}, refused(err)
	}
	var out activities.CloseCompetitionOutput
	err := workflow.ExecuteActivity(activityOptions(ctx), a.StartAssessment, activities.StartAssessmentInput{
		CompetitionID: w.in.CompetitionID, Actor: req.Actor,
	}).Get(ctx, &out)
	if err != nil {
		return FinishEligibilityResponse{}, err
	}
	w.bids, w.status = out.BidIDs, out.Status
	return FinishEligibilityResponse{Status: w.status, EligibleBids: len(w.bids)}, nil
}

func (w *competitionWorkflow) validateExtension(ctx workflow.Context, req ExtendDeadlineRequest) error {
	if err := domain.CheckExtension(w.status, w.deadlines.For(req.OrganisationID), req.ClosesAt, workflow.Now(ctx)); err != nil {
		return refused(err)
	}
	if _, p := domain.ExtensionReason.Clean(req.Reason); p != nil {
		return refused(domain.Problems{*p})
	}
	return nil
}

// extendDeadline writes the later deadline, then moves the close. The validator accepted it
// before the deadline it replaces, and the close waits while it is written.
func (w *competitionWorkflow) extendDeadline(ctx workflow.Context, req ExtendDeadlineRequest) (ExtendDeadlineResponse, error) {
	w.extending++
	defer func() { w.extending-- }()
	if err := w.mu.Lock(ctx); err != nil {
		return ExtendDeadlineResponse{}, err
	}
	defer w.mu.Unlock()
	// Checked again under the mutex: another extension may have moved the same deadline.
	if err := domain.CheckExtension(w.status, w.deadlines.For(req.OrganisationID), req.ClosesAt, workflow.Now(ctx)); err != nil {
		return ExtendDeadlineResponse{}, refused(err)
	}
	err := workflow.ExecuteActivity(activityOptions(ctx), a.ExtendDeadline, activities.ExtendDeadlineInput{
		CompetitionID: w.in.CompetitionID, OrganisationID: req.OrganisationID, ClosesAt: req.ClosesAt,
		Reason: req.Reason, Actor: req.Actor,
	}).Get(ctx, nil)
	if err != nil {
		return ExtendDeadlineResponse{}, err
	}
	if req.OrganisationID == 0 {
		w.deadlines.ClosesAt = req.ClosesAt
	} else {
		w.deadlines.Extension = append(w.deadlines.Extension, domain.Extension{OrganisationID: req.OrganisationID, ClosesAt: req.ClosesAt})
	}
	w.rearm.SendAsync(nil)
	return ExtendDeadlineResponse{LastDeadline: w.deadlines.Last()}, nil
}

// tellParent signals the challenge, and waits until Temporal has recorded the signal.
func (w *competitionWorkflow) tellParent(ctx workflow.Context, s CompetitionProgressSignal) error {
	parent := ChallengeWorkflowID(w.in.ChallengeID)
	if p := workflow.GetInfo(ctx).ParentWorkflowExecution; p != nil {
		parent = p.ID
	}
	return workflow.SignalExternalWorkflow(ctx, parent, "", SignalCompetitionProgress, s).Get(ctx, nil)
}
