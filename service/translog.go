package service

// The public transparency log as its readers fetch it (c2sp.org/tlog-tiles): the latest signed
// checkpoint, and the tiles of hashes and bundles of entries it covers. Anyone reads it, signed
// in or not: nothing in it is sealed or personal (package translog). The worker's sequencer
// writes it (activities.LogSequencer).

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/logcheckpoint"
	"github.com/catalyst-sbri/catalyst/ent/logcosignature"
	"github.com/catalyst-sbri/catalyst/ent/logentry"
	"github.com/catalyst-sbri/catalyst/ent/loghash"
	"github.com/catalyst-sbri/catalyst/translog"
)

const logReaderName = "log-reader"

// LogCheckpoint is the latest signed checkpoint, as its note; not found while the log is empty.
func (s *Service) LogCheckpoint(ctx context.Context) (*ent.LogCheckpoint, error) {
	c, err := s.DB.LogCheckpoint.Query().Order(ent.Desc(logcheckpoint.FieldID)).First(authz.AsSystem(ctx, logReaderName))
	if ent.IsNotFound(err) {
		return nil, notFound("checkpoint", 0)
	}
	return c, err
}

// CheckpointNote is a checkpoint as served, its signed note followed by the witnesses'
// cosignatures of it: the latest, or with cosigned the latest a witness has cosigned (not found
// until one has).
func (s *Service) CheckpointNote(ctx context.Context, cosigned bool) (string, error) {
	ctx = authz.AsSystem(ctx, logReaderName)
	var c *ent.LogCheckpoint
	var err error
	if cosigned {
		last, err := s.DB.LogCosignature.Query().Order(ent.Desc(logcosignature.FieldCheckpointSize)).First(ctx)
		if ent.IsNotFound(err) {
			return "", notFound("cosigned checkpoint", 0)
		}
		if err != nil {
			return "", err
		}
		c, err = s.DB.LogCheckpoint.Get(ctx, last.CheckpointSize)
		if err != nil {
			return "", err
		}
	} else if c, err = s.LogCheckpoint(ctx); err != nil {
		return "", err
	}
	sigs, err := s.DB.LogCosignature.Query().Where(logcosignature.CheckpointSize(c.ID)).Order(ent.Asc(logcosignature.FieldWitness)).All(ctx)
	if err != nil {
		return "", err
	}
	out := c.Note
	for _, sig := range sigs {
		out += sig.Signature
	}
	return out, nil
}

// LogTile is a tile of the tree the latest checkpoint covers: at level 0 and up its hashes, at
// level -1 its entries' bundle. A tile the checkpoint does not yet cover is not found.
func (s *Service) LogTile(ctx context.Context, level int, n int64, width int) ([]byte, error) {
	ctx = authz.AsSystem(ctx, logReaderName)
	c, err := s.LogCheckpoint(ctx)
	if err != nil {
		return nil, err
	}
	// How many of the level's nodes the tree has; the tile must lie within them.
	nodes := c.ID
	for range max(level, 0) * translog.TileHeight {
		nodes /= 2
	}
	if n*translog.TileWidth+int64(width) > nodes {
		return nil, notFound("tile", int(n))
	}
	if level < 0 {
		first := n * translog.TileWidth
		rows, err := s.DB.LogEntry.Query().Where(logentry.IDGTE(first), logentry.IDLT(first+int64(width))).Order(ent.Asc(logentry.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		entries := make([][]byte, len(rows))
		for i, r := range rows {
			entries[i] = r.Data
		}
		return translog.EntryBundle(entries)
	}
	return tlog.ReadTileData(translog.Tile(level, n, width), s.logHashes(ctx))
}

// logHashes reads the log's stored hashes.
func (s *Service) logHashes(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		rows, err := s.DB.LogHash.Query().Where(loghash.IDIn(indexes...)).All(ctx)
		if err != nil {
			return nil, err
		}
		byIndex := map[int64][]byte{}
		for _, r := range rows {
			byIndex[r.ID] = r.Hash
		}
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			h, ok := byIndex[x]
			if !ok {
				return nil, fmt.Errorf("the log has no stored hash %d", x)
			}
			copy(out[i][:], h)
		}
		return out, nil
	})
}

