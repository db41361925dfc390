package service

import (
	"context"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assistance"
	"github.com/catalyst-sbri/catalyst/ent/session"
	"github.com/catalyst-sbri/catalyst/records"
)

// Assisted digital: someone in the programme team acts for a supplier or a challenge owner who
// cannot use the service, with their consent and how it was given. Their signed-in session acts
// as the person (with the person's roles and scope, never the helper's) until they stop; the
// trail records each act as the helper's on the person's behalf (authz.ActorOf), and the person
// is told when it starts, and gets the receipt of a bid submitted for them. It is done on the
// pages, signed in: an API token acts only as its own holder.

// assistName is the identity that records assistance.
const assistName = "assisted-digital"

// assistable are the roles a person acted for may hold: those who use the service for their
// own organisation. Anyone holding another role is not acted for, lest the helper gain it.
var assistable = []authz.Role{authz.Supplier, authz.ChallengeOwner}

// mayAssist is the rule StartAssisting applies and the person's page offers by.
func mayAssist(v authz.Viewer, p *ent.Person) error {
	switch {
	case !v.Has(authz.ProgrammeOfficer):
		return forbidden("only the programme team acts for someone")
	case p.ID == v.PersonID:
		return conflict("self-assist", "you cannot act for yourself")
	case p.DeactivatedAt != nil:
		return conflict("person-deactivated", "%s is deactivated", p.Name)
	case len(p.Roles) == 0 || slices.ContainsFunc(authz.RolesOf(p.Roles), func(r authz.Role) bool { return !slices.Contains(assistable, r) }):
		return conflict("not-assistable", "the programme acts only for suppliers and challenge owners, and %s holds other roles", p.Name)
	}
	return nil
}

// AssistActions are what the viewer may do for the person on their page: act for them. They
// are the pages' only, as acting for someone is done signed in.
func AssistActions(ctx context.Context, p *ent.Person) Actions {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.ProgrammeOfficer) {
		return nil
	}
	var as Actions
	as.add("assist", "Act for "+p.Name, mayAssist(v, p))
	return as
}

// StartAssisting asks to act for a person.
type StartAssisting struct {
	SessionID int // the helper's signed-in session, which will act as the person
	PersonID  int
	How       domain.ConsentHow
	Consent   string
}

// StartAssisting records the person's consent, makes the helper's session act as them, and
// tells them.
func (s *Service) StartAssisting(ctx context.Context, in StartAssisting) (*ent.Assistance, error) {
	v, _ := authz.FromContext(ctx)
	sys := authz.AsSystem(ctx, assistName)
	p, err := s.DB.Person.Get(sys, in.PersonID)
	if err != nil {
		return nil, err
	}
	if err := mayAssist(v, p); err != nil {
		return nil, err
	}
	var ps domain.Problems
	if !slices.Contains(domain.ConsentHows, in.How) {
		ps.Add("how", "Choose how %s gave their consent", p.Name)
	}
	in.Consent = domain.AssistConsent.CleanAll(in.Consent, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if in.SessionID == 0 {
		return nil, conflict("signed-in-only", "act for someone on the pages, signed in: an API token acts only as its own holder")
	}
	helper, err := s.DB.Person.Get(sys, v.PersonID)
	if err != nil {
		return nil, err
	}
	var out *ent.Assistance
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if out, err = tx.Assistance.Create().SetHelperID(v.PersonID).SetPersonID(p.ID).SetConsentHow(in.How).SetConsent(in.Consent).Save(sys); err != nil {
			return err
		}
		if err := tx.Session.UpdateOneID(in.SessionID).Where(session.PersonID(v.PersonID)).SetAssistanceID(out.ID).Exec(sys); err != nil {
			return err
		}
		if err := records.Audit(ctx, tx, authz.ActorOf(ctx, in.Consent), "assistance.started", "person", p.ID, nil,
			map[string]any{"assistance": out.ID, "helper": v.Name(), "consent_how": in.How}); err != nil {
			return err
		}
		return records.Notify(ctx, tx, p.ID, domain.NoticeAssisted, "person", p.ID,
			map[string]string{"helper": helper.Name, "how": in.How.Label(), "consent": in.Consent})
	})
	return out, err
}

// Assisting is the assistance a session acts in, with the person acted for (and what their
// viewer is made of) and the helper; nil when it acts in none, or the assistance has ended or
// can no longer be given (the person deactivated, or given other roles since).
func (s *Service) Assisting(ctx context.Context, sess *ent.Session) (*ent.Assistance, error) {
	if sess.AssistanceID == nil {
		return nil, nil
	}
	sys := authz.AsSystem(ctx, assistName)
	a, err := s.DB.Assistance.Query().Where(assistance.ID(*sess.AssistanceID), assistance.EndedAtIsNil()).
		WithPerson(withScope).WithHelper(withScope).Only(sys)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	helper := authz.Viewer{PersonID: a.HelperID, Roles: authz.RolesOf(a.Edges.Helper.Roles)}
	if mayAssist(helper, a.Edges.Person) != nil {
		return nil, nil
	}
	return a, nil
}

// StopAssisting ends the assistance the session acts in: the helper acts as themselves again.
func (s *Service) StopAssisting(ctx context.Context, sessionID int) error {
	sys := authz.AsSystem(ctx, assistName)
	sess, err := s.DB.Session.Get(sys, sessionID)
	if err != nil || sess.AssistanceID == nil {
		return err
	}
	return s.DB.WithTx(sys, func(tx *ent.Tx) error {
		a, err := tx.Assistance.Get(sys, *sess.AssistanceID)
		if err != nil {
			return err
		}
		if err := tx.Session.UpdateOneID(sessionID).ClearAssistanceID().Exec(sys); err != nil {
			return err
		}
		if a.EndedAt != nil {
			return nil
		}
		if err := tx.Assistance.UpdateOne(a).SetEndedAt(time.Now().UTC()).Exec(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "assistance.ended", "person", a.PersonID,
			map[string]any{"assistance": a.ID}, nil)
	})
}

// AssistancesOf lists who acted for a person, newest first, with the helpers.
func (s *Service) AssistancesOf(ctx context.Context, personID int) ([]*ent.Assistance, error) {
	return s.DB.Assistance.Query().Where(assistance.PersonID(personID)).WithHelper().
		Order(ent.Desc(assistance.FieldID)).All(authz.AsSystem(ctx, assistName))
}
