package domain

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"time"
)

// The programme's figures: who it reaches, how fast it moves and what stopping saves, computed
// from the records each time they are read, never stored. service/figures.go reads the records
// into these plain facts; everything here is arithmetic a test can check.

// FigureChallenge is a challenge as the figures count it.
type FigureChallenge struct {
	ID       int
	Title    string
	Round    string // "" until selected into a round
	Selected bool   // put in a round by the programme
	Stage    ChallengeStage
	Outcome  ProgrammeOutcome
}

// FigureCompetition is a competition as the figures count it.
type FigureCompetition struct {
	ID, ChallengeID, Phase int
	Pot                    Money
	Opened                 bool
	ClosedAt               time.Time  // its last deadline; zero while unset
	DecidedAt              *time.Time // when the panel's decision was recorded
}

// FigureBid is a submitted bid.
type FigureBid struct {
	CompetitionID, OrganisationID int
	SubmittedAt                   time.Time
	Funded                        bool
}

// FigureContract is a contract as the figures count it.
type FigureContract struct {
	ChallengeID, CompetitionID, OrganisationID, Phase int
	Awarded, Value, Spent                             Money
	Status                                            ContractStatus
	AcceptedAt                                        *time.Time
}

// FigureSupplier is what a supplier registered, as the reach figures read it.
type FigureSupplier struct {
	Size           OrganisationSize
	IncorporatedOn time.Time
	Region         string
	// PublicContractBefore: whether it had a UK public sector contract before; nil if not said.
	PublicContractBefore *bool
}

// Target names one of the programme's targets.
type Target string

// The programme's targets: days for its turnarounds, and percentages for its reach.
const (
	TargetDecisionDays    Target = "decision_days"
	TargetContractDays    Target = "contract_days"
	TargetSME             Target = "sme"
	TargetSmallMicro      Target = "small_micro"
	TargetYoung           Target = "under_five_years"
	TargetOutsideLondonSE Target = "outside_london_south_east"
	TargetFirstTime       Target = "first_time"
)

// Targets lists them in the order the page shows them.
var Targets = []Target{TargetDecisionDays, TargetContractDays, TargetSME, TargetSmallMicro, TargetYoung, TargetOutsideLondonSE, TargetFirstTime}

// DefaultTargets are the seeds' figures: DASA's three-week turnaround, and GovTech Catalyst's
// reach (92 % SMEs, 67 % small or micro, 36 % under five years old, 60 % outside London and the
// south-east). First-time suppliers have no published figure, so no target until one is set.
var DefaultTargets = map[Target]int{
	TargetDecisionDays: 21, TargetContractDays: 21, TargetSME: 92, TargetSmallMicro: 67,
	TargetYoung: 36, TargetOutsideLondonSE: 60, TargetFirstTime: 0,
}

// Label is the target as the page names it.
func (t Target) Label() string {
	switch t {
	case TargetDecisionDays:
		return "Days from the close to the decision"
	case TargetContractDays:
		return "Days from the decision to a signed contract"
	case TargetSME:
		return "Small and medium-sized enterprises"
	case TargetSmallMicro:
		return "Small or micro businesses"
	case TargetYoung:
		return "Under five years old"
	case TargetOutsideLondonSE:
		return "Outside London and the south-east"
	case TargetFirstTime:
		return "First-time public sector suppliers"
	}
	return string(t)
}

// Days reports whether the target is a number of days (else a percentage).
func (t Target) Days() bool { return t == TargetDecisionDays || t == TargetContractDays }

// CheckTargets refuses a target that is not one, or out of its range: 1 to 365 days, or 0 (no
// target) to 100 per cent.
func CheckTargets(in map[Target]int) error {
	var ps Problems
	for _, t := range slices.Sorted(maps.Keys(in)) {
		v := in[t]
		switch {
		case !slices.Contains(Targets, t):
			ps.Add(string(t), "%q is not one of the programme's targets", string(t))
		case t.Days() && (v < 1 || v > 365):
			ps.Add(string(t), "Enter a number of days from 1 to 365 for %s", t.Label())
		case !t.Days() && (v < 0 || v > 100):
			ps.Add(string(t), "Enter a percentage from 0 to 100 for %s (0 for no target)", t.Label())
		}
	}
	return ps.Err()
}

