package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/idempotencyrecord"
	"github.com/catalyst-sbri/catalyst/records"
)

// idempotencyName is the system identity that keeps the answers to keyed requests.
const idempotencyName = "idempotency"

// keyLifetime is how long a key's answer is kept: long enough for any client's retries.
const keyLifetime = 24 * time.Hour

// abandonedAfter is when a keyed request still unanswered is taken to have been cut off (its
// process stopped mid-way) rather than in progress: a retry with its key is then served afresh.
// No request takes this long; the rules of each command stop a repeat from doing anything twice.
const abandonedAfter = 30 * time.Second

// KeyedRequest is a request sent with an Idempotency-Key, by one sender.
type KeyedRequest struct {
	Principal, Key, Method, Path, BodyHash string
}

// Answer is what a keyed request was answered, kept for its retries.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// JSONAnswer is an answer of v as JSON, written as an API answers (one line, ending in a newline).
func JSONAnswer(status int, v any) (Answer, error) {
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	return Answer{Status: status, ContentType: "application/json", Body: buf.Bytes()}, err
}

// ErrKeyAnswered is a keyed command whose key another request with it answered first, while
// this one ran: the retry is answered what that one was.
var ErrKeyAnswered = errors.New("another request with this Idempotency-Key was answered first")

// A command that writes in one transaction keeps its keyed answer in that transaction, so its
// effect and its answer commit together: a crash leaves both or neither, and a retry finds
// either the answer or nothing done. The API marks the request (WithKeyed) and says how the
// command's outcome is answered (AnswerKeyedWith); the command calls keepAnswer with its
// outcome, last in its transaction.
type keyedCommand struct {
	req    KeyedRequest
	answer func(outcome any) (Answer, error)
	kept   bool // the answer committed with the command
	// firstArrival is when the first request with the key arrived, if it was refused busy.
	firstArrival *time.Time
}

type keyedKey struct{}

// RefusedBusy is the Status of a keyed request's record while its request was refused busy
// and none with its key has been answered since: not an answer, but when it first arrived.
const RefusedBusy = 503

// WithKeyed marks ctx as carrying a keyed request whose command keeps its answer itself; prior
// is the record of the earlier request with the key, refused busy, if there was one.
func WithKeyed(ctx context.Context, req KeyedRequest, prior *ent.IdempotencyRecord) context.Context {
	k := &keyedCommand{req: req}
	if prior != nil && prior.Status == RefusedBusy {
		k.firstArrival = prior.ArrivedAt
	}
	return context.WithValue(ctx, keyedKey{}, k)
}

// firstArrivalOf is when the keyed request in ctx first arrived, if a first attempt with its
// key was refused busy.
func firstArrivalOf(ctx context.Context) *time.Time {
	if k, _ := ctx.Value(keyedKey{}).(*keyedCommand); k != nil {
		return k.firstArrival
	}
	return nil
}

// AnswerKeyedWith says how the keyed command in ctx, if any, answers its outcome (of type T).
func AnswerKeyedWith[T any](ctx context.Context, answer func(T) (Answer, error)) {
	if k, _ := ctx.Value(keyedKey{}).(*keyedCommand); k != nil {
		k.answer = func(o any) (Answer, error) { return answer(o.(T)) }
	}
}

// AnsweredInCommand reports whether the keyed command in ctx kept its answer with its effect.
func AnsweredInCommand(ctx context.Context) bool {
	k, _ := ctx.Value(keyedKey{}).(*keyedCommand)
	return k != nil && k.kept
}

// keepAnswer keeps the answer to the keyed command in ctx, if any, in its transaction tx.
func keepAnswer(ctx context.Context, tx *ent.Tx, outcome any) error {
	k, _ := ctx.Value(keyedKey{}).(*keyedCommand)
	if k == nil || k.answer == nil {
		return nil
	}
	a, err := k.answer(outcome)
	if err != nil {
		return err
	}
	if err := answerIn(authz.AsSystem(ctx, idempotencyName), tx, k.req, a, k.firstArrival != nil); err != nil {
		return err
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			k.kept = err == nil
			return err
		})
	})
	return nil
}

// answerIn keeps answer a to the keyed request in in tx: in the record of its first arrival if
// it may have been refused busy (a write a submit's seal is spared when it was not), or else a
// new record. ErrKeyAnswered if another request with the key was answered first.
func answerIn(ctx context.Context, tx *ent.Tx, in KeyedRequest, a Answer, mayBeBusy bool) error {
	if mayBeBusy {
		n, err := tx.IdempotencyRecord.Update().Where(idempotencyrecord.Principal(in.Principal), idempotencyrecord.Key(in.Key),
			idempotencyrecord.Status(RefusedBusy)).SetStatus(a.Status).SetContentType(a.ContentType).SetBody(a.Body).Save(ctx)
		if err != nil || n > 0 {
			return err
		}
	}
	err := newRecord(tx, in).SetStatus(a.Status).SetContentType(a.ContentType).SetBody(a.Body).Exec(ctx)
	if ent.IsConstraintError(err) {
		return ErrKeyAnswered
	}
	return err
}

