package domain

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	xs := []float64{15, 20, 35, 40, 50}
	for _, c := range []struct{ p, want float64 }{{50, 35}, {90, 50}, {100, 50}, {1, 15}, {40, 20}} {
		if got := Percentile(xs, c.p); got != c.want {
			t.Errorf("P%v = %v, want %v", c.p, got, c.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("the percentile of nothing is not 0")
	}
	if xs[0] != 15 || xs[4] != 50 {
		t.Error("Percentile reordered its input")
	}
}

func TestShare(t *testing.T) {
	for _, c := range []struct {
		s    Share
		want int
	}{{Share{1, 3}, 33}, {Share{2, 3}, 67}, {Share{1, 2}, 50}, {Share{0, 0}, 0}, {Share{11, 12}, 92}} {
		if got := c.s.Percent(); got != c.want {
			t.Errorf("%v = %d%%, want %d%%", c.s, got, c.want)
		}
	}
}

func TestYoungAndRegion(t *testing.T) {
	inc := time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)
	if !YoungAt(inc, time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)) || YoungAt(inc, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("five years from incorporation is the day it stops being young")
	}
	if YoungAt(time.Time{}, inc) {
		t.Error("no date of incorporation counts as young")
	}
	if OutsideLondonSouthEast("London") || OutsideLondonSouthEast("South East (England)") || OutsideLondonSouthEast("") || !OutsideLondonSouthEast("Wales") {
		t.Error("London and the south-east are told apart wrongly")
	}
}

