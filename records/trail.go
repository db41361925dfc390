// Package records holds the writes that the service and the lifecycle's activities share, and
// the reading of records into the domain's types: an event appended to the audit trail, a
// notice and its email, the outbox row that wakes the mail workflow. Each is written in its
// caller's transaction, so it commits or rolls back with the change it records.
package records

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/document"
)

// SystemName is the system identity activities act under: the lifecycle's own account. The
// person who asked for a change, if any, is recorded from the Actor the workflow carries.
const SystemName = "lifecycle"

// SystemActor is how the audit trail names the lifecycle when no person asked for the change
// (a deadline passing, a timer firing).
const SystemActor = "system:" + SystemName

// auditName is the system identity that appends to the trail. Appending is the trail's own
// work: the person acting is recorded as the event's actor, whatever they may otherwise write.
const auditName = "audit-trail"

// Audit appends one event to the audit trail in tx, so the change and its record commit or
// roll back together. It takes no shared row: the event is pending until the log's sequencer
// (LogSequencer) gives it its place in the chain and the public log, in the order pending
// events are found committed. Writers of different records never wait on each other here.
func Audit(ctx context.Context, tx *ent.Tx, actor authz.Actor, action, recordType string, recordID int, before, after any) error {
	ctx = authz.AsSystem(ctx, auditName)
	challengeID, err := challengeOf(ctx, tx, recordType, recordID)
	if err != nil {
		return err
	}
	return tx.AuditEvent.Create().SetAt(time.Now().UTC().Truncate(time.Microsecond)).SetActor(actor.NameOr(SystemActor)).
		SetAction(action).SetRecordType(recordType).SetRecordID(recordID).SetNillableChallengeID(nonZero(challengeID)).
		SetBefore(jsonText(before)).SetAfter(jsonText(after)).SetReason(actor.Reason).SetRequestID(actor.RequestID).SetToken(actor.Token).Exec(ctx)
}

func nonZero(id int) *int {
	if id == 0 {
		return nil
	}
	return &id
}

// challengeOf finds the challenge a record belongs to, so the challenge's owner can read its
// trail. Records outside any challenge (people, tokens) give 0.
func challengeOf(ctx context.Context, tx *ent.Tx, recordType string, id int) (int, error) {
	var ids []int
	var err error
	switch recordType {
	case "challenge":
		return id, nil
	case "competition":
		ids, err = tx.Competition.Query().Where(competition.ID(id)).Select(competition.FieldChallengeID).Ints(ctx)
	case "bid":
		ids, err = tx.Bid.Query().Where(bid.ID(id)).QueryCompetition().Select(competition.FieldChallengeID).Ints(ctx)
	case "contract":
		ids, err = tx.Contract.Query().Where(contract.ID(id)).QueryCompetition().Select(competition.FieldChallengeID).Ints(ctx)
	case "assessment":
		ids, err = tx.Assessment.Query().Where(assessment.ID(id)).QueryBid().QueryCompetition().Select(competition.FieldChallengeID).Ints(ctx)
	case "document":
		ids, err = tx.Document.Query().Where(document.ID(id)).QueryBid().QueryCompetition().Select(competition.FieldChallengeID).Ints(ctx)
	case "assignment":
		ids, err = tx.Assignment.Query().Where(assignment.ID(id)).QueryBid().QueryCompetition().Select(competition.FieldChallengeID).Ints(ctx)
	default:
		return 0, nil
	}
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// asSystem is the context the lifecycle's own writes are made in: its named identity.
func asSystem(ctx context.Context) context.Context { return authz.AsSystem(ctx, SystemName) }
