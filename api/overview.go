package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

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
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ov, err := s.Svc.Overview(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, overviewView(ov))
}
