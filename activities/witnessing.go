package activities

import (
	"context"
	"errors"
	"net/http"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/logcheckpoint"
	"github.com/catalyst-sbri/catalyst/ent/logcosignature"
	"github.com/catalyst-sbri/catalyst/witness"
)

// LogWitness asks one witness (c2sp.org/tlog-witness) to cosign the log's latest checkpoint,
// and keeps its cosignature beside it, to be served with it.
type LogWitness struct {
	DB       *ent.Client
	URL      string        // the witness's base URL
	Verifier note.Verifier // its cosignature key
	HTTP     *http.Client  // nil for a client with a 10-second timeout

	known int64 // the size the witness holds, as it last said
}

const logWitnessingName = "log-witnessing"

// Cosign asks the witness to cosign the latest checkpoint, unless it has; it reports whether
// it got a new cosignature. A witness holding another size says which, and is asked again with
// the proof from there.
func (q *LogWitness) Cosign(ctx context.Context) (bool, error) {
	ctx = authz.AsSystem(ctx, logWitnessingName)
	latest, err := q.DB.LogCheckpoint.Query().Order(ent.Desc(logcheckpoint.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	done, err := q.DB.LogCosignature.Query().Where(logcosignature.CheckpointSize(latest.ID), logcosignature.Witness(q.Verifier.Name())).Exist(ctx)
	if err != nil || done {
		return false, err
	}
	hc := q.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	for range 2 {
		if q.known > latest.ID {
			return false, nil // the witness is past this checkpoint: the next one will do
		}
		proof, err := q.proof(ctx, latest.ID, q.known)
		if err != nil {
			return false, err
		}
		line, err := witness.Ask(ctx, hc, q.URL, q.Verifier, q.known, proof, []byte(latest.Note))
		var conflict *witness.ErrConflict
		if errors.As(err, &conflict) {
			q.known = conflict.Known
			continue
		}
		if err != nil {
			return false, err
		}
		q.known = latest.ID
		return true, q.DB.LogCosignature.Create().SetCheckpointSize(latest.ID).SetWitness(q.Verifier.Name()).
			SetSignature(string(line)).SetCreatedAt(time.Now().UTC()).Exec(ctx)
	}
	return false, errors.New("the witness's size kept changing")
}

// proof is the consistency proof of the tree of size n with the tree of size old.
func (q *LogWitness) proof(ctx context.Context, n, old int64) (tlog.TreeProof, error) {
	if old == 0 || old == n {
		return nil, nil
	}
	var proof tlog.TreeProof
	err := q.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		proof, err = tlog.ProveTree(n, old, tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
			return readLogHashes(ctx, tx, indexes, nil)
		}))
		return err
	})
	return proof, err
}
