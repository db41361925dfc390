// Package api serves Catalyst's JSON API under /api/v1 and its pages, with Echo v4. Handlers
// return errors; errorHandler alone turns them into statuses and problem documents.
package api

import (
	"context"
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
	"go.temporal.io/sdk/client"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/metrics"
	"github.com/catalyst-sbri/catalyst/service"
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
	// SessionKey signs the short-lived sign-in state cookie.
	SessionKey []byte
	// SecureCookies marks cookies Secure: always in production, where Catalyst is served over
	// HTTPS. The dev server on plain http://localhost leaves it off so browsers keep the cookie.
	SecureCookies bool
	// Production adds HSTS and refuses the dev sign-in.
	Production bool
	// OIDC signs people in with OpenID Connect; nil when not configured.
	OIDC *OIDCConfig
	// SignInRate is how many sign-in attempts one address may make per minute (default 20), and
	// how many times it may ask for or stop alerts.
	SignInRate int
	// OCIDPrefix is the programme's ocid prefix for open contracting data (DefaultOCIDPrefix
	// until it registers one).
	OCIDPrefix string
	// SubmitSlots is how many bid submissions run at once (DefaultSubmitSlots if 0); one that
	// waits SubmitWait for its turn is answered 503 with Retry-After.
	SubmitSlots int
	SubmitWait  time.Duration
	// Metrics records requests and refusals and serves /metrics; nil for none.
	Metrics *metrics.Metrics
	Log     *slog.Logger
}

// Server is the HTTP side of Catalyst.
type Server struct {
	Deps
	submits *admission
	svc     *service.Service
	log     *slog.Logger
	oidc    *oidcClient
}

