package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/logcheckpoint"
	"github.com/catalyst-sbri/catalyst/ent/logentry"
	"github.com/catalyst-sbri/catalyst/ent/loghash"
	"github.com/catalyst-sbri/catalyst/translog"
)

// LogSequencer places pending audit events in the trail (chainPending) and integrates the
// trail into the public transparency log: each audit event as its commitment, and each bid
// received as its receipt, in the trail's order, then signs a checkpoint of the tree; all in
// one transaction, so a crash leaves the events pending and the next run takes them. An event
// committed and not yet integrated is integrated by the next run, on whichever process runs
// it: the chain's head lets one run at a time place events, and the log's entry indexes let
// only one append a given entry.
type LogSequencer struct {
	DB     *ent.Client
	Signer note.Signer // the log's key: its name is the log's origin; nil places the trail only
	Batch  int         // audit events at most a run (default 500)
}

const logSequencerName = "log-sequencer"

// Integrate appends the audit events after the log's last (and their receipts), and signs a
// checkpoint of the tree that holds them; it returns how many audit events it integrated.
func (q *LogSequencer) Integrate(ctx context.Context) (int, error) {
	ctx = authz.AsSystem(ctx, logSequencerName)
	batch := q.Batch
	if batch <= 0 {
		batch = 500
	}
	var integrated int
	err := q.DB.WithTx(ctx, func(tx *ent.Tx) error {
		placed, err := chainPending(ctx, tx, batch)
		if err != nil || q.Signer == nil {
			integrated = placed // no log key: the trail is placed, and no log kept
			return err
		}
		size, lastSeq := int64(0), int64(0)
		last, err := tx.LogEntry.Query().Order(ent.Desc(logentry.FieldID)).First(ctx)
		switch {
		case ent.IsNotFound(err):
		case err != nil:
			return err
		default:
			size, lastSeq = last.ID+1, last.AuditSeq
		}
		events, err := tx.AuditEvent.Query().Where(auditevent.SeqGT(lastSeq)).Order(ent.Asc(auditevent.FieldSeq)).Limit(batch).All(ctx)
		if err != nil {
			return err
		}
		integrated = len(events)
		competitions, err := competitionsOfReceipts(ctx, tx, events)
		if err != nil {
			return err
		}
		added := map[int64]tlog.Hash{}
		hashes := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
			return readLogHashes(ctx, tx, indexes, added)
		})
		now := time.Now().UTC()
		var entries []*ent.LogEntryCreate
		var stored []*ent.LogHashCreate
		appendEntry := func(data []byte, seq int64) error {
			hs, err := tlog.StoredHashes(size, data, hashes)
			if err != nil {
				return err
			}
			first := tlog.StoredHashIndex(0, size)
			for i, h := range hs {
				added[first+int64(i)] = h
				stored = append(stored, tx.LogHash.Create().SetID(first+int64(i)).SetHash(h[:]))
			}
			entries = append(entries, tx.LogEntry.Create().SetID(size).SetData(data).SetAuditSeq(seq).SetIntegratedAt(now))
			size++
			return nil
		}
		var closed []int // competitions whose close this run takes in
		for _, ev := range events {
			seq := *ev.Seq
			if ev.RecordType == "competition" && domain.ClosesCompetition(ev.Action) {
				closed = append(closed, ev.RecordID)
			}
			if err := appendEntry(translog.AuditEntry(seq, ev.Hash), seq); err != nil {
				return err
			}
			if comp, ok := competitions[ev.RecordID]; ok && ev.Action == "bid.submitted" && ev.RecordType == "bid" {
				var sealed struct {
					Receipt     string `json:"receipt"`
					ContentHash string `json:"content_hash"`
				}
				if json.Unmarshal([]byte(ev.After), &sealed) == nil && sealed.Receipt != "" {
					if err := appendEntry(translog.ReceiptEntry(comp, sealed.Receipt, ev.At, sealed.ContentHash), seq); err != nil {
						return err
					}
				}
			}
		}
		for i := 0; i < len(entries); i += 500 {
			if err := tx.LogEntry.CreateBulk(entries[i:min(i+500, len(entries))]...).Exec(ctx); err != nil {
				return err
			}
		}
		for i := 0; i < len(stored); i += 500 {
			if err := tx.LogHash.CreateBulk(stored[i:min(i+500, len(stored))]...).Exec(ctx); err != nil {
				return err
			}
		}
		if size == 0 {
			return nil
		}
		note, err := q.checkpoint(ctx, tx, size, hashes, now)
		if err != nil || len(closed) == 0 {
			return err
		}
		// The checkpoint holds each close taken in, and so every bid received before it.
		return tx.Competition.Update().Where(competition.IDIn(closed...), competition.ClosingCheckpoint("")).
			SetClosingCheckpoint(note).Exec(ctx)
	})
	return integrated, err
}

