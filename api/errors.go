package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Errors lists each problem with the request's fields, when there are several or a form
	// must show one beside its field (RFC 9457 §3.2 extension).
	Errors []domain.FieldProblem `json:"errors,omitempty"`
	// Refused says which action the record's state refused and why (RFC 9457 extension).
	Refused *domain.Refused `json:"refused,omitempty"`
}

// problemBase prefixes every problem type; the path names the kind of problem, stably.
const problemBase = "https://catalyst.example/problems/"

// problemError is an error that already knows its problem.
type problemError struct {
	status int
	kind   string
	title  string
	detail string
	errors domain.Problems // each field's problem, when the detail sums up several
}

func (e *problemError) Error() string { return e.detail }

func newProblem(status int, kind, title, detail string) error {
	return &problemError{status: status, kind: kind, title: title, detail: detail}
}

func badRequest(format string, args ...any) error {
	return newProblem(http.StatusBadRequest, "bad-request", "The request is not valid", fmt.Sprintf(format, args...))
}

func notFound(what string, id any) error {
	return newProblem(http.StatusNotFound, "not-found", "Not found", fmt.Sprintf("there is no %s %v", what, id))
}

// notFoundDetail names the kind of record Ent did not find ("ent: bid not found").
func notFoundDetail(err error) string {
	var nf *ent.NotFoundError
	if errors.As(err, &nf) {
		label := strings.TrimSuffix(strings.TrimPrefix(nf.Error(), "ent: "), " not found")
		return "there is no such " + strings.ReplaceAll(label, "_", " ")
	}
	return "the record does not exist"
}

func conflict(kind, format string, args ...any) error {
	return newProblem(http.StatusConflict, kind, "This cannot be done now", fmt.Sprintf(format, args...))
}

// toProblem is the one place an error becomes an HTTP status and a problem document. Internal
// detail never reaches the client in a 5xx; it goes to the log.
func toProblem(err error) (Problem, bool) {
	var pe *problemError
	var he *echo.HTTPError
	var app *temporal.ApplicationError
	var te *domain.TransitionError
	var nf *serviceerror.NotFound
	var unavailable *serviceerror.Unavailable
	var notReady *serviceerror.WorkflowNotReady
	var ps domain.Problems
	var refusal *service.Refusal
	switch {
	case errors.As(err, &refusal):
		status := map[service.Kind]int{service.Forbidden: http.StatusForbidden, service.Conflict: http.StatusConflict,
			service.Stale: http.StatusPreconditionFailed, service.NotFound: http.StatusNotFound,
			service.Unauthenticated: http.StatusUnauthorized}[refusal.Kind]
		return Problem{Type: problemBase + refusal.Code, Title: refusal.Title, Status: status, Detail: refusal.Detail}, true
	case errors.As(err, &pe):
		return Problem{Type: problemBase + pe.kind, Title: pe.title, Status: pe.status, Detail: pe.detail, Errors: pe.errors}, true
	case errors.As(err, &he):
		msg := fmt.Sprint(he.Message)
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "the request is too large"
		}
		return Problem{Type: problemBase + strings.ReplaceAll(strings.ToLower(http.StatusText(he.Code)), " ", "-"),
			Title: http.StatusText(he.Code), Status: he.Code, Detail: msg}, true
	case errors.As(err, &ps):
		return invalidProblem(ps), true
	case errors.As(err, &app):
		return fromApplicationError(app), true
	case errors.As(err, &te):
		kind, title := "invalid-transition", "This cannot be done now"
		switch {
		case errors.Is(err, domain.ErrEvidenceMissing):
			kind = "evidence-missing"
		case errors.Is(err, domain.ErrCompetitionClosed):
			kind, title = "competition-closed", "The competition is closed"
		case te.Record == "bid":
			kind, title = "bid-sealed", "The bid is sealed"
		}
		refused := te.Refused()
		return Problem{Type: problemBase + kind, Title: title, Status: http.StatusConflict, Detail: te.Error(), Refused: &refused}, true
	case errors.Is(err, domain.ErrInvalidInput):
		return Problem{Type: problemBase + "invalid-input", Title: "Check what you entered", Status: http.StatusUnprocessableEntity,
			Detail: strings.TrimPrefix(err.Error(), domain.ErrInvalidInput.Error()+": ")}, true
	case errors.Is(err, docstore.ErrTooLarge):
		return Problem{Type: problemBase + "document-too-large", Title: "The document is too large", Status: http.StatusRequestEntityTooLarge, Detail: err.Error()}, true
	case errors.Is(err, docstore.ErrTypeRefused), errors.Is(err, docstore.ErrEmpty):
		return Problem{Type: problemBase + "document-type", Title: "The document cannot be accepted", Status: http.StatusUnsupportedMediaType, Detail: err.Error()}, true
	case errors.Is(err, docstore.ErrNotFound):
		return Problem{Type: problemBase + "not-found", Title: "Not found", Status: http.StatusNotFound, Detail: "the document's content is missing"}, true
	case errors.Is(err, privacy.Deny):
		// The rule's own words name what was refused, never a record's contents.
		detail := strings.TrimSuffix(err.Error(), ": "+privacy.Deny.Error())
		if detail == privacy.Deny.Error() || detail == "" {
			detail = "your role does not allow this"
		}
		return Problem{Type: problemBase + "forbidden", Title: "You cannot do this", Status: http.StatusForbidden, Detail: detail}, true
	case ent.IsNotFound(err):
		return Problem{Type: problemBase + "not-found", Title: "Not found", Status: http.StatusNotFound, Detail: notFoundDetail(err)}, true
	case ent.IsConstraintError(err):
		return Problem{Type: problemBase + "conflict", Title: "This conflicts with an existing record", Status: http.StatusConflict, Detail: "a record like this already exists"}, true
	case ent.IsValidationError(err):
		var ve *ent.ValidationError
		errors.As(err, &ve)
		return Problem{Type: problemBase + "invalid-input", Title: "Check what you entered", Status: http.StatusUnprocessableEntity, Detail: fmt.Sprintf("%s is not valid", ve.Name)}, true
	case errors.Is(err, errBusy), errors.Is(err, service.ErrSubmitTooSlow):
		return busyProblem(), true
	case errors.Is(err, workflows.ErrBusy), errors.As(err, &notReady):
		return Problem{Type: problemBase + "unavailable", Title: "Service unavailable", Status: http.StatusServiceUnavailable,
			Detail: "this record's lifecycle is busy and did not take the command in time; nothing was changed, try again in a minute"}, false
	case errors.As(err, &nf):
		return Problem{Type: problemBase + "lifecycle-not-running", Title: "This cannot be done now", Status: http.StatusConflict,
			Detail: "this record's lifecycle is not running: it has finished, or has not started yet"}, true
	case errors.As(err, &unavailable), errors.Is(err, context.DeadlineExceeded):
		return Problem{Type: problemBase + "unavailable", Title: "Service unavailable", Status: http.StatusServiceUnavailable,
			Detail: "the workflow service did not answer in time; nothing was changed, try again in a minute"}, false
	}
	return Problem{Type: problemBase + "internal", Title: "Something went wrong", Status: http.StatusInternalServerError,
		Detail: "the error has been logged with this request's ID"}, false
}

