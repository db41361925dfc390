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
	w := &mailWorkflow{in: in, sending: map[int]bool{}}
	return w.run(ctx)
}

type mailWorkflow struct {
	in      MailInput
	sending map[int]bool // emails whose send is in flight
}

// mailTurns is how many wakes a run takes before continuing as new.
const mailTurns = 500

func (w *mailWorkflow) run(ctx workflow.Context) error {
	poll := w.in.PollEvery
	if poll <= 0 {
		poll = 5 * time.Minute
	}
	waiting := workflow.GetSignalChannel(ctx, SignalMailWaiting)
	done := workflow.NewChannel(ctx)
	look := true
	for turn := 0; ; turn++ {
		if look {
			var out activities.WaitingEmailsResult
			skip := workflow.DeterministicKeys(w.sending)
			if err := workflow.ExecuteActivity(activityOptions(ctx), a.WaitingEmails,
				activities.WaitingEmailsInput{Skip: skip}).Get(ctx, &out); err != nil {
				return err
			}
			for _, id := range out.IDs {
				w.sending[id] = true
				workflow.Go(ctx, func(ctx workflow.Context) {
					// SendEmail records a failure itself; an error left here is one the
					// retries did not cure, and the email stays waiting for the next look.
					_ = workflow.ExecuteActivity(sendOptions(ctx), a.SendEmail, activities.SendEmailInput{EmailID: id}).Get(ctx, nil)
					done.Send(ctx, id)
				})
			}
		}
		if turn >= mailTurns && len(w.sending) == 0 {
			return workflow.NewContinueAsNewError(ctx, MailWorkflow, w.in)
		}
		look = false
		timerCtx, cancelTimer := workflow.WithCancel(ctx)
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(waiting, func(c workflow.ReceiveChannel, _ bool) {
			for c.ReceiveAsync(nil) { // one look answers every email written so far
			}
			look = true
		})
		sel.AddReceive(done, func(c workflow.ReceiveChannel, _ bool) {
			var id int
			c.Receive(ctx, &id)
			delete(w.sending, id)
		})
		sel.AddFuture(workflow.NewTimer(timerCtx, poll), func(workflow.Future) { look = true })
		sel.Select(ctx)
		cancelTimer()
	}
}

// sendOptions retry a send with backoff from 10 seconds to an hour, EmailAttempts times.
func sendOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    10 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Hour,
			MaximumAttempts:    activities.EmailAttempts,
		},
	})
}
