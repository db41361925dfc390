package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// A funding decision is proposed by the programme and approved by someone else, within their
// delegated limit: a panel chair or a budget holder. Nobody approves their own proposal; one
// approval whose limit covers the total is enough, and above every limit two are needed, from
// two people. Each approval and refusal is recorded with its reason.

// FundingProposal is the programme's proposed funding decision for a competition, waiting for
// approval: what the panel chose (none: top down) and why, the bids it funds and what they come
// to, who proposed it and when, and the approvals so far.
type FundingProposal struct {
	Chosen     []int           `json:"chosen,omitempty"`
	Reasons    map[int]string  `json:"reasons,omitempty"`
	Lowered    *LoweredMinimum `json:"lowered,omitempty"`
	Funded     []int           `json:"funded"`
	Total      Money           `json:"total"`
	ProposedBy string          `json:"proposed_by"`
	ProposedAt time.Time       `json:"proposed_at"`
	Approvals  []Approval      `json:"approvals,omitempty"`
	// Key is the proposing request's Idempotency-Key: its retry is answered as it was.
	Key string `json:"key,omitempty"`
}

// Approval is one person's approval of a proposal, with the delegated limit they held.
type Approval struct {
	By     string    `json:"by"`
	Limit  Money     `json:"limit"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
	Key    string    `json:"key,omitempty"` // the approving request's Idempotency-Key
}

// ApprovalsNeeded is how many approvals are needed above every approver's limit.
const ApprovalsNeeded = 2

// Approved reports whether the approvals are enough: one whose limit covers the total, or two
// from different people.
func (p FundingProposal) Approved() bool {
	if len(p.Approvals) >= ApprovalsNeeded {
		return true
	}
	return slices.ContainsFunc(p.Approvals, func(a Approval) bool { return a.Limit >= p.Total })
}

// Waiting says what the proposal waits for, as a person reads it.
func (p FundingProposal) Waiting() string {
	switch {
	case p.Approved():
		return "approved"
	case len(p.Approvals) == 0:
		return fmt.Sprintf("waiting for approval by a panel chair or budget holder whose delegated limit covers %s, or by two", p.Total)
	}
	return fmt.Sprintf("approved by %s, whose delegated limit of %s does not cover %s: waiting for a second approval", p.Approvals[0].By, p.Approvals[0].Limit, p.Total)
}

// ApprovalReason is what an approver writes: needed to refuse, optional to approve.
var ApprovalReason = Text{Field: "reason", Label: "the reason", Max: 5000, MultiLine: true, Optional: true}

// CheckApproval says whether approver, holding a delegated limit, may approve or refuse the
// proposal now. p is nil when nothing is proposed.
func CheckApproval(p *FundingProposal, status CompetitionStatus, approver string, limit Money) error {
	refused := func(why string) error { return refuse("competition", "approve the decision for", string(status), why) }
	switch {
	case status != CompetitionAssessment:
		return refused("a decision is approved while the competition is in assessment; it is " + status.Label())
	case p == nil:
		return refused("no decision is proposed yet: the programme proposes it from the panel sheet")
	case p.Approved():
		return refused("the proposal is approved already")
	case strings.EqualFold(p.ProposedBy, approver):
		return refused("you proposed this decision, so someone else approves it")
	case slices.ContainsFunc(p.Approvals, func(a Approval) bool { return strings.EqualFold(a.By, approver) }):
		return refused("you approved it already: the second approval comes from someone else")
	case limit <= 0:
		return refused("you have no delegated limit to approve within: an administrator sets it on your record")
	}
	return nil
}

// CheckProposal says whether the programme may propose a decision now: not while another waits
// (or, approved, is being made).
func CheckProposal(p *FundingProposal, status CompetitionStatus) error {
	if p != nil {
		return refuse("competition", "decide", string(status),
			fmt.Sprintf("the decision %s proposed on %s is %s", p.ProposedBy, FormatDate(p.ProposedAt), p.Waiting()))
	}
	return nil
}

// WithdrawalReason is why the programme withdraws its proposal: the approvers read it.
var WithdrawalReason = Text{Field: "reason", Label: "why you withdraw it", Max: 5000, MultiLine: true}

// CheckWithdrawal says whether the programme may withdraw the proposal now: one is waiting,
// and it is not approved yet (once approved, the decision is being made).
func CheckWithdrawal(p *FundingProposal, status CompetitionStatus) error {
	refused := func(why string) error {
		return refuse("competition", "withdraw the proposed decision for", string(status), why)
	}
	switch {
	case status != CompetitionAssessment:
		return refused("a proposal is withdrawn while the competition is in assessment; it is " + status.Label())
	case p == nil:
		return refused("no decision is proposed")
	case p.Approved():
		return refused("the proposal is approved, and the decision is being made")
	}
	return nil
}
