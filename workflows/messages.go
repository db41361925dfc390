// Package workflows drives the lifecycle: one workflow per challenge, with each competition's
// assessment round and each contract as child workflows. The code here is deterministic and does
// no I/O; activities do.
package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/records"
)

// TaskQueue is where every Catalyst workflow and activity runs.
const TaskQueue = "catalyst"

// Update names: commands that need an answer.
const (
	UpdateSubmitChallenge   = "submit_challenge"
	UpdateSelectChallenge   = "select_challenge"
	UpdateOpenCompetition   = "open_competition"
	UpdateRecordGateOutcome = "record_gate_outcome"
	UpdateCompleteChallenge = "complete_challenge"
	UpdateStopForNoGo       = "stop_for_no_go"
	UpdateRecordAssessment  = "record_assessment"
	UpdateDecide            = "decide"
	UpdateSubmitReport      = "submit_report"
	UpdateExtendDeadline    = "extend_deadline"
	UpdateFinishEligibility = "finish_eligibility"
)

// Change IDs of workflow.GetVersion: each names one change to workflow code, so runs started
// before it replay as they ran.
const (
	// versionNoReportSignal: a contract no longer signals its challenge when it reports.
	versionNoReportSignal = "no-report-signal"
	// versionScheduledOpen: a competition may be scheduled, and opens itself at its time.
	versionScheduledOpen = "scheduled-open"
	// versionEligibility: the close leads to the programme's eligibility check, and the
	// workflow waits for it before anyone is assigned.
	versionEligibility = "eligibility"
	// versionReminders: while in assessment, durable timers remind assessors before their due
	// date and when overdue.
	versionReminders = "assessment-reminders"
	// versionContractTimers: while a contract runs, durable timers ask for the midpoint review,
	// remind the supplier of the report, and flag overdue payments to the programme.
	versionContractTimers = "contract-timers"
	// versionAssessedInRecords: a competition's assessments are written by the service, not
	// through its workflow (an update and an activity each, two workflow tasks or more); the
	// decision reads them from the records.
	versionAssessedInRecords = "assessed-in-records"
	// versionSendInBatches: the mail and webhook loops send in batches, an activity a batch,
	// and after a full page look again as soon as fewer than a page are in flight.
	versionSendInBatches = "send-in-batches"
)

// Signal names: facts that need no answer.
const (
	// SignalBidSubmitted reaches a competition from the outbox after a bid is sealed.
	SignalBidSubmitted = "bid_submitted"
	// SignalReportReceived told a challenge that one of its contracts had reported. Only
	// contracts started before versionNoReportSignal send it; nothing reads it.
	SignalReportReceived = "report_received"
	// SignalGateDecided tells a contract the gate's outcome.
	SignalGateDecided = "gate_decided"
	// SignalCompetitionProgress tells a challenge that its competition closed or was decided,
	// before the command that caused it returns, so the challenge's next command sees it.
	SignalCompetitionProgress = "competition_progress"
	// SignalAssignmentsChanged reaches a competition from the outbox when its assignments are
	// released or an assessor is handed a bid later, so the reminders' timer is set again.
	SignalAssignmentsChanged = "assignments_changed"
	// SignalContractChanged reaches a contract from the outbox when its supplier accepts it or a
	// deliverable is accepted, so its timers are set again.
	SignalContractChanged = "contract_changed"
)

// The mail workflow: one for the namespace, woken by SignalMailWaiting from the outbox.
const (
	MailWorkflowID    = records.MailWorkflowID
	SignalMailWaiting = records.SignalMailWaiting
)

// MailInput starts the mail workflow. PollEvery is how often it looks for waiting email
// without being woken (5 minutes if unset), a safety net for a wake that was lost.
type MailInput struct {
	PollEvery time.Duration `json:",omitempty"`
}

// The retention schedule: a Temporal schedule that starts RetentionWorkflow each night at
// RetentionHour (UK time), one run at a time.
const (
	RetentionScheduleID = "retention"
	RetentionWorkflowID = activities.RetentionWorkflowID
	RetentionHour       = 2
)

// RetentionInput starts a run of the retention schedule; a dry run only lists what is due.
type RetentionInput struct {
	DryRun bool `json:",omitempty"`
}

// The webhook workflow: one for the namespace, woken by SignalWebhookWaiting from the outbox.
const (
	WebhookWorkflowID    = activities.WebhookWorkflowID
	SignalWebhookWaiting = activities.SignalWebhookWaiting
)

