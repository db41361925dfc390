package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/service"
)

// WorkItemView is one thing the signed-in person can do now, and where.
type WorkItemView struct {
	Action string     `json:"action"`
	What   string     `json:"what"`
	Kind   string     `json:"kind"`
	Record string     `json:"record"`
	Link   string     `json:"link"`
	Due    *time.Time `json:"due,omitempty"`
}

// WaitingView is what another person must do next on a record the signed-in person works on.
type WaitingView struct {
	On     string `json:"on"`
	What   string `json:"what"`
	Kind   string `json:"kind"`
	Record string `json:"record"`
	Link   string `json:"link"`
}

// DoneView is something the signed-in person did lately.
type DoneView struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
	Link string    `json:"link,omitempty"`
}

// WorkView is the signed-in person's work, what waits on others, and what they did lately.
type WorkView struct {
	Items   []WorkItemView `json:"items"`
	Waiting []WaitingView  `json:"waiting"`
	Done    []DoneView     `json:"done"`
}

// DoneLately is how much of their history the work queue shows.
const DoneLately = 10

func workViews(items []service.WorkItem) []WorkItemView {
	out := make([]WorkItemView, 0, len(items))
	for _, w := range items {
		out = append(out, WorkItemView{Action: w.Action, What: w.What, Kind: w.Kind, Record: w.Record, Link: w.Link, Due: w.Due})
	}
	return out
}

// myWork answers what the signed-in person can do now, across every record in their scope.
func (s *Server) myWork(c echo.Context) error {
	ctx := c.Request().Context()
	items, err := s.Svc.Work(ctx)
	if err != nil {
		return err
	}
	waiting, err := s.Svc.WaitingOnOthers(ctx)
	if err != nil {
		return err
	}
	done, err := s.Svc.DoneRecently(ctx, DoneLately)
	if err != nil {
		return err
	}
	out := WorkView{Items: workViews(items), Waiting: make([]WaitingView, 0, len(waiting)), Done: make([]DoneView, 0, len(done))}
	for _, w := range waiting {
		out.Waiting = append(out.Waiting, WaitingView(w))
	}
	for _, d := range done {
		out.Done = append(out.Done, DoneView(d))
	}
	return c.JSON(http.StatusOK, out)
}