// New builds the Echo server with every route.
func New(d Deps) (*echo.Echo, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if len(d.SessionKey) < 32 {
		return nil, errors.New("the session key must be at least 32 bytes")
	}
	if d.Production && d.DevSignIn {
		return nil, errors.New("the dev sign-in cannot be switched on in production")
	}
	if d.SignInRate == 0 {
		d.SignInRate = 20
	}
	if _, err := apiContract(); err != nil {
		return nil, err
	}
	s := &Server{Deps: d, log: d.Log, submits: newAdmission(d.SubmitSlots, d.SubmitWait),
		svc: &service.Service{DB: d.DB, Docs: d.Docs, Lifecycle: workflows.Lifecycle{Temporal: d.Temporal}}}
	if d.OIDC != nil {
		s.oidc = newOIDCClient(*d.OIDC)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	// The caller's address is the connection's, not a header anyone can set: sign-in rate
	// limits key on it.
	e.IPExtractor = echo.ExtractIPDirect()
	e.Pre(headAsGet(e))
	e.Use(keepOnlyPlainRequestIDs)
	e.Use(middleware.RequestID())
	e.Use(carryRequestID)
	e.Use(s.logRequests)
	e.Use(middleware.Recover())
	secure := middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
	}
	if d.Production {
		secure.HSTSMaxAge = 63072000 // two years
		secure.HSTSExcludeSubdomains = false
	}
	e.Use(middleware.SecureWithConfig(secure))
	e.Use(s.crossOrigin)
	e.Use(s.identify)
	e.Use(s.authorize)
	e.Use(s.checkQuery)
	e.Use(s.idempotent)

	e.GET("/readyz", s.readyz)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/metrics", s.metrics)
	e.GET("/api/openapi.json", s.openAPI)

	v1 := e.Group("/api/v1")
	v1.GET("/people", s.listPeople)
	v1.POST("/people", s.addPerson)
	v1.POST("/people/:id", s.changePerson)
	v1.POST("/people/:id/deactivate", s.deactivatePerson)
	v1.GET("/organisations", s.listOrganisations)
	v1.POST("/organisations", s.registerOrganisation)
	v1.POST("/organisations/:id/join-requests", s.askToJoin)
	v1.GET("/join-requests", s.listJoinRequests)
	v1.POST("/join-requests/:id/decision", s.decideJoinRequest)
	v1.GET("/challenges", s.listChallenges)
	v1.POST("/challenges", s.createChallenge)
	v1.GET("/challenges/:id", s.getChallenge)
	v1.PATCH("/challenges/:id", s.editChallenge)
	v1.POST("/challenges/:id/submit", s.submitChallenge)
	v1.POST("/challenges/:id/selection", s.selectChallenge)
	v1.POST("/challenges/:id/competitions", s.openCompetition)
	v1.POST("/challenges/:id/completion", s.completeChallenge)
	v1.POST("/challenges/:id/competition-setup", s.startCompetitionSetup)
	v1.GET("/challenges/:id/documents", s.listEvidence)
	v1.POST("/challenges/:id/documents", s.uploadEvidence)
	v1.POST("/competitions/:id/setup", s.editCompetitionSetup)
	v1.POST("/competitions/:id/launch", s.launchCompetition)
	v1.POST("/competitions/:id/extensions", s.extendDeadline)
	v1.GET("/competitions/:id/clarifications", s.listClarifications)
	v1.POST("/competitions/:id/clarifications", s.askClarification)
	v1.POST("/clarifications/:id/publish", s.publishClarification)
	v1.GET("/competitions/:id/eligibility", s.getEligibility)
	v1.POST("/competitions/:id/eligibility/finish", s.finishEligibility)
	v1.POST("/bids/:id/eligibility", s.decideEligibility)
	v1.POST("/competitions/:id/amendments", s.amendCompetition)
	v1.POST("/bids/:id/confirm", s.confirmBid)
	v1.GET("/notices", s.listNotices)
	v1.GET("/me/work", s.myWork)
	v1.GET("/lifecycles", s.lifecycles)
	v1.GET("/lifecycles/:record", s.lifecycle)
	v1.GET("/me/email-choices", s.getEmailChoices)
	v1.PUT("/me/email-choices", s.setEmailChoices)
	v1.GET("/figures", s.getFigures)
	v1.PUT("/figures/targets", s.setTargets)
	v1.GET("/webhooks", s.listWebhooks)
	v1.POST("/webhooks", s.registerWebhook)
	v1.GET("/webhooks/:id/deliveries", s.webhookDeliveries)
	v1.POST("/webhooks/:id/rotate-secret", s.rotateWebhookSecret)
	v1.POST("/webhooks/:id/disable", s.disableWebhook)
	v1.POST("/webhook-deliveries/:id/send-again", s.sendWebhookAgain)
	v1.GET("/emails", s.listEmails)
	v1.POST("/emails/:id/send-again", s.sendEmailAgain)
	v1.GET("/screening-criteria", s.listScreeningCriteria)
	v1.POST("/screening-criteria", s.addScreeningCriterion)
	v1.POST("/screening-criteria/:id/retire", s.retireScreeningCriterion)
	v1.GET("/challenges/:id/screening", s.getScreening)
	v1.POST("/challenges/:id/screening", s.screenChallenge)
	v1.GET("/rounds", s.listRounds)
	v1.POST("/rounds", s.createRound)
	v1.GET("/competitions", s.listCompetitions)
	v1.GET("/alerts", s.yourAlert)
	v1.POST("/alerts", s.subscribe, perAddress(s.SignInRate, "too-many-requests", "Too many alerts asked for"))
	v1.POST("/alerts/unsubscribe", s.unsubscribe, perAddress(s.SignInRate, "too-many-requests", "Too many attempts"))
	v1.GET("/competitions/:id", s.getCompetition)
	v1.GET("/competitions/:id/bids", s.listBids)
	v1.GET("/competitions/:id/panel", s.getPanel)
	v1.POST("/assessments/:id/exclusion", s.excludeScore)
	v1.DELETE("/assessments/:id/exclusion", s.includeScore)
	v1.POST("/assessments/:id/return", s.sendBack)
	v1.POST("/competitions/:id/bids", s.createBid)
	v1.POST("/competitions/:id/assessments", s.recordAssessment)
	v1.POST("/competitions/:id/decision", s.decide)
	v1.POST("/competitions/:id/feedback-release", s.releaseFeedback)
	v1.GET("/bids", s.yourBids)
	v1.GET("/bids/:id", s.getBid)
	v1.PUT("/bids/:id/tasks/:task", s.saveBidTask)
	v1.POST("/bids/:id/reopen", s.reopenBid)
	v1.POST("/bids/:id/withdraw", s.withdrawBid)
	v1.GET("/bids/:id/receipt", s.getReceipt)
	v1.POST("/receipts/verify", s.verifyReceipt)
	v1.DELETE("/documents/:id", s.removeDocument)
	v1.GET("/bids/:id/feedback", s.getFeedback)
	v1.POST("/bids/:id/documents", s.uploadDocument)
	v1.POST("/bids/:id/submit", s.submitBid, s.submits.admit)
	v1.GET("/documents/:id", s.getDocument)
	v1.GET("/documents/:id/content", s.downloadDocument)
	v1.GET("/assignments", s.listAssignments)
	v1.POST("/assignments/:id/accept", s.acceptAssignment)
	v1.POST("/assignments/:id/decline", s.declineAssignment)
	v1.PUT("/assignments/:id/draft", s.saveDraft)
	v1.POST("/assignments/:id/swap", s.swapAssessor)
	v1.GET("/competitions/:id/assignment-proposal", s.getProposal)
	v1.GET("/competitions/:id/interviews", s.getInterviews)
	v1.PUT("/bids/:id/interview-slot", s.scheduleInterview)
	v1.PUT("/bids/:id/interview-score", s.scoreInterview)
	v1.POST("/competitions/:id/assignments/release", s.releaseAssignments)
	v1.POST("/competitions/:id/assignments/rerun", s.rerunAssignment)
	v1.POST("/competitions/:id/capacities", s.setCapacity)
	v1.POST("/interests/declaration", s.renewDeclaration)
	v1.GET("/contracts", s.listContracts)
	v1.GET("/contracts/:id", s.getContract)
	v1.PUT("/contracts/:id/terms", s.changeContractTerms)
	v1.POST("/contracts/:id/acceptance", s.acceptContract)
	v1.POST("/contracts/:id/documents", s.uploadContractDocument)
	v1.POST("/milestones/:id/documents", s.uploadDeliverableDocument)
	v1.POST("/milestones/:id/deliverable", s.submitDeliverable)
	v1.POST("/milestones/:id/review", s.reviewDeliverable)
	v1.POST("/milestones/:id/payment", s.recordPayment)
	v1.PUT("/contracts/:id/show-and-tell", s.scheduleShowAndTell)
	v1.POST("/contracts/:id/show-and-tell/record", s.recordShowAndTell)
	v1.POST("/contracts/:id/recommendation", s.recommend)
	v1.POST("/contracts/:id/progress", s.submitProgress)
	v1.POST("/contracts/:id/midpoint-review", s.reviewMidpoint)
	v1.POST("/challenges/:id/gate", s.decideChallengeGate)
	v1.GET("/lessons", s.listLessons)
	v1.GET("/challenges/:id/overview", s.getOverview)
	v1.POST("/contracts/:id/report", s.submitReport)
	v1.POST("/contracts/:id/gate", s.recordGate)
	v1.GET("/audit", s.listAudit)
	v1.GET("/audit.csv", s.exportAudit)
	v1.GET("/interests", s.listInterests)
	v1.POST("/interests", s.declareInterest)
	v1.POST("/interests/:id/withdraw", s.withdrawInterest)
	v1.GET("/tokens", s.listTokens)
	v1.POST("/tokens", s.issueToken)
	v1.POST("/tokens/:id/revoke", s.revokeToken)

	s.pageRoutes(e)
	return e, nil
}

