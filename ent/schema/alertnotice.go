package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// AlertNotice is one alert's notice that one competition opened: at most one per alert and
// competition, however often the opening runs. Email goes out from these rows later.
type AlertNotice struct{ ent.Schema }

// Mixin of AlertNotice.
func (AlertNotice) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of AlertNotice.
func (AlertNotice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("alert_id").Immutable(),
		field.Int("competition_id").Immutable(),
		field.JSON("values", map[string]string{}).Immutable(),
	}
}

// Edges of AlertNotice.
func (AlertNotice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("alert", Alert.Type).Ref("notices").Field("alert_id").Unique().Required().Immutable(),
	}
}

// Indexes of AlertNotice: never two for one alert and competition.
func (AlertNotice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("alert_id", "competition_id").Unique()}
}

// Policy of AlertNotice: as its alert's.
func (AlertNotice) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
