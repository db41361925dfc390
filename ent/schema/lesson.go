package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Lesson is what a stop, a no-go or an outcome taught, in the register the programme publishes:
// government shares its learning and its failures.
type Lesson struct{ ent.Schema }

// Mixin of Lesson.
func (Lesson) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Lesson.
func (Lesson) Fields() []ent.Field {
	return []ent.Field{
		field.Int("challenge_id"),
		// The contract a stop ended; none for a no-go or an outcome.
		field.Int("contract_id").Optional().Nillable(),
		field.Enum("kind").GoType(domain.LessonKind("")),
		field.Int("phase").Range(1, 2),
		field.Text("what_worked"),
		field.Text("what_failed"),
		field.Text("why"),
		field.String("recorded_by"),
	}
}

// Edges of Lesson.
func (Lesson) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("challenge", Challenge.Type).Ref("lesson_register").Field("challenge_id").Unique().Required(),
	}
}

// Policy of Lesson: the register is public; lessons are written only with their stop, no-go or
// outcome, by the system.
func (Lesson) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
