package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// RetentionView is the retention schedule: each kind's period, the legal holds, the last runs.
type RetentionView struct {
	// Actions are what the viewer may do now: set-periods (an admin) and place-hold.
	Actions ActionList            `json:"actions"`
	Periods []RetentionPeriodView `json:"periods"`
	Holds   []LegalHoldView       `json:"holds"`
	Runs    []RetentionRunView    `json:"runs"`
}

// RetentionPeriodView is how long one kind of record is kept.
type RetentionPeriodView struct {
	Kind          string     `json:"kind"`
	Label         string     `json:"label"`
	From          string     `json:"from"`
	Months        int        `json:"months"`
	DefaultMonths int        `json:"default_months"`
	SetBy         string     `json:"set_by,omitempty"`
	SetAt         *time.Time `json:"set_at,omitempty"`
}

// LegalHoldView is a legal hold, in force or released.
type LegalHoldView struct {
	ID            int          `json:"id"`
	Kind          string       `json:"kind"`
	RecordID      int          `json:"record_id"`
	Reason        string       `json:"reason"`
	PlacedBy      string       `json:"placed_by"`
	PlacedAt      time.Time    `json:"placed_at"`
	ReleasedAt    *time.Time   `json:"released_at,omitempty"`
	ReleasedBy    string       `json:"released_by,omitempty"`
	ReleaseReason string       `json:"release_reason,omitempty"`
	Actions       []ActionView `json:"actions"`
}

// RetentionRunView is what one run of the schedule did, as the audit trail records it.
type RetentionRunView struct {
	At               time.Time `json:"at"`
	DocumentsDeleted int       `json:"documents_deleted"`
	Bytes            int64     `json:"bytes"`
	DocumentsHeld    int       `json:"documents_held"`
	SessionsDeleted  int       `json:"sessions_deleted"`
	NoticesErased    int       `json:"notices_erased"`
}

// LegalHoldViewOf is a hold as the API shows it to the viewer.
func LegalHoldViewOf(ctx context.Context, h *ent.LegalHold) LegalHoldView {
	return LegalHoldView{ID: h.ID, Kind: string(h.Kind), RecordID: h.RecordID, Reason: h.Reason, PlacedBy: h.PlacedBy, PlacedAt: h.CreatedAt,
		ReleasedAt: h.ReleasedAt, ReleasedBy: h.ReleasedBy, ReleaseReason: h.ReleaseReason, Actions: actionViews(service.HoldActions(ctx, h))}
}

// Retention reads the schedule, its holds and its last runs, as the page and the JSON show it.
func (s *Server) Retention(ctx context.Context) (RetentionView, error) {
	v := RetentionView{Actions: actionViews(service.RetentionActions(ctx)), Periods: []RetentionPeriodView{}, Holds: []LegalHoldView{}, Runs: []RetentionRunView{}}
	periods, err := s.Svc.RetentionSchedule(ctx)
	if err != nil {
		return v, err
	}
	for _, p := range periods {
		pv := RetentionPeriodView{Kind: string(p.Rule.Kind), Label: p.Rule.Label, From: p.Rule.From, Months: p.Months,
			DefaultMonths: p.Rule.DefaultMonths, SetBy: p.SetBy}
		if !p.SetAt.IsZero() {
			at := p.SetAt
			pv.SetAt = &at
		}
		v.Periods = append(v.Periods, pv)
	}
	holds, err := s.Svc.LegalHolds(ctx)
	if err != nil {
		return v, err
	}
	for _, h := range holds {
		v.Holds = append(v.Holds, LegalHoldViewOf(ctx, h))
	}
	runs, err := s.Svc.RetentionRuns(ctx, 10)
	if err != nil {
		return v, err
	}
	for _, e := range runs {
		r := RetentionRunView{At: e.At}
		_ = json.Unmarshal([]byte(e.After), &r) // the trail's own JSON, with the same names
		v.Runs = append(v.Runs, r)
	}
	return v, nil
}

func (s *Server) getRetention(c echo.Context) error {
	v, err := s.Retention(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// RetentionPeriodRequest sets how long a kind of record is kept.
type RetentionPeriodRequest struct {
	Months int `json:"months"`
}

func (s *Server) setRetentionPeriod(c echo.Context) error {
	var req RetentionPeriodRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.Svc.SetRetentionPeriod(c.Request().Context(), domain.RetentionKind(c.Param("kind")), req.Months); err != nil {
		return err
	}
	return s.getRetention(c)
}

func (s *Server) retentionDue(c echo.Context) error {
	r, err := s.Svc.RetentionDryRun(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r) // its lists are never null
}

// LegalHoldRequest places a legal hold on a competition or a bid.
type LegalHoldRequest struct {
	Kind     string `json:"kind"`
	RecordID int    `json:"record_id"`
	Reason   string `json:"reason"`
}

func (s *Server) placeHold(c echo.Context) error {
	var req LegalHoldRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	h, err := s.Svc.PlaceHold(ctx, service.PlaceHold{Kind: domain.HoldKind(req.Kind), RecordID: req.RecordID, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, LegalHoldViewOf(ctx, h))
}

// HoldReleaseRequest releases a legal hold, saying why.
type HoldReleaseRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) releaseHold(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	var req HoldReleaseRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	h, err := s.Svc.ReleaseHold(ctx, id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LegalHoldViewOf(ctx, h))
}
