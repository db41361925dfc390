package worker

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
)

// sequenceLog integrates the audit trail into the public transparency log every LogEvery (a
// second unless set), and again soon while a run finds a full batch; then asks the witness, if
// one is set, to cosign the latest checkpoint. Every worker runs it; the
// log's entry indexes let only one run append a given entry, so a second worker costs a
// refused transaction, never a wrong log.
func sequenceLog(ctx context.Context, d Deps) {
	every := d.LogEvery
	if every <= 0 {
		every = time.Second
	}
	q := &activities.LogSequencer{DB: d.DB, Signer: d.LogSigner}
	const batch = 500
	q.Batch = batch
	for {
		n, err := q.Integrate(ctx)
		if err != nil && ctx.Err() == nil {
			d.Log.Warn("transparency log", "error", err)
		}
		if w := d.LogWitness; w != nil {
			// A witness down or refusing never stops the log: its cosignature waits.
			if _, err := w.Cosign(ctx); err != nil && ctx.Err() == nil {
				d.Log.Warn("transparency log's witness", "witness", w.URL, "error", err)
			}
		}
		wait := every
		if err == nil && n == batch {
			// More is waiting: take it soon, but leave the writers a turn between batches.
			wait = every / 20
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}
