package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// On deadline day many suppliers submit at once. Rather than let requests queue until they time
// out, the submit path takes a bounded number at a time; one that waits too long for its turn is
// answered 503 with Retry-After at once, having changed nothing, and the client sends it again.
// A bid's receipt time is when it arrived here, before its wait for a slot (service.WithArrival),
// or for a keyed retry of a submit refused busy, when that first arrived (idempotent).

// Submit admission defaults.
const (
	DefaultSubmitSlots = 32
	defaultSubmitWait  = 2 * time.Second
	// SubmitRetryAfter is the seconds a submit turned away busy is asked to wait.
	SubmitRetryAfter = 2
)

// errBusy is a request turned away because too many like it are being served.
var errBusy = errors.New("too many bids are being submitted at this moment")

// IsBusy reports whether err is a submit turned away busy (admission's 503, or one that could
// not be sealed in time): nothing was changed, and it may be sent again.
func IsBusy(err error) bool {
	return errors.Is(err, errBusy) || errors.Is(err, service.ErrSubmitTooSlow)
}

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

// Hold takes a slot as a submit being served does, until release: a drill of a busy deadline.
func (a *admission) Hold() (release func()) {
	a.slots <- struct{}{}
	return func() { <-a.slots }
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
			c.Response().Header().Set("Retry-After", strconv.Itoa(SubmitRetryAfter))
			return errBusy
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		}
		defer func() { <-a.slots }()
		return next(c)
	}
}

// busyKept is errBusy (or service.ErrSubmitTooSlow) for a keyed submit whose first arrival is
// kept (service.KeepBusyArrival): a retry with its key is received as of then.
type busyKept struct {
	error
	at time.Time
}

func (e busyKept) Unwrap() error { return e.error }

// busyProblem is how errBusy is answered; arrived is when a keyed submit first arrived, if kept.
func busyProblem(arrived *time.Time) Problem {
	detail := "many bids are being submitted at this moment and yours has not been taken yet: nothing was changed. " +
		"Send it again in a few seconds; its time is taken when it is accepted"
	if arrived != nil {
		detail = fmt.Sprintf("many bids are being submitted at this moment and yours has not been taken yet: nothing was changed. "+
			"Its arrival at %s (UK time) is kept: send it again with the same Idempotency-Key, up to %d minutes after the deadline, "+
			"and it is received as of then", ui.Time(*arrived), int(domain.LateRetryWindow.Minutes()))
	}
	return Problem{Type: problemBase + "busy", Title: "Service busy", Status: http.StatusServiceUnavailable, Detail: detail}
}