// FiguresInput is everything the figures are computed from.
type FiguresInput struct {
	Challenges   []FigureChallenge
	Competitions []FigureCompetition
	Bids         []FigureBid
	Contracts    []FigureContract
	Suppliers    map[int]FigureSupplier // by organisation ID
	Targets      map[Target]int
}

// Figures are the programme's figures.
type Figures struct {
	Funnel []FunnelStep
	Money  []MoneyRow // per challenge, grouped by round, then a total per round
	Total  MoneyRow
	Time   []Turnaround
	Reach  []ReachRow
}

// FunnelStep is one step from challenges submitted to adopted.
type FunnelStep struct {
	Label string
	Count int
}

// MoneyRow is the money of one challenge, or of a round (Challenge ""), or of all.
type MoneyRow struct {
	Round, Challenge string
	Pot              Money // what the competitions offered
	Awarded          Money // what the contracts were awarded at
	Spent            Money // deliverables accepted or paid
	Saved            Money // what stops took off the awards
}

// Turnaround is how long one step takes, in days, against its target.
type Turnaround struct {
	Label       string
	N           int
	Median, P90 float64 // days, to one decimal place
	TargetDays  int
	Met         bool // the median is within the target
}

// ReachRow is one group's share of bidders and of winners, against its target.
type ReachRow struct {
	Label            string
	Bidders, Winners Share
	Target           int // per cent; 0 for none
}

// Share is a count out of a whole.
type Share struct{ N, Of int }

// Percent is the share in whole per cent, rounded half up; 0 of 0 is 0.
func (s Share) Percent() int {
	if s.Of == 0 {
		return 0
	}
	return int(math.Floor(float64(s.N)*100/float64(s.Of) + 0.5))
}

// Percentile is the p-th percentile of xs by the nearest-rank method: the smallest value with
// at least p per cent of the values at or below it. 0 for none.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// YoungAt reports whether an organisation incorporated on inc is under five years old at t.
// One that gave no date (a sole trader or partnership) is not counted as young.
func YoungAt(inc, t time.Time) bool {
	return !inc.IsZero() && t.Before(inc.AddDate(5, 0, 0))
}

// OutsideLondonSouthEast reports whether a region is outside London and the south-east.
func OutsideLondonSouthEast(region string) bool {
	return region != "" && region != "London" && region != "South East (England)"
}

// ComputeFigures computes the programme's figures from its records.
func ComputeFigures(in FiguresInput) Figures {
	var f Figures
	f.Funnel = funnel(in)
	f.Money, f.Total = money(in)
	f.Time = turnarounds(in)
	f.Reach = reach(in)
	return f
}

func funnel(in FiguresInput) []FunnelStep {
	var submitted, selected, competitions, bids, phase1, continued, phase2, adopted int
	for _, c := range in.Challenges {
		if c.Stage != ChallengeDraft {
			submitted++
		}
		if c.Selected {
			selected++
		}
		if c.Outcome == OutcomeAdopted {
			adopted++
		}
	}
	for _, c := range in.Competitions {
		if c.Opened {
			competitions++
		}
	}
	bids = len(in.Bids)
	for _, k := range in.Contracts {
		switch k.Phase {
		case 1:
			phase1++
			if k.Status == ContractContinued {
				continued++
			}
		case 2:
			phase2++
		}
	}
	return []FunnelStep{
		{"Challenges submitted", submitted}, {"Challenges selected", selected}, {"Competitions opened", competitions},
		{"Bids submitted", bids}, {"Phase 1 contracts", phase1}, {"Continued at the gate", continued},
		{"Phase 2 contracts", phase2}, {"Adopted", adopted},
	}
}

