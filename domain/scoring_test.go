package domain

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func assessment(scores map[string]int, inScope, fund bool) Assessment {
	a := Assessment{Scores: map[string]CriterionScore{}, InScope: inScope, Fund: fund}
	for k, v := range scores {
		a.Scores[k] = CriterionScore{Score: v, Comment: "because"}
	}
	return a
}

func all(score int) map[string]int {
	return map[string]int{"challenge_fit": score, "innovation": score, "feasibility": score, "value": score}
}

func TestWeightedPercent(t *testing.T) {
	s := DefaultScheme() // weights 30, 25, 25, 20; each out of 10
	cases := []struct {
		name   string
		scores map[string]int
		want   float64
	}{
		{"all 10 = 100%", all(10), 100},
		{"all 7 = 70%", all(7), 70},
		{"all 0 = 0%", all(0), 0},
		// (10×30 + 0×25 + 0×25 + 0×20) / 10 / 100 = 30%
		{"only fit full = 30%", map[string]int{"challenge_fit": 10, "innovation": 0, "feasibility": 0, "value": 0}, 30},
		// (9×30 + 8×25 + 7×25 + 6×20)/10 = (270+200+175+120)/10 = 76.5%
		{"9,8,7,6 = 76.5%", map[string]int{"challenge_fit": 9, "innovation": 8, "feasibility": 7, "value": 6}, 76.5},
		// (1×30 + 1×25 + 2×25 + 0×20)/10 = 105/10 = 10.5%
		{"1,1,2,0 = 10.5%", map[string]int{"challenge_fit": 1, "innovation": 1, "feasibility": 2, "value": 0}, 10.5},
	}
	for _, c := range cases {
		if got := s.Percent(assessment(c.scores, true, true)); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
}

func TestValidateAssessmentNamesEveryProblem(t *testing.T) {
	s := DefaultScheme()
	a := Assessment{Scores: map[string]CriterionScore{
		"challenge_fit": {Score: 11, Comment: "x"},
		"innovation":    {Score: 5, Comment: " "},
		"typo":          {Score: 5, Comment: "x"},
	}}
	err := s.ValidateAssessment(a)
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v", err)
	}
	// Each criterion is named by its title, as the scoring page shows it; never by its key.
	for _, want := range []string{`The score for Fit to the challenge must be from 0 to 10, not 11`, `Enter your comment on Innovation`,
		`Enter a score for Technical feasibility and plan`, `Enter a score for Value for money`, `criterion "typo" is not a scored criterion`} {
		if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(want)) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
	if err := s.ValidateAssessment(assessment(all(7), true, true)); err != nil {
		t.Errorf("a complete assessment was refused: %v", err)
	}
}

func TestFundableNeedsMajoritiesAndTheThreshold(t *testing.T) {
	s := DefaultScheme()
	cases := []struct {
		name     string
		as       []Assessment
		fundable bool
		reason   string
	}{
		{"three at 80%, all yes", []Assessment{assessment(all(8), true, true), assessment(all(8), true, true), assessment(all(8), true, true)}, true, "at or above the quality threshold"},
		// mean of 80, 70, 60 = 70: exactly the threshold counts
		{"mean exactly 70%", []Assessment{assessment(all(8), true, true), assessment(all(7), true, true), assessment(all(6), true, true)}, true, "scored 70.00%"},
		// mean of 70, 70, 60 = 66.67
		{"mean 66.67% is below 70%", []Assessment{assessment(all(7), true, true), assessment(all(7), true, true), assessment(all(6), true, true)}, false, "below the quality threshold"},
		{"in scope 1 of 3", []Assessment{assessment(all(9), true, true), assessment(all(9), false, true), assessment(all(9), false, true)}, false, "1 of 3 did"},
		{"fund 2 of 4 is not a strict majority", []Assessment{assessment(all(9), true, true), assessment(all(9), true, true), assessment(all(9), true, false), assessment(all(9), true, false)}, false, "did not recommend funding (2 of 4 did)"},
		{"not assessed", nil, false, "has not been assessed"},
	}
	for _, c := range cases {
		r := s.Score(BidScores{BidID: 1, Assessments: c.as})
		if r.Fundable != c.fundable || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("%s: fundable=%v %q; want %v and %q", c.name, r.Fundable, r.Reason, c.fundable, c.reason)
		}
	}
}

