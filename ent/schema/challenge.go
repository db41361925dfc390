package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Challenge is a public body's problem, from submission to its programme outcome.
type Challenge struct{ ent.Schema }

// Mixin of Challenge.
func (Challenge) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Challenge.
func (Challenge) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(200),
		field.String("public_body").NotEmpty().MaxLen(200),
		field.Text("problem").NotEmpty(),
		field.Text("user_need").Optional(),
		field.Enum("stage").GoType(domain.ChallengeStage("")).Default(string(domain.ChallengeDraft)),
		field.Text("stage_reason").Optional(),
		field.Enum("outcome").GoType(domain.ProgrammeOutcome("")).Optional().Nillable(),
		field.Text("lessons").Optional(),
	}
}

// Edges of Challenge.
func (Challenge) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner", Person.Type).Ref("owned_challenges").Unique(),
		edge.To("competitions", Competition.Type),
	}
}
