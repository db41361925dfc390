package domain

import (
	"fmt"
	"time"
)

// A contract is offered from a funded bid, accepted by its supplier, and paid milestone by
// milestone: the supplier submits a deliverable, the challenge owner accepts it or asks for
// changes, and the payment falls due on the public sector's 30-day term. What has been accepted
// or paid is the spend so far; a stop at the gate closes the contract at that figure.

// PaymentTermDays is how long after a deliverable is accepted its payment falls due: the public
// sector pays undisputed invoices within 30 days.
const PaymentTermDays = 30

// ContractTermWeeks is how long a phase's contract runs by default: phase 1's feasibility work
// 12 weeks, phase 2's prototype 12 months.
func ContractTermWeeks(phase int) int {
	if phase == 2 {
		return 52
	}
	return 12
}

// CheckTermWeeks says what is wrong with a contract's term, in weeks.
func CheckTermWeeks(weeks, phase int) Problems {
	var ps Problems
	most := PhaseTermMonths(phase) * 5 // a month is at most five weeks
	if phase == 1 {
		most = 26
	}
	if weeks < 1 || weeks > most {
		ps.Add("term_weeks", "A phase %d contract runs from 1 to %d weeks", phase, most)
	}
	return ps
}

// ContractEnd is the last day of a contract that starts on start and runs for weeks.
func ContractEnd(start time.Time, weeks int) time.Time {
	return StartOfDay(start).AddDate(0, 0, 7*weeks-1)
}

// MilestoneDue is the day a milestone's deliverable is due: the end of its month of the
// contract, never after the contract's last day.
func MilestoneDue(start, end time.Time, month int) time.Time {
	due := StartOfDay(start).AddDate(0, month, -1)
	if due.After(end) {
		return StartOfDay(end)
	}
	return due
}

// PaymentDue is the day the payment for a deliverable accepted at accepted falls due.
func PaymentDue(accepted time.Time) time.Time {
	return StartOfDay(accepted).AddDate(0, 0, PaymentTermDays)
}

// PaymentOverdue says whether a milestone's payment is late at now: accepted, not paid, and its
// due day over.
func PaymentOverdue(s MilestoneStatus, due *time.Time, now time.Time) bool {
	return s == MilestoneAccepted && due != nil && !now.Before(StartOfDay(*due).AddDate(0, 0, 1))
}

// StartOfDay is midnight in UK time at the start of t's day.
func StartOfDay(t time.Time) time.Time {
	l := t.In(London)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, London)
}

// MilestoneStatus is where one payment milestone of a contract is.
type MilestoneStatus string

const (
	// MilestonePlanned: the work is to do; nothing submitted yet.
	MilestonePlanned MilestoneStatus = "planned"
	// MilestoneSubmitted: the supplier has submitted its deliverable; the owner reviews it.
	MilestoneSubmitted MilestoneStatus = "submitted"
	// MilestoneChangesAsked: the owner asked for changes, with a reason; the supplier submits again.
	MilestoneChangesAsked MilestoneStatus = "changes_requested"
	// MilestoneAccepted: the owner accepted the deliverable; the payment falls due in 30 days.
	MilestoneAccepted MilestoneStatus = "accepted"
	// MilestonePaid: the programme has recorded the payment.
	MilestonePaid MilestoneStatus = "paid"
	// MilestoneCancelled: the contract stopped before this milestone was accepted; never payable.
	MilestoneCancelled MilestoneStatus = "cancelled"
)

// Label is the status as a person reads it.
func (s MilestoneStatus) Label() string {
	switch s {
	case MilestonePlanned:
		return "Not submitted"
	case MilestoneSubmitted:
		return "Submitted for review"
	case MilestoneChangesAsked:
		return "Changes asked for"
	case MilestoneAccepted:
		return "Accepted, payment due"
	case MilestonePaid:
		return "Paid"
	case MilestoneCancelled:
		return "Cancelled: the contract stopped"
	}
	return string(s)
}

// Values lists the statuses, for the database enum.
func (MilestoneStatus) Values() []string {
	return stringsOf([]MilestoneStatus{MilestonePlanned, MilestoneSubmitted, MilestoneChangesAsked, MilestoneAccepted, MilestonePaid, MilestoneCancelled})
}