// logRequests writes one line per request, with the request ID the response carries, so a
// person quoting it can be matched to the log.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		level := slog.LevelInfo
		if p := c.Request().URL.Path; (p == "/readyz" || p == "/healthz" || p == "/metrics") && c.Response().Status == http.StatusOK {
			level = slog.LevelDebug // health checks every few seconds would drown the log
		}
		took := time.Since(start)
		s.log.Log(c.Request().Context(), level, "request", "request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path,
			"status", c.Response().Status, "duration_ms", took.Milliseconds())
		if s.Metrics != nil {
			route := c.Path() // the route's pattern, so IDs do not make a metric each
			if route == "" || route == "/*" {
				route = "unmatched"
			}
			s.Metrics.Request(route, c.Request().Method, c.Response().Status, took)
		}
		return nil
	}
}

// metrics serves Prometheus. It says how busy Catalyst is and how far behind its outbox,
// email and webhooks are, never what any record holds; restrict it at the network edge.
func (s *Server) metrics(c echo.Context) error {
	if s.Metrics == nil {
		return echo.ErrNotFound
	}
	s.Metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
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

// --- helpers -------------------------------------------------------------------------------

func pathID(c echo.Context) (int, error) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil || id <= 0 {
		return 0, badRequest("%q is not a record number", c.Param("id"))
	}
	return id, nil
}

