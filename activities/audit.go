package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
)

// chainPending gives pending events, oldest row first, their places after the chain's head,
// and each its hash over the one before; and queues the webhooks their actions call for. It
// takes the head first, so a second sequencer waits and then finds them placed. It returns how
// many it placed.
func chainPending(ctx context.Context, tx *ent.Tx, batch int) (int, error) {
	ctx = authz.AsSystem(ctx, authz.Sequencer)
	if err := tx.AuditHead.Update().AddSeq(0).Exec(ctx); err != nil {
		return 0, fmt.Errorf("taking the audit chain's head: %w", err)
	}
	head, err := tx.AuditHead.Query().Only(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the audit chain's head: %w", err)
	}
	pending, err := tx.AuditEvent.Query().Where(auditevent.SeqIsNil()).Order(ent.Asc(auditevent.FieldID)).Limit(batch).All(ctx)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	endpoints, err := liveEndpoints(ctx, tx)
	if err != nil {
		return 0, err
	}
	seq, prev, queued := head.Seq, head.Hash, false
	for _, e := range pending {
		seq++
		ev := chained(e)
		ev.Seq, ev.PrevHash = seq, prev
		ev.Hash = ev.ComputeHash()
		n, err := tx.AuditEvent.Update().Where(auditevent.ID(e.ID), auditevent.SeqIsNil()).
			SetSeq(ev.Seq).SetPrevHash(ev.PrevHash).SetHash(ev.Hash).Save(ctx)
		if err != nil {
			return 0, err
		}
		if n != 1 {
			return 0, fmt.Errorf("audit event row %d was placed by another sequencer", e.ID)
		}
		q, err := queueWebhooks(ctx, tx, endpoints, ev)
		if err != nil {
			return 0, err
		}
		prev, queued = ev.Hash, queued || q
	}
	if queued {
		if err := WebhooksWaiting(ctx, tx); err != nil {
			return 0, err
		}
	}
	if err := tx.AuditHead.UpdateOne(head).SetSeq(seq).SetHash(prev).Exec(ctx); err != nil {
		return 0, err
	}
	return len(pending), nil
}

// ChainPending places the pending events, as the sequencer does before it adds them to the
// log: for tools and tests that check the chain where no sequencer runs.
func ChainPending(ctx context.Context, db *ent.Client) (int, error) {
	var n int
	err := db.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		n, err = chainPending(ctx, tx, 1<<30)
		return err
	})
	return n, err
}

// ChainedEvent is an audit event as the chain hashes it.
type ChainedEvent struct {
	Seq         int64     `json:"seq"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	RecordType  string    `json:"record_type"`
	RecordID    int       `json:"record_id"`
	ChallengeID int       `json:"challenge_id,omitempty"`
	Before      string    `json:"before,omitempty"`
	After       string    `json:"after,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	RequestID   string    `json:"request_id,omitempty"`
	Token       string    `json:"token,omitempty"`
	PrevHash    string    `json:"prev_hash"`
	Hash        string    `json:"hash"`
}

// ComputeHash is the SHA-256 of the event's fields (its own hash aside) and the previous hash,
// in a fixed order with lengths, so no two different events can encode alike.
func (e ChainedEvent) ComputeHash() string {
	h := sha256.New()
	fields := []string{
		strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.RecordType,
		strconv.Itoa(e.RecordID), strconv.Itoa(e.ChallengeID), e.Before, e.After, e.Reason, e.RequestID, e.PrevHash,
	}
	if e.Token != "" { // after the rest, so an event without one hashes as events did before tokens were named
		fields = append(fields, "token", e.Token)
	}
	for _, f := range fields {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func chained(ev *ent.AuditEvent) ChainedEvent {
	c := ChainedEvent{At: ev.At, Actor: ev.Actor, Action: ev.Action, RecordType: ev.RecordType,
		RecordID: ev.RecordID, Before: ev.Before, After: ev.After, Reason: ev.Reason, RequestID: ev.RequestID,
		Token: ev.Token, PrevHash: ev.PrevHash, Hash: ev.Hash}
	if ev.ChallengeID != nil {
		c.ChallengeID = *ev.ChallengeID
	}
	if ev.Seq != nil {
		c.Seq = *ev.Seq
	}
	return c
}

// BrokenLink says where the audit chain first fails to verify, and how.
type BrokenLink struct {
	Seq    int64
	ID     int
	Reason string
}

func (b *BrokenLink) Error() string {
	return fmt.Sprintf("the audit trail is broken at event %d (row %d): %s", b.Seq, b.ID, b.Reason)
}

// VerifyAudit walks the whole chain in order and returns the number of events checked, or a
// *BrokenLink naming the first event that was edited, removed or inserted out of turn. Events
// still pending (not yet placed by the sequencer) are not in the chain yet.
func VerifyAudit(ctx context.Context, db *ent.Client) (int, error) {
	ctx = authz.AsSystem(ctx, "audit-verify")
	// The head first: the sequencer places events and moves the head in one transaction, so
	// every event up to the head read now is there to be read after it; events it places while
	// this runs are after the head, and are left for the next check.
	head, err := db.AuditHead.Query().Only(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the audit chain's head: %w", err)
	}
	const batch = 1000
	var prev string
	var want int64 = 1
	checked := 0
	for {
		rows, err := db.AuditEvent.Query().Where(auditevent.SeqGTE(want), auditevent.SeqLTE(head.Seq)).Order(ent.Asc(auditevent.FieldSeq)).Limit(batch).All(ctx)
		if err != nil {
			return checked, err
		}
		for _, r := range rows {
			ev := chained(r)
			switch {
			case ev.Seq != want:
				return checked, &BrokenLink{Seq: want, ID: r.ID, Reason: fmt.Sprintf("event %d is missing (the next one is %d)", want, ev.Seq)}
			case ev.PrevHash != prev:
				return checked, &BrokenLink{Seq: ev.Seq, ID: r.ID, Reason: "it does not follow from the event before it (an event was removed or replaced)"}
			case ev.ComputeHash() != ev.Hash:
				return checked, &BrokenLink{Seq: ev.Seq, ID: r.ID, Reason: "its content does not match its hash (it was edited)"}
			}
			prev, want = ev.Hash, want+1
			checked++
		}
		if len(rows) < batch {
			break
		}
	}
	if head.Seq != want-1 || head.Hash != prev {
		return checked, &BrokenLink{Seq: want, Reason: fmt.Sprintf("the chain's head says %d events, but %d were found (events were removed from the end)", head.Seq, want-1)}
	}
	return checked, nil
}
