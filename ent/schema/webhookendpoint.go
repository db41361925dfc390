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

// WebhookEndpoint is a programme system told of the events it chose, by signed delivery.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty(),
		field.String("description").Default(""),
		field.Strings("events"),
		field.JSON("secrets", []domain.WebhookSecret{}).Sensitive(),
		field.String("created_by").Optional(),
		field.Time("disabled_at").Optional().Nillable(),
	}
}

// Edges of WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{edge.To("deliveries", WebhookDelivery.Type)}
}

// Policy of WebhookEndpoint: the programme team reads them; the service writes them as its
// own identity after its checks.
func (WebhookEndpoint) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.Admin), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
