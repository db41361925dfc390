package workflows

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// This file is not workflow code: it is the typed client through which commands reach the
// workflows, one method per command, so no caller names an update or shapes its argument.

// Lifecycle sends people's commands to the lifecycle's workflows and waits for their answers.
type Lifecycle struct {
	Temporal client.Client
}

// UpdateTimeout bounds how long a command waits for a workflow's answer.
const UpdateTimeout = 20 * time.Second

// ErrBusy is a command whose workflow did not answer in time although it is running or about
// to: it may or may not have been applied, and sending it again is safe. A command sent again
// under the same command key (WithCommandKey) is the same update, so Temporal answers it with
// the first one's outcome rather than applying it twice.
var ErrBusy = errors.New("the workflow did not take the command in time")

// notStartedGrace is how long a command waits for a workflow that does not exist yet: a parent
// starts a child moments after its record is written, or longer on a busy machine, and the
// service has already checked that the record's state takes the command. A command that still
// finds none is refused as not running, never as busy: waiting longer will not help.
const notStartedGrace = 15 * time.Second

type commandKey struct{}

// WithCommandKey names the command a request carries (from its Idempotency-Key), so that the
// same request sent again is the same workflow update.
func WithCommandKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, commandKey{}, key)
}

// updateID is the update's ID: the request's command key where it has one, else a new one.
func updateID(ctx context.Context, name string) string {
	if k, ok := ctx.Value(commandKey{}).(string); ok && k != "" {
		return k + "/" + name
	}
	return rand.Text()
}

// CommandKeyOf is the request's command key (its Idempotency-Key), if it has one.
func CommandKeyOf(ctx context.Context) string {
	k, _ := ctx.Value(commandKey{}).(string)
	return k
}

// Sent says whether the request's keyed command (WithCommandKey) has already reached the
// workflow: a retry whose first try took effect although its answer was lost. The record's
// state has moved on since, so a caller's state check would refuse the retry; a caller lets
// such a command through, and the workflow answers it with the first try's outcome.
func (l Lifecycle) Sent(ctx context.Context, workflowID, name string) bool {
	k, ok := ctx.Value(commandKey{}).(string)
	if !ok || k == "" {
		return false
	}
	// An update that is known but not yet finished keeps the poll waiting: that is sent too.
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	err := l.Temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{
		WorkflowID: workflowID, UpdateID: updateID(ctx, name),
	}).Get(ctx, nil)
	var nf *serviceerror.NotFound
	return !errors.As(err, &nf)
}

// busy says whether err is Temporal not answering in time, rather than refusing.
func busy(err error) bool {
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var deadline *serviceerror.DeadlineExceeded
	var canceled *serviceerror.Canceled
	return errors.As(err, &timeout) || errors.As(err, &deadline) || errors.As(err, &canceled) ||
		errors.Is(err, context.DeadlineExceeded)
}

// SubmitChallenge starts a challenge's workflow with its first command, in one call, so the
// answer says whether the submission took.
func (l Lifecycle) SubmitChallenge(ctx context.Context, challengeID int, req SubmitChallengeRequest) (StageResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, UpdateTimeout)
	defer cancel()
	op := l.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       ChallengeWorkflowID(challengeID),
		TaskQueue:                TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, ChallengeWorkflow, ChallengeInput{ChallengeID: challengeID})
	var out StageResponse
	h, err := l.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID: updateID(ctx, UpdateSubmitChallenge), UpdateName: UpdateSubmitChallenge, Args: []any{req},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err == nil {
		err = h.Get(ctx, &out)
	}
	if busy(err) {
		return out, fmt.Errorf("%w: %w", ErrBusy, err)
	}
	return out, translate(err)
}

// SelectChallenge selects or rejects a submitted challenge.
func (l Lifecycle) SelectChallenge(ctx context.Context, challengeID int, req SelectChallengeRequest) (StageResponse, error) {
	var out StageResponse
	return out, l.update(ctx, ChallengeWorkflowID(challengeID), UpdateSelectChallenge, req, &out)
}

// OpenCompetition configures and opens the challenge's current phase's competition.
func (l Lifecycle) OpenCompetition(ctx context.Context, challengeID int, req OpenCompetitionRequest) (OpenCompetitionResponse, error) {
	var out OpenCompetitionResponse
	return out, l.update(ctx, ChallengeWorkflowID(challengeID), UpdateOpenCompetition, req, &out)
}

// ExtendDeadline moves a competition's deadline later, for everyone or for one supplier.
func (l Lifecycle) ExtendDeadline(ctx context.Context, competitionID int, req ExtendDeadlineRequest) (ExtendDeadlineResponse, error) {
	var out ExtendDeadlineResponse
	return out, l.update(ctx, CompetitionWorkflowID(competitionID), UpdateExtendDeadline, req, &out)
}

// FinishEligibility ends a competition's eligibility check and starts its assessment.
func (l Lifecycle) FinishEligibility(ctx context.Context, competitionID int, req FinishEligibilityRequest) (FinishEligibilityResponse, error) {
	var out FinishEligibilityResponse
	return out, l.update(ctx, CompetitionWorkflowID(competitionID), UpdateFinishEligibility, req, &out)
}

