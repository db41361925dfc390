package domain

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func by(assessor int, a Assessment) Assessment { a.AssessorID = assessor; return a }

func TestModerationFlagsSpreadAndSaysHowFar(t *testing.T) {
	s := DefaultScheme()
	bids := []BidScores{
		// 80, 80, 40: spread 40; the 40 is 40 points below the others' mean of 80
		{BidID: 1, Assessments: []Assessment{by(1, assessment(all(8), true, true)), by(2, assessment(all(8), true, true)), by(3, assessment(all(4), true, true))}},
		// 70, 75 (7s and 7.5 impossible: use 7, 8 → 70, 80): spread 10, within a 15-point band
		{BidID: 2, Assessments: []Assessment{by(1, assessment(all(7), true, true)), by(2, assessment(all(8), true, true))}},
	}
	flags := s.Moderate(bids, 15)
	if len(flags) != 1 || flags[0].BidID != 1 || !flags[0].Wide || flags[0].Spread != 40 {
		t.Fatalf("flags = %+v; want bid 1 only, spread 40", flags)
	}
	var low *Outlier
	for i := range flags[0].Outliers {
		if flags[0].Outliers[i].AssessorID == 3 {
			low = &flags[0].Outliers[i]
		}
	}
	if low == nil || low.Distance != -40 || !strings.Contains(low.Message, "40.00 points below the other assessors' mean of 80.00%") {
		t.Fatalf("outliers = %+v; want assessor 3 flagged 40 points below", flags[0].Outliers)
	}
	// The other two are each 20 above the mean of (80, 40) = 60: also beyond 15.
	if len(flags[0].Outliers) != 3 {
		t.Errorf("%d outliers at band 15, want 3", len(flags[0].Outliers))
	}
	if f := s.Moderate(bids, 45); len(f) != 0 {
		t.Errorf("a 45-point band still flags %+v", f)
	}
}

func TestExcludedScoreLeavesTheMeanButKeepsItsComments(t *testing.T) {
	s := DefaultScheme()
	low, err := by(3, assessment(all(4), true, true)).Exclude("scored against the wrong brief", "moderator@catalyst.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := low.Exclude(" ", "m"); err == nil {
		t.Error("an exclusion without a reason was accepted")
	}
	b := BidScores{BidID: 1, Assessments: []Assessment{by(1, assessment(all(8), true, true)), by(2, assessment(all(7), true, true)), low}}
	r := s.Score(b)
	// (80 + 70) / 2 = 75, not (80 + 70 + 40) / 3 = 63.33
	if r.Percent != 75 || r.Excluded != 1 || !r.Fundable {
		t.Errorf("result = %+v; want 75%% from the two counted scores, fundable", r)
	}
	if low.Scores["innovation"].Comment == "" {
		t.Error("the excluded assessment lost its comments")
	}
}

func TestPassFailCriteriaGateFunding(t *testing.T) {
	s := DefaultScheme()
	s.Criteria = append(s.Criteria, Criterion{Key: "start_date", Title: "Can start by 1 June", PassFail: true})
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	pass := func(a Assessment, ok bool) Assessment {
		a.PassFail = map[string]PassFailAnswer{"start_date": {Pass: ok, Comment: "checked the plan"}}
		return a
	}
	if err := s.ValidateAssessment(assessment(all(9), true, true)); err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(`Say whether the bid passes or fails Can start by 1 June`)) {
		t.Errorf("missing pass/fail answer: %v", err)
	}
	// 90% everywhere, but two of three assessors fail the start date.
	b := BidScores{BidID: 1, Assessments: []Assessment{pass(assessment(all(9), true, true), true), pass(assessment(all(9), true, true), false), pass(assessment(all(9), true, true), false)}}
	r := s.Score(b)
	if r.Fundable || !strings.Contains(r.Reason, `did not pass it on "Can start by 1 June" (2 of 3 failed it)`) || r.Percent != 90 {
		t.Errorf("result = %+v", r)
	}
	b.Assessments[1] = pass(assessment(all(9), true, true), true)
	if r := s.Score(b); !r.Fundable {
		t.Errorf("passed by 2 of 3 but not fundable: %s", r.Reason)
	}
	bad := Scheme{Criteria: []Criterion{{Key: "gate", PassFail: true}}, Threshold: 70, MinAssessors: 1}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), "at least one scored criterion") {
		t.Errorf("a scheme of only pass/fail criteria: %v", err)
	}
}