func TestRankBreaksTiesByFundVotesThenReceiptThenID(t *testing.T) {
	t0 := time.Date(2026, 5, 14, 10, 0, 0, 0, time.UTC)
	in := []BidResult{
		{BidID: 4, Percent: 80, FundVotes: 3, SubmittedAt: t0.Add(time.Hour)},
		{BidID: 3, Percent: 80, FundVotes: 3, SubmittedAt: t0},
		{BidID: 2, Percent: 80, FundVotes: 2, SubmittedAt: t0},
		{BidID: 1, Percent: 90, FundVotes: 1, SubmittedAt: t0},
		{BidID: 5, Percent: 80, FundVotes: 3, SubmittedAt: t0},
	}
	got := Rank(in)
	want := []int{1, 3, 5, 4, 2}
	for i, r := range got {
		if r.BidID != want[i] {
			t.Fatalf("rank order %v, want %v", ids(got), want)
		}
	}
	// The order does not depend on the input order.
	rev := append([]BidResult(nil), in...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if g := ids(Rank(rev)); g[0] != 1 || g[1] != 3 || g[2] != 5 || g[3] != 4 || g[4] != 2 {
		t.Fatalf("reversed input ranked %v", g)
	}
}

func ids(rs []BidResult) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.BidID
	}
	return out
}

func TestSelectTopDownRespectsEveryCap(t *testing.T) {
	caps := PhaseCaps{Pot: Pounds(100_000), MaxContract: Pounds(50_000), MaxContracts: 2}
	ranked := []BidResult{
		{BidID: 1, Amount: Pounds(45_000), Fundable: true, Reason: "r"},
		{BidID: 2, Amount: Pounds(60_000), Fundable: true, Reason: "r"}, // over the per-contract cap
		{BidID: 3, Amount: Pounds(50_000), Fundable: true, Reason: "r"}, // 45k + 50k = 95k fits
		{BidID: 4, Amount: Pounds(5_000), Fundable: true, Reason: "r"},  // fits the pot, but the count is used up
		{BidID: 5, Amount: Pounds(1_000), Fundable: false, Reason: "it scored 50%"},
	}
	sel := SelectTopDown(ranked, caps)
	if len(sel.Funded) != 2 || sel.Funded[0] != 1 || sel.Funded[1] != 3 || sel.Committed != Pounds(95_000) {
		t.Fatalf("funded %v committing %s; want [1 3] committing £95,000.00", sel.Funded, sel.Committed)
	}
	for id, want := range map[int]string{
		2: "above the £50,000.00 maximum per contract",
		4: "all 2 contracts had been awarded",
		5: "not funded because it scored 50%",
		1: "Ranked 1 of 5: funded",
	} {
		if !strings.Contains(sel.Explanation[id], want) {
			t.Errorf("bid %d: %q does not say %q", id, sel.Explanation[id], want)
		}
	}
	// The pot: 60k then 50k would be 110k > 100k, so the second is skipped and says so.
	sel = SelectTopDown([]BidResult{{BidID: 1, Amount: Pounds(50_000), Fundable: true}, {BidID: 2, Amount: Pounds(50_000), Fundable: true}, {BidID: 3, Amount: Pounds(10_000), Fundable: true}},
		PhaseCaps{Pot: Pounds(60_000), MaxContract: Pounds(50_000)})
	if len(sel.Funded) != 2 || sel.Funded[1] != 3 || !strings.Contains(sel.Explanation[2], "past the £60,000.00 pot") {
		t.Errorf("pot: funded %v, bid 2 %q", sel.Funded, sel.Explanation[2])
	}
}

