package service

import (
	"context"
	"fmt"
	"io"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/records"
)

// UploadEvidence is one evidence document for a challenge's intake, read as it streams.
type UploadEvidence struct {
	ChallengeID int
	Filename    string
	Content     io.Reader
}

// MayAddEvidence says at once whether the viewer may add evidence to the challenge now, so an
// upload is refused before it is streamed: its owner or the programme, while it may be edited.
func (s *Service) MayAddEvidence(ctx context.Context, challengeID int) error {
	ch, err := s.changeChallenge(ctx, challengeID)
	if err != nil {
		return err
	}
	return ch.Stage.Edit()
}

// UploadEvidence stores an evidence document with the challenge, audited. Documents are never
// changed or deleted: a corrected one is uploaded beside the first.
func (s *Service) UploadEvidence(ctx context.Context, in UploadEvidence) (*ent.Document, error) {
	if err := s.MayAddEvidence(ctx, in.ChallengeID); err != nil {
		return nil, err
	}
	filename, err := domain.DocumentName(in.Filename)
	if err != nil {
		return nil, err
	}
	stored, err := s.storeUpload(ctx, fmt.Sprintf("challenges/%d", in.ChallengeID), filename, in.Content, "challenge", in.ChallengeID)
	if err != nil {
		return nil, err
	}
	var doc *ent.Document
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		ch, err := tx.Challenge.Get(ctx, in.ChallengeID)
		if err != nil {
			return err
		}
		if err := ch.Stage.Edit(); err != nil {
			return err
		}
		doc, err = stored.record(ctx, tx.Document.Create()).SetFilename(filename).SetChallengeID(ch.ID).Save(ctx)
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "challenge.evidence_added", "challenge", ch.ID, nil,
			map[string]any{"document": doc.ID, "filename": filename, "sha256": stored.SHA256, "size": stored.Size})
	})
	if err != nil {
		_ = s.Docs.Delete(context.WithoutCancel(ctx), stored.Key) // nothing half-written
		return nil, err
	}
	return doc, nil
}

// Evidence lists a challenge's evidence documents the viewer may read, oldest first.
func (s *Service) Evidence(ctx context.Context, challengeID int) ([]*ent.Document, error) {
	return s.DB.Document.Query().Where(document.ChallengeID(challengeID)).Order(ent.Asc(document.FieldID)).All(ctx)
}
