package web

import (
	"net/http"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/service"
)

// workPage is the same list as a page: what needs the person now, due first.
func (s *Server) workPage(c echo.Context) error {
	ctx := c.Request().Context()
	items, err := s.Svc.Work(ctx)
	if err != nil {
		return err
	}
	waiting, err := s.Svc.WaitingOnOthers(ctx)
	if err != nil {
		return err
	}
	done, err := s.Svc.DoneRecently(ctx, api.DoneLately)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "work", "Your work", "work", struct {
		Items   []service.WorkItem
		Waiting []service.Waiting
		Done    []service.Done
	}{items, waiting, done})
}
