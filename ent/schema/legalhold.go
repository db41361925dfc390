package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// LegalHold stops the retention schedule deleting anything of a competition's or a bid's while
// a claim, an investigation or a request for information needs it. Released, it is kept.
type LegalHold struct{ ent.Schema }

// Mixin of LegalHold.
func (LegalHold) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of LegalHold.
func (LegalHold) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").GoType(domain.HoldKind("")).Immutable(),
		field.Int("record_id").Immutable(),
		field.Text("reason").NotEmpty().Immutable(),
		field.String("placed_by").NotEmpty().Immutable(),
		field.Time("released_at").Optional().Nillable(),
		field.String("released_by").Optional(),
		field.Text("release_reason").Optional(),
	}
}

// Policy of LegalHold: the programme reads it; the service writes it after its checks.
func (LegalHold) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeTeam...), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