// Spent says whether the milestone counts in the spend so far: accepted or paid.
func (s MilestoneStatus) Spent() bool { return s == MilestoneAccepted || s == MilestonePaid }

// Open says whether the milestone is still to be accepted: a stop cancels it.
func (s MilestoneStatus) Open() bool {
	return s == MilestonePlanned || s == MilestoneSubmitted || s == MilestoneChangesAsked
}

// TakesDeliverables says whether a contract in status s takes a milestone's deliverable.
func (s ContractStatus) TakesDeliverables() bool { return s.takesDeliverables("") == nil }

// takesDeliverables refuses work on a contract that is not running: not yet accepted by its
// supplier, or stopped at the gate.
func (s ContractStatus) takesDeliverables(action string) error {
	switch s {
	case ContractOffered:
		return refuse("milestone", action, string(s), "the supplier has not accepted the contract yet")
	case ContractStopped:
		return refuse("milestone", action, string(s), "the contract was stopped at the gate and closed at its spend so far: no further milestone is payable")
	}
	return nil
}

// Submit records a supplier's deliverable for a milestone of a contract in status k.
func (s MilestoneStatus) Submit(k ContractStatus) (MilestoneStatus, error) {
	if err := k.takesDeliverables("submit a deliverable for"); err != nil {
		return s, err
	}
	if s != MilestonePlanned && s != MilestoneChangesAsked {
		return s, refuse("milestone", "submit a deliverable for", string(s), "its deliverable is "+lower(s.Label()))
	}
	return MilestoneSubmitted, nil
}

// Review is the owner's acceptance of a submitted deliverable, or a request for changes.
func (s MilestoneStatus) Review(accept bool, k ContractStatus) (MilestoneStatus, error) {
	if err := k.takesDeliverables("review"); err != nil {
		return s, err
	}
	if s != MilestoneSubmitted {
		return s, refuse("milestone", "review", string(s), "only a submitted deliverable is reviewed; this one is "+lower(s.Label()))
	}
	if accept {
		return MilestoneAccepted, nil
	}
	return MilestoneChangesAsked, nil
}

// Pay records the payment of an accepted milestone. An accepted milestone stays payable after a
// stop: the work was done before it.
func (s MilestoneStatus) Pay() (MilestoneStatus, error) {
	if s != MilestoneAccepted {
		return s, refuse("milestone", "record the payment of", string(s), "only an accepted milestone is paid; this one is "+lower(s.Label()))
	}
	return MilestonePaid, nil
}

// CheckPayer says whether payer may record the payment of a deliverable that acceptedBy
// accepted: never the same person, so that nobody both approves a thing and pays for it.
func CheckPayer(acceptedBy, payer string) error {
	if ActedBy(acceptedBy, payer) {
		return refuse("milestone", "record the payment of", string(MilestoneAccepted),
			"you accepted this deliverable, so someone else in finance records its payment")
	}
	return nil
}