func TestDefaultMaximumIsTen(t *testing.T) {
	s := Scheme{Criteria: []Criterion{{Key: "a", Title: "A", Weight: 1}}, Threshold: 70, MinAssessors: 1}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if p := s.Percent(assessment(map[string]int{"a": 7}, true, true)); p != 70 {
		t.Errorf("7 out of the default 10 = %v%%", p)
	}
	if err := s.ValidateAssessment(assessment(map[string]int{"a": 11}, true, true)); err == nil {
		t.Error("11 out of 10 accepted")
	}
}

func TestTieBreakerCriterionAndTieNotes(t *testing.T) {
	s := DefaultScheme()
	s.TieBreaker = "feasibility"
	// Both bids average 75% with 3 fund votes; bid 2 scores higher on feasibility.
	a1 := map[string]int{"challenge_fit": 10, "innovation": 10, "feasibility": 5, "value": 5} // 300+250+125+100 = 775 → 77.5
	a2 := map[string]int{"challenge_fit": 10, "innovation": 5, "feasibility": 10, "value": 5} // 300+125+250+100 = 775 → 77.5
	r1 := s.Score(BidScores{BidID: 1, Amount: Pounds(40_000), Assessments: []Assessment{assessment(a1, true, true)}})
	r2 := s.Score(BidScores{BidID: 2, Amount: Pounds(40_000), Assessments: []Assessment{assessment(a2, true, true)}})
	ranked := Rank([]BidResult{r1, r2})
	if ranked[0].BidID != 2 || !strings.Contains(ranked[0].TieNote, "tied with bid 1 on 77.50%; ranked above it on a higher score on the tie-breaker criterion (100.00% to 50.00%)") {
		t.Fatalf("ranked %v, note %q", ids(ranked), ranked[0].TieNote)
	}
	sel := SelectTopDown(ranked, DefaultCaps(1))
	if !strings.Contains(sel.Explanation[2], "It was tied with bid 1") {
		t.Errorf("the funded bid's explanation does not mention the tie: %q", sel.Explanation[2])
	}
	if err := (Scheme{Criteria: s.Criteria, Threshold: 70, MinAssessors: 1, TieBreaker: "nope"}).Check(); err == nil {
		t.Error("an unknown tie-breaker was accepted")
	}
}

func TestNormalisationOnlyAboveTheMinimumSample(t *testing.T) {
	s := Scheme{Criteria: []Criterion{{Key: "q", Title: "Q", Weight: 1}}, Threshold: 70, MinAssessors: 1}
	score := func(assessor, v int) Assessment {
		return Assessment{AssessorID: assessor, Scores: map[string]CriterionScore{"q": {Score: v, Comment: "c"}}}
	}
	// Assessor 1 is harsh (scores 2, 4, 6), assessor 2 lenient (6, 8, 10) on the same three bids:
	// after normalisation each bid's two scores agree.
	var bids []BidScores
	for i, harsh := range []int{2, 4, 6} {
		bids = append(bids, BidScores{BidID: i + 1, Assessments: []Assessment{score(1, harsh), score(2, harsh+4)}})
	}
	n := s.Normalise(bids, 3)
	for i, ns := range n {
		if ns.Adjusted != 2 || ns.Total != 2 {
			t.Errorf("bid %d: %d of %d normalised, want 2 of 2", ns.BidID, ns.Adjusted, ns.Total)
		}
		if ns.Raw != s.Score(bids[i]).Percent {
			t.Errorf("bid %d: raw %v differs from the score %v", ns.BidID, ns.Raw, s.Score(bids[i]).Percent)
		}
	}
	if !(n[0].Normalised < n[1].Normalised && n[1].Normalised < n[2].Normalised) {
		t.Errorf("normalisation changed the order: %+v", n)
	}
	// With a minimum of 4 bids, nobody has enough: every score is used raw.
	for _, ns := range s.Normalise(bids, 4) {
		if ns.Adjusted != 0 || ns.Normalised != ns.Raw {
			t.Errorf("below the minimum sample, bid %d was adjusted: %+v", ns.BidID, ns)
		}
	}
}

