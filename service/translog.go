package service

// The public transparency log as its readers fetch it (c2sp.org/tlog-tiles): the latest signed
// checkpoint, and the tiles of hashes and bundles of entries it covers. Anyone reads it, signed
// in or not: nothing in it is sealed or personal (package translog). The worker's sequencer
// writes it (activities.LogSequencer).

import (
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/logcheckpoint"
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

// receiptInLog is the bid's receipt as the log holds it, with its proof against the latest
// checkpoint; nil until the sequencer has taken it in.
func (s *Service) receiptInLog(ctx context.Context, bidID int, receipt string) (*translog.Inclusion, error) {
	ctx = authz.AsSystem(ctx, logReaderName)
	events, err := s.DB.AuditEvent.Query().Where(auditevent.RecordType("bid"), auditevent.RecordID(bidID), auditevent.Action("bid.submitted")).
		Select(auditevent.FieldSeq).All(ctx)
	if err != nil || len(events) == 0 {
		return nil, err
	}
	seqs := make([]int64, len(events))
	for i, ev := range events {
		seqs[i] = ev.Seq
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
		c, err := s.LogCheckpoint(ctx)
		if err != nil || e.ID >= c.ID {
			return nil, nil // not yet under a checkpoint
		}
		proof, err := tlog.ProveRecord(c.ID, e.ID, s.logHashes(ctx))
		if err != nil {
			return nil, err
		}
		in := translog.NewInclusion(e.ID, e.Data, c.Note, proof)
		return &in, nil
	}
	return nil, nil
}
