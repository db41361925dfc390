package domain

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestAssignNeverConflictsAndBalancesLoad(t *testing.T) {
	p := AssignmentProblem{
		PerBid: 2,
		Bids: []AssignBid{
			{ID: 1, Organisation: "Acme Ltd", EmailDomain: "acme.example", Tags: []string{"AI"}},
			{ID: 2, Organisation: "Binsight Ltd", EmailDomain: "binsight.example", Tags: []string{"sensors"}},
			{ID: 3, Organisation: "CivicSense Ltd", EmailDomain: "civic.example", Tags: []string{"AI"}},
		},
		Assessors: []AssignAssessor{
			{ID: 10, Organisation: "Acme Ltd", Expertise: []string{"AI"}, MaxLoad: 3},                                 // conflict with bid 1
			{ID: 11, EmailDomain: "binsight.example", Expertise: []string{"sensors"}, MaxLoad: 3},                     // conflict with bid 2
			{ID: 12, DeclaredInterests: []string{"civicsense ltd"}, Expertise: []string{"AI", "sensors"}, MaxLoad: 3}, // conflict with bid 3
			{ID: 13, Expertise: []string{"AI"}, MaxLoad: 3},
		},
	}
	got := Assign(p)
	if problems := CheckAssignment(p, got.Pairs); len(problems) > 0 {
		t.Fatalf("hard rules broken: %v", problems)
	}
	if len(got.Uncovered) != 0 || len(got.Pairs) != 6 {
		t.Fatalf("pairs %v, uncovered %v; want all 3 bids covered twice", got.Pairs, got.Uncovered)
	}
	load := map[int]int{}
	for _, pr := range got.Pairs {
		load[pr.AssessorID]++
	}
	// 6 pairings over 4 assessors: the most even spread is 2, 2, 1, 1 (nobody on 3).
	for id, n := range load {
		if n > 2 {
			t.Errorf("assessor %d has %d bids; the load could have been spread to at most 2", id, n)
		}
	}
	for _, pr := range got.Pairs {
		if pr.BidID == 1 && pr.AssessorID == 13 && !strings.Contains(pr.Why, "expertise: AI, load") {
			t.Errorf("explanation %q", pr.Why)
		}
	}
}

func TestAssignPrefersExpertiseWhenLoadIsEven(t *testing.T) {
	p := AssignmentProblem{
		PerBid: 1,
		Bids:   []AssignBid{{ID: 1, Tags: []string{"AI"}}, {ID: 2, Tags: []string{"sensors"}}},
		Assessors: []AssignAssessor{
			{ID: 10, Expertise: []string{"sensors"}, MaxLoad: 1},
			{ID: 11, Expertise: []string{"AI"}, MaxLoad: 1},
		},
	}
	got := Assign(p)
	want := map[int]int{1: 11, 2: 10}
	for _, pr := range got.Pairs {
		if want[pr.BidID] != pr.AssessorID {
			t.Fatalf("pairs %v; want each bid with the assessor who knows its subject", got.Pairs)
		}
	}
}

func TestAssignExplainsWhatCannotBeCovered(t *testing.T) {
	p := AssignmentProblem{
		PerBid: 2,
		Bids: []AssignBid{
			{ID: 1, Organisation: "Acme Ltd"},
			{ID: 2, Organisation: "Binsight Ltd"},
			{ID: 3, Organisation: "Other Ltd"},
		},
		Assessors: []AssignAssessor{
			{ID: 10, Organisation: "Acme Ltd", MaxLoad: 5},
			{ID: 11, MaxLoad: 2},
			{ID: 12, MaxLoad: 1},
		},
	}
	got := Assign(p)
	if problems := CheckAssignment(p, got.Pairs); len(problems) > 0 {
		t.Fatalf("hard rules broken: %v", problems)
	}
	reasons := map[int]string{}
	for _, s := range got.Uncovered {
		reasons[s.BidID] = s.Reason
	}
	// Bid 1 has only two assessors without a conflict (11 and 12), whose loads (2 and 1) it
	// shares with the others; 5 pairings are possible out of 6 wanted.
	if len(got.Pairs) != 5 {
		t.Errorf("%d pairs, want the maximum possible, 5", len(got.Pairs))
	}
	if len(got.Uncovered) != 1 {
		t.Fatalf("uncovered = %+v; want exactly one bid short", got.Uncovered)
	}
	for _, r := range reasons {
		if !strings.Contains(r, "maximum load") && !strings.Contains(r, "have no conflict") {
			t.Errorf("reason %q does not say why", r)
		}
	}
	p.PerBid = 3
	got = Assign(p)
	for _, s := range got.Uncovered {
		if s.BidID == 1 && !strings.Contains(s.Reason, "only 2 of 3 assessors have no conflict with Acme Ltd; it needs 3") {
			t.Errorf("bid 1: %q", s.Reason)
		}
	}
}

