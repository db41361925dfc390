package records

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/interest"
)

// interestsName is the system identity that records declarations: an assessor may not write
// interest records directly, only declare and withdraw their own through these commands.
const interestsName = "interests"

// DeclareInterestInput is an assessor's declaration of an interest in a supplier.
type DeclareInterestInput struct {
	AssessorID     int
	OrganisationID int
	Kind           domain.InterestKind
	Description    string
	Actor          authz.Actor
}

// DeclareInterest records the declaration and, in the same transaction, takes the assessor off
// that supplier's bids in every competition still being assessed: the assignment rules drop the
// pairing and find a replacement. Scores already given in decided competitions are not touched.
func DeclareInterest(ctx context.Context, tx *ent.Tx, in DeclareInterestInput) (*ent.Interest, error) {
	ctx = authz.AsSystem(ctx, interestsName)
	if problems := (domain.InterestDeclaration{OrganisationID: in.OrganisationID, Kind: in.Kind, Description: in.Description}).Problems(); len(problems) > 0 {
		for i, p := range problems {
			if p.Field == "kind" { // an API caller needs the codes the form's labels stand for
				problems[i].Message += " (one of " + strings.Join(in.Kind.Values(), ", ") + ")"
			}
		}
		return nil, problems
	}
	description, _ := domain.InterestDescription.Clean(in.Description)
	assessor, err := tx.Person.Get(ctx, in.AssessorID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(authz.RolesOf(assessor.Roles), func(r authz.Role) bool { return slices.Contains(authz.Declarers, r) }) {
		return nil, domain.InvalidInput("%s is a supplier: the programme's people, challenge owners and assessors declare interests", assessor.Email)
	}
	org, err := tx.Organisation.Get(ctx, in.OrganisationID)
	if ent.IsNotFound(err) {
		return nil, domain.Problems{{Field: "organisation_id", Message: fmt.Sprintf("There is no organisation %d", in.OrganisationID)}}
	}
	if err != nil {
		return nil, err
	}
	if org.PublicBody {
		return nil, domain.Problems{{Field: "organisation_id", Message: fmt.Sprintf("%s is a public body, not a supplier: interests are declared in suppliers", org.Name)}}
	}
	same, err := tx.Interest.Query().Where(interest.AssessorID(assessor.ID), interest.OrganisationID(org.ID),
		interest.KindEQ(in.Kind), interest.WithdrawnAtIsNil()).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if same {
		return nil, domain.Problems{{Field: "organisation_id", Message: fmt.Sprintf("You have already declared this kind of interest in %s", org.Name)}}
	}
	d, err := tx.Interest.Create().SetAssessorID(assessor.ID).SetOrganisationID(org.ID).SetKind(in.Kind).
		SetDescription(description).Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := Audit(ctx, tx, in.Actor, "interest.declared", "interest", d.ID, nil,
		map[string]any{"assessor": assessor.ID, "organisation": org.ID, "kind": in.Kind, "description": description}); err != nil {
		return nil, err
	}
	// Competitions being assessed where the assessor holds one of this supplier's bids.
	affected, err := tx.Assignment.Query().Where(assignment.AssessorID(assessor.ID), assignment.StatusEQ(assignment.StatusAssigned),
		assignment.HasBidWith(bid.OrganisationID(org.ID), bid.HasCompetitionWith(competition.StatusEQ(domain.CompetitionAssessment)))).
		Unique(true).Select(assignment.FieldCompetitionID).Ints(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(affected)
	for _, compID := range slices.Compact(affected) {
		if _, err := AssignAssessors(ctx, tx, compID, authz.Actor{Reason: "an assessor declared an interest in " + org.Name}); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// WithdrawInterest ends a declaration, keeping the record. It does not give back bids the
// assessor was taken off: those have their replacement assessors.
func WithdrawInterest(ctx context.Context, tx *ent.Tx, interestID int, actor authz.Actor) (*ent.Interest, error) {
	ctx = authz.AsSystem(ctx, interestsName)
	d, err := tx.Interest.Get(ctx, interestID)
	if err != nil || d.WithdrawnAt != nil {
		return d, err
	}
	if d, err = tx.Interest.UpdateOne(d).SetWithdrawnAt(time.Now().UTC()).Save(ctx); err != nil {
		return nil, err
	}
	return d, Audit(ctx, tx, actor, "interest.withdrawn", "interest", d.ID, map[string]any{"withdrawn_at": nil},
		map[string]any{"withdrawn_at": d.WithdrawnAt})
}
