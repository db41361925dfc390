package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
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
	}
}

// Edges of Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organisation", Organisation.Type).Ref("members").Unique(),
		edge.To("owned_challenges", Challenge.Type),
		edge.To("assessments", Assessment.Type),
	}
}
