package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
)

// The challenge owner's view: one page (and one JSON answer) with the challenge's stage, its
// bids and scores after the close, its contracts and what is due, the money against the caps
// as a chart with its figures as a table, and the next events.

// PhaseMoneyView is one phase's money against its caps, in pence.
type PhaseMoneyView struct {
	Phase             int   `json:"phase"`
	PotPence          int64 `json:"pot_pence"`
	MaxContractPence  int64 `json:"max_contract_pence"`
	MaxContracts      int   `json:"max_contracts"`
	Contracts         int   `json:"contracts"`
	AwardedPence      int64 `json:"awarded_pence"`
	ValuePence        int64 `json:"value_pence"`
	SpentPence        int64 `json:"spent_pence"`
	PaidPence         int64 `json:"paid_pence"`
	SavedByStopsPence int64 `json:"saved_by_stops_pence"`
}

// EventView is something dated still to come.
type EventView struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
	Link string    `json:"link"`
}

// OverviewView is the owner's view of a challenge.
type OverviewView struct {
	ChallengeID int              `json:"challenge_id"`
	Title       string           `json:"title"`
	Stage       string           `json:"stage"`
	StageLabel  string           `json:"stage_label"`
	Money       []PhaseMoneyView `json:"money"`
	Bids        []ScoredBidView  `json:"bids"`
	Contracts   []ContractView   `json:"contracts"`
	Events      []EventView      `json:"events"`
}

// ScoredBidView is a bid after the close, with its score once decided.
type ScoredBidView struct {
	Phase        int      `json:"phase"`
	Title        string   `json:"title"`
	Organisation string   `json:"organisation"`
	Status       string   `json:"status"`
	Score        *float64 `json:"score,omitempty"`
}

func overviewView(ov service.Overview) OverviewView {
	ch := ov.Challenge
	v := OverviewView{ChallengeID: ch.ID, Title: ch.Title, Stage: string(ch.Stage), StageLabel: ch.Stage.Label(),
		Money: []PhaseMoneyView{}, Bids: []ScoredBidView{}, Contracts: []ContractView{}, Events: []EventView{}}
	for _, m := range ov.Money {
		v.Money = append(v.Money, PhaseMoneyView{Phase: m.Phase, PotPence: int64(m.Pot), MaxContractPence: int64(m.MaxContract), MaxContracts: m.MaxContracts,
			Contracts: m.Contracts, AwardedPence: int64(m.Awarded), ValuePence: int64(m.Value), SpentPence: int64(m.Spent), PaidPence: int64(m.Paid),
			SavedByStopsPence: int64(m.Saved)})
	}
	for _, b := range ov.Bids {
		v.Bids = append(v.Bids, ScoredBidView{Phase: b.Phase, Title: b.Title, Organisation: b.Organisation, Status: string(b.Status), Score: b.Score})
	}
	for _, k := range ov.Contracts {
		v.Contracts = append(v.Contracts, contractDetail(k))
	}
	for _, e := range ov.Events {
		v.Events = append(v.Events, EventView(e))
	}
	return v
}

func (s *Server) getOverview(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ov, err := s.svc.Overview(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, overviewView(ov))
}

// chartBar is one bar of the money chart: its label, amount, and where it is drawn.
type chartBar struct {
	Label  string
	Amount domain.Money
	Y      int
	Width  int
	Class  string
}

// chartPhase is one phase's bars, scaled so the pot is the full width.
type chartPhase struct {
	Phase  int
	Y      int
	Bars   []chartBar
	Height int
}

// moneyChart lays out the money chart: for each phase, its pot and what was awarded, is worth
// now, spent and paid, as bars against the pot.
func moneyChart(money []service.PhaseMoney) (phases []chartPhase, height int) {
	const full, bar, gap = 400, 22, 6
	y := 0
	for _, m := range money {
		scale := m.Pot
		if m.Awarded > scale {
			scale = m.Awarded
		}
		p := chartPhase{Phase: m.Phase, Y: y}
		y += 24
		for _, b := range []chartBar{{Label: "Pot", Amount: m.Pot, Class: "pot"}, {Label: "Awarded", Amount: m.Awarded, Class: "awarded"},
			{Label: "Worth now", Amount: m.Value, Class: "value"}, {Label: "Spent", Amount: m.Spent, Class: "spent"}, {Label: "Paid", Amount: m.Paid, Class: "paid"}} {
			b.Y = y
			if scale > 0 {
				b.Width = int(int64(full) * int64(b.Amount) / int64(scale))
			}
			p.Bars = append(p.Bars, b)
			y += bar + gap
		}
		p.Height = y - p.Y
		phases = append(phases, p)
		y += 12
	}
	return phases, y
}

func (s *Server) overviewPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ov, err := s.svc.Overview(c.Request().Context(), id)
	if err != nil {
		return err
	}
	phases, height := moneyChart(ov.Money)
	return s.render(c, http.StatusOK, "overview", "The whole challenge: "+ov.Challenge.Title, "challenges", struct {
		Overview service.Overview
		Chart    []chartPhase
		Height   int
	}{ov, phases, height})
}