// carryRequestID puts the request's ID in its context, where the service finds it for the
// audit trail.
func carryRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.SetRequest(c.Request().WithContext(authz.WithRequestID(c.Request().Context(), requestID(c))))
		return next(c)
	}
}

// headAsGet answers HEAD as GET (RFC 9110 §9.3.2: every resource that has GET has HEAD): the
// request is served again as GET into the same connection, whose server knows it was HEAD and
// so sends the headers alone.
func headAsGet(e *echo.Echo) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if r := c.Request(); r.Method == http.MethodHead {
				get := r.Clone(r.Context())
				get.Method = http.MethodGet
				e.ServeHTTP(c.Response().Writer, get)
				return nil
			}
			return next(c)
		}
	}
}

// keepOnlyPlainRequestIDs drops a caller's X-Request-Id unless it is a short run of letters,
// digits, dots, dashes and underscores, so a new one is made: the ID goes into every log line
// and audit event, where anything else could forge a line or break a database's text.
func keepOnlyPlainRequestIDs(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if id := c.Request().Header.Get(echo.HeaderXRequestID); id != "" && !plainToken(id, 64) {
			c.Request().Header.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

// plainToken reports whether s is 1 to max characters of ASCII letters, digits, '.', '-', '_'
// or ':'.
func plainToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '-' || b == '_' || b == ':') {
			return false
		}
	}
	return true
}

// queryText reads a free-text query parameter, trimmed; text that is not plain one-line UTF-8
// is refused, so it never reaches a query.
func queryText(c echo.Context, name string) (string, error) {
	v, p := (domain.Text{Field: name, Label: name, Max: 500, Optional: true}).Clean(c.QueryParam(name))
	if p != nil {
		return "", badRequest("the query parameter %s: %s", name, lowerFirst(p.Message))
	}
	return v, nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// queryID reads an optional record number from the query string; 0 when it is absent.
func queryID(c echo.Context, name string) (int, error) {
	v := strings.TrimSpace(c.QueryParam(name))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.Atoi(v)
	if err != nil || id <= 0 {
		return 0, badRequest("%s must be a record number, such as 12", name)
	}
	return id, nil
}

// pathIDAndBody reads the record number from the path, checks the viewer may act on that
// record, and only then reads the JSON body into v: someone out of scope learns nothing from
// how their body is judged.
func (s *Server) pathIDAndBody(c echo.Context, v any) (int, error) {
	id, err := s.pathRecord(c)
	if err != nil {
		return 0, err
	}
	return id, bind(c, v)
}

// pathRecord reads the record number from the path and loads the record in the viewer's
// scope, so a record out of scope is "not found". A command on a challenge also needs the
// viewer to own it, unless they are the programme team.
func (s *Server) pathRecord(c echo.Context) (int, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	ctx := c.Request().Context()
	path := c.Path()
	switch {
	case strings.HasPrefix(path, "/api/v1/challenges/:id"):
		if c.Request().Method == http.MethodGet {
			err = s.svc.Find(ctx, service.ChallengeRecord, id)
		} else {
			err = s.svc.MayChangeChallenge(ctx, id)
		}
	case strings.HasPrefix(path, "/api/v1/competitions/:id"):
		err = s.svc.Find(ctx, service.CompetitionRecord, id)
	case strings.HasPrefix(path, "/api/v1/contracts/:id"):
		err = s.svc.Find(ctx, service.ContractRecord, id)
	case strings.HasPrefix(path, "/api/v1/bids/:id"):
		err = s.svc.Find(ctx, service.BidRecord, id)
	case strings.HasPrefix(path, "/api/v1/assignments/:id"):
		err = s.svc.Find(ctx, service.AssignmentRecord, id)
	case strings.HasPrefix(path, "/api/v1/clarifications/:id"):
		err = s.svc.Find(ctx, service.ClarificationRecord, id)
	case strings.HasPrefix(path, "/api/v1/join-requests/:id"):
		err = s.svc.Find(ctx, service.JoinRequestRecord, id)
	}
	return id, err
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