// WebhookInput starts the webhook workflow. PollEvery is its safety-net look (5 minutes if
// unset).
type WebhookInput struct {
	PollEvery time.Duration `json:",omitempty"`
}

// ChallengeWorkflowID is the workflow ID of a challenge's lifecycle.
func ChallengeWorkflowID(challengeID int) string { return fmt.Sprintf("challenge-%d", challengeID) }

// CompetitionWorkflowID is the workflow ID of a competition's assessment round.
func CompetitionWorkflowID(competitionID int) string {
	return fmt.Sprintf("competition-%d", competitionID)
}

// ContractWorkflowID is the workflow ID of a contract.
func ContractWorkflowID(contractID int) string { return fmt.Sprintf("contract-%d", contractID) }

// ChallengeInput starts (or continues as new) a challenge's lifecycle.
type ChallengeInput struct {
	ChallengeID int
	// State is carried across continue-as-new at the phase boundary; nil on first start.
	State *ChallengeState
}

// ChallengeState is everything the challenge workflow knows.
type ChallengeState struct {
	ChallengeID   int
	Stage         domain.ChallengeStage
	Phase         int             // 1 until the phase 1 gate continues someone, then 2
	CompetitionID int             // the current phase's competition, 0 until opened
	Contracts     []ContractState // the current phase's contracts
	Continued     []int           // organisations the phase 1 gate continued
	// Round is the opened competition's round, carried across continue-as-new so the new run
	// starts it.
	Round *CompetitionInput
}

// ContractState is what the challenge knows of one contract.
type ContractState struct {
	ContractID     int
	OrganisationID int
	Outcome        domain.GateOutcome // empty until the gate decides
}

// ChallengeResult is how the challenge ended.
type ChallengeResult struct {
	Stage domain.ChallengeStage
}

// SubmitChallengeRequest moves a draft challenge to the programme team.
type SubmitChallengeRequest struct {
	Actor authz.Actor
}

// SelectChallengeRequest selects or rejects a submitted challenge; a rejection needs a reason.
type SelectChallengeRequest struct {
	Select bool
	// RoundID is the round a selected challenge joins; 0 in histories recorded before rounds.
	RoundID int `json:",omitempty"`
	Actor   authz.Actor
}

// StageResponse is the challenge's stage after a command.
type StageResponse struct {
	Stage domain.ChallengeStage
}

// OpenCompetitionRequest configures and opens the current phase's competition.
type OpenCompetitionRequest struct {
	ClosesAt time.Time
	Caps     domain.PhaseCaps
	Scheme   domain.Scheme
	// OpensAt, when later than now, schedules the competition to open by itself then.
	OpensAt time.Time
	Actor   authz.Actor
}

// OpenCompetitionResponse names the competition opened.
type OpenCompetitionResponse struct {
	CompetitionID int
	Stage         domain.ChallengeStage
}

// GateOutcomeRequest records the gate's decision for one contract.
type GateOutcomeRequest struct {
	ContractID int
	Outcome    domain.GateOutcome
	Rationale  string
	// NoGo: the stop is the challenge-level no-go's, made whatever evidence the contract has.
	NoGo bool
	// Lesson is what a stop taught, kept in the register with it.
	Lesson *domain.Lesson
	Actor  authz.Actor
}

// NoGoRequest stops every phase 1 contract the gate has not decided, for the challenge-level
// no-go (recorded already, with its lesson).
type NoGoRequest struct {
	Rationale string // what each stopped supplier reads
	Actor     authz.Actor
}

// NoGoResponse names the contracts the no-go stopped.
type NoGoResponse struct {
	Stopped []int
}

// CompleteChallengeRequest records the programme outcome after the final gate.
type CompleteChallengeRequest struct {
	Outcome domain.ProgrammeOutcome
	Lessons string
	// Route is a follow-on procurement's route.
	Route string
	// Lesson is what the challenge taught, kept in the register.
	Lesson *domain.Lesson
	Actor  authz.Actor
}

// CompetitionInput starts a competition's round: open until the deadline, then assessment.
type CompetitionInput struct {
	CompetitionID int
	ChallengeID   int
	Phase         int
	ClosesAt      time.Time
	Scheme        domain.Scheme
	// OpensAt is when a scheduled competition opens; zero (and in older histories, absent)
	// when it opened at once.
	OpensAt time.Time
	// AssessmentsInRecords: its assessments are not sent through it (versionAssessedInRecords);
	// false in older histories.
	AssessmentsInRecords bool
}

