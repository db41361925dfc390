// Package domain holds Catalyst's rules: pure Go with no I/O, used by workflows, activities, the
// API and the pages alike.
package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Errors a refused transition wraps, so callers can tell refusals apart with errors.Is and the API
// can map each to a stable problem type.
var (
	// ErrInvalidTransition: the record is not in a stage from which the action is allowed.
	ErrInvalidTransition = errors.New("invalid transition")
	// ErrCompetitionClosed: the competition is not accepting bids (not open yet, or past its deadline).
	ErrCompetitionClosed = errors.New("competition is not open for bids")
	// ErrNotEligible: the organisation may not bid in this competition.
	ErrNotEligible = errors.New("not eligible")
	// ErrEvidenceMissing: a gate or decision needs evidence that has not been recorded yet.
	ErrEvidenceMissing = errors.New("evidence missing")
	// ErrInvalidInput: the request itself is malformed or out of range.
	ErrInvalidInput = errors.New("invalid input")
)

// TransitionError says which action was refused, from which stage, and why.
type TransitionError struct {
	Record string // "challenge", "competition", "bid", "contract"
	Action string
	From   string
	Reason string
	Kind   error // one of the Err* values above
	// At is the server's time the refusal was judged at: for a bid past its deadline, when
	// the request reached the service.
	At time.Time
}

// Error says what was refused and why, in words a person can act on.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot %s %s: %s", e.Action, e.Record, e.Reason)
}

// Unwrap lets errors.Is match the kind of refusal.
func (e *TransitionError) Unwrap() error { return e.Kind }

// Refused is a refusal as data, for a client to act on: which action on which kind of record,
// in which state, and why not.
type Refused struct {
	Record string `json:"record"`
	Action string `json:"action"`
	State  string `json:"state,omitempty"`
	Reason string `json:"reason"`
}

// Refused is the refusal as data.
func (e *TransitionError) Refused() Refused {
	return Refused{Record: e.Record, Action: e.Action, State: e.From, Reason: e.Reason}
}

func refuse(record, action, from, reason string) error {
	return &TransitionError{Record: record, Action: action, From: from, Reason: reason, Kind: ErrInvalidTransition}
}

