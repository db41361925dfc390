package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The public list of competitions, and a supplier's own bids and contracts.

// SearchOf reads a competition search from the query string, as the page's form and the API
// both send it.
func SearchOf(c echo.Context) (service.CompetitionSearch, ui.Form, error) {
	f := ui.Form{Values: map[string]string{}}
	for _, k := range []string{"q", "field", "phase", "when", "budget"} {
		f.Values[k] = c.QueryParam(k)
	}
	in := service.CompetitionSearch{Words: f.Values["q"], Field: f.Values["field"], When: f.Values["when"], Budget: f.Values["budget"]}
	if p := f.Values["phase"]; p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return in, f, domain.Problems{{Field: "phase", Message: "Choose phase 1 or phase 2"}}
		}
		in.Phase = n
	}
	return in, f, nil
}

func (s *Server) listCompetitions(c echo.Context) error {
	in, _, err := SearchOf(c)
	if err != nil {
		return err
	}
	rows, err := s.Svc.SearchCompetitions(c.Request().Context(), in, time.Now())
	if err != nil {
		return err
	}
	out := struct {
		Items []CompetitionView `json:"items"`
	}{Items: []CompetitionView{}}
	for _, r := range rows {
		out.Items = append(out.Items, competitionView(r))
	}
	return c.JSON(http.StatusOK, out)
}
