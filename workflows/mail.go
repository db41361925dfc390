package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/catalyst-sbri/catalyst/activities"
)

// MailWorkflow sends every email Catalyst writes, each at most once: it runs for good (one per
// namespace, ID MailWorkflowID), wakes when the outbox says an email is waiting or every
// PollEvery, and sends the waiting emails a batch at a time by activities.SendEmails, each that
// failed then by activities.SendEmail with backoff. It continues as new when its history has
// grown and nothing is in flight.
func MailWorkflow(ctx workflow.Context, in MailInput) error {
	return sendLoop(ctx, sender{
		signal: SignalMailWaiting, poll: in.PollEvery,
		waiting: func(ctx workflow.Context, skip []int, limit int) workflow.Future {
			return workflow.ExecuteActivity(activityOptions(ctx), a.WaitingEmails, activities.WaitingInput{Skip: skip, Limit: limit})
		},
		sendBatch: func(ctx workflow.Context, ids []int) workflow.Future {
			return workflow.ExecuteActivity(batchOptions(ctx), a.SendEmails, activities.SendBatchInput{IDs: ids})
		},
		send: func(ctx workflow.Context, id int) workflow.Future {
			return workflow.ExecuteActivity(sendOptions(ctx, activities.EmailAttempts), a.SendEmail, activities.SendEmailInput{EmailID: id})
		},
		again: func(ctx workflow.Context) error { return workflow.NewContinueAsNewError(ctx, MailWorkflow, in) },
	})
}

// WebhookWorkflow delivers every webhook Catalyst writes, as MailWorkflow sends email: one per
// namespace (ID WebhookWorkflowID), woken by the outbox, a batch at a time by
// activities.DeliverWebhooks, each that failed then by activities.DeliverWebhook with backoff.
func WebhookWorkflow(ctx workflow.Context, in WebhookInput) error {
	return sendLoop(ctx, sender{
		signal: SignalWebhookWaiting, poll: in.PollEvery,
		waiting: func(ctx workflow.Context, skip []int, limit int) workflow.Future {
			return workflow.ExecuteActivity(activityOptions(ctx), a.WaitingWebhooks, activities.WaitingInput{Skip: skip, Limit: limit})
		},
		sendBatch: func(ctx workflow.Context, ids []int) workflow.Future {
			return workflow.ExecuteActivity(batchOptions(ctx), a.DeliverWebhooks, activities.SendBatchInput{IDs: ids})
		},
		send: func(ctx workflow.Context, id int) workflow.Future {
			return workflow.ExecuteActivity(sendOptions(ctx, activities.WebhookAttempts), a.DeliverWebhook, activities.DeliverWebhookInput{DeliveryID: id})
		},
		again: func(ctx workflow.Context) error { return workflow.NewContinueAsNewError(ctx, WebhookWorkflow, in) },
	})
}

// sender is what a send loop sends: how it lists what waits, sends a batch, sends one (with
// backoff), and starts again.
type sender struct {
	signal    string
	poll      time.Duration
	waiting   func(ctx workflow.Context, skip []int, limit int) workflow.Future
	sendBatch func(ctx workflow.Context, ids []int) workflow.Future
	send      func(ctx workflow.Context, id int) workflow.Future
	again     func(ctx workflow.Context) error
}

// sendTurns is how many wakes a run takes before continuing as new.
const sendTurns = 500

// With versionSendInBatches, a look takes a page of at most sendPage and sends it in batches of
// sendBatch, an activity each; after a full page it looks again as soon as fewer than a page
// are in flight, rather than at the next wake or poll (minutes away when a deadline's rush has
// just ended). Before, each was sent by an activity of its own, and a look took the activity's
// own page (50) and waited for the next wake.
const (
	sendPage  = 100
	sendBatch = 25
)

// sendLoop looks for what waits when woken by its signal or every poll, sends it, and continues
// as new when its history has grown and nothing is in flight. What fails in a batch is sent on
// its own in a goroutine of its own, so one receiver's backoff holds up nothing else.
func sendLoop(ctx workflow.Context, s sender) error {
	if s.poll <= 0 {
		s.poll = 5 * time.Minute
	}
	inBatches := workflow.GetVersion(ctx, versionSendInBatches, workflow.DefaultVersion, 1) == 1
	limit := 0 // the activity's own page
	if inBatches {
		limit = sendPage
	}
	sending := map[int]bool{}
	waiting := workflow.GetSignalChannel(ctx, s.signal)
	done := workflow.NewChannel(ctx) // carries the []int sent (or given up) together
	sendOne := func(ctx workflow.Context, id int) {
		// The activity records a failure itself; an error left here is one the retries did
		// not cure, and the item stays waiting for the next look.
		_ = s.send(ctx, id).Get(ctx, nil)
		done.Send(ctx, []int{id})
	}
	look, full := true, false
	for turn := 0; ; turn++ {
		if look {
			var out activities.WaitingResult
			if err := s.waiting(ctx, workflow.DeterministicKeys(sending), limit).Get(ctx, &out); err != nil {
				return err
			}
			for _, id := range out.IDs {
				sending[id] = true
			}
			full = inBatches && len(out.IDs) >= limit
			if inBatches {
				for batch := range slices.Chunk(out.IDs, sendBatch) {
					workflow.Go(ctx, func(ctx workflow.Context) {
						var res activities.SendBatchResult
						if err := s.sendBatch(ctx, batch).Get(ctx, &res); err != nil {
							res.Again = batch // the batch's own retries gave up: each on its own
						}
						if sent := slices.DeleteFunc(slices.Clone(batch), func(id int) bool { return slices.Contains(res.Again, id) }); len(sent) > 0 {
							done.Send(ctx, sent)
						}
						for _, id := range res.Again {
							workflow.Go(ctx, func(ctx workflow.Context) { sendOne(ctx, id) })
						}
					})
				}
			} else {
				for _, id := range out.IDs {
					workflow.Go(ctx, func(ctx workflow.Context) { sendOne(ctx, id) })
				}
			}
		}
		if turn >= sendTurns && len(sending) == 0 {
			return s.again(ctx)
		}
		look = false
		timerCtx, cancelTimer := workflow.WithCancel(ctx)
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(waiting, func(c workflow.ReceiveChannel, _ bool) {
			for c.ReceiveAsync(nil) { // one look answers everything written so far
			}
			look = true
		})
		sel.AddReceive(done, func(c workflow.ReceiveChannel, _ bool) {
			var ids []int
			c.Receive(ctx, &ids)
			for _, id := range ids {
				delete(sending, id)
			}
			if full && len(sending) < limit {
				look = true
			}
		})
		sel.AddFuture(workflow.NewTimer(timerCtx, s.poll), func(workflow.Future) { look = true })
		sel.Select(ctx)
		cancelTimer()
	}
}

// batchOptions give a batch time for each of its sends (a few at once) and retry it if its
// worker stopped; a send it had started is found by SendEmail's own at-most-once check.
func batchOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute, MaximumAttempts: 3},
	})
}

// sendOptions retry a send with backoff from 10 seconds to an hour, attempts times.
func sendOptions(ctx workflow.Context, attempts int32) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    10 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Hour,
			MaximumAttempts:    attempts,
		},
	})
}
