package worker

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/outboxmessage"
	"github.com/catalyst-sbri/catalyst/workflows"
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

// The relay takes up to relayBatch rows at a time. Rows to one workflow with one signal go as one
// signal (workflows.MergeSignals), and signals to different workflows go relayConcurrency at a
// time; the batch's rows are then marked in one write per outcome. At the deadline a thousand
// sealed bids to one competition are a few signals, not a thousand round trips.
const (
	relayBatch       = 500
	relayConcurrency = 8
)

// RelayOnce sends what is waiting, batch after batch while batches come full, and says how many
// rows were sent.
func (r *OutboxRelay) RelayOnce(ctx context.Context) (int, error) {
	sent := 0
	for {
		n, full, err := r.relayBatch(ctx)
		sent += n
		if err != nil || !full {
			return sent, err
		}
	}
}

// signalGroup is the rows of one batch to one workflow with one signal, in row order.
type signalGroup struct {
	workflowID, signal string
	ids                []int
	payloads           [][]byte
	err                error // the signal's outcome
}

func (r *OutboxRelay) relayBatch(ctx context.Context) (sent int, full bool, err error) {
	ctx = authz.AsSystem(ctx, "outbox-relay")
	msgs, err := r.DB.OutboxMessage.Query().
		Where(outboxmessage.SentAtIsNil()).
		Order(ent.Asc(outboxmessage.FieldID)).
		Limit(relayBatch).
		All(ctx)
	if err != nil || len(msgs) == 0 {
		return 0, false, err
	}
	var groups []*signalGroup
	byTarget := map[[2]string]*signalGroup{}
	for _, m := range msgs {
		g := byTarget[[2]string{m.WorkflowID, m.Signal}]
		if g == nil {
			g = &signalGroup{workflowID: m.WorkflowID, signal: m.Signal}
			byTarget[[2]string{m.WorkflowID, m.Signal}] = g
			groups = append(groups, g)
		}
		g.ids = append(g.ids, m.ID)
		g.payloads = append(g.payloads, m.Payload)
	}
	var eg errgroup.Group
	eg.SetLimit(relayConcurrency)
	for _, g := range groups {
		eg.Go(func() error {
			payload, err := workflows.MergeSignals(g.signal, g.payloads)
			if err == nil {
				err = r.Temporal.SignalWorkflow(ctx, g.workflowID, "", g.signal, json.RawMessage(payload))
			}
			g.err = err
			return nil
		})
	}
	_ = eg.Wait()
	// Marked by outcome: sent; dropped because the workflow is not running (finished, or for a
	// competition opened moments ago, not started yet: either way the fact is in the database,
	// which the workflow reads when it matters, so the hint is not retried for ever); or failed,
	// to be tried again next pass.
	now := time.Now().UTC()
	var failed error
	for _, g := range groups {
		var nf *serviceerror.NotFound
		update := r.DB.OutboxMessage.Update().Where(outboxmessage.IDIn(g.ids...)).AddAttempts(1)
		switch {
		case g.err == nil:
			update.SetSentAt(now)
			sent += len(g.ids)
		case errors.As(g.err, &nf):
			update.SetSentAt(now).SetLastError("workflow not running: " + nf.Error())
		default:
			update.SetLastError(g.err.Error())
			failed = cmp.Or(failed, g.err) // Temporal is unreachable: try again next tick
		}
		if err := update.Exec(ctx); err != nil {
			return sent, false, err
		}
	}
	return sent, len(msgs) == relayBatch && failed == nil, failed
}