// receiptInLog is the bid's receipt as the log holds it, with its proof: against the
// competition's checkpoint at its close when that holds it (so a supplier proves their bid was
// among those received by the deadline), else the latest checkpoint; nil until the sequencer
// has taken it in.
func (s *Service) receiptInLog(ctx context.Context, bidID, competitionID int, receipt string) (*translog.Inclusion, error) {
	ctx = authz.AsSystem(ctx, logReaderName)
	events, err := s.DB.AuditEvent.Query().Where(auditevent.RecordType("bid"), auditevent.RecordID(bidID), auditevent.Action("bid.submitted"),
		auditevent.SeqNotNil()).Select(auditevent.FieldSeq).All(ctx)
	if err != nil || len(events) == 0 {
		return nil, err
	}
	seqs := make([]int64, len(events))
	for i, ev := range events {
		seqs[i] = *ev.Seq
	}
	entries, err := s.DB.LogEntry.Query().Where(logentry.AuditSeqIn(seqs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		var r translog.Receipt
		if json.Unmarshal(e.Data, &r) != nil || r.Kind != translog.KindReceipt || r.Receipt != receipt {
			continue
		}
		size, signed, err := s.checkpointHolding(ctx, e.ID, competitionID)
		if err != nil || size == 0 {
			return nil, err
		}
		proof, err := tlog.ProveRecord(size, e.ID, s.logHashes(ctx))
		if err != nil {
			return nil, err
		}
		in := translog.NewInclusion(e.ID, e.Data, signed, proof)
		return &in, nil
	}
	return nil, nil
}

// checkpointHolding is the checkpoint to prove entry index against: the competition's at its
// close if it holds the entry, else the latest; size 0 while no checkpoint holds it yet.
func (s *Service) checkpointHolding(ctx context.Context, index int64, competitionID int) (int64, string, error) {
	closing, err := s.closingLog(ctx, competitionID)
	if err != nil {
		return 0, "", err
	}
	if closing != nil && index < closing.Size {
		return closing.Size, closing.Note, nil
	}
	c, err := s.DB.LogCheckpoint.Query().Order(ent.Desc(logcheckpoint.FieldID)).First(ctx)
	if ent.IsNotFound(err) || err == nil && index >= c.ID {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	return c.ID, c.Note, nil
}

// ReceiptClaim is a receipt as its holder presents it: its number, the hash of its sealed form,
// the sealed form itself, and the log's entry for it with the proof.
type ReceiptClaim struct {
	Receipt, ContentHash string
	Sealed               SealedForm
	Log                  *translog.Inclusion
}

// CheckReceiptOffline checks a receipt with the log's verifier key alone, as anyone can: its
// sealed form hashes to its hash; its checkpoint is signed with the key; the checkpoint's tree
// holds its entry; and the entry is this receipt's. It is what `catalyst receipt verify` runs,
// and the first half of the public check. Each refusal says what is wrong, as a problem with
// the file.
func CheckReceiptOffline(r ReceiptClaim, vkey string) (translog.Checkpoint, translog.Receipt, error) {
	var entry translog.Receipt
	refuse := func(format string, args ...any) (translog.Checkpoint, translog.Receipt, error) {
		var ps domain.Problems
		ps.Add("file", format, args...)
		return translog.Checkpoint{}, entry, ps.Err()
	}
	if r.Receipt == "" {
		return refuse("The file is not a Catalyst receipt: choose the receipt file you downloaded after you submitted")
	}
	if sum := r.Sealed.Hash(); sum != r.ContentHash {
		return refuse("The receipt %s does not check: its sealed form hashes to %s, not the %s it says", r.Receipt, sum, r.ContentHash)
	}
	if r.Log == nil {
		return refuse("The receipt %s's sealed form checks, but the file carries no proof from the public log: download the receipt again a few seconds after the submit", r.Receipt)
	}
	c, err := r.Log.Check(vkey)
	if err != nil {
		return refuse("The receipt %s does not check against the public log: %v", r.Receipt, err)
	}
	if json.Unmarshal([]byte(r.Log.Entry), &entry) != nil || entry.Kind != translog.KindReceipt ||
		entry.Receipt != r.Receipt || entry.SHA256 != r.ContentHash {
		return refuse("The receipt %s does not check: the log's entry %d is not this receipt (%s)", r.Receipt, r.Log.Index, r.Log.Entry)
	}
	return c, entry, nil
}

// LogCheck is what the public check of a receipt found.
type LogCheck struct {
	Entry      translog.Receipt
	Index      int64
	Checkpoint translog.Checkpoint // the one the receipt's proof is against
	// Latest is the log's latest checkpoint, proved consistent with Checkpoint: the log still
	// holds the receipt, and nothing before it was changed since.
	Latest translog.Checkpoint
	// Closing is the size of the competition's checkpoint at its close, 0 while it is open;
	// BeforeClose says whether the receipt's entry is within it.
	Closing     int64
	BeforeClose bool
}

// CheckReceiptInLog checks a receipt as anyone may, signed in or not: offline with the log's
// key, then against the log as it stands (its latest checkpoint consistent with the receipt's)
// and the competition's checkpoint at its close.
func (s *Service) CheckReceiptInLog(ctx context.Context, r ReceiptClaim) (LogCheck, error) {
	if s.LogKey == "" {
		return LogCheck{}, conflict("no-log-key", "this service has no transparency log key configured, so receipts cannot be checked here")
	}
	c, entry, err := CheckReceiptOffline(r, s.LogKey)
	if err != nil {
		return LogCheck{}, err
	}
	out := LogCheck{Entry: entry, Index: r.Log.Index, Checkpoint: c}
	ctx = authz.AsSystem(ctx, logReaderName)
	latest, err := s.LogCheckpoint(ctx)
	if err != nil {
		return out, err
	}
	if out.Latest, err = translog.OpenCheckpoint([]byte(latest.Note), s.LogKey); err != nil {
		return out, err
	}
	var ps domain.Problems
	if out.Latest.Size < c.Size {
		ps.Add("file", "The receipt's checkpoint is of %d entries, but the log now has only %d: the log was cut back", c.Size, out.Latest.Size)
		return out, ps.Err()
	}
	proof, err := tlog.ProveTree(out.Latest.Size, c.Size, s.logHashes(ctx))
	if err != nil {
		return out, err
	}
	if err := tlog.CheckTree(proof, out.Latest.Size, out.Latest.Root, c.Size, c.Root); err != nil {
		ps.Add("file", "The log as it stands is not an extension of the receipt's checkpoint: the log was changed (%v)", err)
		return out, ps.Err()
	}
	closing, err := s.closingLog(ctx, entry.Competition)
	if err != nil {
		return out, err
	}
	if closing != nil {
		out.Closing, out.BeforeClose = closing.Size, out.Index < closing.Size
	}
	return out, nil
}

// closingLog is the checkpoint at the close of the competition (any, open or not: the log is
// public); nil while it has none, or there is no such competition.
func (s *Service) closingLog(ctx context.Context, competitionID int) (*ClosingLog, error) {
	comp, err := s.DB.Competition.Query().Where(competition.ID(competitionID)).Select(competition.FieldClosingCheckpoint).
		Only(authz.AsSystem(ctx, logReaderName))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ClosingLogOf(comp), nil
}

// ClosingLog is a competition's checkpoint at its close, as its page and open data publish it:
// the log's size and root then, and the signed note.
type ClosingLog struct {
	Size int64
	Root string // base64, as the note writes it
	Note string
}

// ClosingLogOf is the competition's checkpoint at its close; nil until the sequencer records it.
func ClosingLogOf(c *ent.Competition) *ClosingLog {
	if c.ClosingCheckpoint == "" {
		return nil
	}
	cp, err := translog.ParseCheckpoint(c.ClosingCheckpoint)
	if err != nil {
		return nil
	}
	return &ClosingLog{Size: cp.Size, Root: base64.StdEncoding.EncodeToString(cp.Root[:]), Note: c.ClosingCheckpoint}
}