// CompleteChallenge records the programme outcome after the final gate.
func (l Lifecycle) CompleteChallenge(ctx context.Context, challengeID int, req CompleteChallengeRequest) (StageResponse, error) {
	var out StageResponse
	return out, l.update(ctx, ChallengeWorkflowID(challengeID), UpdateCompleteChallenge, req, &out)
}

// RecordGateOutcome records the stage gate's decision for one of the challenge's contracts.
func (l Lifecycle) RecordGateOutcome(ctx context.Context, challengeID int, req GateOutcomeRequest) (ContractState, error) {
	var out ContractState
	return out, l.command(ctx, ChallengeWorkflowID(challengeID), GateOutcomeUpdate(req.ContractID), UpdateRecordGateOutcome, req, &out)
}

// StopForNoGo stops, inside the challenge's workflow, every phase 1 contract the gate has not
// decided: one update, which Temporal carries to its end once accepted, so a no-go is never
// left stopping some contracts and not others.
func (l Lifecycle) StopForNoGo(ctx context.Context, challengeID int, req NoGoRequest) (NoGoResponse, error) {
	var out NoGoResponse
	return out, l.update(ctx, ChallengeWorkflowID(challengeID), UpdateStopForNoGo, req, &out)
}

// GateOutcomeUpdate names the gate's command for one contract (for Sent), so each contract's
// decision has its own update ID.
func GateOutcomeUpdate(contractID int) string {
	return fmt.Sprintf("%s/contract-%d", UpdateRecordGateOutcome, contractID)
}

// RecordAssessment records one assessor's scoring of one bid in a competition.
func (l Lifecycle) RecordAssessment(ctx context.Context, competitionID int, req RecordAssessmentRequest) (RecordAssessmentResponse, error) {
	var out RecordAssessmentResponse
	return out, l.update(ctx, CompetitionWorkflowID(competitionID), UpdateRecordAssessment, req, &out)
}

// Decide records a competition's funding decision.
func (l Lifecycle) Decide(ctx context.Context, competitionID int, req DecideRequest) (DecideResponse, error) {
	var out DecideResponse
	return out, l.update(ctx, CompetitionWorkflowID(competitionID), UpdateDecide, req, &out)
}

// SubmitReport records a contract's end-of-phase report.
func (l Lifecycle) SubmitReport(ctx context.Context, contractID int, req SubmitReportRequest) error {
	return l.update(ctx, ContractWorkflowID(contractID), UpdateSubmitReport, req, nil)
}

// update sends a command to a workflow and waits for its result. Some refusals pass on their
// own: a workflow the database says exists may not have started yet (a parent starts it moments
// after the record is written), a run may be handing over to its continuation, or a workflow
// task may have failed and be retrying. Those are sent again, under one update ID so the
// workflow applies the command at most once, until UpdateTimeout; a workflow that has really
// finished is answered at once.
func (l Lifecycle) update(ctx context.Context, workflowID, name string, arg, out any) error {
	return l.command(ctx, workflowID, name, name, arg, out)
}

// command is update for a command named apart from its update, such as the gate's for one
// contract (GateOutcomeUpdate), so that its update ID is its own.
func (l Lifecycle) command(ctx context.Context, workflowID, command, name string, arg, out any) error {
	return translate(l.send(ctx, workflowID, command, name, arg, out))
}

func (l Lifecycle) send(ctx context.Context, workflowID, command, name string, arg, out any) error {
	ctx, cancel := context.WithTimeout(ctx, UpdateTimeout)
	defer cancel()
	id := updateID(ctx, command)
	notStartedUntil := time.Now().Add(notStartedGrace)
	for {
		err := l.updateOnce(ctx, workflowID, id, name, arg, out)
		if busy(err) {
			return fmt.Errorf("%w: %w", ErrBusy, err)
		}
		if err == nil || !Passing(err, l.status(ctx, workflowID)) {
			return err
		}
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) && time.Now().After(notStartedUntil) {
			return err // still no workflow: not running, which no retry will change
		}
		select {
		case <-ctx.Done():
			if errors.As(err, &nf) {
				return err
			}
			return fmt.Errorf("%w: %w", ErrBusy, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Passing reports whether a refusal from Temporal is likely to clear if the command is sent
// again. status looks up the workflow's current run.
func Passing(err error, status func() (enumspb.WorkflowExecutionStatus, error)) bool {
	var notReady *serviceerror.WorkflowNotReady
	if errors.As(err, &notReady) {
		return true // a workflow task failed and is being retried
	}
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		return false
	}
	st, serr := status()
	if serr != nil {
		return errors.As(serr, &nf) // not started yet
	}
	// Running: it started after the command was refused, or a new run has just taken over.
	return st == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
}

func (l Lifecycle) status(ctx context.Context, workflowID string) func() (enumspb.WorkflowExecutionStatus, error) {
	return func() (enumspb.WorkflowExecutionStatus, error) {
		d, err := l.Temporal.DescribeWorkflowExecution(ctx, workflowID, "")
		return d.GetWorkflowExecutionInfo().GetStatus(), err
	}
}

func (l Lifecycle) updateOnce(ctx context.Context, workflowID, updateID, name string, arg, out any) error {
	h, err := l.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateID: updateID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, out)
}
