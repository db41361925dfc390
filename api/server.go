// Package api serves Catalyst's JSON API under /api/v1 and its pages, with Echo v4. Handlers
// return errors; errorHandler alone turns them into statuses and problem documents.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
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
	"github.com/catalyst-sbri/catalyst/outbound"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Deps are what the server needs.
type Deps struct {
	DB       *ent.Client
	Temporal client.Client
	Docs     *docstore.Store
	// Ready reports whether every dependency answers; /readyz calls it. A NotReady error names
	// the part that did not, for /metrics.
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
	// LogVerifierKey is the transparency log's verifier key in signed-note form, served at
	// /log/vkey; empty while the log has no key.
	LogVerifierKey string
	// OCIDPrefix is the programme's ocid prefix for open contracting data (DefaultOCIDPrefix
	// until it registers one).
	OCIDPrefix string
	// SubmitSlots is how many bid submissions run at once (DefaultSubmitSlots if 0); one that
	// waits SubmitWait for its turn is answered 503 with Retry-After.
	SubmitSlots int
	SubmitWait  time.Duration
	// ShortestOpen is how long a competition must be open at least (a day if 0).
	ShortestOpen time.Duration
	// Outbound is where the service lets a webhook endpoint point: nil for the public internet
	// only (catalyst dev allows this machine too).
	Outbound *outbound.Policy
	// TrustedProxies are the operator's proxies in front of Catalyst, whose X-Forwarded-For
	// names the client; none: the connecting address is the client's.
	TrustedProxies []netip.Prefix
	// SecurityContact is where to report a vulnerability (a mailto: or https: URI), for
	// /.well-known/security.txt; PublicURL is where Catalyst is reached, for its Canonical line.
	// With no contact there is no security.txt (RFC 9116 requires one).
	SecurityContact string
	PublicURL       string
	// Metrics records requests and refusals and serves /metrics; nil for none.
	Metrics *metrics.Metrics
	Log     *slog.Logger
}

// Server is the HTTP side of Catalyst: what the JSON API and the pages share (the service,
// sign-in, who may call each route, errors as problems), and the JSON API's handlers.
type Server struct {
	Deps
	// Submits takes bid submissions in turns (admit.go).
	Submits *admission
	Svc     *service.Service
	// access is who may call each route, as its registration declared (routes.go).
	access map[string]Guard
	// answersItself is the commands that keep their keyed answers themselves (routes.go).
	answersItself map[string]bool
	// showsSecret is the commands whose answers carry a secret, never kept (routes.go).
	showsSecret map[string]string
	// bodyLimits is the most each route that takes a file reads (PostUpTo in routes.go).
	bodyLimits map[string]bodyLimit
	// ErrorPage answers a refused or failed request for a page as a page; the pages set it.
	ErrorPage func(echo.Context, Problem) error
}

// New builds the Echo server with every route.
func New(d Deps, more ...func(*Server, Routes)) (*echo.Echo, error) {
	_, e, err := build(d, more...)
	return e, err
}

