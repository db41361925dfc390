package workflows

import (
	"context"
	"encoding/json"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/records"
)

// Outbox writes a signal in the caller's transaction; the relay (worker/outbox.go) sends it
// once the transaction commits, so a change and the signal that tells its workflow are kept or
// lost together. Each signal has its method here: no caller names a workflow or a signal.
type Outbox struct{ Tx *ent.Tx }

// BidSubmitted tells the competition a bid was sealed.
func (o Outbox) BidSubmitted(ctx context.Context, competitionID, bidID int) error {
	return o.signal(ctx, CompetitionWorkflowID(competitionID), SignalBidSubmitted, BidSubmittedSignal{BidID: bidID})
}

// AssignmentsChanged tells the competition its assignments were released or changed, so it
// sets its reminders again.
func (o Outbox) AssignmentsChanged(ctx context.Context, competitionID int) error {
	return o.signal(ctx, CompetitionWorkflowID(competitionID), SignalAssignmentsChanged, AssignmentsChangedSignal{CompetitionID: competitionID})
}

// ContractChanged wakes the contract's timers after its dates or milestones changed.
func (o Outbox) ContractChanged(ctx context.Context, contractID int) error {
	return o.signal(ctx, ContractWorkflowID(contractID), SignalContractChanged, ContractChangedSignal{ContractID: contractID})
}

// MailWaiting wakes the mail workflow: an email waits to be sent.
func (o Outbox) MailWaiting(ctx context.Context) error { return records.MailWaiting(ctx, o.Tx) }

// WebhooksWaiting wakes the webhook workflow: a delivery waits to be sent.
func (o Outbox) WebhooksWaiting(ctx context.Context) error {
	return activities.WebhooksWaiting(ctx, o.Tx)
}

func (o Outbox) signal(ctx context.Context, workflowID, name string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return o.Tx.OutboxMessage.Create().SetWorkflowID(workflowID).SetSignal(name).SetPayload(b).Exec(ctx)
}

// MergeSignals is one signal's payload for several outbox rows of that signal to one workflow,
// relayed together: every signal the outbox carries is a hint whose facts are in the database,
// so one says what all of them said. Sealed bids are listed in the order of their rows.
func MergeSignals(signal string, payloads [][]byte) ([]byte, error) {
	if signal != SignalBidSubmitted || len(payloads) == 1 {
		return payloads[0], nil
	}
	var all BidSubmittedSignal
	for _, p := range payloads {
		var one BidSubmittedSignal
		if err := json.Unmarshal(p, &one); err != nil {
			return nil, err
		}
		if len(one.BidIDs) == 0 {
			one.BidIDs = []int{one.BidID}
		}
		all.BidIDs = append(all.BidIDs, one.BidIDs...)
	}
	all.BidID = all.BidIDs[0]
	return json.Marshal(all)
}
