package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/idempotencyrecord"
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

// BeginKeyed records the first request with a key, or returns the earlier one with the same
// key (prior), whose answer may still be being written (Status 0).
func (s *Service) BeginKeyed(ctx context.Context, in KeyedRequest) (rec, prior *ent.IdempotencyRecord, err error) {
	ctx = authz.AsSystem(ctx, idempotencyName)
	for try := 0; ; try++ {
		rec, err = s.DB.IdempotencyRecord.Create().SetPrincipal(in.Principal).SetKey(in.Key).SetMethod(in.Method).
			SetPath(in.Path).SetBodyHash(in.BodyHash).SetCreatedAt(time.Now().UTC()).Save(ctx)
		if !ent.IsConstraintError(err) {
			break
		}
		prior, err = s.DB.IdempotencyRecord.Query().Where(idempotencyrecord.Principal(in.Principal), idempotencyrecord.Key(in.Key)).Only(ctx)
		if err != nil || try > 0 || prior.Status != 0 || prior.CreatedAt.After(time.Now().Add(-abandonedAfter)) ||
			prior.Path != in.Path || prior.BodyHash != in.BodyHash {
			return nil, prior, err
		}
		// Cut off before it was answered: forget it (if no other retry did first) and begin again.
		if _, err := s.DB.IdempotencyRecord.Delete().Where(idempotencyrecord.ID(prior.ID), idempotencyrecord.Status(0)).Exec(ctx); err != nil {
			return nil, nil, err
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if rec.ID%100 == 0 { // now and then, forget answers older than any retry
		_, _ = s.DB.IdempotencyRecord.Delete().Where(idempotencyrecord.CreatedAtLT(time.Now().Add(-keyLifetime))).Exec(ctx)
	}
	return rec, nil, nil
}

// RememberAnswer keeps the answer to a keyed request, for its retries.
func (s *Service) RememberAnswer(ctx context.Context, rec *ent.IdempotencyRecord, status int, contentType string, body []byte) error {
	return s.DB.IdempotencyRecord.UpdateOne(rec).SetStatus(status).SetContentType(contentType).SetBody(body).
		Exec(authz.AsSystem(ctx, idempotencyName))
}

// ForgetKeyed drops a keyed request whose answer is not to be kept (a server error), so a retry
// may try again.
func (s *Service) ForgetKeyed(ctx context.Context, rec *ent.IdempotencyRecord) {
	_ = s.DB.IdempotencyRecord.DeleteOne(rec).Exec(authz.AsSystem(ctx, idempotencyName))
}