func TestCheckPortfolioSaysWhatIsOver(t *testing.T) {
	caps := PhaseCaps{Pot: Pounds(100_000), MaxContract: Pounds(50_000), MaxContracts: 2}
	results := []BidResult{
		{BidID: 1, Amount: Pounds(50_000), Fundable: true},
		{BidID: 2, Amount: Pounds(50_000), Fundable: true},
		{BidID: 3, Amount: Pounds(20_000), Fundable: true},
		{BidID: 4, Amount: Pounds(10_000), Fundable: false, Reason: "below threshold"},
	}
	name := func(id int) string { return fmt.Sprintf("Bid %c from Acme", 'A'+id-1) }
	if total, err := CheckPortfolio([]int{1, 2}, results, caps, name); err != nil || total != Pounds(100_000) {
		t.Errorf("[1 2]: %s, %v", total, err)
	}
	_, err := CheckPortfolio([]int{1, 2, 3, 4, 9}, results, caps, name)
	for _, want := range []string{"bid number 9 is not one of", "Bid D from Acme is not fundable", "4 bids are chosen but at most 2", "total £130,000.00, £30,000.00 over"} {
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(want)) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
}

func TestMoneyFormatsAsPagesShowIt(t *testing.T) {
	for m, want := range map[Money]string{0: "£0.00", 5: "£0.05", Pounds(50_000): "£50,000.00", 123456789: "£1,234,567.89", -150: "-£1.50", Pounds(1_000_000): "£1,000,000.00"} {
		if got := m.String(); got != want {
			t.Errorf("%d pence = %q, want %q", int64(m), got, want)
		}
	}
}

func TestCapsValidate(t *testing.T) {
	if err := DefaultCaps(1).Validate(); err != nil {
		t.Error(err)
	}
	if err := (PhaseCaps{Pot: Pounds(10), MaxContract: Pounds(20)}).Validate(); err == nil || !strings.Contains(err.Error(), "cannot be more than the pot") {
		t.Errorf("contract over pot: %v", err)
	}
	if err := (PhaseCaps{Pot: 0, MaxContract: 0}).Validate(); err == nil {
		t.Error("zero pot accepted")
	}
}

// With an interview stage, the written score earns the interview, and the interview then counts
// for its weight: a strong interview lifts a bid past one that wrote better, a weak one sinks it.
func TestInterviewCombinesWithTheWrittenScoreByItsWeight(t *testing.T) {
	s := DefaultScheme()
	s.InterviewWeight = 40
	three := func(score int) []Assessment {
		return []Assessment{assessment(all(score), true, true), assessment(all(score), true, true), assessment(all(score), true, true)}
	}
	pct := func(v float64) *float64 { return &v }
	cases := []struct {
		name        string
		written     int
		interview   *float64
		shortlisted bool
		fundable    bool
		percent     float64
		reason      string
	}{
		{"below the threshold: no interview", 6, nil, false, false, 60, "below the quality threshold of 70%"},
		{"shortlisted, not yet interviewed", 8, nil, true, false, 80, "shortlisted for interview, whose score is not recorded"},
		// 80 × 0.6 + 95 × 0.4 = 86
		{"a strong interview", 8, pct(95), true, true, 86, "80.00% in writing and 95.00% at interview, 86.00% with the interview weighted at 40%"},
		// 90 × 0.6 + 30 × 0.4 = 66
		{"a weak interview sinks it", 9, pct(30), true, false, 66, "66.00% with the interview weighted at 40%, below the quality threshold"},
	}
	for _, c := range cases {
		r := s.Score(BidScores{BidID: 1, Assessments: three(c.written), Interview: c.interview})
		if r.Shortlisted != c.shortlisted || r.Fundable != c.fundable || r.Percent != c.percent || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("%s: shortlisted=%v fundable=%v %.2f%% %q; want %v %v %.2f%% %q", c.name, r.Shortlisted, r.Fundable, r.Percent, r.Reason,
				c.shortlisted, c.fundable, c.percent, c.reason)
		}
	}
	// Without an interview stage an interview score changes nothing.
	if r := DefaultScheme().Score(BidScores{BidID: 1, Assessments: three(8), Interview: pct(10)}); r.Percent != 80 || !r.Fundable || r.Shortlisted {
		t.Errorf("no interview stage: %+v", r)
	}
}
