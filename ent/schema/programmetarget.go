package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// ProgrammeTarget is one of the targets the programme sets itself (domain.Targets): a
// turnaround in days, or a share of suppliers in per cent. Unset, domain.DefaultTargets holds.
type ProgrammeTarget struct{ ent.Schema }

// Mixin of ProgrammeTarget.
func (ProgrammeTarget) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of ProgrammeTarget.
func (ProgrammeTarget) Fields() []ent.Field {
	return []ent.Field{
		field.String("target").GoType(domain.Target("")).NotEmpty().Unique(),
		field.Int("value"),
		field.String("set_by").Optional(),
	}
}

// Policy of ProgrammeTarget: the programme team reads and sets them.
func (ProgrammeTarget) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
	}
}