// A small programme: the figures a programme team would work out by hand from it.
func TestComputeFigures(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2027, 1, d, 12, 0, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }
	no, yes := false, true
	in := FiguresInput{
		Challenges: []FigureChallenge{
			{ID: 1, Title: "Potholes", Round: "Round 1", Selected: true, Stage: ChallengeComplete, Outcome: OutcomeAdopted},
			{ID: 2, Title: "Bins", Round: "Round 1", Selected: true, Stage: ChallengeClosed},
			{ID: 3, Title: "Air", Round: "Round 2", Selected: true, Stage: ChallengePhase1Open},
			{ID: 4, Title: "Rejected", Stage: ChallengeRejected},
			{ID: 5, Title: "Draft", Stage: ChallengeDraft},
		},
		Competitions: []FigureCompetition{
			{ID: 10, ChallengeID: 1, Phase: 1, Pot: Pounds(100_000), Opened: true, ClosedAt: day(1), DecidedAt: ptr(day(15))},
			{ID: 11, ChallengeID: 1, Phase: 2, Pot: Pounds(500_000), Opened: true, ClosedAt: day(1), DecidedAt: ptr(day(31))},
			{ID: 20, ChallengeID: 2, Phase: 1, Pot: Pounds(100_000), Opened: true, ClosedAt: day(1), DecidedAt: ptr(day(21))},
			{ID: 30, ChallengeID: 3, Phase: 1, Pot: Pounds(60_000), Opened: true, ClosedAt: day(20)},
		},
		Bids: []FigureBid{
			{CompetitionID: 10, OrganisationID: 100, SubmittedAt: day(1), Funded: true},
			{CompetitionID: 10, OrganisationID: 101, SubmittedAt: day(1), Funded: true},
			{CompetitionID: 10, OrganisationID: 102, SubmittedAt: day(1)},
			{CompetitionID: 11, OrganisationID: 100, SubmittedAt: day(1), Funded: true},
			{CompetitionID: 20, OrganisationID: 103, SubmittedAt: day(1), Funded: true},
		},
		Contracts: []FigureContract{
			{ChallengeID: 1, CompetitionID: 10, OrganisationID: 100, Phase: 1, Awarded: Pounds(50_000), Value: Pounds(50_000), Spent: Pounds(50_000), Status: ContractContinued, AcceptedAt: ptr(day(17))},
			{ChallengeID: 1, CompetitionID: 10, OrganisationID: 101, Phase: 1, Awarded: Pounds(50_000), Value: Pounds(20_000), Spent: Pounds(20_000), Status: ContractStopped, AcceptedAt: ptr(day(22))},
			{ChallengeID: 1, CompetitionID: 11, OrganisationID: 100, Phase: 2, Awarded: Pounds(400_000), Value: Pounds(400_000), Spent: Pounds(100_000), Status: ContractActive},
			{ChallengeID: 2, CompetitionID: 20, OrganisationID: 103, Phase: 1, Value: Pounds(30_000), Spent: Pounds(30_000), Status: ContractActive, AcceptedAt: ptr(day(23))},
		},
		Suppliers: map[int]FigureSupplier{
			100: {Size: Micro, IncorporatedOn: day(1).AddDate(-2, 0, 0), Region: "Wales", PublicContractBefore: &no},
			101: {Size: Medium, IncorporatedOn: day(1).AddDate(-10, 0, 0), Region: "London", PublicContractBefore: &yes},
			102: {Size: Large, Region: "Scotland"},
			103: {Size: Small, IncorporatedOn: day(1).AddDate(-4, 0, 0), Region: "South East (England)", PublicContractBefore: &no},
		},
		Targets: map[Target]int{TargetDecisionDays: 14},
	}
	f := ComputeFigures(in)

	want := []int{4, 3, 4, 5, 3, 1, 1, 1}
	for i, s := range f.Funnel {
		if s.Count != want[i] {
			t.Errorf("%s: %d, want %d", s.Label, s.Count, want[i])
		}
	}

	// Round 1: Bins, Potholes, then the round; Round 2: Air, then the round.
	if len(f.Money) != 5 || f.Money[0].Challenge != "Bins" || f.Money[2].Challenge != "" || f.Money[3].Challenge != "Air" {
		t.Fatalf("money rows %+v", f.Money)
	}
	pot := f.Money[1]
	if pot.Pot != Pounds(600_000) || pot.Awarded != Pounds(500_000) || pot.Spent != Pounds(170_000) || pot.Saved != Pounds(30_000) {
		t.Errorf("Potholes: %+v", pot)
	}
	// An award from before awarded values were kept counts at its value.
	if f.Money[0].Awarded != Pounds(30_000) {
		t.Errorf("Bins awarded %v", f.Money[0].Awarded)
	}
	if r := f.Money[2]; r.Round != "Round 1" || r.Pot != Pounds(700_000) || r.Saved != Pounds(30_000) {
		t.Errorf("Round 1: %+v", r)
	}
	if f.Total.Pot != Pounds(760_000) || f.Total.Awarded != Pounds(530_000) || f.Total.Saved != Pounds(30_000) {
		t.Errorf("total %+v", f.Total)
	}

	// Close to decision: 14, 30 and 20 days; the one still open is not counted.
	dec := f.Time[0]
	if dec.N != 3 || dec.Median != 20 || dec.P90 != 30 || dec.TargetDays != 14 || dec.Met {
		t.Errorf("close to decision %+v", dec)
	}
	// Decision to contract: 2, 7 and 2 days (the phase 2 contract is not signed yet).
	con := f.Time[1]
	if con.N != 3 || con.Median != 2 || con.P90 != 7 || con.TargetDays != 21 || !con.Met {
		t.Errorf("decision to contract %+v", con)
	}

	// Four bidders, three winners.
	wantReach := map[string][4]int{
		"Small and medium-sized enterprises": {3, 4, 3, 3},
		"Small or micro businesses":          {2, 4, 2, 3},
		"Under five years old":               {2, 4, 2, 3},
		"Outside London and the south-east":  {2, 4, 1, 3},
		"First-time public sector suppliers": {2, 4, 2, 3},
	}
	for _, r := range f.Reach {
		w := wantReach[r.Label]
		if r.Bidders != (Share{w[0], w[1]}) || r.Winners != (Share{w[2], w[3]}) {
			t.Errorf("%s: bidders %v winners %v, want %v", r.Label, r.Bidders, r.Winners, w)
		}
	}
	if f.Reach[0].Target != 92 {
		t.Errorf("the SME target %d, want the default 92", f.Reach[0].Target)
	}
}

func TestCheckTargets(t *testing.T) {
	if err := CheckTargets(map[Target]int{TargetDecisionDays: 21, TargetSME: 92, TargetFirstTime: 0}); err != nil {
		t.Error(err)
	}
	for _, bad := range []map[Target]int{{TargetDecisionDays: 0}, {TargetSME: 101}, {"speed": 3}} {
		if CheckTargets(bad) == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
