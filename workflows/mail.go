package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/catalyst-sbri/catalyst/activities"
)

// MailWorkflow sends every email Catalyst writes, each at most once: it runs for good (one per
// namespace, ID MailWorkflowID), wakes when the outbox says an email is waiting or every
// PollEvery, and sends each waiting email by activities.SendEmail with backoff. It continues as
// new when its history has grown and nothing is in flight.
func MailWorkflow(ctx workflow.Context, in MailInput) error {
	return sendLoop(ctx, sender{
		signal: SignalMailWaiting, poll: in.PollEvery,
		waiting: func(ctx workflow.Context, skip []int, limit int) workflow.Future {
			return workflow.ExecuteActivity(activityOptions(ctx), a.WaitingEmails, activities.WaitingInput{Skip: skip, Limit: limit})
		},
		send: func(ctx workflow.Context, id int) workflow.Future {
			return workflow.ExecuteActivity(sendOptions(ctx, activities.EmailAttempts), a.SendEmail, activities.SendEmailInput{EmailID: id})
		},
		again: func(ctx workflow.Context) error { return workflow.NewContinueAsNewError(ctx, MailWorkflow, in) },
	})
}

// WebhookWorkflow delivers every webhook Catalyst writes, as MailWorkflow sends email: one per
// namespace (ID WebhookWorkflowID), woken by the outbox, each delivery by
// activities.DeliverWebhook with backoff.
func WebhookWorkflow(ctx workflow.Context, in WebhookInput) error {
	return sendLoop(ctx, sender{
		signal: SignalWebhookWaiting, poll: in.PollEvery,
		waiting: func(ctx workflow.Context, skip []int, limit int) workflow.Future {
			return workflow.ExecuteActivity(activityOptions(ctx), a.WaitingWebhooks, activities.WaitingInput{Skip: skip, Limit: limit})
		},
		send: func(ctx workflow.Context, id int) workflow.Future {
			return workflow.ExecuteActivity(sendOptions(ctx, activities.WebhookAttempts), a.DeliverWebhook, activities.DeliverWebhookInput{DeliveryID: id})
		},
		again: func(ctx workflow.Context) error { return workflow.NewContinueAsNewError(ctx, WebhookWorkflow, in) },
	})
}

// sender is what a send loop sends: how it lists what waits, sends one, and starts again.
type sender struct {
	signal  string
	poll    time.Duration
	waiting func(ctx workflow.Context, skip []int, limit int) workflow.Future
	send    func(ctx workflow.Context, id int) workflow.Future
	again   func(ctx workflow.Context) error
}

// sendTurns is how many wakes a run takes before continuing as new.
const sendTurns = 500

// sendPage is how many a look takes at most. A full page means more may wait: with
// versionLookWhileFull, the loop looks again as soon as fewer than a page are in flight,
// rather than at the next wake or poll (minutes away when a deadline's rush has just ended).
const sendPage = 100

// sendLoop looks for what waits when woken by its signal or every poll, sends each in its own
// goroutine (so one receiver's backoff holds up nothing else), and continues as new when its
// history has grown and nothing is in flight.
func sendLoop(ctx workflow.Context, s sender) error {
	if s.poll <= 0 {
		s.poll = 5 * time.Minute
	}
	lookWhileFull := workflow.GetVersion(ctx, versionLookWhileFull, workflow.DefaultVersion, 1) == 1
	limit := 0 // the activity's own page
	if lookWhileFull {
		limit = sendPage
	}
	sending := map[int]bool{}
	waiting := workflow.GetSignalChannel(ctx, s.signal)
	done := workflow.NewChannel(ctx)
	look, full := true, false
	for turn := 0; ; turn++ {
		if look {
			var out activities.WaitingResult
			if err := s.waiting(ctx, workflow.DeterministicKeys(sending), limit).Get(ctx, &out); err != nil {
				return err
			}
			full = lookWhileFull && len(out.IDs) >= limit
			for _, id := range out.IDs {
				sending[id] = true
				workflow.Go(ctx, func(ctx workflow.Context) {
					// The activity records a failure itself; an error left here is one the
					// retries did not cure, and the item stays waiting for the next look.
					_ = s.send(ctx, id).Get(ctx, nil)
					done.Send(ctx, id)
				})
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
			var id int
			c.Receive(ctx, &id)
			delete(sending, id)
			if full && len(sending) < limit {
				look = true
			}
		})
		sel.AddFuture(workflow.NewTimer(timerCtx, s.poll), func(workflow.Future) { look = true })
		sel.Select(ctx)
		cancelTimer()
	}
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
