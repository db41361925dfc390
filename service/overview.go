package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
)

// The challenge owner's view: the whole challenge on one page, with the money against the caps
// and what comes next.

// PhaseMoney is one phase's money: its caps, and what its contracts were awarded, are worth
// now, have spent and have been paid.
type PhaseMoney struct {
	Phase                              int
	Pot, MaxContract                   domain.Money
	MaxContracts, Contracts            int
	Awarded, Value, Spent, Paid, Saved domain.Money
}

// Event is something dated still to come: a deadline, a show-and-tell, a milestone or a payment.
type Event struct {
	At   time.Time
	What string
	Link string
}

// ScoredBid is a bid as the owner sees it after the close: its supplier, status and score.
type ScoredBid struct {
	Title, Organisation string
	Phase               int
	Status              domain.BidStatus
	Score               *float64
}

// Overview is the owner's view of one challenge.
type Overview struct {
	Challenge *ent.Challenge
	Money     []PhaseMoney
	Contracts []ContractView
	Bids      []ScoredBid
	Events    []Event
}

// Overview reads a challenge as its owner and the programme see it whole. Bids are counted and
// scored only once their competition has closed; contracts are those the viewer may see.
func (s *Service) Overview(ctx context.Context, challengeID int) (Overview, error) {
	// Its owner and the programme: the same check as a change to the challenge.
	ch, err := s.changeChallenge(ctx, challengeID)
	if err != nil {
		return Overview{}, err
	}
	ov := Overview{Challenge: ch}
	now := time.Now()
	comps, err := s.DB.Competition.Query().Where(competition.ChallengeID(ch.ID)).Order(ent.Asc(competition.FieldPhase)).All(ctx)
	if err != nil {
		return ov, err
	}
	for _, comp := range comps {
		pm := PhaseMoney{Phase: comp.Phase, Pot: comp.Pot, MaxContract: comp.MaxContract, MaxContracts: comp.MaxContracts}
		if comp.Status == domain.CompetitionOpen && comp.ClosesAt.After(now) {
			ov.Events = append(ov.Events, Event{At: comp.ClosesAt, What: fmt.Sprintf("The phase %d competition closes", comp.Phase), Link: fmt.Sprintf("/competitions/%d", comp.ID)})
		}
		if comp.Status != domain.CompetitionOpen && comp.Status != domain.CompetitionDraft && comp.Status != domain.CompetitionScheduled {
			bids, err := s.DB.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.StatusNEQ(domain.BidDraft)).WithOrganisation().Order(ent.Asc(bid.FieldID)).All(ctx)
			if err != nil {
				return ov, err
			}
			for _, b := range bids {
				sb := ScoredBid{Title: b.Title, Phase: comp.Phase, Status: b.Status, Score: b.Score}
				if b.Edges.Organisation != nil {
					sb.Organisation = b.Edges.Organisation.Name
				}
				ov.Bids = append(ov.Bids, sb)
			}
		}
		ks, err := s.DB.Contract.Query().Where(contract.CompetitionID(comp.ID)).WithOrganisation().WithGateDecision().
			WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).Order(ent.Asc(contract.FieldID)).All(ctx)
		if err != nil {
			return ov, err
		}
		for _, k := range ks {
			v, err := s.contractView(ctx, k)
			if err != nil {
				return ov, err
			}
			ov.Contracts = append(ov.Contracts, v)
			pm.Contracts++
			pm.Awarded += v.Awarded()
			pm.Value += k.Value
			pm.Spent += v.Spent
			pm.Paid += v.Paid
			if k.Status == domain.ContractStopped {
				pm.Saved += v.Awarded() - k.Value
			}
			ov.Events = append(ov.Events, contractEvents(v, now)...)
		}
		ov.Money = append(ov.Money, pm)
	}
	sort.SliceStable(ov.Events, func(i, j int) bool { return ov.Events[i].At.Before(ov.Events[j].At) })
	return ov, nil
}

// contractEvents are a contract's dated steps still to come.
func contractEvents(v ContractView, now time.Time) []Event {
	k := v.Contract
	link := fmt.Sprintf("/contracts/%d", k.ID)
	who := k.Edges.Organisation.Name
	var out []Event
	if k.Status != domain.ContractActive && k.Status != domain.ContractReported {
		return nil
	}
	for _, m := range v.Milestones {
		if due := v.Due(m); due != nil && m.Status.Open() {
			out = append(out, Event{At: *due, What: fmt.Sprintf("%s's milestone %d is due: %s", who, m.Number, m.Deliverable), Link: link})
		}
		if m.Status == domain.MilestoneAccepted && m.PaymentDue != nil {
			what := fmt.Sprintf("Payment of %s to %s for milestone %d falls due", m.Amount, who, m.Number)
			if v.Overdue(m) {
				what = fmt.Sprintf("Payment of %s to %s for milestone %d is overdue", m.Amount, who, m.Number)
			}
			out = append(out, Event{At: *m.PaymentDue, What: what, Link: link})
		}
	}
	if st := v.Show; st != nil && st.HeldAt == nil && st.At.After(now) {
		out = append(out, Event{At: st.At, What: who + "'s show-and-tell", Link: link})
	}
	if k.EndsOn != nil && k.ReportedAt == nil {
		out = append(out, Event{At: *k.EndsOn, What: who + "'s end-of-phase report is due", Link: link})
	}
	return out
}
