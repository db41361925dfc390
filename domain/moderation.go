package domain

import (
	"fmt"
	"math"
)

// Outlier is one assessor's score that lies far from the other assessors' on the same bid.
type Outlier struct {
	AssessorID int
	Percent    float64
	OthersMean float64
	Distance   float64 // Percent − OthersMean, in percentage points
	Message    string
}

// ModerationFlag says why a bid needs a moderator's look.
type ModerationFlag struct {
	BidID    int
	Spread   float64 // highest minus lowest assessor percentage
	Wide     bool    // the spread is beyond the band
	Outliers []Outlier
}

// Moderate flags every bid whose assessors' percentages spread wider than band (percentage
// points), and each assessor score more than band away from the mean of the others on that bid,
// saying how far. Excluded scores are still checked: moderators see what they excluded. Bids
// are returned in the order given; bids with nothing to flag are left out.
func (s Scheme) Moderate(bids []BidScores, band float64) []ModerationFlag {
	var flags []ModerationFlag
	for _, b := range bids {
		if len(b.Assessments) < 2 {
			continue
		}
		pcts := make([]float64, len(b.Assessments))
		var sum float64
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, a := range b.Assessments {
			pcts[i] = s.Percent(a)
			sum += pcts[i]
			lo, hi = math.Min(lo, pcts[i]), math.Max(hi, pcts[i])
		}
		f := ModerationFlag{BidID: b.BidID, Spread: round2(hi - lo), Wide: hi-lo > band}
		for i, a := range b.Assessments {
			others := (sum - pcts[i]) / float64(len(pcts)-1)
			d := pcts[i] - others
			if math.Abs(d) <= band {
				continue
			}
			dir := "above"
			if d < 0 {
				dir = "below"
			}
			f.Outliers = append(f.Outliers, Outlier{
				AssessorID: a.AssessorID, Percent: pcts[i], OthersMean: round2(others), Distance: round2(d),
				Message: fmt.Sprintf("assessor %d gave %.2f%%, %.2f points %s the other assessors' mean of %.2f%%",
					a.AssessorID, pcts[i], math.Abs(round2(d)), dir, round2(others)),
			})
		}
		if f.Wide || len(f.Outliers) > 0 {
			flags = append(flags, f)
		}
	}
	return flags
}

// NormalisedScore is a bid's raw score with its z-score normalised score beside it (never
// instead of it).
type NormalisedScore struct {
	BidID      int
	Raw        float64
	Normalised float64
	// Adjusted counts the assessments that were normalised; the others are used raw because
	// their assessor scored too few bids for a fair estimate of strictness.
	Adjusted, Total int
}

// Normalise adjusts for harsh and lenient assessors: each assessor who scored at least minBids
// bids has their percentages turned into z-scores against their own mean and spread, then mapped
// onto the spread of all scores. Assessors with fewer bids are used raw, because estimating
// strictness from a handful of scores adds bias instead of removing it. Excluded scores are left
// out, as in the raw mean.
func (s Scheme) Normalise(bids []BidScores, minBids int) []NormalisedScore {
	type stat struct{ n, sum, sumsq float64 }
	per := map[int]*stat{}
	var all stat
	// Each counted score's percentage, in the order both passes visit them: worked out once.
	var pcts []float64
	for _, b := range bids {
		for _, a := range b.Assessments {
			if a.Excluded != nil {
				continue
			}
			p := s.Percent(a)
			pcts = append(pcts, p)
			st := per[a.AssessorID]
			if st == nil {
				st = &stat{}
				per[a.AssessorID] = st
			}
			st.n++
			st.sum += p
			st.sumsq += p * p
			all.n++
			all.sum += p
			all.sumsq += p * p
		}
	}
	meanSD := func(st stat) (float64, float64) {
		m := st.sum / st.n
		v := st.sumsq/st.n - m*m
		return m, math.Sqrt(math.Max(v, 0))
	}
	gm, gsd := 0.0, 0.0
	if all.n > 0 {
		gm, gsd = meanSD(all)
	}
	out := make([]NormalisedScore, 0, len(bids))
	next := 0
	for _, b := range bids {
		ns := NormalisedScore{BidID: b.BidID}
		var raw, norm float64
		for _, a := range b.Assessments {
			if a.Excluded != nil {
				continue
			}
			p := pcts[next]
			next++
			raw += p
			st := per[a.AssessorID]
			q := p
			if st != nil && int(st.n) >= minBids {
				m, sd := meanSD(*st)
				if sd > 0 {
					q = gm + gsd*(p-m)/sd
				} else {
					q = gm + (p - m)
				}
				ns.Adjusted++
			}
			norm += math.Min(100, math.Max(0, q))
			ns.Total++
		}
		if ns.Total > 0 {
			ns.Raw = round2(raw / float64(ns.Total))
			ns.Normalised = round2(norm / float64(ns.Total))
		}
		out = append(out, ns)
	}
	return out
}

