package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// RetentionPeriod is the programme's period for one kind of record in the retention schedule
// (domain.RetentionRules), where it differs from the default.
type RetentionPeriod struct{ ent.Schema }

// Mixin of RetentionPeriod.
func (RetentionPeriod) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of RetentionPeriod.
func (RetentionPeriod) Fields() []ent.Field {
	return []ent.Field{
		field.String("kind").NotEmpty().Unique(),
		field.Int("months").Positive(),
		field.String("set_by").NotEmpty(),
	}
}

// Policy of RetentionPeriod: the programme reads it; the service writes it after its checks.
func (RetentionPeriod) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeTeam...), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