// InvalidInput builds an error for a malformed request, naming what to fix.
func InvalidInput(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

// ChallengeStage is where a challenge is in the programme lifecycle (DESIGN.md §2).
type ChallengeStage string

const (
	// ChallengeDraft: the challenge owner is still writing it; nobody else acts on it.
	ChallengeDraft ChallengeStage = "draft"
	// ChallengeSubmitted: the owner has submitted it for the programme team to screen.
	ChallengeSubmitted ChallengeStage = "submitted"
	// ChallengeRejected: the programme team did not select it; final.
	ChallengeRejected ChallengeStage = "rejected"
	// ChallengeSelected: chosen for a round; its phase 1 competition can be configured.
	ChallengeSelected ChallengeStage = "selected"
	// ChallengePhase1Open: the phase 1 competition is open for bids.
	ChallengePhase1Open ChallengeStage = "phase1_competition"
	// ChallengePhase1Assessment: phase 1 bids are being assessed.
	ChallengePhase1Assessment ChallengeStage = "phase1_assessment"
	// ChallengePhase1Contracts: phase 1 (feasibility) contracts are running.
	ChallengePhase1Contracts ChallengeStage = "phase1_contracts"
	// ChallengePhase2Open: the phase 2 competition, among the continued suppliers, is open.
	ChallengePhase2Open ChallengeStage = "phase2_competition"
	// ChallengePhase2Assessment: phase 2 bids are being assessed.
	ChallengePhase2Assessment ChallengeStage = "phase2_assessment"
	// ChallengePhase2Contracts: phase 2 (prototype) contracts are running.
	ChallengePhase2Contracts ChallengeStage = "phase2_contracts"
	// ChallengeComplete: the outcome is recorded; final.
	ChallengeComplete ChallengeStage = "complete"
	// ChallengeClosed: stopped without completing (no bids, nothing fundable, every supplier
	// stopped at a gate); final.
	ChallengeClosed ChallengeStage = "closed"
)

// ChallengeStages lists every stage in lifecycle order, for pages and validation.
var ChallengeStages = []ChallengeStage{
	ChallengeDraft, ChallengeSubmitted, ChallengeSelected,
	ChallengePhase1Open, ChallengePhase1Assessment, ChallengePhase1Contracts,
	ChallengePhase2Open, ChallengePhase2Assessment, ChallengePhase2Contracts,
	ChallengeComplete, ChallengeRejected, ChallengeClosed,
}

// ChallengeHappyPath is the path a challenge takes when all goes well, which a timeline shows.
var ChallengeHappyPath = []ChallengeStage{
	ChallengeDraft, ChallengeSubmitted, ChallengeSelected,
	ChallengePhase1Open, ChallengePhase1Assessment, ChallengePhase1Contracts,
	ChallengePhase2Open, ChallengePhase2Assessment, ChallengePhase2Contracts,
	ChallengeComplete,
}

// Label is the stage as a person reads it.
func (s ChallengeStage) Label() string {
	switch s {
	case ChallengeDraft:
		return "Draft"
	case ChallengeSubmitted:
		return "Submitted for screening"
	case ChallengeRejected:
		return "Not selected"
	case ChallengeSelected:
		return "Selected"
	case ChallengePhase1Open:
		return "Phase 1 competition"
	case ChallengePhase1Assessment:
		return "Phase 1 assessment"
	case ChallengePhase1Contracts:
		return "Phase 1 contracts and stage gate"
	case ChallengePhase2Open:
		return "Phase 2 competition"
	case ChallengePhase2Assessment:
		return "Phase 2 assessment"
	case ChallengePhase2Contracts:
		return "Phase 2 contracts and final gate"
	case ChallengeComplete:
		return "Complete"
	case ChallengeClosed:
		return "Closed"
	}
	return string(s)
}

// Valid reports whether s is a known stage.
func (s ChallengeStage) Valid() bool { return slices.Contains(ChallengeStages, s) }

// Final reports whether nothing more can happen to the challenge.
func (s ChallengeStage) Final() bool {
	return s == ChallengeComplete || s == ChallengeRejected || s == ChallengeClosed
}

// UnderWay reports whether the challenge's lifecycle is running: from submission until it ends.
// Before and after, no workflow is there to take a command.
func (s ChallengeStage) UnderWay() bool {
	return s != ChallengeDraft && !s.Final()
}

// Submit moves a draft to the programme team.
func (s ChallengeStage) Submit() (ChallengeStage, error) {
	if s != ChallengeDraft {
		return s, refuse("challenge", "submit", string(s), "only a draft challenge can be submitted; this one is "+s.Label())
	}
	return ChallengeSubmitted, nil
}

// Edit checks that the challenge's description may still change: until it is selected, after
// which suppliers may be reading it.
func (s ChallengeStage) Edit() error {
	if s != ChallengeDraft && s != ChallengeSubmitted {
		return refuse("challenge", "edit", string(s), "a challenge can be edited only before it is selected; this one is "+s.Label())
	}
	return nil
}

// Select chooses a submitted challenge for the round.
func (s ChallengeStage) Select() (ChallengeStage, error) {
	if s != ChallengeSubmitted {
		return s, refuse("challenge", "select", string(s), "only a submitted challenge can be selected; this one is "+s.Label())
	}
	return ChallengeSelected, nil
}

// Reject declines a submitted challenge.
func (s ChallengeStage) Reject() (ChallengeStage, error) {
	if s != ChallengeSubmitted {
		return s, refuse("challenge", "reject", string(s), "only a submitted challenge can be rejected; this one is "+s.Label())
	}
	return ChallengeRejected, nil
}

// OpenCompetition opens the competition for the given phase.
func (s ChallengeStage) OpenCompetition(phase int) (ChallengeStage, error) {
	switch {
	case phase == 1 && s == ChallengeSelected:
		return ChallengePhase1Open, nil
	case phase == 2 && s == ChallengePhase1Contracts:
		return ChallengePhase2Open, nil
	}
	return s, refuse("challenge", fmt.Sprintf("open the phase %d competition for", phase), string(s),
		fmt.Sprintf("the phase %d competition can only open from %q; this challenge is %s", phase, openFrom(phase).Label(), s.Label()))
}

func openFrom(phase int) ChallengeStage {
	if phase == 2 {
		return ChallengePhase1Contracts
	}
	return ChallengeSelected
}

// CloseCompetition moves from an open competition to its assessment.
func (s ChallengeStage) CloseCompetition() (ChallengeStage, error) {
	switch s {
	case ChallengePhase1Open:
		return ChallengePhase1Assessment, nil
	case ChallengePhase2Open:
		return ChallengePhase2Assessment, nil
	}
	return s, refuse("challenge", "close the competition of", string(s), "no competition is open; the challenge is "+s.Label())
}

// AwardContracts moves from assessment to running contracts.
func (s ChallengeStage) AwardContracts() (ChallengeStage, error) {
	switch s {
	case ChallengePhase1Assessment:
		return ChallengePhase1Contracts, nil
	case ChallengePhase2Assessment:
		return ChallengePhase2Contracts, nil
	}
	return s, refuse("challenge", "award contracts for", string(s), "contracts follow assessment; the challenge is "+s.Label())
}

// Complete records the programme outcome after the final gate.
func (s ChallengeStage) Complete() (ChallengeStage, error) {
	if s != ChallengePhase2Contracts {
		return s, refuse("challenge", "complete", string(s), "a challenge completes after its phase 2 contracts; this one is "+s.Label())
	}
	return ChallengeComplete, nil
}

// Close stops a challenge that cannot go on (no bids, nothing funded, everyone stopped).
func (s ChallengeStage) Close() (ChallengeStage, error) {
	if !s.UnderWay() {
		return s, refuse("challenge", "close", string(s), "the challenge is "+s.Label())
	}
	return ChallengeClosed, nil
}

// Phase is the phase the stage belongs to (0 before phase 1 starts).
func (s ChallengeStage) Phase() int {
	switch s {
	case ChallengePhase1Open, ChallengePhase1Assessment, ChallengePhase1Contracts:
		return 1
	case ChallengePhase2Open, ChallengePhase2Assessment, ChallengePhase2Contracts, ChallengeComplete:
		return 2
	}
	return 0
}

// CompetitionStatus is where one phase's competition is.
type CompetitionStatus string

const (
	// CompetitionDraft: being set up by the programme; nobody outside it sees it.
	CompetitionDraft CompetitionStatus = "draft"
	// CompetitionScheduled: set up, and opens by itself at its opening time.
	CompetitionScheduled CompetitionStatus = "scheduled"
	// CompetitionOpen: accepting bids until its deadline.
	CompetitionOpen CompetitionStatus = "open"
	// CompetitionEligibility: closed at its deadline; the programme checks each bid is
	// eligible before any assessor sees it.
	CompetitionEligibility CompetitionStatus = "eligibility"
	// CompetitionAssessment: closed at its deadline; assessors are scoring the bids.
	CompetitionAssessment CompetitionStatus = "assessment"
	// CompetitionDecided: funding decisions recorded and contracts awarded.
	CompetitionDecided CompetitionStatus = "decided"
	// CompetitionClosedNoBids: the deadline passed with no bids; final.
	CompetitionClosedNoBids CompetitionStatus = "closed_no_bids"
)

// Label is the status as a person reads it.
func (s CompetitionStatus) Label() string {
	switch s {
	case CompetitionDraft:
		return "Being set up"
	case CompetitionScheduled:
		return "Scheduled to open"
	case CompetitionOpen:
		return "Open for bids"
	case CompetitionEligibility:
		return "Closed, checking eligibility"
	case CompetitionAssessment:
		return "Closed, in assessment"
	case CompetitionDecided:
		return "Decided"
	case CompetitionClosedNoBids:
		return "Closed with no bids"
	}
	return string(s)
}

// Open opens a competition whose setup is done (a draft, or one made in a single step, Created),
// at once or, if its opening time is still to come, scheduled to open then.
func (s CompetitionStatus) Open(opensAt, now time.Time) (CompetitionStatus, error) {
	if s != CompetitionStatus(Created) && s != CompetitionDraft {
		return s, refuse("competition", "open", string(s), "it has been opened already; it is "+s.Label())
	}
	if opensAt.After(now) {
		return CompetitionScheduled, nil
	}
	return CompetitionOpen, nil
}

// OpenAtTime opens a scheduled competition when its opening time comes.
func (s CompetitionStatus) OpenAtTime() (CompetitionStatus, error) {
	if s != CompetitionScheduled {
		return s, refuse("competition", "open", string(s), "only a scheduled competition opens at its time; it is "+s.Label())
	}
	return CompetitionOpen, nil
}

// Close applies the deadline: to assessment if any bid arrived, else closed with no bids.
func (s CompetitionStatus) Close(bids int) (CompetitionStatus, error) {
	if s != CompetitionOpen {
		return s, refuse("competition", "close", string(s), "it is not open; it is "+s.Label())
	}
	if bids == 0 {
		return CompetitionClosedNoBids, nil
	}
	return CompetitionAssessment, nil
}

// ClosesCompetition reports whether an audit action records a competition's close at its
// deadline (the action is "competition." and the status the close moved it to).
func ClosesCompetition(action string) bool {
	switch CompetitionStatus(strings.TrimPrefix(action, "competition.")) {
	case CompetitionEligibility, CompetitionAssessment, CompetitionClosedNoBids:
		return strings.HasPrefix(action, "competition.")
	}
	return false
}

// Decide records funding decisions after assessment.
func (s CompetitionStatus) Decide() (CompetitionStatus, error) {
	if s != CompetitionAssessment {
		return s, refuse("competition", "decide", string(s), "decisions follow assessment; it is "+s.Label())
	}
	return CompetitionDecided, nil
}

// ReleaseFeedback checks that suppliers may be given their feedback: only once the
// competition is decided, so no score is shown while it can still change.
func (s CompetitionStatus) ReleaseFeedback() error {
	if s != CompetitionDecided {
		return refuse("competition", "release feedback for", string(s), "feedback is released once the competition is decided; it is "+s.Label())
	}
	return nil
}

// Sealed reports whether a competition's bids are sealed: until it closes, nobody but each
// bid's own supplier reads a bid, its documents or anything about them.
func Sealed(s CompetitionStatus) bool { return s == CompetitionOpen }

// FeedbackVisible reports whether a viewer may read a decided bid's scores and comments: the
// programme team and the challenge's owner as soon as they exist, a supplier only once the
// programme has released feedback.
func FeedbackVisible(programmeOrOwner, released bool) bool { return programmeOrOwner || released }

// ChangeAssignments checks that assessors may still be given bids or taken off them: only while
// the competition is being assessed. Once it is decided the assessments that counted are fixed,
// so the supplier's feedback and its score always come from the same ones.
func (s CompetitionStatus) ChangeAssignments() error {
	if s != CompetitionAssessment {
		return refuse("competition", "change the assessors of", string(s),
			"assessors are given or taken off bids only while the competition is in assessment; it is "+s.Label())
	}
	return nil
}

// AssignmentAnswer is what an assessor has said to a bid given to them: that they will assess it,
// that they will not, or nothing yet.
type AssignmentAnswer string

const (
	AnswerAccepted    AssignmentAnswer = "accepted"
	AnswerDeclined    AssignmentAnswer = "declined"
	AnswerNotAnswered AssignmentAnswer = "not_answered"
)

// AnswerOf is an assignment's answer. Scoring a bid, even part way, says the assessor will
// assess it; rows from before acceptance was recorded say so only that way.
func AnswerOf(declined, accepted, scored bool) AssignmentAnswer {
	switch {
	case declined:
		return AnswerDeclined
	case accepted || scored:
		return AnswerAccepted
	}
	return AnswerNotAnswered
}

// CheckAcceptAssignment says whether an assessor may confirm they will assess a bid given to
// them: not once they have declined it, and only while the competition is in assessment.
func CheckAcceptAssignment(declined bool, s CompetitionStatus) error {
	if declined {
		return refuse("assignment", "accept", "declined", "you declined this bid, so it went to another assessor")
	}
	if s != CompetitionAssessment {
		return refuse("competition", "accept a bid to assess in", string(s),
			"bids are taken on only while the competition is in assessment; it is "+s.Label())
	}
	return nil
}

// Deadlines a competition may have: one sooner than MinOpenPeriod would pass before the
// competition is even recorded, and one more than MaxOpenPeriod away is a typing mistake.
const (
	MinOpenPeriod = 5 * time.Second
	MaxOpenPeriod = 366 * 24 * time.Hour
)

// CheckDeadline says whether closesAt can be a competition's deadline when it is set at now.
func CheckDeadline(closesAt, now time.Time) error {
	var ps Problems
	switch {
	case closesAt.IsZero():
		ps.Add("closes_at", "enter the deadline as closes_at, an instant such as 2026-05-14T11:00:00+01:00")
	case closesAt.Before(now.Add(MinOpenPeriod)):
		ps.Add("closes_at", "the deadline must be at least %s from now", MinOpenPeriod)
	case closesAt.After(now.Add(MaxOpenPeriod)):
		ps.Add("closes_at", "the deadline must be within a year of now, not %s", FormatTime(closesAt))
	}
	return ps.Err()
}

// AcceptsBids says whether a competition takes bids, and changes to draft bids, at the instant
// now: it is open and its deadline has not come. At the deadline itself it is closed. The submit
// path and the competition's workflow judge the deadline by this one rule.
func AcceptsBids(status CompetitionStatus, closesAt, now time.Time) bool {
	return status == CompetitionOpen && now.Before(closesAt)
}

// DeadlinePassed says whether the deadline has come at the instant now.
func DeadlinePassed(closesAt, now time.Time) bool { return !now.Before(closesAt) }

// BidStatus is where a supplier's bid is.
type BidStatus string

const (
	// BidDraft: being written; the supplier may change it and its documents.
	BidDraft BidStatus = "draft"
	// BidSubmitted: sealed with a receipt; nobody but the supplier reads it before the deadline.
	BidSubmitted BidStatus = "submitted"
	// BidFunded: selected for a contract.
	BidFunded BidStatus = "funded"
	// BidNotFunded: assessed and not selected.
	BidNotFunded BidStatus = "not_funded"
	// BidIneligible: the programme found it ineligible after the close; no assessor sees it.
	BidIneligible BidStatus = "ineligible"
	// BidWithdrawn: the supplier withdrew it before the deadline; it is not assessed, and may be
	// reopened before the deadline.
	BidWithdrawn BidStatus = "withdrawn"
)

// Label is the status as a person reads it.
func (s BidStatus) Label() string {
	switch s {
	case BidDraft:
		return "Draft"
	case BidSubmitted:
		return "Submitted"
	case BidFunded:
		return "Successful"
	case BidNotFunded:
		return "Unsuccessful"
	case BidIneligible:
		return "Not eligible"
	case BidWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// Submit seals a draft bid.
func (s BidStatus) Submit() (BidStatus, error) {
	if s != BidDraft {
		return s, refuse("bid", "submit", string(s), "it has already been submitted")
	}
	return BidSubmitted, nil
}

// Outcome is the funding decision's for a submitted bid: funded, or not.
func (s BidStatus) Outcome(funded bool) (BidStatus, error) {
	if s != BidSubmitted {
		return s, refuse("bid", "decide the funding of", string(s), "only a submitted, eligible bid is funded or not; this one is "+s.Label())
	}
	if funded {
		return BidFunded, nil
	}
	return BidNotFunded, nil
}

// Editable reports whether the supplier may still change the bid and its documents.
func (s BidStatus) Editable() bool { return s == BidDraft }

// CheckChange says whether a supplier may change a bid (its details or documents) or submit it
// at the instant now: only a draft, and only while its competition accepts bids. Nothing about a
// bid changes after the deadline, whatever its status.
func (s BidStatus) CheckChange(comp CompetitionStatus, closesAt, now time.Time) error {
	if !s.Editable() {
		return refuse("bid", "change", string(s), "it has been submitted, and a submitted bid is sealed: it never changes")
	}
	if !AcceptsBids(comp, closesAt, now) {
		return &TransitionError{Record: "bid", Action: "change", From: string(s), Kind: ErrCompetitionClosed, At: now,
			Reason: fmt.Sprintf("the deadline was %s (UK time), and nothing about a bid changes after it", FormatTime(closesAt))}
	}
	return nil
}

// CanOwnChallenge says whether a person may be made a challenge's owner: they hold the
// challenge owner's role and belong to a public body.
func CanOwnChallenge(holdsOwnerRole, inPublicBody bool) error {
	if !holdsOwnerRole || !inPublicBody {
		return InvalidInput("a challenge's owner must be a challenge owner in a public body")
	}
	return nil
}

// CheckDelegate is the rule for naming a challenge's delegate (field person_id): a colleague who
// could own the challenge themselves (canOwn, from CanOwnChallenge), not its owner, not named
// already.
func CheckDelegate(canOwn error, isOwner, already bool) error {
	var ps Problems
	switch {
	case canOwn != nil:
		ps.Add("person_id", "A delegate must be a challenge owner in a public body, as the owner is")
	case isOwner:
		ps.Add("person_id", "You act for the challenge already: choose a colleague")
	case already:
		ps.Add("person_id", "They are a delegate for this challenge already")
	}
	return ps.Err()
}

// ContractStatus is where a phase contract is.
type ContractStatus string

const (
	// ContractOffered: awarded; the programme may adjust its milestones until the supplier
	// accepts it.
	ContractOffered ContractStatus = "offered"
	// ContractActive: accepted and running; the supplier is doing the work.
	ContractActive ContractStatus = "active"
	// ContractReported: the end-of-phase report is in; waiting for the gate.
	ContractReported ContractStatus = "reported"
	// ContractContinued: the gate continued it (phase 1 only): the supplier may bid for phase 2.
	ContractContinued ContractStatus = "continued"
	// ContractStopped: the gate stopped it; closed at the spend so far.
	ContractStopped ContractStatus = "stopped"
	// ContractCompleted: the final gate accepted the phase 2 work.
	ContractCompleted ContractStatus = "completed"
)

// Label is the status as a person reads it.
func (s ContractStatus) Label() string {
	switch s {
	case ContractOffered:
		return "Offered: waiting for the supplier to accept"
	case ContractActive:
		return "Active"
	case ContractReported:
		return "End-of-phase report received"
	case ContractContinued:
		return "Continued to phase 2"
	case ContractStopped:
		return "Stopped at the gate"
	case ContractCompleted:
		return "Completed"
	}
	return string(s)
}

// Accept is the supplier's acceptance of the contract offered to it: the contract starts.
func (s ContractStatus) Accept() (ContractStatus, error) {
	if s != ContractOffered {
		return s, refuse("contract", "accept", string(s), "it has been accepted already: the contract is "+s.Label())
	}
	return ContractActive, nil
}

// Adjust lets the programme change the contract's terms and milestones before the supplier signs.
func (s ContractStatus) Adjust() error {
	if s != ContractOffered {
		return refuse("contract", "change the terms of", string(s), "the supplier has accepted it: its terms and milestones are fixed")
	}
	return nil
}

// CheckProgress says whether the supplier may send its progress update: only while the
// contract runs.
func (s ContractStatus) CheckProgress() error {
	if s != ContractActive {
		return refuse("contract", "update the progress of", string(s), "only a running contract reports its progress; the contract is "+s.Label())
	}
	return nil
}

// Report records the end-of-phase report.
func (s ContractStatus) Report() (ContractStatus, error) {
	if s == ContractOffered {
		return s, refuse("contract", "report on", string(s), "the supplier has not accepted the contract yet")
	}
	if s != ContractActive {
		return s, refuse("contract", "report on", string(s), "only an active contract takes an end-of-phase report; it is "+s.Label())
	}
	return ContractReported, nil
}

// GateOutcome is a stage gate's decision for one contract.
type GateOutcome string

const (
	// GateContinue: phase 1 work showed feasibility; the supplier goes forward to phase 2.
	GateContinue GateOutcome = "continue"
	// GateStop: stop here; the contract closes at the spend so far.
	GateStop GateOutcome = "stop"
	// GateComplete: the final (phase 2) gate accepts the work.
	GateComplete GateOutcome = "complete"
)

// Valid reports whether o is allowed at the gate after the given phase.
func (o GateOutcome) Valid(phase int) bool {
	if phase == 1 {
		return o == GateContinue || o == GateStop
	}
	return o == GateComplete || o == GateStop
}

// CheckGateDecision checks a gate decision's outcome and rationale for the gate after the given
// phase, naming every problem, in one message for the page and the API alike.
func CheckGateDecision(o GateOutcome, rationale string, phase int) error {
	var ps Problems
	if !o.Valid(phase) {
		allowed := "continue or stop"
		if phase == 2 {
			allowed = "complete or stop"
		}
		ps.Add("outcome", "at the phase %d gate the outcome must be %s", phase, allowed)
	}
	if _, p := GateRationale.Clean(rationale); p != nil {
		if p.Message == "Enter the rationale" {
			p.Message = "Give a rationale: the supplier will read it"
		}
		ps = append(ps, *p)
	}
	return ps.Err()
}

// Decide applies a gate outcome to a reported contract.
func (s ContractStatus) Decide(o GateOutcome, phase int) (ContractStatus, error) {
	switch s {
	case ContractContinued, ContractStopped, ContractCompleted:
		return s, refuse("contract", "record a gate outcome for", string(s), "the gate has already decided it: the contract is "+s.Label())
	}
	if s != ContractReported {
		return s, &TransitionError{Record: "contract", Action: "record a gate outcome for", From: string(s),
			Reason: "the gate needs the end-of-phase report first; the contract is " + s.Label(), Kind: ErrEvidenceMissing}
	}
	if !o.Valid(phase) {
		return s, InvalidInput("outcome %q is not allowed at the phase %d gate", o, phase)
	}
	switch o {
	case GateContinue:
		return ContractContinued, nil
	case GateComplete:
		return ContractCompleted, nil
	}
	return ContractStopped, nil
}

// StopWithChallenge stops a contract the gate has not decided when the challenge-level gate
// decides no-go: whatever its evidence, the challenge goes no further.
func (s ContractStatus) StopWithChallenge() (ContractStatus, error) {
	switch s {
	case ContractOffered, ContractActive, ContractReported:
		return ContractStopped, nil
	}
	return s, refuse("contract", "stop", string(s), "the gate has already decided it: the contract is "+s.Label())
}

// Contract is the status a gate outcome leaves its contract in.
func (o GateOutcome) Contract() ContractStatus {
	switch o {
	case GateContinue:
		return ContractContinued
	case GateComplete:
		return ContractCompleted
	}
	return ContractStopped
}

// ProgrammeOutcome is what became of a completed challenge.
type ProgrammeOutcome string

const (
	// OutcomeAdopted: the public body bought or adopted the solution.
	OutcomeAdopted ProgrammeOutcome = "adopted"
	// OutcomeNotAdopted: the work ended without adoption.
	OutcomeNotAdopted ProgrammeOutcome = "not_adopted"
	// OutcomeFollowOn: a separate follow-on procurement was started.
	OutcomeFollowOn ProgrammeOutcome = "follow_on_procurement"
)

// Label is the outcome as a person reads it.
func (o ProgrammeOutcome) Label() string {
	switch o {
	case OutcomeAdopted:
		return "Adopted"
	case OutcomeNotAdopted:
		return "Not adopted"
	case OutcomeFollowOn:
		return "A follow-on procurement"
	}
	return string(o)
}

// Valid reports whether o is a known outcome.
func (o ProgrammeOutcome) Valid() bool {
	return o == OutcomeAdopted || o == OutcomeNotAdopted || o == OutcomeFollowOn
}

// Values lists the stages, for the database enum.
func (ChallengeStage) Values() []string { return stringsOf(ChallengeStages) }

// Values lists the statuses, for the database enum.
func (CompetitionStatus) Values() []string {
	return stringsOf([]CompetitionStatus{CompetitionDraft, CompetitionScheduled, CompetitionOpen, CompetitionEligibility, CompetitionAssessment, CompetitionDecided, CompetitionClosedNoBids})
}

// Values lists the statuses, for the database enum.
func (BidStatus) Values() []string {
	return stringsOf([]BidStatus{BidDraft, BidSubmitted, BidFunded, BidNotFunded, BidIneligible, BidWithdrawn})
}

// Values lists the statuses, for the database enum.
func (ContractStatus) Values() []string {
	return stringsOf([]ContractStatus{ContractOffered, ContractActive, ContractReported, ContractContinued, ContractStopped, ContractCompleted})
}

// Values lists the outcomes, for the database enum.
func (GateOutcome) Values() []string {
	return stringsOf([]GateOutcome{GateContinue, GateStop, GateComplete})
}

// Values lists the outcomes, for the database enum.
func (ProgrammeOutcome) Values() []string {
	return stringsOf([]ProgrammeOutcome{OutcomeAdopted, OutcomeNotAdopted, OutcomeFollowOn})
}

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
