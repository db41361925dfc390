package service

// A challenge's delegates: colleagues its owner names to act for them on the challenge's
// contracts (accepting deliverables, the midpoint review, the recommendation at the stage gate),
// so that the owner's judgement is still an owner's when they are away, and never the
// programme's. Only the owner names or removes them (mayManageDelegates), choosing among the
// challenge owners of their own public body (domain.CheckDelegate); a delegate reads what the
// owner reads of the challenge (ent/rule's actsForChallenge) and changes nothing of its intake.
// Each naming and removal is audited, and the colleague is told.

import (
	"context"
	"slices"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
)

const delegatesName = "delegates"

// ownsChallenge reports whether the viewer is the challenge's owner.
func (s *Service) ownsChallenge(ctx context.Context, v authz.Viewer, id int) (bool, error) {
	if !v.Has(authz.ChallengeOwner) {
		return false, nil
	}
	return s.DB.Challenge.Query().Where(challenge.ID(id), challenge.HasOwnerWith(person.ID(v.PersonID))).
		Exist(authz.AsSystem(ctx, delegatesName))
}

// actsForChallenge reports whether the viewer is the challenge's owner or a delegate they named:
// whose judgement the challenge's contracts ask for.
func (s *Service) actsForChallenge(ctx context.Context, v authz.Viewer, id int) (bool, error) {
	if !v.Has(authz.ChallengeOwner) {
		return false, nil
	}
	return s.DB.Challenge.Query().Where(challenge.ID(id), challenge.Or(challenge.HasOwnerWith(person.ID(v.PersonID)),
		challenge.HasDelegatesWith(person.ID(v.PersonID)))).Exist(authz.AsSystem(ctx, delegatesName))
}

// Delegates are the people the challenge's owner named, for those who act for the challenge
// (its owner and delegates) and the programme officer; nobody else learns who they are.
func (s *Service) Delegates(ctx context.Context, id int) ([]*ent.Person, error) {
	v, _ := authz.FromContext(ctx)
	acts, err := s.actsForChallenge(ctx, v, id)
	if err != nil || (!acts && !v.Has(authz.ProgrammeOfficer)) {
		return nil, err
	}
	return s.DB.Person.Query().Where(person.HasDelegatedChallengesWith(challenge.ID(id))).Order(ent.Asc(person.FieldID)).
		All(authz.AsSystem(ctx, delegatesName))
}

// DelegateCandidates are the colleagues the owner may name now: the challenge owners of their
// own public body who may sign in, but not the owner or anyone named already.
func (s *Service) DelegateCandidates(ctx context.Context, id int) ([]*ent.Person, error) {
	v, _ := authz.FromContext(ctx)
	owns, err := s.ownsChallenge(ctx, v, id)
	if err != nil || !owns || v.OrganisationID == 0 {
		return nil, err
	}
	colleagues, err := s.DB.Person.Query().Where(person.HasOrganisationWith(organisation.ID(v.OrganisationID), organisation.PublicBody(true)),
		person.DeactivatedAtIsNil(), person.IDNEQ(v.PersonID), person.Not(person.HasDelegatedChallengesWith(challenge.ID(id)))).
		Order(ent.Asc(person.FieldName)).All(authz.AsSystem(ctx, delegatesName))
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(colleagues, func(p *ent.Person) bool { return !slices.Contains(p.Roles, string(authz.ChallengeOwner)) }), nil
}

// mayManageDelegates is the rule NameDelegate and RemoveDelegate apply, as the challenge's
// actions show it: the owner's alone, and only while there is someone to name or remove.
func (s *Service) mayManageDelegates(ctx context.Context, id int) error {
	v, _ := authz.FromContext(ctx)
	owns, err := s.ownsChallenge(ctx, v, id)
	if err != nil {
		return err
	}
	if !owns {
		return forbidden("only the challenge's owner names delegates to act for them")
	}
	candidates, err := s.DelegateCandidates(ctx, id)
	if err != nil {
		return err
	}
	named, err := s.DB.Person.Query().Where(person.HasDelegatedChallengesWith(challenge.ID(id))).Exist(authz.AsSystem(ctx, delegatesName))
	if err != nil {
		return err
	}
	if len(candidates) == 0 && !named {
		return conflict("no-colleague", "nobody else in your organisation is a challenge owner: ask the admin to add the colleague you want to name")
	}
	return nil
}

