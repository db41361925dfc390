package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Criterion is one question of a competition's scheme: scored (with a weight and a maximum), or
// pass/fail and not scored (a gate such as "the team can start by the date"). Every answer needs
// a comment: the supplier's feedback is made of them.
type Criterion struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Weight   int    `json:"weight,omitempty"`    // relative weight; weights need not add up to 100
	Max      int    `json:"max,omitempty"`       // highest score; 0 means the default, 10
	PassFail bool   `json:"pass_fail,omitempty"` // answered pass or fail, not scored
}

// DefaultMaxScore is a scored criterion's maximum when the scheme does not say.
const DefaultMaxScore = 10

// MaxScore is the highest score an assessor may give.
func (c Criterion) MaxScore() int {
	if c.Max == 0 {
		return DefaultMaxScore
	}
	return c.Max
}

// Scheme is how a competition's bids are scored.
type Scheme struct {
	Criteria     []Criterion `json:"criteria"`
	Threshold    float64     `json:"threshold"`             // quality threshold, percent
	MinAssessors int         `json:"min_assessors"`         // assessments a bid needs before decisions
	TieBreaker   string      `json:"tie_breaker,omitempty"` // the criterion that breaks ties after fund votes
}

// DefaultScheme follows the Innovate UK pattern: four weighted questions scored out of 10, a 70%
// quality threshold and three assessors a bid.
func DefaultScheme() Scheme {
	return Scheme{
		Criteria: []Criterion{
			{Key: "challenge_fit", Title: "Fit to the challenge", Weight: 30, Max: 10},
			{Key: "innovation", Title: "Innovation", Weight: 25, Max: 10},
			{Key: "feasibility", Title: "Technical feasibility and plan", Weight: 25, Max: 10},
			{Key: "value", Title: "Value for money", Weight: 20, Max: 10},
		},
		Threshold:    70,
		MinAssessors: 3,
	}
}

// Validate refuses a scheme that cannot score anything.
func (s Scheme) Validate() error {
	scored := 0
	seen := map[string]bool{}
	for i, c := range s.Criteria {
		switch {
		case strings.TrimSpace(c.Key) == "":
			return InvalidInput("criterion %d needs a key", i+1)
		case seen[c.Key]:
			return InvalidInput("criterion key %q is used twice", c.Key)
		case c.PassFail && (c.Weight != 0 || c.Max != 0):
			return InvalidInput("criterion %q is pass/fail, so it has no weight or maximum score", c.Key)
		case !c.PassFail && c.Weight <= 0:
			return InvalidInput("criterion %q needs a weight above 0", c.Key)
		case c.Max < 0:
			return InvalidInput("criterion %q needs a maximum score above 0", c.Key)
		}
		if !c.PassFail {
			scored++
		}
		seen[c.Key] = true
	}
	if scored == 0 {
		return InvalidInput("the scheme needs at least one scored criterion")
	}
	if s.TieBreaker != "" {
		c, ok := s.criterion(s.TieBreaker)
		if !ok || c.PassFail {
			return InvalidInput("the tie-breaker %q must be one of the scheme's scored criteria", s.TieBreaker)
		}
	}
	if s.Threshold < 0 || s.Threshold > 100 {
		return InvalidInput("the quality threshold must be between 0 and 100 percent")
	}
	if s.MinAssessors < 1 {
		return InvalidInput("each bid needs at least 1 assessor")
	}
	return nil
}

// CriterionScore is one assessor's score and comment on one criterion.
type CriterionScore struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// Assessment is one assessor's complete scoring of one bid.
type Assessment struct {
	AssessorID int                       `json:"assessor_id,omitempty"`
	Scores     map[string]CriterionScore `json:"scores"`
	PassFail   map[string]PassFailAnswer `json:"pass_fail,omitempty"`
	InScope    bool                      `json:"in_scope"`
	Fund       bool                      `json:"fund"`
	// Excluded is set by moderation: the score leaves the mean; the comments stay.
	Excluded *Exclusion `json:"excluded,omitempty"`
}

