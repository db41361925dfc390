package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/joinrequest"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
)

// A supplier new to Catalyst registers its organisation on first sign-in; a colleague at the
// same email domain asks to join it, and a member approves. The service checks who may do each
// and writes as the registration identity: people cannot otherwise change organisations.
const registrationName = "registration"

// me is the signed-in person as stored now (their organisation may have changed this session).
func (s *Service) me(ctx context.Context) (*ent.Person, error) {
	v, _ := authz.FromContext(ctx)
	if v.PersonID == 0 {
		return nil, &Refusal{Kind: Unauthenticated, Code: "unauthenticated", Title: "Sign in first", Detail: "sign in to do this"}
	}
	return s.DB.Person.Query().Where(person.ID(v.PersonID)).WithOrganisation().Only(authz.AsSystem(ctx, registrationName))
}

// Me is the signed-in person with their organisation.
func (s *Service) Me(ctx context.Context) (*ent.Person, error) { return s.me(ctx) }

// NewSupplier gives a person signing in for the first time, with a verified email address and no
// account, an account as a supplier with no organisation yet: they register one next.
func (s *Service) NewSupplier(ctx context.Context, email, name string) (*ent.Person, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if name = strings.TrimSpace(name); name == "" {
		name = email[:max(strings.Index(email, "@"), 0)]
	}
	rec := domain.PersonRecord{Name: name, Email: email, Roles: []string{string(authz.Supplier)}}
	var ps domain.Problems
	for _, p := range rec.Problems(func(r string) bool { return authz.Role(r).Valid() }) {
		if p.Field != "organisation_id" { // their organisation comes next: they register or join one
			ps = append(ps, p)
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	ctx = authz.AsSystem(ctx, registrationName)
	var out *ent.Person
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		out, err = tx.Person.Create().SetName(name).SetEmail(email).SetRoles([]string{string(authz.Supplier)}).Save(ctx)
		if ent.IsConstraintError(err) {
			return conflict("account-exists", "there is already an account for %s: sign in with it", email)
		}
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.Actor{Who: email, Reason: "first sign-in"}, "person.registered", "person", out.ID, nil,
			map[string]any{"email": email, "roles": out.Roles})
	})
	return out, err
}

// RegisterOrganisation records the signed-in supplier's organisation and makes them its first
// member.
func (s *Service) RegisterOrganisation(ctx context.Context, in domain.SupplierRegistration) (*ent.Organisation, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(me.Roles, string(authz.Supplier)) {
		return nil, forbidden("only a supplier registers an organisation")
	}
	if me.Edges.Organisation != nil {
		return nil, conflict("has-organisation", "you already belong to %s", me.Edges.Organisation.Name)
	}
	if err := in.Check(time.Now()).Err(); err != nil {
		return nil, err
	}
	actor := authz.ActorOf(ctx, "")
	ctx = authz.AsSystem(ctx, registrationName)
	var out *ent.Organisation
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if exists, err := tx.Organisation.Query().Where(organisation.NameEqualFold(in.Name)).Exist(ctx); err != nil {
			return err
		} else if exists {
			return domain.Problems{{Field: "name", Message: fmt.Sprintf("%s is already registered: ask to join it instead", in.Name)}}
		}
		c := tx.Organisation.Create().SetName(in.Name).SetEmailDomain(domain.EmailDomain(me.Email)).SetLegalForm(in.LegalForm).
			SetSize(in.Size).SetRegion(in.Region).SetFields(in.Fields).SetRegisteredBy(me.Email).
			SetNillablePublicContractBefore(in.PublicContractBefore)
		if in.CompanyNumber != "" {
			c.SetCompanyNumber(in.CompanyNumber)
		}
		if !in.IncorporatedOn.IsZero() {
			c.SetIncorporatedOn(in.IncorporatedOn.UTC())
		}
		var err error
		if out, err = c.Save(ctx); err != nil {
			return err
		}
		if err := tx.Person.UpdateOneID(me.ID).SetOrganisationID(out.ID).Exec(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, actor, "organisation.registered", "organisation", out.ID, nil, out)
	})
	return out, err
}

// JoinableOrganisations are the supplier organisations at the signed-in person's email domain.
func (s *Service) JoinableOrganisations(ctx context.Context) ([]*ent.Organisation, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	return s.DB.Organisation.Query().Where(organisation.PublicBody(false), organisation.EmailDomain(domain.EmailDomain(me.Email))).
		Order(ent.Asc(organisation.FieldName)).All(ctx)
}

