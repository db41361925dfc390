package domain

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// explore calls every transition method of one kind of record from every state (and from
// Created, for those that make a record), with every argument that changes its answer, and
// returns the moves they make as "from>to".
func explore() map[string][]string {
	now := time.Now()
	out := map[string][]string{}
	add := func(record string, from, to fmt.Stringer, err error) {
		if err == nil && from.String() != to.String() { // staying put is no move
			out[record] = append(out[record], from.String()+">"+to.String())
		}
	}
	for _, s := range ChallengeStages {
		try := func(to ChallengeStage, err error) { add("challenge", str(s), str(to), err) }
		try(s.Submit())
		try(s.Select())
		try(s.Reject())
		try(s.OpenCompetition(1))
		try(s.OpenCompetition(2))
		try(s.CloseCompetition())
		try(s.AwardContracts())
		try(s.Complete())
		try(s.Close())
	}
	for _, s := range append([]CompetitionStatus{CompetitionStatus(Created)}, competitionStatuses...) {
		try := func(to CompetitionStatus, err error) { add("competition", str(s), str(to), err) }
		try(s.Open(now, now))
		try(s.Open(now.Add(time.Hour), now))
		try(s.OpenAtTime())
		for _, bids := range []int{0, 1} {
			try(s.Close(bids))
			try(s.CloseForEligibility(bids))
			try(s.StartAssessment(bids))
		}
		try(s.Decide())
	}
	for _, s := range bidStatuses {
		try := func(to BidStatus, err error) { add("bid", str(s), str(to), err) }
		try(s.Submit())
		try(s.Eligibility(true))
		try(s.Eligibility(false))
		for _, comp := range competitionStatuses {
			if s.CheckReopen(comp, now.Add(time.Hour), now) == nil {
				try(BidDraft, nil)
			}
			if s.CheckWithdraw(comp, now.Add(time.Hour), now) == nil {
				try(BidWithdrawn, nil)
			}
		}
		for _, funded := range []bool{true, false} {
			try(s.Outcome(funded))
		}
	}
	for _, s := range contractStatuses {
		try := func(to ContractStatus, err error) { add("contract", str(s), str(to), err) }
		try(s.Accept())
		try(s.Report())
		for _, phase := range []int{1, 2} {
			for _, o := range []GateOutcome{GateContinue, GateStop, GateComplete} {
				try(s.Decide(o, phase))
			}
		}
		try(s.StopWithChallenge())
	}
	for _, s := range milestoneStatuses {
		try := func(to MilestoneStatus, err error) { add("milestone", str(s), str(to), err) }
		for _, k := range contractStatuses {
			try(s.Submit(k))
			try(s.Review(true, k))
			try(s.Review(false, k))
		}
		try(s.Pay())
		try(s.Cancel())
	}
	return out
}

type str string

func (s str) String() string { return string(s) }

// The lifecycles the pages draw are exactly the moves the transition methods make: each move a
// method makes is drawn, and each drawn move (but a record's making, which no method does) is
// made by some method.
func TestTheLifecyclesAreTheMovesTheCodeMakes(t *testing.T) {
	made := explore()
	for _, l := range Lifecycles() {
		var drawn []string
		for _, m := range l.Moves {
			for _, f := range m.From {
				if f != Created || m.Action == "open" || m.Action == "schedule" {
					drawn = append(drawn, f+">"+m.To)
				}
			}
		}
		for _, mv := range made[l.Record] {
			if !slices.Contains(drawn, mv) {
				t.Errorf("%s: the code makes the move %s, which the lifecycle does not draw", l.Record, mv)
			}
		}
		for _, mv := range drawn {
			if !slices.Contains(made[l.Record], mv) {
				t.Errorf("%s: the lifecycle draws the move %s, which no transition method makes", l.Record, mv)
			}
		}
		for _, s := range l.States {
			reached := false
			for _, m := range l.Moves {
				reached = reached || m.To == s.Name
			}
			if !reached {
				t.Errorf("%s: nothing reaches the state %s", l.Record, s.Name)
			}
		}
	}
}

// The store's guard refuses, in words, what no move makes.
func TestAMoveNoLifecycleMakesIsRefusedInWords(t *testing.T) {
	err := ContractLifecycle.CheckMove(string(ContractOffered), string(ContractCompleted))
	want := "cannot move contract: no step of a contract's lifecycle goes from Offered: waiting for the supplier to accept to Completed"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if err := ContractLifecycle.CheckMove(string(ContractOffered), string(ContractActive)); err != nil {
		t.Errorf("accepting: %v", err)
	}
	if err := BidLifecycle.CheckMove(Created, string(BidFunded)); err == nil || err.Error() != "cannot create bid: a bid cannot begin as Successful" {
		t.Errorf("a bid made funded: %v", err)
	}
}
