package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

type competitionRow struct {
	*ent.Competition
	Title       string
	ClosingSoon bool
	PhasePays   string
}

func (s *Server) competitionsPage(c echo.Context) error {
	in, form, err := api.SearchOf(c)
	data := struct {
		Form   ui.Form
		Rows   []competitionRow
		Fields []string
	}{Form: form}
	for _, f := range domain.Fields {
		data.Fields = append(data.Fields, string(f))
	}
	var rows []*ent.Competition
	if err == nil {
		rows, err = s.Svc.SearchCompetitions(c.Request().Context(), in, time.Now())
	}
	if errors.As(err, &data.Form.Problems) {
		return s.render(c, http.StatusUnprocessableEntity, "competitions", "Error: Competitions", "competitions", data)
	}
	if err != nil {
		return err
	}
	now := time.Now()
	for _, r := range rows {
		data.Rows = append(data.Rows, competitionRow{Competition: r, Title: r.Edges.Challenge.Title,
			ClosingSoon: r.Status == domain.CompetitionOpen && r.ClosesAt.Sub(now) <= service.ClosingSoon})
	}
	return s.render(c, http.StatusOK, "competitions", "Competitions", "competitions", data)
}

// yourBidRow is one bid on the supplier's dashboard.
type yourBidRow struct {
	*ent.Bid
	Challenge string
	Phase     int
	Stages    []service.Stage
	Due       []service.Due
}

func (s *Server) yourBidsPage(c echo.Context) error {
	bids, err := s.Svc.YourBids(c.Request().Context())
	if err != nil {
		return err
	}
	now := time.Now()
	// What needs the supplier now first, then what waits on others, then history.
	groups := map[service.Standing][]yourBidRow{}
	for _, b := range bids {
		due := service.DueNext(b, now)
		groups[service.StandingOf(due)] = append(groups[service.StandingOf(due)], yourBidRow{Bid: b,
			Challenge: b.Edges.Competition.Edges.Challenge.Title, Phase: b.Edges.Competition.Phase, Stages: service.Stages(b), Due: due})
	}
	v, _ := api.CurrentViewer(c)
	return s.render(c, http.StatusOK, "bids", "Your bids and contracts", "bids", struct {
		Yours, Waiting, Done []yourBidRow
		NoOrganistion        bool
	}{Yours: groups[service.StandingYours], Waiting: groups[service.StandingWaiting], Done: groups[service.StandingDone],
		NoOrganistion: v.OrganisationID == 0})
}
