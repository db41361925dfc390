package domain

import (
	"errors"
	"fmt"
	"slices"
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
	// What the supplier reads and answers; set by the question builder (older schemes have
	// only a title).
	Text          string   `json:"text,omitempty"`
	Guidance      string   `json:"guidance,omitempty"`
	WordLimit     int      `json:"word_limit,omitempty"`
	AppendixTypes []string `json:"appendix_types,omitempty"` // none: no appendices
	AppendixMB    int      `json:"appendix_mb,omitempty"`
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
	// InterviewWeight is the share of the final score, in percent, that an interview gives the
	// bids shortlisted on their written score; 0: the competition has no interview stage.
	InterviewWeight int `json:"interview_weight,omitempty"`
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

// The ranges a scheme must fall in, so that no competition is set up that can never be decided
// or that overflows its arithmetic.
const (
	MaxCriteria     = 20
	MaxWeight       = 100
	MaxScoreLimit   = 100
	MaxCriterionKey = 40
	// DefaultAssessorsPerBid is how many assessors each bid is given when a competition closes.
	DefaultAssessorsPerBid = 3
)

// Check refuses a scheme that cannot score anything, or that no competition could ever
// decide, naming every problem.
func (s Scheme) Check() error {
	var ps Problems
	scored := 0
	seen := map[string]bool{}
	if len(s.Criteria) > MaxCriteria {
		ps.Add("criteria", "a scheme has at most %d criteria; this one has %d", MaxCriteria, len(s.Criteria))
	}
	for i, c := range s.Criteria {
		at := fmt.Sprintf("criteria[%d]", i)
		switch {
		case !validKey(c.Key):
			ps.Add(at+".key", "criterion %d needs a key of lower-case letters, digits and underscores, starting with a letter, up to %d characters", i+1, MaxCriterionKey)
		case seen[c.Key]:
			ps.Add(at+".key", "criterion key %q is used twice", c.Key)
		}
		if _, p := CriterionTitle.Clean(c.Title); p != nil {
			p.Field = at + ".title"
			ps = append(ps, *p)
		}
		switch {
		case c.PassFail && (c.Weight != 0 || c.Max != 0):
			ps.Add(at, "criterion %q is pass/fail, so it has no weight or maximum score", c.Key)
		case !c.PassFail && (c.Weight < 1 || c.Weight > MaxWeight):
			ps.Add(at+".weight", "criterion %q needs a weight from 1 to %d", c.Key, MaxWeight)
		case c.Max < 0 || c.Max > MaxScoreLimit:
			ps.Add(at+".max", "criterion %q needs a maximum score from 1 to %d (or none, for %d)", c.Key, MaxScoreLimit, DefaultMaxScore)
		}
		if !c.PassFail {
			scored++
		}
		seen[c.Key] = true
	}
	if scored == 0 {
		ps.Add("criteria", "the scheme needs at least one scored criterion")
	}
	if s.TieBreaker != "" {
		c, ok := s.Criterion(s.TieBreaker)
		if !ok || c.PassFail {
			ps.Add("tie_breaker", "the tie-breaker %q must be one of the scheme's scored criteria", s.TieBreaker)
		}
	}
	if s.Threshold < 0 || s.Threshold > 100 {
		ps.Add("threshold", "the quality threshold must be from 0 to 100 percent")
	}
	if s.MinAssessors < 1 || s.MinAssessors > MaxAssessorsPerBid {
		ps.Add("min_assessors", "each bid needs from 1 to %d assessments before the decision", MaxAssessorsPerBid)
	}
	return ps.Err()
}

// LoweredMinimum lets the decision go ahead with fewer assessments per bid than the scheme
// asks, when there are not enough assessors to give every bid its number: the programme's way
// out, with its reason, audited. Zero goes ahead with whatever is scored; an unscored bid ranks
// as not assessed and is not funded.
type LoweredMinimum struct {
	Minimum int
	Reason  string
}

// Check says what is wrong with lowering s's minimum as l asks, and cleans the reason.
func (l *LoweredMinimum) Check(s Scheme) error {
	var ps Problems
	if l.Minimum < 0 || l.Minimum >= s.MinAssessors {
		ps.Add("lowered_minimum", "Lower the minimum to a number from 0 to %d: the scheme asks for %d assessments a bid", s.MinAssessors-1, s.MinAssessors)
	}
	reason, p := MinimumReason.Clean(l.Reason)
	if p != nil {
		ps = append(ps, *p)
	}
	l.Reason = reason
	return ps.Err()
}

func validKey(k string) bool {
	if k == "" || len(k) > MaxCriterionKey || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
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
	var ps Problems
	// Messages name a criterion by its title, as the scoring page shows it.
	comment := func(field, title, text string) {
		if _, p := AssessmentComment.Clean(text); p != nil {
			p.Field = field
			p.Message = fmt.Sprintf("%s (on %s)", p.Message, title)
			if strings.TrimSpace(text) == "" {
				p.Message = fmt.Sprintf("Enter your comment on %s: the supplier's feedback comes from it", title)
			}
			ps = append(ps, *p)
		}
	}
	for _, c := range s.Criteria {
		if c.PassFail {
			field := "pass_fail." + c.Key
			ans, ok := a.PassFail[c.Key]
			if !ok {
				ps.Add(field, "Say whether the bid passes or fails %s", c.Title)
				continue
			}
			comment(field+".comment", c.Title, ans.Comment)
			continue
		}
		field := "scores." + c.Key
		cs, ok := a.Scores[c.Key]
		if !ok {
			ps.Add(field, "Enter a score for %s", c.Title)
			continue
		}
		if cs.Score < 0 || cs.Score > c.MaxScore() {
			ps.Add(field+".score", "The score for %s must be from 0 to %d, not %d", c.Title, c.MaxScore(), cs.Score)
		}
		comment(field+".comment", c.Title, cs.Comment)
	}
	for _, k := range sortedKeys(a.Scores) {
		if c, ok := s.Criterion(k); !ok || c.PassFail {
			ps.Add("scores."+k, "criterion %q is not a scored criterion of this competition's scheme", k)
		}
	}
	for _, k := range sortedKeys(a.PassFail) {
		if c, ok := s.Criterion(k); !ok || !c.PassFail {
			ps.Add("pass_fail."+k, "criterion %q is not a pass/fail criterion of this competition's scheme", k)
		}
	}
	return ps.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	// The map's order does not matter: the keys are sorted before anyone reads them, so
	// workflow code (an update's validator) may call this.
	//workflowcheck:ignore
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s Scheme) Criterion(key string) (Criterion, bool) {
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
	Interview   *float64 // the interview panel's score in percent, once recorded
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
	// With an interview stage: Written is the mean written score, Shortlisted says it earned an
	// interview, and Percent combines it with the Interview score by the scheme's weight.
	Written     float64
	Shortlisted bool
	Interview   *float64
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
		if c, ok := s.Criterion(s.TieBreaker); ok && !c.PassFail {
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
		c, _ := s.Criterion(failedKey)
		r.Reason = fmt.Sprintf("a majority of assessors did not pass it on %q (%d of %d failed it)", c.Title, failed[failedKey], r.Assessors)
	case r.Percent < s.Threshold:
		r.Reason = fmt.Sprintf("its score of %.2f%% is below the quality threshold of %.0f%%", r.Percent, s.Threshold)
	default:
		r.Fundable = true
		r.Reason = fmt.Sprintf("it scored %.2f%%, at or above the quality threshold of %.0f%%, with a majority of in-scope and fund votes", r.Percent, s.Threshold)
	}
	r.Written = r.Percent
	if s.InterviewWeight > 0 && r.Fundable {
		s.interview(&r, b.Interview)
	}
	return r
}

// interview combines a shortlisted bid's written score with its interview score. The written
// score earns the interview; the combined score must then meet the threshold too.
func (s Scheme) interview(r *BidResult, interview *float64) {
	r.Shortlisted = true
	if interview == nil {
		r.Fundable = false
		r.Reason = fmt.Sprintf("it scored %.2f%% in writing and was shortlisted for interview, whose score is not recorded", r.Written)
		return
	}
	r.Interview = interview
	w := float64(s.InterviewWeight) / 100
	r.Percent = round2(r.Written*(1-w) + *interview*w)
	how := fmt.Sprintf("it scored %.2f%% in writing and %.2f%% at interview, %.2f%% with the interview weighted at %d%%",
		r.Written, *interview, r.Percent, s.InterviewWeight)
	if r.Percent < s.Threshold {
		r.Fundable = false
		r.Reason = fmt.Sprintf("%s, below the quality threshold of %.0f%%", how, s.Threshold)
		return
	}
	r.Reason = fmt.Sprintf("%s, at or above the quality threshold of %.0f%%, with a majority of in-scope and fund votes", how, s.Threshold)
}

// The range of an interview's weight in the final score, when a competition has one: enough to
// matter, never all of it.
const (
	MinInterviewWeight = 10
	MaxInterviewWeight = 90
)

// Interview is one shortlisted bid's interview: its slot, and the panel's score once held.
var (
	InterviewPlace = Text{Field: "place", Label: "where the interview is held, or the link to join it", Max: 500}
	InterviewNote  = Text{Field: "note", Label: "the interview panel's reasons for the score", Max: 5000, MultiLine: true}
)

// CheckInterviewWeight checks a competition's interview weight: 0 for no interview stage.
func CheckInterviewWeight(w int) Problems {
	if w != 0 && (w < MinInterviewWeight || w > MaxInterviewWeight) {
		return Problems{{Field: "interview_weight", Message: fmt.Sprintf("The interview's weight must be 0 (no interview stage) or from %d to %d percent", MinInterviewWeight, MaxInterviewWeight)}}
	}
	return nil
}

// CheckInterviewScore checks an interview score, a percentage.
func CheckInterviewScore(percent float64) Problems {
	if percent < 0 || percent > 100 {
		return Problems{{Field: "percent", Message: "Enter the interview score as a percentage from 0 to 100"}}
	}
	return nil
}

// CheckInterviewSlot checks an interview's time: given, and in the future.
func CheckInterviewSlot(at, now time.Time) Problems {
	switch {
	case at.IsZero():
		return Problems{{Field: "at", Message: "Enter the date and time of the interview"}}
	case !at.After(now):
		return Problems{{Field: "at", Message: "The interview must be in the future"}}
	}
	return nil
}

// CheckInterviews says whether a competition's interviews may be scheduled or scored now: it has
// an interview stage, and is in assessment.
func CheckInterviews(status CompetitionStatus, weight int) error {
	if weight == 0 {
		return &TransitionError{Record: "competition", Action: "interview", From: string(status), Kind: ErrInvalidTransition,
			Reason: "it has no interview stage"}
	}
	if status != CompetitionAssessment {
		return &TransitionError{Record: "competition", Action: "interview", From: string(status), Kind: ErrInvalidTransition,
			Reason: "interviews are held while the competition is in assessment; it is " + status.Label()}
	}
	return nil
}

// Rank orders results best first: by score, then fund votes, then the scheme's tie-breaker
// criterion, then earlier receipt, then bid ID, so the order never depends on input order. A bid
// tied on score with the one below it gets a TieNote saying what separated them.
func Rank(results []BidResult) []BidResult {
	out := append([]BidResult(nil), results...)
	// before is a total order (the bid number settles the rest), so an unstable sort is exact.
	slices.SortFunc(out, func(a, b BidResult) int {
		switch {
		case before(a, b):
			return -1
		case before(b, a):
			return 1
		}
		return 0
	})
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

// CheckPortfolio checks a chosen set of bids against the caps and says exactly what is over;
// name says which bid it is as people know it.
func CheckPortfolio(chosen []int, results []BidResult, caps PhaseCaps, name func(bid int) string) (Money, error) {
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
			problems = append(problems, fmt.Sprintf("bid number %d is not one of this competition's assessed bids", id))
			continue
		case seen[id]:
			problems = append(problems, fmt.Sprintf("%s is chosen twice", name(id)))
			continue
		case !r.Fundable:
			problems = append(problems, fmt.Sprintf("%s is not fundable: %s", name(id), r.Reason))
		case caps.overMaximum(r.Amount):
			problems = append(problems, fmt.Sprintf("%s asks for %s, above the %s maximum per contract", name(id), r.Amount, caps.MaxContract))
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
		var ps Problems
		for _, p := range problems {
			ps.Add("chosen", "%s", p)
		}
		return total, ps
	}
	return total, nil
}