func fromApplicationError(app *temporal.ApplicationError) Problem {
	msg := app.Error()
	// The SDK appends "(type: X, retryable: Y)"; people do not need it.
	if i := strings.Index(msg, " (type: "); i > 0 {
		msg = msg[:i]
	}
	switch app.Type() {
	case workflows.ErrTypeInvalidInput:
		var ps domain.Problems
		if app.HasDetails() && app.Details(&ps) == nil && len(ps) > 0 {
			return invalidProblem(ps)
		}
		return Problem{Type: problemBase + "invalid-input", Title: "Check what you entered", Status: http.StatusUnprocessableEntity, Detail: msg}
	case workflows.ErrTypeEvidenceMissing:
		return Problem{Type: problemBase + "evidence-missing", Title: "Evidence is missing", Status: http.StatusConflict, Detail: msg, Refused: refusedIn(app)}
	case workflows.ErrTypeInvalidTransition:
		return Problem{Type: problemBase + "invalid-transition", Title: "This cannot be done now", Status: http.StatusConflict, Detail: msg, Refused: refusedIn(app)}
	}
	return Problem{Type: problemBase + "internal", Title: "Something went wrong", Status: http.StatusInternalServerError,
		Detail: "the error has been logged with this request's ID"}
}

// refusedIn is the refusal a workflow's error carries, if it carries one.
func refusedIn(app *temporal.ApplicationError) *domain.Refused {
	var r domain.Refused
	if !app.HasDetails() || app.Details(&r) != nil || r.Action == "" {
		return nil
	}
	return &r
}

// invalidProblem lists the problems with a request one by one, with one sentence for all.
func invalidProblem(ps domain.Problems) Problem {
	return Problem{Type: problemBase + "invalid-input", Title: "Check what you entered", Status: http.StatusUnprocessableEntity,
		Detail: ps.Error(), Errors: ps}
}

// errorHandler writes every error as a problem document (pages get an HTML error page).
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p, expected := toProblem(err)
	if s.Metrics != nil && expected && p.Status < 500 {
		s.Metrics.Refused(strings.TrimPrefix(p.Type, problemBase))
	}
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	p.Instance = c.Request().URL.Path
	switch {
	case !expected || p.Status >= 500:
		s.log.Error("request failed", "request_id", rid, "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
	case p.Type == problemBase+"lifecycle-not-running":
		// Expected once a lifecycle ends, but worth finding if it ever happens mid-lifecycle.
		s.log.Warn("command refused", "request_id", rid, "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
	}
	if p.Status == http.StatusUnauthorized {
		// RFC 9110 §15.5.2 and RFC 6750 §3: say how to authenticate, and that a token sent failed.
		challenge := `Bearer realm="Catalyst"`
		if c.Request().Header.Get(echo.HeaderAuthorization) != "" {
			challenge += `, error="invalid_token"`
		}
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, challenge)
	}
	if !strings.HasPrefix(c.Request().URL.Path, "/api/") && strings.Contains(c.Request().Header.Get("Accept"), "text/html") {
		_ = s.renderError(c, p)
		return
	}
	if p.Status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "30") // a busy lifecycle or an unreachable Temporal
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	_ = jsonEncode(c.Response(), p)
}
