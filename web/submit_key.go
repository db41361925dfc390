package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// A bid submitted from its page is as fair to the last second as one sent with an
// Idempotency-Key (api/idempotency.go): the check-answers page's form carries a key made when
// the page was drawn ("submit_key"), under which the submit is kept as the API's is. A submit
// turned away busy keeps when it first arrived; the busy page's "Submit your bid again" sends
// the same key, and is received as of then, up to domain.LateRetryWindow after the deadline;
// the competition's close waits for it. A second press of a form already answered shows the
// receipt (or, for a bid reopened since, submits it afresh).

// newSubmitKey is a fresh key for a check-answers page's submit form.
func newSubmitKey() string { return rand.Text() }

// bidBusyData is the page of a submit turned away busy, with its first arrival if kept.
type bidBusyData struct {
	BidID     int
	Arrived   *time.Time
	SubmitKey string
	Window    int // minutes after the deadline a retry is received as of its first arrival
}

// keyedPageSubmit wraps a bid's page submit (before its admission) with its form's key.
func (s *Server) keyedPageSubmit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.FormValue("submit_key")
		id, err := api.PathID(c)
		v, ok := api.CurrentViewer(c)
		if key == "" || len(key) > 64 || err != nil || !ok {
			return next(c)
		}
		ctx := c.Request().Context()
		empty := sha256.Sum256(nil)
		in := service.KeyedRequest{Principal: v.Name() + "#page", Key: key, Method: http.MethodPost,
			Path: service.BidSubmitRecordPath(id), BodyHash: hex.EncodeToString(empty[:])}
		prior, err := s.Svc.KeyedAnswer(ctx, in)
		if err != nil {
			return err
		}
		var busy *ent.IdempotencyRecord
		switch {
		case prior != nil && prior.Status == service.RefusedBusy:
			busy = prior
		case prior != nil: // answered: the form was sent twice...
			if b, err := s.Svc.Bid(ctx, id); err != nil || b.Status != domain.BidDraft {
				return c.Redirect(http.StatusSeeOther, bidPath(id, "/submitted"))
			}
			return next(c) // ...or is an old page's, of a bid reopened since: submitted afresh
		}
		ctx = service.WithKeyed(ctx, in, busy)
		service.AnswerKeyedWith(ctx, func(*ent.Bid) (service.Answer, error) {
			return service.Answer{Status: http.StatusSeeOther, ContentType: "text/plain; charset=utf-8", Body: []byte(bidPath(id, "/submitted"))}, nil
		})
		c.SetRequest(c.Request().WithContext(ctx))
		err = next(c)
		switch {
		case errors.Is(err, service.ErrKeyAnswered):
			return c.Redirect(http.StatusSeeOther, bidPath(id, "/submitted"))
		case !api.IsBusy(err):
			return err
		}
		// Turned away busy: its first arrival is kept for the same form sent again.
		first := service.ArrivalOf(c.Request().Context())
		if busy != nil && busy.ArrivedAt != nil {
			first = *busy.ArrivedAt
		}
		d := bidBusyData{BidID: id, SubmitKey: key, Window: int(domain.LateRetryWindow.Minutes())}
		if busy != nil || s.Svc.KeepBusyArrival(ctx, in, first) {
			d.Arrived = &first
		}
		c.Response().Header().Set("Retry-After", strconv.Itoa(api.SubmitRetryAfter))
		return s.render(c, http.StatusServiceUnavailable, "bid_busy", "Your bid has not been submitted yet", "bids", d)
	}
}
