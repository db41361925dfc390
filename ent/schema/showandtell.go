package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"

	"github.com/catalyst-sbri/catalyst/domain"
)

// ShowAndTell is a supplier's presentation to the gate: its slot and who is asked to it, then
// who came, the notes, and the challenge owner's recommendation.
type ShowAndTell struct{ ent.Schema }

// Mixin of ShowAndTell.
func (ShowAndTell) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of ShowAndTell.
func (ShowAndTell) Fields() []ent.Field {
	return []ent.Field{
		field.Int("contract_id").Unique(),
		field.Time("at"),
		field.Text("place"),
		field.Int("presentation_minutes").Default(domain.PresentationMinutes),
		field.Int("questions_minutes").Default(domain.QuestionsMinutes),
		field.Text("attendees").Optional(),
		// Recorded afterwards: who came and the notes.
		field.Time("held_at").Optional().Nillable(),
		field.Text("attended").Optional(),
		field.Text("notes").Optional(),
		// The challenge owner's recommendation (continue or stop, or complete or stop) and why.
		field.Enum("recommendation").GoType(domain.GateOutcome("")).Optional().Nillable(),
		field.Text("recommendation_reason").Optional(),
		field.String("recommended_by").Optional(),
	}
}

// Edges of ShowAndTell.
func (ShowAndTell) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("contract", Contract.Type).Ref("show_and_tell").Field("contract_id").Unique().Required(),
	}
}

// Policy of ShowAndTell: read with its contract; written by the service as a system identity
// after its own checks.
func (ShowAndTell) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterShowAndTells(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