// PassFailAnswer is an assessor's answer to a pass/fail criterion.
type PassFailAnswer struct {
	Pass    bool   `json:"pass"`
	Comment string `json:"comment"`
}

// Exclusion records who took a score out of a bid's mean, and why.
type Exclusion struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// Exclude marks an assessment as excluded from the mean. A reason is required: the decision
// must be explainable to the supplier and to audit.
func (a Assessment) Exclude(reason, by string) (Assessment, error) {
	if strings.TrimSpace(reason) == "" {
		return a, InvalidInput("give a reason for excluding the score: it is recorded and may be shown to the supplier")
	}
	if strings.TrimSpace(by) == "" {
		return a, InvalidInput("say who is excluding the score")
	}
	a.Excluded = &Exclusion{Reason: reason, By: by}
	return a, nil
}

// ValidateAssessment checks an assessment against the scheme and names every problem at once.
func (s Scheme) ValidateAssessment(a Assessment) error {
	var problems []string
	for _, c := range s.Criteria {
		if c.PassFail {
			ans, ok := a.PassFail[c.Key]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("answer %q (%s) pass or fail", c.Key, c.Title))
			case strings.TrimSpace(ans.Comment) == "":
				problems = append(problems, fmt.Sprintf("comment for %q is missing: the supplier's feedback comes from it", c.Key))
			}
			continue
		}
		cs, ok := a.Scores[c.Key]
		if !ok {
			problems = append(problems, fmt.Sprintf("score %q (%s) is missing", c.Key, c.Title))
			continue
		}
		if cs.Score < 0 || cs.Score > c.MaxScore() {
			problems = append(problems, fmt.Sprintf("score for %q must be from 0 to %d, not %d", c.Key, c.MaxScore(), cs.Score))
		}
		if strings.TrimSpace(cs.Comment) == "" {
			problems = append(problems, fmt.Sprintf("comment for %q is missing: the supplier's feedback comes from it", c.Key))
		}
	}
	for k := range a.Scores {
		if c, ok := s.criterion(k); !ok || c.PassFail {
			problems = append(problems, fmt.Sprintf("criterion %q is not a scored criterion of this competition's scheme", k))
		}
	}
	for k := range a.PassFail {
		if c, ok := s.criterion(k); !ok || !c.PassFail {
			problems = append(problems, fmt.Sprintf("criterion %q is not a pass/fail criterion of this competition's scheme", k))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return InvalidInput("%s", strings.Join(problems, "; "))
	}
	return nil
}

func (s Scheme) criterion(key string) (Criterion, bool) {
	for _, c := range s.Criteria {
		if c.Key == key {
			return c, true
		}
	}
	return Criterion{}, false
}

// Percent is one assessment's weighted score as a percentage of the maximum.
func (s Scheme) Percent(a Assessment) float64 {
	var got, max float64
	for _, c := range s.Criteria {
		if c.PassFail {
			continue
		}
		got += float64(a.Scores[c.Key].Score) / float64(c.MaxScore()) * float64(c.Weight)
		max += float64(c.Weight)
	}
	if max == 0 {
		return 0
	}
	return round2(got / max * 100)
}

func round2(f float64) float64 {
	if f < 0 {
		return -round2(-f)
	}
	return float64(int64(f*100+0.5)) / 100
}

// BidScores is what the rules need to know of one bid.
type BidScores struct {
	BidID       int
	Amount      Money
	SubmittedAt time.Time
	Assessments []Assessment
}

// BidResult is a bid's score and whether it may be funded.
type BidResult struct {
	BidID        int
	Amount       Money
	Percent      float64 // mean weighted percentage over its assessments
	InScopeVotes int
	FundVotes    int
	Assessors    int
	Excluded     int     // assessments moderation took out of the mean
	TieBreak     float64 // mean percentage on the scheme's tie-breaker criterion
	Fundable     bool
	Reason       string // why it is or is not fundable, for the supplier
	TieNote      string // how a tie on score was broken, set by Rank
	SubmittedAt  time.Time
}

