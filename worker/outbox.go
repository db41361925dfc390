package worker

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/outboxmessage"
)

// OutboxRelay sends outbox rows to their workflows as signals. A row is marked sent only after
// Temporal has accepted the signal, so a crash or an outage means a resend, never a loss; the
// workflows treat signals as hints and read the facts from the database.
type OutboxRelay struct {
	DB       *ent.Client
	Temporal client.Client
	Log      *slog.Logger
	Interval time.Duration
}

// Run relays until ctx is done.
func (r *OutboxRelay) Run(ctx context.Context) {
	every := r.Interval
	if every == 0 {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := r.RelayOnce(ctx); err != nil && ctx.Err() == nil {
			r.Log.Warn("outbox relay", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RelayOnce sends what is waiting and says how many were sent.
func (r *OutboxRelay) RelayOnce(ctx context.Context) (int, error) {
	ctx = authz.AsSystem(ctx, "outbox-relay")
	msgs, err := r.DB.OutboxMessage.Query().
		Where(outboxmessage.SentAtIsNil()).
		Order(ent.Asc(outboxmessage.FieldID)).
		Limit(100).
		All(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range msgs {
		err := r.Temporal.SignalWorkflow(ctx, m.WorkflowID, "", m.Signal, json.RawMessage(m.Payload))
		var nf *serviceerror.NotFound
		switch {
		case err == nil:
			err = r.DB.OutboxMessage.UpdateOne(m).SetSentAt(time.Now().UTC()).AddAttempts(1).Exec(ctx)
			sent++
		case errors.As(err, &nf):
			// The workflow is not running: finished, or (for a competition opened moments ago)
			// not started yet. Either way the fact is in the database, which the workflow reads
			// when it matters, so the hint is dropped rather than retried for ever.
			err = r.DB.OutboxMessage.UpdateOne(m).SetSentAt(time.Now().UTC()).AddAttempts(1).
				SetLastError("workflow not running: " + nf.Error()).Exec(ctx)
		default:
			_ = r.DB.OutboxMessage.UpdateOne(m).AddAttempts(1).SetLastError(err.Error()).Exec(ctx)
			return sent, err // Temporal is unreachable: try again next tick
		}
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
