package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
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

// NewProblem is a refusal answered as a problem of its own kind.
func NewProblem(status int, kind, title, detail string) error {
	return &problemError{status: status, kind: kind, title: title, detail: detail}
}

// BadRequest is a request that cannot be read, and what to fix.
func BadRequest(format string, args ...any) error {
	return NewProblem(http.StatusBadRequest, "bad-request", "The request is not valid", fmt.Sprintf(format, args...))
}

// NotFound is the answer for a record that is not there, or not the viewer's to see.
func NotFound(what string, id any) error {
	return NewProblem(http.StatusNotFound, "not-found", "Not found", fmt.Sprintf("there is no %s %v", what, id))
}

func conflict(kind, format string, args ...any) error {
	return NewProblem(http.StatusConflict, kind, "This cannot be done now", fmt.Sprintf(format, args...))
}

// ToProblem is the one place an error becomes an HTTP status and a problem document. Internal
// detail never reaches the client in a 5xx; it goes to the log.
func ToProblem(err error) (Problem, bool) {
	err = service.Explain(err) // the store's errors, in the service's words
	var pe *problemError
	var he *echo.HTTPError
	var te *domain.TransitionError
	var ps domain.Problems
	var refusal *service.Refusal
	switch {
	case errors.As(err, &refusal):
		status := map[service.Kind]int{service.Forbidden: http.StatusForbidden, service.Conflict: http.StatusConflict,
			service.Stale: http.StatusPreconditionFailed, service.NotFound: http.StatusNotFound,
			service.Unauthenticated: http.StatusUnauthorized, service.Gone: http.StatusGone}[refusal.Kind]
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
	case errors.As(err, &te):
		kind, title := "invalid-transition", "This cannot be done now"
		switch {
		case errors.Is(err, domain.ErrEvidenceMissing):
			kind, title = "evidence-missing", "Evidence is missing"
		case errors.Is(err, domain.ErrCompetitionClosed):
			kind, title = "competition-closed", "The competition is closed"
		case te.Record == "bid" && (te.Action == "change" || te.Action == "submit"):
			kind, title = "bid-sealed", "The bid is sealed"
		}
		refused := te.Refused()
		return Problem{Type: problemBase + kind, Title: title, Status: http.StatusConflict, Detail: te.Error(), Refused: &refused}, true
	case errors.Is(err, domain.ErrEvidenceMissing):
		return Problem{Type: problemBase + "evidence-missing", Title: "Evidence is missing", Status: http.StatusConflict,
			Detail: strings.TrimPrefix(err.Error(), domain.ErrEvidenceMissing.Error()+": ")}, true
	case errors.Is(err, domain.ErrInvalidTransition):
		return Problem{Type: problemBase + "invalid-transition", Title: "This cannot be done now", Status: http.StatusConflict,
			Detail: strings.TrimPrefix(err.Error(), domain.ErrInvalidTransition.Error()+": ")}, true
	case errors.Is(err, domain.ErrInvalidInput):
		return Problem{Type: problemBase + "invalid-input", Title: "Check what you entered", Status: http.StatusUnprocessableEntity,
			Detail: strings.TrimPrefix(err.Error(), domain.ErrInvalidInput.Error()+": ")}, true
	case errors.Is(err, docstore.ErrTooLarge):
		return Problem{Type: problemBase + "document-too-large", Title: "The document is too large", Status: http.StatusRequestEntityTooLarge, Detail: err.Error()}, true
	case errors.Is(err, docstore.ErrTypeRefused), errors.Is(err, docstore.ErrEmpty):
		return Problem{Type: problemBase + "document-type", Title: "The document cannot be accepted", Status: http.StatusUnsupportedMediaType, Detail: err.Error()}, true
	case errors.Is(err, docstore.ErrNotFound):
		return Problem{Type: problemBase + "not-found", Title: "Not found", Status: http.StatusNotFound, Detail: "the document's content is missing"}, true
	case IsBusy(err):
		var kept busyKept
		if errors.As(err, &kept) {
			return busyProblem(&kept.at), true
		}
		return busyProblem(nil), true
	case errors.Is(err, workflows.ErrBusy):
		return Problem{Type: problemBase + "unavailable", Title: "Service unavailable", Status: http.StatusServiceUnavailable,
			Detail: "this record's lifecycle is busy and did not take the command in time; nothing was changed, try again in a minute"}, false
	case errors.Is(err, workflows.ErrNotRunning):
		return Problem{Type: problemBase + "lifecycle-not-running", Title: "This cannot be done now", Status: http.StatusConflict,
			Detail: "this record's lifecycle is not running: it has finished, or has not started yet"}, true
	case errors.Is(err, workflows.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return Problem{Type: problemBase + "unavailable", Title: "Service unavailable", Status: http.StatusServiceUnavailable,
			Detail: "the workflow service did not answer in time; nothing was changed, try again in a minute"}, false
	}
	return Problem{Type: problemBase + "internal", Title: "Something went wrong", Status: http.StatusInternalServerError,
		Detail: "the error has been logged with this request's ID"}, false
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
	p, expected := ToProblem(err)
	if s.Metrics != nil && expected && p.Status < 500 {
		s.Metrics.Refused(strings.TrimPrefix(p.Type, problemBase))
	}
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	p.Instance = c.Request().URL.Path
	switch {
	case !expected || p.Status >= 500:
		s.Log.Error("request failed", "request_id", rid, "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
	case p.Type == problemBase+"lifecycle-not-running":
		// Expected once a lifecycle ends, but worth finding if it ever happens mid-lifecycle.
		s.Log.Warn("command refused", "request_id", rid, "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
	}
	if p.Status == http.StatusUnauthorized {
		// RFC 9110 §15.5.2 and RFC 6750 §3: say how to authenticate, and that a token sent failed.
		challenge := `Bearer realm="Catalyst"`
		if c.Request().Header.Get(echo.HeaderAuthorization) != "" {
			challenge += `, error="invalid_token"`
		}
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, challenge)
	}
	if s.ErrorPage != nil && !strings.HasPrefix(c.Request().URL.Path, "/api/") && strings.Contains(c.Request().Header.Get("Accept"), "text/html") {
		_ = s.ErrorPage(c, p)
		return
	}
	if p.Status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "30") // a busy lifecycle or an unreachable Temporal
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	_ = jsonEncode(c.Response(), p)
}

// ProblemsOf gives a refusal's problems for a form, or nil when the refusal is of another kind.
func ProblemsOf(err error) domain.Problems {
	var ps domain.Problems
	if errors.As(err, &ps) {
		return ps
	}
	var r *service.Refusal
	if errors.As(err, &r) && r.Kind == service.Stale {
		return domain.Problems{{Field: "title", Message: "Someone else changed this challenge while you were editing it: check the answers below, which are yours, and save again to replace theirs"}}
	}
	return nil
}

// ReasonOf is a refusal's reason as a page shows it.
func ReasonOf(err error) string {
	var te *domain.TransitionError
	if errors.As(err, &te) {
		return te.Reason
	}
	var r *service.Refusal
	if errors.As(err, &r) {
		return r.Detail
	}
	return err.Error()
}