// Score computes a bid's result under the scheme. Excluded assessments leave the mean but their
// votes and comments stay.
func (s Scheme) Score(b BidScores) BidResult {
	r := BidResult{BidID: b.BidID, Amount: b.Amount, Assessors: len(b.Assessments), SubmittedAt: b.SubmittedAt}
	var sum, tie float64
	counted := 0
	failed := map[string]int{}
	for _, a := range b.Assessments {
		if a.InScope {
			r.InScopeVotes++
		}
		if a.Fund {
			r.FundVotes++
		}
		for _, c := range s.Criteria {
			if c.PassFail && !a.PassFail[c.Key].Pass {
				failed[c.Key]++
			}
		}
		if a.Excluded != nil {
			r.Excluded++
			continue
		}
		counted++
		sum += s.Percent(a)
		if c, ok := s.criterion(s.TieBreaker); ok && !c.PassFail {
			tie += float64(a.Scores[c.Key].Score) / float64(c.MaxScore()) * 100
		}
	}
	if counted > 0 {
		r.Percent = round2(sum / float64(counted))
		r.TieBreak = round2(tie / float64(counted))
	}
	var failedKey string
	for _, c := range s.Criteria { // scheme order, so the reason is deterministic
		if c.PassFail && failed[c.Key]*2 >= r.Assessors && failedKey == "" {
			failedKey = c.Key
		}
	}
	switch {
	case r.Assessors == 0:
		r.Reason = "it has not been assessed"
	case counted == 0:
		r.Reason = "every score was excluded in moderation"
	case r.InScopeVotes*2 <= r.Assessors:
		r.Reason = fmt.Sprintf("a majority of assessors did not find it in scope (%d of %d did)", r.InScopeVotes, r.Assessors)
	case r.FundVotes*2 <= r.Assessors:
		r.Reason = fmt.Sprintf("a majority of assessors did not recommend funding (%d of %d did)", r.FundVotes, r.Assessors)
	case failedKey != "":
		c, _ := s.criterion(failedKey)
		r.Reason = fmt.Sprintf("a majority of assessors did not pass it on %q (%d of %d failed it)", c.Title, failed[failedKey], r.Assessors)
	case r.Percent < s.Threshold:
		r.Reason = fmt.Sprintf("its score of %.2f%% is below the quality threshold of %.0f%%", r.Percent, s.Threshold)
	default:
		r.Fundable = true
		r.Reason = fmt.Sprintf("it scored %.2f%%, at or above the quality threshold of %.0f%%, with a majority of in-scope and fund votes", r.Percent, s.Threshold)
	}
	return r
}

// Rank orders results best first: by score, then fund votes, then the scheme's tie-breaker
// criterion, then earlier receipt, then bid ID, so the order never depends on input order. A bid
// tied on score with the one below it gets a TieNote saying what separated them.
func Rank(results []BidResult) []BidResult {
	out := append([]BidResult(nil), results...)
	sort.SliceStable(out, func(i, j int) bool { return before(out[i], out[j]) })
	for i := 0; i+1 < len(out); i++ {
		a, b := out[i], out[i+1]
		if a.Percent != b.Percent {
			continue
		}
		var why string
		switch {
		case a.FundVotes != b.FundVotes:
			why = fmt.Sprintf("more fund votes (%d to %d)", a.FundVotes, b.FundVotes)
		case a.TieBreak != b.TieBreak:
			why = fmt.Sprintf("a higher score on the tie-breaker criterion (%.2f%% to %.2f%%)", a.TieBreak, b.TieBreak)
		case !a.SubmittedAt.Equal(b.SubmittedAt):
			why = "an earlier receipt time"
		default:
			why = "its lower bid number, all else being equal"
		}
		out[i].TieNote = fmt.Sprintf("tied with bid %d on %.2f%%; ranked above it on %s", b.BidID, a.Percent, why)
	}
	return out
}