// newRecord is the record of a keyed request, first seen now.
func newRecord(tx *ent.Tx, in KeyedRequest) *ent.IdempotencyRecordCreate {
	return tx.IdempotencyRecord.Create().SetPrincipal(in.Principal).SetKey(in.Key).SetMethod(in.Method).
		SetPath(in.Path).SetBodyHash(in.BodyHash).SetCreatedAt(time.Now().UTC())
}

// KeyedAnswer finds the earlier request with the key, if there was one: its answer, or Status 0
// while it is still being answered. It writes nothing, so a retry of an answered request costs
// one read.
func (s *Service) KeyedAnswer(ctx context.Context, in KeyedRequest) (*ent.IdempotencyRecord, error) {
	prior, err := s.DB.IdempotencyRecord.Query().Where(idempotencyrecord.Principal(in.Principal), idempotencyrecord.Key(in.Key)).
		Only(authz.AsSystem(ctx, idempotencyName))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return prior, err
}

// BeginKeyed records the first request with a key, for a command that does not keep its answer
// itself, or returns the earlier one with the same key (prior), whose answer may still be being
// written (Status 0). Like every write, it waits its turn for the database (a transaction).
func (s *Service) BeginKeyed(ctx context.Context, in KeyedRequest) (rec, prior *ent.IdempotencyRecord, err error) {
	ctx = authz.AsSystem(ctx, idempotencyName)
	for try := 0; ; try++ {
		err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
			rec, err = newRecord(tx, in).Save(ctx)
			return err
		})
		if !ent.IsConstraintError(err) {
			break
		}
		if prior, err = s.KeyedAnswer(ctx, in); err != nil || prior == nil {
			return nil, nil, err
		}
		if try > 0 || prior.Status != 0 || prior.CreatedAt.After(time.Now().Add(-abandonedAfter)) ||
			prior.Path != in.Path || prior.BodyHash != in.BodyHash {
			return nil, prior, nil
		}
		// Cut off before it was answered: forget it (if no other retry did first) and begin again.
		if err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
			_, err := tx.IdempotencyRecord.Delete().Where(idempotencyrecord.ID(prior.ID), idempotencyrecord.Status(0)).Exec(ctx)
			return err
		}); err != nil {
			return nil, nil, err
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if rec.ID%100 == 0 {
		s.ForgetOldAnswers(ctx)
	}
	return rec, nil, nil
}

// ForgetOldAnswers forgets answers older than any retry, now and then after a keyed request: in
// the background, one pass at a time, so that no request waits for it (at the deadline the 1 in
// 100 keyed submits that did were the slowest of all).
func (s *Service) ForgetOldAnswers(ctx context.Context) {
	if !s.forgetting.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.forgetting.Store(false)
		ctx, cancel := context.WithTimeout(authz.AsSystem(context.WithoutCancel(ctx), idempotencyName), time.Minute)
		defer cancel()
		_ = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
			_, err := tx.IdempotencyRecord.Delete().Where(idempotencyrecord.CreatedAtLT(time.Now().Add(-keyLifetime))).Exec(ctx)
			return err
		})
	}()
}

// RememberAnswer keeps the answer to a keyed request begun with BeginKeyed, for its retries.
func (s *Service) RememberAnswer(ctx context.Context, rec *ent.IdempotencyRecord, a Answer) error {
	ctx = authz.AsSystem(ctx, idempotencyName)
	return s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		return tx.IdempotencyRecord.UpdateOneID(rec.ID).SetStatus(a.Status).SetContentType(a.ContentType).SetBody(a.Body).Exec(ctx)
	})
}

// KeepAnswer keeps the answer to a keyed request whose command was to keep it but did not
// commit (it was refused, so did nothing): its retries get the refusal again. An answer kept
// meanwhile by another request with the key stands.
func (s *Service) KeepAnswer(ctx context.Context, in KeyedRequest, a Answer) error {
	ctx = authz.AsSystem(ctx, idempotencyName)
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error { return answerIn(ctx, tx, in, a, true) })
	if errors.Is(err, ErrKeyAnswered) {
		return nil
	}
	return err
}

// BidSubmitRecordPath is the path a keyed submit of bid id is kept under, from the API or the
// bid's page: the competition's close reads it (records.PendingBusySubmits).
func BidSubmitRecordPath(id int) string { return fmt.Sprintf(records.BidSubmitPath, id) }

// KeepBusyArrival keeps when a keyed request refused busy arrived, so that a retry with its key
// is received as of then (the first arrival stands). It reports whether it was kept.
func (s *Service) KeepBusyArrival(ctx context.Context, in KeyedRequest, at time.Time) bool {
	ctx, cancel := context.WithTimeout(authz.AsSystem(context.WithoutCancel(ctx), idempotencyName), 5*time.Second)
	defer cancel()
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		return newRecord(tx, in).SetArrivedAt(at.UTC()).SetStatus(RefusedBusy).Exec(ctx)
	})
	return err == nil || ent.IsConstraintError(err)
}

// ForgetKeyed drops a keyed request whose answer is not to be kept (a server error), so a retry
// may try again.
func (s *Service) ForgetKeyed(ctx context.Context, rec *ent.IdempotencyRecord) {
	ctx = authz.AsSystem(ctx, idempotencyName)
	_ = s.DB.WithTx(ctx, func(tx *ent.Tx) error { return tx.IdempotencyRecord.DeleteOneID(rec.ID).Exec(ctx) })
}