// Cancel closes a milestone not yet accepted when its contract stops: it will never be payable.
func (s MilestoneStatus) Cancel() (MilestoneStatus, error) {
	if !s.Open() {
		return s, refuse("milestone", "cancel", string(s), "its deliverable is "+lower(s.Label()))
	}
	return MilestoneCancelled, nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// MilestoneMoney is a milestone's status and amount, all the spend needs.
type MilestoneMoney struct {
	Status MilestoneStatus
	Amount Money
}

// SpendSoFar is what a contract has committed to pay: its accepted and paid milestones.
func SpendSoFar(ms []MilestoneMoney) Money {
	var sum Money
	for _, m := range ms {
		if m.Status.Spent() {
			sum += m.Amount
		}
	}
	return sum
}

// Paid is what has been paid so far.
func Paid(ms []MilestoneMoney) Money {
	var sum Money
	for _, m := range ms {
		if m.Status == MilestonePaid {
			sum += m.Amount
		}
	}
	return sum
}

// ContractMilestones turns a bid's milestones, net of VAT, into the contract's, VAT inclusive,
// adding up exactly to the contract's value (the last one takes the rounding). A bid without
// milestones gets one for the whole value at the end of the term.
func ContractMilestones(bid []Milestone, value Money, phase int) []Milestone {
	if len(bid) == 0 {
		return []Milestone{{Deliverable: "The phase's work and its end-of-phase report", SuccessCriteria: "The challenge owner accepts the report",
			Month: PhaseTermMonths(phase), Amount: value}}
	}
	var net Money
	for _, m := range bid {
		net += m.Amount
	}
	out := make([]Milestone, len(bid))
	var given Money
	for i, m := range bid {
		out[i] = m
		if net > 0 {
			out[i].Amount = Money(int64(m.Amount) * int64(value) / int64(net))
		}
		given += out[i].Amount
	}
	out[len(out)-1].Amount += value - given
	return out
}

// CheckMilestonePlan says what is wrong with a contract's milestones as the programme adjusts
// them before the supplier signs: each needs a deliverable, a month within the term and an
// amount, and together they may not come to more than the contract's value.
func CheckMilestonePlan(ms []Milestone, value Money, phase int) Problems {
	var ps Problems
	if len(ms) == 0 {
		ps.Add("milestones", "A contract needs at least one payment milestone")
		return ps
	}
	if len(ms) > MaxMilestones {
		ps.Add("milestones", "A contract may have up to %d payment milestones, not %d", MaxMilestones, len(ms))
	}
	term := PhaseTermMonths(phase)
	var sum Money
	for i, m := range ms {
		n := i + 1
		if _, p := MilestoneDeliverable.Clean(m.Deliverable); p != nil || m.Deliverable == "" {
			ps.Add(fmt.Sprintf("milestone-%d-deliverable", n), "Say what milestone %d delivers, in up to %d characters", n, MilestoneDeliverable.Max)
		}
		if _, p := MilestoneSuccess.Clean(m.SuccessCriteria); p != nil {
			ps.Add(fmt.Sprintf("milestone-%d-success_criteria", n), "%s", p.Message)
		}
		if m.Month < 1 || m.Month > term {
			ps.Add(fmt.Sprintf("milestone-%d-month", n), "Milestone %d must fall due in a month from 1 to %d of the contract", n, term)
		}
		if m.Amount <= 0 {
			ps.Add(fmt.Sprintf("milestone-%d-amount", n), "Enter the amount of milestone %d, more than £0", n)
		}
		sum += m.Amount
	}
	if sum > value {
		ps.Add("milestones", "The milestones add up to %s, which is %s more than the contract's value of %s, including VAT", sum, sum-value, value)
	}
	return ps
}

// ReportReminderDays is how long before a contract's end its supplier is reminded that the
// end-of-phase report is due.
const ReportReminderDays = 14

// ContractMidpoint is the day halfway through a contract: its midpoint review.
func ContractMidpoint(start, end time.Time) time.Time {
	s, e := StartOfDay(start), StartOfDay(end)
	days := int(e.Sub(s).Hours()/24+0.5) / 2
	return s.AddDate(0, 0, days)
}

// ReportReminder is the day the supplier is reminded its end-of-phase report is due.
func ReportReminder(end time.Time) time.Time {
	return StartOfDay(end).AddDate(0, 0, -ReportReminderDays)
}

// OverdueFrom is when an accepted milestone's unpaid payment becomes overdue: the day after it
// falls due.
func OverdueFrom(due time.Time) time.Time { return StartOfDay(due).AddDate(0, 0, 1) }

// RAG is the challenge owner's red, amber or green status of a contract at its midpoint review.
type RAG string

const (
	// RAGGreen: on track.
	RAGGreen RAG = "green"
	// RAGAmber: at risk; the owner says what would bring it back.
	RAGAmber RAG = "amber"
	// RAGRed: off track.
	RAGRed RAG = "red"
)

// Values lists the statuses, for the database enum.
func (RAG) Values() []string { return stringsOf([]RAG{RAGGreen, RAGAmber, RAGRed}) }

// Label is the status as a person reads it.
func (r RAG) Label() string {
	switch r {
	case RAGGreen:
		return "Green: on track"
	case RAGAmber:
		return "Amber: at risk"
	case RAGRed:
		return "Red: off track"
	}
	return string(r)
}

// Valid says whether r is red, amber or green.
func (r RAG) Valid() bool { return r == RAGGreen || r == RAGAmber || r == RAGRed }