func money(in FiguresInput) ([]MoneyRow, MoneyRow) {
	rows := map[int]*MoneyRow{}
	var order []int
	for _, c := range in.Challenges {
		if !c.Selected {
			continue
		}
		rows[c.ID] = &MoneyRow{Round: c.Round, Challenge: c.Title}
		order = append(order, c.ID)
	}
	for _, c := range in.Competitions {
		if r := rows[c.ChallengeID]; r != nil && c.Opened {
			r.Pot += c.Pot
		}
	}
	for _, k := range in.Contracts {
		r := rows[k.ChallengeID]
		if r == nil {
			continue
		}
		awarded := cmp.Or(k.Awarded, k.Value)
		r.Awarded += awarded
		r.Spent += k.Spent
		if k.Status == ContractStopped && awarded > k.Value {
			r.Saved += awarded - k.Value
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(rows[a].Round, rows[b].Round), cmp.Compare(rows[a].Challenge, rows[b].Challenge))
	})
	var out []MoneyRow
	var total MoneyRow
	var round *MoneyRow
	flush := func() {
		if round != nil {
			out = append(out, *round)
		}
	}
	for _, id := range order {
		r := *rows[id]
		if round == nil || round.Round != r.Round {
			flush()
			round = &MoneyRow{Round: r.Round}
		}
		out = append(out, r)
		for _, acc := range []*MoneyRow{round, &total} {
			acc.Pot += r.Pot
			acc.Awarded += r.Awarded
			acc.Spent += r.Spent
			acc.Saved += r.Saved
		}
	}
	flush()
	return out, total
}

func days(d time.Duration) float64 { return math.Round(d.Hours()/24*10) / 10 }

func turnarounds(in FiguresInput) []Turnaround {
	decided := map[int]time.Time{}
	var toDecision, toContract []float64
	for _, c := range in.Competitions {
		if c.DecidedAt == nil || c.ClosedAt.IsZero() {
			continue
		}
		decided[c.ID] = *c.DecidedAt
		toDecision = append(toDecision, days(c.DecidedAt.Sub(c.ClosedAt)))
	}
	for _, k := range in.Contracts {
		d, ok := decided[k.CompetitionID]
		if ok && k.AcceptedAt != nil {
			toContract = append(toContract, days(k.AcceptedAt.Sub(d)))
		}
	}
	mk := func(t Target, xs []float64) Turnaround {
		tr := Turnaround{Label: t.Label(), N: len(xs), Median: Percentile(xs, 50), P90: Percentile(xs, 90), TargetDays: in.target(t)}
		tr.Met = tr.N > 0 && tr.Median <= float64(tr.TargetDays)
		return tr
	}
	return []Turnaround{mk(TargetDecisionDays, toDecision), mk(TargetContractDays, toContract)}
}

func (in FiguresInput) target(t Target) int {
	if v, ok := in.Targets[t]; ok {
		return v
	}
	return DefaultTargets[t]
}

func reach(in FiguresInput) []ReachRow {
	// Each organisation counts once among bidders (at its first bid) and once among winners.
	first := map[int]time.Time{}
	winners := map[int]bool{}
	for _, b := range in.Bids {
		if t, ok := first[b.OrganisationID]; !ok || b.SubmittedAt.Before(t) {
			first[b.OrganisationID] = b.SubmittedAt
		}
		if b.Funded {
			winners[b.OrganisationID] = true
		}
	}
	groups := []struct {
		t  Target
		in func(FigureSupplier, time.Time) bool
	}{
		{TargetSME, func(s FigureSupplier, _ time.Time) bool { return s.Size.SME() }},
		{TargetSmallMicro, func(s FigureSupplier, _ time.Time) bool { return s.Size == Small || s.Size == Micro }},
		{TargetYoung, func(s FigureSupplier, at time.Time) bool { return YoungAt(s.IncorporatedOn, at) }},
		{TargetOutsideLondonSE, func(s FigureSupplier, _ time.Time) bool { return OutsideLondonSouthEast(s.Region) }},
		{TargetFirstTime, func(s FigureSupplier, _ time.Time) bool {
			return s.PublicContractBefore != nil && !*s.PublicContractBefore
		}},
	}
	out := make([]ReachRow, len(groups))
	for i, g := range groups {
		row := ReachRow{Label: g.t.Label(), Target: in.target(g.t)}
		for org, at := range first {
			s := in.Suppliers[org]
			yes := g.in(s, at)
			row.Bidders.Of++
			if yes {
				row.Bidders.N++
			}
			if winners[org] {
				row.Winners.Of++
				if yes {
					row.Winners.N++
				}
			}
		}
		out[i] = row
	}
	return out
}
