package web

import (
	"net/http"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/service"
)

// noticesPerPage is how many notices a page of them shows.
const noticesPerPage = 100

// noticesPage shows the signed-in person their notices.
func (s *Server) noticesPage(c echo.Context) error {
	ctx := c.Request().Context()
	n := pageNumber(c)
	rows, err := s.Svc.MyNotices(ctx, service.Page{Limit: noticesPerPage, Offset: (n - 1) * noticesPerPage})
	if err != nil {
		return err
	}
	total, err := s.Svc.CountMyNotices(ctx)
	if err != nil {
		return err
	}
	data := struct {
		Notices []api.NoticeView
		Pager   pager
	}{Notices: make([]api.NoticeView, 0, len(rows))}
	for _, r := range rows[:min(len(rows), noticesPerPage)] {
		data.Notices = append(data.Notices, api.NoticeViewOf(r))
	}
	data.Pager = newPager(c, n, noticesPerPage, total, len(data.Notices), "notices")
	return s.render(c, http.StatusOK, "notices", "Your notices", "notices", data)
}