// AskToJoin asks an organisation at the person's email domain to take them on; its members
// are told.
func (s *Service) AskToJoin(ctx context.Context, organisationID int) (*ent.JoinRequest, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	org, err := s.DB.Organisation.Get(ctx, organisationID)
	if err != nil {
		return nil, err
	}
	if org.PublicBody {
		return nil, domain.Problems{{Field: "organisation_id", Message: org.Name + " is a public body: suppliers join suppliers"}}
	}
	if err := domain.CanJoin(me.Email, org.EmailDomain, me.Edges.Organisation != nil); err != nil {
		return nil, domain.Problems{domain.ProblemWith("organisation_id", err)}
	}
	actor := authz.ActorOf(ctx, "")
	ctx = authz.AsSystem(ctx, registrationName)
	var out *ent.JoinRequest
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if pending, err := tx.JoinRequest.Query().Where(joinrequest.PersonID(me.ID), joinrequest.OrganisationID(org.ID),
			joinrequest.StatusEQ(joinrequest.StatusPending)).Only(ctx); err == nil {
			out = pending // asked before: the same request stands
			return nil
		}
		var err error
		if out, err = tx.JoinRequest.Create().SetPersonID(me.ID).SetOrganisationID(org.ID).Save(ctx); err != nil {
			return err
		}
		if err := records.Audit(ctx, tx, actor, "organisation.join_requested", "organisation", org.ID, nil,
			map[string]any{"person": me.Email}); err != nil {
			return err
		}
		members, err := tx.Person.Query().Where(person.HasOrganisationWith(organisation.ID(org.ID)), person.DeactivatedAtIsNil()).IDs(ctx)
		if err != nil {
			return err
		}
		for _, m := range members {
			if err := records.Notify(ctx, tx, m, domain.NoticeJoinRequested, "organisation", org.ID,
				map[string]string{"name": me.Name, "email": me.Email, "organisation": org.Name}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// JoinRequests lists the requests the viewer may read: their own, and those to join their
// organisation, newest first.
func (s *Service) JoinRequests(ctx context.Context) ([]*ent.JoinRequest, error) {
	ids, err := s.DB.JoinRequest.Query().IDs(ctx) // what the viewer may read
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	// Who asked is shown to the members who answer, though they are not colleagues yet.
	return s.DB.JoinRequest.Query().Where(joinrequest.IDIn(ids...)).WithPerson(func(q *ent.PersonQuery) { q.WithOrganisation() }).WithOrganisation().
		Order(ent.Desc(joinrequest.FieldID)).All(authz.AsSystem(ctx, registrationName))
}

// mayDecideJoin is the rule DecideJoinRequest applies: a member of the organisation answers a
// pending request, and approves it only while the person who asked belongs to no organisation.
func mayDecideJoin(me *ent.Person, r *ent.JoinRequest, approve bool) error {
	if me.Edges.Organisation == nil || me.Edges.Organisation.ID != r.OrganisationID {
		return forbidden("only a member of %s can answer a request to join it", r.Edges.Organisation.Name)
	}
	if r.Status != joinrequest.StatusPending {
		return conflict("already-decided", "this request was %s by %s", r.Status, r.DecidedBy)
	}
	if p := r.Edges.Person; approve && p.Edges.Organisation != nil {
		return conflict("has-organisation", "%s already belongs to %s", p.Name, p.Edges.Organisation.Name)
	}
	return nil
}

// JoinRequestActions are the viewer's answers to each pending request to join their
// organisation, by the request's number: approve (or why not) and decline.
func (s *Service) JoinRequestActions(ctx context.Context, rs []*ent.JoinRequest) (map[int]Actions, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int]Actions{}
	for _, r := range rs {
		if mayDecideJoin(me, r, false) != nil {
			continue // not theirs to answer, or answered
		}
		var as Actions
		as.add("approve", "Approve", mayDecideJoin(me, r, true))
		as.add("decline", "Decline", nil)
		out[r.ID] = as
	}
	return out, nil
}

// DecideJoinRequest is a member's answer to a request to join their organisation.
type DecideJoinRequest struct {
	ID      int
	Approve bool
}

// DecideJoinRequest approves (the person joins) or declines a pending request; they are told.
func (s *Service) DecideJoinRequest(ctx context.Context, in DecideJoinRequest) (*ent.JoinRequest, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	// The viewer must be able to read the request; its person (not yet anyone's colleague) is
	// read as the registration identity.
	if _, err := s.DB.JoinRequest.Get(ctx, in.ID); err != nil {
		return nil, err
	}
	r, err := s.DB.JoinRequest.Query().Where(joinrequest.ID(in.ID)).WithPerson(func(q *ent.PersonQuery) { q.WithOrganisation() }).
		WithOrganisation().Only(authz.AsSystem(ctx, registrationName))
	if err != nil {
		return nil, err
	}
	if err := mayDecideJoin(me, r, in.Approve); err != nil {
		return nil, err
	}
	status, decision := joinrequest.StatusDeclined, "declined"
	if in.Approve {
		status, decision = joinrequest.StatusApproved, "approved"
	}
	actor := authz.ActorOf(ctx, "")
	ctx = authz.AsSystem(ctx, registrationName)
	var out *ent.JoinRequest
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		if out, err = tx.JoinRequest.UpdateOne(r).SetStatus(status).SetDecidedBy(me.Email).Save(ctx); err != nil {
			return err
		}
		if in.Approve {
			if err := tx.Person.UpdateOneID(r.PersonID).SetOrganisationID(r.OrganisationID).Exec(ctx); err != nil {
				return err
			}
		}
		if err := records.Audit(ctx, tx, actor, "organisation.join_"+decision, "organisation", r.OrganisationID,
			map[string]any{"status": "pending"}, map[string]any{"status": status, "person": r.Edges.Person.Email}); err != nil {
			return err
		}
		return records.Notify(ctx, tx, r.PersonID, domain.NoticeJoinDecided, "organisation", r.OrganisationID,
			map[string]string{"organisation": r.Edges.Organisation.Name, "decision": decision, "by": me.Name})
	})
	return out, err
}
