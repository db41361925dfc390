package web

import (
	"net/http"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
)

// chartBar is one bar of the money chart: its label, amount, and where it is drawn.
type chartBar struct {
	Label  string
	Amount domain.Money
	Y      int
	Width  int
	Class  string
}

// chartPhase is one phase's bars, scaled so the pot is the full width.
type chartPhase struct {
	Phase  int
	Y      int
	Bars   []chartBar
	Height int
}

// moneyChart lays out the money chart: for each phase, its pot and what was awarded, is worth
// now, spent and paid, as bars against the pot.
func moneyChart(money []service.PhaseMoney) (phases []chartPhase, height int) {
	const full, bar, gap = 400, 22, 6
	y := 0
	for _, m := range money {
		scale := m.Pot
		if m.Awarded > scale {
			scale = m.Awarded
		}
		p := chartPhase{Phase: m.Phase, Y: y}
		y += 24
		for _, b := range []chartBar{{Label: "Pot", Amount: m.Pot, Class: "pot"}, {Label: "Awarded", Amount: m.Awarded, Class: "awarded"},
			{Label: "Worth now", Amount: m.Value, Class: "value"}, {Label: "Spent", Amount: m.Spent, Class: "spent"}, {Label: "Paid", Amount: m.Paid, Class: "paid"}} {
			b.Y = y
			if scale > 0 {
				b.Width = int(int64(full) * int64(b.Amount) / int64(scale))
			}
			p.Bars = append(p.Bars, b)
			y += bar + gap
		}
		p.Height = y - p.Y
		phases = append(phases, p)
		y += 12
	}
	return phases, y
}

func (s *Server) overviewPage(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	ov, err := s.Svc.Overview(c.Request().Context(), id)
	if err != nil {
		return err
	}
	phases, height := moneyChart(ov.Money)
	return s.render(c, http.StatusOK, "overview", "The whole challenge: "+ov.Challenge.Title, "challenges", struct {
		Overview service.Overview
		Chart    []chartPhase
		Height   int
	}{ov, phases, height})
}
