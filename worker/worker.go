// Package worker registers Catalyst's workflows and activities with Temporal and relays the
// outbox. Run is what `catalyst worker` and `catalyst dev` call; tests import it too.
package worker

import (
	"context"
	"log/slog"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Deps are what the worker needs.
type Deps struct {
	Temporal client.Client
	DB       *ent.Client
	Log      *slog.Logger
}

// Register adds every workflow and activity to r.
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.ChallengeWorkflow)
	r.RegisterWorkflow(workflows.CompetitionWorkflow)
	r.RegisterWorkflow(workflows.ContractWorkflow)
	r.RegisterActivity(acts)
}

// Run polls the task queue and relays the outbox until ctx is done.
func Run(ctx context.Context, d Deps) error {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	w := sdkworker.New(d.Temporal, workflows.TaskQueue, sdkworker.Options{})
	Register(w, &activities.Activities{DB: d.DB})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	relay := &OutboxRelay{DB: d.DB, Temporal: d.Temporal, Log: d.Log}
	relay.Run(ctx)
	return nil
}
