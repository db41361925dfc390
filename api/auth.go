package api

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// The session lifetimes are the service's.
const (
	IdleTimeout     = service.IdleTimeout
	AbsoluteTimeout = service.AbsoluteTimeout
)

const SessionCookie = "catalyst_session"

type ctxKey string

const (
	personKey  ctxKey = "person"
	viewerKey  ctxKey = "viewer"
	sessionKey ctxKey = "session"
	helperKey  ctxKey = "assistance"
)

// identify learns who is asking, from a bearer token or the session cookie, and puts the viewer
// in the request's context, where the privacy rules read it. A request with neither is
// anonymous; a bad or expired credential is refused outright rather than treated as anonymous,
// so a client learns its token has gone.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return unauthorised("send the API token as 'Authorization: Bearer <token>'")
			}
			secret := strings.TrimSpace(tok)
			if !strings.HasPrefix(secret, authz.TokenPrefix) {
				return service.ErrBadToken
			}
			t, err := s.Svc.TokenHolder(ctx, secret)
			if err != nil {
				return err
			}
			role := authz.Role(t.Role)
			v := personViewer(t.Edges.Person, &role)
			v.TokenID, v.Token = t.ID, fmt.Sprintf("API token %d %q, issued by %s", t.ID, t.Name, t.IssuedBy)
			s.setViewer(c, v, t.Edges.Person)
			return next(c)
		}
		if ck, err := c.Cookie(s.sessionCookie()); err == nil && ck.Value != "" {
			sess, err := s.Svc.LiveSession(ctx, ck.Value)
			if err != nil {
				return err
			}
			if sess != nil {
				c.Set(string(sessionKey), sess)
				v, p := personViewer(sess.Edges.Person, nil), sess.Edges.Person
				// Acting for someone (assisted digital): the session is theirs, as the helper.
				a, err := s.Svc.Assisting(ctx, sess)
				if err != nil {
					return err
				}
				if a != nil {
					p = a.Edges.Person
					v = personViewer(p, nil)
					v.AssistedBy = sess.Edges.Person.Email
					for _, d := range a.Edges.Helper.Edges.Interests { // the helper's interests bind them still
						v.Interests = append(v.Interests, d.OrganisationID)
					}
					c.Set(string(helperKey), a)
				}
				s.setViewer(c, v, p)
			} else {
				s.clearSessionCookie(c)
			}
		}
		return next(c)
	}
}

func (s *Server) setViewer(c echo.Context, v authz.Viewer, p *ent.Person) {
	// What a signed-in person is answered may be theirs alone (their bids, tokens, notices, the
	// trail): no cache on the way may keep it. A handler with something public to cache says so
	// itself, after this.
	if !strings.HasPrefix(c.Request().URL.Path, "/assets/") {
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	c.Set(string(viewerKey), v)
	c.Set(string(personKey), p)
	c.SetRequest(c.Request().WithContext(authz.NewContext(c.Request().Context(), v)))
}

// personViewer is the viewer a person acts as: every role they hold, or only the role an API
// token was issued for (and only while they still hold it).
func personViewer(p *ent.Person, only *authz.Role) authz.Viewer {
	v := authz.Viewer{PersonID: p.ID, Email: p.Email}
	for _, r := range p.Roles {
		role := authz.Role(r)
		if role.Valid() && (only == nil || *only == role) {
			v.Roles = append(v.Roles, role)
		}
	}
	if o := p.Edges.Organisation; o != nil {
		v.OrganisationID = o.ID
	}
	for _, d := range p.Edges.Interests {
		v.Interests = append(v.Interests, d.OrganisationID)
	}
	return v
}

// StartSession signs a person in: a new session, its cookie, and an audit event.
func (s *Server) StartSession(c echo.Context, p *ent.Person, method string) error {
	previous := ""
	if ck, err := c.Cookie(s.sessionCookie()); err == nil {
		previous = ck.Value
	}
	token, err := s.Svc.StartSession(c.Request().Context(), p, method, previous)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: s.sessionCookie(), Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.SecureCookies, MaxAge: int(AbsoluteTimeout / time.Second)})
	return nil
}

// EndSession signs out: the session row goes, so the cookie is worthless even if kept.
func (s *Server) EndSession(c echo.Context) error {
	if sess := CurrentSession(c); sess != nil {
		if err := s.Svc.EndSession(c.Request().Context(), sess.ID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return nil
}

// sessionCookie is the session cookie's name: with Secure cookies (production) it takes the
// __Host- prefix, so a browser keeps it only as set by this host over HTTPS for the whole site,
// and no subdomain or plain-HTTP page can set one in its place.
func (s *Server) sessionCookie() string {
	if s.SecureCookies {
		return "__Host-" + SessionCookie
	}
	return SessionCookie
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
}

// CurrentSession is the request's sign-in session, or nil when it came with an API token.
func CurrentSession(c echo.Context) *ent.Session {
	sess, _ := c.Get(string(sessionKey)).(*ent.Session)
	return sess
}

// CurrentPerson is the signed-in person, or nil.
func CurrentPerson(c echo.Context) *ent.Person {
	p, _ := c.Get(string(personKey)).(*ent.Person)
	return p
}

// CurrentAssistance is the assistance the signed-in helper acts in, with the person and the
// helper, or nil.
func CurrentAssistance(c echo.Context) *ent.Assistance {
	a, _ := c.Get(string(helperKey)).(*ent.Assistance)
	return a
}

// CurrentViewer is who is acting, and whether anyone is signed in.
func CurrentViewer(c echo.Context) (authz.Viewer, bool) {
	v, ok := c.Get(string(viewerKey)).(authz.Viewer)
	return v, ok
}

// RequestID is the request's ID, as its answer and the log carry it.
func RequestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

// csrfField is the form field every state-changing form carries.
const csrfField = "csrf_token"

// checkCSRF refuses a page's form post from a session unless it carries the session's own
// token. API requests are JSON or uploads guarded by crossOrigin, and bearer tokens carry no
// ambient credential.
func (s *Server) checkCSRF(c echo.Context) error {
	sess := CurrentSession(c)
	if sess == nil || strings.HasPrefix(c.Request().URL.Path, "/api/") {
		return nil
	}
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) && s.Docs != nil {
		// An upload form is read whole to find its token: bound it first.
		c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, s.Docs.MaxSize()+(1<<20))
	}
	got := c.FormValue(csrfField)
	if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CsrfToken)) != 1 {
		return NewProblem(http.StatusForbidden, "csrf", "The form has expired",
			"the form was not sent from this session: go back, reload the page and try again")
	}
	return nil
}

// crossOrigin refuses state-changing requests a browser sent from another site (Fetch
// Metadata and Origin), the first line against cross-site request forgery.
func (s *Server) crossOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c echo.Context) error {
		if err := cop.Check(c.Request()); err != nil {
			return NewProblem(http.StatusForbidden, "cross-origin", "Request refused",
				"the request came from another site; use Catalyst's own pages or the API with a token")
		}
		return next(c)
	}
}

func unauthorised(detail string) error {
	return NewProblem(http.StatusUnauthorized, "unauthenticated", "Sign in first", detail)
}

func forbidden(detail string) error {
	return NewProblem(http.StatusForbidden, "forbidden", "You cannot do this", detail)
}
