package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/service"
)

// readsPageSize is how many of the newest reads the page shows; the CSV has every one.
const readsPageSize = 200

// readsPage is the read log, filtered, for the programme and its auditors.
func (s *Server) readsPage(c echo.Context) error {
	f, err := api.ReadFilterOf(c)
	if err != nil {
		return err
	}
	f.Limit = readsPageSize - 1
	rows, err := s.Svc.Reads(c.Request().Context(), f)
	if err != nil {
		return err
	}
	data := struct {
		Filter  service.ReadFilter
		Kinds   []string
		Reads   []api.ReadView
		CSVLink string
	}{Filter: f, Kinds: service.ReadKinds, CSVLink: "/api/v1/reads.csv"}
	if q := c.QueryString(); q != "" {
		data.CSVLink += "?" + q
	}
	for _, r := range rows {
		data.Reads = append(data.Reads, api.ReadViewOf(r))
	}
	return s.render(c, http.StatusOK, "reads", "Who read what", "audit", data)
}
