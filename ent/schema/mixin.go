package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// TimeMixin stamps when a record was created and last changed, in UTC.
type TimeMixin struct{ mixin.Schema }

// Fields of the mixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(utcNow),
		field.Time("updated_at").Default(utcNow).UpdateDefault(utcNow),
	}
}

func utcNow() time.Time { return time.Now().UTC() }
