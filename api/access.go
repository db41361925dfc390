package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
)

// Guard says who may call a route. It is the first of two checks: the route says which roles
// may ask at all, and the privacy rules (ent/rule) then limit each role to its own records.
type Guard struct {
	public bool         // anyone, signed in or not
	roles  []authz.Role // any of these roles
}

var (
	Public   = Guard{public: true}
	SignedIn = Guard{roles: authz.Roles}
)

// Only lets the named roles call a route.
func Only(r ...authz.Role) Guard { return Guard{roles: r} }

// MayOpen says whether the viewer may open the page at path, by the route's own guard.
func (s *Server) MayOpen(v authz.Viewer, path string) bool {
	rule, ok := s.access[http.MethodGet+" "+path]
	return ok && (rule.public || slices.ContainsFunc(rule.roles, v.Has))
}

// Guarded says whether the route was registered with its access, as every route must be: one
// added past the routes helper has none, and is refused to everyone.
func (s *Server) Guarded(method, path string) bool {
	_, ok := s.access[method+" "+path]
	return ok
}

// authorize applies each route's access, declared where the route is registered (routes.go):
// anonymous callers of a non-public route get 401, signed-in people without a permitted role
// 403, and a route without one is refused to everyone. A
// method the path does not have is the router's to answer: 405 with Allow (OPTIONS: 204).
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Path()
		if path == "" || path == "/*" {
			return next(c) // no such route: the router answers 404
		}
		rule, ok := s.access[c.Request().Method+" "+path]
		if !ok && c.Get(echo.ContextKeyHeaderAllow) != nil {
			return next(c) // the path exists, not with this method: the router answers 405 with Allow
		}
		if !ok {
			s.Log.Error("route has no access rule; refusing it", "method", c.Request().Method, "path", path)
			return forbidden("this route has no access rule, so nobody may use it")
		}
		c.SetRequest(c.Request().WithContext(authz.WithRoute(c.Request().Context(), c.Request().Method+" "+path)))
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			if err := s.checkCSRF(c); err != nil {
				return err
			}
		}
		if rule.public {
			return next(c)
		}
		v, ok := CurrentViewer(c)
		if !ok {
			return unauthorised("sign in, or send an API token as 'Authorization: Bearer <token>'")
		}
		if !slices.ContainsFunc(rule.roles, v.Has) {
			return forbidden("your role does not allow this")
		}
		return next(c)
	}
}
