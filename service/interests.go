package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/interest"
	"github.com/catalyst-sbri/catalyst/records"
)

// ListInterests lists the declarations the viewer may see (an assessor their own, the
// programme everyone's), withdrawn ones too, in ID order, optionally of one assessor.
func (s *Service) ListInterests(ctx context.Context, page Page, assessorID int) ([]*ent.Interest, error) {
	q := s.DB.Interest.Query().Where(interest.IDGT(page.After)).WithOrganisation().Order(ent.Asc(interest.FieldID)).Limit(page.Limit + 1)
	if assessorID != 0 {
		q.Where(interest.AssessorID(assessorID))
	}
	return q.All(ctx)
}

// MyInterests lists the signed-in assessor's own declarations, newest first.
func (s *Service) MyInterests(ctx context.Context) ([]*ent.Interest, error) {
	v, _ := authz.FromContext(ctx)
	return s.DB.Interest.Query().Where(interest.AssessorID(v.PersonID)).WithOrganisation().Order(ent.Desc(interest.FieldID)).All(ctx)
}

// DeclareInterest is the signed-in assessor's declaration of an interest in a supplier.
type DeclareInterest struct {
	OrganisationID int
	Kind           string
	Description    string
}

// DeclareInterest records the declaration; while it stands the assessor is never given that
// supplier's bids, and bids they hold now go to another assessor at once.
func (s *Service) DeclareInterest(ctx context.Context, in DeclareInterest) (*ent.Interest, error) {
	v, _ := authz.FromContext(ctx)
	var d *ent.Interest
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		d, err = records.DeclareInterest(ctx, tx, records.DeclareInterestInput{AssessorID: v.PersonID,
			OrganisationID: in.OrganisationID, Kind: domain.InterestKind(in.Kind), Description: in.Description, Actor: authz.ActorOf(ctx, "")})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.DB.Interest.Query().Where(interest.ID(d.ID)).WithOrganisation().Only(ctx)
}

// WithdrawInterest ends one of the signed-in assessor's own declarations; anyone else's is not
// found, even for an assessor who is also an admin.
func (s *Service) WithdrawInterest(ctx context.Context, id int) (*ent.Interest, error) {
	v, _ := authz.FromContext(ctx)
	d, err := s.DB.Interest.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.AssessorID != v.PersonID {
		return nil, notFound("interest", id)
	}
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		_, err := records.WithdrawInterest(ctx, tx, id, authz.ActorOf(ctx, ""))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.DB.Interest.Query().Where(interest.ID(id)).WithOrganisation().Only(ctx)
}

// Declaration is where the signed-in assessor's declaration of interests stands.
type Declaration struct {
	Since  time.Time // when it was last confirmed complete (or they joined)
	Lapses time.Time
	Lapsed bool
}

// YourDeclaration says when the signed-in assessor's declaration of interests lapses.
func (s *Service) YourDeclaration(ctx context.Context) (Declaration, error) {
	v, _ := authz.FromContext(ctx)
	p, err := s.DB.Person.Get(authz.AsSystem(ctx, "declarations"), v.PersonID)
	if err != nil {
		return Declaration{}, err
	}
	since := records.DeclaredSince(p)
	return Declaration{Since: since, Lapses: domain.DeclarationLapses(since), Lapsed: domain.DeclarationLapsed(since, time.Now())}, nil
}

// RenewDeclaration records the signed-in assessor's confirmation that their declaration of
// interests is complete and up to date: it stands for another 12 months.
func (s *Service) RenewDeclaration(ctx context.Context) (Declaration, error) {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.Assessor) {
		return Declaration{}, forbidden("only an assessor declares their interests")
	}
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		now := time.Now().UTC()
		// Written as a system identity: people do not otherwise change their own records.
		if err := tx.Person.UpdateOneID(v.PersonID).SetInterestsDeclaredAt(now).Exec(authz.AsSystem(ctx, "declarations")); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "interests.declared", "person", v.PersonID, nil,
			map[string]any{"lapses": domain.DeclarationLapses(now)})
	})
	if err != nil {
		return Declaration{}, err
	}
	return s.YourDeclaration(ctx)
}

// noInterest is the rule that nobody acts on a record of a supplier they declared an interest
// in: the contract's owner, finance and the programme alike leave it to someone else.
func noInterest(v authz.Viewer, organisationID int, name string) error {
	if v.InterestIn(organisationID) {
		return conflict("declared-interest", "you declared an interest in %s: someone else in the team must do this", name)
	}
	return nil
}

// noInterestInContractors is the same rule for the challenge-level gate, which decides for
// every phase 1 contract at once: nobody decides it who declared an interest in one of their
// suppliers.
func (s *Service) noInterestInContractors(ctx context.Context, challengeID int) error {
	v, _ := authz.FromContext(ctx)
	if len(v.Interests) == 0 {
		return nil
	}
	k, err := s.DB.Contract.Query().Where(contract.HasCompetitionWith(competition.ChallengeID(challengeID)), contract.OrganisationIDIn(v.Interests...)).
		WithOrganisation().First(authz.AsSystem(ctx, "interests"))
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return conflict("declared-interest", "you declared an interest in %s, which holds a contract under this challenge: someone else in the team must decide its gate", k.Edges.Organisation.Name)
}

// noInterestInBidders is the same rule for a competition's decision: nobody proposes, approves
// or refuses it who declared an interest in one of its bidders.
func (s *Service) noInterestInBidders(ctx context.Context, competitionID int) error {
	v, _ := authz.FromContext(ctx)
	if len(v.Interests) == 0 {
		return nil
	}
	b, err := s.DB.Bid.Query().Where(bid.CompetitionID(competitionID), bid.OrganisationIDIn(v.Interests...),
		bid.StatusNotIn(domain.BidDraft, domain.BidWithdrawn)).WithOrganisation().First(authz.AsSystem(ctx, "interests"))
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return conflict("declared-interest", "you declared an interest in %s, which bid in this competition: someone else in the team must decide it", b.Edges.Organisation.Name)
}
