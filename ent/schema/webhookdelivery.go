package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// WebhookDelivery is one event for one endpoint: written pending in the transaction of the
// change it reports, then delivered by activities.DeliverWebhook, retried with backoff and
// given up after a limit, when the programme may send it again.
type WebhookDelivery struct{ ent.Schema }

// Mixin of WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("endpoint_id").Immutable(),
		// MessageID is the webhook-id header: the same on every attempt, so a receiver can
		// tell a retry from a new event.
		field.String("message_id").NotEmpty().Unique().Immutable(),
		field.String("event").NotEmpty().Immutable(),
		field.Bytes("payload").Immutable(),
		field.Enum("state").Values("pending", "delivered", "failed").Default("pending"),
		field.Int("attempts").Default(0),
		field.Int("last_status").Default(0),
		field.Text("last_error").Optional(),
		field.Time("last_attempt_at").Optional().Nillable(),
		field.Time("delivered_at").Optional().Nillable(),
	}
}

// Edges of WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").Unique().Required().Immutable(),
	}
}

// Indexes of WebhookDelivery: the sender reads what waits, the log reads an endpoint's newest.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("state"), index.Fields("endpoint_id", "created_at")}
}

// Policy of WebhookDelivery: as its endpoint's.
func (WebhookDelivery) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.Admin), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