// Delegate names a colleague to a challenge, or removes them.
type Delegate struct {
	ChallengeID int
	PersonID    int
}

// NameDelegate lets a colleague act for the owner on the challenge's contracts.
func (s *Service) NameDelegate(ctx context.Context, in Delegate) (*ent.Person, error) {
	return s.changeDelegate(ctx, in, true)
}

// RemoveDelegate ends a colleague's acting for the owner on the challenge.
func (s *Service) RemoveDelegate(ctx context.Context, in Delegate) (*ent.Person, error) {
	return s.changeDelegate(ctx, in, false)
}

// MayManageDelegates says whether the viewer may name or remove the challenge's delegates, so
// that an adapter asks before it reads the request: someone out of scope learns nothing from how
// their request would be judged.
func (s *Service) MayManageDelegates(ctx context.Context, id int) error {
	if _, err := s.DB.Challenge.Query().Where(challenge.ID(id)).OnlyID(ctx); err != nil { // out of scope: not found
		return err
	}
	return s.mayManageDelegates(ctx, id)
}

func (s *Service) changeDelegate(ctx context.Context, in Delegate, name bool) (*ent.Person, error) {
	if err := s.MayManageDelegates(ctx, in.ChallengeID); err != nil {
		return nil, err
	}
	ch, err := s.DB.Challenge.Query().Where(challenge.ID(in.ChallengeID)).WithOwner().Only(ctx)
	if err != nil {
		return nil, err
	}
	sys := authz.AsSystem(ctx, delegatesName)
	p, err := s.DB.Person.Query().Where(person.ID(in.PersonID)).WithOrganisation().Only(sys)
	if ent.IsNotFound(err) {
		return nil, domain.Problems{{Field: "person_id", Message: "Choose a colleague from the list"}}
	}
	if err != nil {
		return nil, err
	}
	already, err := s.DB.Person.Query().Where(person.ID(p.ID), person.HasDelegatedChallengesWith(challenge.ID(ch.ID))).Exist(sys)
	if err != nil {
		return nil, err
	}
	action, template := "challenge.delegate_named", domain.NoticeDelegateNamed
	if name {
		v, _ := authz.FromContext(ctx)
		colleague := p.Edges.Organisation != nil && p.Edges.Organisation.ID == v.OrganisationID && p.DeactivatedAt == nil
		canOwn := domain.CanOwnChallenge(slices.Contains(p.Roles, string(authz.ChallengeOwner)), colleague && p.Edges.Organisation.PublicBody)
		if err := domain.CheckDelegate(canOwn, p.ID == v.PersonID, already); err != nil {
			return nil, err
		}
	} else {
		if !already {
			return nil, domain.Problems{{Field: "person_id", Message: p.Name + " is not a delegate for this challenge"}}
		}
		action, template = "challenge.delegate_removed", domain.NoticeDelegateRemoved
	}
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		u := tx.Challenge.UpdateOneID(ch.ID)
		if name {
			u.AddDelegateIDs(p.ID)
		} else {
			u.RemoveDelegateIDs(p.ID)
		}
		if err := u.Exec(sys); err != nil {
			return err
		}
		if err := records.Audit(ctx, tx, authz.ActorOf(ctx, ""), action, "challenge", ch.ID, nil,
			map[string]any{"delegate": p.ID, "name": p.Name}); err != nil {
			return err
		}
		owner := ""
		if ch.Edges.Owner != nil {
			owner = ch.Edges.Owner.Name
		}
		return records.Notify(ctx, tx, p.ID, template, "challenge", ch.ID, map[string]string{"owner": owner, "title": ch.Title})
	})
	return p, err
}
