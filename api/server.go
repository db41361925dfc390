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
	// ShortestOpen is how long a competition must be open at least (a day if 0).
	ShortestOpen time.Duration
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
	// access is who may call each route, as its registration declared (routes.go).
	access map[string]access
}

// New builds the Echo server with every route.
func New(d Deps) (*echo.Echo, error) {
	_, e, err := build(d)
	return e, err
}

func build(d Deps) (*Server, *echo.Echo, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if len(d.SessionKey) < 32 {
		return nil, nil, errors.New("the session key must be at least 32 bytes")
	}
	if d.Production && d.DevSignIn {
		return nil, nil, errors.New("the dev sign-in cannot be switched on in production")
	}
	if d.SignInRate == 0 {
		d.SignInRate = 20
	}
	if _, err := apiContract(); err != nil {
		return nil, nil, err
	}
	s := &Server{Deps: d, log: d.Log, submits: newAdmission(d.SubmitSlots, d.SubmitWait),
		svc: &service.Service{DB: d.DB, Docs: d.Docs, Lifecycle: workflows.Lifecycle{Temporal: d.Temporal}, ShortestOpen: d.ShortestOpen}}
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

	r := s.routes(e)
	r.get("/readyz", public, s.readyz)
	r.get("/healthz", public, func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	r.get("/metrics", public, s.metrics)
	r.get("/api/openapi.json", public, s.openAPI)

	v1 := r.group("/api/v1")
	v1.get("/people", signedIn, s.listPeople)
	v1.post("/people", only(authz.Admin), s.addPerson)
	v1.post("/people/:id", only(authz.Admin), s.changePerson)
	v1.post("/people/:id/deactivate", only(authz.Admin), s.deactivatePerson)
	v1.get("/organisations", signedIn, s.listOrganisations)
	v1.post("/organisations", only(authz.Supplier), s.registerOrganisation)
	v1.post("/organisations/:id/join-requests", only(authz.Supplier), s.askToJoin)
	v1.get("/join-requests", signedIn, s.listJoinRequests)
	v1.post("/join-requests/:id/decision", only(authz.Supplier), s.decideJoinRequest)
	v1.get("/challenges", signedIn, s.listChallenges)
	v1.post("/challenges", only(authz.Admin, authz.ChallengeOwner), s.createChallenge)
	v1.get("/challenges/:id", signedIn, s.getChallenge)
	v1.patch("/challenges/:id", only(authz.Admin, authz.ChallengeOwner), s.editChallenge)
	v1.post("/challenges/:id/submit", only(authz.Admin, authz.ChallengeOwner), s.submitChallenge)
	v1.post("/challenges/:id/selection", only(authz.Admin), s.selectChallenge)
	v1.post("/challenges/:id/competitions", only(authz.Admin), s.openCompetition)
	v1.post("/challenges/:id/completion", only(authz.Admin), s.completeChallenge)
	v1.post("/challenges/:id/competition-setup", only(authz.Admin), s.startCompetitionSetup)
	v1.get("/challenges/:id/documents", only(authz.Admin, authz.ChallengeOwner), s.listEvidence)
	v1.post("/challenges/:id/documents", only(authz.Admin, authz.ChallengeOwner), s.uploadEvidence)
	v1.post("/competitions/:id/setup", only(authz.Admin), s.editCompetitionSetup)
	v1.post("/competitions/:id/launch", only(authz.Admin), s.launchCompetition)
	v1.post("/competitions/:id/extensions", only(authz.Admin), s.extendDeadline)
	v1.get("/competitions/:id/clarifications", public, s.listClarifications)
	v1.post("/competitions/:id/clarifications", only(authz.Supplier), s.askClarification)
	v1.post("/clarifications/:id/publish", only(authz.Admin), s.publishClarification)
	v1.get("/competitions/:id/eligibility", only(authz.Admin), s.getEligibility)
	v1.post("/competitions/:id/eligibility/finish", only(authz.Admin), s.finishEligibility)
	v1.post("/bids/:id/eligibility", only(authz.Admin), s.decideEligibility)
	v1.post("/competitions/:id/amendments", only(authz.Admin), s.amendCompetition)
	v1.post("/bids/:id/confirm", only(authz.Supplier), s.confirmBid)
	v1.get("/notices", signedIn, s.listNotices)
	v1.get("/me/work", signedIn, s.myWork)
	v1.get("/lifecycles", public, s.lifecycles)
	v1.get("/lifecycles/:record", public, s.lifecycle)
	v1.get("/me/email-choices", signedIn, s.getEmailChoices)
	v1.put("/me/email-choices", signedIn, s.setEmailChoices)
	v1.get("/figures", only(authz.Admin), s.getFigures)
	v1.put("/figures/targets", only(authz.Admin), s.setTargets)
	v1.get("/webhooks", only(authz.Admin), s.listWebhooks)
	v1.post("/webhooks", only(authz.Admin), s.registerWebhook)
	v1.get("/webhooks/:id/deliveries", only(authz.Admin), s.webhookDeliveries)
	v1.post("/webhooks/:id/rotate-secret", only(authz.Admin), s.rotateWebhookSecret)
	v1.post("/webhooks/:id/disable", only(authz.Admin), s.disableWebhook)
	v1.post("/webhook-deliveries/:id/send-again", only(authz.Admin), s.sendWebhookAgain)
	v1.get("/emails", only(authz.Admin), s.listEmails)
	v1.post("/emails/:id/send-again", only(authz.Admin), s.sendEmailAgain)
	v1.get("/screening-criteria", only(authz.Admin), s.listScreeningCriteria)
	v1.post("/screening-criteria", only(authz.Admin), s.addScreeningCriterion)
	v1.post("/screening-criteria/:id/retire", only(authz.Admin), s.retireScreeningCriterion)
	v1.get("/challenges/:id/screening", only(authz.Admin), s.getScreening)
	v1.post("/challenges/:id/screening", only(authz.Admin), s.screenChallenge)
	v1.get("/rounds", only(authz.Admin), s.listRounds)
	v1.post("/rounds", only(authz.Admin), s.createRound)
	v1.get("/competitions", public, s.listCompetitions)
	v1.get("/alerts", signedIn, s.yourAlert)
	v1.post("/alerts", public, s.subscribe, perAddress(s.SignInRate, "too-many-requests", "Too many alerts asked for"))
	v1.post("/alerts/unsubscribe", public, s.unsubscribe, perAddress(s.SignInRate, "too-many-requests", "Too many attempts"))
	v1.get("/competitions/:id", public, s.getCompetition)
	v1.get("/competitions/:id/bids", signedIn, s.listBids)
	v1.get("/competitions/:id/panel", only(authz.Admin), s.getPanel)
	v1.post("/assessments/:id/exclusion", only(authz.Admin), s.excludeScore)
	v1.delete("/assessments/:id/exclusion", only(authz.Admin), s.includeScore)
	v1.post("/assessments/:id/return", only(authz.Admin), s.sendBack)
	v1.post("/competitions/:id/bids", only(authz.Supplier), s.createBid)
	v1.post("/competitions/:id/assessments", only(authz.Assessor), s.recordAssessment)
	v1.post("/competitions/:id/decision", only(authz.Admin), s.decide)
	v1.post("/competitions/:id/feedback-release", only(authz.Admin), s.releaseFeedback)
	v1.get("/bids", only(authz.Supplier), s.yourBids)
	v1.get("/bids/:id", signedIn, s.getBid)
	v1.put("/bids/:id/tasks/:task", only(authz.Supplier), s.saveBidTask)
	v1.post("/bids/:id/reopen", only(authz.Supplier), s.reopenBid)
	v1.post("/bids/:id/withdraw", only(authz.Supplier), s.withdrawBid)
	v1.get("/bids/:id/receipt", signedIn, s.getReceipt)
	v1.post("/receipts/verify", signedIn, s.verifyReceipt)
	v1.delete("/documents/:id", only(authz.Supplier), s.removeDocument)
	v1.get("/bids/:id/feedback", signedIn, s.getFeedback)
	v1.post("/bids/:id/documents", only(authz.Supplier), s.uploadDocument)
	v1.post("/bids/:id/submit", only(authz.Supplier), s.submitBid, s.submits.admit)
	v1.get("/documents/:id", signedIn, s.getDocument)
	v1.get("/documents/:id/content", signedIn, s.downloadDocument)
	v1.get("/assignments", only(authz.Admin, authz.ChallengeOwner, authz.Assessor), s.listAssignments)
	v1.get("/assignments/:id", only(authz.Assessor), s.getAssignment)
	v1.post("/assignments/:id/accept", only(authz.Assessor), s.acceptAssignment)
	v1.post("/assignments/:id/decline", only(authz.Assessor), s.declineAssignment)
	v1.put("/assignments/:id/draft", only(authz.Assessor), s.saveDraft)
	v1.post("/assignments/:id/swap", only(authz.Admin), s.swapAssessor)
	v1.get("/competitions/:id/assignment-proposal", only(authz.Admin), s.getProposal)
	v1.get("/competitions/:id/interviews", only(authz.Admin), s.getInterviews)
	v1.put("/bids/:id/interview-slot", only(authz.Admin), s.scheduleInterview)
	v1.put("/bids/:id/interview-score", only(authz.Admin), s.scoreInterview)
	v1.post("/competitions/:id/assignments/release", only(authz.Admin), s.releaseAssignments)
	v1.post("/competitions/:id/assignments/rerun", only(authz.Admin), s.rerunAssignment)
	v1.post("/competitions/:id/capacities", only(authz.Admin), s.setCapacity)
	v1.post("/interests/declaration", only(authz.Assessor), s.renewDeclaration)
	v1.get("/contracts", signedIn, s.listContracts)
	v1.get("/contracts/:id", signedIn, s.getContract)
	v1.put("/contracts/:id/terms", only(authz.Admin), s.changeContractTerms)
	v1.post("/contracts/:id/acceptance", only(authz.Supplier), s.acceptContract)
	v1.post("/contracts/:id/documents", only(authz.Admin, authz.Supplier), s.uploadContractDocument)
	v1.post("/milestones/:id/documents", only(authz.Supplier), s.uploadDeliverableDocument)
	v1.post("/milestones/:id/deliverable", only(authz.Supplier), s.submitDeliverable)
	v1.post("/milestones/:id/review", only(authz.ChallengeOwner, authz.Admin), s.reviewDeliverable)
	v1.post("/milestones/:id/payment", only(authz.Admin), s.recordPayment)
	v1.put("/contracts/:id/show-and-tell", only(authz.Admin), s.scheduleShowAndTell)
	v1.post("/contracts/:id/show-and-tell/record", only(authz.Admin), s.recordShowAndTell)
	v1.post("/contracts/:id/recommendation", only(authz.ChallengeOwner, authz.Admin), s.recommend)
	v1.post("/contracts/:id/progress", only(authz.Supplier), s.submitProgress)
	v1.post("/contracts/:id/midpoint-review", only(authz.ChallengeOwner, authz.Admin), s.reviewMidpoint)
	v1.post("/challenges/:id/gate", only(authz.Admin), s.decideChallengeGate)
	v1.get("/lessons", public, s.listLessons)
	v1.get("/challenges/:id/overview", only(authz.Admin, authz.ChallengeOwner), s.getOverview)
	v1.post("/contracts/:id/report", only(authz.Supplier), s.submitReport)
	v1.post("/contracts/:id/gate", only(authz.Admin), s.recordGate)
	v1.get("/audit", only(authz.Admin, authz.ChallengeOwner), s.listAudit)
	v1.get("/audit.csv", only(authz.Admin, authz.ChallengeOwner), s.exportAudit)
	v1.get("/interests", only(authz.Admin, authz.Assessor), s.listInterests)
	v1.post("/interests", only(authz.Assessor), s.declareInterest)
	v1.post("/interests/:id/withdraw", only(authz.Assessor), s.withdrawInterest)
	v1.get("/tokens", signedIn, s.listTokens)
	v1.post("/tokens", only(authz.Admin), s.issueToken)
	v1.post("/tokens/:id/revoke", only(authz.Admin), s.revokeToken)

	s.pageRoutes(r)
	return s, e, nil
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
