package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Person is someone who signs in: programme team, challenge owner, assessor or supplier.
type Person struct{ ent.Schema }

// Mixin of Person.
func (Person) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty(),
		field.String("email").NotEmpty().Unique(),
		// Roles held: admin, challenge_owner, assessor, supplier. Scopes come from edges.
		field.Strings("roles").Optional(),
		field.Strings("expertise").Optional(),
		// The subject the sign-in provider gives this person, linked at first sign-in.
		field.String("oidc_subject").Optional().Nillable().Unique(),
		// When the programme deactivated the person: they can no longer sign in, and their
		// sessions and tokens ended then.
		field.Time("deactivated_at").Optional().Nillable(),
		// When an assessor last confirmed their declaration of interests is complete; it lapses
		// after 12 months. Unset on people from before it was kept: counted from their joining.
		field.Time("interests_declared_at").Optional().Nillable(),
		// The kinds of notice the person does not want by email ("all" for none); they still
		// read them on their notices page.
		field.Strings("email_off").Optional(),
		// The most a panel chair or budget holder may approve alone, set by an administrator.
		field.Int64("delegated_limit").GoType(domain.Money(0)).Default(0),
	}
}

// Edges of Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organisation", Organisation.Type).Ref("members").Unique(),
		edge.To("owned_challenges", Challenge.Type),
		// Challenges whose owner named them a delegate.
		edge.From("delegated_challenges", Challenge.Type).Ref("delegates"),
		edge.To("assessments", Assessment.Type),
		edge.To("assignments", Assignment.Type),
		// Interests an assessor has declared in suppliers: never assigned their bids.
		edge.To("interests", Interest.Type),
		// What they asked the programme to correct about them.
		edge.To("corrections", CorrectionRequest.Type),
	}
}

// Policy of Person: see ent/rule for who may read and change what.
func (Person) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterPeople(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.Admin), privacy.AlwaysDenyRule()},
	}
}