func TestReassignKeepsStandingPairs(t *testing.T) {
	p := AssignmentProblem{PerBid: 2}
	for i := 1; i <= 6; i++ {
		p.Bids = append(p.Bids, AssignBid{ID: i, Organisation: fmt.Sprintf("Supplier %d", i)})
	}
	for j := 10; j < 14; j++ {
		p.Assessors = append(p.Assessors, AssignAssessor{ID: j, MaxLoad: 4})
	}
	first := Assign(p)
	if len(first.Uncovered) != 0 {
		t.Fatalf("first assignment: %v", first.Uncovered)
	}
	// Assessor 10 declines bid 1 (they leave it) and declares a late interest in Supplier 2.
	var keep []Pair
	for _, pr := range first.Pairs {
		if !(pr.AssessorID == 10 && pr.BidID == 1) {
			keep = append(keep, pr)
		}
	}
	p.Assessors[0].DeclaredInterests = []string{"Supplier 2"}
	p.Keep = keep
	p.Declined = []Pair{{BidID: 1, AssessorID: 10}}
	second := Assign(p)
	if problems := CheckAssignment(p, second.Pairs); len(problems) > 0 {
		t.Fatalf("hard rules broken: %v", problems)
	}
	if len(second.Uncovered) != 0 {
		t.Fatalf("re-solve left %v uncovered", second.Uncovered)
	}
	now := map[Pair]bool{}
	for _, pr := range second.Pairs {
		now[Pair{BidID: pr.BidID, AssessorID: pr.AssessorID}] = true
	}
	kept := 0
	for _, pr := range keep {
		if pr.AssessorID == 10 && pr.BidID == 2 {
			continue // now a conflict: must go
		}
		if now[Pair{BidID: pr.BidID, AssessorID: pr.AssessorID}] {
			kept++
		} else {
			t.Errorf("standing pair bid %d / assessor %d was moved", pr.BidID, pr.AssessorID)
		}
	}
	if now[Pair{BidID: 1, AssessorID: 10}] {
		t.Error("the assessor who declined bid 1 was put back on it")
	}
	t.Logf("kept %d standing pairs; dropped %v", kept, second.Dropped)
}

// bruteMaxCover is the most pairings any assignment can make, by trying them all.
func bruteMaxCover(p AssignmentProblem) int {
	load := make([]int, len(p.Assessors))
	var best int
	var rec func(i, got int)
	rec = func(i, got int) {
		if i == len(p.Bids) {
			best = max(best, got)
			return
		}
		var choose func(j, chosen int)
		choose = func(j, chosen int) {
			if chosen == p.PerBid || j == len(p.Assessors) {
				rec(i+1, got+chosen)
				return
			}
			choose(j+1, chosen) // skip assessor j
			if _, c := Conflict(p.Bids[i], p.Assessors[j]); !c && load[j] < p.Assessors[j].MaxLoad {
				load[j]++
				choose(j+1, chosen+1)
				load[j]--
			}
		}
		choose(0, 0)
	}
	rec(0, 0)
	return best
}

// Property: on small random problems the solver never breaks a hard rule and covers as much as
// the best possible assignment, so it covers every bid whenever a full cover exists.
func TestAssignMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	orgs := []string{"A", "B", "C"}
	full := 0
	for trial := 0; trial < 400; trial++ {
		p := AssignmentProblem{PerBid: 1 + rng.IntN(2)}
		for i := 0; i < 1+rng.IntN(4); i++ {
			p.Bids = append(p.Bids, AssignBid{ID: i + 1, Organisation: orgs[rng.IntN(3)], Tags: []string{orgs[rng.IntN(3)]}})
		}
		for j := 0; j < 1+rng.IntN(4); j++ {
			a := AssignAssessor{ID: 100 + j, MaxLoad: rng.IntN(3), Expertise: []string{orgs[rng.IntN(3)]}}
			if rng.IntN(3) == 0 {
				a.Organisation = orgs[rng.IntN(3)]
			}
			if rng.IntN(3) == 0 {
				a.DeclaredInterests = []string{orgs[rng.IntN(3)]}
			}
			p.Assessors = append(p.Assessors, a)
		}
		got := Assign(p)
		if problems := CheckAssignment(p, got.Pairs); len(problems) > 0 {
			t.Fatalf("trial %d: %v", trial, problems)
		}
		best := bruteMaxCover(p)
		if len(got.Pairs) != best {
			t.Fatalf("trial %d: solver made %d pairings, the best possible is %d\n%+v", trial, len(got.Pairs), best, p)
		}
		if best == len(p.Bids)*p.PerBid {
			full++
			if len(got.Uncovered) != 0 {
				t.Fatalf("trial %d: a full cover exists but %v were left", trial, got.Uncovered)
			}
		}
	}
	if full < 50 {
		t.Errorf("only %d of 400 random problems were fully coverable: the generator tests too little", full)
	}
}

