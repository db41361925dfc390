package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
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

// LifecycleOf is the lifecycle a path names.
func LifecycleOf(c echo.Context) (domain.Lifecycle, error) {
	l, ok := domain.LifecycleOf(c.Param("record"))
	if !ok {
		return l, NotFound("lifecycle of a kind of record called", c.Param("record"))
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
	l, err := LifecycleOf(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, lifecycleView(l))
}