// Property: whatever valid scores are given, every percentage stays within 0–100 and a bid's
// score lies between its lowest and highest assessor's.
func TestScoresStayInRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		s := randomScheme(rng)
		n := 1 + rng.IntN(6)
		b := BidScores{BidID: trial}
		lo, hi := 101.0, -1.0
		for i := 0; i < n; i++ {
			a := randomAssessment(rng, s, i)
			p := s.Percent(a)
			if p < 0 || p > 100 {
				t.Fatalf("percent %v out of range for %+v", p, a)
			}
			lo, hi = math.Min(lo, p), math.Max(hi, p)
			b.Assessments = append(b.Assessments, a)
		}
		if r := s.Score(b); r.Percent < lo-0.01 || r.Percent > hi+0.01 {
			t.Fatalf("bid score %v outside its assessors' %v–%v", r.Percent, lo, hi)
		}
	}
}

func randomScheme(rng *rand.Rand) Scheme {
	s := Scheme{Threshold: 70, MinAssessors: 1}
	for i := 0; i < 1+rng.IntN(6); i++ {
		s.Criteria = append(s.Criteria, Criterion{Key: fmt.Sprintf("c%d", i), Title: "C", Weight: 1 + rng.IntN(40), Max: rng.IntN(12)})
	}
	return s
}

func randomAssessment(rng *rand.Rand, s Scheme, assessor int) Assessment {
	a := Assessment{AssessorID: assessor, Scores: map[string]CriterionScore{}, InScope: rng.IntN(4) > 0, Fund: rng.IntN(3) > 0}
	for _, c := range s.Criteria {
		a.Scores[c.Key] = CriterionScore{Score: rng.IntN(c.MaxScore() + 1), Comment: "c"}
	}
	return a
}

// FuzzValidateAssessment: validation never panics, and what it accepts always scores in range.
func FuzzValidateAssessment(f *testing.F) {
	f.Add("challenge_fit", 5, "ok", true, true)
	f.Add("innovation", -1, "", false, true)
	f.Add("unknown", 99, "x", true, false)
	f.Fuzz(func(t *testing.T, key string, score int, comment string, inScope, fund bool) {
		s := DefaultScheme()
		a := assessment(all(5), inScope, fund)
		a.Scores[key] = CriterionScore{Score: score, Comment: comment}
		err := s.ValidateAssessment(a)
		if err == nil {
			if p := s.Percent(a); p < 0 || p > 100 {
				t.Fatalf("accepted %+v scoring %v%%", a, p)
			}
		}
	})
}

// BenchmarkRankAndModerate scores, moderates and ranks 10,000 bids × 5 assessors × 6 criteria.
func BenchmarkRankAndModerate(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := Scheme{Threshold: 70, MinAssessors: 5}
	for i := 0; i < 6; i++ {
		s.Criteria = append(s.Criteria, Criterion{Key: fmt.Sprintf("c%d", i), Title: "C", Weight: 10 + i})
	}
	bids := make([]BidScores, 10_000)
	t0 := time.Date(2026, 5, 14, 9, 0, 0, 0, time.UTC)
	for i := range bids {
		bids[i] = BidScores{BidID: i + 1, Amount: Pounds(int64(20_000 + rng.IntN(30_000))), SubmittedAt: t0.Add(time.Duration(rng.IntN(3600)) * time.Second)}
		for j := 0; j < 5; j++ {
			bids[i].Assessments = append(bids[i].Assessments, randomAssessment(rng, s, 1+rng.IntN(300)))
		}
	}
	b.ResetTimer()
	for range b.N {
		results := make([]BidResult, len(bids))
		for i, bid := range bids {
			results[i] = s.Score(bid)
		}
		_ = s.Moderate(bids, 20)
		_ = s.Normalise(bids, 5)
		ranked := Rank(results)
		_ = SelectTopDown(ranked, PhaseCaps{Pot: Pounds(5_000_000), MaxContract: Pounds(50_000), MaxContracts: 100})
	}
}
