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

// Organisation is a supplier (a single legal entity that bids) or a public body.
type Organisation struct{ ent.Schema }

// Mixin of Organisation.
func (Organisation) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Organisation.
func (Organisation) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().Unique(),
		field.String("email_domain").Optional(),
		field.Bool("public_body").Default(false),
		// What a supplier registers, structured for the programme's figures (SMEs, under five
		// years old, outside London and the south-east).
		field.String("legal_form").GoType(domain.LegalForm("")).Optional(),
		field.String("company_number").Optional(),
		field.String("size").GoType(domain.OrganisationSize("")).Optional(),
		field.Time("incorporated_on").Optional(),
		field.String("region").Optional(),
		// Whether it had a contract with a UK public body before registering; unset if it did
		// not say. The programme counts first-time public sector suppliers from it.
		field.Bool("public_contract_before").Optional().Nillable(),
		field.Strings("fields").Optional(),
		// Who registered it; empty for organisations the programme added.
		field.String("registered_by").Optional(),
	}
}

// Edges of Organisation.
func (Organisation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("members", Person.Type),
		edge.To("bids", Bid.Type),
		edge.To("contracts", Contract.Type),
	}
}

// Policy of Organisation: see ent/rule for who may read and change what.
func (Organisation) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowAnyone(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeTeam...), privacy.AlwaysDenyRule()},
	}
}