// checkpoint signs the tree at size, or finds it signed, and returns the signed note.
func (q *LogSequencer) checkpoint(ctx context.Context, tx *ent.Tx, size int64, hashes tlog.HashReader, now time.Time) (string, error) {
	signed, err := tx.LogCheckpoint.Query().Where(logcheckpoint.ID(size)).Only(ctx)
	switch {
	case err == nil:
		return signed.Note, nil
	case !ent.IsNotFound(err):
		return "", err
	}
	root, err := tlog.TreeHash(size, hashes)
	if err != nil {
		return "", err
	}
	msg, err := translog.Checkpoint{Origin: q.Signer.Name(), Size: size, Root: root}.Sign(q.Signer)
	if err != nil {
		return "", err
	}
	return string(msg), tx.LogCheckpoint.Create().SetID(size).SetRoot(root[:]).SetNote(string(msg)).SetCreatedAt(now).Exec(ctx)
}

// competitionsOfReceipts is the competition of each bid the events received, by bid.
func competitionsOfReceipts(ctx context.Context, tx *ent.Tx, events []*ent.AuditEvent) (map[int]int, error) {
	var ids []int
	for _, ev := range events {
		if ev.Action == "bid.submitted" && ev.RecordType == "bid" {
			ids = append(ids, ev.RecordID)
		}
	}
	out := map[int]int{}
	if len(ids) == 0 {
		return out, nil
	}
	bids, err := tx.Bid.Query().Where(bid.IDIn(ids...)).Select(bid.FieldID, bid.FieldCompetitionID).All(ctx)
	for _, b := range bids {
		out[b.ID] = b.CompetitionID
	}
	return out, err
}

