package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/service"
)

// On deadline day many suppliers submit at once. Rather than let requests queue until they time
// out, the submit path takes a bounded number at a time; one that waits too long for its turn is
// answered 503 with Retry-After at once, having changed nothing, and the client sends it again.
// A bid's receipt time is when it arrived here, before its wait for a slot (service.WithArrival).

// Submit admission defaults.
const (
	DefaultSubmitSlots = 32
	defaultSubmitWait  = 2 * time.Second
	submitRetryAfter   = 2 // seconds
)

// errBusy is a request turned away because too many like it are being served.
var errBusy = errors.New("too many bids are being submitted at this moment")

// admission bounds how many requests of one kind run at once.
type admission struct {
	slots chan struct{}
	wait  time.Duration
}

func newAdmission(slots int, wait time.Duration) *admission {
	if slots <= 0 {
		slots = DefaultSubmitSlots
	}
	if wait <= 0 {
		wait = defaultSubmitWait
	}
	return &admission{slots: make(chan struct{}, slots), wait: wait}
}

// Admit runs next once a slot is free, or answers errBusy after the wait.
func (a *admission) Admit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// A submit's receipt time is when it arrived, not when it was let in.
		c.SetRequest(c.Request().WithContext(service.WithArrival(c.Request().Context(), time.Now())))
		t := time.NewTimer(a.wait)
		defer t.Stop()
		select {
		case a.slots <- struct{}{}:
		case <-t.C:
			c.Response().Header().Set("Retry-After", strconv.Itoa(submitRetryAfter))
			return errBusy
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		}
		defer func() { <-a.slots }()
		return next(c)
	}
}

// busyProblem is how errBusy is answered.
func busyProblem() Problem {
	return Problem{Type: problemBase + "busy", Title: "Service busy", Status: http.StatusServiceUnavailable,
		Detail: "many bids are being submitted at this moment and yours has not been taken yet: nothing was changed. Send it again in a few seconds; its time is taken when it is accepted"}
}
