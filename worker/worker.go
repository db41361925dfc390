// Package worker registers Catalyst's workflows and activities with Temporal and relays the
// outbox. Run is what `catalyst worker` and `catalyst dev` call; tests import it too.
package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"go.temporal.io/api/enums/v1"
	"golang.org/x/mod/sumdb/note"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/outbound"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/webhook"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Deps are what the worker needs.
type Deps struct {
	Temporal client.Client
	DB       *ent.Client
	// Docs holds documents' bytes, which the retention schedule deletes.
	Docs activities.Bytes
	Log  *slog.Logger
	// Mail sends email; nil leaves every email waiting (and the mail workflow unstarted).
	Mail email.Sender
	// BaseURL is where people reach Catalyst, for the links in emails.
	BaseURL string
	// MailPollEvery is the mail workflow's safety-net look for waiting email.
	MailPollEvery time.Duration
	// LogSigner signs the transparency log's checkpoints; nil keeps no log (the trail's events
	// are still placed in the chain, and their webhooks queued).
	LogSigner note.Signer
	// LogEvery is how often the log takes in what the audit trail has added (a second if 0).
	LogEvery time.Duration
	// LogWitness asks a witness to cosign each new checkpoint; nil for none.
	LogWitness *activities.LogWitness
	// Outbound is where webhooks may be delivered: nil for the public internet only.
	Outbound *outbound.Policy
	// Scanning is the document store's malware scan; nil where none runs. CheckEvery is how
	// often the documents waiting for its verdict are checked again (a minute if 0).
	Scanning   records.Scanning
	CheckEvery time.Duration
}

// Register adds every workflow and activity to r.
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.ChallengeWorkflow)
	r.RegisterWorkflow(workflows.CompetitionWorkflow)
	r.RegisterWorkflow(workflows.ContractWorkflow)
	r.RegisterWorkflow(workflows.MailWorkflow)
	r.RegisterWorkflow(workflows.WebhookWorkflow)
	r.RegisterWorkflow(workflows.RetentionWorkflow)
	r.RegisterActivity(acts)
}

// Run polls the task queue and relays the outbox until ctx is done.
func Run(ctx context.Context, d Deps) error {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	w := sdkworker.New(d.Temporal, workflows.TaskQueue, sdkworker.Options{})
	Register(w, &activities.Activities{DB: d.DB, Docs: d.Docs, Mail: d.Mail, BaseURL: d.BaseURL, CloseGrace: domain.CloseGrace,
		Webhooks: webhook.NewClient(d.Outbound)})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	if d.Mail != nil {
		go startForGood(ctx, d, workflows.MailWorkflowID, workflows.MailWorkflow, workflows.MailInput{PollEvery: d.MailPollEvery})
	}
	go startForGood(ctx, d, workflows.WebhookWorkflowID, workflows.WebhookWorkflow, workflows.WebhookInput{PollEvery: d.MailPollEvery})
	if d.Docs != nil {
		go scheduleRetention(ctx, d)
		if d.Scanning != nil && d.Scanning.Scans() {
			go checkDocuments(ctx, d)
		}
	}
	// The trail's events are placed (and their webhooks queued) whether or not a log is kept.
	go sequenceLog(ctx, d)
	relay := &OutboxRelay{DB: d.DB, Temporal: d.Temporal, Log: d.Log}
	relay.Run(ctx)
	return nil
}

// startForGood starts one of the workflows that run for good (mail, webhooks) unless it runs
// already, trying again while Temporal is out of reach: every worker asks, and the one workflow
// ID keeps it to one.
func startForGood(ctx context.Context, d Deps, id string, wf, in any) {
	opts := client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}
	for {
		_, err := d.Temporal.ExecuteWorkflow(ctx, opts, wf, in)
		if err == nil || ctx.Err() != nil {
			return
		}
		d.Log.Warn("starting a workflow", "workflow", id, "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}

// scheduleRetention makes the Temporal schedule that runs the retention schedule each night,
// unless it is there already: every worker asks, and the one schedule ID keeps it to one. A run
// still going when the next falls due makes the next wait (skip); one missed while the cluster
// was down runs when it is back, within a day.
func scheduleRetention(ctx context.Context, d Deps) {
	opts := client.ScheduleOptions{
		ID: workflows.RetentionScheduleID,
		Spec: client.ScheduleSpec{
			Calendars:    []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: workflows.RetentionHour}}, Minute: []client.ScheduleRange{{Start: 0}}}},
			TimeZoneName: "Europe/London",
		},
		Action: &client.ScheduleWorkflowAction{
			ID: workflows.RetentionWorkflowID, Workflow: workflows.RetentionWorkflow, Args: []any{workflows.RetentionInput{}},
			TaskQueue: workflows.TaskQueue,
		},
		Overlap:       enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: 24 * time.Hour,
		Note:          "Catalyst's retention schedule: deletes what is past its period, unless a legal hold keeps it",
	}
	for {
		_, err := d.Temporal.ScheduleClient().Create(ctx, opts)
		if err == nil || errors.Is(err, temporal.ErrScheduleAlreadyRunning) || ctx.Err() != nil {
			return
		}
		d.Log.Warn("making the retention schedule", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}
