package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ui"
)

// LifecycleView is one kind of record's lifecycle as data: its states and every move between
// them, with who makes each and when. It is the lifecycle the store enforces.
type LifecycleView struct {
	Record string      `json:"record"`
	Title  string      `json:"title"`
	States []StateView `json:"states"`
	Moves  []MoveView  `json:"moves"`
}

// StateView is one state of a lifecycle.
type StateView struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Final bool   `json:"final"`
}

// MoveView is one move of a lifecycle; from holds "" for a move that makes the record.
type MoveView struct {
	Action string   `json:"action"`
	Label  string   `json:"label"`
	By     string   `json:"by"`
	From   []string `json:"from"`
	To     string   `json:"to"`
	When   string   `json:"when,omitempty"`
}

func lifecycleView(l domain.Lifecycle) LifecycleView {
	v := LifecycleView{Record: l.Record, Title: l.Title, States: []StateView{}, Moves: []MoveView{}}
	for _, s := range l.States {
		v.States = append(v.States, StateView(s))
	}
	for _, m := range l.Moves {
		v.Moves = append(v.Moves, MoveView(m))
	}
	return v
}

func lifecycleOf(c echo.Context) (domain.Lifecycle, error) {
	l, ok := domain.LifecycleOf(c.Param("record"))
	if !ok {
		return l, notFound("lifecycle of a kind of record called", c.Param("record"))
	}
	return l, nil
}

// lifecycles answers every kind of record's lifecycle.
func (s *Server) lifecycles(c echo.Context) error {
	out := []LifecycleView{}
	for _, l := range domain.Lifecycles() {
		out = append(out, lifecycleView(l))
	}
	return c.JSON(http.StatusOK, Page[LifecycleView]{Items: out})
}

// lifecycle answers one kind of record's lifecycle.
func (s *Server) lifecycle(c echo.Context) error {
	l, err := lifecycleOf(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, lifecycleView(l))
}

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
	l, err := lifecycleOf(c)
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
	l, err := lifecycleOf(c)
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
