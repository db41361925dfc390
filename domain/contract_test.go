package domain

import (
	"testing"
	"time"
)

func TestContractMilestonesAddUpToTheValueIncludingVAT(t *testing.T) {
	bid := []Milestone{{Deliverable: "a", Month: 1, Amount: 10_000_01}, {Deliverable: "b", Month: 2, Amount: 13_333_33}, {Deliverable: "c", Month: 3, Amount: 10_000_00}}
	var net Money
	for _, m := range bid {
		net += m.Amount
	}
	value := GrossFromNet(net, StandardVAT)
	got := ContractMilestones(bid, value, 1)
	var sum Money
	for i, m := range got {
		sum += m.Amount
		if m.Deliverable != bid[i].Deliverable || m.Month != bid[i].Month {
			t.Errorf("milestone %d changed its deliverable or month: %+v", i+1, m)
		}
		if want := GrossFromNet(bid[i].Amount, StandardVAT); m.Amount < want-1 || m.Amount > want+1 {
			t.Errorf("milestone %d is %s, want about %s", i+1, m.Amount, want)
		}
	}
	if sum != value {
		t.Errorf("milestones add up to %s, want the value %s", sum, value)
	}
	if one := ContractMilestones(nil, Pounds(30_000), 1); len(one) != 1 || one[0].Amount != Pounds(30_000) || one[0].Month != 3 {
		t.Errorf("a bid without milestones gets %+v, want one for the whole value at the end", one)
	}
}

func TestPaymentFallsDueThirtyDaysAfterAcceptanceAndIsThenOverdue(t *testing.T) {
	accepted := time.Date(2027, 3, 10, 15, 0, 0, 0, London)
	due := PaymentDue(accepted)
	if want := time.Date(2027, 4, 9, 0, 0, 0, 0, London); !due.Equal(want) {
		t.Fatalf("due %v, want %v", due, want)
	}
	for _, c := range []struct {
		status MilestoneStatus
		now    time.Time
		want   bool
	}{
		{MilestoneAccepted, time.Date(2027, 4, 9, 23, 59, 0, 0, London), false}, // the due day itself
		{MilestoneAccepted, time.Date(2027, 4, 10, 0, 0, 0, 0, London), true},
		{MilestonePaid, time.Date(2027, 6, 1, 0, 0, 0, 0, London), false},
	} {
		if got := PaymentOverdue(c.status, &due, c.now); got != c.want {
			t.Errorf("%s at %v: overdue %v, want %v", c.status, c.now, got, c.want)
		}
	}
}

func TestMilestonesMoveOnlyForward(t *testing.T) {
	if _, err := MilestonePlanned.Submit(ContractOffered); err == nil {
		t.Error("a deliverable was taken before the supplier accepted")
	}
	if _, err := MilestonePlanned.Submit(ContractStopped); err == nil {
		t.Error("a deliverable was taken after a stop")
	}
	if s, err := MilestoneChangesAsked.Submit(ContractActive); err != nil || s != MilestoneSubmitted {
		t.Errorf("resubmitting after changes: %s %v", s, err)
	}
	if _, err := MilestonePlanned.Review(true, ContractActive); err == nil {
		t.Error("a deliverable was accepted before it was submitted")
	}
	if _, err := MilestoneSubmitted.Pay(); err == nil {
		t.Error("a milestone was paid before it was accepted")
	}
	if got := SpendSoFar([]MilestoneMoney{{MilestoneAccepted, 5}, {MilestonePaid, 7}, {MilestoneSubmitted, 100}, {MilestoneCancelled, 1000}}); got != 12 {
		t.Errorf("spend so far %s, want accepted and paid only", got)
	}
}

func TestPhase2FundsAtMostTwoContractsOfHalfAMillion(t *testing.T) {
	s := CompetitionSetup{Phase: 2, Caps: PhaseCaps{Pot: Pounds(1_000_000), MaxContract: Pounds(500_000), MaxContracts: 3}}
	ps := s.CheckMoney(-1, "")
	if ps.For("max_contracts") == "" {
		t.Errorf("three phase 2 contracts were allowed: %v", ps)
	}
	s.Caps.MaxContracts, s.Caps.MaxContract = 2, Pounds(500_001)
	if ps := s.CheckMoney(-1, ""); ps.For("max_contract_pence") == "" || ps.For("max_contracts") != "" {
		t.Errorf("a phase 2 contract over £500,000: %v", ps)
	}
	if got := ContractTermWeeks(2); got != 52 {
		t.Errorf("phase 2 runs %d weeks by default, want 12 months", got)
	}
}

// TestTheHelpersOwnHandCountsInSeparationOfDuties: a deliverable accepted by a helper on the
// owner's behalf was accepted by the helper too, who may not then record its payment.
func TestTheHelpersOwnHandCountsInSeparationOfDuties(t *testing.T) {
	onBehalf := "priya@programme.example on behalf of tom@council.example"
	for _, c := range []struct {
		accepted, payer string
		refused         bool
	}{
		{"tom@council.example", "sam@programme.example", false},
		{"sam@programme.example", "sam@programme.example", true},
		{onBehalf, "priya@programme.example", true},
		{onBehalf, "sam@programme.example", false},
		{"", "sam@programme.example", false},
	} {
		if err := CheckPayer(c.accepted, c.payer); (err != nil) != c.refused {
			t.Errorf("accepted by %q, paid by %q: %v", c.accepted, c.payer, err)
		}
	}
}
