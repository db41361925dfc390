// Package api serves Catalyst's JSON API under /api/v1 and its pages, with Echo v4. Handlers
// return errors; errorHandler alone turns them into statuses and problem documents.
package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Deps are what the server needs.
type Deps struct {
	DB       *ent.Client
	Temporal client.Client
	Docs     *docstore.Store
	// Ready reports whether every dependency answers; /readyz calls it.
	Ready func(ctx context.Context) error
	// DevSignIn shows the local sign-in page listing demo people. Never in production.
	DevSignIn bool
	// SessionKey signs session cookies.
	SessionKey []byte
	Log        *slog.Logger
}

// Server is the HTTP side of Catalyst.
type Server struct {
	Deps
	log *slog.Logger
}

// New builds the Echo server with every route.
func New(d Deps) (*echo.Echo, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if len(d.SessionKey) < 32 {
		return nil, errors.New("the session key must be at least 32 bytes")
	}
	s := &Server{Deps: d, log: d.Log}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(middleware.RequestID())
	e.Use(middleware.Recover())
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; frame-ancestors 'none'; form-action 'self'",
	}))
	e.Use(s.identify)

	e.GET("/readyz", s.readyz)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/api/openapi.json", s.openAPI)

	v1 := e.Group("/api/v1")
	v1.GET("/people", s.listPeople)
	v1.GET("/organisations", s.listOrganisations)
	v1.GET("/challenges", s.listChallenges)
	v1.POST("/challenges", s.createChallenge)
	v1.GET("/challenges/:id", s.getChallenge)
	v1.POST("/challenges/:id/submit", s.submitChallenge)
	v1.POST("/challenges/:id/selection", s.selectChallenge)
	v1.POST("/challenges/:id/competitions", s.openCompetition)
	v1.POST("/challenges/:id/completion", s.completeChallenge)
	v1.GET("/competitions/:id", s.getCompetition)
	v1.GET("/competitions/:id/bids", s.listBids)
	v1.POST("/competitions/:id/bids", s.createBid)
	v1.POST("/competitions/:id/assessments", s.recordAssessment)
	v1.POST("/competitions/:id/decision", s.decide)
	v1.GET("/bids/:id", s.getBid)
	v1.POST("/bids/:id/documents", s.uploadDocument)
	v1.POST("/bids/:id/submit", s.submitBid)
	v1.GET("/documents/:id", s.getDocument)
	v1.GET("/documents/:id/content", s.downloadDocument)
	v1.GET("/contracts/:id", s.getContract)
	v1.POST("/contracts/:id/report", s.submitReport)
	v1.POST("/contracts/:id/gate", s.recordGate)

	s.pageRoutes(e)
	return e, nil
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if s.Ready != nil {
		if err := s.Ready(ctx); err != nil {
			s.log.Warn("not ready", "error", err)
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// --- identity (a thin stand-in until sign-in and access control land) -----------------------

const sessionCookie = "catalyst_session"

type ctxKey string

const personKey ctxKey = "person"

// identify reads the signed session cookie and loads the person it names, if any.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ck, err := c.Cookie(sessionCookie); err == nil {
			if id, ok := s.verifySession(ck.Value); ok {
				if p, err := s.DB.Person.Get(c.Request().Context(), id); err == nil {
					c.Set(string(personKey), p)
				}
			}
		}
		return next(c)
	}
}

func (s *Server) signSession(personID int) string {
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	body := strconv.Itoa(personID) + "." + hex.EncodeToString(nonce[:])
	m := hmac.New(sha256.New, s.SessionKey)
	m.Write([]byte(body))
	return body + "." + hex.EncodeToString(m.Sum(nil))
}

func (s *Server) verifySession(v string) (int, bool) {
	i := strings.LastIndex(v, ".")
	if i < 0 {
		return 0, false
	}
	body, sig := v[:i], v[i+1:]
	m := hmac.New(sha256.New, s.SessionKey)
	m.Write([]byte(body))
	want := hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return 0, false
	}
	id, err := strconv.Atoi(strings.SplitN(body, ".", 2)[0])
	return id, err == nil
}

func currentPerson(c echo.Context) *ent.Person {
	p, _ := c.Get(string(personKey)).(*ent.Person)
	return p
}

// actor is who the audit trail records for this request.
func actor(c echo.Context, reason string) activities.Actor {
	who := "anonymous"
	if p := currentPerson(c); p != nil {
		who = p.Email
	}
	return activities.Actor{Who: who, RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Reason: reason}
}

// --- Temporal ------------------------------------------------------------------------------

// updateTimeout bounds how long a request waits for a workflow's answer.
const updateTimeout = 20 * time.Second

// update sends a command to a running workflow and waits for its result. A workflow the
// database says exists may not have started yet (a parent starts it moments after the record is
// written), so a not-found answer is retried briefly, unless the workflow has already finished.
func (s *Server) update(ctx context.Context, workflowID, name string, arg, out any) error {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	start := time.Now()
	for {
		err := s.updateOnce(ctx, workflowID, name, arg, out)
		var nf *serviceerror.NotFound
		if !errors.As(err, &nf) || time.Since(start) > notStartedWait {
			return err
		}
		if _, derr := s.Temporal.DescribeWorkflowExecution(ctx, workflowID, ""); derr == nil {
			return err // it ran and has finished: nothing to wait for
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// notStartedWait bounds the wait for a workflow that is about to start.
const notStartedWait = 10 * time.Second

func (s *Server) updateOnce(ctx context.Context, workflowID, name string, arg, out any) error {
	h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, out)
}

// startChallenge starts a challenge's workflow with its first command, in one call, so the
// answer says whether the submission took.
func (s *Server) startChallenge(ctx context.Context, challengeID int, arg workflows.SubmitChallengeRequest, out any) error {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	op := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflows.ChallengeWorkflowID(challengeID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.ChallengeWorkflow, workflows.ChallengeInput{ChallengeID: challengeID})
	h, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: workflows.UpdateSubmitChallenge, Args: []any{arg},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, out)
}

// --- helpers -------------------------------------------------------------------------------

func pathID(c echo.Context) (int, error) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil || id <= 0 {
		return 0, badRequest("%q is not a record number", c.Param("id"))
	}
	return id, nil
}

// pathIDAndBody reads the record number from the path and the JSON body into v.
func pathIDAndBody(c echo.Context, v any) (int, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	return id, bind(c, v)
}

// bind decodes a JSON body strictly, so a misspelt field is reported rather than ignored.
func bind(c echo.Context, v any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Send JSON", "send the body as application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return badRequest("the request body is empty: send a JSON object")
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return badRequest("the body is not valid JSON: it ends before the object does")
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return newProblem(http.StatusRequestEntityTooLarge, "too-large", "The request is too large", "send at most 1 MB of JSON")
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return badRequest("the body is not valid JSON (at byte %d)", syn.Offset)
		case errors.As(err, &typ):
			return badRequest("field %q must be a %s", typ.Field, typ.Type)
		}
		return badRequest("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
