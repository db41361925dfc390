package domain

import (
	"fmt"
	"slices"
)

// The lifecycles below are every move a record's status may make, written once. The store
// refuses any status change that is not one of them (ent's lifecycle guard), the transition
// methods in lifecycle.go, contract.go and eligibility.go make only these moves (a test explores
// them from every state), and the lifecycle pages draw them. So the drawing is the code's own
// rule: a move added in code and not here is refused where it is made.

// Who makes a move, as a person reads it.
const (
	ByOwner     = "Challenge owner"
	ByProgramme = "Programme team"
	BySupplier  = "Supplier"
	ByFinance   = "Finance"
	ByApprover  = "Panel chair or budget holder"
	ByPanel     = "Programme officer or panel member"
	ByCatalyst  = "Catalyst, by itself"
)

// Created is the "from" of a move that makes a record.
const Created = ""

// A State is one status a record may be in.
type State struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Final bool   `json:"final"`
}

// A Move is one step of a record's lifecycle: the action that makes it, whose it is, the states
// it leaves from (Created for a new record) and the state it reaches, and any condition beyond
// being in one of those states.
type Move struct {
	Action string   `json:"action"`
	Label  string   `json:"label"`
	By     string   `json:"by"`
	From   []string `json:"from"`
	To     string   `json:"to"`
	When   string   `json:"when,omitempty"`
}

// Lifecycle is one kind of record's states and moves.
type Lifecycle struct {
	Record string  `json:"record"`
	Title  string  `json:"title"`
	States []State `json:"states"`
	Moves  []Move  `json:"moves"`
}

// Allows reports whether some move takes a record of this kind from one state to the other
// (from Created for a new record).
func (l Lifecycle) Allows(from, to string) bool {
	for _, m := range l.Moves {
		if m.To == to && slices.Contains(m.From, from) {
			return true
		}
	}
	return false
}

// State is the named state, if the lifecycle has it.
func (l Lifecycle) State(name string) (State, bool) {
	for _, s := range l.States {
		if s.Name == name {
			return s, true
		}
	}
	return State{}, false
}

// CheckMove refuses a status change no move makes, naming both states as a person reads them.
func (l Lifecycle) CheckMove(from, to string) error {
	if l.Allows(from, to) {
		return nil
	}
	label := func(name string) string {
		if s, ok := l.State(name); ok {
			return s.Label
		}
		return fmt.Sprintf("%q", name)
	}
	if from == Created {
		return refuse(l.Record, "create", from, "a "+l.Record+" cannot begin as "+label(to))
	}
	return refuse(l.Record, "move", from, fmt.Sprintf("no step of a %s's lifecycle goes from %s to %s", l.Record, label(from), label(to)))
}

// LifecycleOf is the lifecycle of the named kind of record.
func LifecycleOf(record string) (Lifecycle, bool) {
	for _, l := range Lifecycles() {
		if l.Record == record {
			return l, true
		}
	}
	return Lifecycle{}, false
}

// Lifecycles are every kind of record's lifecycle, in the order a challenge meets them.
func Lifecycles() []Lifecycle {
	return []Lifecycle{ChallengeLifecycle, CompetitionLifecycle, BidLifecycle, ContractLifecycle, MilestoneLifecycle}
}

func statesOf[T interface {
	~string
	Label() string
}](final func(T) bool, vs ...T) []State {
	out := make([]State, len(vs))
	for i, v := range vs {
		out[i] = State{Name: string(v), Label: v.Label(), Final: final(v)}
	}
	return out
}

func from[T ~string](vs ...T) []string { return stringsOf(vs) }