// CompetitionResult is how the round ended.
type CompetitionResult struct {
	Status    domain.CompetitionStatus
	Contracts []activities.AwardedContract
	// NoneEligible: bids arrived, and the eligibility check found none eligible.
	NoneEligible bool `json:",omitempty"`
}

// BidSubmittedSignal says a bid was sealed (or, relayed together, several: BidIDs, in the order
// sealed); the database holds the bid itself.
type BidSubmittedSignal struct {
	BidID  int
	BidIDs []int `json:",omitempty"`
}

// AssignmentsChangedSignal says a competition's assignments were released or changed; the
// database holds the assignments and their due dates.
type AssignmentsChangedSignal struct {
	CompetitionID int
}

// RecordAssessmentRequest is one assessor's scoring of one bid.
type RecordAssessmentRequest struct {
	BidID      int
	AssessorID int
	Assessment domain.Assessment
	Actor      authz.Actor
}

// RecordAssessmentResponse gives the weighted percentage.
type RecordAssessmentResponse struct {
	Percent float64
}

// DecideRequest records funding decisions: top down when Chosen is empty, else a portfolio.
type DecideRequest struct {
	Chosen []int
	// Reasons are the panel's own words for a bid's outcome, by bid, added to the ranking's.
	Reasons map[int]string
	// Lowered, when set, lets the decision go ahead with fewer assessments per bid than the
	// scheme asks (too few assessors), with the programme's reason.
	Lowered *domain.LoweredMinimum
	Actor   authz.Actor
}

// DecideResponse lists the contracts awarded.
type DecideResponse struct {
	Contracts []activities.AwardedContract
}

// ExtendDeadlineRequest moves the deadline later, for everyone (OrganisationID 0) or for one
// supplier's organisation, with a reason.
type ExtendDeadlineRequest struct {
	OrganisationID int
	ClosesAt       time.Time
	Reason         string
	Actor          authz.Actor
}

// ExtendDeadlineResponse is when the competition now closes for everyone.
type ExtendDeadlineResponse struct {
	LastDeadline time.Time
}

// FinishEligibilityRequest ends the eligibility check and starts assessment.
type FinishEligibilityRequest struct {
	Actor authz.Actor
}

// FinishEligibilityResponse is where the competition is now, and how many bids are assessed.
type FinishEligibilityResponse struct {
	Status       domain.CompetitionStatus
	EligibleBids int
}

// CompetitionProgressSignal is a competition's new status and, once decided, its contracts.
type CompetitionProgressSignal struct {
	Status    domain.CompetitionStatus
	Contracts []activities.AwardedContract
}

// ContractInput starts a contract's workflow.
type ContractInput struct {
	ContractID  int
	ChallengeID int
	Phase       int
}

// ContractResult is the gate's outcome for the contract.
type ContractResult struct {
	Outcome domain.GateOutcome
}

// SubmitReportRequest is the supplier's end-of-phase report.
type SubmitReportRequest struct {
	Summary string
	// Report is the whole report, section by section; Summary is its summary.
	Report domain.PhaseReport
	Actor  authz.Actor
}

// ReportReceivedSignal tells the challenge which contract reported.
// ContractChangedSignal wakes a contract's timers: it was accepted, or a deliverable was.
type ContractChangedSignal struct {
	ContractID int
}

type ReportReceivedSignal struct {
	ContractID int
}

// GateDecidedSignal tells a contract its outcome.
type GateDecidedSignal struct {
	Outcome domain.GateOutcome
}

// Application error types a refused update carries, so the API maps each to a stable problem.
const (
	ErrTypeInvalidInput      = activities.ErrTypeInvalidInput
	ErrTypeInvalidTransition = activities.ErrTypeInvalidTransition
	ErrTypeEvidenceMissing   = activities.ErrTypeEvidenceMissing
)

// refused turns a rule's refusal into an application error with a stable type.
func refused(err error) error {
	if err == nil {
		return nil
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return err
	}
	return temporal.NewNonRetryableApplicationError(err.Error(), activities.RefusalType(err), nil, activities.RefusalDetails(err)...)
}
