package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/catalyst-sbri/catalyst/domain"
)

// ErrNotRunning is a command for a record whose lifecycle has finished or never started: no
// retry will change that.
var ErrNotRunning = errors.New("this record's lifecycle is not running: it has finished, or has not started yet")

// ErrUnavailable is Temporal not answering at all; nothing was changed.
var ErrUnavailable = errors.New("the workflow service did not answer in time")

// translate turns what Temporal answered into the domain's and this package's own errors, so
// no caller unpacks Temporal's: a rule's refusal becomes the domain's (its problems, or the
// transition refused with its reason), and each way Temporal fails becomes ErrBusy,
// ErrNotRunning or ErrUnavailable.
func translate(err error) error {
	if err == nil || errors.Is(err, ErrBusy) {
		return err
	}
	var app *temporal.ApplicationError
	var nf *serviceerror.NotFound
	var notReady *serviceerror.WorkflowNotReady
	var unavailable *serviceerror.Unavailable
	switch {
	case errors.As(err, &app):
		return refusalOf(app)
	case errors.As(err, &notReady):
		return fmt.Errorf("%w: %w", ErrBusy, err)
	case errors.As(err, &nf):
		return fmt.Errorf("%w: %w", ErrNotRunning, err)
	case errors.As(err, &unavailable), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// refusalOf is the domain's refusal a workflow sent as an application error (refused), or the
// error itself when it is not one: that is a failure, not a refusal.
func refusalOf(app *temporal.ApplicationError) error {
	msg := app.Error()
	// The SDK appends "(type: X, retryable: Y)"; people do not need it.
	if i := strings.Index(msg, " (type: "); i > 0 {
		msg = msg[:i]
	}
	var kind error
	switch app.Type() {
	case ErrTypeInvalidInput:
		var ps domain.Problems
		if app.HasDetails() && app.Details(&ps) == nil && len(ps) > 0 {
			return ps
		}
		return fmt.Errorf("%w: %s", domain.ErrInvalidInput, strings.TrimPrefix(msg, domain.ErrInvalidInput.Error()+": "))
	case ErrTypeEvidenceMissing:
		kind = domain.ErrEvidenceMissing
	case ErrTypeInvalidTransition:
		kind = domain.ErrInvalidTransition
	default:
		return app
	}
	var r domain.Refused
	if app.HasDetails() && app.Details(&r) == nil && r.Action != "" {
		return &domain.TransitionError{Record: r.Record, Action: r.Action, From: r.State, Reason: r.Reason, Kind: kind}
	}
	return fmt.Errorf("%w: %s", kind, msg)
}