// ChallengeLifecycle is a challenge's, from the owner's draft to its outcome.
var ChallengeLifecycle = Lifecycle{
	Record: "challenge", Title: "A challenge",
	States: statesOf(ChallengeStage.Final, ChallengeStages...),
	Moves: []Move{
		{Action: "start", Label: "Start a challenge", By: ByOwner, From: []string{Created}, To: string(ChallengeDraft)},
		{Action: "submit", Label: "Submit the challenge", By: ByOwner, From: from(ChallengeDraft), To: string(ChallengeSubmitted),
			When: "every question is answered"},
		{Action: "select", Label: "Select", By: ByProgramme, From: from(ChallengeSubmitted), To: string(ChallengeSelected),
			When: "screened against the round's criteria"},
		{Action: "reject", Label: "Reject", By: ByProgramme, From: from(ChallengeSubmitted), To: string(ChallengeRejected)},
		{Action: "open-phase-1", Label: "Open the phase 1 competition", By: ByProgramme, From: from(ChallengeSelected), To: string(ChallengePhase1Open),
			When: "its setup is complete and the round's money covers its pot"},
		{Action: "close", Label: "Close at the deadline", By: ByCatalyst, From: from(ChallengePhase1Open), To: string(ChallengePhase1Assessment),
			When: "the deadline has come and bids arrived"},
		{Action: "decide", Label: "Decide the funding", By: ByApprover, From: from(ChallengePhase1Assessment), To: string(ChallengePhase1Contracts),
			When: "the programme proposed it, every bid has its assessments, and it is approved within delegated limits"},
		{Action: "open-phase-2", Label: "Open the phase 2 competition", By: ByProgramme, From: from(ChallengePhase1Contracts), To: string(ChallengePhase2Open),
			When: "the stage gate has decided every phase 1 contract and continued at least one"},
		{Action: "close", Label: "Close at the deadline", By: ByCatalyst, From: from(ChallengePhase2Open), To: string(ChallengePhase2Assessment),
			When: "the deadline has come and bids arrived"},
		{Action: "decide", Label: "Decide the funding", By: ByApprover, From: from(ChallengePhase2Assessment), To: string(ChallengePhase2Contracts),
			When: "the programme proposed it, every bid has its assessments, and it is approved within delegated limits"},
		{Action: "complete", Label: "Record the outcome", By: ByProgramme, From: from(ChallengePhase2Contracts), To: string(ChallengeComplete),
			When: "the final gate has decided every phase 2 contract"},
		{Action: "stop", Label: "Close without completing", By: ByCatalyst, To: string(ChallengeClosed),
			From: from(ChallengeSubmitted, ChallengeSelected, ChallengePhase1Open, ChallengePhase1Assessment, ChallengePhase1Contracts,
				ChallengePhase2Open, ChallengePhase2Assessment, ChallengePhase2Contracts),
			When: "no bid came, nothing was funded, or the gate stopped every supplier"},
	},
}

var competitionStatuses = []CompetitionStatus{CompetitionDraft, CompetitionScheduled, CompetitionOpen, CompetitionEligibility,
	CompetitionAssessment, CompetitionDecided, CompetitionClosedNoBids}

// CompetitionLifecycle is one phase's competition's, from its setup to the funding decision.
var CompetitionLifecycle = Lifecycle{
	Record: "competition", Title: "A competition",
	States: statesOf(func(s CompetitionStatus) bool { return s == CompetitionDecided || s == CompetitionClosedNoBids }, competitionStatuses...),
	Moves: []Move{
		{Action: "set-up", Label: "Set up the competition", By: ByProgramme, From: []string{Created}, To: string(CompetitionDraft)},
		{Action: "open", Label: "Open for bids", By: ByProgramme, From: []string{Created, string(CompetitionDraft)}, To: string(CompetitionOpen),
			When: "its setup is complete"},
		{Action: "schedule", Label: "Schedule to open", By: ByProgramme, From: []string{Created, string(CompetitionDraft)}, To: string(CompetitionScheduled),
			When: "its setup is complete and it opens later"},
		{Action: "open-at-time", Label: "Open at its time", By: ByCatalyst, From: from(CompetitionScheduled), To: string(CompetitionOpen),
			When: "its opening time has come"},
		{Action: "close", Label: "Close at the deadline", By: ByCatalyst, From: from(CompetitionOpen), To: string(CompetitionEligibility),
			When: "bids arrived and eligibility is checked first"},
		{Action: "close", Label: "Close at the deadline", By: ByCatalyst, From: from(CompetitionOpen), To: string(CompetitionAssessment),
			When: "bids arrived"},
		{Action: "close", Label: "Close at the deadline", By: ByCatalyst, From: from(CompetitionOpen), To: string(CompetitionClosedNoBids),
			When: "no bid arrived"},
		{Action: "finish-eligibility", Label: "Finish the eligibility check", By: ByProgramme, From: from(CompetitionEligibility), To: string(CompetitionAssessment),
			When: "every bid the automatic checks flagged is decided, and one is eligible"},
		{Action: "finish-eligibility", Label: "Finish the eligibility check", By: ByProgramme, From: from(CompetitionEligibility), To: string(CompetitionClosedNoBids),
			When: "no bid is eligible"},
		{Action: "decide", Label: "Decide the funding", By: ByApprover, From: from(CompetitionAssessment), To: string(CompetitionDecided),
			When: "the programme proposed it, every bid has its assessments, and it is approved within delegated limits"},
	},
}

var bidStatuses = []BidStatus{BidDraft, BidSubmitted, BidWithdrawn, BidIneligible, BidFunded, BidNotFunded}

