package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Clarification is a supplier's question about an open competition. It is private to the
// programme until the programme publishes an answer, with the question worded so that it does
// not say who asked, to every bidder and on the competition's public page.
type Clarification struct{ ent.Schema }

// Mixin of Clarification.
func (Clarification) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Clarification.
func (Clarification) Fields() []ent.Field {
	return []ent.Field{
		field.Int("competition_id").Immutable(),
		field.Int("organisation_id").Immutable(),
		field.Int("asked_by_id").Immutable(),
		field.Text("question").NotEmpty().Immutable(),
		// The question as published: the programme rewords it so it names nobody.
		field.Text("published_question").Default(""),
		field.Text("answer").Default(""),
		field.Time("published_at").Optional().Nillable(),
	}
}

// Edges of Clarification.
func (Clarification) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("competition", Competition.Type).Field("competition_id").Unique().Required().Immutable(),
		edge.To("organisation", Organisation.Type).Field("organisation_id").Unique().Required().Immutable(),
		edge.To("asked_by", Person.Type).Field("asked_by_id").Unique().Required().Immutable(),
	}
}

// Indexes of Clarification.
func (Clarification) Indexes() []ent.Index {
	return []ent.Index{index.Fields("competition_id", "published_at")}
}

// Policy of Clarification: see ent/rule.
func (Clarification) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterClarifications(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), rule.SupplierClarifications(), privacy.AlwaysDenyRule()},
	}
}
