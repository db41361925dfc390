package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/apitoken"
	"github.com/catalyst-sbri/catalyst/ent/interest"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/ent/session"
	"github.com/catalyst-sbri/catalyst/records"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and at AbsoluteTimeout
// whatever happens.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// touchEvery bounds how often a busy session's or token's last-used time is written.
	touchEvery = time.Minute
	// MaxSessions is how many sessions one person may hold at once (browsers, devices):
	// signing in past it ends their oldest.
	MaxSessions = 5
)

// sessionsName is the system identity that reads sessions and tokens to learn who is asking.
const sessionsName = "sessions"

// ErrBadToken refuses an API token that is unknown, revoked or expired.
var ErrBadToken = &Refusal{Kind: Unauthenticated, Code: "unauthenticated", Title: "Sign in first",
	Detail: "the API token is not valid: it may have been revoked or have expired; ask the programme team for a new one"}

// withScope loads what a person's viewer is made of: their organisation and the interests they
// declared, in force.
func withScope(q *ent.PersonQuery) {
	q.WithOrganisation().WithInterests(func(q *ent.InterestQuery) { q.Where(interest.WithdrawnAtIsNil()) })
}

// TokenHolder finds the live token a secret belongs to, with its person and their
// organisation, and notes that it was used.
func (s *Service) TokenHolder(ctx context.Context, secret string) (*ent.APIToken, error) {
	ctx = authz.AsSystem(ctx, sessionsName)
	t, err := s.DB.APIToken.Query().Where(apitoken.TokenHash(authz.HashSecret(secret))).
		WithPerson(withScope).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && now.After(*t.ExpiresAt)) || t.Edges.Person.DeactivatedAt != nil {
		return nil, ErrBadToken
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchEvery {
		_ = s.DB.APIToken.UpdateOne(t).SetLastUsedAt(now.UTC()).Exec(ctx)
	}
	return t, nil
}

// LiveSession finds the session a cookie's token names, if it is still live, with its person,
// and keeps it alive. A session that has ended is deleted and nil returned.
func (s *Service) LiveSession(ctx context.Context, token string) (*ent.Session, error) {
	ctx = authz.AsSystem(ctx, sessionsName)
	sess, err := s.DB.Session.Query().Where(session.TokenHash(authz.HashSecret(token))).
		WithPerson(withScope).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > IdleTimeout || sess.Edges.Person.DeactivatedAt != nil {
		_, err := s.DB.Session.Delete().Where(session.ID(sess.ID)).Exec(ctx)
		return nil, err
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.DB.Session.UpdateOne(sess).SetLastSeenAt(now.UTC()).Exec(ctx); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

// StartSession signs a person in: a new session and an audit event. It ends the session the
// browser held before (a session fixed before sign-in is never promoted) and sweeps ended
// ones. It returns the new session's secret token, for the cookie.
func (s *Service) StartSession(ctx context.Context, p *ent.Person, method, previousToken string) (string, error) {
	if p.DeactivatedAt != nil {
		return "", &Refusal{Kind: Forbidden, Code: "deactivated", Title: "Your account has been deactivated",
			Detail: "the programme team deactivated your Catalyst account; ask them if you need it again"}
	}
	actor := authz.ActorOf(ctx, "")
	actor.Who = p.Email
	ctx = authz.AsSystem(ctx, sessionsName)
	if previousToken != "" {
		_, _ = s.DB.Session.Delete().Where(session.TokenHash(authz.HashSecret(previousToken))).Exec(ctx)
	}
	token := authz.RandomSecret()
	now := time.Now().UTC()
	if _, err := s.DB.Session.Delete().Where(session.Or(session.ExpiresAtLT(now), session.LastSeenAtLT(now.Add(-IdleTimeout)))).Exec(ctx); err != nil {
		return "", err
	}
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if err := tx.Session.Create().SetTokenHash(authz.HashSecret(token)).SetPersonID(p.ID).SetMethod(method).
			SetCsrfToken(authz.RandomSecret()).SetCreatedAt(now).SetLastSeenAt(now).SetExpiresAt(now.Add(AbsoluteTimeout)).Exec(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, actor, "person.signed_in", "person", p.ID, nil, map[string]string{"method": method})
	})
	if err != nil {
		return "", err
	}
	// Past MaxSessions, the oldest end: a session left open on a shared computer does not live
	// beside every newer one.
	old, err := s.DB.Session.Query().Where(session.PersonID(p.ID)).Order(ent.Desc(session.FieldID)).Offset(MaxSessions).IDs(ctx)
	if err == nil {
		for _, id := range old {
			err = errors.Join(err, s.EndSession(ctx, id))
		}
	}
	return token, err
}

// EndYourSession ends one of the viewer's own sessions: another browser's they no longer use,
// or this one (which signs them out).
func (s *Service) EndYourSession(ctx context.Context, id int) error {
	v, _ := authz.FromContext(ctx)
	sys := authz.AsSystem(ctx, sessionsName)
	if _, err := s.DB.Session.Query().Where(session.ID(id), session.PersonID(v.PersonID)).Only(sys); ent.IsNotFound(err) || v.PersonID == 0 {
		return notFound("session", id)
	} else if err != nil {
		return err
	}
	if err := s.EndSession(ctx, id); err != nil {
		return err
	}
	return s.DB.WithTx(sys, func(tx *ent.Tx) error {
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "person.session_ended", "person", v.PersonID, nil, map[string]int{"session": id})
	})
}