// CheckModeration says whether a competition's scores may be excluded or included again: only
// while it is in assessment, before the decision is made from them.
func (s CompetitionStatus) CheckModeration() error {
	if s != CompetitionAssessment {
		return refuse("competition", "moderate", string(s), "scores are moderated only while the competition is in assessment; it is "+s.Label())
	}
	return nil
}

// ScoreModeration is one assessor's scores of a bid as moderation judges them: its
// competition's state, and whether the score is out of the mean by moderation (excluded),
// back with its assessor (sent back), or because its assessor declared a conflict with the bid.
// Each check is the one rule its command applies and the panel sheet offers by.
type ScoreModeration struct {
	Competition                  CompetitionStatus
	Excluded, SentBack, Conflict bool
}

func (m ScoreModeration) state() string {
	switch {
	case m.Conflict:
		return "conflicted"
	case m.Excluded:
		return "excluded"
	case m.SentBack:
		return "sent back"
	}
	return "in the mean"
}

// CheckExclude says whether the score may be taken out of its bid's mean: not twice, so its
// first reason stands until it is included again.
func (m ScoreModeration) CheckExclude() error {
	if err := m.check("exclude"); err != nil {
		return err
	}
	if m.Excluded {
		return refuse("score", "exclude", m.state(), "the score is already out of the mean; include it again to exclude it for another reason")
	}
	return nil
}

// CheckInclude says whether an excluded score may be put back into its bid's mean.
func (m ScoreModeration) CheckInclude() error {
	if err := m.check("include"); err != nil {
		return err
	}
	switch {
	case !m.Excluded && m.SentBack:
		return refuse("score", "include", m.state(), "the scores are back with their assessor, and return to the mean when the assessor submits them again")
	case !m.Excluded:
		return refuse("score", "include", m.state(), "the score is in the mean already")
	}
	return nil
}

// CheckSendBack says whether the score may go back to its assessor: once at a time, and not
// while it is excluded, which already keeps it out of the mean.
func (m ScoreModeration) CheckSendBack() error {
	if err := m.check("send-back"); err != nil {
		return err
	}
	switch {
	case m.SentBack:
		return refuse("score", "send-back", m.state(), "the scores are already back with their assessor, who has not submitted them again")
	case m.Excluded:
		return refuse("score", "send-back", m.state(), "the score is excluded from the mean; include it again before sending it back")
	}
	return nil
}

// check is what every moderation of a score needs: the competition in assessment, and an
// assessor with no conflict, whose score stays out of the mean whatever moderation does.
func (m ScoreModeration) check(action string) error {
	if err := m.Competition.CheckModeration(); err != nil {
		return err
	}
	if m.Conflict {
		return refuse("score", action, m.state(), "the assessor declared a conflict of interest with the bid, so the score stays out of the mean")
	}
	return nil
}
