package web

import (
	"net/http"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ui"
)

type stateRef struct {
	Label string
	Here  bool
}

type moveRow struct {
	Label, By, When string
	From            []stateRef
	To              stateRef
}

type lifecyclePage struct {
	Lifecycle domain.Lifecycle
	Drawing   ui.Drawing
	Here      *domain.State
	Moves     []moveRow
	Others    []domain.Lifecycle
}

// lifecyclePage draws a kind of record's lifecycle, with ?at= the state one record is in marked.
func (s *Server) lifecyclePage(c echo.Context) error {
	l, err := api.LifecycleOf(c)
	if err != nil {
		return err
	}
	at := c.QueryParam("at")
	d := lifecyclePage{Lifecycle: l, Drawing: ui.DrawLifecycle(l, at)}
	if st, ok := l.State(at); ok {
		d.Here = &st
	}
	ref := func(name string) stateRef {
		if name == domain.Created {
			return stateRef{Label: "Nothing yet: the " + l.Record + " is made"}
		}
		st, _ := l.State(name)
		return stateRef{Label: st.Label, Here: name == at}
	}
	for _, m := range l.Moves {
		row := moveRow{Label: m.Label, By: m.By, When: m.When, To: ref(m.To)}
		for _, f := range m.From {
			row.From = append(row.From, ref(f))
		}
		d.Moves = append(d.Moves, row)
	}
	for _, o := range domain.Lifecycles() {
		if o.Record != l.Record {
			d.Others = append(d.Others, o)
		}
	}
	return s.render(c, http.StatusOK, "lifecycle", l.Title+"'s lifecycle", "", d)
}

// lifecycleDrawing is the drawing alone, as an SVG file.
func (s *Server) lifecycleDrawing(c echo.Context) error {
	l, err := api.LifecycleOf(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, "image/svg+xml")
	c.Response().WriteHeader(http.StatusOK)
	return ui.RenderDrawing(c.Response(), ui.DrawLifecycle(l, c.QueryParam("at")))
}

// lifecycleIndex starts with the challenge's lifecycle, which the others hang from.
func (s *Server) lifecycleIndex(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/lifecycle/challenge")
}