func benchmarkProblem() AssignmentProblem {
	rng := rand.New(rand.NewPCG(5, 6))
	tags := []string{"AI", "sensors", "health", "transport", "data", "energy", "housing", "waste", "security", "education"}
	p := AssignmentProblem{PerBid: 5}
	for i := 0; i < 2000; i++ {
		p.Bids = append(p.Bids, AssignBid{ID: i + 1, Organisation: fmt.Sprintf("Supplier %d", i), EmailDomain: fmt.Sprintf("s%d.example", i),
			Tags: []string{tags[rng.IntN(len(tags))]}})
	}
	for j := 0; j < 300; j++ {
		a := AssignAssessor{ID: 10_000 + j, Organisation: fmt.Sprintf("Assessor firm %d", j), EmailDomain: fmt.Sprintf("a%d.example", j),
			Expertise: []string{tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))]}, MaxLoad: 40}
		// Conflicts on about 5% of pairs: declared interests in 100 of the 2,000 suppliers.
		for k := 0; k < 100; k++ {
			a.DeclaredInterests = append(a.DeclaredInterests, fmt.Sprintf("Supplier %d", rng.IntN(2000)))
		}
		p.Assessors = append(p.Assessors, a)
	}
	return p
}

// BenchmarkAssign assigns 2,000 bids × 300 assessors × 5 per bid with conflicts on about 5% of
// pairs, and reports any hard-rule violation or uncovered bid as a failure.
func BenchmarkAssign(b *testing.B) {
	p := benchmarkProblem()
	b.ResetTimer()
	var got Assignment
	for range b.N {
		got = Assign(p)
	}
	b.StopTimer()
	if problems := CheckAssignment(p, got.Pairs); len(problems) > 0 {
		b.Fatalf("%d hard-rule violations, first: %s", len(problems), problems[0])
	}
	if len(got.Uncovered) > 0 {
		b.Fatalf("%d bids uncovered", len(got.Uncovered))
	}
	b.ReportMetric(float64(len(got.Pairs)), "pairs")
}

func TestBenchmarkProblemIsSolvedWithinRules(t *testing.T) {
	if testing.Short() {
		t.Skip("large problem")
	}
	p := benchmarkProblem()
	start := time.Now()
	got := Assign(p)
	t.Logf("assigned %d pairs in %s", len(got.Pairs), time.Since(start))
	if problems := CheckAssignment(p, got.Pairs); len(problems) > 0 {
		t.Fatalf("%d violations: %v", len(problems), problems[0])
	}
	if len(got.Uncovered) != 0 || len(got.Pairs) != 10_000 {
		t.Fatalf("%d pairs, %d uncovered", len(got.Pairs), len(got.Uncovered))
	}
}

func TestEmailDomainAndLoadCap(t *testing.T) {
	for in, want := range map[string]string{"Ann@Panel.Example": "panel.example", "a@b@c.gov.uk": "c.gov.uk", "nobody": "", "x@": ""} {
		if got := EmailDomain(in); got != want {
			t.Errorf("EmailDomain(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range []struct{ bids, per, assessors, want int }{
		{10, 3, 3, 12}, // 30 pairings over 3: 10 each, plus 2
		{10, 3, 4, 10}, // 30 over 4 rounds up to 8, plus 2
		{0, 3, 5, 2},
		{5, 3, 0, 0},
	} {
		if got := BalancedLoadCap(c.bids, c.per, c.assessors); got != c.want {
			t.Errorf("BalancedLoadCap(%d, %d, %d) = %d, want %d", c.bids, c.per, c.assessors, got, c.want)
		}
	}
}

func TestAnInterestDeclarationNamesEveryProblem(t *testing.T) {
	fields := func(d InterestDeclaration) []string {
		var out []string
		for _, p := range d.Problems() {
			out = append(out, p.Field)
		}
		return out
	}
	if got := fields(InterestDeclaration{Kind: "cousin", Description: "  "}); strings.Join(got, ",") != "organisation_id,kind,description" {
		t.Errorf("problems with an empty declaration: %v", got)
	}
	long := strings.Repeat("é", MaxInterestDescription)
	if got := fields(InterestDeclaration{OrganisationID: 1, Kind: InterestFamily, Description: long}); len(got) != 0 {
		t.Errorf("%d characters (%d bytes) should be allowed: %v", MaxInterestDescription, len(long), got)
	}
	if got := fields(InterestDeclaration{OrganisationID: 1, Kind: InterestFamily, Description: long + "e"}); strings.Join(got, ",") != "description" {
		t.Errorf("one character too many: %v", got)
	}
	for _, k := range InterestKinds {
		if k.Label() == string(k) {
			t.Errorf("%s has no label", k)
		}
	}
}
