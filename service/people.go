package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/apitoken"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/ent/session"
	"github.com/catalyst-sbri/catalyst/records"
)

// People lists the people the viewer may see, with their organisations.
func (s *Service) People(ctx context.Context) ([]*ent.Person, error) {
	if err := s.recordRead(ctx, readOf{kind: ReadOfPeople}); err != nil {
		return nil, err
	}
	return s.DB.Person.Query().Order(ent.Asc(person.FieldID)).WithOrganisation().All(ctx)
}

// Organisations lists every organisation, suppliers and public bodies.
func (s *Service) Organisations(ctx context.Context) ([]*ent.Organisation, error) {
	return s.DB.Organisation.Query().Order(ent.Asc(organisation.FieldID)).All(ctx)
}

// Suppliers lists the organisations that bid (not public bodies), by name.
func (s *Service) Suppliers(ctx context.Context) ([]*ent.Organisation, error) {
	return s.DB.Organisation.Query().Where(organisation.PublicBody(false)).Order(ent.Asc(organisation.FieldName)).All(ctx)
}

// PersonInput is a person as the programme team records them.
type PersonInput struct {
	Name, Email    string
	Roles          []string
	OrganisationID int // 0 for none
	Expertise      []string
	// DelegatedLimit is the most a panel chair or budget holder may approve alone.
	DelegatedLimit domain.Money
}

// check names every problem with the input, reading the organisation's kind.
func (s *Service) checkPerson(ctx context.Context, in *PersonInput) (domain.Problems, error) {
	kind := ""
	if in.OrganisationID != 0 {
		org, err := s.DB.Organisation.Get(ctx, in.OrganisationID)
		if ent.IsNotFound(err) {
			return domain.Problems{{Field: "organisation_id", Message: fmt.Sprintf("There is no organisation %d", in.OrganisationID)}}, nil
		}
		if err != nil {
			return nil, err
		}
		kind = map[bool]string{true: "public", false: "supplier"}[org.PublicBody]
	}
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	rec := domain.PersonRecord{Name: in.Name, Email: in.Email, Roles: in.Roles, Organisation: kind, Expertise: in.Expertise}
	ps := rec.Problems(func(r string) bool { return authz.Role(r).Valid() })
	approves := authz.Viewer{Roles: authz.RolesOf(in.Roles)}.Approves()
	switch {
	case in.DelegatedLimit < 0 || in.DelegatedLimit > domain.MaxPot*10:
		ps.Add("delegated_limit_pence", "a delegated limit is from £0 to %s", domain.MaxPot*10)
	case in.DelegatedLimit > 0 && !approves:
		ps.Add("delegated_limit_pence", "only a panel chair or a budget holder approves within a delegated limit: give one of those roles, or leave the limit at £0")
	}
	return ps, nil
}

// AddPerson records a person with their roles, so they can sign in.
func (s *Service) AddPerson(ctx context.Context, in PersonInput) (*ent.Person, error) {
	v, _ := authz.FromContext(ctx)
	if err := mayManagePeople(v); err != nil {
		return nil, err
	}
	ps, err := s.checkPerson(ctx, &in)
	if err != nil {
		return nil, err
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Person
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if taken, err := tx.Person.Query().Where(person.EmailEqualFold(in.Email)).Exist(authz.AsSystem(ctx, "people")); err != nil || taken {
			if err == nil {
				err = domain.Problems{{Field: "email", Message: fmt.Sprintf("%s already has an account: change that person instead", in.Email)}}
			}
			return err
		}
		create := tx.Person.Create().SetName(in.Name).SetEmail(in.Email).SetRoles(in.Roles).SetExpertise(in.Expertise).SetDelegatedLimit(in.DelegatedLimit)
		if in.OrganisationID != 0 {
			create.SetOrganisationID(in.OrganisationID)
		}
		var err error
		if out, err = create.Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "person.created", "person", out.ID, nil,
			map[string]any{"email": in.Email, "roles": in.Roles, "organisation": in.OrganisationID, "expertise": in.Expertise, "delegated_limit": in.DelegatedLimit})
	})
	if err != nil {
		return nil, err
	}
	return s.Person(ctx, out.ID)
}

// Person is one person with their organisation.
func (s *Service) Person(ctx context.Context, id int) (*ent.Person, error) {
	p, err := s.DB.Person.Query().Where(person.ID(id)).WithOrganisation().Only(ctx)
	if err != nil {
		return nil, err
	}
	return p, s.recordRead(ctx, readOf{kind: ReadOfPerson, id: p.ID})
}

// ChangePerson changes a person's roles, organisation and expertise. Their email and name are
// their sign-in's; the record keeps them.
func (s *Service) ChangePerson(ctx context.Context, id int, in PersonInput) (*ent.Person, error) {
	p, err := s.DB.Person.Query().Where(person.ID(id)).WithOrganisation().Only(ctx)
	if err != nil {
		return nil, err
	}
	v, _ := authz.FromContext(ctx)
	if err := mayChangePerson(v, p); err != nil {
		return nil, err
	}
	in.Name, in.Email = p.Name, p.Email
	ps, err := s.checkPerson(ctx, &in)
	if err != nil {
		return nil, err
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Person
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		u := tx.Person.UpdateOneID(id).SetRoles(in.Roles).SetExpertise(in.Expertise).SetDelegatedLimit(in.DelegatedLimit).ClearOrganisation()
		if in.OrganisationID != 0 {
			u.SetOrganisationID(in.OrganisationID)
		}
		var err error
		if out, err = u.Save(ctx); err != nil {
			return err
		}
		before := map[string]any{"roles": p.Roles, "expertise": p.Expertise, "delegated_limit": p.DelegatedLimit}
		if p.Edges.Organisation != nil {
			before["organisation"] = p.Edges.Organisation.ID
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "person.changed", "person", id, before,
			map[string]any{"roles": in.Roles, "organisation": in.OrganisationID, "expertise": in.Expertise, "delegated_limit": in.DelegatedLimit})
	})
	if err != nil {
		return nil, err
	}
	return s.Person(ctx, out.ID)
}

// DeactivatePerson stops a person signing in: it ends their sessions and revokes their API
// tokens in the same transaction. Their records and the trail keep their name.
func (s *Service) DeactivatePerson(ctx context.Context, id int) (*ent.Person, error) {
	v, _ := authz.FromContext(ctx)
	if err := mayDeactivate(v, id); err != nil {
		return nil, err
	}
	var out *ent.Person
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		p, err := tx.Person.Get(ctx, id)
		if err != nil || p.DeactivatedAt != nil {
			out = p
			return err
		}
		now := time.Now().UTC()
		if out, err = tx.Person.UpdateOne(p).SetDeactivatedAt(now).Save(ctx); err != nil {
			return err
		}
		sys := authz.AsSystem(ctx, sessionsName)
		ended, err := tx.Session.Delete().Where(session.PersonID(id)).Exec(sys)
		if err != nil {
			return err
		}
		revoked, err := tx.APIToken.Update().Where(apitoken.PersonID(id), apitoken.RevokedAtIsNil()).SetRevokedAt(now).Save(sys)
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "person.deactivated", "person", id, nil,
			map[string]any{"deactivated_at": now, "sessions_ended": ended, "tokens_revoked": revoked})
	})
	if err != nil {
		return nil, err
	}
	return s.Person(ctx, out.ID)
}