// mayEndSessions is the rule EndSessionsOf applies: an admin's, for anyone but themselves (whose
// own sessions are theirs to end on their data page).
func mayEndSessions(v authz.Viewer, p *ent.Person) error {
	if err := mayManagePeople(v); err != nil {
		return err
	}
	if p.ID == v.PersonID {
		return conflict("self-sessions", "end your own sessions on your data page")
	}
	return nil
}

// EndSessionsOf ends every session a person holds, without deactivating them: a laptop lost,
// a computer shared. It says how many it ended; their API tokens are left as they are.
func (s *Service) EndSessionsOf(ctx context.Context, personID int) (int, error) {
	v, _ := authz.FromContext(ctx)
	p, err := s.DB.Person.Get(ctx, personID)
	if err != nil {
		return 0, err
	}
	if err := mayEndSessions(v, p); err != nil {
		return 0, err
	}
	sys := authz.AsSystem(ctx, sessionsName)
	ids, err := s.DB.Session.Query().Where(session.PersonID(p.ID)).IDs(sys)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.EndSession(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), s.DB.WithTx(sys, func(tx *ent.Tx) error {
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "person.sessions_ended", "person", p.ID, nil, map[string]int{"sessions": len(ids)})
	})
}

// EndSession signs out: the session's row goes, so its cookie is worthless even if kept.
func (s *Service) EndSession(ctx context.Context, sessionID int) error {
	if err := s.StopAssisting(ctx, sessionID); err != nil && !ent.IsNotFound(err) {
		return err
	}
	_, err := s.DB.Session.Delete().Where(session.ID(sessionID)).Exec(authz.AsSystem(ctx, sessionsName))
	return err
}

// DevPeople lists everyone, for catalyst dev's sign-in page, which exists to list them.
func (s *Service) DevPeople(ctx context.Context) ([]*ent.Person, error) {
	return s.DB.Person.Query().Order(ent.Asc(person.FieldID)).All(authz.AsSystem(ctx, "dev-sign-in"))
}

// DevPerson finds a demo person by email, or by ID when email is empty, for catalyst dev's
// sign-in.
func (s *Service) DevPerson(ctx context.Context, email string, id int) (*ent.Person, error) {
	ctx = authz.AsSystem(ctx, "dev-sign-in")
	if email != "" {
		return s.DB.Person.Query().Where(person.EmailEqualFold(email)).Only(ctx)
	}
	return s.DB.Person.Get(ctx, id)
}

// SignInSubject is what a sign-in provider says of who signed in.
type SignInSubject struct {
	Issuer, Subject, Email, Name string
	EmailVerified                bool
}

// PersonForSubject finds the person a provider's subject belongs to: by the subject linked at
// an earlier sign-in, else by verified email, linking the subject then (which the trail
// records). An account already linked to another subject is refused, never merged.
func (s *Service) PersonForSubject(ctx context.Context, in SignInSubject) (*ent.Person, error) {
	actorCtx := ctx
	ctx = authz.AsSystem(ctx, sessionsName)
	p, err := s.DB.Person.Query().Where(person.OidcSubject(in.Subject)).Only(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return p, err
	}
	noAccount := func(detail string) error {
		return &Refusal{Kind: Forbidden, Code: "no-account", Title: "You do not have a Catalyst account", Detail: detail}
	}
	if in.Email == "" || !in.EmailVerified {
		return nil, noAccount("the sign-in service did not give a verified email address; ask the programme team to add you")
	}
	p, err = s.DB.Person.Query().Where(person.EmailEqualFold(in.Email)).Only(ctx)
	if ent.IsNotFound(err) {
		// Anyone may bid: a first sign-in makes a supplier's account, and they register or
		// join their organisation next. The programme adds every other role.
		if p, err = s.NewSupplier(actorCtx, in.Email, in.Name); err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	if p.OidcSubject != nil && *p.OidcSubject != in.Subject {
		return nil, &Refusal{Kind: Forbidden, Code: "account-mismatch", Title: "This sign-in belongs to someone else",
			Detail: fmt.Sprintf("the Catalyst account for %s is linked to a different sign-in; ask the programme team", in.Email)}
	}
	actor := authz.ActorOf(actorCtx, "")
	actor.Who = p.Email
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if p, err = tx.Person.UpdateOne(p).SetOidcSubject(in.Subject).Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, actor, "person.sign_in_linked", "person", p.ID,
			map[string]any{"oidc_subject": nil}, map[string]any{"oidc_subject": in.Subject, "issuer": in.Issuer})
	})
	return p, err
}

// NeedsOrganisation reports whether a person is a supplier who has not yet registered or
// joined an organisation: after signing in, they are sent to do so.
func (s *Service) NeedsOrganisation(ctx context.Context, personID int) bool {
	p, err := s.DB.Person.Query().Where(person.ID(personID)).WithOrganisation().Only(authz.AsSystem(ctx, sessionsName))
	return err == nil && p.Edges.Organisation == nil && slices.Contains(p.Roles, string(authz.Supplier))
}
