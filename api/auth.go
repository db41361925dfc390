package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/apitoken"
	"github.com/catalyst-sbri/catalyst/ent/session"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and at AbsoluteTimeout
// whatever happens.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// touchEvery bounds how often a busy session's last-seen time is written.
	touchEvery = time.Minute
)

const sessionCookie = "catalyst_session"

// sessionsName is the system identity that reads sessions and tokens to learn who is asking.
const sessionsName = "sessions"

type ctxKey string

const (
	personKey  ctxKey = "person"
	viewerKey  ctxKey = "viewer"
	sessionKey ctxKey = "session"
)

// identify learns who is asking, from a bearer token or the session cookie, and puts the viewer
// in the request's context, where the privacy rules read it. A request with neither is
// anonymous; a bad or expired credential is refused outright rather than treated as anonymous,
// so a client learns its token has gone.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		sys := authz.AsSystem(ctx, sessionsName)
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return unauthorised("send the API token as 'Authorization: Bearer <token>'")
			}
			v, p, err := s.tokenViewer(sys, strings.TrimSpace(tok))
			if err != nil {
				return err
			}
			s.setViewer(c, v, p)
			return next(c)
		}
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			sess, p, err := s.liveSession(sys, ck.Value)
			if err != nil {
				return err
			}
			if sess != nil {
				c.Set(string(sessionKey), sess)
				s.setViewer(c, personViewer(p, nil), p)
			} else {
				s.clearSessionCookie(c)
			}
		}
		return next(c)
	}
}

func (s *Server) setViewer(c echo.Context, v authz.Viewer, p *ent.Person) {
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
	return v
}

func (s *Server) tokenViewer(ctx context.Context, secret string) (authz.Viewer, *ent.Person, error) {
	bad := unauthorised("the API token is not valid: it may have been revoked or have expired; ask the programme team for a new one")
	if !strings.HasPrefix(secret, authz.TokenPrefix) {
		return authz.Viewer{}, nil, bad
	}
	t, err := s.DB.APIToken.Query().Where(apitoken.TokenHash(authz.HashSecret(secret))).
		WithPerson(func(q *ent.PersonQuery) { q.WithOrganisation() }).Only(ctx)
	if ent.IsNotFound(err) {
		return authz.Viewer{}, nil, bad
	}
	if err != nil {
		return authz.Viewer{}, nil, err
	}
	now := time.Now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && now.After(*t.ExpiresAt)) {
		return authz.Viewer{}, nil, bad
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchEvery {
		_ = s.DB.APIToken.UpdateOne(t).SetLastUsedAt(now.UTC()).Exec(ctx)
	}
	role := authz.Role(t.Role)
	v := personViewer(t.Edges.Person, &role)
	v.TokenID = t.ID
	return v, t.Edges.Person, nil
}

// liveSession finds the session a cookie names, if it is still live, and keeps it alive.
func (s *Server) liveSession(ctx context.Context, token string) (*ent.Session, *ent.Person, error) {
	sess, err := s.DB.Session.Query().Where(session.TokenHash(authz.HashSecret(token))).
		WithPerson(func(q *ent.PersonQuery) { q.WithOrganisation() }).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > IdleTimeout {
		_, err := s.DB.Session.Delete().Where(session.ID(sess.ID)).Exec(ctx)
		return nil, nil, err
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.DB.Session.UpdateOne(sess).SetLastSeenAt(now.UTC()).Exec(ctx); err != nil {
			return nil, nil, err
		}
	}
	return sess, sess.Edges.Person, nil
}

// startSession signs a person in: a new session row, its cookie, and an audit event.
func (s *Server) startSession(c echo.Context, p *ent.Person, method string) error {
	ctx := authz.AsSystem(c.Request().Context(), sessionsName)
	// A new session each time, so a session fixed before sign-in is never promoted.
	if ck, err := c.Cookie(sessionCookie); err == nil {
		_, _ = s.DB.Session.Delete().Where(session.TokenHash(authz.HashSecret(ck.Value))).Exec(ctx)
	}
	token := authz.RandomSecret()
	now := time.Now().UTC()
	// Sweep sessions that have ended, so the table holds only live ones.
	if _, err := s.DB.Session.Delete().Where(session.Or(session.ExpiresAtLT(now), session.LastSeenAtLT(now.Add(-IdleTimeout)))).Exec(ctx); err != nil {
		return err
	}
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if err := tx.Session.Create().SetTokenHash(authz.HashSecret(token)).SetPersonID(p.ID).SetMethod(method).
			SetCsrfToken(authz.RandomSecret()).SetCreatedAt(now).SetLastSeenAt(now).SetExpiresAt(now.Add(AbsoluteTimeout)).Exec(ctx); err != nil {
			return err
		}
		return activities.Audit(ctx, tx, authz.Actor{Who: p.Email, RequestID: requestID(c)}, "person.signed_in", "person", p.ID, nil, map[string]string{"method": method})
	})
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.SecureCookies, MaxAge: int(AbsoluteTimeout / time.Second)})
	return nil
}

// endSession signs out: the session row goes, so the cookie is worthless even if kept.
func (s *Server) endSession(c echo.Context) error {
	if sess := currentSession(c); sess != nil {
		ctx := authz.AsSystem(c.Request().Context(), sessionsName)
		if _, err := s.DB.Session.Delete().Where(session.ID(sess.ID)).Exec(ctx); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return nil
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
}

func currentSession(c echo.Context) *ent.Session {
	sess, _ := c.Get(string(sessionKey)).(*ent.Session)
	return sess
}

func currentPerson(c echo.Context) *ent.Person {
	p, _ := c.Get(string(personKey)).(*ent.Person)
	return p
}

func currentViewer(c echo.Context) (authz.Viewer, bool) {
	v, ok := c.Get(string(viewerKey)).(authz.Viewer)
	return v, ok
}

func requestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

// actor is who the audit trail records for this request.
func actor(c echo.Context, reason string) authz.Actor {
	return authz.ActorOf(c.Request().Context(), reason)
}

// csrfField is the form field every state-changing form carries.
const csrfField = "csrf_token"

// checkCSRF refuses a page's form post from a session unless it carries the session's own
// token. API requests are JSON or uploads guarded by crossOrigin, and bearer tokens carry no
// ambient credential.
func (s *Server) checkCSRF(c echo.Context) error {
	sess := currentSession(c)
	if sess == nil || strings.HasPrefix(c.Request().URL.Path, "/api/") {
		return nil
	}
	got := c.FormValue(csrfField)
	if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CsrfToken)) != 1 {
		return newProblem(http.StatusForbidden, "csrf", "The form has expired",
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
			return newProblem(http.StatusForbidden, "cross-origin", "Request refused",
				"the request came from another site; use Catalyst's own pages or the API with a token")
		}
		return next(c)
	}
}

func unauthorised(detail string) error {
	return newProblem(http.StatusUnauthorized, "unauthenticated", "Sign in first", detail)
}

func forbidden(detail string) error {
	return newProblem(http.StatusForbidden, "forbidden", "You cannot do this", detail)
}