func build(d Deps, more ...func(*Server, Routes)) (*Server, *echo.Echo, error) {
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
	s := &Server{Deps: d, Submits: newAdmission(d.SubmitSlots, d.SubmitWait),
		Svc: &service.Service{DB: d.DB, Docs: d.Docs, Lifecycle: workflows.Lifecycle{Temporal: d.Temporal}, ShortestOpen: d.ShortestOpen, LogKey: d.LogVerifierKey, Outbound: d.Outbound}}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	// The caller's address is the connection's, not a header anyone can set: sign-in rate
	// limits key on it. Behind the operator's own proxies (TrustedProxies), it is the last
	// address in X-Forwarded-For that none of them added; without that, everyone behind a
	// proxy would share one address, and one client could lock all of them out.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(d.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, p := range d.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(&net.IPNet{IP: p.Masked().Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	e.Pre(headAsGet(e))
	e.Use(keepOnlyPlainRequestIDs)
	e.Use(middleware.RequestID())
	e.Use(carryRequestID)
	e.Use(s.logRequests)
	e.Use(middleware.Recover())
	secure := middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
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
	e.Use(s.limitBody)
	e.Use(s.idempotent)

	r := s.routes(e)
	r.Get("/readyz", Public, s.readyz)
	r.Get("/healthz", Public, func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	// In production Prometheus scrapes /metrics on a listener of its own (CATALYST_METRICS_ADDR).
	r.Get("/metrics", Public, s.metrics)
	r.Get("/api/openapi.json", Public, s.openAPI)
	r.Get("/.well-known/security.txt", Public, s.securityTxt)
	r.Get("/log/checkpoint", Public, s.logCheckpoint)
	r.Get("/log/cosigned-checkpoint", Public, s.logCosignedCheckpoint)
	r.Get("/log/vkey", Public, s.logVerifierKey)
	r.Get("/log/tile/*", Public, s.logTile)

	v1 := r.Group("/api/v1")
	v1.Get("/people", SignedIn, s.listPeople)
	v1.Post("/people", Only(authz.Admin), s.addPerson)
	v1.Post("/people/:id", Only(authz.Admin), s.changePerson)
	v1.Post("/people/:id/deactivate", Only(authz.Admin), s.deactivatePerson)
	v1.PostUpTo(ImportFileLimit, ImportTooLarge, "/imports/suppliers", Only(authz.Admin, authz.ProgrammeOfficer), s.importSuppliers)
	v1.Get("/organisations", SignedIn, s.listOrganisations)
	v1.Post("/organisations", Only(authz.Supplier), s.registerOrganisation)
	v1.Post("/organisations/:id/join-requests", Only(authz.Supplier), s.askToJoin)
	v1.Get("/join-requests", SignedIn, s.listJoinRequests)
	v1.Post("/join-requests/:id/decision", Only(authz.Supplier), s.decideJoinRequest)
	v1.Get("/challenges", SignedIn, s.listChallenges)
	v1.Post("/challenges", Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.createChallenge)
	v1.Get("/challenges/:id", SignedIn, s.getChallenge)
	v1.Patch("/challenges/:id", Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.editChallenge)
	v1.Post("/challenges/:id/submit", Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.submitChallenge)
	v1.Post("/challenges/:id/selection", Only(authz.ProgrammeOfficer), s.selectChallenge)
	v1.Post("/challenges/:id/competitions", Only(authz.ProgrammeOfficer), s.openCompetition)
	v1.Post("/challenges/:id/delegates", Only(authz.ChallengeOwner), s.nameDelegate)
	v1.Post("/challenges/:id/delegates/removal", Only(authz.ChallengeOwner), s.removeDelegate)
	v1.Post("/challenges/:id/completion", Only(authz.ProgrammeOfficer), s.completeChallenge)
	v1.Post("/challenges/:id/competition-setup", Only(authz.ProgrammeOfficer), s.startCompetitionSetup)
	v1.Get("/challenges/:id/documents", Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.listEvidence)
	v1.Post("/challenges/:id/documents", Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.uploadEvidence)
	v1.Post("/competitions/:id/setup", Only(authz.ProgrammeOfficer), s.editCompetitionSetup)
	v1.Post("/competitions/:id/launch", Only(authz.ProgrammeOfficer), s.launchCompetition)
	v1.Post("/competitions/:id/extensions", Only(authz.ProgrammeOfficer), s.extendDeadline)
	v1.Get("/competitions/:id/clarifications", Public, s.listClarifications)
	v1.Post("/competitions/:id/clarifications", Only(authz.Supplier), s.askClarification)
	v1.Post("/clarifications/:id/publish", Only(authz.ProgrammeOfficer), s.publishClarification)
	v1.Get("/competitions/:id/eligibility", Only(authz.ProgrammeOfficer), s.getEligibility)
	v1.Post("/competitions/:id/eligibility/finish", Only(authz.ProgrammeOfficer), s.finishEligibility)
	v1.Post("/bids/:id/eligibility", Only(authz.ProgrammeOfficer), s.decideEligibility)
	v1.Post("/competitions/:id/amendments", Only(authz.ProgrammeOfficer), s.amendCompetition)
	v1.Post("/bids/:id/confirm", Only(authz.Supplier), s.confirmBid)
	v1.Get("/notices", SignedIn, s.listNotices)
	v1.Get("/me/work", SignedIn, s.myWork)
	v1.Get("/lifecycles", Public, s.lifecycles)
	v1.Get("/lifecycles/:record", Public, s.lifecycle)
	v1.Get("/me/email-choices", SignedIn, s.getEmailChoices)
	v1.Put("/me/email-choices", SignedIn, s.setEmailChoices)
	v1.Get("/me/data", SignedIn, s.yourData)
	v1.Delete("/me/sessions/:id", SignedIn, s.endYourSession)
	v1.Post("/people/:id/end-sessions", Only(authz.Admin), s.endSessionsOf)
	v1.Put("/me/name", SignedIn, s.correctYourName)
	v1.Put("/me/organisation", Only(authz.Supplier), s.correctOrganisation)
	v1.Post("/me/corrections", SignedIn, s.askForCorrection)
	v1.Get("/corrections", Only(authz.ProgrammeTeam...), s.listCorrections)
	v1.Get("/retention", Only(authz.ProgrammeTeam...), s.getRetention)
	v1.Put("/retention/periods/:kind", Only(authz.Admin), s.setRetentionPeriod)
	v1.Get("/retention/due", Only(authz.ProgrammeTeam...), s.retentionDue)
	v1.Post("/legal-holds", Only(authz.ProgrammeTeam...), s.placeHold)
	v1.Post("/legal-holds/:id/release", Only(authz.ProgrammeTeam...), s.releaseHold)
	v1.Post("/corrections/:id/answer", Only(authz.ProgrammeTeam...), s.answerCorrection)
	v1.Get("/figures", Only(authz.ProgrammeTeam...), s.getFigures)
	v1.Put("/figures/targets", Only(authz.ProgrammeOfficer), s.setTargets)
	v1.Get("/webhooks", Only(authz.Admin), s.listWebhooks)
	v1.PostSecret("/webhooks", Only(authz.Admin), "if it was lost, rotate the endpoint's secret", s.registerWebhook)
	v1.Get("/webhooks/:id/deliveries", Only(authz.Admin), s.webhookDeliveries)
	v1.PostSecret("/webhooks/:id/rotate-secret", Only(authz.Admin), "if it was lost, rotate the endpoint's secret again", s.rotateWebhookSecret)
	v1.Post("/webhooks/:id/disable", Only(authz.Admin), s.disableWebhook)
	v1.Post("/webhook-deliveries/:id/send-again", Only(authz.Admin), s.sendWebhookAgain)
	v1.Get("/emails", Only(authz.ProgrammeTeam...), s.listEmails)
	v1.Post("/emails/:id/send-again", Only(authz.ProgrammeTeam...), s.sendEmailAgain)
	v1.Get("/screening-criteria", Only(authz.ProgrammeOfficer), s.listScreeningCriteria)
	v1.Post("/screening-criteria", Only(authz.ProgrammeOfficer), s.addScreeningCriterion)
	v1.Post("/screening-criteria/:id/retire", Only(authz.ProgrammeOfficer), s.retireScreeningCriterion)
	v1.Get("/challenges/:id/screening", Only(authz.ProgrammeOfficer), s.getScreening)
	v1.Post("/challenges/:id/screening", Only(authz.ProgrammeOfficer), s.screenChallenge)
	v1.Get("/rounds", Only(authz.ProgrammeOfficer), s.listRounds)
	v1.Post("/rounds", Only(authz.ProgrammeOfficer), s.createRound)
	v1.Get("/competitions", Public, s.listCompetitions)
	v1.Get("/alerts", SignedIn, s.yourAlert)
	v1.Post("/alerts", Public, s.subscribe, PerAddress(s.SignInRate, "too-many-requests", "Too many alerts asked for"))
	v1.Post("/alerts/unsubscribe", Public, s.unsubscribe, PerAddress(s.SignInRate, "too-many-requests", "Too many attempts"))
	v1.Get("/competitions/:id", Public, s.getCompetition)
	v1.Get("/competitions/:id/bids", SignedIn, s.listBids)
	v1.Get("/competitions/:id/panel", Only(authz.ProgrammeOfficer, authz.PanelChair, authz.BudgetHolder, authz.PanelMember), s.getPanel)
	v1.Post("/assessments/:id/exclusion", Only(authz.ProgrammeOfficer), s.excludeScore)
	v1.Delete("/assessments/:id/exclusion", Only(authz.ProgrammeOfficer), s.includeScore)
	v1.Post("/assessments/:id/return", Only(authz.ProgrammeOfficer), s.sendBack)
	v1.Post("/competitions/:id/bids", Only(authz.Supplier), s.createBid)
	v1.Post("/competitions/:id/assessments", Only(authz.Assessor), s.recordAssessment)
	v1.Post("/competitions/:id/decision", Only(authz.ProgrammeOfficer), s.decide)
	v1.Post("/competitions/:id/decision/approval", Only(authz.PanelChair, authz.BudgetHolder), s.approveDecision)
	v1.Post("/competitions/:id/decision/withdrawal", Only(authz.ProgrammeOfficer), s.withdrawProposal)
	v1.Post("/competitions/:id/feedback-release", Only(authz.ProgrammeOfficer), s.releaseFeedback)
	v1.Get("/bids", Only(authz.Supplier), s.yourBids)
	v1.Get("/bids/:id", SignedIn, s.getBid)
	v1.Put("/bids/:id/tasks/:task", Only(authz.Supplier), s.saveBidTask)
	v1.Post("/bids/:id/reopen", Only(authz.Supplier), s.reopenBid)
	v1.Post("/bids/:id/withdraw", Only(authz.Supplier), s.withdrawBid)
	v1.Get("/bids/:id/receipt", SignedIn, s.getReceipt)
	v1.Get("/bids/:id/reads", Only(authz.Supplier), s.whoReadYourBid)
	v1.Get("/reads", Only(authz.ProgrammeTeam...), s.listReads)
	v1.Get("/reads.csv", Only(authz.ProgrammeTeam...), s.exportReads)
	v1.Post("/receipts/verify", SignedIn, s.verifyReceipt)
	v1.Post("/receipts/check", Public, s.checkReceipt, PerAddress(s.SignInRate, "too-many-requests", "Too many receipts checked"))
	v1.Delete("/documents/:id", Only(authz.Supplier), s.removeDocument)
	v1.Get("/bids/:id/feedback", SignedIn, s.getFeedback)
	v1.Post("/bids/:id/documents", Only(authz.Supplier), s.uploadDocument)
	v1.PostCommand("/bids/:id/submit", Only(authz.Supplier), s.submitBid, s.Submits.Admit)
	v1.Get("/documents/:id", SignedIn, s.getDocument)
	v1.Get("/documents/:id/content", SignedIn, s.downloadDocument)
	v1.Post("/documents/:id/check", Only(authz.Admin, authz.ProgrammeOfficer, authz.Supplier, authz.ChallengeOwner), s.checkDocument)
	v1.Get("/assignments", Only(authz.ProgrammeOfficer, authz.ChallengeOwner, authz.Assessor), s.listAssignments)
	v1.Get("/assignments/:id", Only(authz.Assessor), s.getAssignment)
	v1.Post("/assignments/:id/accept", Only(authz.Assessor), s.acceptAssignment)
	v1.Post("/assignments/:id/decline", Only(authz.Assessor), s.declineAssignment)
	v1.Put("/assignments/:id/draft", Only(authz.Assessor), s.saveDraft)
	v1.Post("/assignments/:id/swap", Only(authz.ProgrammeOfficer), s.swapAssessor)
	v1.Get("/competitions/:id/assignment-proposal", Only(authz.ProgrammeOfficer), s.getProposal)
	v1.Get("/competitions/:id/interviews", Only(authz.ProgrammeOfficer, authz.PanelMember), s.getInterviews)
	v1.Put("/bids/:id/interview-slot", Only(authz.ProgrammeOfficer), s.scheduleInterview)
	v1.Put("/bids/:id/interview-score", Only(authz.ProgrammeOfficer, authz.PanelMember), s.scoreInterview)
	v1.Post("/competitions/:id/assignments/release", Only(authz.ProgrammeOfficer), s.releaseAssignments)
	v1.Post("/competitions/:id/assignments/rerun", Only(authz.ProgrammeOfficer), s.rerunAssignment)
	v1.Post("/competitions/:id/capacities", Only(authz.ProgrammeOfficer), s.setCapacity)
	v1.Post("/interests/declaration", Only(authz.Assessor), s.renewDeclaration)
	v1.Get("/contracts", SignedIn, s.listContracts)
	v1.Get("/contracts/:id", SignedIn, s.getContract)
	v1.Put("/contracts/:id/terms", Only(authz.ProgrammeOfficer), s.changeContractTerms)
	v1.Post("/contracts/:id/acceptance", Only(authz.Supplier), s.acceptContract)
	v1.Post("/contracts/:id/documents", Only(authz.ProgrammeOfficer, authz.Supplier), s.uploadContractDocument)
	v1.Post("/milestones/:id/documents", Only(authz.Supplier), s.uploadDeliverableDocument)
	v1.Post("/milestones/:id/deliverable", Only(authz.Supplier), s.submitDeliverable)
	v1.Post("/milestones/:id/review", Only(authz.ChallengeOwner), s.reviewDeliverable)
	v1.Post("/milestones/:id/payment", Only(authz.Finance), s.recordPayment)
	v1.Put("/contracts/:id/show-and-tell", Only(authz.ProgrammeOfficer), s.scheduleShowAndTell)
	v1.Post("/contracts/:id/show-and-tell/record", Only(authz.ProgrammeOfficer), s.recordShowAndTell)
	v1.Post("/contracts/:id/recommendation", Only(authz.ChallengeOwner), s.recommend)
	v1.Post("/contracts/:id/progress", Only(authz.Supplier), s.submitProgress)
	v1.Post("/contracts/:id/midpoint-review", Only(authz.ChallengeOwner), s.reviewMidpoint)
	v1.Post("/challenges/:id/gate", Only(authz.ProgrammeOfficer), s.decideChallengeGate)
	v1.Get("/lessons", Public, s.listLessons)
	v1.Get("/challenges/:id/overview", Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.getOverview)
	v1.Post("/contracts/:id/report", Only(authz.Supplier), s.submitReport)
	v1.Post("/contracts/:id/gate", Only(authz.ProgrammeOfficer), s.recordGate)
	v1.Get("/audit", Only(authz.Admin, authz.ProgrammeOfficer, authz.ChallengeOwner), s.listAudit)
	v1.Get("/audit.csv", Only(authz.Admin, authz.ProgrammeOfficer, authz.ChallengeOwner), s.exportAudit)
	v1.Get("/interests", Only(authz.Declarers...), s.listInterests)
	v1.Post("/interests", Only(authz.Declarers...), s.declareInterest)
	v1.Post("/interests/:id/withdraw", Only(authz.Declarers...), s.withdrawInterest)
	v1.Get("/tokens", SignedIn, s.listTokens)
	v1.PostSecret("/tokens", Only(authz.Admin), "if it was lost, revoke the token and issue another", s.issueToken)
	v1.Post("/tokens/:id/revoke", Only(authz.Admin), s.revokeToken)

	for _, add := range more {
		add(s, r)
	}
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
		attrs := []any{"request_id", RequestID(c), "method", c.Request().Method, "path", loggedPath(c),
			"status", c.Response().Status, "duration_ms", took.Milliseconds()}
		if v, ok := CurrentViewer(c); ok && v.PersonID != 0 {
			attrs = append(attrs, "person_id", v.PersonID) // an ID, not an address: the log is read widely
			if v.TokenID != 0 {
				attrs = append(attrs, "token_id", v.TokenID)
			}
		}
		s.Log.Log(c.Request().Context(), level, "request", attrs...)
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

// loggedPath is the request's path as the log keeps it: a capability in the path (an
// unsubscribe link's token, which acts for its person without signing in) is never written.
func loggedPath(c echo.Context) string {
	for _, name := range c.ParamNames() {
		if name == "token" {
			return strings.Replace(c.Request().URL.Path, c.Param("token"), "[token]", 1)
		}
	}
	return c.Request().URL.Path
}

// metrics serves Prometheus. It says how busy Catalyst is and how far behind its outbox,
// email and webhooks are, never what any record holds; restrict it at the network edge.
func (s *Server) metrics(c echo.Context) error {
	if s.Metrics == nil || s.Production {
		return echo.ErrNotFound
	}
	s.Metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}

// NotReady is a part Catalyst needs that did not answer: Part is a label for /metrics
// (database, temporal, object_store), Err why, for the log.
type NotReady struct {
	Part string
	Err  error
}

func (n *NotReady) Error() string { return n.Part + ": " + n.Err.Error() }
func (n *NotReady) Unwrap() error { return n.Err }

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if s.Ready != nil {
		if err := s.Ready(ctx); err != nil {
			// Why is the operator's to read, in the log and /metrics: the public is told only
			// that it is not ready, never which part inside failed or how.
			s.Log.Warn("not ready", "error", err)
			if s.Metrics != nil {
				part := "unknown"
				if n, ok := errors.AsType[*NotReady](err); ok {
					part = n.Part
				}
				s.Metrics.NotReady(part)
			}
			return NewProblem(http.StatusServiceUnavailable, "unavailable", "Service unavailable", "Catalyst is not ready: try again shortly")
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// --- helpers -------------------------------------------------------------------------------

// PathID is the record number in the path, or a 400 that says it is not one.
func PathID(c echo.Context) (int, error) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil || id <= 0 {
		return 0, BadRequest("%q is not a record number", c.Param("id"))
	}
	return id, nil
}

// carryRequestID puts the request's ID in its context, where the service finds it for the
// audit trail.
func carryRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.SetRequest(c.Request().WithContext(authz.WithRequestID(c.Request().Context(), RequestID(c))))
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
		return "", BadRequest("the query parameter %s: %s", name, domain.LowerFirst(p.Message))
	}
	return v, nil
}

// queryID reads an optional record number from the query string; 0 when it is absent.
func queryID(c echo.Context, name string) (int, error) {
	v := strings.TrimSpace(c.QueryParam(name))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.Atoi(v)
	if err != nil || id <= 0 {
		return 0, BadRequest("%s must be a record number, such as 12", name)
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
	id, err := PathID(c)
	if err != nil {
		return 0, err
	}
	ctx := c.Request().Context()
	path := c.Path()
	switch {
	case strings.HasPrefix(path, "/api/v1/challenges/:id"):
		if c.Request().Method == http.MethodGet {
			err = s.Svc.Find(ctx, service.ChallengeRecord, id)
		} else {
			err = s.Svc.MayChangeChallenge(ctx, id)
		}
	case strings.HasPrefix(path, "/api/v1/competitions/:id"):
		err = s.Svc.Find(ctx, service.CompetitionRecord, id)
	case strings.HasPrefix(path, "/api/v1/contracts/:id"):
		err = s.Svc.Find(ctx, service.ContractRecord, id)
	case strings.HasPrefix(path, "/api/v1/bids/:id"):
		err = s.Svc.Find(ctx, service.BidRecord, id)
	case strings.HasPrefix(path, "/api/v1/assignments/:id"):
		err = s.Svc.Find(ctx, service.AssignmentRecord, id)
	case strings.HasPrefix(path, "/api/v1/clarifications/:id"):
		err = s.Svc.Find(ctx, service.ClarificationRecord, id)
	case strings.HasPrefix(path, "/api/v1/join-requests/:id"):
		err = s.Svc.Find(ctx, service.JoinRequestRecord, id)
	}
	return id, err
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