// readLogHashes reads stored hashes, those added in this run from memory.
func readLogHashes(ctx context.Context, tx *ent.Tx, indexes []int64, added map[int64]tlog.Hash) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, x := range indexes {
		if h, ok := added[x]; ok {
			out[i] = h
		} else {
			missing = append(missing, x)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	rows, err := tx.LogHash.Query().Where(loghash.IDIn(missing...)).All(ctx)
	if err != nil {
		return nil, err
	}
	found := map[int64]tlog.Hash{}
	for _, r := range rows {
		var h tlog.Hash
		copy(h[:], r.Hash)
		found[r.ID] = h
	}
	for i, x := range indexes {
		if _, ok := added[x]; ok {
			continue
		}
		h, ok := found[x]
		if !ok {
			return nil, fmt.Errorf("the log has no stored hash %d: its tree is incomplete", x)
		}
		out[i] = h
	}
	return out, nil
}

// LogReport is what VerifyLog found: the entries, the checkpoints, and how many audit events
// the log holds.
type LogReport struct {
	Entries, Checkpoints, AuditEvents int64
}

// VerifyLog checks the transparency log against the records it came from: every stored hash is
// the one its entries make; every checkpoint's root is the tree's at its size, signed by vkey
// (when given), and consistent with the one before; every audit event up to the log's last is
// in it, as its commitment, once and in order.
func VerifyLog(ctx context.Context, db *ent.Client, vkey string) (LogReport, error) {
	ctx = authz.AsSystem(ctx, logSequencerName)
	var r LogReport
	entries, err := db.LogEntry.Query().Order(ent.Asc(logentry.FieldID)).All(ctx)
	if err != nil {
		return r, err
	}
	stored, err := db.LogHash.Query().All(ctx)
	if err != nil {
		return r, err
	}
	have := map[int64][]byte{}
	for _, h := range stored {
		have[h.ID] = h.Hash
	}
	computed := map[int64]tlog.Hash{}
	hashes := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			h, ok := computed[x]
			if !ok {
				return nil, fmt.Errorf("the log has no hash %d", x)
			}
			out[i] = h
		}
		return out, nil
	})
	events, err := db.AuditEvent.Query().Where(auditevent.SeqNotNil()).Order(ent.Asc(auditevent.FieldSeq)).Select(auditevent.FieldSeq, auditevent.FieldHash).All(ctx)
	if err != nil {
		return r, err
	}
	next := 0 // the next audit event the log must commit to
	for i, e := range entries {
		if e.ID != int64(i) {
			return r, fmt.Errorf("the log has no entry %d (the next is %d)", i, e.ID)
		}
		hs, err := tlog.StoredHashes(e.ID, e.Data, hashes)
		if err != nil {
			return r, err
		}
		first := tlog.StoredHashIndex(0, e.ID)
		for k, h := range hs {
			computed[first+int64(k)] = h
			if got := have[first+int64(k)]; string(got) != string(h[:]) {
				return r, fmt.Errorf("the log's stored hash %d is not the one entry %d makes: the log was changed", first+int64(k), e.ID)
			}
		}
		var c translog.AuditCommitment
		if json.Unmarshal(e.Data, &c) == nil && c.Kind == translog.KindAudit {
			if next >= len(events) || *events[next].Seq != c.Seq || events[next].Hash != c.SHA256 {
				return r, fmt.Errorf("log entry %d commits to audit event %d, which is not the trail's next event as it stands", e.ID, c.Seq)
			}
			next++
			r.AuditEvents++
		}
		r.Entries++
	}
	if len(entries) > 0 && next < len(events) && *events[next].Seq <= entries[len(entries)-1].AuditSeq {
		return r, fmt.Errorf("audit event %d is missing from the log", *events[next].Seq)
	}
	// A checkpoint the sequencer signed after the entries were read is for the next run.
	checkpoints, err := db.LogCheckpoint.Query().Where(logcheckpoint.IDLTE(int64(len(entries)))).Order(ent.Asc(logcheckpoint.FieldID)).All(ctx)
	if err != nil {
		return r, err
	}
	for _, c := range checkpoints {
		root, err := tlog.TreeHash(c.ID, hashes)
		if err != nil {
			return r, fmt.Errorf("checkpoint %d: %w", c.ID, err)
		}
		if string(root[:]) != string(c.Root) {
			return r, fmt.Errorf("checkpoint %d's root is not the tree's: the log was changed", c.ID)
		}
		if vkey != "" {
			opened, err := translog.OpenCheckpoint([]byte(c.Note), vkey)
			if err != nil {
				return r, fmt.Errorf("checkpoint %d: %w", c.ID, err)
			}
			if opened.Size != c.ID || opened.Root != root {
				return r, fmt.Errorf("checkpoint %d's signed note says size %d and another root", c.ID, opened.Size)
			}
		}
		r.Checkpoints++
	}
	// Each checkpoint is consistent with the one before, as any verifier holding both would
	// check (ProveTree over the same stored hashes).
	for i := 1; i < len(checkpoints); i++ {
		older, newer := checkpoints[i-1], checkpoints[i]
		proof, err := tlog.ProveTree(newer.ID, older.ID, hashes)
		if err != nil {
			return r, err
		}
		var oldRoot, newRoot tlog.Hash
		copy(oldRoot[:], older.Root)
		copy(newRoot[:], newer.Root)
		if err := tlog.CheckTree(proof, newer.ID, newRoot, older.ID, oldRoot); err != nil {
			return r, fmt.Errorf("checkpoint %d is not consistent with checkpoint %d: %w", newer.ID, older.ID, err)
		}
	}
	return r, nil
}
