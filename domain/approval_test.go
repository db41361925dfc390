package domain

import (
	"strings"
	"testing"
	"time"
)

// A proposal is approved by one person whose limit covers it, or by two; never by its proposer,
// nor twice by one person, nor by someone with no limit.
func TestAFundingDecisionIsApprovedWithinDelegatedLimits(t *testing.T) {
	p := &FundingProposal{Total: Pounds(100_000), ProposedBy: "priya@example.org", ProposedAt: time.Now()}
	want := func(what string, err error, reason string) {
		t.Helper()
		if reason == "" && err != nil || reason != "" && (err == nil || !strings.Contains(err.Error(), reason)) {
			t.Errorf("%s: %v, want %q", what, err, reason)
		}
	}
	want("nothing proposed", CheckApproval(nil, CompetitionAssessment, "grace@example.org", Pounds(500_000)), "no decision is proposed yet")
	want("after the decision", CheckApproval(p, CompetitionDecided, "grace@example.org", Pounds(500_000)), "while the competition is in assessment")
	want("the proposer", CheckApproval(p, CompetitionAssessment, "Priya@example.org", Pounds(500_000)), "you proposed this decision")
	want("no limit", CheckApproval(p, CompetitionAssessment, "omar@example.org", 0), "no delegated limit")
	want("within a limit", CheckApproval(p, CompetitionAssessment, "omar@example.org", Pounds(50_000)), "")

	p.Approvals = append(p.Approvals, Approval{By: "omar@example.org", Limit: Pounds(50_000)})
	if p.Approved() || !strings.Contains(p.Waiting(), "waiting for a second approval") {
		t.Errorf("one approval below the total: approved %v, %q", p.Approved(), p.Waiting())
	}
	want("twice by one person", CheckApproval(p, CompetitionAssessment, "omar@example.org", Pounds(50_000)), "you approved it already")
	want("a proposal waiting", CheckProposal(p, CompetitionAssessment), "waiting for a second approval")
	p.Approvals = append(p.Approvals, Approval{By: "olu@example.org", Limit: Pounds(50_000)})
	if !p.Approved() {
		t.Error("two approvals above every limit are not enough")
	}
	want("approved already", CheckApproval(p, CompetitionAssessment, "grace@example.org", Pounds(500_000)), "approved already")

	one := FundingProposal{Total: Pounds(100_000), Approvals: []Approval{{By: "grace@example.org", Limit: Pounds(100_000)}}}
	if !one.Approved() {
		t.Error("one approval whose limit covers the total is not enough")
	}
	want("nothing waiting", CheckProposal(nil, CompetitionAssessment), "")
}

// TestAProposalIsWithdrawnOnlyWhileItWaits: withdrawn while waiting for approval (with or
// without a first approval), never once approved, nor when nothing is proposed or the
// competition has moved on.
func TestAProposalIsWithdrawnOnlyWhileItWaits(t *testing.T) {
	waiting := &FundingProposal{Total: Pounds(100_000), ProposedBy: "p@x"}
	half := &FundingProposal{Total: Pounds(100_000), ProposedBy: "p@x", Approvals: []Approval{{By: "a@x", Limit: Pounds(50_000)}}}
	approved := &FundingProposal{Total: Pounds(100_000), ProposedBy: "p@x", Approvals: []Approval{{By: "a@x", Limit: Pounds(200_000)}}}
	for _, c := range []struct {
		p      *FundingProposal
		status CompetitionStatus
		want   string
	}{
		{waiting, CompetitionAssessment, ""},
		{half, CompetitionAssessment, ""},
		{approved, CompetitionAssessment, "the proposal is approved"},
		{nil, CompetitionAssessment, "no decision is proposed"},
		{waiting, CompetitionDecided, "while the competition is in assessment"},
	} {
		err := CheckWithdrawal(c.p, c.status)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v in %s: refused (%v)", c.p, c.status, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v in %s: %v, want %q", c.p, c.status, err, c.want)
		}
	}
}