// BidLifecycle is a supplier's bid's, from its draft to the funding decision.
var BidLifecycle = Lifecycle{
	Record: "bid", Title: "A bid",
	States: statesOf(func(s BidStatus) bool { return s == BidFunded || s == BidNotFunded }, bidStatuses...),
	Moves: []Move{
		{Action: "start", Label: "Start a bid", By: BySupplier, From: []string{Created}, To: string(BidDraft),
			When: "the competition is open and the supplier may bid in it"},
		{Action: "submit", Label: "Submit the bid", By: BySupplier, From: from(BidDraft), To: string(BidSubmitted),
			When: "before the deadline, with every task complete"},
		{Action: "reopen", Label: "Reopen to change", By: BySupplier, From: from(BidSubmitted, BidWithdrawn), To: string(BidDraft),
			When: "before the deadline"},
		{Action: "withdraw", Label: "Withdraw the bid", By: BySupplier, From: from(BidDraft, BidSubmitted), To: string(BidWithdrawn),
			When: "before the deadline"},
		{Action: "ineligible", Label: "Find not eligible", By: ByProgramme, From: from(BidSubmitted), To: string(BidIneligible),
			When: "the competition is checking eligibility"},
		{Action: "eligible", Label: "Find eligible after all", By: ByProgramme, From: from(BidIneligible), To: string(BidSubmitted),
			When: "the competition is checking eligibility"},
		{Action: "fund", Label: "Fund", By: ByProgramme, From: from(BidSubmitted), To: string(BidFunded),
			When: "the funding decision chooses it"},
		{Action: "not-fund", Label: "Not fund", By: ByProgramme, From: from(BidSubmitted), To: string(BidNotFunded),
			When: "the funding decision does not choose it"},
	},
}

var contractStatuses = []ContractStatus{ContractOffered, ContractActive, ContractReported, ContractContinued, ContractStopped, ContractCompleted}

// ContractLifecycle is a phase contract's, from the offer to the gate.
var ContractLifecycle = Lifecycle{
	Record: "contract", Title: "A contract",
	States: statesOf(func(s ContractStatus) bool {
		return s == ContractContinued || s == ContractStopped || s == ContractCompleted
	}, contractStatuses...),
	Moves: []Move{
		{Action: "award", Label: "Award", By: ByProgramme, From: []string{Created}, To: string(ContractOffered),
			When: "the funding decision funds its bid"},
		{Action: "accept", Label: "Accept the contract", By: BySupplier, From: from(ContractOffered), To: string(ContractActive)},
		{Action: "report", Label: "Send the end-of-phase report", By: BySupplier, From: from(ContractActive), To: string(ContractReported)},
		{Action: "continue", Label: "Continue to phase 2", By: ByProgramme, From: from(ContractReported), To: string(ContractContinued),
			When: "at the phase 1 gate, with the show-and-tell held and the owner's recommendation in"},
		{Action: "complete", Label: "Accept the phase 2 work", By: ByProgramme, From: from(ContractReported), To: string(ContractCompleted),
			When: "at the final gate, with the show-and-tell held and the owner's recommendation in"},
		{Action: "stop", Label: "Stop at the gate", By: ByProgramme, From: from(ContractReported), To: string(ContractStopped),
			When: "at the gate, with the show-and-tell held and the owner's recommendation in"},
		{Action: "no-go", Label: "Stop with the challenge", By: ByProgramme, From: from(ContractOffered, ContractActive, ContractReported), To: string(ContractStopped),
			When: "the challenge-level gate decides no-go"},
	},
}

var milestoneStatuses = []MilestoneStatus{MilestonePlanned, MilestoneSubmitted, MilestoneChangesAsked, MilestoneAccepted, MilestonePaid, MilestoneCancelled}

// MilestoneLifecycle is one payment milestone's, from the plan to the payment.
var MilestoneLifecycle = Lifecycle{
	Record: "milestone", Title: "A payment milestone",
	States: statesOf(func(s MilestoneStatus) bool { return s == MilestonePaid || s == MilestoneCancelled }, milestoneStatuses...),
	Moves: []Move{
		{Action: "plan", Label: "Plan", By: ByProgramme, From: []string{Created}, To: string(MilestonePlanned),
			When: "the contract is awarded with its milestones"},
		{Action: "submit", Label: "Submit the deliverable", By: BySupplier, From: from(MilestonePlanned, MilestoneChangesAsked), To: string(MilestoneSubmitted),
			When: "the contract is running"},
		{Action: "accept", Label: "Accept the deliverable", By: ByOwner, From: from(MilestoneSubmitted), To: string(MilestoneAccepted)},
		{Action: "ask-for-changes", Label: "Ask for changes", By: ByOwner, From: from(MilestoneSubmitted), To: string(MilestoneChangesAsked)},
		{Action: "pay", Label: "Record the payment", By: ByFinance, From: from(MilestoneAccepted), To: string(MilestonePaid),
			When: "by someone other than who accepted the deliverable"},
		{Action: "cancel", Label: "Cancel", By: ByProgramme, From: from(MilestonePlanned, MilestoneSubmitted, MilestoneChangesAsked), To: string(MilestoneCancelled),
			When: "the contract is stopped"},
	},
}
