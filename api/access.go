package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
)

// access says who may call a route. It is the first of two checks: the route says which roles
// may ask at all, and the privacy rules (ent/rule) then limit each role to its own records.
type access struct {
	public bool         // anyone, signed in or not
	roles  []authz.Role // any of these roles
}

var (
	public   = access{public: true}
	signedIn = access{roles: authz.Roles}
)

func only(r ...authz.Role) access { return access{roles: r} }

// routeAccess is every route's rule, keyed "METHOD path" as Echo registers it. A route missing
// here is refused to everyone: access is denied by default.
var routeAccess = map[string]access{
	"GET /readyz":           public,
	"GET /healthz":          public,
	"GET /metrics":          public,
	"GET /api/openapi.json": public,

	"GET /api/v1/people":                           signedIn,
	"POST /api/v1/people":                          only(authz.Admin),
	"POST /api/v1/people/:id":                      only(authz.Admin),
	"POST /api/v1/people/:id/deactivate":           only(authz.Admin),
	"GET /api/v1/organisations":                    signedIn,
	"POST /api/v1/organisations":                   only(authz.Supplier),
	"POST /api/v1/organisations/:id/join-requests": only(authz.Supplier),
	"GET /api/v1/join-requests":                    signedIn,
	"POST /api/v1/join-requests/:id/decision":      only(authz.Supplier),

	"GET /api/v1/challenges":                           signedIn,
	"POST /api/v1/challenges":                          only(authz.Admin, authz.ChallengeOwner),
	"GET /api/v1/challenges/:id":                       signedIn,
	"PATCH /api/v1/challenges/:id":                     only(authz.Admin, authz.ChallengeOwner),
	"POST /api/v1/challenges/:id/submit":               only(authz.Admin, authz.ChallengeOwner),
	"POST /api/v1/challenges/:id/selection":            only(authz.Admin),
	"POST /api/v1/challenges/:id/competitions":         only(authz.Admin),
	"GET /api/v1/challenges/:id/documents":             only(authz.Admin, authz.ChallengeOwner),
	"POST /api/v1/challenges/:id/documents":            only(authz.Admin, authz.ChallengeOwner),
	"POST /api/v1/challenges/:id/completion":           only(authz.Admin),
	"POST /api/v1/challenges/:id/competition-setup":    only(authz.Admin),
	"POST /api/v1/competitions/:id/setup":              only(authz.Admin),
	"POST /api/v1/competitions/:id/launch":             only(authz.Admin),
	"POST /api/v1/competitions/:id/extensions":         only(authz.Admin),
	"GET /api/v1/competitions/:id/clarifications":      public,
	"POST /api/v1/competitions/:id/clarifications":     only(authz.Supplier),
	"POST /api/v1/clarifications/:id/publish":          only(authz.Admin),
	"GET /api/v1/competitions/:id/eligibility":         only(authz.Admin),
	"POST /api/v1/competitions/:id/eligibility/finish": only(authz.Admin),
	"POST /api/v1/bids/:id/eligibility":                only(authz.Admin),
	"POST /api/v1/competitions/:id/amendments":         only(authz.Admin),
	"POST /api/v1/bids/:id/confirm":                    only(authz.Supplier),

	"GET /api/v1/notices":                            signedIn,
	"GET /api/v1/me/work":                            signedIn,
	"GET /api/v1/lifecycles":                         public,
	"GET /api/v1/lifecycles/:record":                 public,
	"GET /api/v1/me/email-choices":                   signedIn,
	"PUT /api/v1/me/email-choices":                   signedIn,
	"GET /api/v1/emails":                             only(authz.Admin),
	"GET /api/v1/webhooks":                           only(authz.Admin),
	"POST /api/v1/webhooks":                          only(authz.Admin),
	"GET /api/v1/webhooks/:id/deliveries":            only(authz.Admin),
	"POST /api/v1/webhooks/:id/rotate-secret":        only(authz.Admin),
	"POST /api/v1/webhooks/:id/disable":              only(authz.Admin),
	"POST /api/v1/webhook-deliveries/:id/send-again": only(authz.Admin),
	"GET /api/v1/figures":                            only(authz.Admin),
	"PUT /api/v1/figures/targets":                    only(authz.Admin),
	"POST /api/v1/emails/:id/send-again":             only(authz.Admin),

	"GET /api/v1/screening-criteria":             only(authz.Admin),
	"POST /api/v1/screening-criteria":            only(authz.Admin),
	"POST /api/v1/screening-criteria/:id/retire": only(authz.Admin),
	"GET /api/v1/challenges/:id/screening":       only(authz.Admin),
	"POST /api/v1/challenges/:id/screening":      only(authz.Admin),
	"GET /api/v1/rounds":                         only(authz.Admin),
	"POST /api/v1/rounds":                        only(authz.Admin),

	"GET /api/v1/competitions":                       public,
	"GET /api/v1/alerts":                             signedIn,
	"POST /api/v1/alerts":                            public,
	"POST /api/v1/alerts/unsubscribe":                public,
	"GET /api/v1/competitions/:id":                   public,
	"GET /api/v1/competitions/:id/bids":              signedIn,
	"GET /api/v1/competitions/:id/panel":             only(authz.Admin),
	"POST /api/v1/assessments/:id/exclusion":         only(authz.Admin),
	"DELETE /api/v1/assessments/:id/exclusion":       only(authz.Admin),
	"POST /api/v1/assessments/:id/return":            only(authz.Admin),
	"POST /api/v1/competitions/:id/bids":             only(authz.Supplier),
	"POST /api/v1/competitions/:id/assessments":      only(authz.Assessor),
	"POST /api/v1/competitions/:id/decision":         only(authz.Admin),
	"POST /api/v1/competitions/:id/feedback-release": only(authz.Admin),

	"GET /api/v1/bids":                 only(authz.Supplier),
	"GET /api/v1/bids/:id":             signedIn,
	"PUT /api/v1/bids/:id/tasks/:task": only(authz.Supplier),
	"POST /api/v1/bids/:id/reopen":     only(authz.Supplier),
	"POST /api/v1/bids/:id/withdraw":   only(authz.Supplier),
	"GET /api/v1/bids/:id/receipt":     signedIn,
	"POST /api/v1/receipts/verify":     signedIn,
	"DELETE /api/v1/documents/:id":     only(authz.Supplier),
	"GET /api/v1/bids/:id/feedback":    signedIn,
	"POST /api/v1/bids/:id/documents":  only(authz.Supplier),
	"POST /api/v1/bids/:id/submit":     only(authz.Supplier),

	"GET /api/v1/documents/:id":         signedIn,
	"GET /api/v1/documents/:id/content": signedIn,

	"GET /api/v1/assignments":                           only(authz.Admin, authz.ChallengeOwner, authz.Assessor),
	"POST /api/v1/assignments/:id/accept":               only(authz.Assessor),
	"POST /api/v1/assignments/:id/decline":              only(authz.Assessor),
	"PUT /api/v1/assignments/:id/draft":                 only(authz.Assessor),
	"POST /api/v1/assignments/:id/swap":                 only(authz.Admin),
	"GET /api/v1/competitions/:id/assignment-proposal":  only(authz.Admin),
	"GET /api/v1/competitions/:id/interviews":           only(authz.Admin),
	"PUT /api/v1/bids/:id/interview-slot":               only(authz.Admin),
	"PUT /api/v1/bids/:id/interview-score":              only(authz.Admin),
	"POST /api/v1/competitions/:id/assignments/release": only(authz.Admin),
	"POST /api/v1/competitions/:id/assignments/rerun":   only(authz.Admin),
	"POST /api/v1/competitions/:id/capacities":          only(authz.Admin),
	"POST /api/v1/interests/declaration":                only(authz.Assessor),

	"GET /api/v1/contracts":                           signedIn,
	"GET /api/v1/contracts/:id":                       signedIn,
	"PUT /api/v1/contracts/:id/terms":                 only(authz.Admin),
	"POST /api/v1/contracts/:id/acceptance":           only(authz.Supplier),
	"POST /api/v1/contracts/:id/documents":            only(authz.Admin, authz.Supplier),
	"POST /api/v1/milestones/:id/documents":           only(authz.Supplier),
	"POST /api/v1/milestones/:id/deliverable":         only(authz.Supplier),
	"POST /api/v1/milestones/:id/review":              only(authz.ChallengeOwner, authz.Admin),
	"PUT /api/v1/contracts/:id/show-and-tell":         only(authz.Admin),
	"POST /api/v1/contracts/:id/show-and-tell/record": only(authz.Admin),
	"POST /api/v1/contracts/:id/recommendation":       only(authz.ChallengeOwner, authz.Admin),
	"POST /api/v1/challenges/:id/gate":                only(authz.Admin),
	"GET /api/v1/lessons":                             public,
	"POST /api/v1/milestones/:id/payment":             only(authz.Admin),
	"POST /api/v1/contracts/:id/report":               only(authz.Supplier),
	"POST /api/v1/contracts/:id/gate":                 only(authz.Admin),

	"GET /api/v1/audit":     only(authz.Admin, authz.ChallengeOwner),
	"GET /api/v1/audit.csv": only(authz.Admin, authz.ChallengeOwner),

	"GET /api/v1/interests":               only(authz.Admin, authz.Assessor),
	"POST /api/v1/interests":              only(authz.Assessor),
	"POST /api/v1/interests/:id/withdraw": only(authz.Assessor),

	"GET /api/v1/tokens":             signedIn,
	"POST /api/v1/tokens":            only(authz.Admin),
	"POST /api/v1/tokens/:id/revoke": only(authz.Admin),

	// Pages. Public pages show only what anyone may see; the rules filter the rest.
	"GET /":                                              public,
	"GET /assets*":                                       public,
	"GET /challenges":                                    public,
	"GET /challenges/:id":                                public,
	"GET /challenges/new":                                only(authz.ChallengeOwner),
	"POST /challenges/new":                               only(authz.ChallengeOwner),
	"GET /challenges/:id/edit":                           only(authz.Admin, authz.ChallengeOwner),
	"POST /challenges/:id/edit":                          only(authz.Admin, authz.ChallengeOwner),
	"GET /challenges/:id/check":                          only(authz.Admin, authz.ChallengeOwner),
	"POST /challenges/:id/submit":                        only(authz.Admin, authz.ChallengeOwner),
	"POST /challenges/:id/evidence":                      only(authz.Admin, authz.ChallengeOwner),
	"GET /challenges/:id/submitted":                      only(authz.Admin, authz.ChallengeOwner),
	"POST /challenges/:id/selection":                     only(authz.Admin),
	"GET /rounds":                                        only(authz.Admin),
	"POST /challenges/:id/competition-setup":             only(authz.Admin),
	"GET /assessments":                                   only(authz.Assessor),
	"GET /assignments/:id":                               only(authz.Assessor),
	"POST /assignments/:id":                              only(authz.Assessor),
	"POST /assignments/:id/accept":                       only(authz.Assessor),
	"POST /assignments/:id/decline":                      only(authz.Assessor),
	"GET /competitions":                                  public,
	"GET /alerts":                                        public,
	"POST /alerts":                                       public,
	"GET /alerts/unsubscribe/:token":                     public,
	"POST /alerts/unsubscribe/:token":                    public,
	"GET /competitions/:id":                              public,
	"POST /competitions/:id/bids":                        only(authz.Supplier),
	"GET /bids":                                          only(authz.Supplier),
	"GET /bids/:id":                                      signedIn,
	"GET /bids/:id/tasks/:task":                          only(authz.Supplier),
	"POST /bids/:id/tasks/:task":                         only(authz.Supplier),
	"POST /bids/:id/documents":                           only(authz.Supplier),
	"POST /documents/:id/remove":                         only(authz.Supplier),
	"GET /bids/:id/check":                                signedIn,
	"POST /bids/:id/submit":                              only(authz.Supplier),
	"GET /bids/:id/submitted":                            only(authz.Supplier),
	"GET /bids/:id/receipt":                              signedIn,
	"POST /bids/:id/reopen":                              only(authz.Supplier),
	"POST /bids/:id/withdraw":                            only(authz.Supplier),
	"GET /receipts/verify":                               signedIn,
	"POST /receipts/verify":                              signedIn,
	"GET /competitions/:id/panel":                        only(authz.Admin),
	"GET /competitions/:id/panel.csv":                    only(authz.Admin),
	"GET /competitions/:id/panel.xlsx":                   only(authz.Admin),
	"POST /competitions/:id/decision":                    only(authz.Admin),
	"POST /competitions/:id/release":                     only(authz.Admin),
	"POST /scores/:id/exclude":                           only(authz.Admin),
	"POST /scores/:id/include":                           only(authz.Admin),
	"POST /scores/:id/return":                            only(authz.Admin),
	"GET /competitions/:id/assignments":                  only(authz.Admin),
	"POST /competitions/:id/assignments/release":         only(authz.Admin),
	"POST /competitions/:id/assignments/rerun":           only(authz.Admin),
	"POST /competitions/:id/capacities":                  only(authz.Admin),
	"POST /assignments/:id/swap":                         only(authz.Admin),
	"GET /competitions/:id/interviews":                   only(authz.Admin),
	"POST /bids/:id/interview-slot":                      only(authz.Admin),
	"POST /bids/:id/interview-score":                     only(authz.Admin),
	"POST /interests/declaration":                        only(authz.Assessor),
	"GET /competitions/:id/setup":                        only(authz.Admin),
	"GET /competitions/:id/setup/:task":                  only(authz.Admin),
	"POST /competitions/:id/setup/:task":                 only(authz.Admin),
	"GET /competitions/:id/setup/questions":              only(authz.Admin),
	"GET /competitions/:id/setup/preview":                only(authz.Admin),
	"GET /competitions/:id/setup/questions/new":          only(authz.Admin),
	"POST /competitions/:id/setup/questions/new":         only(authz.Admin),
	"GET /competitions/:id/setup/questions/:key":         only(authz.Admin),
	"POST /competitions/:id/setup/questions/:key":        only(authz.Admin),
	"POST /competitions/:id/setup/questions/:key/change": only(authz.Admin),
	"GET /competitions/:id/setup/check":                  only(authz.Admin),
	"POST /competitions/:id/launch":                      only(authz.Admin),
	"POST /competitions/:id/extensions":                  only(authz.Admin),
	"POST /competitions/:id/clarifications":              only(authz.Supplier),
	"POST /clarifications/:id/publish":                   only(authz.Admin),
	"POST /bids/:id/eligibility":                         only(authz.Admin),
	"POST /competitions/:id/amendments":                  only(authz.Admin),
	"POST /bids/:id/confirm":                             only(authz.Supplier),
	"POST /competitions/:id/eligibility/finish":          only(authz.Admin),
	"GET /contracts":                                     only(authz.Admin, authz.ChallengeOwner, authz.Supplier),
	"GET /contracts/:id":                                 only(authz.Admin, authz.ChallengeOwner, authz.Supplier),
	"POST /contracts/:id/accept":                         only(authz.Supplier),
	"POST /contracts/:id/terms":                          only(authz.Admin),
	"POST /contracts/:id/documents":                      only(authz.Admin),
	"POST /contracts/:id/report":                         only(authz.Supplier),
	"POST /contracts/:id/report-documents":               only(authz.Supplier),
	"POST /contracts/:id/show-and-tell":                  only(authz.Admin),
	"POST /contracts/:id/show-and-tell/record":           only(authz.Admin),
	"POST /contracts/:id/progress":                       only(authz.Supplier),
	"POST /contracts/:id/midpoint-review":                only(authz.ChallengeOwner, authz.Admin),
	"POST /api/v1/contracts/:id/progress":                only(authz.Supplier),
	"POST /api/v1/contracts/:id/midpoint-review":         only(authz.ChallengeOwner, authz.Admin),
	"POST /contracts/:id/recommendation":                 only(authz.ChallengeOwner, authz.Admin),
	"POST /challenges/:id/gate":                          only(authz.Admin),
	"POST /challenges/:id/outcome":                       only(authz.Admin),
	"GET /challenges/:id/overview":                       only(authz.Admin, authz.ChallengeOwner),
	"GET /api/v1/challenges/:id/overview":                only(authz.Admin, authz.ChallengeOwner),
	"GET /lessons":                                       public,
	"POST /contracts/:id/gate":                           only(authz.Admin),
	"POST /milestones/:id/documents":                     only(authz.Supplier),
	"POST /milestones/:id/deliverable":                   only(authz.Supplier),
	"POST /milestones/:id/review":                        only(authz.ChallengeOwner, authz.Admin),
	"POST /milestones/:id/payment":                       only(authz.Admin),
	"GET /notices":                                       signedIn,
	"GET /work":                                          signedIn,
	"GET /lifecycle":                                     public,
	"GET /lifecycle/:record":                             public,
	"GET /lifecycle/:record/drawing.svg":                 public,
	"GET /notices/email":                                 signedIn,
	"POST /notices/email":                                signedIn,
	"GET /email/unsubscribe/:token":                      public,
	"POST /email/unsubscribe/:token":                     public,
	"GET /emails":                                        only(authz.Admin),
	"GET /webhooks":                                      only(authz.Admin),
	"POST /webhooks":                                     only(authz.Admin),
	"GET /webhooks/:id":                                  only(authz.Admin),
	"POST /webhooks/:id/rotate":                          only(authz.Admin),
	"POST /webhooks/:id/disable":                         only(authz.Admin),
	"POST /webhook-deliveries/:id/send-again":            only(authz.Admin),
	"GET /figures":                                       only(authz.Admin),
	"GET /open-data":                                     public,
	"GET /ocds/releases.json":                            public,
	"GET /ocds/records.json":                             public,
	"GET /ocds/releases/:file":                           public,
	"GET /ocds/records/:file":                            public,
	"POST /figures/targets":                              only(authz.Admin),
	"GET /figures.csv":                                   only(authz.Admin),
	"GET /figures.xlsx":                                  only(authz.Admin),
	"POST /emails/:id/send-again":                        only(authz.Admin),
	"GET /people":                                        only(authz.Admin),
	"POST /people":                                       only(authz.Admin),
	"GET /people/:id":                                    only(authz.Admin),
	"POST /people/:id":                                   only(authz.Admin),
	"POST /people/:id/deactivate":                        only(authz.Admin),
	"POST /challenges/:id/screening":                     only(authz.Admin),
	"GET /screening-criteria":                            only(authz.Admin),
	"POST /screening-criteria":                           only(authz.Admin),
	"POST /screening-criteria/:id/retire":                only(authz.Admin),
	"POST /rounds":                                       only(authz.Admin),
	"GET /audit":                                         only(authz.Admin, authz.ChallengeOwner),
	"GET /interests":                                     only(authz.Assessor),
	"POST /interests":                                    only(authz.Assessor),
	"POST /interests/:id/withdraw":                       only(authz.Assessor),
	"GET /sign-in":                                       public,
	"POST /sign-in":                                      public,
	"POST /sign-in/new":                                  public,
	"GET /organisation":                                  only(authz.Supplier),
	"POST /organisation":                                 only(authz.Supplier),
	"POST /organisation/join":                            only(authz.Supplier),
	"POST /join-requests/:id":                            only(authz.Supplier),
	"GET /sign-in/oidc":                                  public,
	"GET /sign-in/oidc/callback":                         public,
	"POST /sign-out":                                     public,
}

// authorize applies routeAccess: anonymous callers of a non-public route get 401, signed-in
// people without a permitted role 403, and a route without a rule is refused to everyone. A
// method the path does not have is the router's to answer: 405 with Allow (OPTIONS: 204).
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Path()
		if path == "" || path == "/*" {
			return next(c) // no such route: the router answers 404
		}
		rule, ok := routeAccess[c.Request().Method+" "+path]
		if !ok && c.Get(echo.ContextKeyHeaderAllow) != nil {
			return next(c) // the path exists, not with this method: the router answers 405 with Allow
		}
		if !ok {
			s.log.Error("route has no access rule; refusing it", "method", c.Request().Method, "path", path)
			return forbidden("this route has no access rule, so nobody may use it")
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			if err := s.checkCSRF(c); err != nil {
				return err
			}
		}
		if rule.public {
			return next(c)
		}
		v, ok := currentViewer(c)
		if !ok {
			return unauthorised("sign in, or send an API token as 'Authorization: Bearer <token>'")
		}
		if !slices.ContainsFunc(rule.roles, v.Has) {
			return forbidden("your role does not allow this")
		}
		return next(c)
	}
}