func before(a, b BidResult) bool {
	if a.Percent != b.Percent {
		return a.Percent > b.Percent
	}
	if a.FundVotes != b.FundVotes {
		return a.FundVotes > b.FundVotes
	}
	if a.TieBreak != b.TieBreak {
		return a.TieBreak > b.TieBreak
	}
	if !a.SubmittedAt.Equal(b.SubmittedAt) {
		return a.SubmittedAt.Before(b.SubmittedAt)
	}
	return a.BidID < b.BidID
}

// Selection is the outcome of choosing bids to fund.
type Selection struct {
	Funded      []int          // bid IDs, in rank order
	Explanation map[int]string // a sentence per bid that a supplier could be shown
	Committed   Money
}

// SelectTopDown funds fundable bids in rank order until the pot or the contract count runs out,
// skipping (and saying so) any bid that would break the pot or the per-contract cap.
func SelectTopDown(ranked []BidResult, caps PhaseCaps) Selection {
	sel := Selection{Explanation: map[int]string{}}
	for i, r := range ranked {
		pos := fmt.Sprintf("Ranked %d of %d", i+1, len(ranked))
		if !r.Fundable {
			sel.Explanation[r.BidID] = fmt.Sprintf("%s: not funded because %s.", pos, r.Reason)
			continue
		}
		err := caps.Commit(sel.Committed, len(sel.Funded), r.Amount)
		switch {
		case err == nil:
			sel.Funded = append(sel.Funded, r.BidID)
			sel.Committed += r.Amount
			sel.Explanation[r.BidID] = fmt.Sprintf("%s: funded because %s.", pos, r.Reason)
			if r.TieNote != "" {
				sel.Explanation[r.BidID] += " It was " + r.TieNote + "."
			}
		case errors.Is(err, ErrOverContractCap):
			sel.Explanation[r.BidID] = fmt.Sprintf("%s: not funded because its price of %s is above the %s maximum per contract.", pos, r.Amount, caps.MaxContract)
		case errors.Is(err, ErrTooManyContracts):
			sel.Explanation[r.BidID] = fmt.Sprintf("%s: fundable, but all %d contracts had been awarded to higher-ranked bids.", pos, caps.MaxContracts)
		case errors.Is(err, ErrOverPot):
			sel.Explanation[r.BidID] = fmt.Sprintf("%s: fundable, but its price of %s would take spend past the %s pot (%s already committed).", pos, r.Amount, caps.Pot, sel.Committed)
		default:
			sel.Explanation[r.BidID] = fmt.Sprintf("%s: not funded: %v.", pos, err)
		}
	}
	return sel
}

// CheckPortfolio checks a chosen set of bids against the caps and says exactly what is over.
func CheckPortfolio(chosen []int, results []BidResult, caps PhaseCaps) (Money, error) {
	byID := map[int]BidResult{}
	for _, r := range results {
		byID[r.BidID] = r
	}
	var total Money
	var problems []string
	seen := map[int]bool{}
	for _, id := range chosen {
		r, ok := byID[id]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("bid %d is not in this competition's assessed bids", id))
			continue
		case seen[id]:
			problems = append(problems, fmt.Sprintf("bid %d is chosen twice", id))
			continue
		case !r.Fundable:
			problems = append(problems, fmt.Sprintf("bid %d is not fundable: %s", id, r.Reason))
		case r.Amount > caps.MaxContract:
			problems = append(problems, fmt.Sprintf("bid %d asks for %s, above the %s maximum per contract", id, r.Amount, caps.MaxContract))
		}
		seen[id] = true
		total += r.Amount
	}
	if caps.MaxContracts > 0 && len(seen) > caps.MaxContracts {
		problems = append(problems, fmt.Sprintf("%d bids are chosen but at most %d contracts may be awarded", len(seen), caps.MaxContracts))
	}
	if total > caps.Pot {
		problems = append(problems, fmt.Sprintf("the chosen bids total %s, %s over the %s pot", total, total-caps.Pot, caps.Pot))
	}
	if len(problems) > 0 {
		return total, errors.Join(ErrInvalidInput, errors.New(strings.Join(problems, "; ")))
	}
	return total, nil
}
