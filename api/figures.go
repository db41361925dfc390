package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
)

// The programme's figures: a page with charts drawn on the server and their tables, CSV and
// XLSX downloads, and JSON, all from service.ProgrammeReport.

// FunnelStepView is one step of the funnel.
type FunnelStepView struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// MoneyRowView is the money of a challenge, or of a round when Challenge is empty.
type MoneyRowView struct {
	Round        string `json:"round"`
	Challenge    string `json:"challenge,omitempty"`
	PotPence     int64  `json:"pot_pence"`
	AwardedPence int64  `json:"awarded_pence"`
	SpentPence   int64  `json:"spent_pence"`
	SavedPence   int64  `json:"saved_by_stops_pence"`
}

// TurnaroundView is how long one step takes, in days.
type TurnaroundView struct {
	Label      string  `json:"label"`
	Count      int     `json:"count"`
	MedianDays float64 `json:"median_days"`
	P90Days    float64 `json:"p90_days"`
	TargetDays int     `json:"target_days"`
	Met        bool    `json:"met"`
}

// ShareView is a count out of a whole, with its percentage.
type ShareView struct {
	N       int `json:"n"`
	Of      int `json:"of"`
	Percent int `json:"percent"`
}

// ReachView is one group's share of bidders and of winners.
type ReachView struct {
	Label         string    `json:"label"`
	Bidders       ShareView `json:"bidders"`
	Winners       ShareView `json:"winners"`
	TargetPercent int       `json:"target_percent"`
}

// FiguresView is the programme's figures.
type FiguresView struct {
	Funnel  []FunnelStepView `json:"funnel"`
	Money   []MoneyRowView   `json:"money"`
	Total   MoneyRowView     `json:"total"`
	Time    []TurnaroundView `json:"time"`
	Reach   []ReachView      `json:"reach"`
	Targets map[string]int   `json:"targets"`
}

// TargetsRequest sets some of the programme's targets, by name.
type TargetsRequest struct {
	Targets map[string]int `json:"targets"`
}

func moneyRowView(r domain.MoneyRow) MoneyRowView {
	return MoneyRowView{Round: r.Round, Challenge: r.Challenge, PotPence: int64(r.Pot), AwardedPence: int64(r.Awarded),
		SpentPence: int64(r.Spent), SavedPence: int64(r.Saved)}
}

func shareView(s domain.Share) ShareView { return ShareView{N: s.N, Of: s.Of, Percent: s.Percent()} }

func figuresView(f domain.Figures, targets map[domain.Target]int) FiguresView {
	v := FiguresView{Total: moneyRowView(f.Total), Targets: map[string]int{}, Funnel: []FunnelStepView{}, Money: []MoneyRowView{},
		Time: []TurnaroundView{}, Reach: []ReachView{}}
	for _, s := range f.Funnel {
		v.Funnel = append(v.Funnel, FunnelStepView{s.Label, s.Count})
	}
	for _, r := range f.Money {
		v.Money = append(v.Money, moneyRowView(r))
	}
	for _, t := range f.Time {
		v.Time = append(v.Time, TurnaroundView{t.Label, t.N, t.Median, t.P90, t.TargetDays, t.Met})
	}
	for _, r := range f.Reach {
		v.Reach = append(v.Reach, ReachView{r.Label, shareView(r.Bidders), shareView(r.Winners), r.Target})
	}
	for t, n := range targets {
		v.Targets[string(t)] = n
	}
	return v
}

// Figures reads the programme's figures for the query's round and year.
func (s *Server) Figures(c echo.Context) (FiguresView, error) {
	ctx := c.Request().Context()
	f, err := s.Svc.ProgrammeReport(ctx)
	if err != nil {
		return FiguresView{}, err
	}
	targets, err := s.Svc.Targets(ctx)
	if err != nil {
		return FiguresView{}, err
	}
	return figuresView(f, targets), nil
}

func (s *Server) getFigures(c echo.Context) error {
	v, err := s.Figures(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) setTargets(c echo.Context) error {
	var req TargetsRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Targets == nil { // the document requires it
		return domain.Problems{{Field: "targets", Message: "Give the targets to set, by name"}}
	}
	in := map[domain.Target]int{}
	for k, v := range req.Targets {
		in[domain.Target(k)] = v
	}
	targets, err := s.Svc.SetTargets(c.Request().Context(), in)
	if err != nil {
		return err
	}
	out := map[string]int{}
	for t, n := range targets {
		out[string(t)] = n
	}
	return c.JSON(http.StatusOK, TargetsRequest{Targets: out})
}
